"""The `publisher` command: one Typer app, one sub-app per concept.

Start-up stays under half a second (issue #15): the command modules import only typer and the
settings at the top; the database, the web stack, CKAN and the gazette parser are imported
inside the commands that use them. `tests/foundation/test_cli_startup.py` checks which modules
`publisher --help` loads; `bench/bench_cli.py` times it.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING

import typer

from publisher import __version__
from publisher.cli.blobs import blobs_app
from publisher.cli.calendar import calendar_app
from publisher.cli.ckan import ckan_app
from publisher.cli.deadlines import deadline_app
from publisher.cli.demo import demo
from publisher.cli.ingest import ingest_app
from publisher.cli.inspect import inspect
from publisher.cli.listen import dual_stack_socket, is_dual_stack
from publisher.cli.outbox import outbox_app
from publisher.cli.retention import retention_app
from publisher.cli.search import search_app
from publisher.cli.staff import staff_app
from publisher.errors import PublisherError
from publisher.settings import get_settings, settings_markdown

if TYPE_CHECKING:
    import uvicorn

app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="三门峡市政府预公开与开放数据服务 — Sanmenxia pre-disclosure and open-data service.",
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="Database schema (Alembic migrations).",
)


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"publisher {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    # a callback on the root app is where Typer puts options of the command itself
    pass


app.add_typer(db_app, name="db")
app.add_typer(staff_app, name="staff")
app.add_typer(calendar_app, name="calendar")
app.add_typer(deadline_app, name="deadline")
app.add_typer(ingest_app, name="ingest")
app.add_typer(ckan_app, name="ckan")
app.add_typer(retention_app, name="retention")
app.add_typer(outbox_app, name="outbox")
app.add_typer(blobs_app, name="blobs")
app.add_typer(search_app, name="search")
app.command("demo")(demo)
app.command("inspect")(inspect)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Migrate the configured database to REVISION (default: the newest)."""
    from publisher.storage.db import make_engine  # noqa: PLC0415  (lazy: module docstring)
    from publisher.storage.migrate import upgrade  # noqa: PLC0415

    settings = get_settings()
    upgrade(make_engine(settings.effective_database_url), revision)
    typer.echo(f"database at {revision}: {_safe_url(settings.effective_database_url)}")


@app.command("settings")
def show_settings(
    markdown: bool = typer.Option(False, "--markdown", help="Print the reference as Markdown."),
) -> None:
    """Print every setting with its current value (secrets hidden) or the Markdown reference."""
    if markdown:
        typer.echo(settings_markdown(), nl=False)
        return
    settings = get_settings()
    for name, value in settings.model_dump().items():
        shown = (
            "***"
            if ("secret" in name or "password" in name or "token" in name) and value
            else value
        )
        typer.echo(f"PUBLISHER_{name.upper()}={shown}")


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Listen address (default PUBLISHER_HOST)."),
    port: int | None = typer.Option(None, help="Port (default PUBLISHER_PORT)."),
    workers: int | None = typer.Option(
        None, min=1, max=64, help="Worker processes (default PUBLISHER_WORKERS)."
    ),
) -> None:
    """Check the database is at the newest schema (else refuse: run `publisher db upgrade`),
    load the bundled data if missing, and run the web service."""
    # Lazy: the web stack loads only for `serve`, keeping every other command quick to start.
    import uvicorn  # noqa: PLC0415
    from sqlalchemy.exc import SQLAlchemyError  # noqa: PLC0415

    from publisher.bootstrap import prepare  # noqa: PLC0415
    from publisher.web.app import create_app  # noqa: PLC0415

    settings = get_settings()
    try:
        workers = workers or settings.workers
        prepare(settings, echo=typer.echo, workers=workers)
    except PublisherError as exc:  # the schema is not at head: say which command to run
        typer.echo(f"error: {exc.message_en}\n错误：{exc.message_zh}", err=True)
        raise typer.Exit(2) from None
    except SQLAlchemyError as exc:
        typer.echo(
            f"error: cannot reach the database {_safe_url(settings.effective_database_url)} "
            f"({type(exc).__name__}); start it, or check PUBLISHER_DATABASE_URL.\n"
            "错误：无法连接数据库，请启动数据库或检查 PUBLISHER_DATABASE_URL。",
            err=True,
        )
        raise typer.Exit(2) from None
    host = host or settings.host
    port = port or settings.port
    settings = settings.serving_at(host, port)
    # several workers build their settings from the environment: give them the same base URL
    os.environ["PUBLISHER_BASE_URL"] = settings.base_url
    typer.echo(f"三门峡市政府预公开与开放数据服务 running at {settings.base_url}/")
    # SIGTERM (an orchestrator's stop, a deploy): uvicorn stops accepting, lets the requests in
    # flight finish (up to PUBLISHER_SHUTDOWN_GRACE_SECONDS), runs the app's shutdown, then
    # raises the signal again for the previous handler: this one, so the exit status is 0 and
    # a supervisor does not count a requested stop as a crash.
    signal.signal(signal.SIGTERM, _stopped_on_request)
    # The app reads proxy headers itself, from PUBLISHER_TRUSTED_PROXIES only (uvicorn would
    # otherwise believe any X-Forwarded-For sent from loopback).
    # One worker serves the app built here; several each build theirs from the same
    # environment (uvicorn imports the factory in every worker process).
    app: object = create_app(settings) if workers == 1 else "publisher.web.app:create_app"
    options = {
        "factory": workers > 1,
        "workers": workers,
        "host": host,
        "port": port,
        "log_level": "info",
        "proxy_headers": False,
        "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
    }
    if is_dual_stack(host):  # `::`: IPv4 and IPv6 on one socket, as government sites must
        _serve_dual_stack(uvicorn.Config(app, **options), port)  # type: ignore[arg-type]
        return
    uvicorn.run(app, **options)  # type: ignore[arg-type]


def _serve_dual_stack(config: uvicorn.Config, port: int) -> None:
    """Serve on a socket of our own that takes IPv4 and IPv6 (publisher.cli.listen)."""
    import uvicorn  # noqa: PLC0415  (lazy, as in `serve`)
    from uvicorn.supervisors import Multiprocess  # noqa: PLC0415

    try:
        sock = dual_stack_socket(port)
    except OSError as exc:
        typer.echo(f"error: cannot listen on [::]:{port} ({exc})", err=True)
        raise typer.Exit(2) from None
    if config.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
        return
    config.load_app()
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:
        raise typer.Exit(3)


def _stopped_on_request(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    try:
        app()
    except PublisherError as exc:
        typer.echo(f"error: {exc.message_en}", err=True)
        sys.exit(2)
