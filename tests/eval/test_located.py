"""Scoring PDF sentences against a text gold: each sentence located in ja.txt / en.txt by its text."""

from __future__ import annotations

from taiyaku.eval.alignment import EvalReport, GoldUnit, score_document
from taiyaku.eval.located import locate_segments, text_key
from taiyaku.model import Bead, BlockKind, Segment


def _segments(lang: str, texts: list[str]) -> list[Segment]:
    # The spans a PDF sentence carries point into the PDF's text layer: deliberately meaningless here.
    return [Segment(k, lang, text, 1000 + k, 1001 + k, "b0", BlockKind.PARAGRAPH) for k, text in enumerate(texts)]  # type: ignore[arg-type]


def _spans(gold_text: str, texts: list[str], lang: str = "en") -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in locate_segments(_segments(lang, texts), gold_text).segments]


def test_key_drops_white_space_and_hyphens_and_folds_width() -> None:
    assert text_key("co-\noperation  ＡＰＥＣ（２０１４）").text == "cooperationAPEC(2014)"
    key = text_key("a b\nc")
    assert key.offsets == (0, 2, 4)


def test_a_word_hyphenated_across_a_line_is_located_whole() -> None:
    gold = "Both sides reaffirmed their cooperation. They met again."
    spans = _spans(gold, ["Both sides reaffirmed their coop- eration.", "They met again."])
    assert spans == [(0, 40), (41, 56)]
    assert gold[spans[0][0] : spans[0][1]] == "Both sides reaffirmed their cooperation."


def test_white_space_differences_do_not_matter() -> None:
    gold = "総務省と米国国務省は、\n２０１４年３月１３日、東京において対話を開催した。次回は米国で開催する。"
    spans = _spans(
        gold, ["総務省と米国国務省は、2014年3月13日、東京において対話を開催した。", "次回は米国で開催する。"], "ja"
    )
    assert spans == [(0, 37), (37, 48)]


def test_a_footnote_a_page_number_and_a_running_header_map_to_no_unit() -> None:
    title = "Shingi Shingon sect"
    gold = f"{title}\n\nThe Shingi Shingon sect is a school. It was founded in 1140. The sect spread widely."
    sentences = [
        title,
        "The Shingi Shingon sect is a school.",
        "It was founded in 1140.",
        "3",  # a page number
        title,  # the running header of the next page: the title appears again in the body, further on
        "1 The account follows the published reference material.",  # a footnote
        "The sect spread widely.",
    ]
    located = locate_segments(_segments("en", sentences), gold)
    spans = [(s.start, s.end) for s in located.segments]
    assert spans[0] == (0, 19)
    assert [gold[a:b] for a, b in spans[1:3]] == ["The Shingi Shingon sect is a school.", "It was founded in 1140."]
    assert spans[3] == spans[4] == spans[5] == (0, 0)
    assert gold[spans[6][0] : spans[6][1]] == "The sect spread widely."
    assert located.unlocated == 3


def test_a_running_header_found_inside_the_next_sentence_does_not_take_it() -> None:
    title = "Shingi Shingon sect"
    gold = f"{title}\n\nIt is a school of Buddhism. The Shingi Shingon sect spread widely."
    sentences = [title, "It is a school of Buddhism.", title, "The Shingi Shingon sect spread widely."]
    located = locate_segments(_segments("en", sentences), gold)
    spans = [(s.start, s.end) for s in located.segments]
    assert spans[2] == (0, 0)
    assert gold[spans[3][0] : spans[3][1]] == "The Shingi Shingon sect spread widely."
    assert located.unlocated == 1


def test_a_page_number_or_a_heading_found_inside_a_sentence_does_not_unlocate_it() -> None:
    gold = "It was founded in 1340.\nSummary\nThe Summary of events follows."
    sentences = ["It was founded in 1340.", "3", "Summary", "The Summary of events follows."]
    spans = _spans(gold, sentences)
    assert [gold[a:b] for a, b in spans] == ["It was founded in 1340.", "", "Summary", "The Summary of events follows."]


def test_repeated_sentences_map_in_order() -> None:
    gold = "Yes. He agreed. Yes. She agreed. Yes."
    spans = _spans(gold, ["Yes.", "He agreed.", "Yes.", "She agreed.", "Yes."])
    assert spans == [(0, 4), (5, 15), (16, 20), (21, 32), (33, 37)]


def test_a_sentence_carrying_a_footnote_marker_is_located_at_its_text() -> None:
    gold = "The temple was rebuilt in 1603 by the shogunate. Its main hall is a national treasure."
    spans = _spans(gold, ["The temple was rebuilt in 1603 by the shogunate.1", "Its main hall is a national treasure."])
    assert [gold[a:b] for a, b in spans] == [
        "The temple was rebuilt in 1603 by the shogunate.",
        "Its main hall is a national treasure.",
    ]


def test_a_header_glued_into_a_sentence_leaves_the_sentence_located() -> None:
    gold = "First sentence of the page. The second sentence runs over the page break into the next page."
    glued = "The second sentence runs over the page Kyoto Temples 2 break into the next page."
    spans = _spans(gold, ["First sentence of the page.", glued])
    assert gold[spans[1][0] : spans[1][1]] == "The second sentence runs over the page break into the next page."


def test_a_sentence_the_extraction_dropped_is_skipped_and_the_next_ones_still_map() -> None:
    dropped = "This long sentence never made it out of the PDF, and nothing in the rendition carries its words. " * 6
    gold = "Opening sentence. " + dropped + "Closing sentence one. Closing sentence two."
    spans = _spans(gold, ["Opening sentence.", "Closing sentence one.", "Closing sentence two."])
    assert [gold[a:b] for a, b in spans] == ["Opening sentence.", "Closing sentence one.", "Closing sentence two."]


def test_text_in_no_gold_at_all_is_not_located() -> None:
    located = locate_segments(
        _segments("en", ["Completely unrelated words appear here."]), "A gold text about temples."
    )
    assert located.unlocated == 1


def test_located_sentences_score_like_the_text_they_came_from() -> None:
    ja_gold = "寺院である。\n\n創建は1140年。"
    en_gold = "It is a temple.\n\nIt was founded in 1140."
    gold = [GoldUnit((0, 6), (0, 15)), GoldUnit((8, 17), (17, 40))]
    ja = locate_segments(_segments("ja", ["寺院である。", "1", "創建は1140年。"]), ja_gold).segments
    en = locate_segments(_segments("en", ["It is a temple.", "It was found- ed in 1140."]), en_gold).segments
    beads = [Bead(0, (0,), (0,), 0.99), Bead(1, (1,), (), 0.2), Bead(2, (2,), (1,), 0.99)]
    score = score_document("doc", gold, beads, ja, en)
    assert EvalReport("set", [score]).f1 == 1.0
    assert [b.correct for b in score.beads] == [True, True, True]  # the page number's 1-0 bead maps to nothing
