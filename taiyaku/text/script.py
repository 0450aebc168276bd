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


# Japanese letters: kana and kanji (not punctuation).
_JAPANESE_LETTER_RE = re.compile(
    "["
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width katakana
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3005"  # 々
    "]"
)


def is_japanese_char(ch: str) -> bool:
    """Whether ``ch`` is a Japanese letter: kana or kanji (not punctuation)."""
    return _JAPANESE_LETTER_RE.match(ch) is not None


def japanese_share(text: str) -> float:
    """Share of kana/kanji among the letters of ``text`` (0.0 for text without letters)."""
    # Whole-text operations, not a test per character: a book has millions of them.
    letters = "".join(filter(str.isalpha, text))
    if not letters:
        return 0.0
    return (len(letters) - len(_JAPANESE_LETTER_RE.sub("", letters))) / len(letters)
