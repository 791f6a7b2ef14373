"""Site identity (#22 item 1): the footer of every public page shows the identity settings in
the conventional order, the 备案 numbers link to their query pages, 「政府网站找错」 is built
from the 网站标识码, and `missing_identity` names what a deployer left unset."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from publisher.documents.store import load_bundled_data
from publisher.settings import Settings
from publisher.site_identity import IDENTITY_SETTINGS, SiteIdentity, missing_identity
from publisher.web.app import create_app

IDENTITY = {
    "site_organiser": "三门峡市人民政府办公室",
    "site_operator": "三门峡市大数据管理局",
    "site_contact": "0398-2800000；三门峡市崤山路中段",
    "site_code": "4112000001",
    "icp_record": "豫ICP备12345678号",
    "psb_record": "豫公网安备 41120202000123号",
    "party_gov_mark_url": "https://bszs.conac.cn/sitename?method=show&id=0123456789",
}

PUBLIC_PAGES = ["/", "/meetings", "/consultations", "/datasets", "/documents", "/subscribe"]


@pytest.fixture
def identified(settings: Settings, db: Session) -> Iterator[TestClient]:
    load_bundled_data(settings, db)
    app = create_app(settings.model_copy(update=IDENTITY))
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


def footer(page_html: str) -> str:
    match = re.search(r'<footer class="site-footer">(.*?)</footer>', page_html, re.S)
    assert match, "no footer"
    return match.group(1)


def test_every_public_page_shows_the_identity_in_order(identified: TestClient) -> None:
    document = identified.get("/api/v1/documents").json()[0]["id"]
    dataset = identified.get("/api/v1/datasets").json()[0]["id"]
    for path in [*PUBLIC_PAGES, f"/documents/{document}", f"/datasets/{dataset}", "/nowhere"]:
        text = html.unescape(footer(identified.get(path).text))
        shown = [
            text.index(label)
            for label in (
                "主办单位：三门峡市人民政府办公室",
                "承办单位：三门峡市大数据管理局",
                "联系方式：0398-2800000；三门峡市崤山路中段",
                "网站标识码：4112000001",
                "豫ICP备12345678号",
                "豫公网安备 41120202000123号",
                "党政机关网站标识",
                "政府网站找错",
            )
        ]
        assert shown == sorted(shown), f"{path}: not in the conventional order"


def test_records_link_to_their_official_query_pages(identified: TestClient) -> None:
    text = footer(identified.get("/meetings?page=1").text)
    assert '<a class="identity-item" href="https://beian.miit.gov.cn/"' in text
    assert (
        'href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=41120202000123"' in text
    )
    assert 'href="https://bszs.conac.cn/sitename?method=show&amp;id=0123456789"' in text
    report = re.search(r'href="([^"]+)"[^>]*>政府网站找错', text)
    assert report
    url = urlsplit(html.unescape(report.group(1)))
    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "zfwzgl.www.gov.cn",
        "/exposure/jiucuo.html",
    )
    assert parse_qs(url.query) == {
        "site_code": ["4112000001"],
        "url": ["http://testserver/meetings?page=1"],  # the page read, from the public URL
    }


def test_unset_optional_parts_are_left_out(app_client: TestClient) -> None:
    text = footer(app_client.get("/").text)
    assert "主办单位：三门峡市人民政府办公室" in text  # the default organiser
    for absent in ("承办单位", "网站标识码", "党政机关网站标识", "政府网站找错", "beian"):
        assert absent not in text


def test_missing_identity_names_the_unset_required_settings(settings: Settings) -> None:
    missing = missing_identity(settings.model_copy(update={"site_organiser": "  "}))
    assert [m.variable for m in missing] == [
        "PUBLISHER_SITE_ORGANISER",
        "PUBLISHER_SITE_CONTACT",
        "PUBLISHER_SITE_CODE",
        "PUBLISHER_ICP_RECORD",
        "PUBLISHER_PSB_RECORD",
    ]
    assert {m.variable for m in missing if m.veto} == {
        "PUBLISHER_SITE_CODE",
        "PUBLISHER_ICP_RECORD",
    }
    assert [m.label_zh for m in missing][:1] == ["主办单位"]
    assert missing_identity(settings.model_copy(update=IDENTITY)) == []
    partial = settings.model_copy(update={**IDENTITY, "icp_record": ""})
    assert [m.variable for m in missing_identity(partial)] == ["PUBLISHER_ICP_RECORD"]


def test_every_identity_setting_is_a_documented_setting() -> None:
    for item in IDENTITY_SETTINGS:
        field = Settings.model_fields[item.field]
        assert field.description and item.label_zh.rstrip("号") in field.description


def test_error_report_url_needs_a_site_code(settings: Settings) -> None:
    assert SiteIdentity.of(settings).error_report_url("http://testserver/") == ""
