"""Sentence splitting: Japanese brackets and quotes, English abbreviations, headings, source spans."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from taiyaku.model import Block
from taiyaku.nlp import (
    SUDACHI_MAX_BYTES,
    english_nlp,
    english_tokens,
    japanese_nlp,
    japanese_sentence_tokens,
    japanese_tokens,
    sudachi_pieces,
)
from taiyaku.segment import segment
from taiyaku.segment.boundaries import (
    _emoticon_tokens,
    _tagged_tokens,
    _Token,
    _tokens,
    en_sentence_boundaries,
    english_sentence_spans,
    ja_sentence_boundaries,
    japanese_sentence_spans,
)
from taiyaku.text.informal import emoticon_spans
from taiyaku.textmap import MappedText


def _paragraph(text: str, block_id: str = "b0", base: int = 0) -> Block:
    return Block(block_id, "paragraph", MappedText.identity(text, base))


def _texts(text: str, lang: str) -> list[str]:
    return [s.text for s in segment([_paragraph(text)], lang)]  # type: ignore[arg-type]


def test_japanese_splits_after_terminals_and_keeps_closing_brackets() -> None:
    assert _texts("平安時代に始まった。彼は去った！本当？はい。終わり。）", "ja") == [
        "平安時代に始まった。",
        "彼は去った！",
        "本当？",
        "はい。",
        "終わり。）",
    ]


def test_japanese_never_splits_inside_parentheses_or_title_quotes() -> None:
    assert _texts("彼は（注。ここ）去った。『本。題。』を読んだ。", "ja") == [
        "彼は（注。ここ）去った。",
        "『本。題。』を読んだ。",
    ]


def test_japanese_quotation_followed_by_particle_stays_one_sentence() -> None:
    assert _texts("「走れ。」と言った。「はい。」って。", "ja") == ["「走れ。」と言った。", "「はい。」って。"]


def test_japanese_quotation_of_several_sentences_splits_between_them() -> None:
    assert _texts("「大切なことがあるのです。私には家族です。」息子は亡くなった。", "ja") == [
        "「大切なことがあるのです。",
        "私には家族です。」",
        "息子は亡くなった。",
    ]


def test_unmatched_bracket_does_not_block_splitting() -> None:
    assert _texts("「私たちの全て。「五週間。」と彼は述べた。次の文。", "ja")[-1] == "次の文。"


def test_japanese_decimal_and_latin_dots_are_not_boundaries() -> None:
    assert _texts("成長率は3.5倍で、U.S.の基準だ。次。", "ja") == ["成長率は3.5倍で、U.S.の基準だ。", "次。"]


def test_run_in_reading_and_line_break_are_boundaries() -> None:
    assert _texts("源為朝（みなもとのためとも）源為義の八男。竜田越（たつたごえ）は道。", "ja") == [
        "源為朝（みなもとのためとも）",
        "源為義の八男。",
        "竜田越（たつたごえ）は道。",
    ]
    assert _texts("歴史\n平安時代に始まった。", "ja") == ["歴史", "平安時代に始まった。"]


def test_english_abbreviations_initials_and_decimals() -> None:
    text = (
        "Mr. Smith went to Washington, D.C. on Jan. 5. He met J. R. R. Tolkien at 3 p.m. The U.S. Army, "
        "e.g. soldiers, i.e. men, paid $3.50. No. 5 is fine. Dr. Abe came."
    )
    assert _texts(text, "en") == [
        "Mr. Smith went to Washington, D.C. on Jan. 5.",
        "He met J. R. R. Tolkien at 3 p.m.",
        "The U.S. Army, e.g. soldiers, i.e. men, paid $3.50.",
        "No. 5 is fine.",
        "Dr. Abe came.",
    ]


def test_english_quotes_after_periods_stay_with_their_sentence() -> None:
    assert _texts('He gave others "hope." He also said: "Go." (It was late.) Next.', "en") == [
        'He gave others "hope."',
        'He also said: "Go."',
        "(It was late.)",
        "Next.",
    ]


def test_english_lower_case_continuation_is_not_a_boundary() -> None:
    assert _texts("Why? he asked. What! she said.", "en") == ["Why? he asked.", "What! she said."]


def test_headings_and_list_items_are_single_segments_with_source_spans() -> None:
    blocks = [
        Block("b0", "heading", MappedText.identity("History. Of it.", 100)),
        _paragraph("It began. It ended.", "b1", 200),
        Block("b2", "list_item", MappedText.identity("One item. Two.", 300)),
    ]
    segments = segment(blocks, "en")
    assert [(s.text, s.kind, s.block_id, s.start, s.end) for s in segments] == [
        ("History. Of it.", "heading", "b0", 100, 115),
        ("It began.", "paragraph", "b1", 200, 209),
        ("It ended.", "paragraph", "b1", 210, 219),
        ("One item. Two.", "list_item", "b2", 300, 314),
    ]
    assert [s.index for s in segments] == [0, 1, 2, 3]


def test_spans_follow_the_mapped_text_back_to_the_source() -> None:
    # A block whose normalized text came from a wider source (e.g. full-width characters, markup).
    builder_text = MappedText("ＡＢ。次。", (10, 11, 12, 20, 21), (11, 12, 13, 21, 22))
    segments = segment([Block("b0", "paragraph", builder_text)], "ja")
    assert [(s.text, s.start, s.end) for s in segments] == [("ＡＢ。", 10, 13), ("次。", 20, 22)]


# --- texts longer than Sudachi's input limit and spaCy's max_length -----------------------------------------


def test_sudachi_pieces_cut_after_line_breaks_or_terminals_and_fit_the_limit() -> None:
    # 40 bytes: 13 Japanese characters.  Cut where no token changes (after the last line break or terminal
    # that fits), else (a run with neither) after the last character that fits.
    text = "一行目です。\nまだ続く。そしてさらに続いていく" + "あ" * 30
    pieces = sudachi_pieces(text, max_bytes=40)
    assert pieces == ["一行目です。\nまだ続く。", "そしてさらに続いていくああ", "あ" * 13, "あ" * 13, "あ" * 2]
    assert sudachi_pieces("一行目\n" + "あ" * 13, max_bytes=40) == ["一行目\n", "あ" * 13]
    assert all(len(piece.encode("utf-8")) <= 40 for piece in pieces)
    assert sudachi_pieces("短い。", max_bytes=40) == ["短い。"]


def test_japanese_paragraph_longer_than_sudachis_limit_is_segmented_whole() -> None:
    sentence = "平安時代に寺が建てられた。"  # 13 characters, 39 bytes
    text = sentence * 1400  # 54,600 bytes: more than Sudachi accepts in one call
    assert len(text.encode("utf-8")) > SUDACHI_MAX_BYTES
    segments = segment([_paragraph(text, base=7)], "ja")
    assert len(segments) == 1400 and {s.text for s in segments} == {sentence}
    assert (segments[0].start, segments[-1].end) == (7, 7 + len(text))
    # A run without any sentence terminal is cut inside for Sudachi, and still one sentence.
    run = "あいうえおかきくけこ" * 1700
    assert [s.text for s in segment([_paragraph(run)], "ja")] == [run]


def test_japanese_tokens_of_a_long_text_keep_text_tags_and_sub_tokens() -> None:
    text = "東京都の取組を評価した。" * 1500
    doc = japanese_tokens(text)
    assert doc.text == text
    assert [t.text for t in doc[:4]] == ["東京都", "の", "取組", "を"] and doc[0].tag_.startswith("名詞")
    assert len(doc.user_data["sub_tokens"]) == len(doc)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "　 \n",
        "東京都の取組を評価した。",
        "ＩＣＴ　政策  について、\n\n  2014年 10月 に…（笑）　www",
        "全角　空白と half width  spaces\tと タブ。 ",
        " 先頭に空白 。 一つ  二つ   三つ\t\t末尾 \n ",
        "English words in a Japanese line: the U.S. and Japan 2014 .",
        "東京都の取組を評価した。\n" * 3000,  # past Sudachi's input limit: tokenized in pieces
        "あ" * 20000,  # no place to cut: pieces end mid-run
    ],
)
def test_sentence_tokens_are_the_tokenizers_tokens_with_their_tags(text: str) -> None:
    # Sentence splitting reads SudachiPy's morphemes aligned to the text by taiyaku (not spaCy's
    # tokenizer): they must be the same tokens, tags, offsets and spacing as spaCy's Japanese tokenizer gives.
    def view(doc: Doc) -> list[tuple[str, str, int, str]]:
        return [(t.text, t.tag_, t.idx, t.whitespace_) for t in doc]

    light = japanese_sentence_tokens(text)
    light_doc = Doc(japanese_nlp().vocab, words=light.words, spaces=light.spaces, tags=light.tags)
    assert light_doc.text == text
    assert view(light_doc) == view(japanese_tokens(text))


def test_english_paragraph_longer_than_spacys_max_length(monkeypatch: pytest.MonkeyPatch) -> None:
    # spaCy refuses texts over nlp.max_length (1,000,000 characters) before a parser sees them; these
    # pipelines have no parser, so a long paragraph must not be refused.
    monkeypatch.setattr(english_nlp(), "max_length", 100)
    text = "It began in Kyoto. " * 20
    assert len(segment([_paragraph(text)], "en")) == 20


# --- sentence splitting without a Doc: the same as the spaCy components -------------------------------------

_JAPANESE_PARAGRAPHS = [
    "平安時代に始まった。彼は去った！本当？はい。終わり。）",
    "彼は（注。ここ）去った。『本。題。』を読んだ。「走れ。」と言った。「はい。」って。",
    "「大切なことがあるのです。私には家族です。」息子は亡くなった。「私たちの全て。「五週間。」と彼は述べた。",
    "成長率は3.5倍で、U.S.の基準だ。次。源為朝（みなもとのためとも）源為義の八男。竜田越（たつたごえ）は道。",
    "久寿2年（1155年）父後白河天皇即位。同3年（1156年）4月19日に親王。明治4年（1871年）全国一律の制度。",
    "屋根(茅葺き、瓦)天井、天井裏 ■項目一 ※注記",
    "昨日やっと届いた(>_<)開けたら壊れてた。楽しかった！（笑）また行きたいです。神すぎwww 明日もやる。(^^)",
    "主人公はゼルダじゃないのかよ！って思った人。 どっちにしようか？と迷う。\n歴史\n  全角　空白  と\tタブ 。 ",
    "　 \n",
    "平安時代に寺が建てられた。" * 1400,  # past Sudachi's input limit
]
_ENGLISH_PARAGRAPHS = [
    "Mr. Smith went to Washington, D.C. on Jan. 5. He met J. R. R. Tolkien at 3 p.m. The U.S. Army, "
    "e.g. soldiers, i.e. men, paid $3.50. No. 5 is fine. Dr. Abe came.",
    'He gave others "hope." He also said: "Go." (It was late.) Next. Why? he asked. What! she said.',
    "MINAMOTO no Tamemoto He was the eighth son. In 1871 In preparation (see above) The clan worked.",
    "Roof (thatch, tile) Ceilings, walls  and\tfloors\n  A new line... yesterday (>_<) The final boss (^^) ok.",
    "  \n ",
    "It began in Kyoto. " * 300,
]


def _doc_view(doc: Doc) -> list[_Token]:
    return [_Token(t.i, t.text, t.tag_, t.idx, t.whitespace_, t.is_space) for t in doc]


@pytest.mark.parametrize("text", _JAPANESE_PARAGRAPHS + _ENGLISH_PARAGRAPHS)
def test_tokens_read_without_token_objects_are_the_docs_tokens(text: str) -> None:
    for doc in (japanese_tokens(text), english_tokens(text)):
        assert _tokens(doc, text) == _doc_view(doc)
    assert _tagged_tokens(japanese_sentence_tokens(text)) == _doc_view(japanese_tokens(text))


@pytest.mark.parametrize("text", _JAPANESE_PARAGRAPHS + _ENGLISH_PARAGRAPHS)
def test_emoticon_tokens_are_those_of_spacys_expanded_char_span(text: str) -> None:
    text = text + " (^_^;) (笑)x  ( ^^ )y (lol) 楽しいwww"
    for doc in (japanese_tokens(text), english_tokens(text)):
        expected = [False] * len(doc)
        for start, end in emoticon_spans(text):
            for token in doc.char_span(start, end, alignment_mode="expand") or []:
                expected[token.i] = True
        assert any(expected)
        assert _emoticon_tokens(_tokens(doc, text), text) == expected


@pytest.mark.parametrize("text", _JAPANESE_PARAGRAPHS)
def test_japanese_sentence_spans_are_the_components_sentences(text: str) -> None:
    doc = ja_sentence_boundaries(japanese_tokens(text))
    assert japanese_sentence_spans(text) == [(sent.start_char, sent.end_char) for sent in doc.sents]


@pytest.mark.parametrize("text", _ENGLISH_PARAGRAPHS)
def test_english_sentence_spans_are_the_components_sentences(text: str) -> None:
    doc = en_sentence_boundaries(english_tokens(text))
    assert english_sentence_spans(text) == [(sent.start_char, sent.end_char) for sent in doc.sents]
