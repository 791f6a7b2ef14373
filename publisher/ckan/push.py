"""The push: plan from the database's memory, then make only the CKAN writes that are needed.

Planning never talks to CKAN, so a push with nothing changed makes no call at all. Every
successful CKAN write is recorded at once, so a crash loses nothing; before creating anything
the push looks for it in CKAN (datasets by stable name, resources by their key), so a resumed
push, or a retry after a lost answer, never makes a duplicate (ckanapi #178). Updates use
`package_patch` with only the fields the push owns, so resources and extras that others added
survive (ckan #5078).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from publisher.ckan.client import CkanUnreachable
from publisher.ckan.executor import DatasetFailed, DatasetPusher, PushAborted
from publisher.ckan.local import LocalDataset
from publisher.ckan.lock import push_lock
from publisher.ckan.plan import Outcome, ProgressFn, PushOptions, PushResult, PushSummary, plan_push

log = logging.getLogger(__name__)


def push(
    engine: Engine,
    datasets: Sequence[LocalDataset],
    *,
    ckan_url: str,
    api_token: str,
    organization: str,
    dry_run: bool = False,
    only: Iterable[str] | None = None,
    options: PushOptions | None = None,
    progress: ProgressFn | None = None,
    on_write: Callable[[str], None] | None = None,
) -> PushResult:
    """Bring CKAN in line with `datasets`. One dataset's failure is reported, not raised;
    anything else (a bug, or `on_write` raising) stops the push, and the next push resumes."""
    options = options or PushOptions()
    with Session(engine) as session:
        plan = plan_push(session, datasets, organization, only=only, prefix=options.name_prefix)
    if dry_run:
        return PushResult(plan, None)
    summary = PushSummary(unchanged=plan.count("unchanged"))
    todo = [s for s in plan.steps if s.action != "unchanged" or options.verify]
    if options.verify:
        summary.unchanged = 0
    by_name = {d.name: d for d in datasets}
    pusher = DatasetPusher(engine, ckan_url, api_token, organization, options, on_write)
    if todo:
        try:
            pusher.client().probe(ckan_url)  # an unreachable CKAN is said in seconds
        except CkanUnreachable:
            pusher.close()
            raise
    done = 0
    tally: dict[Outcome, int] = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}

    fatal: BaseException | None = None
    try:
        with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
            futures = {pool.submit(pusher.run, s, by_name.get(s.local_name)): s for s in todo}
            for future in as_completed(futures):
                step, exc = futures[future], future.exception()
                outcome: Outcome
                if isinstance(exc, PushAborted):
                    continue
                if isinstance(exc, DatasetFailed):
                    summary.failures.append(exc.failure)
                    outcome = "failed"
                elif exc is not None:
                    fatal = fatal or exc
                    continue
                else:
                    outcome = future.result()
                    tally[outcome] += 1
                done += 1
                if progress is not None:
                    progress(done, len(todo), step, outcome)
    finally:
        pusher.close()
    if fatal is not None:
        raise fatal
    summary.created = tally["created"]
    summary.updated = tally["updated"]
    summary.deleted = tally["deleted"]
    summary.unchanged += tally["unchanged"]
    summary.write_calls = pusher.write_calls
    return PushResult(plan, summary)


def push_with_lock(
    engine: Engine,
    datasets: Callable[[], Sequence[LocalDataset]],
    *,
    ckan_url: str,
    api_token: str,
    organization: str,
    options: PushOptions | None = None,
    lock_path: str | None = None,
) -> PushSummary | None:
    """One background push, if no other instance is pushing; None when the lock is taken.

    The scheduler calls this every `ckan_push_interval_seconds`. Datasets are collected only
    once the lock is held, so a skipped run costs nothing.
    """
    with push_lock(engine, lock_path) as acquired:
        if not acquired:
            log.info("CKAN push skipped: another instance holds the push lock")
            return None
        result = push(
            engine,
            datasets(),
            ckan_url=ckan_url,
            api_token=api_token,
            organization=organization,
            options=options,
        )
        assert result.summary is not None
        log.info("CKAN push: %s", result.summary.render())
        return result.summary
