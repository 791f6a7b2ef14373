"""``publisher ingest gazette FILE_OR_URL``: parse an issue and publish its open data.

Reading the input, parsing and writing the datasets are separate functions
(``read_source``, ``publisher.gazette.parse_gazette``, ``publish_issue``) so that the lead can
add storing documents in the database between them without touching this flow.
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
    from publisher.gazette import GazetteIssue
    from publisher.opendata import WriteResult

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


def read_source(file_or_url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> str:
    """The text of a local file or an http(s) URL, as UTF-8."""
    if file_or_url.startswith(("http://", "https://")):
        import httpx  # noqa: PLC0415  (lazy: only for URLs)

        try:
            response = httpx.get(file_or_url, timeout=timeout, follow_redirects=True)
            response.raise_for_status()
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
        data = response.content
    else:
        path = Path(file_or_url)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceUnavailable(
                f"cannot read {path}: {exc.strerror or exc}",
                f"无法读取 {path}：{exc.strerror or exc}",
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceUnavailable(
            f"{file_or_url} is not UTF-8 text", f"{file_or_url} 不是 UTF-8 文本"
        ) from exc


def publish_issue(issue: GazetteIssue, text: str, datasets_dir: Path) -> WriteResult:
    from publisher.opendata import bundle_source, write_datasets  # noqa: PLC0415  (lazy)

    """Bundle the issue's text under ``sources/`` and rebuild the Data Package."""
    bundle_source(datasets_dir, text, issue)
    return write_datasets(datasets_dir)


@ingest_app.command("gazette")
def gazette(
    file_or_url: str = typer.Argument(..., help="Path or http(s) URL of the gazette text."),
    as_json: bool = typer.Option(False, "--json", help="Print the parsed issue as JSON only."),
    datasets_dir: Path | None = typer.Option(
        None, "--datasets-dir", help="Where to write the Data Package (default: settings)."
    ),
) -> None:
    """Parse one gazette issue; with --json print it, otherwise publish its open data."""
    # lazy (see publisher.cli.main): the parser and the database load only here
    from publisher.documents.store import store_issue_in_database  # noqa: PLC0415
    from publisher.gazette import parse_gazette  # noqa: PLC0415

    try:
        text = read_source(file_or_url)
        issue = parse_gazette(text)
        if as_json:
            typer.echo(json.dumps(issue.to_json_dict(), ensure_ascii=False, indent=2))
            return
        settings = get_settings()
        stored = store_issue_in_database(settings, issue, text)
        result = publish_issue(issue, text, datasets_dir or settings.datasets_dir)
    except PublisherError as exc:
        typer.echo(f"error: {exc.message_en} / {exc.message_zh}", err=True)
        raise typer.Exit(2) from exc
    info = issue.issue
    typer.echo(
        f"{info.label}：{len(issue.documents)} 篇文件，{len(issue.tables)} 个表格"
        f"（出版日期 {info.publication_date or '未知'}）"
    )
    for warning in issue.warnings:
        typer.echo(f"注意：{warning}")
    typer.echo(f"数据库：{stored.summary_zh()}")
    changed = "，".join(result.changed) if result.changed else "无变化"
    typer.echo(f"数据包 {result.datapackage}：{len(result.resources)} 个数据集；已更新：{changed}")
    if result.skipped:
        typer.echo(f"未生成（来源文件不在已收录各期中）：{'，'.join(result.skipped)}")


if __name__ == "__main__":  # pragma: no cover - `python -m publisher.cli.ingest`
    sys.exit(ingest_app())
