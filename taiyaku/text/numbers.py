"""Numbers, dates, ordinals and counters in Japanese and English text, as comparable values.

Both sides are reduced to *values* (canonical decimal strings): ``2014年3月13日`` gives 2014, 3, 13 and
``March 13, 2014`` gives 3, 13, 2014; ``第5回`` and ``fifth`` / ``5th`` give 5; ``7つ`` and ``seven`` give
7; ``２０１４`` gives 2014; ``1,000``, ``千`` and ``thousand`` give 1000; ``300万`` and ``3 million`` give
3000000; ``平成26年`` gives 2014; ``7.55am`` gives 7 and 55.  A hyphenated pair whose second number is
smaller is an identifier and must match whole: ``課題22-1`` needs ``22-1``, not just 22 (while ``12-13
March`` is a range, two numbers).

Every Japanese number needs an English counterpart of its own; an English number needs its value
somewhere in the Japanese (:func:`compare_numbers`).

Japanese kanji numerals are strong only where they are numbers: after 第 or before a counter (年, 月, 日,
回, つ, 人, か国...).  Inside ordinary words (一致, 統一, 一部, 十分, 八犬伝) they are weak.

*Weak* mentions may satisfy the other side but are never reported when the other side lacks them,
because translators add or drop them freely: English "zero", "one", "two", "first", "second", "once",
"single", "twice", Roman numerals (World War II), words that imply a number (both, double, trio, decade,
dozen, century); Japanese 1 (1時間 "an hour"), kanji numerals inside words, digits inside a Latin name
(SG1, 5G), N代 (10代 "teens"), the implicit two of 両 (両国, 両政府), 双方 ("both sides", "the two sides")
and 二国間 ("bilateral"), and a date restated in another calendar (1943年（昭和18年）: the English gives one).

The aligner uses the same values as language-neutral evidence that two sentences correspond
(:func:`number_values`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from taiyaku.model import Lang


@dataclass(frozen=True, slots=True)
class NumberMention:
    value: str  # canonical decimal: "2014", "1.5", "3000000"
    text: str  # as written
    start: int  # character span in the text it was found in
    end: int
    weak: bool = False
    # Kanji numerals inside an ordinary word (一致, 統一, 一宮): not a number at all (and so always weak),
    # though it may account for a number the English spells out ("the eight dogs" for 八犬伝).
    in_word: bool = False


def canonical(value: Decimal) -> str:
    """``Decimal`` → "2014", "1.5" (no exponent, no trailing zeros).

    Formatted as a decimal, never through ``int``: Python refuses to print an int of more than 4,300
    digits, and a text may hold a longer run of digits (a table flattened into one line, digits of pi).
    """
    integral = value.to_integral_value()
    return format(integral if value == integral else value.normalize(), "f")


# --- Japanese -------------------------------------------------------------------------------------------

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_LARGE_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}
_KANJI_NUMERALS = "".join(_KANJI_DIGITS) + "".join(_KANJI_SMALL_UNITS) + "".join(_KANJI_LARGE_UNITS)

# A run of digits / kanji numerals (thousands separators and a decimal point between digits; a space may
# stand around a kanji unit: "170 万", "1 万 5 千").
_UNITS = "十百千万億兆"
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
# Digits take kanji units only (1億2,500万, 5千), never kanji digits: 第2四半期 is "2" then 四半期.
_JA_NUMBER = re.compile(rf"{_ARABIC}(?:\s?[{_UNITS}](?:\s?{_ARABIC})?)*|[{_KANJI_NUMERALS}]+")
# Counters after which a kanji numeral is a number (the longest alternatives first).  Not 分 (十分 is
# "enough") nor 条 (三条, 四条 are street names; 第3条 has 第).
_JA_COUNTERS = (
    "か国",
    "カ国",
    "ヶ国",
    "ヵ国",
    "ケ国",
    "か月",
    "カ月",
    "ヶ月",
    "ヵ月",
    "ケ月",
    "箇月",
    "パーセント",
    "ヶ条",
    "か条",
    "箇条",
    "丁目",
    "番地",
    "周年",
    "項目",
    "時間",
    "週間",
    "日間",
    "部門",
    "機関",
    "団体",
    "ドル",
    "円",
    "ユーロ",
    "年",
    "月",
    "日",
    "回",
    "つ",
    "人",
    "名",
    "件",
    "点",
    "個",
    "社",
    "秒",
    "倍",
    "割",
    "%",
    "期",
    "次",
    "億",
    "万",
    "兆",
    "番",
    "号",
    "巻",
    "章",
    "項",
    "世",
    "代",
    "度",
    "本",
    "台",
    "冊",
    "枚",
    "隻",
    "頭",
    "匹",
    "羽",
    "歳",
    "才",
    "階",
    "時",
    "週",
)
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867}
_ERA_YEAR = re.compile(rf"({'|'.join(_ERAS)})\s*(\d+|[{_KANJI_NUMERALS}]+|元)\s*年")
# The implicit "two" of 両国 / 両政府 / 両日, 双方 ("both sides", "the two sides") and 二国間 ("bilateral").
_JA_IMPLICIT_TWO = re.compile(r"両(?=[\u4e00-\u9fff])|双方|二国間")
# A date given twice, in another calendar in brackets: 1943年（昭和18年）, 仁平3年（1153年）,
# 5年6月20日 (旧暦)（1619年7月30日）.  An English text gives one of the two.
_KANJI_SMALL = "〇一二三四五六七八九十"
_JA_DATE = (
    rf"(?:\d{{1,4}}|[{_KANJI_SMALL}]+|元)\s*年(?:\s*(?:\d{{1,2}}|[{_KANJI_SMALL}]+)\s*月)?"
    rf"(?:\s*(?:\d{{1,2}}|[{_KANJI_SMALL}]+)\s*日)?(?:\s*[（(]旧暦[）)])?"
)
_ERA_PREFIX = r"[^\d\s（）()、。,]{0,4}?"
_JA_DATE_PAIR = re.compile(rf"(?P<first>{_ERA_PREFIX}{_JA_DATE})\s*[（(]\s*(?P<second>{_ERA_PREFIX}{_JA_DATE})\s*[）)]")


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


# Every Japanese mention starts from a digit, a kanji numeral (二 of 二国間 included), 元 (平成元年), 両 or 双
# (双方): a sentence with none of them has no number, and most sentences are skipped at the cost of one search.
_JA_MAY_HOLD_NUMBER = re.compile(rf"[\d{_KANJI_NUMERALS}元両双]")


def japanese_numbers(text: str) -> list[NumberMention]:
    """The numbers of a Japanese text, in order."""
    text = unicodedata.normalize("NFKC", text)
    if not _JA_MAY_HOLD_NUMBER.search(text):
        return []
    return _parse_japanese_numbers(text)


def _parse_japanese_numbers(text: str) -> list[NumberMention]:
    """:func:`japanese_numbers` of an NFKC-normalized text, without the quick test."""
    mentions: list[NumberMention] = []
    taken: list[tuple[int, int]] = []
    for match in _ERA_YEAR.finditer(text):
        year_text = match.group(2)
        year = Decimal(1) if year_text == "元" else _kanji_value(year_text)
        if year is not None:
            mentions.append(NumberMention(canonical(year + _ERAS[match.group(1)]), match.group(0), *match.span()))
            taken.append(match.span())
    for match in _JA_IMPLICIT_TWO.finditer(text):
        mentions.append(NumberMention("2", match.group(0), *match.span(), weak=True))
        taken.append(match.span())
    for match in _JA_NUMBER.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in taken):
            continue
        run = match.group(0).rstrip(",.")
        end = start + len(run)
        has_digit = any(c.isdigit() for c in run)
        has_kanji = any(c in _KANJI_NUMERALS for c in run)
        value = _kanji_value("".join(run.split())) if has_kanji else _decimal(run)
        if value is None:
            continue
        after = text[end:].lstrip()
        in_word = has_kanji and not has_digit and not _is_kanji_number_context(text, start, end)
        weak = (
            # Kanji numerals inside words (一致, 八犬伝, 六道絵) are not numbers the English must give.
            in_word
            # 1 is often "a"/"an" in English (1時間 "an hour", 1か月 "a month").
            or value == 1
            # 10代 "teens", 3代目 "the third head": an age group or a generation, rarely a plain number.
            or after.startswith("代")
            # 二度と "never again"
            or after.startswith("度と")
            # Digits inside a Latin name (SG1, Study Group1, 5G) are the latin-mismatch check's business,
            # and a Japanese text often gives such a name twice (SG1：Study Group1).
            or _touches_latin(text, start, end)
        )
        # 2割 is "20 percent"; 5時半 is "5.30".
        if after.startswith("割"):
            mentions.append(NumberMention(canonical(value * 10), run + "割", start, end + 1, weak))
            weak = True
        mentions.append(NumberMention(canonical(value), run, start, end, weak, in_word))
        if after.startswith("時半"):
            mentions.append(NumberMention("30", run, start, end, weak=True))
    mentions = _weaken_restated_dates(text, mentions)
    mentions = _with_identifiers(text, mentions, strong=True)
    mentions.sort(key=lambda m: (m.start, m.end))
    return mentions


def _weaken_restated_dates(text: str, mentions: list[NumberMention]) -> list[NumberMention]:
    """In 1943年（昭和18年） or 仁平3年（1153年）, the date in the other calendar becomes weak: the one with
    the smaller year (an era year), or the bracketed one when both give the same year."""
    if not mentions or text.count("年") < 2:
        return mentions  # nothing to weaken, or no pair (each of its dates holds a 年): skip the slow search
    for pair in _JA_DATE_PAIR.finditer(text):
        groups = {name: pair.span(name) for name in ("first", "second")}
        years = {}
        for name, (a, b) in groups.items():
            inside = [m for m in mentions if a <= m.start and m.end <= b]
            years[name] = Decimal(inside[0].value) if inside and "-" not in inside[0].value else Decimal(0)
        other = "first" if years["first"] < years["second"] else "second"
        a, b = groups[other]
        mentions = [dataclasses.replace(m, weak=True) if a <= m.start and m.end <= b else m for m in mentions]
    return mentions


# Hyphenated numbers whose second part is smaller are identifiers (課題22-1, Question 22-1, Resolution
# 3-2), not ranges (12-13 March): the pair must match as a whole, or "Question 22" would pass for 22-1.
_IDENTIFIER = re.compile(r"(?<![\d.,])(\d{1,3})\s?[-‐‑–]\s?(\d{1,3})(?![\d.,]\d)")


def _with_identifiers(text: str, mentions: list[NumberMention], *, strong: bool) -> list[NumberMention]:
    """Add a mention for each identifier pair.  On the Japanese side (``strong``) the pair is required and
    its parts become weak; on the English side the pair is only available to satisfy the Japanese."""
    pairs = [m for m in _IDENTIFIER.finditer(text) if int(m.group(2)) < int(m.group(1))]
    if not pairs:
        return mentions
    out = list(mentions)
    for pair in pairs:
        if strong:
            out = [
                dataclasses.replace(m, weak=True) if pair.start() <= m.start and m.end <= pair.end() else m for m in out
            ]
        value = f"{int(pair.group(1))}-{int(pair.group(2))}"
        out.append(NumberMention(value, pair.group(0), *pair.span(), weak=not strong))
    return out


def _touches_latin(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return bool(re.match(r"[A-Za-z]", before) or re.match(r"[A-Za-z]", after))


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
    "zero": 0,
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
}
_EN_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_ORDINALS = {
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
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
    "thousandth": 1000,
}
_EN_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
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
# Words that are numbers but that translators add or drop freely ("one of", "first", "a second round",
# "the two places").
_EN_WEAK = frozenset({"zero", "one", "two", "first", "second", "once", "single", "twice"})
_EN_MULTIPLES = {"once": 1, "single": 1, "twice": 2}
# Words that imply a number: they may account for a Japanese number (2倍 "doubled", 3人組 "a trio", 過去10年
# "the past decade") but are never reported themselves.
_EN_IMPLIED = {
    "both": 2,
    "couple": 2,
    "pair": 2,
    "double": 2,
    "doubled": 2,
    "doubles": 2,
    "doubling": 2,
    "twin": 2,
    "twins": 2,
    "triple": 3,
    "tripled": 3,
    "trio": 3,
    "decade": 10,
    "decades": 10,
    "dozen": 12,
    "dozens": 12,
    "century": 100,
    "centuries": 100,
}
_EN_MULTIPLIERS = {"decades": 10, "dozen": 12, "centuries": 100}
# Every word english_numbers looks at (besides digits and Roman numerals).
_EN_NUMBER_WORDS = frozenset(
    _EN_UNITS.keys()
    | _EN_TENS.keys()
    | _EN_SCALES.keys()
    | _EN_ORDINALS.keys()
    | _EN_MONTHS.keys()
    | _EN_MULTIPLES.keys()
    | _EN_IMPLIED.keys()
)
_ROMAN = re.compile(r"(?=[IVX]{2,}$)X{0,3}(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}

_EN_TOKEN = re.compile(r"(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)(?P<suffix>[A-Za-z]*)|[A-Za-z]+")
# 7:55, 7.55am, 2pm, 2 p.m.: an hour (and minutes); a pm hour also stands for its 24-hour form (午後2時 or 14時).
_EN_TIME = re.compile(
    r"(?<![\d.,:])(?P<hour>\d{1,2})(?:(?P<sep>[:.])(?P<minute>\d{2}))?\s?(?P<half>[ap]\.?m\.?)(?![A-Za-z])"
    r"|(?<![\d.,:])(?P<hour24>\d{1,2}):(?P<minute24>\d{2})(?![\d:])",
    re.IGNORECASE,
)
_CURRENCY = "$£€¥"


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


def _roman_value(word: str) -> int | None:
    """World War II, Book III: Roman numerals of two or more letters (a lone I is the pronoun)."""
    if word[0] not in _ROMAN_VALUES or not _ROMAN.fullmatch(word):  # most words fail the quick test
        return None
    total = 0
    for i, letter in enumerate(word):
        value = _ROMAN_VALUES[letter]
        total += -value if i + 1 < len(word) and _ROMAN_VALUES[word[i + 1]] > value else value
    return total


# Every English mention starts from a digit (numbers, times, identifiers), a token that is a number word
# (any case: the parser lowers its ASCII tokens) or a Roman numeral: a sentence with none of them has no
# number.  Most sentences have none, and two set lookups over their tokens cost a tenth of parsing them.
_DIGIT = re.compile(r"\d")
_EN_LETTERS = re.compile(r"[A-Za-z]+")  # the tokens of _EN_TOKEN in a text without digits


def _may_hold_english_number(text: str) -> bool:
    if _DIGIT.search(text):
        return True
    tokens = _EN_LETTERS.findall(text)
    return not _EN_NUMBER_WORDS.isdisjoint(map(str.lower, tokens)) or any(
        _roman_value(token) is not None for token in tokens
    )


def english_numbers(text: str) -> list[NumberMention]:
    """The numbers of an English text, in order (number words composed: "twenty-one" → 21)."""
    text = unicodedata.normalize("NFKC", text)
    if not _may_hold_english_number(text):
        return []
    return _parse_english_numbers(text)


def _parse_english_numbers(text: str) -> list[NumberMention]:
    """:func:`english_numbers` of an NFKC-normalized text, without the quick test."""
    mentions: list[NumberMention] = []
    times: list[tuple[int, int]] = []
    for match in _EN_TIME.finditer(text):
        hour = int(match.group("hour") or match.group("hour24"))
        minute = match.group("minute") or match.group("minute24")
        if hour > 24 or (match.group("sep") == "." and not match.group("half")):
            continue
        mentions.append(NumberMention(str(hour), match.group(0), *match.span()))
        if minute is not None:
            mentions.append(NumberMention(str(int(minute)), match.group(0), *match.span()))
        if (match.group("half") or "").lower().startswith("p") and hour < 12:
            mentions.append(NumberMention(str(hour + 12), match.group(0), *match.span(), weak=True))
        times.append(match.span())
    tokens = list(_EN_TOKEN.finditer(text))
    if times:
        tokens = [t for t in tokens if not any(a <= t.start() < b for a, b in times)]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token.group(0)
        lower = word.lower()
        if lower not in _EN_NUMBER_WORDS and word[0] not in _ROMAN_VALUES and not token.group("number"):
            i += 1  # most words: none of the cases below
            continue
        found: NumberMention | None = None
        if token.group("number"):
            found, i = _digits_mention(text, tokens, i)
        elif lower in _EN_MONTHS and _is_month(text, tokens, i):
            found = NumberMention(str(_EN_MONTHS[lower]), word, *token.span())
            i += 1
        elif _word_value(lower) is not None:
            found, i = _words_mention(text, tokens, i)
        else:
            roman = _roman_value(word)
            if roman is not None:
                mentions.append(NumberMention(str(roman), word, *token.span(), weak=True))
            elif lower in _EN_IMPLIED:
                mentions.append(NumberMention(str(_EN_IMPLIED[lower]), word, *token.span(), weak=True))
            i += 1
            continue
        if found is None:
            continue
        mentions.append(found)
        # "two decades" also stands for 20, "three dozen" for 36.
        if i < len(tokens) and tokens[i].group(0).lower() in _EN_MULTIPLIERS and "." not in found.value:
            product = Decimal(found.value) * _EN_MULTIPLIERS[tokens[i].group(0).lower()]
            mentions.append(
                NumberMention(
                    canonical(product), text[found.start : tokens[i].end()], found.start, tokens[i].end(), weak=True
                )
            )
            i += 1
    return _with_identifiers(text, mentions, strong=False)


def _digits_mention(text: str, tokens: list[re.Match[str]], i: int) -> tuple[NumberMention | None, int]:
    token = tokens[i]
    value = _decimal(token.group("number"))
    if value is None:
        return None, i + 1
    start, end = token.span()
    suffix = token.group("suffix").lower()
    # £125m, $2.8bn: money in millions and billions ("125m" alone may be metres).
    if suffix in ("bn", "b") and (suffix == "bn" or text[start - 1 : start] in _CURRENCY):
        value *= 10**9
    elif suffix == "m" and text[start - 1 : start] in _CURRENCY:
        value *= 10**6
    elif suffix == "k" and text[start - 1 : start] in _CURRENCY:
        value *= 10**3
    i += 1
    # "1.5 million", "300 thousand"
    if i < len(tokens) and not suffix and _only_space_between(text, end, tokens[i].start()):
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
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    )
)
_VERB_MONTHS = frozenset({"march", "may"})  # also English verbs


def _is_month(text: str, tokens: list[re.Match[str]], i: int) -> bool:
    """A capitalized month name; "March"/"May" only next to a day or a year or after a preposition."""
    word = tokens[i].group(0)
    if not word[0].isupper():
        return False
    lower = word.lower()
    if lower in _FULL_MONTHS and lower not in _VERB_MONTHS:
        return True
    if lower in _VERB_MONTHS:
        return _next_to_number(tokens, i) or _after_preposition(tokens, i)
    # An abbreviation: Sept. or Jan. with its full stop, or next to a day or a year.
    return text[tokens[i].end() : tokens[i].end() + 1] == "." or _next_to_number(tokens, i)


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

    Every Japanese number needs its own English counterpart (二〇一四年十月 ... 二〇一四年四月 needs 2014 twice);
    an English number needs only its value somewhere in the Japanese, because an English writer may
    repeat a year or a date that the Japanese says once.  Weak mentions satisfy but are never reported.
    """
    ja = _mentions(ja_text, "ja")
    en = _mentions(en_text, "en")
    ja_values = {m.value for m in ja}
    available = Counter(m.value for m in en)
    missing = []
    for mention in sorted(ja, key=lambda m: m.weak):  # strong mentions claim the English values first
        if available[mention.value] > 0:
            available[mention.value] -= 1
        elif not mention.weak:
            missing.append(mention)
    missing.sort(key=lambda m: m.start)
    extra = [m for m in en if not m.weak and m.value not in ja_values]
    return missing, extra


def number_values(text: str, lang: Lang) -> set[str]:
    """The values of the numbers of a sentence, as keys to match across languages (the aligner's
    evidence): 2014年3月13日 and "March 13, 2014" both give {"2014", "3", "13"}.  Weak mentions count too
    (a value both sides give is evidence however freely translators treat it), but not kanji numerals
    inside ordinary words (一般, 統一, 一宮), which are no numbers at all."""
    return {m.value for m in _mentions(text, lang) if not m.in_word}


@functools.lru_cache(maxsize=1 << 16)
def _mentions(text: str, lang: Lang) -> tuple[NumberMention, ...]:
    """The numbers of a sentence, kept: the aligner reads them (:func:`number_values`) and the terminology
    checks compare them again (:func:`compare_numbers`), most sentences being a bead of their own; parsing
    them is a tenth of a book's alignment."""
    return tuple(japanese_numbers(text) if lang == "ja" else english_numbers(text))
