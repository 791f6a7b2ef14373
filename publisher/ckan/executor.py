"""Executing a planned push, one dataset per worker: look before creating (no duplicates after
a crash or a lost answer), record every successful write at once, patch only the fields the
push owns so that what others added in CKAN survives.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

import ckanapi
import requests
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from publisher.ckan.client import CkanClient, TransientCkanError, Upload
from publisher.ckan.local import LocalDataset, LocalResource
from publisher.ckan.mapping import (
    CONTENT_HASH_EXTRA,
    LOCAL_NAME_EXTRA,
    RESOURCE_HASH_FIELD,
    RESOURCE_KEY_FIELD,
    ckan_name,
    merge_extras,
    metadata_hash,
    owned_extras,
    package_fields,
    resource_fields,
    upload_filename,
)
from publisher.ckan.models import ACTIVE, DELETED, CkanDatasetRecord, CkanResourceRecord
from publisher.ckan.plan import DatasetFailure, DatasetStep, Outcome, PushOptions
from publisher.storage.db import WRITE_OPTIONS

log = logging.getLogger(__name__)

#: errors that fail one dataset and let the others go on; anything else stops the push
DATASET_ERRORS = (ckanapi.CKANAPIError, TransientCkanError, requests.RequestException)


class DatasetPusher:
    """Carries one push's shared state; each dataset runs in its own session and thread."""

    def __init__(
        self,
        engine: Engine,
        url: str,
        token: str,
        organization: str,
        options: PushOptions,
        on_write: Callable[[str], None] | None,
    ) -> None:
        # Every unit here reads then writes: on SQLite it must take the write lock up front
        # (BEGIN IMMEDIATE), or two workers fail on the lock upgrade instead of queueing.
        self.engine = engine.execution_options(**WRITE_OPTIONS)
        self.url = url
        self.token = token
        self.organization = organization
        self.options = options
        self.prefix = options.name_prefix
        self._user_on_write = on_write
        self._local = threading.local()
        self._clients: list[CkanClient] = []
        self._lock = threading.Lock()
        self.aborted = threading.Event()
        self._org_lock = threading.Lock()
        self._org_ready = False
        self.write_calls = 0

    def _count_write(self, action: str) -> None:
        with self._lock:
            self.write_calls += 1
        if self._user_on_write is not None:
            self._user_on_write(action)

    def client(self) -> CkanClient:
        client: CkanClient | None = getattr(self._local, "client", None)
        if client is None:
            client = CkanClient(self.url, self.token, self.options.retry, self._count_write)
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def ensure_organization(self) -> None:
        with self._org_lock:
            if self._org_ready:
                return
            client = self.client()
            try:
                client.call("organization_show", {"id": self.organization})
            except ckanapi.NotFound:

                def existing() -> Any:  # noqa: ANN401  (CKAN answers arbitrary JSON)
                    try:
                        return client.call("organization_show", {"id": self.organization})
                    except ckanapi.NotFound:
                        return None

                client.call(
                    "organization_create",
                    {"name": self.organization, "title": self.organization},
                    before_retry=existing,
                )
            self._org_ready = True

    # -- one dataset
    def run(self, step: DatasetStep, local: LocalDataset | None) -> Outcome:
        """Push one dataset. An unexpected error stops every worker before its next call, as a
        crash would, and is re-raised by `push`."""
        try:
            return self._run(step, local)
        except (DatasetFailed, PushAborted):
            raise
        except BaseException:
            self.aborted.set()
            raise

    def _run(self, step: DatasetStep, local: LocalDataset | None) -> Outcome:
        if self.aborted.is_set():
            raise PushAborted
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                if step.action == "delete":
                    return self._delete(session, step)
                assert local is not None
                return self._upsert(session, local)
            except PushAborted:
                raise
            except DATASET_ERRORS as exc:
                session.rollback()
                message = describe(exc)
                log.warning("CKAN push of %s failed: %s", step.ckan_name, message)
                rec = session.scalar(
                    select(CkanDatasetRecord).where(CkanDatasetRecord.local_name == step.local_name)
                )
                if rec is not None:
                    rec.last_error = message[:2000]
                    session.commit()
                raise DatasetFailed(
                    DatasetFailure(step.local_name, step.ckan_name, message)
                ) from exc

    def _delete(self, session: Session, step: DatasetStep) -> Outcome:
        rec = session.scalar(
            select(CkanDatasetRecord).where(CkanDatasetRecord.local_name == step.local_name)
        )
        if rec is None:
            return "unchanged"
        if rec.ckan_id is not None:
            # NotFound: already gone (purged by someone), which reaches the goal too
            with contextlib.suppress(ckanapi.NotFound):
                _Idle(self.client(), session, self.aborted).call(
                    "package_delete", {"id": rec.ckan_id}
                )
        rec.state = DELETED
        rec.last_error = None
        session.commit()
        return "deleted"

    def _upsert(self, session: Session, local: LocalDataset) -> Outcome:
        retries = self.client().retries
        outcome = self._upsert_once(session, local, verify=self.options.verify)
        if self.client().retries != retries:
            # A retried write may have landed late, or raced another write inside CKAN (its
            # package_update replaces the resource list): read back and repair once.
            again = self._upsert_once(session, local, verify=True)
            outcome = again if outcome == "unchanged" else outcome
        return outcome

    def _upsert_once(self, session: Session, local: LocalDataset, verify: bool) -> Outcome:
        client = _Idle(self.client(), session, self.aborted)
        name = ckan_name(local.name, self.prefix)
        rec = session.scalar(
            select(CkanDatasetRecord)
            .where(CkanDatasetRecord.local_name == local.name)
            .options(selectinload(CkanDatasetRecord.resources))
        )
        if rec is None:
            rec = CkanDatasetRecord(local_name=local.name, ckan_name=name, owned_extra_keys=[])
            session.add(rec)
            session.commit()
        session.commit()  # no transaction may stay open across a network call
        self.ensure_organization()
        mhash = metadata_hash(local, self.organization, self.prefix)
        fields = package_fields(local, self.organization, self.prefix)
        extras = owned_extras(local, mhash)
        created = False
        remote: dict[str, Any] | None = None  # the package as last read from CKAN
        if rec.ckan_id is None:
            remote = client.show_package(name)  # a crashed push may have created it
            if remote is None:
                data = {
                    **fields,
                    "extras": [{"key": k, "value": v} for k, v in sorted(extras.items())],
                }
                try:
                    remote = client.call(
                        "package_create", data, before_retry=lambda: client.show_package(name)
                    )
                except ckanapi.ValidationError as exc:
                    # "That URL is already in use": an earlier attempt that timed out landed
                    # after our check (ckanapi #178); adopt it if it is ours.
                    remote = client.show_package(name) if "name" in _errors(exc) else None
                    if remote is None or _extras_dict(remote).get(LOCAL_NAME_EXTRA) != local.name:
                        raise
                assert remote is not None
                created = True
                rec.metadata_hash = mhash
                rec.owned_extra_keys = sorted(extras)
                rec.state = ACTIVE
            else:
                owner = _extras_dict(remote).get(LOCAL_NAME_EXTRA)
                if owner != local.name:
                    raise ckanapi.ValidationError(
                        {
                            "name": [
                                f"{name} exists in CKAN but is not ours "
                                f"({LOCAL_NAME_EXTRA}={owner!r})"
                            ]
                        }
                    )
                # adopted: its metadata is ours and current only if it carries our hash
                current = _extras_dict(remote).get(CONTENT_HASH_EXTRA) == mhash
                active = remote.get("state") == "active"
                rec.metadata_hash = mhash if current and active else None
                rec.owned_extra_keys = sorted(set(rec.owned_extra_keys) | set(extras))
            rec.ckan_id = remote["id"]
            session.commit()
        wrote = created
        if verify and not created:
            remote = client.show_package(rec.ckan_id)
            if remote is not None:
                self._forget_drift(session, rec, remote, fields, extras)
        if rec.metadata_hash != mhash or rec.state == DELETED:
            remote = remote or client.show_package(rec.ckan_id)
            if remote is None:
                rec.ckan_id, rec.metadata_hash = None, None
                rec.resources.clear()
                session.commit()
                raise ckanapi.NotFound(f"{name} vanished from CKAN; the next push recreates it")
            patch = {
                "id": rec.ckan_id,
                **fields,
                "extras": merge_extras(remote.get("extras", []), extras, rec.owned_extra_keys),
                "state": "active",
            }
            remote = client.call("package_patch", patch)
            rec.metadata_hash = mhash
            rec.owned_extra_keys = sorted(extras)
            rec.state = ACTIVE
            session.commit()
            wrote = True
        fresh = created and not (remote or {}).get("resources")
        wrote = self._sync_resources(session, rec, local, remote, fresh=fresh) or wrote
        if verify:
            wrote = self._delete_strays(session, rec) or wrote
        if rec.last_error is not None:
            rec.last_error = None
            session.commit()
        return "created" if created else "updated" if wrote else "unchanged"

    def _sync_resources(
        self,
        session: Session,
        rec: CkanDatasetRecord,
        local: LocalDataset,
        remote: dict[str, Any] | None,
        fresh: bool,
    ) -> bool:
        client = _Idle(self.client(), session, self.aborted)
        assert rec.ckan_id is not None
        package_id = rec.ckan_id
        known = {r.local_name: r for r in rec.resources}
        wrote = False
        remote_resources: list[dict[str, Any]] | None = [] if fresh else None
        if remote is not None and not fresh:
            remote_resources = list(remote.get("resources", []))

        def find_remote(key: str) -> dict[str, Any] | None:
            nonlocal remote_resources
            if remote_resources is None:
                pkg = client.show_package(package_id)
                remote_resources = list(pkg.get("resources", [])) if pkg else []
            return next((r for r in remote_resources if r.get(RESOURCE_KEY_FIELD) == key), None)

        def find_remote_id(rid: str) -> dict[str, Any] | None:
            pkg = client.show_package(package_id)
            return next((r for r in (pkg or {}).get("resources", []) if r["id"] == rid), None)

        for res in local.resources:
            record = known.get(res.name)
            digest = res.content_hash
            if record is not None and record.content_hash == digest:
                continue
            upload = Upload(upload_filename(rec.ckan_name, res), res.data)
            data = resource_fields(res)
            target_id = record.ckan_id if record is not None else None
            if target_id is None:
                existing = find_remote(res.name)
                if existing is not None and existing.get(RESOURCE_HASH_FIELD) == digest:
                    self._record(session, rec, record, res, existing["id"])  # done last time
                    continue
                target_id = existing["id"] if existing is not None else None
            result: dict[str, Any] | None = None
            if target_id is not None:
                try:
                    result = client.call("resource_patch", {"id": target_id, **data}, upload)
                except ckanapi.NotFound:
                    result = None  # deleted in CKAN meanwhile: create it again below
            if result is None:
                # A client-chosen id, shared by the retries of this create, makes repeating it
                # harmless: a timed-out attempt that lands late cannot add a second resource
                # (CKAN 2.12 answers 500 to a create with an existing id), and before each
                # retry we look for it by that id. Fresh per create: an id CKAN saw deleted
                # can never be used again.
                rid = str(uuid.uuid4())
                result = client.call(
                    "resource_create",
                    {"package_id": package_id, "id": rid, **data},
                    upload,
                    before_retry=functools.partial(find_remote_id, rid),
                )
            assert result is not None
            self._record(session, rec, record, res, result["id"])
            wrote = True
        wanted = {r.name for r in local.resources}
        for key, record in known.items():
            if key in wanted:
                continue
            with contextlib.suppress(ckanapi.NotFound):
                client.call("resource_delete", {"id": record.ckan_id})
            rec.resources.remove(record)
            session.commit()
            wrote = True
        return wrote

    @staticmethod
    def _forget_drift(
        session: Session,
        rec: CkanDatasetRecord,
        remote: dict[str, Any],
        fields: dict[str, Any],
        extras: dict[str, str],
    ) -> None:
        """Forget what CKAN no longer holds as recorded, so the sync writes it again."""
        held_extras = _extras_dict(remote)
        same = (
            remote.get("state") == "active"
            and all(remote.get(k) == fields[k] for k in ("title", "notes", "license_id"))
            and (remote.get("organization") or {}).get("name") == fields["owner_org"]
            and sorted(t["name"] for t in remote.get("tags", []))
            == sorted(t["name"] for t in fields["tags"])
            and all(held_extras.get(k) == v for k, v in extras.items())
        )
        if not same:
            rec.metadata_hash = None
        held = {r["id"]: r for r in remote.get("resources", [])}
        for record in list(rec.resources):
            found = held.get(record.ckan_id)
            if found is None or found.get(RESOURCE_HASH_FIELD) != record.content_hash:
                rec.resources.remove(record)
        session.commit()

    def _delete_strays(self, session: Session, rec: CkanDatasetRecord) -> bool:
        """Delete resources carrying our key that are not the recorded one (duplicates)."""
        client = _Idle(self.client(), session, self.aborted)
        assert rec.ckan_id is not None
        remote = client.show_package(rec.ckan_id) or {}
        recorded = {r.ckan_id for r in rec.resources}
        strays = [
            r["id"]
            for r in remote.get("resources", [])
            if r.get(RESOURCE_KEY_FIELD) and r["id"] not in recorded
        ]
        for rid in strays:
            with contextlib.suppress(ckanapi.NotFound):
                client.call("resource_delete", {"id": rid})
        return bool(strays)

    @staticmethod
    def _record(
        session: Session,
        rec: CkanDatasetRecord,
        record: CkanResourceRecord | None,
        res: LocalResource,
        ckan_id: str,
    ) -> None:
        if record is None:
            record = CkanResourceRecord(local_name=res.name, ckan_id=ckan_id, content_hash="")
            rec.resources.append(record)
        record.ckan_id = ckan_id
        record.content_hash = res.content_hash
        session.commit()


class _Idle:
    """Ends the session's transaction before each CKAN call.

    A transaction left open across a slow network call would hold SQLite's write lock (the
    engine begins IMMEDIATE) and make the other workers time out.
    """

    def __init__(self, client: CkanClient, session: Session, aborted: threading.Event) -> None:
        self._client = client
        self._session = session
        self._aborted = aborted

    def _idle(self) -> None:
        if self._aborted.is_set():
            raise PushAborted
        if self._session.in_transaction():
            self._session.commit()

    def call(
        self,
        action: str,
        data: dict[str, Any],
        upload: Upload | None = None,
        before_retry: Callable[[], Any] | None = None,
    ) -> Any:  # noqa: ANN401  (CKAN answers arbitrary JSON)
        self._idle()
        return self._client.call(action, data, upload, before_retry)

    def show_package(self, name_or_id: str) -> dict[str, Any] | None:
        self._idle()
        return self._client.show_package(name_or_id)


class PushAborted(Exception):
    """Another worker hit an unexpected error; this one stops before its next CKAN call."""


class DatasetFailed(Exception):
    def __init__(self, failure: DatasetFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


def _extras_dict(package: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in package.get("extras", []) if "key" in e}


def _errors(exc: ckanapi.ValidationError) -> dict[str, Any]:
    errors = exc.error_dict
    return errors if isinstance(errors, dict) else {"error": errors}


def describe(exc: BaseException) -> str:
    """CKAN's own words for a failure: the field errors of a ValidationError, else the message."""
    if isinstance(exc, ckanapi.ValidationError):
        parts = [f"{k}: {v}" for k, v in _errors(exc).items() if k != "__type"]
        return "CKAN validation error: " + "; ".join(parts)
    return f"{type(exc).__name__}: {exc}"
