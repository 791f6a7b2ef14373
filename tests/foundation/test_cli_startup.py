"""`publisher --help` and `publisher calendar …` start in well under a second (issue #15): they
must not load the database, the web stack, CKAN or the HTTP client. Which modules a command
loads is checked here (deterministic); how long it takes is measured by bench/bench_cli.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "alembic", "fastapi", "starlette", "jinja2", "ckanapi", "httpx", "uvicorn")

PROBE = """
import json, sys
sys.argv = ["publisher", *json.loads(sys.argv[1])]
from publisher.cli.main import app
try:
    app()
except SystemExit:
    pass
print("LOADED " + json.dumps(sorted(m for m in {heavy} if m in sys.modules)))
"""


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["calendar", "is-workday", "2026-10-10"], ["staff", "--help"], ["ckan", "--help"]],
    ids=" ".join,
)
def test_light_commands_load_nothing_heavy(argv: list[str]) -> None:
    probe = PROBE.replace("{heavy}", repr(HEAVY))
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(argv)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED "))
    assert json.loads(line.removeprefix("LOADED ")) == [], done.stderr
