"""Which characters are Japanese.

Two questions, two answers: *is this letter kana or kanji* (to tell a document's language by its letters)
and *is this character Japanese script or punctuation* (to decide whether a space beside it is layout
noise, or whether a line may be joined to the next without one).
"""

from __future__ import annotations

import re

# Japanese script and punctuation (after NFKC half-width katakana are full-width; before it, the half-width
# and full-width forms are here too), as a regular-expression character class body.
JAPANESE_SCRIPT_CLASS = (
    "\u3000-\u303f"  # CJK symbols and punctuation: 、。「」『』〜々〆
    "\u3040-\u309f"  # hiragana
    "\u30a0-\u30ff"  # katakana, ・ and ー
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff5f-\uff9f"  # half-width CJK punctuation and katakana (before NFKC)
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e"  # full-width punctuation (before NFKC)
    "\U00020000-\U0003ffff"  # CJK extensions B...
)
JAPANESE_SCRIPT_RE = re.compile(f"[{JAPANESE_SCRIPT_CLASS}]")


def is_japanese_char(ch: str) -> bool:
    """Whether ``ch`` is a Japanese letter: kana or kanji (not punctuation)."""
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0xFF66 <= code <= 0xFF9F  # half-width katakana
        or 0x31F0 <= code <= 0x31FF  # katakana phonetic extensions
        or code == 0x3005  # 々
    )


def japanese_share(text: str) -> float:
    """Share of kana/kanji among the letters of ``text`` (0.0 for text without letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if is_japanese_char(ch)) / len(letters)
