"""Bytes of a gazette file to text: UTF-8, or GBK/GB18030 detected and said so, never a guess.

Chinese government files are often saved as GBK; refusing them as "not UTF-8" left the
operator without a hint. A PDF is refused with the command that extracts its text.
"""

from __future__ import annotations

from dataclasses import dataclass

from charset_normalizer import from_bytes

from publisher.errors import ValidationFailed

#: encodings charset-normalizer may name for GBK-family text; all are read as GB18030, their
#: superset, so a character outside GB2312 in a "gb2312" file still decodes
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "hz", "cp936"})


class UnreadableText(ValidationFailed):
    """The bytes are not text this service can read (binary, a PDF, an unknown encoding)."""

    code = "unreadable_text"


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "UTF-8" or "GB18030"
    note: str | None  # what was detected, for the operator (None for plain UTF-8)


def decode_text(data: bytes, name: str) -> DecodedText:
    """Decode a gazette file; raise UnreadableText with a hint when it cannot be read."""
    if data.lstrip()[:5] == b"%PDF-":
        raise UnreadableText(
            f"{name} is a PDF: extract its text first, e.g. `pdftotext -layout {name} out.txt`",
            f"{name} 是 PDF 文件：请先提取文本，例如 `pdftotext -layout {name} out.txt`",
        )
    try:
        return DecodedText(data.decode("utf-8-sig"), "UTF-8", None)
    except UnicodeDecodeError:
        pass
    best = None if b"\x00" in data else from_bytes(data).best()
    detected = best.encoding.lower() if best is not None else None
    if detected in _GB_FAMILY:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            return DecodedText(
                text.lstrip("\ufeff"),
                "GB18030",
                f"读取为 GB18030 编码（检测到 {detected}），未按 UTF-8 读取 / "
                f"read as GB18030 (detected {detected}), not UTF-8",
            )
    what = f"detected {detected}" if detected else "binary or unknown encoding"
    raise UnreadableText(
        f"{name} is not UTF-8 or GBK/GB18030 text ({what}); save it as UTF-8",
        f"{name} 不是 UTF-8 或 GBK/GB18030 文本（{detected or '二进制或未知编码'}）；"
        "请另存为 UTF-8",
    )
