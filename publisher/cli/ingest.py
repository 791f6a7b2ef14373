"""``publisher ingest gazette FILE_OR_URL``: parse an issue and publish its open data.

Reading the input (``read_source``: size limit, encoding), parsing
(``publisher.gazette.parse_gazette``) and the use case that stores and publishes
(``publisher.documents.ingest``) are separate; this module only reports.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from publisher.errors import PublisherError, ValidationFailed
from publisher.settings import get_settings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from publisher.gazette import GazetteIssue
    from publisher.gazette.encoding import DecodedText
    from publisher.search.source import SearchSource
    from publisher.settings import Settings

FETCH_TIMEOUT_SECONDS = 20.0

ingest_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="Ingest sources: parse a gazette issue and publish its open data.",
    pretty_exceptions_enable=False,
)


class SourceUnavailable(ValidationFailed):
    """The file or URL given to ``ingest`` cannot be read."""

    code = "source_unavailable"


@ingest_app.callback()
def _group() -> None:
    """Keep ``gazette`` a subcommand even while it is the only one."""


class SourceTooLarge(ValidationFailed):
    """More bytes than any issue of the gazette has: refused before parsing."""

    code = "source_too_large"


def _too_large(name: str, limit: int) -> SourceTooLarge:
    return SourceTooLarge(
        f"{name} is larger than {limit} bytes (PUBLISHER_GAZETTE_MAX_BYTES); one gazette issue "
        "is about 120 KB",
        f"{name} 超过 {limit} 字节（PUBLISHER_GAZETTE_MAX_BYTES）；一期公报约 120 KB",
    )


def read_bytes(file_or_url: str, max_bytes: int, timeout: float = FETCH_TIMEOUT_SECONDS) -> bytes:
    """The bytes of a local file or an http(s) URL, refused beyond ``max_bytes``."""
    if file_or_url.startswith(("http://", "https://")):
        import httpx  # noqa: PLC0415  (lazy: only for URLs)

        try:
            with httpx.stream("GET", file_or_url, timeout=timeout, follow_redirects=True) as resp:
                resp.raise_for_status()
                data = bytearray()
                for chunk in resp.iter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        raise _too_large(file_or_url, max_bytes)
                return bytes(data)
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            raise SourceUnavailable(
                f"cannot fetch {file_or_url}: HTTP {status}",
                f"无法获取 {file_or_url}：HTTP {status}",
            ) from exc
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            raise SourceUnavailable(
                f"cannot fetch {file_or_url}: {reason}", f"无法获取 {file_or_url}：{reason}"
            ) from exc
    path = Path(file_or_url)
    try:
        if path.stat().st_size > max_bytes:
            raise _too_large(file_or_url, max_bytes)
        return path.read_bytes()
    except OSError as exc:
        raise SourceUnavailable(
            f"cannot read {path}: {exc.strerror or exc}",
            f"无法读取 {path}：{exc.strerror or exc}",
        ) from exc


def read_source(file_or_url: str, max_bytes: int = 4_000_000) -> DecodedText:
    """The text of a local file or URL: UTF-8, or GBK/GB18030 detected (and said so)."""
    from publisher.gazette.encoding import decode_text  # noqa: PLC0415  (lazy, see gazette())

    return decode_text(read_bytes(file_or_url, max_bytes), file_or_url)


@ingest_app.command("gazette")
def gazette(
    file_or_url: str = typer.Argument(..., help="Path or http(s) URL of the gazette text."),
    as_json: bool = typer.Option(
        False, "--json", help="Print the parsed issue and its warnings as JSON; write nothing."
    ),
    datasets_dir: Path | None = typer.Option(
        None, "--datasets-dir", help="Where to write the Data Package (default: settings)."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Replace an issue already stored whose content differs."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show what would change in the database; write nothing."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Treat parser warnings as errors: exit 1 and write nothing."
    ),
) -> None:
    """Parse one gazette issue; with --json print it, otherwise store and publish it."""
    # lazy (see publisher.cli.main): the parser and the database load only here
    from publisher.documents.ingest import ingest_into_database  # noqa: PLC0415
    from publisher.documents.store import ReplaceRequired  # noqa: PLC0415
    from publisher.gazette import parse_gazette  # noqa: PLC0415

    # the features' search sources: the documents stored below are indexed in their transaction
    from publisher.wiring import search_sources  # noqa: PLC0415

    settings = get_settings()
    try:
        source = read_source(file_or_url, settings.gazette_max_bytes)
        issue = parse_gazette(source.text)
        if as_json:
            data = issue.to_json_dict()
            data["warnings"] = issue.warnings
            data["encoding"] = source.encoding
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            _report_reading(source, issue)
        if strict and issue.warnings:
            typer.echo(
                f"error: --strict: {len(issue.warnings)} warning(s), nothing written / "
                f"--strict：{len(issue.warnings)} 条警告，未写入任何数据",
                err=True,
            )
            raise typer.Exit(1)
        if as_json:
            return
        outcome = ingest_into_database(
            settings,
            issue,
            source.text,
            datasets_dir=datasets_dir or settings.datasets_dir,
            replace=replace,
            dry_run=dry_run,
        )
        if outcome.published is not None:
            _index_datasets(settings, search_sources(datasets_dir or settings.datasets_dir))
    except ReplaceRequired as exc:
        typer.echo(f"error: {exc.message_en} / {exc.message_zh}", err=True)
        for line in exc.details.get("changes", []):
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(2) from exc
    except PublisherError as exc:
        typer.echo(f"error: {exc.message_en} / {exc.message_zh}", err=True)
        raise typer.Exit(2) from exc
    stored, result = outcome.stored, outcome.published
    if result is None:
        typer.echo(f"试运行（未写入任何数据）：{stored.summary_zh()}")
        for line in stored.lines:
            typer.echo(f"  {line}")
        return
    typer.echo(f"数据库：{stored.summary_zh()}")
    changed = "，".join(result.changed) if result.changed else "无变化"
    typer.echo(f"数据包 {result.datapackage}：{len(result.resources)} 个数据集；已更新：{changed}")
    if result.skipped:
        typer.echo(f"未生成（来源文件不在已收录各期中）：{'，'.join(result.skipped)}")


def _report_reading(source: DecodedText, issue: GazetteIssue) -> None:
    info = issue.issue
    if source.note:
        typer.echo(f"编码：{source.note}")
    typer.echo(
        f"{info.label}：{len(issue.documents)} 篇文件，{len(issue.tables)} 个表格"
        f"（出版日期 {info.publication_date or '未知'}）"
    )
    for warning in issue.warnings:
        typer.echo(f"注意：{warning}")


if __name__ == "__main__":  # pragma: no cover - `python -m publisher.cli.ingest`
    sys.exit(ingest_app())


def _index_datasets(settings: Settings, sources: Sequence[SearchSource]) -> None:
    """The catalogue's datasets as the new Data Package lists them, in the search index."""
    from publisher.search.index import reindex  # noqa: PLC0415  (lazy: see publisher.cli.main)
    from publisher.storage.db import make_engine, make_session_factory, write_unit  # noqa: PLC0415

    engine = make_engine(settings.effective_database_url)
    try:
        with make_session_factory(engine)() as session, write_unit(session):
            reindex(session, [s for s in sources if s.kind == "dataset"])
    finally:
        engine.dispose()
