"""The push's parts that need no CKAN: names, tags, the catalogue seam, the lock, the CLI."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from consultation.open_data import (
    ADOPTION_SUMMARIES,
    ADOPTION_SUMMARIES_TABLE,
    PUBLISHED_COMMENTS,
)
from publisher.ckan.local import LocalDataset
from publisher.ckan.lock import push_lock
from publisher.ckan.mapping import ckan_name, clean_tags, merge_extras
from publisher.ckan.push import push_with_lock
from publisher.ckan.sources import JOIN, collect_local_datasets
from publisher.cli.ckan import ckan_app
from publisher.documents.open_data import DISCLOSURE
from publisher.errors import NotFound
from publisher.meetings.open_data import MEETING_AGENDA
from publisher.opendata import read_package
from publisher.settings import PROJECT_ROOT, Settings, get_settings
from publisher.wiring import open_data_tables

VALID = re.compile(r"^[a-z0-9_-]{2,100}$")
DATASETS = PROJECT_ROOT / "datasets"


@pytest.mark.parametrize(
    "local",
    ["ich-items-5", "非物质文化遗产", "Listed Enterprises 2018", "x" * 300, "三政办〔2018〕44号"],
)
def test_ckan_name_is_valid_and_stable(local: str) -> None:
    name = ckan_name(local)
    assert VALID.match(name), name
    assert name.startswith("smx-")
    assert ckan_name(local) == name


def test_ckan_names_of_distinct_identities_differ() -> None:
    names = {ckan_name(n) for n in ["非遗", "历史建筑", "Abc", "abc", "a b", "a-b"]}
    assert len(names) == 6


def test_clean_tags_keeps_chinese_and_drops_what_ckan_refuses() -> None:
    assert clean_tags(["非遗", "x", "a/b", "非遗", " 三门峡 "]) == ["非遗", "a b", "三门峡"]


def test_merge_extras_keeps_foreign_keys_and_drops_ours_that_went_away() -> None:
    current = [
        {"key": "harvest_source", "value": "portal"},
        {"key": "gazette_issue", "value": "2019-01"},
        {"key": "old_key", "value": "v"},
    ]
    merged = merge_extras(current, {"gazette_issue": "2019-02"}, ["gazette_issue", "old_key"])
    assert merged == [
        {"key": "harvest_source", "value": "portal"},
        {"key": "gazette_issue", "value": "2019-02"},
    ]


def test_collect_local_datasets_is_the_catalogue(settings: Settings, db: Session) -> None:
    """The push sends what the site lists: the package's datasets, then the live tables, with
    the site's own download bytes; document numbers and gazette issues become extras."""
    datasets = collect_local_datasets(settings, db, open_data_tables())
    package = read_package(DATASETS)
    live = [
        DISCLOSURE,
        MEETING_AGENDA,
        ADOPTION_SUMMARIES,
        PUBLISHED_COMMENTS,
    ]  # in the order of wiring.FEATURES
    assert [d.name for d in datasets] == [d.name for d in package] + live
    by_name = {d.name: d for d in datasets}

    heritage = by_name["intangible-heritage-items"]
    assert heritage.title == "第五批三门峡市非物质文化遗产代表性项目名单"
    assert heritage.license_id == "cc-by"
    assert heritage.tags == ["非物质文化遗产", "代表性项目", "文化", "三门峡"]
    assert heritage.extras == {
        "document_number": "三政〔2018〕30号",
        "gazette_issue": "2019-02",
        "issuing_body": "三门峡市人民政府",
        "source": "三门峡市人民政府公报2019年第2号（总第157号）",
    }
    csv_res, json_res = heritage.resources
    assert (csv_res.name, csv_res.format) == ("intangible-heritage-items.csv", "CSV")
    assert csv_res.data == (DATASETS / "data" / "intangible-heritage-items.csv").read_bytes()
    assert (json_res.name, json_res.format) == ("intangible-heritage-items.json", "JSON")
    rows = json.loads(json_res.data)
    assert len(rows) == 13 and rows[0]["seq"] == 1  # typed as the site serves it

    documents = next(d for d in package if d.name == "gazette-documents")
    numbers = by_name["gazette-documents"].extras["document_number"].split(JOIN)
    assert numbers == list(documents.source_numbers) and len(numbers) == 10

    summaries = by_name[ADOPTION_SUMMARIES]
    assert summaries.title == "重大行政决策公开征求意见采纳情况"
    assert summaries.extras == {
        "issuing_body": "三门峡市人民政府办公室",
        "source": "三政办〔2018〕45号 第七条",
    }
    csv_res, json_res = summaries.resources
    assert csv_res.name == f"{ADOPTION_SUMMARIES}.csv"
    assert csv_res.data.decode().splitlines()[0].split(",") == [
        f.name for f in ADOPTION_SUMMARIES_TABLE.fields
    ]
    assert json.loads(json_res.data) == []  # listed with 0 rows until a summary is published


def test_collect_local_datasets_without_a_package_refuses(
    settings: Settings, db: Session, tmp_path: Path
) -> None:
    """Pushing an empty catalogue would delete every dataset in CKAN: no package, no push."""
    empty = settings.model_copy(update={"datasets_dir": tmp_path})
    with pytest.raises(NotFound):
        collect_local_datasets(empty, db, open_data_tables())


def test_only_one_push_at_a_time(push_engine: Engine) -> None:
    """While one instance holds the lock, another skips its push (and collects nothing)."""
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with push_lock(push_engine) as got:
            assert got
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(30)
    collected: list[int] = []

    def datasets() -> list[LocalDataset]:
        collected.append(1)
        return []

    try:
        skipped = push_with_lock(
            push_engine,
            datasets,
            ckan_url="http://127.0.0.1:9",
            api_token="unused",
            organization="unused",
        )
        assert skipped is None and collected == []
    finally:
        release.set()
        holder.join(30)
    # once released, the next caller gets it (nothing to push: no CKAN call is made)
    summary = push_with_lock(
        push_engine, datasets, ckan_url="http://127.0.0.1:9", api_token="x", organization="x"
    )
    assert summary is not None and collected == [1]


def _cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, datasets: Path, *args: str) -> Result:
    monkeypatch.setenv("PUBLISHER_DATASETS_DIR", str(datasets))
    monkeypatch.setenv("PUBLISHER_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", "")
    monkeypatch.setenv("PUBLISHER_CKAN_URL", "http://127.0.0.1:9")  # never contacted
    monkeypatch.setenv("PUBLISHER_CKAN_API_TOKEN", "")
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(ckan_app, ["push", *args])
    finally:
        get_settings.cache_clear()


def test_cli_dry_run_prints_the_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _cli(monkeypatch, tmp_path, DATASETS, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+ create dataset smx-intangible-heritage-items" in result.output
    assert "+ create resource intangible-heritage-items.csv" in result.output
    assert f"+ create dataset smx-{ADOPTION_SUMMARIES}" in result.output  # the live table
    assert f"+ create dataset smx-{MEETING_AGENDA}" in result.output
    assert "plan: create 10, update 0, delete 0, unchanged 0" in result.output


def test_cli_without_a_package_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _cli(monkeypatch, tmp_path, tmp_path / "nothing", "--dry-run")
    assert result.exit_code == 2
    assert "error: No Data Package at" in result.output
