"""Number, date, ordinal and counter extraction for the number-mismatch check."""

from __future__ import annotations

import pytest

from taiyaku.text.numbers import compare_numbers, english_numbers, japanese_numbers


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
