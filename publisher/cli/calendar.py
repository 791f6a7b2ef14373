"""`publisher calendar …`: look up working days, and build or install the per-year files.

Every refusal (a year not covered, a bad date, an invalid file) exits with status 2 and one
line on stderr, so that scripts can tell "no answer" from an answer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from publisher.errors import CalendarNotCovered, PublisherError
from publisher.settings import Settings

if TYPE_CHECKING:
    from publisher.rules.calendar_data import YearFile
    from publisher.rules.workcalendar import WorkCalendar

calendar_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="Mainland-China working days (weekends, statutory holidays, 调休) by year file.",
)

EXIT_REFUSED = 2
T = TypeVar("T")


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_REFUSED)


def _fail_error(exc: PublisherError) -> NoReturn:
    _fail(f"{exc.message_en} / {exc.message_zh}")


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        _fail(f"not a date (expected YYYY-MM-DD): {text!r} / 日期格式应为YYYY-MM-DD：{text!r}")


def _calendar_dir() -> Path:
    return Settings().calendar_dir


def _calendar() -> WorkCalendar:
    from publisher.rules.workcalendar import get_calendar  # noqa: PLC0415  (lazy: cli.main)

    try:
        return get_calendar(_calendar_dir())
    except PublisherError as exc:
        _fail_error(exc)


def _with_installed(refused: CalendarNotCovered) -> WorkCalendar:
    """The folder and the years installed in the database. Lookups ask the database only
    when the folder lacks a year, so that they start without the database stack (bench_cli).
    A database that cannot be read (not created yet) leaves the refusal standing."""
    # lazy: the database stack loads only for a year the folder does not hold
    from sqlalchemy.exc import SQLAlchemyError  # noqa: PLC0415

    from publisher.rules.workcalendar import get_calendar  # noqa: PLC0415
    from publisher.storage.db import make_engine, make_session_factory  # noqa: PLC0415
    from publisher.workdays.store import load_installed  # noqa: PLC0415

    settings = Settings()
    engine = make_engine(settings.effective_database_url)
    try:
        with make_session_factory(engine)() as session:
            return get_calendar(settings.calendar_dir, load_installed(session))
    except SQLAlchemyError:
        _fail_error(refused)
    except PublisherError as exc:
        _fail_error(exc)
    finally:
        engine.dispose()


def _lookup(compute: Callable[[WorkCalendar], T]) -> T:
    try:
        return compute(_calendar())
    except CalendarNotCovered as exc:
        refused = exc
    try:
        return compute(_with_installed(refused))
    except PublisherError as exc:
        _fail_error(exc)


@calendar_app.command("is-workday")
def is_workday(
    date: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Whether DATE is a working day, and what kind of day it is."""
    day = _parse_date(date)
    kind = _lookup(lambda cal: cal.kind(day))
    working = kind in ("workday", "adjusted_workday")
    if as_json:
        typer.echo(
            json.dumps({"date": day.isoformat(), "working_day": working, "kind": kind.value})
        )
    else:
        typer.echo(
            f"{day.isoformat()} {'working day' if working else 'not a working day'} ({kind})"
        )


@calendar_app.command("add")
def add(
    date: Annotated[str, typer.Argument(help="Start day YYYY-MM-DD (not counted).")],
    n: Annotated[int, typer.Argument(help="Working days to add (>= 1).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The N-th working day after DATE (DATE itself not counted)."""
    start = _parse_date(date)
    if n < 1:
        _fail(f"N must be at least 1, got {n} / N至少为1")
    result = _lookup(lambda cal: cal.add_working_days(start, n))
    if as_json:
        typer.echo(
            json.dumps({"start": start.isoformat(), "days": n, "result": result.isoformat()})
        )
    else:
        typer.echo(result.isoformat())


@calendar_app.command("explain")
def explain(
    date: Annotated[str, typer.Argument(help="Anchor day YYYY-MM-DD (not counted).")],
    n: Annotated[int, typer.Argument(help="Working days (>= 1).")],
    before: Annotated[
        bool, typer.Option("--before", help="Count backwards (N-th working day before DATE).")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Explain a count: the days counted, the days skipped and why, and the sources."""
    day = _parse_date(date)
    if n < 1:
        _fail(f"N must be at least 1, got {n} / N至少为1")
    if lang not in ("zh", "en"):
        _fail(f"--lang must be zh or en, got {lang!r}")
    exp = _lookup(
        lambda cal: (
            cal.explain_nth_working_day_before(day, n)
            if before
            else cal.explain_add_working_days(day, n)
        )
    )
    if as_json:
        typer.echo(json.dumps(exp.to_dict(), ensure_ascii=False))
    else:
        typer.echo(exp.render_zh() if lang == "zh" else exp.render_en())


@calendar_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="A year file (YYYY.json schema) to install.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite an installed, different arrangement.")
    ] = False,
    folder: Annotated[
        bool,
        typer.Option(
            "--folder",
            help="Install the file into the calendar folder (PUBLISHER_CALENDAR_DIR, mode 0644) "
            "instead of the database: the base every process reads.",
        ),
    ] = False,
) -> None:
    """Validate a year file (e.g. 2027 once announced) and install it: into the database, so
    every process of the service uses it (audited), or with --folder into the calendar folder."""
    from publisher.rules.calendar_data import read_year_file  # noqa: PLC0415

    try:
        model = read_year_file(file)
    except PublisherError as exc:
        _fail_error(exc)
    if folder:
        _load_into_folder(model, replace)
    else:
        _load_into_database(model, replace)


def _load_into_database(model: YearFile, replace: bool) -> None:
    # lazy (see publisher.cli.main): only this command needs the database stack
    from publisher.cli.common import cli_principal  # noqa: PLC0415
    from publisher.rules.workcalendar import reload_calendar  # noqa: PLC0415
    from publisher.storage.db import make_engine, make_session_factory  # noqa: PLC0415
    from publisher.timeutil import now_utc  # noqa: PLC0415
    from publisher.workdays import install_year  # noqa: PLC0415
    from publisher.workdays.store import load_installed  # noqa: PLC0415

    settings = Settings()
    engine = make_engine(settings.effective_database_url)
    try:
        with make_session_factory(engine)() as session:
            try:
                changed = install_year(
                    session,
                    cli_principal(),
                    model,
                    settings.calendar_dir,
                    replace=replace,
                    now=now_utc(),
                )
                cal = reload_calendar(settings.calendar_dir, load_installed(session))
            except PublisherError as exc:
                if "replace" in exc.message_en:
                    _fail(f"{exc.message_en} (--replace) / {exc.message_zh}（加--replace）")
                _fail_error(exc)
    finally:
        engine.dispose()
    if not changed:
        typer.echo(f"{model.year} already installed, identical (database)")
        return
    typer.echo(
        f"installed {model.year} ({len(model.days_off)} days off, "
        f"{len(model.adjusted_workdays)} adjusted workdays) into the database; every process "
        f"uses it within {settings.calendar_check_seconds:g} s; "
        f"covered: {_ranges(sorted(cal.covered_years))}"
    )


def _load_into_folder(model: YearFile, replace: bool) -> None:
    from publisher.rules.calendar_data import read_year_file, write_year_file  # noqa: PLC0415
    from publisher.rules.workcalendar import reload_calendar  # noqa: PLC0415

    directory = _calendar_dir()
    target = directory / f"{model.year}.json"
    if target.exists():
        try:
            same = read_year_file(target) == model
        except PublisherError:
            same = False
        if same:
            typer.echo(f"{model.year} already installed, identical: {target}")
            return
        if not replace:
            _fail(
                f"{target} already holds a different {model.year} arrangement; "
                f"use --replace to overwrite / {model.year}年已有不同的安排，覆盖请加--replace"
            )
    write_year_file(model, directory)
    try:
        cal = reload_calendar(directory)
    except PublisherError as exc:
        _fail_error(exc)
    years = sorted(cal.covered_years)
    typer.echo(
        f"installed {model.year} ({len(model.days_off)} days off, "
        f"{len(model.adjusted_workdays)} adjusted workdays) into {target}; "
        f"covered: {_ranges(years)}"
    )


@calendar_app.command("build")
def build(
    first: Annotated[int, typer.Option("--from", help="First year (>= 2004).")],
    last: Annotated[int, typer.Option("--to", help="Last year (<= 2026).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder to write (default: the calendar folder).")
    ] = None,
) -> None:
    """Build year files from the holidays and chinesecalendar libraries, cross-checked."""
    from publisher.rules.calendar_build import build_years  # noqa: PLC0415
    from publisher.rules.workcalendar import reload_calendar  # noqa: PLC0415

    directory = out or _calendar_dir()
    try:
        paths = build_years(first, last, directory)
    except PublisherError as exc:
        _fail_error(exc)
    if out is None:
        reload_calendar(directory)
    typer.echo(f"built {len(paths)} year file(s) {first}–{last} into {directory}")


def _ranges(years: list[int]) -> str:
    """'2004–2026, 2028' for messages."""
    if not years:
        return "none"
    parts: list[str] = []
    start = prev = years[0]
    for y in [*years[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(parts)
