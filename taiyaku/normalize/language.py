"""Verify language: is this side in the language it claims to be?

Swapping the two sources (or pointing ``--ja`` at the English page) would otherwise produce a corpus of
nonsense pairs with plausible-looking scores. The check counts letters only: digits, punctuation and
white space say nothing about the language, and Japanese text legitimately contains Latin acronyms (ICT,
APEC) and English names.
"""

from __future__ import annotations

from collections.abc import Sequence

from taiyaku.errors import TaiyakuError
from taiyaku.model import Block, Lang
from taiyaku.text.script import japanese_share

# A Japanese document whose letters are less than this share kana/kanji is not Japanese; an English one
# whose letters are more than this share kana/kanji is not English.
MIN_JAPANESE_SHARE = 0.3
MAX_JAPANESE_SHARE_IN_ENGLISH = 0.3


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
