"""Number, date, ordinal and counter extraction for the number-mismatch check."""

from __future__ import annotations

import itertools
import random
import unicodedata
from pathlib import Path

import pytest

from taiyaku.text.numbers import (
    _EN_NUMBER_WORDS,
    _JA_DATE_PAIR,
    _JA_MAY_HOLD_NUMBER,
    _ROMAN,
    _may_hold_english_number,
    _parse_english_numbers,
    _parse_japanese_numbers,
    compare_numbers,
    english_numbers,
    japanese_numbers,
)

_SEED_CORPUS = Path(__file__).parents[2] / "corpora" / "us-japan-internet-economy-2014"


def strong(mentions: list) -> list[str]:
    return [m.value for m in mentions if not m.weak]


def weak(mentions: list) -> list[str]:
    return [m.value for m in mentions if m.weak]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("2014 年 3 月 12 日、13 日の 2 日間", ["2014", "3", "12", "13", "2"]),
        ("２０１４年１０月", ["2014", "10"]),
        ("第５回", ["5"]),
        ("第三国", ["3"]),
        ("7 つの新規プロジェクト", ["7"]),
        ("千人", ["1000"]),
        ("1,000人", ["1000"]),
        ("300万円", ["3000000"]),
        ("170 万人", ["1700000"]),
        ("1 万 5 千ドル", ["15000"]),
        ("1億2,500万ポンド", ["125000000"]),
        ("二千五百人", ["2500"]),
        ("二〇一四年", ["2014"]),
        ("平成26年", ["2014"]),
        ("課題22－1", ["22-1"]),
        ("2018年第2四半期", ["2018", "2"]),
        ("意見が一致した。統一した基準の一部。十分な議論。", []),
        ("数千の企業", []),
    ],
)
def test_japanese_values(text: str, values: list[str]) -> None:
    assert strong(japanese_numbers(text)) == values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("日米両政府", ["2"]),
        ("双方は", ["2"]),
        ("二国間協力", ["2"]),
        ("第一研究委員会", ["1"]),
        ("1時間後", ["1"]),
        ("SG1：Study Group1", ["1", "1"]),
        ("八犬伝", ["8"]),
        ("10代の若者", ["10"]),
    ],
)
def test_japanese_weak_values(text: str, values: list[str]) -> None:
    mentions = japanese_numbers(text)
    assert strong(mentions) == [] and weak(mentions) == values


def test_a_date_restated_in_another_calendar_is_needed_once() -> None:
    assert strong(japanese_numbers("1943年 （昭和18年） に")) == ["1943"]
    assert strong(japanese_numbers("明治4年（1871年）")) == ["1871"]
    assert strong(japanese_numbers("仁平3年（1153年）")) == ["1153"]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("March 13, 2014", ["3", "13", "2014"]),
        ("13 March 2014", ["13", "3", "2014"]),
        ("the fifth meeting", ["5"]),
        ("the 5th meeting", ["5"]),
        ("seven new projects", ["7"]),
        ("twenty-first century", ["21"]),
        ("two hundred and fifty", ["250"]),
        ("1,000 people and a thousand more", ["1000", "1000"]),
        ("1.5 billion", ["1500000000"]),
        ("£125m and £2.8bn", ["125000000", "2800000000"]),
        ("at 7.55am", ["7", "55"]),
        ("in the 1990s", ["1990"]),
        ("Question 22-1", ["22", "1"]),
        ("in Oct. 2014", ["10", "2014"]),
        ("They may march in May 2014.", ["5", "2014"]),
        ("thousands of people", []),
    ],
)
def test_english_values(text: str, values: list[str]) -> None:
    assert strong(english_numbers(text)) == values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("one of the first", ["1", "1"]),
        ("the two sides", ["2"]),
        ("World War II", ["2"]),
        ("doubled", ["2"]),
        ("the past two decades", ["2", "20"]),
        ("Question 22-1", ["22-1"]),
    ],
)
def test_english_weak_values(text: str, values: list[str]) -> None:
    assert weak(english_numbers(text)) == values


def test_compare_numbers() -> None:
    assert compare_numbers("2014年3月13日", "March 13, 2014") == ([], [])
    missing, extra = compare_numbers("２０１４年１０月と２０１４年４月", "October and April 2014")
    assert [m.value for m in missing] == ["2014"] and extra == []
    missing, extra = compare_numbers("第5回", "The sixth")
    assert [m.value for m in missing] == ["5"] and [m.value for m in extra] == ["6"]
    # An English writer may repeat what the Japanese says once.
    assert compare_numbers("2014年3月12日、13日", "on March 12, 2014 and March 13, 2014") == ([], [])


def test_a_run_of_more_digits_than_python_prints_as_an_int() -> None:
    # Python refuses str(int) beyond 4,300 digits; a flattened table or digits of pi must not crash the checks.
    digits = "3" * 5000
    assert compare_numbers(f"円周率は{digits}", f"pi is {digits}") == ([], [])
    assert [len(m.value) for m in english_numbers(f"{digits} decades")] == [5000, 5001]  # and "× 10"


# The quick tests that skip a sentence without numbers (english_numbers, japanese_numbers) must give what
# parsing it gives: random sentences built of the pieces that matter, and a real statement's lines.
_EN_PIECES = (
    *sorted(_EN_NUMBER_WORDS),
    *(word.upper() for word in ("one", "twice", "march", "decades")),
    *(word.title() for word in ("first", "may", "sept", "hundred", "dozen", "both")),
    *("I", "II", "XIV", "XL", "IIII", "VX", "Iv", "ix", "Ⅻ", "ＩＩ", "ｏｎｅ", "①", "٣", "İ", "ſeven"),
    *("the", "temple", "and", "of", "In", "It", "Vienna", "Xavier", "onerous", "often", "pm", "a.m.", "bn"),
    *("7", "12", "1,000", "2.5", "22-1", "7:55", "£3m"),
)
_JA_PIECES = (
    *("2014", "２０１４", "3", "1,000", "22-1", "年", "月", "日", "（", "）", "(", ")", "旧暦", "第", "つ", "人", "割"),
    *("一", "二", "十", "百", "千", "万", "億", "〇", "零", "元", "平成", "昭和", "両", "双方", "二国間", "時半"),
    *("京都", "の", "寺", "は", "SG", "Study Group", "一致", "数", "何", "、", "。", " ", "①", "Ⅻ"),
)


def _random_texts(pieces: tuple[str, ...], separators: tuple[str, ...], count: int) -> list[str]:
    generator = random.Random(20261202)
    return [
        "".join(generator.choice(pieces) + generator.choice(separators) for _ in range(generator.randint(1, 8))).strip()
        for _ in range(count)
    ]


def test_the_english_quick_test_changes_nothing() -> None:
    texts = ["World War II.", "Book XIV", "TWICE a year", "Chapter Ⅻ", "ｏｎｅ of them", "both sides", "In May"]
    texts += _random_texts(_EN_PIECES, (" ", " ", "-", ", ", "", "İ", "é"), 4000)
    texts += (_SEED_CORPUS / "en.html").read_text(encoding="utf-8").splitlines()
    skipped = 0
    for text in texts:
        normalized = unicodedata.normalize("NFKC", text)
        assert english_numbers(text) == _parse_english_numbers(normalized), text
        skipped += not _may_hold_english_number(normalized)
    assert skipped > 100  # the quick test did skip sentences: they are in the comparison


def test_the_japanese_quick_test_changes_nothing() -> None:
    texts = ["平成元年に", "令和元年", "両国の首脳", "双方が合意した", "二国間の協力", "第三国", "京都の寺"]
    texts += _random_texts(_JA_PIECES, ("", "", " ", "、"), 4000)
    texts += (_SEED_CORPUS / "ja.txt").read_text(encoding="utf-8").splitlines()
    skipped = 0
    for text in texts:
        normalized = unicodedata.normalize("NFKC", text)
        assert japanese_numbers(text) == _parse_japanese_numbers(normalized), text
        skipped += not _JA_MAY_HOLD_NUMBER.search(normalized)
        # _weaken_restated_dates skips a text with fewer than two 年: such a text holds no date pair.
        if normalized.count("年") < 2:
            assert _JA_DATE_PAIR.search(normalized) is None, text
    assert skipped > 100


def test_the_roman_numerals_are_those_the_parser_accepts() -> None:
    for length in range(1, 9):
        for letters in itertools.product("IVX", repeat=length):
            word = "".join(letters)
            assert _may_hold_english_number(word) == bool(_ROMAN.fullmatch(word)), word
