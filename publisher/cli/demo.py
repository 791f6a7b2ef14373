"""`publisher demo`: sample meetings and consultations for a first look (never in production)."""

from __future__ import annotations

import importlib

import typer

from publisher.cli.common import cli_principal, fail
from publisher.errors import PublisherError
from publisher.settings import get_settings


def demo() -> None:
    """Load two sample meetings and two sample consultations, dated from today and marked
    【示例】 (refused in production; loaded once)."""
    # lazy (see publisher.cli.main): the database stack loads only for commands that use it
    from publisher.demo import already_loaded, load_demo  # noqa: PLC0415
    from publisher.rules.rulebook import RuleBook  # noqa: PLC0415
    from publisher.rules.workcalendar import get_calendar  # noqa: PLC0415
    from publisher.storage.db import make_engine, make_session_factory  # noqa: PLC0415
    from publisher.timeutil import now_utc  # noqa: PLC0415
    from publisher.workdays.store import load_installed  # noqa: PLC0415

    # the features' search sources: the samples are indexed as they are written
    importlib.import_module("publisher.wiring")

    settings = get_settings()
    if settings.environment == "production":
        typer.echo(
            "error: samples are never loaded in production.\n错误：生产环境不装入示例数据。",
            err=True,
        )
        raise typer.Exit(2)
    engine = make_engine(settings.effective_database_url)
    try:
        with make_session_factory(engine)() as session:
            if already_loaded(session):  # a second `scripts/serve --demo` starts as the first
                typer.echo("the samples are already loaded\n示例数据已经装入。")
                return
            calendar = get_calendar(settings.calendar_dir, load_installed(session))
            rules = RuleBook.of(calendar, **settings.rule_options())
            loaded = load_demo(session, cli_principal(), now_utc(), rules)
    except PublisherError as exc:
        raise fail(exc) from None
    finally:
        engine.dispose()
    typer.echo(
        f"loaded {loaded.meetings} sample meetings and {loaded.consultations} sample "
        f"consultations (titles start with 【示例】)\n"
        f"已装入示例会议 {loaded.meetings} 个、示例征求意见 {loaded.consultations} 个"
        "（标题以【示例】开头）。"
    )
