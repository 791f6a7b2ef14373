"""Write the open-data Data Package (datapackage.json + CSVs) from the bundled gazette sources.

The package is a pure function of ``datasets/sources/*.txt``: every run re-parses every bundled
issue and rewrites the same bytes, so re-ingesting an issue changes nothing and a fresh clone
can rebuild the package without any other folder. No clock is read: dates come from the
gazette's own publication dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.gazette import GazetteIssue, Table, parse_gazette
from publisher.gazette.text import compact
from publisher.opendata.errata import Erratum, apply_errata, load_errata
from publisher.opendata.specs import (
    BODIES_NAME,
    DOCUMENTS_NAME,
    LICENSE,
    PACKAGE_NAME,
    PACKAGE_TITLE,
    SOURCE_SLUG,
    TABLE_DATASETS,
    FieldSpec,
    TableDatasetSpec,
)

SOURCES_DIR = "sources"
DATA_DIR = "data"
_AWARD = re.compile(r"每家(?:企业|单位)?(?:奖补|奖励|补助|补贴)(\d+(?:\.\d+)?)(万)?元")


@dataclass(frozen=True)
class SourceIssue:
    """A parsed issue and where its text is bundled (relative to the datasets folder)."""

    issue: GazetteIssue
    path: str


@dataclass(frozen=True)
class WriteResult:
    datapackage: Path
    resources: tuple[str, ...]
    changed: tuple[str, ...]  # files whose bytes changed (empty on a re-ingest)
    skipped: tuple[str, ...]  # datasets whose source document no bundled issue holds


_SOURCE_FILE = re.compile(
    r"(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*?)-(?P<year>\d{4})-(?P<number>\d{2,3})"
)


def issue_id(slug: str, year: int, number: int) -> str:
    """``2019-02`` for our gazette; ``<slug>-2019-02`` for another configured source, so two
    gazettes' issues of the same year and number never share an id (one replaced the other)."""
    base = f"{year}-{number:02d}"
    return base if slug == SOURCE_SLUG else f"{slug}-{base}"


def identify(issue: GazetteIssue, slug: str) -> GazetteIssue:
    """Give the parsed issue the id of its source (the parser only knows year and number)."""
    issue.issue.id = issue_id(slug, issue.issue.year, issue.issue.number)
    return issue


def source_filename(issue: GazetteIssue, slug: str = SOURCE_SLUG) -> str:
    """``sanmenxia-gazette-2019-02.txt``: one stable name per issue of each source."""
    return f"{slug}-{issue.issue.year}-{issue.issue.number:02d}.txt"


def bundle_source(
    datasets_dir: Path, text: str, issue: GazetteIssue, slug: str = SOURCE_SLUG
) -> Path:
    """Copy an issue's text into ``sources/`` (as UTF-8) so the package can be rebuilt."""
    path = datasets_dir / SOURCES_DIR / source_filename(issue, slug)
    _write_if_changed(path, text.encode("utf-8"))
    return path


def bundled_files(datasets_dir: Path) -> list[tuple[Path, str]]:
    """Every bundled issue file with its source slug, ours first, then by name."""
    found = []
    for path in (datasets_dir / SOURCES_DIR).glob("*.txt"):
        match = _SOURCE_FILE.fullmatch(path.stem)
        if match:
            found.append((path, match["slug"]))
    return sorted(found, key=lambda f: (f[1] != SOURCE_SLUG, f[0].name))


def load_sources(datasets_dir: Path) -> list[SourceIssue]:
    """Parse every bundled issue: ours first, oldest first."""
    found = []
    for path, slug in bundled_files(datasets_dir):
        issue = identify(parse_gazette(path.read_text(encoding="utf-8")), slug)
        found.append(SourceIssue(issue, f"{SOURCES_DIR}/{path.name}"))
    return found


def write_datasets(datasets_dir: Path) -> WriteResult:
    """Rebuild the Data Package from the bundled sources and write the files that changed."""
    files, skipped = build_package(load_sources(datasets_dir))
    changed = tuple(
        name for name, data in files.items() if _write_if_changed(datasets_dir / name, data)
    )
    for stale in sorted((datasets_dir / DATA_DIR).glob("*.csv")):
        if f"{DATA_DIR}/{stale.name}" not in files:  # a dataset the sources no longer give
            stale.unlink()
            changed += (f"{DATA_DIR}/{stale.name}",)
    names = tuple(r["name"] for r in json.loads(files["datapackage.json"])["resources"])
    return WriteResult(datasets_dir / "datapackage.json", names, changed, skipped)


def build_package(
    sources: Sequence[SourceIssue], errata: tuple[Erratum, ...] | None = None
) -> tuple[dict[str, bytes], tuple[str, ...]]:
    """Every file of the package, by relative path, as bytes; plus the datasets left out.
    The reviewed errata (``errata.csv``) correct the table datasets' cells."""
    errata = load_errata() if errata is None else errata
    if not sources:
        raise ValueError("no gazette issue to build the open data from")
    files: dict[str, bytes] = {}
    resources: list[dict[str, Any]] = []
    skipped: list[str] = []
    for spec in TABLE_DATASETS:
        found = _find_table(sources, spec)
        if found is None:
            skipped.append(spec.name)
            continue
        source, table = found
        rows, applied = apply_errata(
            spec.name,
            spec.source_number,
            [f.name for f in spec.fields],
            _table_rows(spec, source.issue, table),
            errata,
        )
        doc = source.issue.document(spec.source_number)
        publisher = (doc.issuer if doc else None) or source.issue.issue.sponsor
        description = "".join(
            [spec.description, *(f"{e.note_zh()}；公报正文保留原文。" for e in applied)]
        )
        resource = _resource(
            spec.name,
            spec.title,
            description,
            spec.keywords,
            publisher,
            [spec.source_number],
            [source],
            spec.fields,
            rows,
            files,
            primary_key=None,
            unique=spec.unique,
        )
        if applied:
            resource["errata"] = [e.as_property() for e in applied]
        resources.append(resource)
    doc_rows, body_rows = _document_rows(sources)
    sponsor = sources[-1].issue.issue.sponsor
    numbers = [d.number for s in sources for d in s.issue.documents if d.number]
    resources.append(
        _resource(
            DOCUMENTS_NAME,
            "三门峡市人民政府公报文件目录",
            "公报各期所载文件：所属栏目、文号、标题、发文机关、成文日期及相关文号。"
            "related_numbers 为分号分隔的文号列表。",
            ("政府公报", "政府文件", "文号", "三门峡"),
            sponsor,
            numbers,
            sources,
            DOCUMENT_FIELDS,
            doc_rows,
            files,
            primary_key="id",
        )
    )
    bodies = _resource(
        BODIES_NAME,
        "三门峡市人民政府公报文件正文",
        "公报各期所载文件的正文（已修复换页断段、去除页眉，繁体段落转为简体）。"
        "正文为类 Markdown 文本：段落以空行分隔，列表项以“- ”开头，表格为竖线表格。",
        ("政府公报", "政府文件", "全文", "三门峡"),
        sponsor,
        numbers,
        sources,
        BODY_FIELDS,
        body_rows,
        files,
        primary_key="document_id",
    )
    bodies["schema"]["foreignKeys"] = [
        {"fields": "document_id", "reference": {"resource": DOCUMENTS_NAME, "fields": "id"}}
    ]
    resources.append(bodies)
    latest = max(_published(s) for s in sources)
    package = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": "从《三门峡市人民政府公报》整理发布的开放数据集，每个资源即一个数据集。",
        "keywords": ["三门峡", "政府公报", "开放数据", "政务公开"],
        "licenses": [LICENSE],
        "contributors": [{"title": sponsor, "role": "publisher"}] if sponsor else [],
        "created": f"{latest.isoformat()}T00:00:00+08:00",
        "sources": [{"title": s.issue.issue.label, "path": s.path} for s in sources],
        "resources": resources,
    }
    files["datapackage.json"] = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8"
    )
    return files, tuple(skipped)


DOCUMENT_FIELDS = (
    FieldSpec("id", "文件标识", "string", "期号加序号，如 2019-02-01；同一来源重新导入时不变。"),
    FieldSpec("issue", "公报期号", "string", "公报期号，年份-期号，如 2019-02。"),
    FieldSpec("section", "栏目", "string", "文件在公报目录中的栏目，如 市政府文件、政策解读。"),
    FieldSpec("number", "文号", "string", "规范化文号，如 三政办〔2018〕45号；讲话、解读无文号。"),
    FieldSpec("title", "标题", "string", "文件标题。"),
    FieldSpec("issuer", "发文机关", "string", "落款的发文机关。"),
    FieldSpec("date", "成文日期", "date", "落款日期。"),
    FieldSpec(
        "related_numbers", "相关文号", "string", "分号分隔：解读所对应的文件及正文引用的文号。"
    ),
)
BODY_FIELDS = (
    FieldSpec("document_id", "文件标识", "string", "对应 gazette-documents 的 id。"),
    FieldSpec("body", "正文", "string", "类 Markdown 正文。"),
)


def _find_table(
    sources: Sequence[SourceIssue], spec: TableDatasetSpec
) -> tuple[SourceIssue, Table] | None:
    for source in sources:
        for table in source.issue.tables:
            if table.source_number == spec.source_number and spec.table_phrase in table.name:
                return source, table
    return None


def award_per_enterprise(issue: GazetteIssue, number: str) -> int | None:
    """The award per enterprise stated in the document's text (``每家企业奖补 2 万元`` → 20000)."""
    doc = issue.document(number)
    match = _AWARD.search(compact(doc.body)) if doc else None
    if match is None:
        return None
    amount = float(match[1]) * (10_000 if match[2] else 1)
    return round(amount)


def _table_rows(spec: TableDatasetSpec, issue: GazetteIssue, table: Table) -> list[list[str]]:
    award = award_per_enterprise(issue, spec.source_number)
    rows: list[list[str]] = []
    for index, row in enumerate(table.rows, start=1):
        values = dict(zip(table.columns, row, strict=False))
        out: list[str] = []
        for field in spec.fields:
            if field.column is not None:
                out.append(values.get(field.column, ""))
            elif field.name == "seq":
                out.append(str(index))
            elif field.name == "source_number":
                out.append(spec.source_number)
            elif field.name == "award_yuan":
                out.append("" if award is None else str(award))
            else:
                out.append("")
        rows.append(out)
    return rows


def _document_rows(sources: Sequence[SourceIssue]) -> tuple[list[list[str]], list[list[str]]]:
    docs: list[list[str]] = []
    bodies: list[list[str]] = []
    seen: set[str] = set()
    for source in sources:
        issue_id = source.issue.issue.id
        for index, doc in enumerate(source.issue.documents, start=1):
            if doc.number and doc.number in seen:
                continue  # the same document in a later issue: published once (issue #14)
            if doc.number:
                seen.add(doc.number)
            doc_id = f"{issue_id}-{index:02d}"
            docs.append(
                [
                    doc_id,
                    issue_id,
                    doc.section or "",
                    doc.number or "",
                    doc.title,
                    doc.issuer or "",
                    doc.date.isoformat() if doc.date else "",
                    ";".join(doc.related_numbers),
                ]
            )
            bodies.append([doc_id, doc.body])
    return docs, bodies


def _published(source: SourceIssue) -> dt.date:
    info = source.issue.issue
    return info.publication_date or dt.date(info.year, 1, 1)


def _csv_bytes(fields: Sequence[FieldSpec], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f.name for f in fields])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _resource(
    name: str,
    title: str,
    description: str,
    keywords: Sequence[str],
    publisher: str | None,
    numbers: Sequence[str],
    sources: Sequence[SourceIssue],
    fields: Sequence[FieldSpec],
    rows: list[list[str]],
    files: dict[str, bytes],
    primary_key: str | None,
    unique: str | None = None,
) -> dict[str, Any]:
    path = f"{DATA_DIR}/{name}.csv"
    data = _csv_bytes(fields, rows)
    files[path] = data
    schema_fields = []
    for field in fields:
        entry: dict[str, Any] = {
            "name": field.name,
            "title": field.title,
            "type": field.type,
            "description": field.description,
        }
        if field.name in (primary_key, unique, "seq"):
            entry["constraints"] = {"required": True}
        if field.name == unique:
            entry["constraints"]["unique"] = True
        schema_fields.append(entry)
    schema: dict[str, Any] = {"fields": schema_fields}
    if primary_key:
        schema["primaryKey"] = primary_key
    dates = [_published(s) for s in sources]
    return {
        "profile": "tabular-data-resource",
        "name": name,
        "path": path,
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "licenses": [LICENSE],
        "sources": [{"title": s.issue.issue.label, "path": s.path} for s in sources],
        "schema": schema,
        # custom properties, documented in docs/open-data.md
        "keywords": list(keywords),
        "publisher": publisher,
        "sourceNumbers": list(dict.fromkeys(numbers)),
        "gazetteIssues": [s.issue.issue.id for s in sources],
        "issued": min(dates).isoformat(),
        "modified": max(dates).isoformat(),
        "rowCount": len(rows),
    }


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True
