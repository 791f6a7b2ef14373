"""`publisher retention …`: erase personal data whose retention period has passed.

Meant for a daily cron job or systemd timer; safe to run from several machines at once.
"""

from __future__ import annotations

import typer

from publisher.settings import get_settings
from publisher.timeutil import format_local_en, now_utc

retention_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="Personal data past its retention period (docs/privacy.md).",
)


@retention_app.command("run")
def run(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count what would be erased; change nothing."
    ),
) -> None:
    """Apply every feature's retention rule now; print what each erased."""
    from publisher.retention import apply_rules  # noqa: PLC0415  (lazy: see publisher.cli.main)
    from publisher.storage.db import make_engine, make_session_factory  # noqa: PLC0415
    from publisher.wiring import retention_rules  # noqa: PLC0415  (lazy: loads every feature)

    now = now_utc()
    engine = make_engine(get_settings().effective_database_url)
    try:
        with make_session_factory(engine)() as session:
            outcomes = apply_rules(session, retention_rules(), now, dry_run=dry_run)
    finally:
        engine.dispose()
    verb = "would erase" if dry_run else "erased"
    typer.echo(f"retention at {format_local_en(now)}{' (dry run)' if dry_run else ''}")
    for outcome in outcomes:
        typer.echo(f"  {outcome.rule.name}: {verb} {outcome.count} — {outcome.rule.description}")


@retention_app.command("rules")
def rules() -> None:
    """List the rules: what is erased, and when."""
    from publisher.wiring import retention_rules  # noqa: PLC0415  (lazy: loads every feature)

    for rule in retention_rules():
        typer.echo(f"{rule.name}: {rule.description}")
