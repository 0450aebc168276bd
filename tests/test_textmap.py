"""MappedText: the offset map every rewrite between the decoded source and the segmenter goes through."""

from __future__ import annotations

import re

import pytest

from taiyaku.textmap import MappedText, MappedTextBuilder

SOURCE = "abc  def\nghi"


def spans(text: MappedText) -> list[tuple[int, int]]:
    return list(zip(text.starts, text.ends, strict=True))


def test_identity_slice_and_source_span() -> None:
    text = MappedText.identity(SOURCE[4:], base=4)
    assert text.text == " def\nghi"
    assert text.source_span() == (4, len(SOURCE))
    word = text[1:4]
    assert (word.text, word.source_span()) == ("def", (5, 8))
    assert text.source_span(2, 2) == (6, 6)  # empty: anchored where it is
    assert text.source_span(len(text), len(text)) == (len(SOURCE), len(SOURCE))


def test_strip_keeps_offsets() -> None:
    text = MappedText.identity("  abc \n", base=10).strip()
    assert (text.text, text.source_span()) == ("abc", (12, 15))
    assert MappedText.identity(" \n ").strip().text == ""


def test_sub_maps_each_replacement_to_its_match() -> None:
    text = MappedText.identity(SOURCE).sub(re.compile(r"\s+"), " ")
    assert text.text == "abc def ghi"
    assert spans(text)[3] == (3, 5)  # the folded "  "
    assert spans(text)[7] == (8, 9)  # the line break
    assert spans(text)[4] == (5, 6)
    dropped = MappedText.identity(SOURCE).sub(re.compile(r"\s+"), "")
    assert (dropped.text, spans(dropped)[3]) == ("abcdefghi", (5, 6))


def test_sub_with_an_empty_match_inserts_where_it_matched() -> None:
    # An insertion (a zero-width match) mapped to offset 0 of the source, wherever it was.
    text = MappedText.identity("lowerUpper", base=100).sub(re.compile(r"(?<=[a-z])(?=[A-Z])"), " ")
    assert text.text == "lower Upper"
    assert spans(text)[5] == (105, 105)
    assert text[6:].source_span() == (105, 110)


def test_sub_composes_onto_the_original_source() -> None:
    once = MappedText.identity("ＡＢ  Ｃ").sub(re.compile(r"\s+"), " ")
    twice = once.sub(re.compile(r"[Ａ-Ｚ]"), lambda match: chr(ord(match.group()) - 0xFEE0))
    assert twice.text == "AB C"
    assert spans(twice) == [(0, 1), (1, 2), (2, 4), (4, 5)]


def test_join_inserts_the_separator_between_neighbours() -> None:
    joined = MappedText.join([MappedText.identity("ab", 0), MappedText.identity("cd", 10)], " ")
    assert joined.text == "ab cd"
    assert spans(joined) == [(0, 1), (1, 2), (2, 2), (10, 11), (11, 12)]


def test_builder_replace_of_an_empty_original_inserts_at_the_current_position() -> None:
    builder = MappedTextBuilder()
    builder.extend(MappedText.identity("ab", 20))
    builder.replace(MappedText.identity("", 7), "-")  # an empty text has no position of its own
    builder.replace(MappedText.identity("xyz", 30), "_")
    assert spans(builder.build()) == [(20, 21), (21, 22), (22, 22), (30, 33)]


def test_offset_tables_must_match_the_text() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        MappedText("ab", (0,), (1,))
    with pytest.raises(TypeError, match="contiguous slices"):
        MappedText.identity("abc")[::2]
