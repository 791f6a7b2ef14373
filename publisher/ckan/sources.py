"""The seam between the service's open data and the push: the Data Package, read defensively.

Each resource of `datasets/datapackage.json` (a Frictionless Data Package, written by the
open-data part of the service) becomes one CKAN dataset with two files: the CSV as it is, and
a JSON array of the same rows. Custom properties (keywords, document number, gazette issue,
source) are optional: what is missing or of the wrong type is left out rather than guessed.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from publisher.ckan.local import LocalDataset, LocalResource
from publisher.settings import Settings

log = logging.getLogger(__name__)

#: Frictionless/SPDX licence names to CKAN's default licence ids
LICENCES = {
    "cc-by-4.0": "cc-by",
    "cc-by": "cc-by",
    "cc-by-sa-4.0": "cc-by-sa",
    "cc0-1.0": "cc-zero",
    "cc0": "cc-zero",
    "odc-by-1.0": "odc-by",
    "odc-by": "odc-by",
    "odbl-1.0": "odc-odbl",
    "odc-pddl-1.0": "odc-pddl",
    "pddl": "odc-pddl",
}
EXTRA_KEYS = {
    "document_number": ("document_number", "documentNumber", "doc_number", "文号"),
    "gazette_issue": ("gazette_issue", "gazetteIssue", "issue", "期号"),
    "issuing_body": ("issuing_body", "issuer", "publisher"),
}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _first(resource: dict[str, Any], package: dict[str, Any], names: tuple[str, ...]) -> str:
    for source in (resource, package):
        for name in names:
            if _text(source.get(name)):
                return _text(source.get(name))
    return ""


def _licence(resource: dict[str, Any], package: dict[str, Any]) -> str:
    for source in (resource, package):
        licences = source.get("licenses")
        if isinstance(licences, list):
            for lic in licences:
                name = _text(lic.get("name")) if isinstance(lic, dict) else _text(lic)
                if name:
                    return LICENCES.get(name.lower(), name.lower())
    return ""


def _keywords(resource: dict[str, Any], package: dict[str, Any]) -> list[str]:
    for source in (resource, package):
        words = source.get("keywords")
        if isinstance(words, list):
            return [w.strip() for w in words if isinstance(w, str) and w.strip()]
    return []


def _source(resource: dict[str, Any], package: dict[str, Any]) -> str:
    for source in (resource, package):
        value = source.get("sources", source.get("source"))
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, list):
            titles = [
                _text(s.get("title")) or _text(s.get("path")) for s in value if isinstance(s, dict)
            ]
            if any(titles):
                return "; ".join(t for t in titles if t)
    return ""


def rows_as_json(csv_bytes: bytes) -> bytes:
    """The CSV's rows as a JSON array of objects keyed by the header, in file order."""
    reader = csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig"), newline=""))
    rows = [dict(row) for row in reader]
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def dataset_from_resource(
    resource: dict[str, Any], package: dict[str, Any], base: Path
) -> LocalDataset | None:
    name = _text(resource.get("name"))
    path = resource.get("path")
    if not name or not isinstance(path, str):
        log.warning("datapackage resource without name or single path skipped: %r", name)
        return None
    file = (base / path).resolve()
    if not file.is_relative_to(base.resolve()) or not file.is_file():
        log.warning("datapackage resource %s: file %s missing or outside the package", name, path)
        return None
    csv_bytes = file.read_bytes()
    extras = {key: _first(resource, package, names) for key, names in EXTRA_KEYS.items()}
    extras["source"] = _source(resource, package)
    title = _text(resource.get("title")) or name
    notes = _text(resource.get("description"))
    return LocalDataset(
        name=name,
        title=title,
        notes=notes,
        tags=_keywords(resource, package),
        license_id=_licence(resource, package),
        extras={k: v for k, v in extras.items() if v},
        resources=[
            LocalResource(f"{name}.csv", "CSV", csv_bytes, f"{title}（CSV，UTF-8）"),
            LocalResource(f"{name}.json", "JSON", rows_as_json(csv_bytes), f"{title}（JSON）"),
        ],
    )


ADOPTION_SUMMARIES = "consultation-adoption-summaries"


def adoption_summaries_dataset(rows: list[dict[str, Any]]) -> LocalDataset | None:
    """The published adoption summaries (意见采纳情况) as one dataset; None while there are none.

    The rows come from `consultation.service.adoption_summary_rows`, which already holds no
    personal data; the CSV is written deterministically so an unchanged summary is no write.
    """
    if not rows:
        return None
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    csv_bytes = buffer.getvalue().encode("utf-8")
    title = "重大行政决策公开征求意见采纳情况"
    return LocalDataset(
        name=ADOPTION_SUMMARIES,
        title=title,
        notes=(
            "三门峡市重大行政决策草案公开征求意见后公布的意见采纳情况：同意公开的意见原文"
            "（已隐去个人信息）及其采纳情况和理由。依据《三门峡市政府重大行政决策预公开制度》第七条。"
        ),
        tags=["征求意见", "意见采纳情况", "重大行政决策"],
        license_id="cc-by",
        extras={"issuing_body": "三门峡市人民政府办公室", "source": "三政办〔2018〕45号 第七条"},
        resources=[
            LocalResource(f"{ADOPTION_SUMMARIES}.csv", "CSV", csv_bytes, f"{title}（CSV，UTF-8）"),
            LocalResource(
                f"{ADOPTION_SUMMARIES}.json", "JSON", rows_as_json(csv_bytes), f"{title}（JSON）"
            ),
        ],
    )


def collect_local_datasets(
    settings: Settings, session: Session | None = None
) -> list[LocalDataset]:
    """Everything published as open data: the Data Package's datasets and, given a database
    session, the consultations' adoption summaries."""
    out: list[LocalDataset] = []
    descriptor = settings.datasets_dir / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8")) if descriptor.is_file() else None
    if isinstance(package, dict):
        for resource in package.get("resources") or []:
            if isinstance(resource, dict):
                dataset = dataset_from_resource(resource, package, descriptor.parent)
                if dataset is not None:
                    out.append(dataset)
    if session is not None:
        from consultation.summary import adoption_summary_rows  # noqa: PLC0415  (until live tables)

        summaries = adoption_summaries_dataset(adoption_summary_rows(session))
        if summaries is not None:
            out.append(summaries)
    return out
