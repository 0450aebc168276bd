"""Numbers, dates, ordinals and counters in Japanese and English text, as comparable values.

Both sides are reduced to *values* (canonical decimal strings): ``2014年3月13日`` gives 2014, 3, 13 and
``March 13, 2014`` gives 3, 13, 2014; ``第5回`` and ``fifth`` / ``5th`` give 5; ``7つ`` and ``seven`` give
7; ``２０１４`` gives 2014; ``1,000``, ``千`` and ``thousand`` give 1000; ``300万`` and ``3 million`` give
3000000; ``平成26年`` gives 2014; ``課題22-1`` gives 22 and 1.

Japanese kanji numerals count only where they are numbers: after 第 or before a counter (年, 月, 日, 回,
つ, 人, か国...).  Inside ordinary words (一致, 統一, 一部, 十分, 千葉) they are not numbers.

Some mentions are *weak*: they may satisfy the other side but are never reported when the other side
lacks them, because translators add or drop them freely.  English "one", "first", "second", "once",
"single"; Japanese 一 as a kanji numeral; the implicit two of 両 (両国, 両政府: "both" or "the two") and
二国間 ("bilateral").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True, slots=True)
class NumberMention:
    value: str  # canonical decimal: "2014", "1.5", "3000000"
    text: str  # as written
    start: int  # character span in the text it was found in
    end: int
    weak: bool = False


def canonical(value: Decimal) -> str:
    """``Decimal`` → "2014", "1.5" (no exponent, no trailing zeros)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


# --- Japanese -------------------------------------------------------------------------------------------

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_LARGE_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}
_KANJI_NUMERALS = "".join(_KANJI_DIGITS) + "".join(_KANJI_SMALL_UNITS) + "".join(_KANJI_LARGE_UNITS)

# A run of digits / kanji numerals (with thousands separators and a decimal point between digits).
_JA_NUMBER = re.compile(
    rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|[{_KANJI_NUMERALS}])(?:\d+(?:,\d{{3}})*(?:\.\d+)?|[{_KANJI_NUMERALS}])*"
)
# Counters after which a kanji numeral is a number (the longest alternatives first).  Not 分 (十分 is
# "enough") nor 時 alone (一時 is "temporarily").
_JA_COUNTERS = (
    "か国", "カ国", "ヶ国", "ヵ国", "ケ国", "か月", "カ月", "ヶ月", "ヵ月", "ケ月", "箇月", "パーセント",
    "年", "月", "日", "回", "つ", "人", "名", "件", "点", "個", "社", "時間", "秒", "倍", "割", "%",
    "項目", "周年", "期", "次", "位", "億", "万", "兆", "部門", "機関", "団体", "ドル", "円", "ユーロ",
)
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867}
_ERA_YEAR = re.compile(rf"({'|'.join(_ERAS)})\s*(\d+|[{_KANJI_NUMERALS}]+|元)\s*年")
# The implicit "two" of 両国 / 両政府 / 両日 and of 二国間 ("bilateral").
_JA_IMPLICIT_TWO = re.compile(r"両(?=[\u4e00-\u9fff])|二国間")


def _kanji_value(run: str) -> Decimal | None:
    """Value of a run of kanji numerals and/or digits: 二〇一四 → 2014, 三百 → 300, 1億2000万 → 120000000."""
    if all(c in _KANJI_DIGITS for c in run):
        # Positional (二〇一四) when more than one digit, else a single digit.
        return Decimal("".join(str(_KANJI_DIGITS[c]) for c in run))
    total = Decimal(0)  # completed 万/億/兆 groups
    section = Decimal(0)  # completed 十/百/千 parts below the next large unit
    current: Decimal | None = None  # the number being read
    for part in re.findall(rf"\d+(?:,\d{{3}})*(?:\.\d+)?|[{_KANJI_NUMERALS}]", run):
        if part[0].isdigit():
            try:
                current = Decimal(part.replace(",", ""))
            except InvalidOperation:
                return None
        elif part in _KANJI_DIGITS:
            current = Decimal(_KANJI_DIGITS[part]) if current is None else current * 10 + _KANJI_DIGITS[part]
        elif part in _KANJI_SMALL_UNITS:
            section += (current if current is not None else 1) * _KANJI_SMALL_UNITS[part]
            current = None
        else:
            group = section + (current if current is not None else 0)
            total += (group if group else 1) * _KANJI_LARGE_UNITS[part]
            section, current = Decimal(0), None
    return total + section + (current if current is not None else 0)


def japanese_numbers(text: str) -> list[NumberMention]:
    """The numbers of a Japanese text, in order."""
    text = unicodedata.normalize("NFKC", text)
    mentions: list[NumberMention] = []
    taken: list[tuple[int, int]] = []
    for match in _ERA_YEAR.finditer(text):
        year_text = match.group(2)
        year = Decimal(1) if year_text == "元" else _kanji_value(year_text)
        if year is not None:
            mentions.append(NumberMention(canonical(year + _ERAS[match.group(1)]), match.group(0), *match.span()))
            taken.append(match.span())
    for match in _JA_NUMBER.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in taken):
            continue
        run = match.group(0)
        has_digit = any(c.isdigit() for c in run)
        has_kanji = any(c in _KANJI_NUMERALS for c in run)
        if has_kanji and not has_digit and not _is_kanji_number_context(text, start, end):
            continue
        if run.strip(",.") != run:
            run = run.strip(",.")
            end = start + len(run)
        value = _kanji_value(run) if has_kanji else _decimal(run)
        if value is None:
            continue
        # A lone kanji 一 is rarely a number the other side must repeat (一つ / 第一 / 一日).
        weak = has_kanji and not has_digit and value == 1
        mentions.append(NumberMention(canonical(value), run, start, end, weak))
    for match in _JA_IMPLICIT_TWO.finditer(text):
        mentions.append(NumberMention("2", match.group(0), *match.span(), weak=True))
    mentions.sort(key=lambda m: (m.start, m.end))
    return mentions


def _is_kanji_number_context(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    if before == "第":
        return True
    if before and before in "数何":  # 数千 "thousands", 何回 "how many times": not a definite number
        return False
    rest = text[end:].lstrip()
    return rest.startswith(_JA_COUNTERS)


def _decimal(run: str) -> Decimal | None:
    try:
        return Decimal(run.replace(",", ""))
    except InvalidOperation:
        return None


# --- English --------------------------------------------------------------------------------------------

_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000,
}
_EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
# Words that are numbers but that translators add or drop freely ("one of", "first", "a second round").
_EN_WEAK = frozenset({"one", "first", "second", "once", "single", "twice"})
_EN_MULTIPLES = {"once": 1, "single": 1, "twice": 2}

_EN_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?(?:st|nd|rd|th|s)?\b|[A-Za-z]+")


def _word_value(word: str) -> tuple[int, str] | None:
    """(value, kind) of one English number word; kind is unit/tens/scale/ordinal/multiple."""
    if word in _EN_UNITS:
        return _EN_UNITS[word], "unit"
    if word in _EN_TENS:
        return _EN_TENS[word], "tens"
    if word in _EN_SCALES:
        return _EN_SCALES[word], "scale"
    if word in _EN_ORDINALS:
        return _EN_ORDINALS[word], "ordinal"
    if word in _EN_MULTIPLES:
        return _EN_MULTIPLES[word], "multiple"
    return None


def english_numbers(text: str) -> list[NumberMention]:
    """The numbers of an English text, in order (number words composed: "twenty-one" → 21)."""
    text = unicodedata.normalize("NFKC", text)
    tokens = list(_EN_TOKEN.finditer(text))
    mentions: list[NumberMention] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token.group(0)
        if word[0].isdigit():
            mention, i = _digits_mention(text, tokens, i)
            if mention is not None:
                mentions.append(mention)
            continue
        lower = word.lower()
        if lower in _EN_MONTHS and _is_month(text, tokens, i):
            mentions.append(NumberMention(str(_EN_MONTHS[lower]), word, *token.span()))
            i += 1
            continue
        if _word_value(lower) is not None:
            mention, i = _words_mention(text, tokens, i)
            if mention is not None:
                mentions.append(mention)
            continue
        i += 1
    return mentions


def _digits_mention(text: str, tokens: list[re.Match[str]], i: int) -> tuple[NumberMention | None, int]:
    token = tokens[i]
    digits = re.match(r"[\d,.]+", token.group(0))
    assert digits is not None
    value = _decimal(digits.group(0).rstrip(",."))
    if value is None:
        return None, i + 1
    start, end = token.span()
    i += 1
    # "1.5 million", "300 thousand"
    if i < len(tokens) and _only_space_between(text, end, tokens[i].start()):
        scale = tokens[i].group(0).lower()
        if scale in _EN_SCALES:
            value *= _EN_SCALES[scale]
            end = tokens[i].end()
            i += 1
    return NumberMention(canonical(value), text[start:end], start, end), i


def _only_space_between(text: str, a: int, b: int) -> bool:
    return not text[a:b].strip() or text[a:b].strip() == "-"


def _words_mention(text: str, tokens: list[re.Match[str]], i: int) -> tuple[NumberMention | None, int]:
    """Compose consecutive number words ("two hundred and fifty", "twenty-first") into one value."""
    start = end = tokens[i].start()
    total = 0  # completed thousand/million groups
    current = 0  # the part below the next scale word
    words: list[str] = []
    kinds: list[str] = []
    j = i
    while j < len(tokens):
        lower = tokens[j].group(0).lower()
        if words:
            if text[tokens[j - 1].end() : tokens[j].start()].strip() not in ("", "-"):
                break
            if lower == "and" and kinds[-1] == "scale" and j + 1 < len(tokens):
                following = _word_value(tokens[j + 1].group(0).lower())
                if following is not None and following[1] in ("unit", "tens", "ordinal"):
                    j += 1
                    continue
        parsed = _word_value(lower)
        if parsed is None:
            break
        value, kind = parsed
        if words and not _may_follow(kinds[-1], kind, value):
            break
        if kind == "scale" or (kind == "ordinal" and value >= 100):
            if value >= 1000:
                total += (current or 1) * value
                current = 0
            else:
                current = (current or 1) * value
        else:
            current += value
        words.append(lower)
        kinds.append(kind)
        end = tokens[j].end()
        j += 1
    if not words:
        return None, i + 1
    weak = len(words) == 1 and words[0] in _EN_WEAK
    return NumberMention(str(total + current), text[start:end], start, end, weak), j


def _may_follow(previous: str, kind: str, value: int) -> bool:
    """Whether a number word of ``kind`` continues a number whose last word was of kind ``previous``:
    "twenty-one", "twenty-first", "two hundred", "hundred thousand", "hundred (and) five"."""
    if previous in ("ordinal", "multiple") or kind == "multiple":
        return False
    if previous == "tens":
        return (kind in ("unit", "ordinal") and value < 10) or kind == "scale"
    if previous == "unit":
        return kind == "scale"
    return kind in ("unit", "tens", "ordinal", "scale")  # after a scale word


_FULL_MONTHS = frozenset(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december")
)
_VERB_MONTHS = frozenset({"march", "may"})  # also English verbs


def _is_month(text: str, tokens: list[re.Match[str]], i: int) -> bool:
    """A capitalized month name; "March"/"May" and abbreviations only next to a day or a year (or after
    a preposition, for March/May)."""
    word = tokens[i].group(0)
    if not word[0].isupper():
        return False
    lower = word.lower()
    if lower in _FULL_MONTHS and lower not in _VERB_MONTHS:
        return True
    if lower in _VERB_MONTHS:
        return _next_to_number(tokens, i) or _after_preposition(tokens, i)
    return _next_to_number(tokens, i)


def _next_to_number(tokens: list[re.Match[str]], i: int) -> bool:
    before = tokens[i - 1].group(0) if i else ""
    after = tokens[i + 1].group(0) if i + 1 < len(tokens) else ""
    return before[:1].isdigit() or after[:1].isdigit()


_MONTH_PREPOSITIONS = frozenset(
    ("in", "of", "since", "until", "by", "from", "early", "mid", "late", "end", "before", "after", "through")
)


def _after_preposition(tokens: list[re.Match[str]], i: int) -> bool:
    return i > 0 and tokens[i - 1].group(0).lower() in _MONTH_PREPOSITIONS


def compare_numbers(ja_text: str, en_text: str) -> tuple[list[NumberMention], list[NumberMention]]:
    """(Japanese mentions whose value the English lacks, English mentions whose value the Japanese lacks).

    Values are compared as sets: a value written twice on one side and once on the other is fine (an
    English writer often names a date once where the Japanese repeats it).  Weak mentions are never
    reported.
    """
    ja = japanese_numbers(ja_text)
    en = english_numbers(en_text)
    ja_values = {m.value for m in ja}
    en_values = {m.value for m in en}
    missing = [m for m in ja if not m.weak and m.value not in en_values]
    extra = [m for m in en if not m.weak and m.value not in ja_values]
    return missing, extra
