"""The office notice as data: what the A4 sheet, its PDF and the press text all say.

A feature builds one `NoticeSheet` from its record; the HTML print page, the PDF and the
plain text for newspapers and the WeChat account are three renderings of the same words
(第五条 of the decision rule: every channel gets what the site says).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeSheet:
    #: what kind of notice, above the title (e.g. "重大会议公开预告", "公开征求意见公告")
    heading: str
    title: str
    #: short facts, each a label and its text: time, place, deadline…
    facts: tuple[tuple[str, str], ...]
    #: longer parts, each a heading and its paragraphs: agenda or draft summary, how to take part
    sections: tuple[tuple[str, str], ...]
    contact: str
    issuer: str
    issued_on: dt.date
    #: the notice's own page, absolute: the QR code and the last line of the text
    url: str

    @property
    def issued_zh(self) -> str:
        return f"{self.issued_on.year}年{self.issued_on.month}月{self.issued_on.day}日"

    def plain_text(self) -> str:
        """The text for a newspaper or a WeChat article: no markup, full-width punctuation."""
        lines = [self.title, ""]
        lines += [f"{label}：{text}" for label, text in self.facts]
        for heading, text in self.sections:
            lines += ["", f"{heading}：", text.strip()]
        if self.contact:
            lines += ["", f"联系方式：{self.contact}"]
        lines += ["", f"网上查看：{self.url}", "", self.issuer, self.issued_zh]
        return "\n".join(lines) + "\n"


def excerpt(text: str, limit: int = 120) -> str:
    """The first `limit` characters of a text on one line, with an ellipsis if cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
