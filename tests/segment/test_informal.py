"""Informal Japanese (chat, forums, customer support) through normalize and segment, as the pipeline reads it.

The examples are written for these tests.  Before informal sentence ends were handled, an exclamation
or question continued by a quotative particle was cut in two, an emoticon between two sentences was no
boundary, and a chat line ending in an emoticon or an ellipsis was taken for a title (never split, and a
heading against the English sentence).  The cases where the sentence goes on and the lines without any
final punctuation guard against splitting too much.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from taiyaku import pipeline
from taiyaku.model import BlockKind, Lang, Segment


def _segments(tmp_path: Path, text: str, lang: Lang = "ja") -> list[Segment]:
    path = tmp_path / f"{lang}.txt"
    path.write_text(text, encoding="utf-8")
    return pipeline.segment_blocks(pipeline.normalize_document(pipeline.pull_source(str(path)), lang), lang)


@pytest.mark.parametrize(
    "text",
    [
        "主人公はゼルダじゃないのかよ！って思った人、正直に手を挙げてください。",
        "一瞬どっちにしようか？と迷うのも楽しい。",
        "マジで！？とか言ってる場合じゃないです。",
        "そんなことある？なんて思ってたけど本当でした。",
    ],
    ids=["tte", "to", "toka", "nante"],
)
def test_quotation_ended_by_exclamation_or_question_and_continued_is_one_sentence(tmp_path: Path, text: str) -> None:
    segments = _segments(tmp_path, text + "\n")
    assert len(segments) == 1


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("昨日やっと届いた(>_<)開けたら壊れてた。", ["昨日やっと届いた(>_<)", "開けたら壊れてた。"]),
        ("楽しかった！（笑）また行きたいです。", ["楽しかった!(笑)", "また行きたいです。"]),
        ("今日は雨（笑）傘を忘れました。", ["今日は雨(笑)", "傘を忘れました。"]),
        ("今日のアプデ神すぎwww 明日もやる。", ["今日のアプデ神すぎwww", "明日もやる。"]),
        ("ありがとう！(^^)助かりました。", ["ありがとう!(^^)", "助かりました。"]),
    ],
    ids=["kaomoji", "warai-after-exclamation", "warai", "www", "kaomoji-after-exclamation"],
)
def test_emoticon_ends_a_sentence_and_stays_with_it(tmp_path: Path, text: str, sentences: list[str]) -> None:
    assert [s.text for s in _segments(tmp_path, text + "\n")] == sentences


@pytest.mark.parametrize(
    "text",
    ["了解(^_^;)です。", "サッカーW杯が始まった。", "詳しくは #URL# をご覧ください。"],
    ids=["kaomoji-before-desu", "capital-W", "placeholder"],
)
def test_no_boundary_where_the_sentence_goes_on(tmp_path: Path, text: str) -> None:
    assert len(_segments(tmp_path, text + "\n")) == 1


@pytest.mark.parametrize(
    "line",
    ["そのアプデまだ来てない…", "自分もずっとそう思ってた・・・", "正直に手を挙げて（笑）", "神アプデすぎwww"],
    ids=["ellipsis", "nakaguro-ellipsis", "warai", "www"],
)
def test_chat_line_ending_informally_is_a_sentence_not_a_title(tmp_path: Path, line: str) -> None:
    segments = _segments(tmp_path, line + "\n再起動したら直りました。\n")
    assert segments[0].kind == BlockKind.PARAGRAPH


def test_chat_line_with_an_emoticon_inside_is_split(tmp_path: Path) -> None:
    """A line without final punctuation is a title only if it is one sentence."""
    segments = _segments(tmp_path, "昨日やっとクリアした(>_<)ラスボス強すぎ\n攻略はまた今度書きます。\n")
    assert [s.text for s in segments[:2]] == ["昨日やっとクリアした(>_<)", "ラスボス強すぎ"]


def test_english_emoticon_before_a_capital_ends_the_sentence(tmp_path: Path) -> None:
    segments = _segments(tmp_path, "I finally beat it yesterday (>_<) The final boss is way too strong\n", "en")
    assert [s.text for s in segments] == ["I finally beat it yesterday (>_<)", "The final boss is way too strong"]


def test_lines_without_final_punctuation_stay_separate_sentences(tmp_path: Path) -> None:
    text = "お問い合わせありがとうございます\nご注文の商品は本日発送しました\n届くまで少々お待ちください\n"
    assert [s.text for s in _segments(tmp_path, text)] == [
        "お問い合わせありがとうございます",
        "ご注文の商品は本日発送しました",
        "届くまで少々お待ちください",
    ]
