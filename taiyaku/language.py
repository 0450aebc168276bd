"""Is this side in the language it claims to be?

Swapping the two sources (or pointing ``--ja`` at the English page) would otherwise produce a corpus of
nonsense pairs with plausible-looking scores. The check counts letters only: digits, punctuation and
white space say nothing about the language, and Japanese text legitimately contains Latin acronyms (ICT,
APEC) and English names.
"""

from __future__ import annotations

from collections.abc import Sequence

from taiyaku.errors import TaiyakuError
from taiyaku.model import Block, Lang

# A Japanese document whose letters are less than this share kana/kanji is not Japanese; an English one
# whose letters are more than this share kana/kanji is not English.
MIN_JAPANESE_SHARE = 0.3
MAX_JAPANESE_SHARE_IN_ENGLISH = 0.3


def is_japanese_char(ch: str) -> bool:
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


def verify_language(blocks: Sequence[Block], lang: Lang, where: str) -> None:
    """Raise a one-line error when the normalized document is clearly not in ``lang``."""
    text = "".join(block.text.text for block in blocks)
    share = japanese_share(text)
    if lang == "ja" and share < MIN_JAPANESE_SHARE:
        raise TaiyakuError(
            where, f"given as the Japanese source, but only {share:.0%} of its letters are Japanese (kana/kanji)"
        )
    if lang == "en" and share > MAX_JAPANESE_SHARE_IN_ENGLISH:
        raise TaiyakuError(where, f"given as the English source, but {share:.0%} of its letters are Japanese")
