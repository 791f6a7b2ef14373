"""The variant corpus (issue #14): gazettes printed differently from Sanmenxia's, written for
these tests from the patterns other Chinese government gazettes use (traditional characters,
number formats, a number in brackets under the title, joint issuers, dates under the title,
page breaks inside a sentence, PDF spaces in bodies). ``variants/expected.json`` holds the
fields a reader would take from each document; the scorecard counts the fields parsed right.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from publisher.gazette import GazetteIssue, parse_gazette

VARIANTS = Path(__file__).resolve().parent / "variants"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (VARIANTS / "expected.json").read_text(encoding="utf-8")
)
TARGET = 0.98
FIELDS = ("section", "title", "number", "issuer", "date", "related_numbers")


def parse(name: str) -> GazetteIssue:
    return parse_gazette((VARIANTS / name).read_text(encoding="utf-8"))


def score(name: str) -> tuple[int, int, list[str]]:
    """(fields right, fields total, what was wrong) for one issue of the corpus."""
    expected = EXPECTED[name]
    issue = parse(name)
    wrong: list[str] = []
    checks: list[tuple[str, object, object]] = [
        (f"issue.{key}", value, getattr(issue.issue, key))
        for key, value in expected["issue"].items()
    ]
    checks.append(("documents", len(expected["documents"]), len(issue.documents)))
    for index, want in enumerate(expected["documents"]):
        got = issue.documents[index] if index < len(issue.documents) else None
        data = got.model_dump(mode="json") if got else {}
        for key in FIELDS:
            if key in want:
                checks.append((f"[{index}].{key}", want[key], data.get(key)))
        body = data.get("body", "")
        for text in want.get("body_has", []):
            checks.append((f"[{index}].body has {text}", True, text in body))
        for text in want.get("body_lacks", []):
            checks.append((f"[{index}].body lacks {text}", True, text not in body))
    for label, want_value, got_value in checks:
        if want_value != got_value:
            wrong.append(f"{label}: expected {want_value!r}, got {got_value!r}")
    return len(checks) - len(wrong), len(checks), wrong


def test_scorecard(capsys: pytest.CaptureFixture[str]) -> None:
    right = total = 0
    lines = []
    for name in sorted(EXPECTED):
        ok, count, wrong = score(name)
        right, total = right + ok, total + count
        lines.append(f"{name:28} {ok:3}/{count:<3} {ok / count:6.1%}")
        lines.extend(f"    {w}" for w in wrong)
    lines.append(f"{'total':28} {right:3}/{total:<3} {right / total:6.1%} ({len(EXPECTED)} issues)")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert right / total >= TARGET, "\n".join(lines)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variant_has_no_wrong_field(name: str) -> None:
    assert score(name)[2] == []


def test_every_variant_file_has_expectations() -> None:
    assert sorted(p.name for p in VARIANTS.glob("*.txt")) == sorted(EXPECTED)
