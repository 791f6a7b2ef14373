"""The public pages of a draft as articles, its versions and diff (HTML, no JavaScript)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.support import articles_world
from tests.support.bodies import open_consultation
from tests.support.clock import Clock
from tests.support.staff import StaffFixture


def test_the_draft_page_shows_articles_counts_and_versions(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session], clock: Clock
) -> None:
    world = articles_world.build(client, session_factory, staff.headers("editor"), clock())
    url = f"/consultations/{world.draft_id}"
    html = client.get(url).text
    assert "决策草案（第2稿）" in html
    assert '<h3 class="draft-chapter">第二章 停车设施规划与建设</h3>' in html
    assert html.count('class="draft-article"') == 30
    assert "第三条的意见（0条）" in html  # the latest version: comments stay on version 1
    assert f'href="/consultations/{world.draft_id}?article=a13#h-form"' in html
    first = client.get(f"{url}?version=1").text
    assert "第一条的意见（40条）" in first
    assert "第三十条的意见（5条）" in first
    assert "第四条的意见（0条）" in first
    assert "您正在查看第1稿" in first
    assert "意见针对（现行版本第2稿）" in first  # a comment is always on the latest version
    chosen = client.get(f"{url}?article=a13").text
    assert '<option value="a13" selected>第十三条</option>' in chosen

    versions = client.get(f"{url}/versions").text
    assert articles_world.REVISION_REASON in versions
    diff = client.get(f"{url}/diff?from=1&to=2").text
    assert "共3条有修改" in diff
    assert re.search(r"<del><span class=\"visually-hidden\">［删除：</span>三", diff)
    assert re.search(r"<ins><span class=\"visually-hidden\">［增加：</span>五", diff)
    assert "未修改的条款（27条）" in diff
    assert client.get(f"{url}/diff?from=1&to=7").status_code == 404


def test_commenting_on_an_article_by_the_form(client: TestClient, staff: StaffFixture) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    form = {
        "text": "建议明确示范区。",
        "article": "a2",
        "quote": "适用于市区",
        "anonymous": "1",
        "form_token": "t-1",
    }
    done = client.post(f"/consultations/{draft_id}/comments", data=form)
    assert done.status_code == 200
    assert "意见已收到" in done.text
    html = client.get(f"/consultations/{draft_id}").text
    assert "第二条的意见（1条）" in html
    wrong = dict(form, quote="不存在的文字", form_token="t-2")
    refused = client.post(f"/consultations/{draft_id}/comments", data=wrong)
    assert refused.status_code == 422
    assert "引用的文字不在第二条中" in refused.text
    assert "不存在的文字" in refused.text  # what the person typed comes back
    assert '<option value="a2" selected>第二条</option>' in refused.text
