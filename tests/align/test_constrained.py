"""Alignment constrained by reviewer corrections: forced beads, one-sided corrections, unmatched ones kept."""

from __future__ import annotations

from taiyaku.align import align_with_corrections
from taiyaku.model import Correction, Segment

JA_TEXTS = [
    "会合は2014年3月12日に東京で開催された。",
    "双方はサイバーセキュリティについて議論した。",
    "この文には英訳がない。",
    "双方はオープンデータの経験を共有することで一致した。",
    "次回の対話はワシントンDCで開催される。",
]
EN_TEXTS = [
    "The meeting was held in Tokyo on March 12, 2014.",
    "Both sides discussed cybersecurity.",
    "Both sides agreed to share their experience with open data.",
    "The next dialogue will be held in Washington, D.C.",
]


def _segments(texts: list[str], lang: str) -> list[Segment]:
    segments, pos = [], 0
    for i, text in enumerate(texts):
        segments.append(Segment(i, lang, text, pos, pos + len(text), "b0", "paragraph"))  # type: ignore[arg-type]
        pos += len(text) + 1
    return segments


JA = _segments(JA_TEXTS, "ja")
EN = _segments(EN_TEXTS, "en")


def _check_invariant(beads: list, n_ja: int, n_en: int) -> None:
    assert [i for b in beads for i in b.ja] == list(range(n_ja))
    assert [i for b in beads for i in b.en] == list(range(n_en))
    assert [b.index for b in beads] == list(range(len(beads)))


def test_without_corrections_it_is_the_plain_aligner() -> None:
    result = align_with_corrections(JA, EN, [])
    _check_invariant(result.beads, len(JA), len(EN))
    assert not any("reviewed" in b.flags for b in result.beads)


def test_two_sided_correction_is_forced_even_against_the_evidence() -> None:
    # A deliberately odd pairing: the reviewer's word wins over the aligner's.
    correction = Correction(ja=JA_TEXTS[1] + JA_TEXTS[2], en=EN_TEXTS[1] + " " + EN_TEXTS[2])
    result = align_with_corrections(JA, EN, [correction])
    _check_invariant(result.beads, len(JA), len(EN))
    forced = [b for b in result.beads if "reviewed" in b.flags]
    assert [(b.ja, b.en, b.score) for b in forced] == [((1, 2), (1, 2), 1.0)]
    assert result.unmatched == []


def test_one_sided_correction_takes_the_sentence_out_of_alignment() -> None:
    # White space and full-width forms do not matter when a correction is matched.
    correction = Correction(ja="この文には 英訳が\nない。", en="")
    result = align_with_corrections(JA, EN, [correction])
    _check_invariant(result.beads, len(JA), len(EN))
    forced = [b for b in result.beads if "reviewed" in b.flags]
    assert [(b.ja, b.en) for b in forced] == [((2,), ())]
    assert [(b.ja, b.en) for b in result.beads if "reviewed" not in b.flags] == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((3,), (2,)),
        ((4,), (3,)),
    ]


def test_correction_that_no_longer_matches_is_reported_not_dropped() -> None:
    stale = Correction(ja="もう存在しない文。", en="A sentence that is gone.", reviewer="r")
    crossing_a = Correction(ja=JA_TEXTS[3], en=EN_TEXTS[0])
    crossing_b = Correction(ja=JA_TEXTS[0], en=EN_TEXTS[2])
    result = align_with_corrections(JA, EN, [stale, crossing_a, crossing_b])
    _check_invariant(result.beads, len(JA), len(EN))
    assert stale in result.unmatched
    assert len(result.unmatched) == 2  # of two crossing corrections only one can hold


def test_one_sided_corrections_on_both_sides_keep_both_orders() -> None:
    ja_only = Correction(ja=JA_TEXTS[2], en="")
    en_only = Correction(ja="", en=EN_TEXTS[0])
    result = align_with_corrections(JA, EN, [ja_only, en_only])
    _check_invariant(result.beads, len(JA), len(EN))
    assert result.unmatched == []
    assert {(b.ja, b.en) for b in result.beads if "reviewed" in b.flags} == {((2,), ()), ((), (0,))}


def test_a_repeated_text_is_anchored_at_its_occurrence_after_earlier_corrections() -> None:
    heading_ja, heading_en = "参加者：", "Participants:"
    # The English repeats the heading at its top; the Japanese has it once, in the middle.
    ja = _segments([JA_TEXTS[0], heading_ja, JA_TEXTS[1]], "ja")
    en = _segments([heading_en, EN_TEXTS[0], heading_en, EN_TEXTS[1]], "en")
    first = Correction(ja=JA_TEXTS[0], en=EN_TEXTS[0])
    heading = Correction(ja=heading_ja, en=heading_en)
    result = align_with_corrections(ja, en, [first, heading])
    _check_invariant(result.beads, 3, 4)
    assert result.unmatched == []
    assert [(b.ja, b.en) for b in result.beads if "reviewed" in b.flags] == [((0,), (1,)), ((1,), (2,))]


def test_a_repeated_text_is_forced_at_the_occurrence_nearest_to_where_the_reviewer_saw_it() -> None:
    from taiyaku.align.constrained import SentenceIndex

    ja = _segments(["概要", "本文一。", "概要", "本文二。", "概要"], "ja")
    en = _segments(["Summary", "Text one.", "Summary", "Text two.", "Summary"], "en")
    index = SentenceIndex(ja)
    assert index.find_run_near("概要", None) == (0, 1)
    assert [index.find_run_near("概要", near) for near in (0, 1, 2, 3, 4, 40)] == [
        (0, 1),
        (0, 1),
        (2, 3),
        (2, 3),
        (4, 5),
        (4, 5),
    ]
    assert index.find_run_near("本文二。概要", 0) == (3, 5)
    first = align_with_corrections(ja, en, [Correction("概要", "Summary")])
    assert [(b.ja, b.en) for b in first.beads if b.score == 1.0 and "reviewed" in b.flags] == [((0,), (0,))]
    middle = align_with_corrections(ja, en, [Correction("概要", "Summary", ja_near=2, en_near=2)])
    assert [(b.ja, b.en) for b in middle.beads if "reviewed" in b.flags] == [((2,), (2,))]
    _check_invariant(middle.beads, 5, 5)
