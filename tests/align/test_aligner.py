"""The aligner on small constructed documents: bead shapes, anchoring evidence, invariants, banding."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

import taiyaku.align.aligner as align_module
from taiyaku.align import align, check_beads
from taiyaku.align.band import anchor_pairs
from taiyaku.align.features import SideFeatures, english_features, japanese_features
from taiyaku.align.lexicon import glossary_pairs
from taiyaku.align.romaji import kana_to_romaji, name_key, sound_key
from taiyaku.model import Bead, BeadFlag, Block, needs_review
from taiyaku.nlp import SUDACHI_MAX_BYTES
from taiyaku.segment import segment
from taiyaku.text.english import lexical_stem as stem
from taiyaku.text.numbers import number_values
from taiyaku.textmap import MappedText

JA_PARAGRAPHS = [
    "1143年に覚鑁が入寂した。",
    "根来寺は1585年に豊臣秀吉の大軍に攻撃された。",
    "江戸時代には寺の復興が許された。",
    "1886年に根来寺は新義派の根本道場として選定された。",
]
EN_PARAGRAPHS = [
    "Kakuban died in 1143.",
    "Negoro-ji Temple was attacked by the large army of Hideyoshi TOYOTOMI in 1585.",
    "The reconstruction of the temple was permitted in the Edo period.",
    "In 1886, Negoro-ji Temple was selected as the main Dojo of the Shingi school.",
]


def _segments(paragraphs: list[str], lang: str):  # type: ignore[no-untyped-def]
    blocks = [Block(f"b{k}", "paragraph", MappedText.identity(text)) for k, text in enumerate(paragraphs)]
    return segment(blocks, lang)  # type: ignore[arg-type]


def _pairs(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.ja, b.en) for b in beads]


def test_parallel_paragraphs_align_one_to_one() -> None:
    beads = align(_segments(JA_PARAGRAPHS, "ja"), _segments(EN_PARAGRAPHS, "en"))
    assert _pairs(beads) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]
    assert all(b.score >= 0.9 for b in beads)


def test_extra_english_paragraph_becomes_a_0_1_bead() -> None:
    english = [*EN_PARAGRAPHS[:2], "This paragraph was added by the translator and has no source.", *EN_PARAGRAPHS[2:]]
    beads = align(_segments(JA_PARAGRAPHS, "ja"), _segments(english, "en"))
    assert _pairs(beads) == [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), (3,)), ((3,), (4,))]
    assert beads[2].type == "0-1"


def test_extra_japanese_paragraph_becomes_a_1_0_bead() -> None:
    japanese = [*JA_PARAGRAPHS[:1], "この段落は翻訳されなかった追加の説明であり、英語版にはない。", *JA_PARAGRAPHS[1:]]
    beads = align(_segments(japanese, "ja"), _segments(EN_PARAGRAPHS, "en"))
    assert _pairs(beads) == [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,)), ((4,), (3,))]


def test_long_japanese_sentence_split_into_three_english_sentences_is_a_1_3_bead() -> None:
    japanese = [
        "1143年に覚鑁が入寂した。",
        "根来寺は1585年に豊臣秀吉の大軍に攻撃され、多くの僧侶が殺され、寺宝や文献は灰燼に帰し、新義真言宗は事実上壊滅した。",
        "江戸時代には寺の復興が許された。",
    ]
    english = [
        "Kakuban died in 1143.",
        "In 1585, a large army of Hideyoshi TOYOTOMI attacked Negoro-ji Temple. "
        "Many of the priests were killed. The temple treasures and the literature were burnt to ashes, "
        "and the Shingi Shingon sect was virtually demolished.",
        "The reconstruction of the temple was permitted in the Edo period.",
    ]
    beads = align(_segments(japanese, "ja"), _segments(english, "en"))
    assert _pairs(beads) == [((0,), (0,)), ((1,), (1, 2, 3)), ((2,), (4,))]
    assert beads[1].type == "1-3"


def test_numbers_decide_between_sentences_of_equal_length() -> None:
    # Inside one paragraph, the two middle English sentences are swapped in length terms only by their
    # numbers; the alignment must follow the numbers, and a 2-2 merge must not be preferred.
    japanese = ["会議は2014年3月13日に開かれた。第5回の会合には300人が参加した。参加国は12か国だった。"]
    english = [
        "The meeting was held on March 13, 2014. The fifth session drew 300 participants. Twelve countries took part."
    ]
    beads = align(_segments(japanese, "ja"), _segments(english, "en"))
    assert _pairs(beads) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_glossary_terms_are_lexical_evidence() -> None:
    class Entry:
        def __init__(self, ja: str, en: str, variants: tuple[str, ...] = ()) -> None:
            self.ja, self.en, self.variants = ja, en, variants

    class Glossary:
        entries = (Entry("総務省", "MIC", ("Ministry of Internal Affairs and Communications",)),)

    assert glossary_pairs(Glossary()) == [
        ("総務省", "MIC"),
        ("総務省", "Ministry of Internal Affairs and Communications"),
    ]
    # An empty side would "occur" in every sentence: such pairs are no evidence.
    cabinet_office = ("内閣府", "Cabinet Office")
    assert glossary_pairs([("", "MIC"), ("総務省", " "), cabinet_office]) == [cabinet_office]
    ja = _segments(["総務省が発表した。"], "ja")
    en = _segments(["MIC announced it."], "en")
    without = japanese_features(ja)
    with_glossary = japanese_features(ja, glossary_pairs(Glossary()))
    assert frozenset({"g:mic", "g:ministry of internal affairs and communications"}) in with_glossary.items[0]
    assert frozenset({"g:mic", "g:ministry of internal affairs and communications"}) not in without.items[0]
    assert any("g:mic" in item for item in english_features(en, glossary_pairs(Glossary())).items[0])


def test_invariant_holds_and_output_is_deterministic() -> None:
    japanese = _segments(JA_PARAGRAPHS * 3, "ja")
    english = _segments([*EN_PARAGRAPHS, "An unrelated remark."] * 2 + EN_PARAGRAPHS[:2], "en")
    first = align(japanese, english)
    check_beads(first, len(japanese), len(english))
    assert first == align(japanese, english)
    assert all(0.0 <= b.score <= 1.0 for b in first)


def test_empty_side_gives_null_beads_flagged_for_review() -> None:
    english = _segments(EN_PARAGRAPHS, "en")
    beads = align([], english)
    assert [b.type for b in beads] == ["0-1"] * 4
    assert all(b.score == 0.0 and b.flags == (BeadFlag.UNALIGNED,) for b in beads)
    assert all(needs_review(b.score, b.flags) for b in beads)
    check_beads(beads, 0, 4)
    assert align([], []) == []


def test_check_beads_rejects_dropped_duplicated_or_reordered_segments() -> None:
    with pytest.raises(AssertionError):
        check_beads([Bead(0, (0,), (0,), 1.0)], 2, 1)  # a Japanese segment dropped
    with pytest.raises(AssertionError):
        check_beads([Bead(0, (0,), (0,), 1.0), Bead(1, (0,), (1,), 1.0)], 1, 2)  # duplicated
    with pytest.raises(AssertionError):
        check_beads([Bead(0, (1,), (0,), 1.0), Bead(1, (0,), (1,), 1.0)], 2, 2)  # out of order
    with pytest.raises(AssertionError):
        check_beads([Bead(0, (), (), 1.0)], 0, 0)  # empty bead


def test_banded_search_matches_full_search(monkeypatch: pytest.MonkeyPatch) -> None:
    japanese = [f"{1000 + k}年に第{k + 1}回の会議が京都で開かれ、{k + 2}人が参加した。" for k in range(60)]
    english = [f"In {1000 + k}, meeting number {k + 1} was held in Kyoto with {k + 2} participants." for k in range(60)]
    english.insert(30, "This English paragraph has no Japanese counterpart at all.")
    ja, en = _segments(japanese, "ja"), _segments(english, "en")
    full = align(ja, en)
    monkeypatch.setattr(align_module, "FULL_SEARCH_CELLS", 100)
    monkeypatch.setattr("taiyaku.align.band.MIN_HALF_WIDTH", 5)
    banded = align(ja, en)
    assert _pairs(banded) == _pairs(full)
    assert ((), (30,)) in _pairs(banded)


def test_anchor_chain_is_monotone_and_drops_coincidences() -> None:
    ja = japanese_features(_segments(["1143年。", "覚鑁。", "1585年。", "1886年。"], "ja"))
    en = english_features(_segments(["In 1143.", "In 1886.", "Kakuban.", "In 1585."], "en"))
    chain = anchor_pairs(ja, en)
    assert chain == sorted(chain)
    assert all(a[1] < b[1] for a, b in itertools.pairwise(chain))
    assert (0, 0) in chain and len(chain) == 3


def test_number_values_match_across_languages() -> None:
    assert {"2014", "3", "13"} <= number_values("2014年3月13日", "ja")
    assert {"2014", "3", "13"} <= number_values("March 13, 2014", "en")
    assert "5" in number_values("第5回", "ja") and "5" in number_values("the fifth meeting", "en")
    assert "30000" in number_values("3万人", "ja") and "30000" in number_values("30,000 people", "en")
    assert "2014" in number_values("平成26年", "ja")
    assert "1" not in number_values("一般に統一された", "ja")  # kanji numerals inside words are not numbers
    assert "1" not in number_values("一宮の研究", "ja")  # nor inside names (一宮, Ichinomiya)
    assert "1" in number_values("一つの案", "ja") and "2" in number_values("both sides", "en")  # weak values count
    assert "3000000" in number_values("3 million", "en")


def test_readings_and_loanwords_meet_their_english_spelling() -> None:
    assert name_key(kana_to_romaji("カクバン")) == name_key("Kakuban")
    assert name_key(kana_to_romaji("コウヤ")) == name_key("Kōya")
    assert sound_key(kana_to_romaji("デザート")) == sound_key("dessert")
    assert sound_key(kana_to_romaji("オリンピック")) == sound_key("Olympic")
    assert sound_key(kana_to_romaji("センター")) == sound_key("center")
    assert sound_key(kana_to_romaji("デザート")) != sound_key("Olympic")


def test_lexicon_stems_meet_inflected_english() -> None:
    assert stem("temples") == stem("temple")
    assert stem("teaching") == stem("teach")
    ja = japanese_features(_segments(["寺の歴史。"], "ja"))
    keys = set().union(*ja.items[0])
    assert "s:" + stem("temples") in keys and "s:" + stem("history") in keys


def _keyed_features(pairs: list[tuple[int, int]], n: int, m: int) -> tuple[SideFeatures, SideFeatures]:
    """Features in which pair k = (i, j) is a key found only in Japanese sentence i and English sentence j."""
    ja: list[list[frozenset[str]]] = [[] for _ in range(n)]
    en: list[list[frozenset[str]]] = [[] for _ in range(m)]
    for k, (i, j) in enumerate(pairs):
        ja[i].append(frozenset({f"w:key{k}"}))
        en[j].append(frozenset({f"w:key{k}"}))
    return SideFeatures(np.ones(n), ja), SideFeatures(np.ones(m), en)


def _longest_chain_length(pairs: list[tuple[int, int]]) -> int:
    """The length of the longest chain strictly increasing in both coordinates, by plain O(n²) search."""
    longest: dict[tuple[int, int], int] = {}
    for pair in sorted(pairs):
        longest[pair] = 1 + max((longest[p] for p in longest if p[0] < pair[0] and p[1] < pair[1]), default=0)
    return max(longest.values(), default=0)


def test_anchor_chain_is_the_longest_monotone_chain() -> None:
    # Two keys of Japanese sentence 1: (1, 1) must not hide the longer chain (0, 5), (1, 6).
    assert anchor_pairs(*_keyed_features([(0, 5), (1, 1), (1, 6)], 2, 7)) == [(0, 5), (1, 6)]
    rng = random.Random(7)
    for _ in range(300):
        n, m = rng.randint(1, 8), rng.randint(1, 8)
        pairs = sorted({(rng.randrange(n), rng.randrange(m)) for _ in range(rng.randint(0, 12))})
        chain = anchor_pairs(*_keyed_features(pairs, n, m))
        assert set(chain) <= set(pairs)
        assert all(a[0] < b[0] and a[1] < b[1] for a, b in itertools.pairwise(chain)), (pairs, chain)
        assert len(chain) == _longest_chain_length(pairs), (pairs, chain)


def test_glossary_rendering_is_evidence_only_as_whole_words() -> None:
    pairs = [("総務省", "MIC")]
    items = english_features(_segments(["Economic growth.", "MIC's plan.", "Both MICs agreed."], "en"), pairs).items
    assert [frozenset({"g:mic"}) in sentence for sentence in items] == [False, True, True]


def test_features_of_a_sentence_do_not_depend_on_the_sentences_before_it() -> None:
    # Sudachi reads 藤原 フジバル in "関白藤原師通" and フジワラ (FUJIWARA) elsewhere: the second sentence
    # must keep its own reading whatever came first.
    first, second = "関白藤原師通の三男。", "母は高倉三位藤原成子。"
    together = japanese_features(_segments([first, second], "ja")).items[1]
    assert together == japanese_features(_segments([second], "ja")).items[0]
    assert any("n:fujiwara" in item for item in together)


def test_sentences_longer_than_sudachis_limit_are_aligned() -> None:
    japanese = ["1143年に覚鑁が入寂した。", "根来寺" * 6000, "1886年に根来寺は選定された。"]  # 54 KB of UTF-8
    english = ["Kakuban died in 1143.", "Negoro-ji " * 3000, "In 1886, Negoro-ji Temple was selected."]
    ja, en = _segments(japanese, "ja"), _segments(english, "en")
    assert len(ja[1].text.encode("utf-8")) > SUDACHI_MAX_BYTES
    assert _pairs(align(ja, en)) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_a_single_sentence_each_side_is_one_bead() -> None:
    (bead,) = align(_segments(["寺の歴史。"], "ja"), _segments(["The history of the temple."], "en"))
    assert (bead.ja, bead.en, bead.type) == ((0,), (0,), "1-1") and 0.0 <= bead.score <= 1.0
