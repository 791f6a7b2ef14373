"""The real catalogue pushed to the real CKAN: what the site lists, with its document numbers
and gazette issues as extras, and the live tables beside the Data Package's datasets."""

from __future__ import annotations

import hashlib
from typing import Any

import requests
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from consultation.open_data import ADOPTION_SUMMARIES
from publisher.ckan.mapping import RESOURCE_KEY_FIELD, ckan_name
from publisher.ckan.plan import PushOptions
from publisher.ckan.push import push
from publisher.ckan.sources import JOIN, collect_local_datasets
from publisher.opendata import read_package
from publisher.settings import PROJECT_ROOT, Settings
from publisher.wiring import open_data_tables
from tests.ckan.conftest import ORGANIZATION, CkanHarness

DATASETS = PROJECT_ROOT / "datasets"


def extras_of(package: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in package["extras"]}


def test_document_numbers_and_gazette_issues_reach_ckan(
    ckan: CkanHarness, push_engine: Engine, options: PushOptions
) -> None:
    with Session(push_engine) as session:
        datasets = collect_local_datasets(
            Settings(datasets_dir=DATASETS), session, open_data_tables()
        )
    wanted = ["intangible-heritage-items", "gazette-documents", ADOPTION_SUMMARIES]
    result = push(
        push_engine,
        datasets,
        ckan_url=ckan.url,
        api_token=ckan.token,
        organization=ORGANIZATION,
        only=wanted,
        options=options,
    )
    assert result.summary is not None
    assert (result.summary.created, result.summary.failed) == (3, 0)

    api, prefix = ckan.api(), options.name_prefix
    heritage = api.action.package_show(id=ckan_name("intangible-heritage-items", prefix))
    extras = extras_of(heritage)
    assert extras["document_number"] == "三政〔2018〕30号"
    assert extras["gazette_issue"] == "2019-02"
    assert extras["issuing_body"] == "三门峡市人民政府"
    csv_resource = next(r for r in heritage["resources"] if r[RESOURCE_KEY_FIELD].endswith(".csv"))
    served = requests.get(csv_resource["url"], headers={"Authorization": ckan.token}, timeout=30)
    local = (DATASETS / "data" / "intangible-heritage-items.csv").read_bytes()
    assert hashlib.sha256(served.content).digest() == hashlib.sha256(local).digest()

    documents = api.action.package_show(id=ckan_name("gazette-documents", prefix))
    numbers = next(d for d in read_package(DATASETS) if d.name == "gazette-documents")
    extras = extras_of(documents)
    assert extras["document_number"].split(JOIN) == list(numbers.source_numbers)
    assert len(numbers.source_numbers) == 10 and extras["gazette_issue"] == "2019-02"

    summaries = api.action.package_show(id=ckan_name(ADOPTION_SUMMARIES, prefix))
    assert summaries["title"] == "重大行政决策公开征求意见采纳情况"
    extras = extras_of(summaries)
    assert extras["source"] == "三政办〔2018〕45号 第七条"
    assert "document_number" not in extras and "gazette_issue" not in extras
    assert len(summaries["resources"]) == 2  # listed with 0 rows, as on the site
