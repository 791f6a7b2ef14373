"""An HTTP proxy on 127.0.0.1 between a client and a real CKAN, for fault tests and call counts.

It forwards every request to the upstream and can be told to fail a seeded-random fraction of
calls: answer 5xx, reset the connection (RST), or delay. A fault happens either before the
request reaches CKAN or after CKAN has processed it (the answer is then lost) — the second kind
is what makes a naive retry of a create produce duplicates. It counts calls by CKAN action name
and HTTP method, so tests can count writes without trusting the client under test.
"""

from __future__ import annotations

import http.client
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import urlsplit

HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
    "transfer-encoding", "upgrade", "host", "content-length",
}  # fmt: skip
READ_SUFFIXES = ("_show", "_list", "_search", "_autocomplete")

Phase = Literal["before", "after", "either"]


@dataclass
class Faults:
    """What to inject; rates are fractions of the calls that `only_actions` selects."""

    error_rate: float = 0.0
    reset_rate: float = 0.0
    delay_rate: float = 0.0
    delay_seconds: float = 0.0
    error_status: int = 503
    phase: Phase = "either"
    only_actions: frozenset[str] | None = None  # None: every call


def action_of(path: str) -> str:
    """`package_create` for /api/3/action/package_create; the path itself otherwise."""
    parts = urlsplit(path).path.rstrip("/").split("/")
    if "action" in parts and parts.index("action") + 1 < len(parts):
        return parts[parts.index("action") + 1]
    return urlsplit(path).path


def is_write(method: str, action: str) -> bool:
    return method == "POST" and "/" not in action and not action.endswith(READ_SUFFIXES)


class FaultProxy:
    """Start with `FaultProxy(upstream).start()`; `url` is what the client should use."""

    def __init__(self, upstream: str, seed: int = 0) -> None:
        parsed = urlsplit(upstream)
        self.upstream_host = parsed.hostname or "127.0.0.1"
        self.upstream_port = parsed.port or 80
        self.faults = Faults()
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.calls: Counter[tuple[str, str]] = Counter()  # (method, action) -> n, all calls
        self.injected: Counter[str] = Counter()  # fault kind -> n
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def configure(self, faults: Faults | None = None, seed: int | None = None) -> None:
        with self.lock:
            self.faults = faults or Faults()
            if seed is not None:
                self.random = random.Random(seed)

    def reset_counts(self) -> None:
        with self.lock:
            self.calls.clear()
            self.injected.clear()

    def count(self, action: str | None = None, method: str | None = None) -> int:
        with self.lock:
            return sum(
                n
                for (m, a), n in self.calls.items()
                if (action is None or a == action) and (method is None or m == method)
            )

    def write_calls(self) -> Counter[str]:
        """Write actions that reached the proxy, by action name (including failed attempts)."""
        with self.lock:
            out: Counter[str] = Counter()
            for (method, action), n in self.calls.items():
                if is_write(method, action):
                    out[action] += n
            return out

    def _decide(self, action: str) -> tuple[str | None, str, float]:
        """(fault kind or None, phase, delay) for one call, drawn from the seeded generator."""
        with self.lock:
            f = self.faults
            if f.only_actions is not None and action not in f.only_actions:
                return None, "before", 0.0
            delay = f.delay_seconds if self.random.random() < f.delay_rate else 0.0
            draw = self.random.random()
            kind = None
            if draw < f.error_rate:
                kind = "error"
            elif draw < f.error_rate + f.reset_rate:
                kind = "reset"
            phase = f.phase
            if phase == "either":
                phase = "before" if self.random.random() < 0.5 else "after"
            if kind:
                self.injected[f"{kind}-{phase}"] += 1
            if delay:
                self.injected["delay"] += 1
            return kind, phase, delay

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def reset(self) -> None:
                # SO_LINGER with a zero timeout makes close() send RST instead of FIN
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True

            def fail(self, status: int) -> None:
                body = b"<html><body>injected fault</body></html>"
                self.send_response(status)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
                conn = http.client.HTTPConnection(
                    proxy.upstream_host, proxy.upstream_port, timeout=120
                )
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                    headers["Host"] = f"{proxy.upstream_host}:{proxy.upstream_port}"
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
                    return resp.status, kept, data
                finally:
                    conn.close()

            def handle_one(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                action = action_of(self.path)
                with proxy.lock:
                    proxy.calls[(self.command, action)] += 1
                kind, phase, delay = proxy._decide(action)
                if delay:
                    time.sleep(delay)  # the injected fault itself: a slow upstream
                if kind and phase == "before":
                    return self.reset() if kind == "reset" else self.fail(proxy.faults.error_status)
                try:
                    status, headers, data = self.forward(body)
                except OSError:
                    return self.fail(502)
                if kind:  # CKAN did the work; the answer is lost on the way back
                    return self.reset() if kind == "reset" else self.fail(proxy.faults.error_status)
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = handle_one
            do_POST = handle_one

        return Handler
