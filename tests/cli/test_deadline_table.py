"""One table of deadlines, computed through the command line (`publisher deadline … --json`)
and through the staff API, which must agree with each other and with the values reasoned out
by hand (issue #12): both conventions, holidays, an adjusted working day, Civil Code art. 203,
the year boundary and late December's provisional deadlines."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from publisher.cli.deadlines import deadline_app
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.bodies import draft_body, notice_body
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture


@dataclass(frozen=True)
class Case:
    label: str
    rule: str  # "notice" (kind) or "window" (profile)
    at: str  # the meeting's start or the window's opening, Beijing time
    option: str  # meeting kind or consultation profile
    counting: str
    expected: str | None  # the deadline instant; None: refused (year not loaded)
    office_zh: str | None = None  # the deadline as an office writes it
    provisional: bool = False

    @property
    def answer(self) -> Answer:
        if self.expected is None:
            return Answer(None, None, False, None)
        return Answer(
            self.expected, self.office_zh, self.provisional, 2027 if self.provisional else None
        )


@dataclass(frozen=True)
class Answer:
    """What the command line and the API both say about one case."""

    instant: str | None
    office_zh: str | None
    provisional: bool
    provisional_until_year: int | None


TABLE = [
    Case("plenary before National Day", "notice", "2026-10-09T09:30", "plenary", "civil-code",
         "2026-09-28T23:59:59+08:00", "最迟于2026年9月28日发布"),
    Case("same, counted by office practice", "notice", "2026-10-09T09:30", "plenary", "inclusive",
         "2026-09-29T09:00:00+08:00", "最迟于2026年9月29日09:00前发布"),
    Case("plenary after a worked Saturday", "notice", "2026-10-12T09:30", "plenary", "civil-code",
         "2026-10-07T23:59:59+08:00", "最迟于2026年10月7日发布"),
    Case("same, counted by office practice", "notice", "2026-10-12T09:30", "plenary",
         "inclusive", "2026-10-08T09:00:00+08:00", "最迟于2026年10月8日09:00前发布"),
    Case("plenary on a Monday", "notice", "2026-12-07T09:30", "plenary", "civil-code",
         "2026-12-01T23:59:59+08:00", "最迟于2026年12月1日发布"),
    Case("executive meeting, lead 1", "notice", "2026-12-07T09:30", "executive", "civil-code",
         "2026-12-03T23:59:59+08:00", "最迟于2026年12月3日发布"),
    Case("plenary in late December", "notice", "2026-12-28T09:00", "plenary", "civil-code",
         "2026-12-22T23:59:59+08:00", "最迟于2026年12月22日发布", provisional=True),
    Case("plenary in a year not loaded", "notice", "2027-01-08T09:00", "plenary", "civil-code",
         None),
    Case("city window, civil code", "window", "2026-11-02T08:30", "city", "civil-code",
         "2026-11-10T00:00:00+08:00",
         "公示期：2026年11月3日至11月9日（5个工作日），截至11月9日24时"),
    Case("city window, both ends counted", "window", "2026-11-02T08:30", "city", "inclusive",
         "2026-11-07T00:00:00+08:00",
         "公示期：2026年11月2日至11月6日（5个工作日），截至11月6日24时"),
    Case("inclusive, but opened after work began", "window", "2026-11-02T10:00", "city",
         "inclusive", "2026-11-10T00:00:00+08:00",
         "公示期：2026年11月3日至11月9日（5个工作日），截至11月9日24时"),
    Case("adjusted working day counted", "window", "2026-09-28T09:00", "city", "civil-code",
         "2026-10-11T00:00:00+08:00",
         "公示期：2026年9月29日至10月10日（5个工作日），截至10月10日24时"),
    Case("30 days ending on a holiday (art. 203)", "window", "2026-09-07T10:00", "order_713",
         "civil-code", "2026-10-09T00:00:00+08:00",
         "公示期：2026年9月8日至10月8日（30日，第30日逢休息日、节假日顺延），截至10月8日24时"),
    Case("same, opening day counted (art. 203)", "window", "2026-09-07T08:00", "order_713",
         "inclusive", "2026-10-09T00:00:00+08:00",
         "公示期：2026年9月7日至10月8日（30日，第30日逢休息日、节假日顺延），截至10月8日24时"),
    Case("30 days ending on a Sunday (art. 203)", "window", "2026-11-06T10:00", "order_713",
         "civil-code", "2026-12-08T00:00:00+08:00",
         "公示期：2026年11月7日至12月7日（30日，第30日逢休息日、节假日顺延），截至12月7日24时"),
    Case("30 days into a year not loaded", "window", "2026-12-02T09:00", "order_713",
         "civil-code", None),
    Case("30 days rolled into late December", "window", "2026-11-20T10:00", "order_713",
         "civil-code", "2026-12-22T00:00:00+08:00",
         "公示期：2026年11月21日至12月21日（30日，第30日逢休息日、节假日顺延），截至12月21日24时",
         provisional=True),
    Case("window in late December", "window", "2026-12-14T10:00", "city", "civil-code",
         "2026-12-22T00:00:00+08:00",
         "公示期：2026年12月15日至12月21日（5个工作日），截至12月21日24时", provisional=True),
    Case("window ending on 31 December", "window", "2026-12-24T09:00", "city", "civil-code",
         "2027-01-01T00:00:00+08:00",
         "公示期：2026年12月25日至12月31日（5个工作日），截至12月31日24时", provisional=True),
    Case("window reaching into a year not loaded", "window", "2026-12-28T09:00", "city",
         "civil-code", None),
]  # fmt: skip


def _cli(case: Case, settings: Settings) -> Answer:
    option = "--kind" if case.rule == "notice" else "--profile"
    result = CliRunner().invoke(
        deadline_app,
        [case.rule, case.at, option, case.option, "--counting", case.counting, "--json"],
        env={"PUBLISHER_CALENDAR_DIR": str(settings.calendar_dir)},
    )
    if result.exit_code == 2:
        assert "2027" in result.output
        return Answer(None, None, False, None)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counting"] == case.counting
    return Answer(
        data["instant"], data["office_zh"], data["provisional"], data["provisional_until_year"]
    )


@pytest.fixture
def apps(settings: Settings) -> Iterator[dict[str, TestClient]]:
    """The service twice over one database: once per counting convention."""
    clients: dict[str, TestClient] = {}
    apps = []
    for counting in ("civil-code", "inclusive"):
        app = create_app(
            settings.model_copy(
                update={"notice_counting": counting, "consultation_counting": counting}
            )
        )
        app.state.clock = Clock(local(2026, 9, 1, 8, 0))
        clients[counting] = TestClient(app, base_url="http://testserver").__enter__()
        apps.append(app)
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)
    for app in apps:
        app.state.engine.dispose()


def _api(case: Case, client: TestClient, staff: StaffFixture) -> Answer:
    editor = staff.headers("editor")
    start = dt.datetime.fromisoformat(case.at).replace(tzinfo=local(2026, 1, 1).tzinfo)
    if case.rule == "notice":
        body = notice_body(
            kind=case.option,
            starts_at=start.isoformat(),
            ends_at=(start + dt.timedelta(hours=2)).isoformat(),
            application_deadline=None,
        )
        made: Any = client.post("/api/v1/staff/meetings", json=body, headers=editor).json()
        if made["deadline_unknown_zh"]:
            return Answer(None, None, False, None)
        assert made["deadline_counting"] == case.counting
        assert made["deadline_office_zh"] in made["rule_explanation_zh"]
        return Answer(
            made["latest_publication"],
            made["deadline_office_zh"],
            made["deadline_provisional"],
            made["deadline_provisional_until_year"],
        )
    body = draft_body(
        opens_at=start.isoformat(),
        closes_at=(start + dt.timedelta(days=120)).isoformat(),
        profile=case.option,
        publish_at=None,
        shorter_reason=None,
    )
    response = client.post("/api/v1/staff/consultations", json=body, headers=editor)
    if response.status_code == 422:
        assert response.json()["error"]["code"] == "calendar_not_covered"
        return Answer(None, None, False, None)
    assert response.status_code == 201, response.text
    draft = response.json()
    assert draft["earliest_close_counting"] == case.counting
    assert draft["earliest_close_office_zh"] in draft["earliest_close_explanation_zh"]
    return Answer(
        draft["earliest_close"],
        draft["earliest_close_office_zh"],
        draft["earliest_close_provisional"],
        draft["earliest_close_provisional_until_year"],
    )


def test_the_command_line_and_the_staff_api_agree_on_every_case(
    apps: dict[str, TestClient], staff: StaffFixture, settings: Settings
) -> None:
    assert len(TABLE) >= 12
    rows = []
    for case in TABLE:
        cli = _cli(case, settings)
        api = _api(case, apps[case.counting], staff)
        rows.append((case.label, case.expected, cli, api))
        assert cli == api == case.answer, (case.label, cli, api)
    print("\n".join(f"{label}: {expected}" for label, expected, _, _ in rows))
