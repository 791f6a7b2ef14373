"""Publishing the open datasets to the city's CKAN catalogue, idempotently.

`push()` compares the local datasets with what the database remembers having sent (content
hashes and CKAN ids) and makes only the CKAN writes that are needed; `push_with_lock()` is the
entry point for the background scheduler.
"""

from __future__ import annotations

from publisher.ckan.local import LocalDataset, LocalResource
from publisher.ckan.plan import PushOptions, PushPlan, PushResult, PushSummary, plan_push
from publisher.ckan.push import push, push_with_lock

__all__ = [
    "LocalDataset",
    "LocalResource",
    "PushOptions",
    "PushPlan",
    "PushResult",
    "PushSummary",
    "plan_push",
    "push",
    "push_with_lock",
]
