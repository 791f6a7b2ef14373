"""Render a document body (markdown-ish text, see docs/gazette-ingestion.md) as safe HTML.

Only three constructs exist: paragraphs, ``- `` list items and pipe tables. Everything is
escaped first-hand here rather than trusting a markdown library, because the text comes from a
PDF extraction and must never become markup.
"""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

_SEPARATOR = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+$")


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def _table(lines: list[str]) -> str:
    has_header = len(lines) > 1 and bool(_SEPARATOR.match(lines[1].replace(" ", "")))
    head, body = (lines[0], lines[2:]) if has_header else (None, lines)
    out = ['<div class="table-scroll" tabindex="0" role="region" aria-label="表格"><table>']
    if head is not None:
        cells = "".join(f'<th scope="col">{escape(c)}</th>' for c in _cells(head))
        out.append(f"<thead><tr>{cells}</tr></thead>")
    out.append("<tbody>")
    for line in body:
        out.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in _cells(line)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def render_body_html(text: str) -> Markup:
    """Paragraphs to ``<p>``, runs of ``- `` items to ``<ul>``, pipe tables to ``<table>``."""
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("|") for line in lines):
            parts.append(_table(lines))
        elif all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{escape(line[2:].strip())}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return Markup("\n".join(parts))  # every piece above is escaped
