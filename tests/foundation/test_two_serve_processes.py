"""Two `publisher serve` processes on one PostgreSQL, each with its own data dir (#21, done
when): a consultation published through one is in the other's cached feed and list within the
cache check interval (1 s), and an attachment uploaded through one downloads byte-identical
through the other. Real processes on the real clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from bench._servers import calendar_covering
from publisher.storage.db import make_engine, make_session_factory
from publisher.timeutil import now_utc
from tests.consultation.test_attachments import make_pdf
from tests.harness.serve import serve_env, start_serve, stop
from tests.support.staff import StaffFixture

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])


@pytest.fixture
def two(db_url: str, tmp_path: Path) -> Iterator[tuple[str, str, dict[str, str]]]:
    calendar = calendar_covering(tmp_path / "calendar")
    engine = make_engine(db_url)
    editor = StaffFixture(make_session_factory(engine)).headers("editor")
    engine.dispose()
    with ExitStack() as stack:
        bases = []
        for name in ("a", "b"):
            log = stack.enter_context((tmp_path / f"{name}.log").open("wb"))
            env = serve_env(db_url, tmp_path / name, PUBLISHER_CALENDAR_DIR=str(calendar))
            process, base = start_serve(env, log)
            stack.callback(stop, process)
            bases.append(base)
        yield bases[0], bases[1], editor


def test_a_publication_through_one_is_in_the_others_cached_feed_and_list_within_1_s(
    two: tuple[str, str, dict[str, str]],
) -> None:
    a, b, editor = two
    before = httpx.get(f"{b}/feeds/consultations.atom", timeout=30)
    assert before.status_code == 200 and "两进程测试草案" not in before.text
    again = httpx.get(f"{b}/feeds/consultations.atom", timeout=30)
    assert again.text == before.text  # served from b's memory from now on
    now = now_utc()
    created = httpx.post(
        f"{a}/api/v1/staff/consultations",
        json={
            "title": "两进程测试草案",
            "draft_text": "第一条 测试。",
            "basis_text": "依据",
            "opens_at": now.isoformat(),
            "publish_at": now.isoformat(),
            "closes_at": (now + dt.timedelta(days=30)).isoformat(),
        },
        headers=editor,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    written = time.monotonic()
    while True:
        feed = httpx.get(f"{b}/feeds/consultations.atom", timeout=30).text
        listed = httpx.get(f"{b}/consultations", timeout=30).text
        if "两进程测试草案" in feed and "两进程测试草案" in listed:
            break
        # the bound is PUBLISHER_CACHE_CHECK_SECONDS (1 s); the margin absorbs a loaded machine
        assert time.monotonic() - written < 2.5, "b did not see a's publication"
        time.sleep(0.05)

    draft_id = created.json()["id"]
    pdf = make_pdf("basis through a") + os.urandom(300_000)
    uploaded = httpx.post(
        f"{a}/api/v1/staff/consultations/{draft_id}/attachments",
        data={"title": "决策依据"},
        files={"file": ("依据.pdf", pdf, "application/pdf")},
        headers=editor,
        timeout=60,
    )
    assert uploaded.status_code == 201, uploaded.text
    listed_b = httpx.get(f"{b}/api/v1/consultations/{draft_id}", timeout=30).json()
    url = listed_b["attachments"][0]["download_url"]
    got = httpx.get(url if url.startswith("http") else b + url, timeout=60)
    assert got.status_code == 200 and got.content == pdf
    assert hashlib.sha256(got.content).hexdigest() == uploaded.json()["sha256"]
