"""The public record cannot be backdated (issue #12).

A notice or a draft becomes public at the real moment it is published, never earlier: the
page, the API and the feeds say "published at" and the citizen reads it as a fact. So a
requested publication time in the past is not taken at its word. Within a short grace (the
minute a person typed into a form while the clock moved on) it is treated as now; further back
it is refused, saying what was asked and what the real moment is. Every lawful check then
uses the real moment.
"""

from __future__ import annotations

import datetime as dt

from publisher.errors import ValidationFailed
from publisher.timeutil import format_local, format_local_en

__all__ = ["BACKDATING_GRACE", "real_moment"]

#: a requested time this far in the past is taken as "now" (form filling, clock skew)
BACKDATING_GRACE = dt.timedelta(minutes=5)


def real_moment(
    requested: dt.datetime | None, now: dt.datetime, field: str, what_en: str, what_zh: str
) -> dt.datetime:
    """The moment something asked for at `requested` really happens: `max(requested, now)`,
    refusing a requested time more than the grace in the past."""
    if requested is None:
        return now
    if requested.tzinfo is None:
        raise ValidationFailed(
            f"{what_en} must carry a time zone", f"{what_zh}必须带时区", field=field
        )
    if requested >= now:
        return requested
    if now - requested <= BACKDATING_GRACE:
        return now
    raise ValidationFailed(
        f"The {what_en} {format_local_en(requested)} is in the past: the public record cannot "
        f"be backdated. Leave it empty to publish now ({format_local_en(now)}), or choose a "
        "later time.",
        f"{what_zh}（{format_local(requested)}）早于当前时间（{format_local(now)}）：公开记录"
        "不能倒签。立即发布请留空，或选择之后的时间。",
        field=field,
        requested=requested.isoformat(),
        now=now.isoformat(),
    )
