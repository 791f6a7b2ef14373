"""Jinja2 templates shared by every page, with filters for local time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.templating import Jinja2Templates

from publisher.timeutil import format_local, to_local

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _local(instant: dt.datetime | None) -> str:
    return format_local(instant) if instant else ""


def _iso_local(instant: dt.datetime | None) -> str:
    return to_local(instant).isoformat() if instant else ""


templates.env.filters["local"] = _local
templates.env.filters["iso_local"] = _iso_local
