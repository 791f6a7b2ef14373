"""Radical code points that PDF text extraction puts where Chinese characters belong.

Fonts in government PDFs often map a character to its Kangxi radical (U+2F08 ⼈ for 人) or to a
CJK radical supplement form (U+2EA0 ⺠ for 民): the text looks right and is wrong for search,
copy and comparison ("中华⼈⺠共和国"). NFKC folds the Kangxi radicals, but it would also fold
full-width punctuation (，→ ,) and it leaves most supplement forms alone, so the fold is
targeted: the Kangxi block through NFKC, the supplement through a reviewed table of the forms
that stand for a whole character.
"""

from __future__ import annotations

import unicodedata

#: CJK Radicals Supplement forms that are a whole character (Unicode names in comments)
_SUPPLEMENT = {
    "\u2e81": "厂",  # RADICAL CLIFF
    "\u2e87": "几",  # RADICAL TABLE
    "\u2e8c": "小",  # RADICAL SMALL ONE
    "\u2e93": "幺",  # RADICAL THREAD
    "\u2e9d": "月",  # RADICAL MOON
    "\u2e9f": "母",  # RADICAL MOTHER
    "\u2ea0": "民",  # RADICAL CIVILIAN
    "\u2ea6": "丬",  # RADICAL SIMPLIFIED HALF TREE TRUNK
    "\u2eaa": "疋",  # RADICAL BOLT OF CLOTH
    "\u2eac": "示",  # RADICAL SPIRIT ONE
    "\u2eb0": "纟",  # RADICAL C-SIMPLIFIED SILK
    "\u2ec4": "西",  # RADICAL WEST TWO
    "\u2ec5": "见",  # RADICAL C-SIMPLIFIED SEE
    "\u2ec6": "角",  # RADICAL SIMPLIFIED HORN
    "\u2ec8": "讠",  # RADICAL C-SIMPLIFIED SPEECH
    "\u2ec9": "贝",  # RADICAL C-SIMPLIFIED SHELL
    "\u2eca": "足",  # RADICAL FOOT
    "\u2ecb": "车",  # RADICAL C-SIMPLIFIED CART
    "\u2ecc": "辶",  # RADICAL SIMPLIFIED WALK
    "\u2ed0": "钅",  # RADICAL C-SIMPLIFIED GOLD
    "\u2ed3": "长",  # RADICAL C-SIMPLIFIED LONG
    "\u2ed4": "门",  # RADICAL C-SIMPLIFIED GATE
    "\u2ed8": "青",  # RADICAL BLUE
    "\u2ed9": "韦",  # RADICAL C-SIMPLIFIED TANNED LEATHER
    "\u2eda": "页",  # RADICAL C-SIMPLIFIED LEAF
    "\u2edb": "风",  # RADICAL C-SIMPLIFIED WIND
    "\u2edc": "飞",  # RADICAL C-SIMPLIFIED FLY
    "\u2edd": "食",  # RADICAL EAT ONE
    "\u2ee0": "饣",  # RADICAL C-SIMPLIFIED EAT
    "\u2ee2": "马",  # RADICAL C-SIMPLIFIED HORSE
    "\u2ee3": "骨",  # RADICAL BONE
    "\u2ee4": "鬼",  # RADICAL GHOST
    "\u2ee5": "鱼",  # RADICAL C-SIMPLIFIED FISH
    "\u2ee6": "鸟",  # RADICAL C-SIMPLIFIED BIRD
    "\u2ee7": "卤",  # RADICAL C-SIMPLIFIED SALT
    "\u2ee8": "麦",  # RADICAL SIMPLIFIED WHEAT
    "\u2ee9": "黄",  # RADICAL SIMPLIFIED YELLOW
    "\u2eea": "黾",  # RADICAL C-SIMPLIFIED FROG
    "\u2eec": "齐",  # RADICAL C-SIMPLIFIED EVEN
    "\u2eee": "齿",  # RADICAL C-SIMPLIFIED TOOTH
    "\u2ef0": "龙",  # RADICAL C-SIMPLIFIED DRAGON
    "\u2ef3": "龟",  # RADICAL C-SIMPLIFIED TURTLE
}
_TABLE = str.maketrans(
    {
        **{chr(cp): unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)},
        **_SUPPLEMENT,
    }
)


def fold_radicals(text: str) -> str:
    """``中华⼈⺠共和国`` → ``中华人民共和国``; everything else is returned unchanged."""
    return text.translate(_TABLE)
