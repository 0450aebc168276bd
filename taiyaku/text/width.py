"""Display width: how many columns a line takes when a PDF or a terminal lays it out monospaced."""

from __future__ import annotations

import unicodedata

from taiyaku.model import Lang


def display_width(text: str, lang: Lang = "ja") -> int:
    """Columns ``text`` takes: wide and full-width characters count 2, and in Japanese text so do the
    ambiguous-width ones (…, ※, ○, →), which Japanese fonts set full width."""
    if text.isascii():
        return len(text)
    wide = ("W", "F", "A") if lang == "ja" else ("W", "F")
    return sum(2 if unicodedata.east_asian_width(ch) in wide else 1 for ch in text)
