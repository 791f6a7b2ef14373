"""`publisher outbox …`: deliver the notification outbox apart from the web service.

For deployers who run the worker as its own service (then set `PUBLISHER_OUTBOX_WORKER=false`
for `publisher serve`). Several may run against one PostgreSQL; on SQLite run one.
"""

from __future__ import annotations

import typer

from publisher.settings import get_settings

outbox_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="The notification outbox (docs/notifications.md).",
)


@outbox_app.command("run")
def run(
    once: bool = typer.Option(
        False, "--once", help="Deliver what is due now, then exit (for cron)."
    ),
) -> None:
    """Deliver outbox messages: every PUBLISHER_OUTBOX_POLL_SECONDS until stopped, or once."""
    from publisher.notifications.worker import BackgroundWorker, Worker  # noqa: PLC0415  (lazy)
    from publisher.storage.db import make_engine, make_session_factory  # noqa: PLC0415
    from publisher.wiring import (  # noqa: PLC0415  (lazy: loads every feature)
        delivery_hooks,
        scheduled_alerts,
    )

    settings = get_settings()
    engine = make_engine(settings.effective_database_url)
    worker = Worker(make_session_factory(engine), settings, delivery_hooks(), scheduled_alerts())
    if not worker.channels:
        typer.echo("no channel configured (PUBLISHER_SMTP_HOST, PUBLISHER_SMS_GATEWAY_URL)")
        raise typer.Exit(1)
    try:
        if once:
            result = worker.drain()
            typer.echo(
                f"outbox: {result.sent} sent, {result.retried} to retry later, "
                f"{result.failed} failed, {result.recovered} recovered"
            )
            return
        background = BackgroundWorker(worker, settings.outbox_poll_seconds)
        typer.echo(f"outbox worker {worker.name}: channels {', '.join(worker.channels)}")
        background.start()
        try:
            background.join()
        except KeyboardInterrupt:
            background.stop()
    finally:
        engine.dispose()


@outbox_app.command("messages")
def messages() -> None:
    """Print every event's exact texts (Markdown), as docs/notifications.md lists them."""
    from publisher.notifications.catalogue import messages_markdown  # noqa: PLC0415  (lazy)

    typer.echo(messages_markdown())
