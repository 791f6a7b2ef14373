"""Every layout class a template uses is defined by the stylesheet (issue #18: agendas lost
their line breaks and staff deadline explanations ran 2,150 px wide because `pre`,
`meeting-facts` and `rule-explanation` were used but never defined)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STYLESHEET = ROOT / "publisher" / "web" / "static" / "site.css"
#: every stylesheet the pages link (site.css; notices.css and print.css: docs/printing.md)
STYLESHEETS = sorted((ROOT / "publisher" / "web" / "static").glob("*.css"))
#: classes that only name a part of a page (for tests and readers), with no look of their own
SEMANTIC_ONLY = {
    "application-form",
    "article-answers",
    "comment-group",
    "diff-article",
    "draft-preamble",
    "draft-text",
    "event-links",
    "loop-article",
    "quote-field",
    "withdraw-form",
    "work-queues",
    "attachments",
    "dataset-list",
    "document-body",
    "downloads",
    "error",
    "meeting-list",
    "prose",
    "staff-links",
}


def _used_classes() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts or "node_modules" in template.parts:
            continue
        for attribute in re.finditer(r'class="([^"{}]*)"', template.read_text()):
            for name in attribute.group(1).split():
                used.setdefault(name, set()).add(str(template.relative_to(ROOT)))
    return used


def test_every_class_the_templates_use_is_styled_or_declared_semantic() -> None:
    css = "\n".join(sheet.read_text() for sheet in STYLESHEETS)
    defined = set(re.findall(r"\.([A-Za-z][\w-]*)", css))
    undefined = {
        name: sorted(where)
        for name, where in _used_classes().items()
        if name not in defined and name not in SEMANTIC_ONLY
    }
    assert undefined == {}


def test_typed_text_keeps_its_line_breaks_and_wraps() -> None:
    css = STYLESHEET.read_text()
    rule = re.search(r"\.pre, \.rule-explanation \{([^}]*)\}", css)
    assert rule is not None and "pre-wrap" in rule.group(1) and "anywhere" in rule.group(1)
