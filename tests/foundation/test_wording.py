"""One name for one thing on every page, message and API answer (issue #18: a citizen was told
to keep a "回执码" on one page and a "回执编号" on the next)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: the word the service does not use, and the one it does
RETIRED = {"回执编号": "回执码"}


def test_the_receipt_code_has_one_name() -> None:
    offenders = []
    for folder in ("publisher", "consultation", "feeds", "docs"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt", ".md"} or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            offenders += [f"{path.relative_to(ROOT)}: {old}" for old in RETIRED if old in text]
    assert offenders == []
