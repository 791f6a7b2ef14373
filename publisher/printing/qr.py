"""QR codes made on the server (segno): inline SVG for pages, the module matrix for the PDF.

Only URLs of this site are ever encoded (the caller builds them from `base_url`), so the
service is no QR generator for arbitrary text.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from markupsafe import Markup

#: medium error correction: survives a crease or a smudge on a notice board
ERROR = "m"
#: longer URLs make codes too dense to scan from a screen (and past ~2,300 do not fit at all)
MAX_URL_CHARS = 300


def matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """Dark (True) and light modules, row by row, without the quiet zone."""
    code = segno.make(url, error=ERROR, micro=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)


@lru_cache(maxsize=2048)
def svg(url: str, label: str) -> Markup:
    """An inline ``<svg>`` of the URL, scaled by CSS, named for assistive technology."""
    code = segno.make(url, error=ERROR, micro=False)
    markup = code.svg_inline(
        scale=1, border=4, omitsize=True, title=None, svgclass="qr", light="#fff"
    )
    named = markup.replace("<svg ", f'<svg role="img" aria-label="{_attr(label)}" ', 1)
    return Markup(named)  # segno's output plus our escaped label


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
