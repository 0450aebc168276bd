"""Which characters are Japanese letters, and their share of a text's letters."""

from __future__ import annotations

import pytest

from taiyaku.text.script import is_japanese_char, japanese_share

_JAPANESE_LETTER_RANGES = [  # inclusive: hiragana and katakana, CJK ext. A, CJK, compatibility, half-width, ext.
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),
    (0x31F0, 0x31FF),
    (0x3005, 0x3005),
]


def test_japanese_letters_are_kana_and_kanji_code_points() -> None:
    for code in range(0x3000, 0x10000):
        expected = any(first <= code <= last for first, last in _JAPANESE_LETTER_RANGES)
        assert is_japanese_char(chr(code)) == expected, hex(code)
    assert not any(is_japanese_char(ch) for ch in "aZ9 。、「」（）！？\n\U00020000😀")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "123 !?。、",
        "東京都の取組を評価した。The U.S. and Japan (ICT) 2014年",
        "ｶﾀｶﾅ と ゝゞ々〆 ー・ and ｱｲｳ 😀 \U00020b9f 𠮷野家 Ⅻ ½ é ß",
        "It began in Kyoto. The Heian period (平安時代) lasted long.",
    ],
)
def test_japanese_share_is_the_share_of_letters_that_are_japanese(text: str) -> None:
    letters = [ch for ch in text if ch.isalpha()]
    expected = sum(1 for ch in letters if is_japanese_char(ch)) / len(letters) if letters else 0.0
    assert japanese_share(text) == expected
