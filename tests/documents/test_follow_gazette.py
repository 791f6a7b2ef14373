"""Following the gazette documents (issue #13 item 3): each document stored for the first time
is e-mailed once to the confirmed followers, with a one-click unsubscribe for that topic; a
dry run (rolled back) and a second ingest of the same issue send nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from publisher.documents.store import store_issue
from publisher.gazette import parse_gazette
from publisher.settings import PROJECT_ROOT, Settings
from publisher.web.app import create_app
from tests.support.mail import Mailbox, text_of
from tests.support.outbox import deliver

SOURCE = PROJECT_ROOT / "datasets" / "sources" / "sanmenxia-gazette-2019-02.txt"
ADDRESS = "reader@example.cn"


@pytest.fixture
def mail_client(mail_settings: Settings) -> Iterator[TestClient]:
    app = create_app(mail_settings)
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


def test_new_gazette_documents_reach_followers_once(
    mail_client: TestClient,
    mail_settings: Settings,
    mailbox: Mailbox,
    session_factory: sessionmaker[Session],
) -> None:
    client = mail_client
    assert 'href="/follow/gazette"' in client.get("/documents").text
    assert "政府公报文件" in client.get("/follow/gazette").text
    asked = client.post("/follow/gazette", data={"email": ADDRESS})
    assert asked.status_code == 200 and "确认邮件已发送" in asked.text
    deliver(mail_settings)
    found = re.search(r"/follow/confirm\?token=([\w-]+)", text_of(mailbox.to(ADDRESS)[0]))
    assert found is not None
    assert client.get(f"/follow/confirm?token={found.group(1)}").status_code == 200

    issue = parse_gazette(SOURCE.read_text(encoding="utf-8"))
    with session_factory() as session:
        store_issue(session, issue)
        session.rollback()  # a dry run: nothing stored, nobody told
    deliver(mail_settings)
    assert len(mailbox.to(ADDRESS)) == 1
    for _ in range(2):  # the second ingest of the same issue creates nothing
        with session_factory() as session:
            store_issue(session, issue)
            session.commit()
        deliver(mail_settings)
    alerts = mailbox.to(ADDRESS)[1:]
    assert len(alerts) == 14
    first = alerts[0]
    assert str(first["Subject"]).startswith("政府公报新文件：")
    assert "http://testserver/documents/2019-02-" in text_of(first)
    assert str(first["List-Unsubscribe"]) == (
        f"<http://testserver/follow/unsubscribe?token={found.group(1)}>"
    )
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
