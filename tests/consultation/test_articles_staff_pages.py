"""Staff publish revisions and the final text from their pages: pasted or from a DOCX."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.consultation.test_attachments import make_docx, upload
from tests.support.bodies import open_consultation
from tests.support.clock import Clock
from tests.support.staff import StaffFixture, sign_in

TEXT = "第一条 为规范城区停车管理，制定本办法。\n第二条 本办法适用于市区和示范区。"


def test_revision_from_the_staff_page_and_a_docx(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    csrf = sign_in(client, "editor")
    url = f"/staff/consultations/{draft_id}/versions"
    page = client.get(url)
    assert page.status_code == 200
    assert "解析为2条" in page.text
    assert f'href="{url}"' in client.get(f"/staff/consultations/{draft_id}").text

    clock.set(2026, 12, 3, 10, 0)
    form = {"csrf_token": csrf, "text": TEXT, "reason": "扩大适用范围。", "material": "1"}
    refused = client.post(url, data=form)
    assert refused.status_code == 422
    assert "截止时间不得早于" in refused.text
    assert "扩大适用范围。" in refused.text  # the form comes back filled in
    ok = client.post(url, data=dict(form, closes_at="2026-12-11T00:00"), follow_redirects=False)
    assert ok.status_code == 303, ok.text
    assert "第2稿" in client.get(url).text

    word = make_docx("某某办法", "第一章 总则", "第一条 目的。", "第二条 范围。", "第三条 施行。")
    attachment = upload(client, staff, draft_id, "修改稿", "修改稿.docx", word)
    from_docx = {"csrf_token": csrf, "reason": "按附件修改。", "attachment_id": attachment["id"]}
    assert client.post(url, data=from_docx, follow_redirects=False).status_code == 303
    articles = client.get(f"/api/v1/consultations/{draft_id}/articles").json()
    assert [a["label"] for a in articles] == ["第一条", "第二条", "第三条"]
    assert articles[0]["chapter"] == "第一章 总则"

    clock.set(2026, 12, 14, 9, 0)
    final_url = f"/staff/consultations/{draft_id}/final-text"
    final = {"csrf_token": csrf, "text": TEXT, "reason": "决定。"}
    assert client.post(final_url, data=final).status_code == 403  # an editor may not
    client.post("/staff/logout", data={"csrf_token": csrf})
    reviewer_csrf = sign_in(client, "reviewer")
    done = client.post(final_url, data=dict(final, csrf_token=reviewer_csrf))
    assert done.status_code == 200 and "最终决定文本已公布。" in done.text
    public = client.get(f"/consultations/{draft_id}").text
    assert "最终决定文本：修改了什么，因为哪些意见" in public
