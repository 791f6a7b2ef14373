"""From a LocalDataset to the dicts CKAN's API takes.

The CKAN name is derived from the local identity only, never from the title, so that renaming
a dataset's title never creates a second dataset in CKAN and a crashed push can find what it
already created by name.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from publisher.ckan.local import LocalDataset, LocalResource

DEFAULT_PREFIX = "smx-"
MAX_NAME = 100  # CKAN's limit on package names
#: extras the push itself sets on every dataset, so an operator can tell who owns a dataset
LOCAL_NAME_EXTRA = "smx_local_name"
CONTENT_HASH_EXTRA = "smx_content_hash"
#: fields the push sets on every resource: the stable key within the dataset and our hash
RESOURCE_KEY_FIELD = "smx_resource_key"
RESOURCE_HASH_FIELD = "smx_content_hash"

_VALID_NAME = re.compile(r"^[a-z0-9_-]+$")
_TAG_FORBIDDEN = re.compile(r"[^\w \-.]", re.UNICODE)  # CKAN's tag_name_validator alphabet


def ckan_name(local_name: str, prefix: str = DEFAULT_PREFIX) -> str:
    """A stable, valid CKAN name: the identity itself when it is already a valid slug,
    otherwise an ASCII slug plus a short hash of the identity, so distinct identities that
    slug alike (Chinese names, case) never collide."""
    candidate = prefix + local_name
    if _VALID_NAME.match(local_name) and len(candidate) <= MAX_NAME:
        return candidate
    slug = re.sub(r"[^a-z0-9_-]+", "-", local_name.lower()).strip("-_")
    digest = hashlib.sha256(local_name.encode("utf-8")).hexdigest()[:10]
    room = MAX_NAME - len(prefix) - len(digest) - 1
    slug = slug[:room].strip("-_")
    return f"{prefix}{slug}-{digest}" if slug else f"{prefix}{digest}"


def clean_tags(tags: list[str]) -> list[str]:
    """Tags CKAN accepts: 2–100 characters of its alphabet, without duplicates, in order."""
    out: list[str] = []
    for tag in tags:
        cleaned = re.sub(r"\s+", " ", _TAG_FORBIDDEN.sub(" ", tag)).strip()[:100].strip()
        if len(cleaned) >= 2 and cleaned not in out:
            out.append(cleaned)
    return out


def package_fields(
    local: LocalDataset, organization: str, prefix: str = DEFAULT_PREFIX
) -> dict[str, Any]:
    """The fields of a CKAN package that the push owns (everything else is left alone)."""
    return {
        "name": ckan_name(local.name, prefix),
        "title": local.title,
        "notes": local.notes,
        "license_id": local.license_id,
        "owner_org": organization,
        "tags": [{"name": t} for t in clean_tags(local.tags)],
    }


def owned_extras(local: LocalDataset, metadata_hash: str) -> dict[str, str]:
    """The extras the push owns on a package; extras set by anyone else are kept."""
    extras = {k: v for k, v in local.extras.items() if v is not None}
    extras[LOCAL_NAME_EXTRA] = local.name
    extras[CONTENT_HASH_EXTRA] = metadata_hash
    return extras


def metadata_hash(local: LocalDataset, organization: str, prefix: str = DEFAULT_PREFIX) -> str:
    """Hash of everything the push writes on the package itself (not its resources)."""
    payload = {
        "fields": package_fields(local, organization, prefix),
        "extras": sorted(local.extras.items()),
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def merge_extras(
    current: list[dict[str, Any]], ours: dict[str, str], previously_owned: list[str]
) -> list[dict[str, str]]:
    """Extras after a patch: foreign keys kept, ours set, ours that we dropped removed."""
    drop = set(previously_owned) | set(ours)
    kept = [{"key": e["key"], "value": e["value"]} for e in current if e.get("key") not in drop]
    return kept + [{"key": k, "value": v} for k, v in sorted(ours.items())]


def upload_filename(dataset_name: str, resource: LocalResource) -> str:
    """An ASCII file name for the upload; CKAN puts it in the download URL."""
    ext = re.sub(r"[^a-z0-9]", "", resource.format.lower()) or "bin"
    key = ckan_name(resource.name, prefix="")
    return f"{dataset_name}-{key}.{ext}"[-120:].lstrip("-")


def resource_fields(resource: LocalResource) -> dict[str, str]:
    """The resource fields the push owns, including the key and hash it finds them by."""
    return {
        "name": resource.name,
        "format": resource.format,
        "description": resource.description,
        RESOURCE_KEY_FIELD: resource.name,
        RESOURCE_HASH_FIELD: resource.content_hash,
    }
