"""Drain rate of the notification outbox against a real SMTP server (aiosmtpd on loopback).

Run: ``.venv/bin/python bench/bench_outbox.py`` (options: ``--messages``, ``--workers``,
``--database-url`` for PostgreSQL; default a fresh SQLite file).

Queues ``--messages`` e-mails in one transaction, as a bulk answer does, then drains them with
``--workers`` workers (threads, each its own claims) and prints messages per second. Every
message is counted on the server and must arrive exactly once.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: `bench` is not an installed package

from aiosmtpd.controller import Controller  # noqa: E402

from bench._results import record  # noqa: E402
from publisher.notifications.outbox import Contact, enqueue  # noqa: E402
from publisher.notifications.worker import Worker  # noqa: E402
from publisher.settings import Settings  # noqa: E402
from publisher.storage.db import make_engine, make_session_factory, write_unit  # noqa: E402
from publisher.storage.migrate import upgrade  # noqa: E402
from publisher.timeutil import now_utc  # noqa: E402
from publisher.wiring import delivery_hooks  # noqa: E402

CONTEXT = {
    "title": "市政府第十次全体会议",
    "when": "2026年12月7日 09:30",
    "place": "市政府第一会议室",
    "receipt": "CH-7K3Q9-XWM2T",
    "link": "/a/CH-7K3Q9-XWM2T",
}


class Counter:
    def __init__(self) -> None:
        self.ids: list[str] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content: bytes = envelope.content  # type: ignore[attr-defined]
        for line in content.splitlines():
            if line.lower().startswith(b"message-id:"):
                self.ids.append(line.decode())
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)
        counter = Counter()
        port = _free_port()
        controller = Controller(counter, hostname="127.0.0.1", port=port)
        controller.start()
        settings = Settings(
            environment="test", database_url=url, smtp_host="127.0.0.1", smtp_port=port
        )
        with factory() as session, write_unit(session):
            for i in range(args.messages):
                enqueue(
                    session,
                    "meeting.application.received",
                    Contact(email=f"bench{i}@example.cn"),
                    CONTEXT,
                    now_utc(),
                )
        workers = [
            Worker(factory, settings, delivery_hooks(), name=f"bench-{n}")
            for n in range(args.workers)
        ]
        threads = [threading.Thread(target=w.drain) for w in workers]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - started
        controller.stop()
        engine.dispose()
    received, unique = len(counter.ids), len(set(counter.ids))
    backend = url.split(":", 1)[0]
    print(
        f"outbox drain, {backend}, {args.workers} worker(s): {args.messages} e-mails in "
        f"{took:.2f} s = {args.messages / took:.0f} messages/s "
        f"(received {received}, distinct {unique})"
    )
    case = f"outbox drain, {backend}, {args.workers} worker(s)"
    record(case, args.messages / took, None, "msg/s")
    return 0 if received == unique == args.messages else 1


if __name__ == "__main__":
    sys.exit(main())
