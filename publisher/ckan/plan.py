"""Planning a push: from what the database remembers having sent (content hashes, CKAN ids),
which CKAN writes are needed. Never talks to CKAN, so a push with nothing changed makes no call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from publisher.ckan.client import RetryPolicy
from publisher.ckan.local import LocalDataset
from publisher.ckan.mapping import (
    DEFAULT_PREFIX,
    ckan_name,
    metadata_hash,
)
from publisher.ckan.models import ACTIVE, DELETED, CkanDatasetRecord

Action = Literal["create", "update", "delete", "unchanged"]
Outcome = Literal["created", "updated", "unchanged", "deleted", "failed"]


@dataclass(frozen=True)
class PushOptions:
    workers: int = 2
    name_prefix: str = DEFAULT_PREFIX
    #: also read back every dataset (even unchanged ones) and repair what differs in CKAN
    verify: bool = False
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True)
class ResourceStep:
    name: str
    action: Action


@dataclass(frozen=True)
class DatasetStep:
    local_name: str
    ckan_name: str
    action: Action
    metadata_changed: bool
    resources: tuple[ResourceStep, ...] = ()


@dataclass(frozen=True)
class PushPlan:
    steps: tuple[DatasetStep, ...]

    def count(self, action: Action) -> int:
        return sum(1 for s in self.steps if s.action == action)

    @property
    def is_empty(self) -> bool:
        return all(s.action == "unchanged" for s in self.steps)

    def render(self, show_unchanged: bool = False) -> str:
        """The plan as text: one line per dataset, one indented line per resource."""
        signs = {"create": "+", "update": "~", "delete": "-", "unchanged": "="}
        lines = []
        for step in self.steps:
            if step.action == "unchanged" and not show_unchanged:
                continue
            what = " (metadata)" if step.action == "update" and step.metadata_changed else ""
            lines.append(f"{signs[step.action]} {step.action} dataset {step.ckan_name}{what}")
            for res in step.resources:
                if res.action != "unchanged" or show_unchanged:
                    lines.append(f"    {signs[res.action]} {res.action} resource {res.name}")
        counts = ", ".join(
            f"{a} {self.count(a)}" for a in ("create", "update", "delete", "unchanged")
        )
        lines.append(f"plan: {counts}")
        return "\n".join(lines)


@dataclass(frozen=True)
class DatasetFailure:
    local_name: str
    ckan_name: str
    message: str


@dataclass
class PushSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    failures: list[DatasetFailure] = field(default_factory=list)
    write_calls: int = 0

    @property
    def failed(self) -> int:
        return len(self.failures)

    def render(self) -> str:
        text = (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"deleted {self.deleted}, failed {self.failed} ({self.write_calls} CKAN writes)"
        )
        for f in self.failures:
            text += f"\n  failed {f.ckan_name}: {f.message}"
        return text


@dataclass(frozen=True)
class PushResult:
    plan: PushPlan
    summary: PushSummary | None  # None for a dry run


ProgressFn = Callable[[int, int, DatasetStep, Outcome], None]


# ------------------------------------------------------------------------------ planning
def _load_records(session: Session) -> dict[str, CkanDatasetRecord]:
    stmt = select(CkanDatasetRecord).options(selectinload(CkanDatasetRecord.resources))
    return {r.local_name: r for r in session.scalars(stmt)}


def _selected(only: Iterable[str] | None, prefix: str) -> Callable[[str], bool]:
    if only is None:
        return lambda name: True
    wanted = set(only)
    return lambda name: name in wanted or ckan_name(name, prefix) in wanted


def plan_push(
    session: Session,
    datasets: Sequence[LocalDataset],
    organization: str,
    *,
    only: Iterable[str] | None = None,
    prefix: str = DEFAULT_PREFIX,
) -> PushPlan:
    """What a push would do, from the database alone (no CKAN call)."""
    records = _load_records(session)
    chosen = _selected(only, prefix)
    steps: list[DatasetStep] = []
    local_names = set()
    for local in datasets:
        local_names.add(local.name)
        if not chosen(local.name):
            continue
        name = ckan_name(local.name, prefix)
        rec = records.get(local.name)
        if rec is None or rec.ckan_id is None:
            res = tuple(ResourceStep(r.name, "create") for r in local.resources)
            steps.append(DatasetStep(local.name, name, "create", True, res))
            continue
        known = {r.local_name: r for r in rec.resources}
        res_steps = []
        for r in local.resources:
            old = known.get(r.name)
            action: Action = (
                "create"
                if old is None
                else "unchanged"
                if old.content_hash == r.content_hash
                else "update"
            )
            res_steps.append(ResourceStep(r.name, action))
        wanted = {r.name for r in local.resources}
        res_steps += [ResourceStep(k, "delete") for k in known if k not in wanted]
        meta = rec.state == DELETED or rec.metadata_hash != metadata_hash(
            local, organization, prefix
        )
        changed = meta or any(s.action != "unchanged" for s in res_steps)
        steps.append(
            DatasetStep(
                local.name, name, "update" if changed else "unchanged", meta, tuple(res_steps)
            )
        )
    for rec in records.values():
        if rec.local_name not in local_names and rec.state == ACTIVE and chosen(rec.local_name):
            steps.append(DatasetStep(rec.local_name, rec.ckan_name, "delete", False))
    return PushPlan(tuple(steps))
