"""A draft's page served from memory (issue #15: a campaign reads the page before each comment,
and rendered per request it served 200 a second): kept without its form's token, each answer
with a token of its own; a hit runs no SQL; a comment made here shows at once, one made
elsewhere within the check interval; the draft's own changes show at once; the form goes when
the window closes, with no write; and the page watches every table it reads."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from consultation.models import Comment
from consultation.web.public_pages import DETAIL_WATCHES
from publisher.settings import Settings
from publisher.storage.base import Base
from publisher.storage.generations import COUNTED_LOCALLY, TRACKED, ContentGeneration
from tests.consultation.test_published_responses import _published_on_article_two
from tests.opendata.test_live_tables import publish_summary
from tests.support.bodies import comment_body, open_consultation
from tests.support.clock import CONSULTATIONS_NOW, Clock
from tests.support.memory import memory_client, page_and_sql
from tests.support.staff import StaffFixture

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
ARTICLE_TWO = re.compile(r"第二条的意见（(\d+)条）")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with memory_client(settings) as client:
        client.app.state.clock = Clock(CONSULTATIONS_NOW)  # type: ignore[attr-defined]
        yield client


def _get(client: TestClient, draft_id: int, query: str = "") -> tuple[Any, list[str]]:
    return page_and_sql(client, f"/consultations/{draft_id}{query}")


def _on_article_two(client: TestClient, draft_id: int) -> int:
    found = ARTICLE_TWO.search(_get(client, draft_id)[0].text)
    assert found is not None
    return int(found.group(1))


def test_each_answer_has_a_token_of_its_own_and_a_hit_runs_no_sql(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    first, built = _get(client, draft_id)
    assert built  # rendered once
    tokens = set(TOKEN.findall(first.text))
    for _ in range(5):
        again, seen = _get(client, draft_id)
        assert seen == [], seen
        tokens.update(TOKEN.findall(again.text))
    assert len(tokens) == 6 and not any(t.startswith("form-token-") for t in tokens)
    assert "private" in again.headers["cache-control"] and "etag" not in again.headers
    # a query string is rendered for its answer, not kept
    assert _get(client, draft_id, "?article=a3")[1]
    assert _get(client, draft_id, "?article=a3")[1]


def test_a_token_from_memory_still_makes_a_double_submission_one_comment(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    _get(client, draft_id)
    token = TOKEN.findall(_get(client, draft_id)[0].text)[0]  # from memory
    form = {"text": "建议明确示范区。", "article": "a2", "anonymous": "1", "form_token": token}
    once = client.post(f"/consultations/{draft_id}/comments", data=form)
    twice = client.post(f"/consultations/{draft_id}/comments", data=form)
    assert once.status_code == 200 and twice.status_code == 200, twice.text
    assert "意见已收到" in once.text and "意见已收到" in twice.text
    assert _on_article_two(client, draft_id) == 1


def test_a_comment_here_shows_at_once_and_the_draft_s_changes_too(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    assert _on_article_two(client, draft_id) == 0
    assert _get(client, draft_id)[1] == []
    sent = client.post(
        f"/api/v1/consultations/{draft_id}/comments", json=comment_body(article="a2")
    )
    assert sent.status_code == 201, sent.text
    assert _on_article_two(client, draft_id) == 1  # this process's comment: at once
    closes = client.get(f"/api/v1/consultations/{draft_id}").json()["closes_at"]
    later = (dt.datetime.fromisoformat(closes) + dt.timedelta(days=7)).isoformat()
    extended = client.post(
        f"/api/v1/staff/consultations/{draft_id}/extend",
        json={"closes_at": later, "reason": "收到的意见较多，延长征求意见期。"},
        headers=staff.headers("editor"),
    )
    assert extended.status_code == 200, extended.text
    assert "收到的意见较多，延长征求意见期。" in _get(client, draft_id)[0].text


def test_a_comment_written_elsewhere_shows_within_the_check_interval(
    client: TestClient, staff: StaffFixture
) -> None:
    """A Core insert on the engine, outside any session: nothing in this process counts it,
    as nothing does a comment another process took."""
    draft_id = open_consultation(client, staff.headers("editor"))
    assert _on_article_two(client, draft_id) == 0
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            insert(Comment).values(
                draft_id=draft_id,
                receipt_code="YJ-OTHER-00001",
                channel="web",
                body="另一个进程收到的意见。",
                text_hash="elsewhere",
                submitted_at=dt.datetime.now(dt.UTC),
                article_key="a2",
            )
        )
    written = time.monotonic()
    while _on_article_two(client, draft_id) == 0:
        # the interval is 0.5 s; the margin absorbs a loaded machine, not a missed re-read
        assert time.monotonic() - written < 3, "a comment taken elsewhere unseen after 3 s"
        time.sleep(0.05)
    assert _on_article_two(client, draft_id) == 1


def test_the_form_goes_when_the_window_closes_without_any_write(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    assert 'name="form_token"' in _get(client, draft_id)[0].text
    assert _get(client, draft_id)[1] == []
    clock: Clock = client.app.state.clock  # type: ignore[attr-defined]
    clock.advance(dt.timedelta(days=30))  # past the close
    page = _get(client, draft_id)[0].text
    assert "征求意见已于" in page and 'name="form_token"' not in page


def test_made_up_draft_numbers_keep_nothing(client: TestClient, staff: StaffFixture) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    _get(client, draft_id)
    kept = client.app.state.form_page_cache  # type: ignore[attr-defined]
    assert len(kept) == 1
    for made_up in range(draft_id + 1, draft_id + 21):
        assert client.get(f"/consultations/{made_up}").status_code == 404
    assert len(kept) == 1 and _get(client, draft_id)[1] == []


def _tables_named(statements: list[str]) -> set[str]:
    return {
        name
        for name in Base.metadata.tables
        if name != ContentGeneration.__tablename__  # the watch's own refresh
        for statement in statements
        if re.search(rf"\b{name}\b", statement)
    }


def test_the_page_watches_every_table_it_reads(client: TestClient, staff: StaffFixture) -> None:
    """Rendered (a query string: never kept) with a comment published in full under its
    article, and with an adoption summary out: every table its SQL names is one it watches,
    and each watched table is tracked or counted, so no change to what it shows goes unseen."""
    clock: Clock = client.app.state.clock  # type: ignore[attr-defined]
    published, _, _ = _published_on_article_two(client, staff)
    summarised = publish_summary(client, clock, staff)
    read: set[str] = set()
    for draft_id in (published, summarised):
        read |= _tables_named(_get(client, draft_id, "?article=a1")[1])
    watched = set(DETAIL_WATCHES + client.app.state.page_link_tables)  # type: ignore[attr-defined]
    assert "consultation_comment" in read and "meeting_notice" in read  # the check sees SQL
    assert read <= watched, read - watched
    tables = Base.metadata.tables
    assert all(tables[t].info.get(TRACKED) or tables[t].info.get(COUNTED_LOCALLY) for t in watched)
