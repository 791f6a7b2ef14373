"""The push against a real CKAN 2.12, with write calls counted at the fault proxy."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from publisher.ckan.local import LocalDataset
from publisher.ckan.mapping import RESOURCE_KEY_FIELD, ckan_name
from publisher.ckan.models import CkanDatasetRecord
from publisher.ckan.plan import PushOptions, PushResult, PushSummary
from publisher.ckan.push import push
from tests.ckan.conftest import ORGANIZATION, CkanHarness
from tests.harness.faultproxy import FaultProxy, Faults

from .helpers import make_dataset


def run(
    engine: Engine,
    proxy: FaultProxy,
    ckan: CkanHarness,
    datasets: list[LocalDataset],
    options: PushOptions,
    **kwargs: Any,
) -> PushResult:
    return push(
        engine,
        datasets,
        ckan_url=proxy.url,
        api_token=ckan.token,
        organization=ORGANIZATION,
        options=options,
        **kwargs,
    )


def summary_of(result: PushResult) -> PushSummary:
    assert result.summary is not None
    return result.summary


def names_in_ckan(ckan: CkanHarness, prefix: str) -> list[str]:
    """Active package names with our test prefix, from the database (package_list), not search."""
    api, names, offset = ckan.api(), [], 0
    while page := api.action.package_list(limit=1000, offset=offset):
        names += [n for n in page if n.startswith(prefix)]
        offset += len(page)
    return sorted(names)


def download(ckan: CkanHarness, url: str) -> bytes:
    resp = requests.get(url, headers={"Authorization": ckan.token}, timeout=30)
    resp.raise_for_status()
    return resp.content


def assert_matches(ckan: CkanHarness, datasets: list[LocalDataset], prefix: str) -> None:
    """CKAN holds exactly these datasets, each once, with exactly our resources and bytes."""
    assert names_in_ckan(ckan, prefix) == sorted(ckan_name(d.name, prefix) for d in datasets)
    api = ckan.api()
    for local in datasets:
        pkg = api.action.package_show(id=ckan_name(local.name, prefix))
        assert pkg["state"] == "active"
        assert pkg["title"] == local.title
        keys = [r.get(RESOURCE_KEY_FIELD) for r in pkg["resources"]]
        assert sorted(keys) == sorted(r.name for r in local.resources)  # no duplicates
        by_key = {r[RESOURCE_KEY_FIELD]: r for r in pkg["resources"]}
        for res in local.resources:
            remote = by_key[res.name]
            assert remote["url_type"] == "upload"
            assert (
                hashlib.sha256(download(ckan, remote["url"])).digest()
                == hashlib.sha256(res.data).digest()
            )


def test_first_push_creates_everything(
    ckan: CkanHarness, proxy: FaultProxy, push_engine: Engine, options: PushOptions
) -> None:
    datasets = [make_dataset(i) for i in range(3)]
    summary = summary_of(run(push_engine, proxy, ckan, datasets, options))
    assert (summary.created, summary.updated, summary.failed) == (3, 0, 0)
    assert_matches(ckan, datasets, options.name_prefix)
    pkg = ckan.api().action.package_show(id=ckan_name("list-1", options.name_prefix))
    assert pkg["organization"]["name"] == ORGANIZATION
    assert pkg["title"] == "第五批三门峡市非物质文化遗产代表性项目（1）"
    assert sorted(t["name"] for t in pkg["tags"]) == ["三门峡", "非物质文化遗产"]  # "x" too short
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert extras["document_number"] == "三政〔2018〕30号"
    assert extras["smx_local_name"] == "list-1"
    assert pkg["license_id"] == "cc-by"
    writes = proxy.write_calls()
    assert writes["package_create"] == 3 and writes["resource_create"] == 6


def test_second_push_makes_no_write_calls(
    ckan: CkanHarness, proxy: FaultProxy, push_engine: Engine, options: PushOptions
) -> None:
    datasets = [make_dataset(i) for i in range(3)]
    run(push_engine, proxy, ckan, datasets, options)
    proxy.reset_counts()
    summary = summary_of(run(push_engine, proxy, ckan, datasets, options))
    assert summary.unchanged == 3 and summary.write_calls == 0
    assert proxy.write_calls() == Counter()
    assert proxy.count() == 0  # the plan comes from the database: not even a read


def test_changed_row_updates_exactly_that_resource(
    ckan: CkanHarness, proxy: FaultProxy, push_engine: Engine, options: PushOptions
) -> None:
    datasets = [make_dataset(i) for i in range(3)]
    run(push_engine, proxy, ckan, datasets, options)
    api = ckan.api()
    before = {
        d.name: api.action.package_show(id=ckan_name(d.name, options.name_prefix)) for d in datasets
    }
    datasets[1] = make_dataset(1, version=1)
    proxy.reset_counts()
    result = run(push_engine, proxy, ckan, datasets, options)
    changed = [s for s in result.plan.steps if s.action != "unchanged"]
    assert [(s.local_name, s.metadata_changed) for s in changed] == [("list-1", False)]
    assert [(r.name, r.action) for r in changed[0].resources if r.action != "unchanged"] == [
        ("items.csv", "update")
    ]
    assert proxy.write_calls() == Counter({"resource_patch": 1})
    summary = summary_of(result)
    assert (summary.updated, summary.unchanged) == (1, 2)
    assert_matches(ckan, datasets, options.name_prefix)
    after = {
        d.name: api.action.package_show(id=ckan_name(d.name, options.name_prefix)) for d in datasets
    }
    for name in ("list-0", "list-2"):
        assert after[name]["metadata_modified"] == before[name]["metadata_modified"]
    old = {r[RESOURCE_KEY_FIELD]: r for r in before["list-1"]["resources"]}
    new = {r[RESOURCE_KEY_FIELD]: r for r in after["list-1"]["resources"]}
    assert new["items.csv"]["id"] == old["items.csv"]["id"]  # updated in place
    assert new["items.json"]["last_modified"] == old["items.json"]["last_modified"]
    assert new["items.csv"]["last_modified"] != old["items.csv"]["last_modified"]


def test_locally_deleted_dataset_is_deleted_not_purged(
    ckan: CkanHarness, proxy: FaultProxy, push_engine: Engine, options: PushOptions
) -> None:
    datasets = [make_dataset(i) for i in range(3)]
    run(push_engine, proxy, ckan, datasets, options)
    proxy.reset_counts()
    summary = summary_of(run(push_engine, proxy, ckan, datasets[:2], options))
    assert (summary.deleted, summary.unchanged) == (1, 2)
    assert proxy.write_calls() == Counter({"package_delete": 1})
    gone = ckan.api().action.package_show(id=ckan_name("list-2", options.name_prefix))
    assert gone["state"] == "deleted"  # still there: deleted, never purged
    assert names_in_ckan(ckan, options.name_prefix) == [
        ckan_name(f"list-{i}", options.name_prefix) for i in range(2)
    ]
    # bringing it back reactivates the same CKAN dataset instead of creating another
    summary = summary_of(run(push_engine, proxy, ckan, datasets, options))
    assert summary.updated == 1
    back = ckan.api().action.package_show(id=ckan_name("list-2", options.name_prefix))
    assert (back["id"], back["state"]) == (gone["id"], "active")
    assert_matches(ckan, datasets, options.name_prefix)


def test_dry_run_changes_nothing(
    ckan: CkanHarness, proxy: FaultProxy, push_engine: Engine, options: PushOptions
) -> None:
    datasets = [make_dataset(i) for i in range(2)]
    result = run(push_engine, proxy, ckan, datasets, options, dry_run=True)
    assert result.summary is None
    assert result.plan.count("create") == 2
    text = result.plan.render()
    assert f"+ create dataset {ckan_name('list-0', options.name_prefix)}" in text
    assert "+ create resource items.json" in text
    assert proxy.count() == 0
    assert names_in_ckan(ckan, options.name_prefix) == []
    with Session(push_engine) as session:
        assert session.scalars(select(CkanDatasetRecord)).all() == []
    # and after a real push, a dry run over a change reports the update without making it
    run(push_engine, proxy, ckan, datasets, options)
    proxy.reset_counts()
    datasets[0] = make_dataset(0, version=2)
    plan = run(push_engine, proxy, ckan, datasets[1:], options, dry_run=True).plan
    assert [s.action for s in plan.steps] == ["unchanged", "delete"]
    assert proxy.count() == 0


def test_only_pushes_the_named_datasets(
    ckan: CkanHarness, proxy: FaultProxy, push_engine: Engine, options: PushOptions
) -> None:
    datasets = [make_dataset(i) for i in range(3)]
    summary = summary_of(run(push_engine, proxy, ckan, datasets, options, only=["list-1"]))
    assert summary.created == 1
    assert names_in_ckan(ckan, options.name_prefix) == [ckan_name("list-1", options.name_prefix)]


def test_validation_error_on_one_dataset_does_not_stop_the_others(
    ckan: CkanHarness, proxy: FaultProxy, push_engine: Engine, options: PushOptions
) -> None:
    bad = dataclasses.replace(make_dataset(1), extras={"state": "这不是一个合法的附加字段"})
    datasets = [make_dataset(0), bad, make_dataset(2)]
    summary = summary_of(run(push_engine, proxy, ckan, datasets, options))
    assert (summary.created, summary.failed) == (2, 1)
    failure = summary.failures[0]
    assert failure.local_name == "list-1"
    assert "There is a schema field with the same name" in failure.message
    assert "failed" in summary.render() and failure.ckan_name in summary.render()
    good = [datasets[0], datasets[2]]
    assert names_in_ckan(ckan, options.name_prefix) == sorted(
        ckan_name(d.name, options.name_prefix) for d in good
    )
    with Session(push_engine) as session:
        rec = session.scalars(
            select(CkanDatasetRecord).where(CkanDatasetRecord.local_name == "list-1")
        ).one()
        assert rec.ckan_id is None and rec.last_error and "schema field" in rec.last_error
    # once fixed locally, the next push creates it and touches nothing else
    datasets[1] = make_dataset(1)
    proxy.reset_counts()
    summary = summary_of(run(push_engine, proxy, ckan, datasets, options))
    assert (summary.created, summary.unchanged, summary.failed) == (1, 2, 0)
    assert_matches(ckan, datasets, options.name_prefix)


def push_until_clean(
    engine: Engine,
    proxy: FaultProxy,
    ckan: CkanHarness,
    datasets: list[LocalDataset],
    options: PushOptions,
    max_pushes: int = 6,
) -> list[PushSummary]:
    """Push again while some dataset failed (retries exhausted), up to a bound."""
    summaries = []
    for _ in range(max_pushes):
        summaries.append(summary_of(run(engine, proxy, ckan, datasets, options)))
        if not summaries[-1].failed:
            return summaries
    raise AssertionError(f"no clean push after {max_pushes}: {summaries[-1].render()}")


def test_faulty_network_converges_without_duplicates(
    ckan: CkanHarness, proxy: FaultProxy, push_engine: Engine, options: PushOptions
) -> None:
    datasets = [make_dataset(i) for i in range(6)]
    proxy.configure(Faults(error_rate=0.15, reset_rate=0.15, phase="either"), seed=7)
    push_until_clean(push_engine, proxy, ckan, datasets, options)
    # some creates must have succeeded in CKAN with the answer lost, or this proves little
    assert proxy.injected["error-after"] + proxy.injected["reset-after"] > 0
    assert proxy.injected["error-before"] + proxy.injected["reset-before"] > 0
    changed = [make_dataset(i, version=3 if i % 2 else 0) for i in range(6)][:5]
    push_until_clean(push_engine, proxy, ckan, changed, options)
    proxy.configure(Faults())
    assert_matches(ckan, changed, options.name_prefix)
    deleted = ckan.api().action.package_show(id=ckan_name("list-5", options.name_prefix))
    assert deleted["state"] == "deleted"
    proxy.reset_counts()
    final = summary_of(run(push_engine, proxy, ckan, changed, options))
    assert final.unchanged == 5 and proxy.write_calls() == Counter()
    # reading everything back finds nothing to repair: the faulty pushes left no drift
    verified = summary_of(
        run(push_engine, proxy, ckan, changed, dataclasses.replace(options, verify=True))
    )
    assert verified.failed == 0 and proxy.write_calls() == Counter()


def test_timeouts_are_retried(
    ckan: CkanHarness, proxy: FaultProxy, push_engine: Engine, options: PushOptions
) -> None:
    quick = dataclasses.replace(
        options, retry=dataclasses.replace(options.retry, timeout=0.5, attempts=10)
    )
    proxy.configure(Faults(delay_rate=0.3, delay_seconds=1.0), seed=3)
    datasets = [make_dataset(i) for i in range(2)]
    push_until_clean(push_engine, proxy, ckan, datasets, quick)
    assert proxy.injected["delay"] > 0
    proxy.configure(Faults())
    # A timed-out call may still land in CKAN after its retry; when two land on one package at
    # once, CKAN's own package_update can drop a resource. A verifying push repairs that.
    run(push_engine, proxy, ckan, datasets, dataclasses.replace(options, verify=True))
    assert_matches(ckan, datasets, options.name_prefix)


def test_verify_repairs_drift_made_behind_our_back(
    ckan: CkanHarness, proxy: FaultProxy, push_engine: Engine, options: PushOptions
) -> None:
    datasets = [make_dataset(i) for i in range(2)]
    run(push_engine, proxy, ckan, datasets, options)
    api = ckan.api()
    pkg = api.action.package_show(id=ckan_name("list-0", options.name_prefix))
    csv_id = next(r["id"] for r in pkg["resources"] if r[RESOURCE_KEY_FIELD] == "items.csv")
    api.action.resource_delete(id=csv_id)  # an operator deletes one of our files in CKAN
    api.action.package_patch(id=pkg["id"], notes="edited by hand")
    proxy.reset_counts()
    summary = summary_of(
        run(push_engine, proxy, ckan, datasets, dataclasses.replace(options, verify=True))
    )
    assert (summary.updated, summary.unchanged, summary.failed) == (1, 1, 0)
    assert proxy.write_calls() == Counter({"package_patch": 1, "resource_create": 1})
    assert_matches(ckan, datasets, options.name_prefix)
    again = api.action.package_show(id=pkg["id"])
    assert again["notes"] == datasets[0].notes


class Crash(Exception):
    """Stands for the process dying right after a CKAN write, before it is recorded."""


@pytest.mark.parametrize("crash_after", [1, 2, 3, 4, 5])
def test_crash_mid_push_then_resume_leaves_no_duplicates(
    ckan: CkanHarness,
    proxy: FaultProxy,
    push_engine: Engine,
    options: PushOptions,
    crash_after: int,
) -> None:
    serial = dataclasses.replace(options, workers=1)
    datasets = [make_dataset(i) for i in range(3)]
    writes = 0

    def crash_hook(action: str) -> None:
        nonlocal writes
        writes += 1
        if writes == crash_after:
            raise Crash(action)

    with pytest.raises(Crash):
        run(push_engine, proxy, ckan, datasets, serial, on_write=crash_hook)
    proxy.reset_counts()
    summary = summary_of(run(push_engine, proxy, ckan, datasets, serial))
    assert summary.failed == 0
    assert_matches(ckan, datasets, options.name_prefix)
    # 3 datasets x (package_create + 2 resource_create) = 9 writes in all; the resumed push
    # found the crashed push's writes, including the unrecorded last one, and did not redo them
    assert sum(proxy.write_calls().values()) == 9 - crash_after
