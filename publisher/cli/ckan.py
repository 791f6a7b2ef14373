"""`publisher ckan push`: publish the open datasets to the city's CKAN catalogue."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from publisher.cli.common import fail
from publisher.errors import NotFound, PublisherError
from publisher.settings import get_settings

if TYPE_CHECKING:
    from publisher.ckan.local import LocalDataset
    from publisher.ckan.plan import DatasetStep, Outcome, PushResult


def result_json(result: PushResult) -> dict[str, Any]:
    """What `--json` prints: the plan (counts and steps) and, unless a dry run, the summary."""
    plan = result.plan
    summary = result.summary
    return {
        "dry_run": summary is None,
        "plan": {
            **{a: plan.count(a) for a in ("create", "update", "delete", "unchanged")},
            "steps": [dataclasses.asdict(step) for step in plan.steps],
        },
        "summary": None
        if summary is None
        else {**dataclasses.asdict(summary), "failed": summary.failed},
    }


ckan_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="Publish the open datasets to CKAN.",
)


@ckan_app.callback()
def ckan_group() -> None:
    """Publish the open datasets to the city's CKAN catalogue."""
    # A callback keeps `push` a subcommand even while it is the group's only command.


@ckan_app.command("push")
def push_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan and change nothing.")
    ] = False,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Push only this dataset (local or CKAN name); repeatable."),
    ] = None,
    verify: Annotated[
        bool,
        typer.Option("--verify", help="Read every dataset back from CKAN and repair drift."),
    ] = False,
    workers: Annotated[int, typer.Option(help="Datasets pushed in parallel.")] = 2,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the plan and the outcome as one JSON object."),
    ] = False,
) -> None:
    """Create, update and delete CKAN datasets so they match the local open data."""
    # lazy (see publisher.cli.main): CKAN, the database and every feature load only here
    from publisher.ckan.plan import PushOptions  # noqa: PLC0415
    from publisher.ckan.push import push  # noqa: PLC0415
    from publisher.ckan.sources import collect_local_datasets  # noqa: PLC0415
    from publisher.storage.db import make_engine, make_session_factory  # noqa: PLC0415
    from publisher.storage.migrate import upgrade  # noqa: PLC0415
    from publisher.wiring import open_data_tables  # noqa: PLC0415

    settings = get_settings()
    if not settings.ckan_url or (not settings.ckan_api_token and not dry_run):
        typer.echo("Set PUBLISHER_CKAN_URL and PUBLISHER_CKAN_API_TOKEN first.", err=True)
        raise typer.Exit(2)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)  # the sync state lives in our database, migrated like everything else
    try:
        with make_session_factory(engine)() as session:
            datasets: list[LocalDataset] = collect_local_datasets(
                settings, session, open_data_tables()
            )
    except NotFound as exc:  # no Data Package: pushing nothing would delete everything
        engine.dispose()
        raise fail(exc) from exc

    def progress(done: int, total: int, step: DatasetStep, outcome: Outcome) -> None:
        typer.echo(f"[{done}/{total}] {step.ckan_name}: {outcome}", err=True)

    try:
        result = push(
            engine,
            datasets,
            ckan_url=settings.ckan_url,
            api_token=settings.ckan_api_token,
            organization=settings.ckan_organization,
            dry_run=dry_run,
            only=only or None,
            options=PushOptions(workers=workers, verify=verify),
            progress=None if as_json else progress,
        )
    except PublisherError as exc:  # e.g. CKAN cannot be reached: said in seconds
        if as_json:
            typer.echo(json.dumps({"error": exc.to_dict()}, ensure_ascii=False))
            raise typer.Exit(2) from exc
        raise fail(exc) from exc
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(result_json(result), ensure_ascii=False, indent=1))
        if result.summary is not None and result.summary.failed:
            raise typer.Exit(1)
        return
    if result.summary is None:
        typer.echo(result.plan.render())
        return
    typer.echo(result.summary.render())
    if result.summary.failed:
        raise typer.Exit(1)
