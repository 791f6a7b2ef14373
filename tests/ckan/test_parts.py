"""The push's parts that need no CKAN: names, tags, the Data Package seam, the lock, the CLI."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from publisher.ckan.local import LocalDataset
from publisher.ckan.lock import push_lock
from publisher.ckan.mapping import ckan_name, clean_tags, merge_extras
from publisher.ckan.push import push_with_lock
from publisher.ckan.sources import collect_local_datasets
from publisher.cli.ckan import ckan_app
from publisher.settings import Settings, get_settings

VALID = re.compile(r"^[a-z0-9_-]{2,100}$")


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


def write_package(folder: Path, descriptor: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))


def test_collect_local_datasets_from_a_data_package(tmp_path: Path) -> None:
    folder = tmp_path / "datasets"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "historic.csv").write_bytes(
        "\ufeff序号,名称,责任单位\n1,望州亭,市林业园林局\n2,办公楼,市林业园林局\n".encode()
    )
    write_package(
        folder,
        {
            "name": "smx-open-data",
            "licenses": [{"name": "CC-BY-4.0"}],
            "resources": [
                {
                    "name": "historic-buildings-3",
                    "path": "data/historic.csv",
                    "title": "第三批市级历史建筑",
                    "description": "三政〔2018〕32号公布。",
                    "keywords": ["历史建筑", 7, "人民公园"],
                    "document_number": "三政〔2018〕32号",
                    "sources": [{"title": "三门峡市人民政府公报 2019年第2期"}],
                },
                {"name": "missing-file", "path": "data/nothing.csv"},
                {"path": "data/historic.csv"},
                "not a resource",
            ],
        },
    )
    datasets = collect_local_datasets(Settings(datasets_dir=folder))
    assert [d.name for d in datasets] == ["historic-buildings-3"]
    ds = datasets[0]
    assert ds.title == "第三批市级历史建筑"
    assert ds.license_id == "cc-by"
    assert ds.tags == ["历史建筑", "人民公园"]
    assert ds.extras == {
        "document_number": "三政〔2018〕32号",
        "source": "三门峡市人民政府公报 2019年第2期",
    }
    csv_res, json_res = ds.resources
    assert (csv_res.format, json_res.format) == ("CSV", "JSON")
    rows = json.loads(json_res.data)
    assert rows[0] == {"序号": "1", "名称": "望州亭", "责任单位": "市林业园林局"}


def test_collect_local_datasets_without_a_package_is_empty(tmp_path: Path) -> None:
    assert collect_local_datasets(Settings(datasets_dir=tmp_path)) == []
    write_package(tmp_path, ["not", "an", "object"])
    assert collect_local_datasets(Settings(datasets_dir=tmp_path)) == []


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


def test_cli_dry_run_prints_the_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "datasets"
    folder.mkdir()
    (folder / "a.csv").write_text("序号,名称\n1,甲\n", encoding="utf-8")
    write_package(folder, {"resources": [{"name": "list-a", "path": "a.csv", "title": "甲"}]})
    monkeypatch.setenv("PUBLISHER_DATASETS_DIR", str(folder))
    monkeypatch.setenv("PUBLISHER_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", "")
    monkeypatch.setenv("PUBLISHER_CKAN_URL", "http://127.0.0.1:9")  # never contacted
    monkeypatch.setenv("PUBLISHER_CKAN_API_TOKEN", "")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(ckan_app, ["push", "--dry-run"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "+ create dataset smx-list-a" in result.output
    assert "+ create resource list-a.csv" in result.output
    assert "plan: create 1, update 0, delete 0, unchanged 0" in result.output
