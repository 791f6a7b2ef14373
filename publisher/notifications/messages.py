"""Message texts: one Jinja template per event (templates/messages/<event>.txt), with a block
for the e-mail subject, the e-mail text and the SMS. Service code passes variables only.

The HTML part of an e-mail is the text part laid out (paragraphs, links), so both say the
same. An SMS counts the gateway's 【signature】 and is kept in one segment (70 characters) when
shortening a long title with "…" can do it, else in two (2 × 67): the receipt code and the
link always stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from publisher.notifications.vocabulary import ChannelName

TEMPLATES = Path(__file__).parent / "templates"
#: characters in one SMS segment of Chinese text (UCS-2); longer texts go as several segments
SMS_SEGMENT = 70
#: characters per segment of a longer text sent as concatenated parts (the header takes 3)
CONCATENATED_SEGMENT = 67
#: a shortened title keeps at least this many characters
_MIN_TITLE = 6

_TEXT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=False,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_HTML = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
_URL = re.compile(r"https?://[^\s，。；）]+")


def _linkify(line: str) -> Markup:
    pieces, kept = [], 0
    for match in _URL.finditer(line):
        url = match.group(0)
        pieces += [escape(line[kept : match.start()]), Markup('<a href="{0}">{0}</a>').format(url)]
        kept = match.end()
    pieces.append(escape(line[kept:]))
    return Markup("").join(pieces)


_HTML.filters["linkify"] = _linkify


@dataclass(frozen=True)
class Rendered:
    """What a channel sends: an e-mail's subject, text and HTML; an SMS's text only."""

    subject: str
    text: str
    html: str | None = None
    #: the one-click unsubscribe URL of an alert (List-Unsubscribe, RFC 8058)
    unsubscribe: str | None = None


def event_template(event: str) -> Template:
    return _TEXT.get_template(f"messages/{event}.txt")


def events() -> list[str]:
    """Every event that has a message, by template name."""
    return sorted(p.name.removesuffix(".txt") for p in (TEMPLATES / "messages").glob("*.txt"))


def _block(template: Template, name: str, variables: Mapping[str, object]) -> str:
    context = template.new_context(dict(variables))
    return "".join(template.blocks[name](context)).strip()


def has_sms(event: str) -> bool:
    return "sms" in event_template(event).blocks


def render(
    event: str,
    channel: ChannelName,
    context: Mapping[str, object],
    *,
    base_url: str,
    sign_name: str = "",
) -> Rendered:
    """The message of `event` for `channel`; `context["link"]` is a path made absolute here."""
    template = event_template(event)
    variables = dict(context)
    for path, url in (("link", "url"), ("unsubscribe", "unsubscribe_url")):
        if path in variables:
            variables[url] = base_url.rstrip("/") + str(variables[path])
    if channel is ChannelName.SMS:
        return Rendered("", _fit_sms(template, variables, sign_name))
    subject = _block(template, "subject", variables)
    text = _block(template, "text", variables)
    paragraphs = [p.splitlines() for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = _HTML.get_template("email.html").render(subject=subject, paragraphs=paragraphs)
    unsubscribe = variables.get("unsubscribe_url")
    return Rendered(subject, text + "\n", html, str(unsubscribe) if unsubscribe else None)


def _fit_sms(template: Template, variables: dict[str, object], sign_name: str) -> str:
    """The SMS in one segment if shortening the title (to no less than 6 characters) can do
    it; otherwise in two, with the title shortened only as far as two segments need."""
    text = _block(template, "sms", variables)
    title = variables.get("title")
    signature = len(sign_name) + 2 if sign_name else 0
    for budget in (SMS_SEGMENT - signature, 2 * CONCATENATED_SEGMENT - signature):
        if len(text) <= budget:
            return text
        if not isinstance(title, str):
            continue
        keep = len(title) - (len(text) - budget) - 1
        if keep >= _MIN_TITLE:
            return _block(template, "sms", {**variables, "title": title[:keep] + "…"})
    return text


def segments(text: str) -> int:
    """SMS segments a text takes: one up to 70 characters, then 67 per concatenated part."""
    return 1 if len(text) <= SMS_SEGMENT else -(-len(text) // CONCATENATED_SEGMENT)
