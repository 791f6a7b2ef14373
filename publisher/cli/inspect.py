"""`publisher inspect`: the self-inspection (自查) against the official indicators."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from publisher.settings import get_settings


def inspect(
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
    csv_file: Path | None = typer.Option(
        None, "--csv", help="Also write the report as an Excel-ready CSV (自查报告)."
    ),
    max_pages: int = typer.Option(1000, min=0, help="Pages the link crawl visits at most."),
) -> None:
    """Check the indicators this service can see; exit 1 when a veto indicator (单项否决)
    fails, so that cron can alert."""
    # lazy (see publisher.cli.main): the web stack loads only for the commands that use it
    from publisher.inspection.model import InspectionContext  # noqa: PLC0415
    from publisher.inspection.run import inspect_site, report_csv, vetoed  # noqa: PLC0415
    from publisher.timeutil import now_utc  # noqa: PLC0415
    from publisher.web.app import create_app  # noqa: PLC0415
    from publisher.web.selfcheck import fetch_from  # noqa: PLC0415
    from publisher.wiring import inspection_checks, inspection_sections  # noqa: PLC0415

    settings = get_settings()
    app = create_app(settings)
    now = now_utc()
    try:
        with app.state.session_factory() as session, fetch_from(app, settings.base_url) as fetch:
            ctx = InspectionContext(session, now, settings, app.state.open_data_tables)
            findings = inspect_site(
                ctx,
                inspection_sections(),
                inspection_checks(),
                fetch if max_pages else None,
                max_pages,
            )
    finally:
        app.state.engine.dispose()
    if csv_file is not None:
        csv_file.write_bytes(report_csv(findings, now))
    if as_json:
        typer.echo(json.dumps([f.as_row() for f in findings], ensure_ascii=False, indent=2))
    else:
        for f in findings:
            mark = "否决项 " if f.veto else ""
            typer.echo(f"[{f.level.label_zh}] {mark}{f.indicator}：{f.threshold}")
            for line in f.evidence:
                typer.echo(f"    - {line}")
            if f.action:
                typer.echo(f"    → {f.action}")
    failed = vetoed(findings)
    if failed:
        names = "、".join(f.indicator for f in failed)
        typer.echo(f"单项否决指标未通过：{names}", err=True)
        raise typer.Exit(1)
