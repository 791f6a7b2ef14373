"""`publisher deadline notice|window`: the deadlines the service enforces, from the command line.

The same rules as the service (`RuleBook`, counting and leads from the settings unless given),
so that an office can check a date before typing it into a form, and a test can check that
the command line and the staff API agree. Refusals exit 2 with one line, like `calendar`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from publisher.errors import PublisherError
from publisher.settings import Settings

if TYPE_CHECKING:
    from publisher.rules.deadline import Deadline
    from publisher.rules.rulebook import RuleBook

deadline_app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich costs a third of start-up (bench_cli)
    no_args_is_help=True,
    help="Pre-disclosure deadlines: a meeting notice's latest publication, a window's close.",
)
Counting = Annotated[
    str | None,
    typer.Option("--counting", help="civil-code or inclusive (default: the setting)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _instant(text: str) -> dt.datetime:
    """An ISO date-time; without an offset it is Beijing time."""
    from publisher.timeutil import LOCAL_TZ  # noqa: PLC0415

    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        _fail(f"not a date-time (YYYY-MM-DDTHH:MM): {text!r} / 时间格式应为YYYY-MM-DDTHH:MM")
    return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)


def _rules(counting: str | None, notice: bool) -> RuleBook:
    from publisher.rules.rulebook import RuleBook  # noqa: PLC0415  (lazy: see cli.main)
    from publisher.rules.workcalendar import get_calendar  # noqa: PLC0415

    settings = Settings()  # not cached: each invocation reads the environment
    options = settings.rule_options()
    if counting is not None:
        options["notice_counting" if notice else "consultation_counting"] = counting
    try:
        return RuleBook.of(get_calendar(settings.calendar_dir), **options)
    except (PublisherError, ValueError) as exc:
        _fail(str(exc))


def _computed(compute: Callable[[], Deadline]) -> Deadline:
    """The deadline, or exit 2 with one line saying why there is none."""
    try:
        return compute()
    except ValueError as exc:  # an unknown kind or profile
        _fail(str(exc))
    except PublisherError as exc:
        _fail(f"{exc.message_en} / {exc.message_zh}")


def _print(deadline: Deadline, as_json: bool) -> None:
    from publisher.timeutil import to_local  # noqa: PLC0415

    if as_json:
        typer.echo(
            json.dumps(
                {
                    "instant": to_local(deadline.instant).isoformat(),
                    "day": deadline.day.isoformat(),
                    "office_zh": deadline.office_zh(),
                    "counting": deadline.counting.value,
                    "provisional": deadline.provisional,
                    "provisional_until_year": deadline.provisional_until_year,
                    "explanation": deadline.explanation.to_dict(),
                },
                ensure_ascii=False,
            )
        )
    else:
        typer.echo(deadline.render_zh())


@deadline_app.command("notice")
def notice(
    meeting_start: Annotated[str, typer.Argument(help="The meeting's start, YYYY-MM-DDTHH:MM.")],
    kind: Annotated[str, typer.Option(help="plenary, executive, …")] = "plenary",
    counting: Counting = None,
    as_json: AsJson = False,
) -> None:
    """The latest lawful publication of a meeting's advance notice."""
    from publisher.rules.predisclosure import MeetingKind  # noqa: PLC0415

    rules = _rules(counting, notice=True)
    _print(
        _computed(
            lambda: rules.latest_notice_publication(_instant(meeting_start), MeetingKind(kind))
        ),
        as_json,
    )


@deadline_app.command("window")
def window(
    opens_at: Annotated[str, typer.Argument(help="The window's opening, YYYY-MM-DDTHH:MM.")],
    profile: Annotated[str, typer.Option(help="city or order_713.")] = "city",
    counting: Counting = None,
    as_json: AsJson = False,
) -> None:
    """The earliest lawful close of a consultation window."""
    from publisher.rules.predisclosure import ConsultationProfile  # noqa: PLC0415

    rules = _rules(counting, notice=False)
    _print(
        _computed(
            lambda: rules.earliest_consultation_close(
                _instant(opens_at), ConsultationProfile(profile)
            )
        ),
        as_json,
    )
