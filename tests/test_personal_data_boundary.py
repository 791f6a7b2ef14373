"""Personal data never leaves the staff side.

Marker values are planted through the real public forms and APIs — an applicant and a
commenter with distinctive names, phones, e-mails, typed-in ID and phone numbers, from a
distinctive address — then staff act on them (approve, answer, publish the adoption summary),
and every public page (crawled by following links), every public API response and every feed
is scanned for the markers. Staff exports are checked to still contain them, so the scan is
known to be looking at data that exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag

import pytest
from fastapi.testclient import TestClient

from consultation.open_data import ADOPTION_SUMMARIES
from publisher.privacy import PERSONAL_FIELD_NAMES, PersonalDataLeak, PublicModel
from publisher.settings import Settings
from publisher.timeutil import LOCAL_TZ
from publisher.web.app import create_app, iter_api_routes
from tests.support.bodies import comment_body, draft_body, notice_body
from tests.support.staff import StaffFixture

MARKER_IP = "203.0.113.77"
MARKERS = {
    "applicant name": "标记申请人甲",
    "applicant phone": "13700001111",
    "applicant e-mail": "marker.applicant@example.org",
    "commenter name": "标记评论人乙",
    "commenter phone": "13800002222",
    "commenter e-mail": "marker.commenter@example.org",
    "phone typed in a comment": "13900003333",
    "ID number typed in a comment": "411202199001011234",
    "address": MARKER_IP,
}
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=LOCAL_TZ)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def world(settings: Settings, staff: StaffFixture) -> Iterator[tuple[TestClient, Clock]]:
    app = create_app(settings)
    clock = Clock()
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver", client=(MARKER_IP, 4321)) as client:
        yield client, clock
    app.state.engine.dispose()


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _plant(client: TestClient, clock: Clock, staff: StaffFixture) -> dict[str, int]:
    editor, reviewer = staff.headers("editor"), staff.headers("reviewer")
    meeting = _ok(client.post("/api/v1/staff/meetings", json=notice_body(), headers=editor), 201)
    _ok(
        client.post(
            f"/api/v1/staff/meetings/{meeting['id']}/publish",
            json={"publication_at": START.isoformat()},
            headers=editor,
        )
    )
    receipt = _ok(
        client.post(
            f"/api/v1/meetings/{meeting['id']}/applications",
            json={
                "applicant_name": MARKERS["applicant name"],
                "phone": MARKERS["applicant phone"],
                "email": MARKERS["applicant e-mail"],
                "category": "citizen",
                "statement": "希望就民生实事发言",
            },
        ),
        201,
    )
    applications = _ok(
        client.get(f"/api/v1/staff/meetings/{meeting['id']}/applications", headers=reviewer)
    )
    _ok(
        client.post(
            f"/api/v1/staff/meetings/{meeting['id']}/applications/{applications[0]['id']}/decision",
            json={"approve": True, "note": "同意列席"},
            headers=reviewer,
        )
    )
    _ok(
        client.post(
            f"/api/v1/applications/{receipt['receipt_code']}/opinions",
            json={"body": "建议增加公交线路"},
        ),
        201,
    )

    draft_id = _ok(
        client.post("/api/v1/staff/consultations", json=draft_body(), headers=editor), 201
    )["id"]
    typed = (
        f"我的电话{MARKERS['phone typed in a comment']}，"
        f"身份证{MARKERS['ID number typed in a comment']}"
    )
    comment = _ok(
        client.post(
            f"/api/v1/consultations/{draft_id}/comments",
            json=comment_body(
                text=f"建议增设停车位。{typed}",
                name=MARKERS["commenter name"],
                phone=MARKERS["commenter phone"],
                email=MARKERS["commenter e-mail"],
                consent_publish=True,
            ),
        ),
        201,
    )
    queue = _ok(client.get(f"/api/v1/staff/consultations/{draft_id}/comments", headers=editor))
    _ok(
        client.post(
            f"/api/v1/staff/consultations/{draft_id}/answers",
            json={
                "comment_ids": [c["id"] for c in queue],
                "disposition": "adopted",
                "reason": "已采纳，将在第二条中增加相关内容。",
            },
            headers=editor,
        )
    )
    clock.now = dt.datetime(2026, 12, 8, 9, 0, tzinfo=LOCAL_TZ)  # window closed
    _ok(
        client.post(
            f"/api/v1/staff/consultations/{draft_id}/summary",
            json={"outcome_text": "办法已修改后印发。"},
            headers=reviewer,
        )
    )
    return {
        "meeting": meeting["id"],
        "draft": draft_id,
        "receipts": [receipt["receipt_code"], comment["receipt_code"]],
    }


def _leaks(text: str) -> list[str]:
    return [what for what, value in MARKERS.items() if value in text]


def _crawl(client: TestClient, starts: list[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = list(starts)
    while queue and len(seen) < 400:
        url = urldefrag(queue.pop(0)).url
        if url in seen or url.startswith(("/staff", "/static", "/api/docs")):
            continue
        response = client.get(url)
        seen[url] = response.text
        if "html" in response.headers.get("content-type", ""):
            queue += [h for h in re.findall(r'href="(/[^"]*)"', response.text) if h not in seen]
    return seen


def test_planted_personal_data_appears_nowhere_public(world: Any, staff: StaffFixture) -> None:
    client, clock = world
    planted = _plant(client, clock, staff)
    meeting, draft = planted["meeting"], planted["draft"]

    pages = _crawl(
        client,
        [
            "/",
            "/meetings",
            "/consultations",
            "/datasets",
            "/documents",
            "/subscribe",
            f"/meetings/{meeting}",
            f"/consultations/{draft}",
        ],
    )
    assert f"/meetings/{meeting}" in pages and f"/consultations/{draft}" in pages
    assert "办法已修改后印发" in pages[f"/consultations/{draft}"]  # the summary is there

    public_gets = [
        r.path
        for r in iter_api_routes()
        if "GET" in (r.methods or set())
        and not r.path.startswith(("/api/v1/staff", "/staff"))
        and "{" not in r.path
    ]
    bodies = {path: client.get(path).text for path in public_gets}
    for template in (f"/api/v1/meetings/{meeting}", f"/api/v1/consultations/{draft}"):
        bodies[template] = _ok(client.get(template)) and client.get(template).text
    # the adoption summaries as open data: the live table's downloads and metadata
    live = f"/datasets/{ADOPTION_SUMMARIES}"
    for path in (f"{live}.csv", f"{live}.csv?bom=1", f"{live}.json", f"/api/v1{live}", live):
        response = client.get(path)
        assert response.status_code == 200, path
        bodies[path] = response.content.decode("utf-8-sig")
    assert "建议增设停车位" in bodies[f"{live}.csv"]  # the consenting comment is there, masked
    assert "建议增设停车位" in bodies[f"{live}.json"] and live in pages
    for fmt in ("rss", "atom", "ics"):
        for feed in ("meetings", "consultations"):
            bodies[f"/feeds/{feed}.{fmt}"] = client.get(f"/feeds/{feed}.{fmt}").text
    assert len(bodies) > 10

    from consultation.summary import adoption_summary_rows

    with client.app.state.session_factory() as session:
        rows = adoption_summary_rows(session)
    assert rows, "the adoption summary data has the consenting comment"

    found = {url: _leaks(text) for url, text in {**pages, **bodies, "rows": str(rows)}.items()}
    assert {url: leaks for url, leaks in found.items() if leaks} == {}

    # The same data is there for staff, so the scan above was looking at real data.
    staff_csv = client.get(
        f"/api/v1/staff/meetings/{meeting}/applications.csv", headers=staff.headers("reviewer")
    ).text
    assert MARKERS["applicant name"] in staff_csv and MARKERS["applicant phone"] in staff_csv
    comments_csv = client.get(
        f"/api/v1/staff/consultations/{draft}/comments.csv", headers=staff.headers("reviewer")
    ).text
    assert MARKERS["commenter e-mail"] in comments_csv


def test_a_public_model_cannot_even_declare_a_personal_field() -> None:
    for field in ("phone", "email", "ip_address", "name"):
        with pytest.raises(PersonalDataLeak, match=field):
            type("Leaky", (PublicModel,), {"__annotations__": {field: str}})
    assert {"phone", "email", "id_number", "ip_address"} <= PERSONAL_FIELD_NAMES
