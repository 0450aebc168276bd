"""Numbers, dates and counters as language-neutral values.

2014年3月13日 and "March 13, 2014" both give {2014, 3, 13}; 第5回 and "fifth" both give 5; 3万人 and
"30,000 people" both give 30000; 平成26年 gives 2014.  Values are returned as canonical strings
("2014", "3.5") so they can be matched as keys.
"""

from __future__ import annotations

import re

_KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "壱": 1,
    "弐": 2,
    "参": 3,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_MYRIADS = {"万": 10**4, "億": 10**8, "兆": 10**12}
# Japanese era name → the Gregorian year before its first year (平成1年 = 1989).
_ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}

_JA_NUMBER = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和)?(?P<ord>第)?"
    r"(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?|[〇零一二三四五六七八九十百千壱弐参]+|元(?=年))"
    r"(?P<myriad>[万億兆])?(?P<counter>[年月日回人つ個件台社名円ドル歳世紀度%％ヵヶか箇番期号条項章部巻倍]?)"
)
_COUNTERS_FOR_KANJI = frozenset("年月日回人つ個件台社名円歳世紀度ヵヶか箇番期号条項章部巻倍")

_EN_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:st|nd|rd|th|s)?(?![\w])", re.I)
_EN_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s*(thousand|million|billion|trillion)\b", re.I)
_EN_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "twentieth": 20,
    "hundredth": 100,
    "once": 1,
    "twice": 2,
    "single": 1,
    "double": 2,
    "triple": 3,
    "dozen": 12,
    "half": 0.5,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_EN_WORD = re.compile(r"[A-Za-z]+")
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}


def canonical(value: float) -> str:
    """2014.0 → "2014", 3.50 → "3.5"."""
    if value == int(value):
        return str(int(value))
    return f"{value:.6g}"


def _kanji_number(text: str) -> int | None:
    if all(c in _KANJI_DIGITS for c in text):
        # 二〇一四 (digit by digit) → 2014
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    total = 0
    current = 0
    for char in text:
        if char in _KANJI_DIGITS:
            current = _KANJI_DIGITS[char]
        elif char in _KANJI_UNITS:
            total += (current or 1) * _KANJI_UNITS[char]
            current = 0
        else:
            return None
    return total + current


def japanese_numbers(text: str) -> set[str]:
    """Values of the numbers written in a Japanese sentence (Arabic or kanji numerals, eras, 万/億)."""
    values: set[str] = set()
    for match in _JA_NUMBER.finditer(text):
        raw = match.group("num")
        counter = match.group("counter")
        if raw[0].isdigit():
            value: float = float(raw.replace(",", ""))
        elif raw == "元":
            value = 1
        else:
            # Kanji numerals are also parts of ordinary words (一般, 統一): trust them only with a
            # counter, an ordinal prefix or a myriad.
            if not (counter in _COUNTERS_FOR_KANJI or match.group("ord") or match.group("myriad")):
                continue
            kanji_value = _kanji_number(raw)
            if kanji_value is None:
                continue
            value = kanji_value
        if match.group("myriad"):
            value *= _KANJI_MYRIADS[match.group("myriad")]
        if match.group("era") and counter == "年":
            value += _ERAS[match.group("era")]
        values.add(canonical(value))
    return values


def english_numbers(text: str) -> set[str]:
    """Values of the numbers in an English sentence: digits, number words, ordinals, months, scales."""
    values: set[str] = set()
    for match in _EN_SCALE.finditer(text):
        values.add(canonical(float(match.group(1)) * _SCALES[match.group(2).lower()]))
    for match in _EN_NUMBER.finditer(text):
        whole = match.group(1).replace(",", "")
        value = float(whole + ("." + match.group(2) if match.group(2) else ""))
        values.add(canonical(value))
    for match in _EN_WORD.finditer(text):
        word = match.group(0).lower()
        if word in _EN_WORDS and not (word in ("may", "march") and match.group(0).islower()):
            values.add(canonical(_EN_WORDS[word]))
    return values
