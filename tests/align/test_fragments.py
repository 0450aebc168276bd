"""Beads that start or end mid-sentence are flagged and never scored as good pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from taiyaku.align.fragments import (
    FRAGMENT_SCORE,
    _ends_with_particle,
    _last_word_cannot_end,
    ends_mid_sentence,
    mark_fragments,
    starts_mid_sentence,
)
from taiyaku.model import REVIEW_THRESHOLD, Bead, BeadFlag, BlockKind, Lang, Segment


def segment(text: str, lang: Lang, index: int = 0, block: str = "b0", kind: BlockKind = BlockKind.PARAGRAPH) -> Segment:
    return Segment(index, lang, text, 0, len(text), block, kind)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("focuses on identifying the most serious web application risks.", "en", True),
        ("The OWASP Top 10 focuses on identifying the most serious risks.", "en", False),
        ("http://example.com/app/accountView?id=1", "en", True),  # no sentence of running text
        ("をテーマとした会合が開催された。", "ja", True),  # a particle
        ("ました。", "ja", True),  # an auxiliary
        ("ョンセキュリティの意識を高める。", "ja", True),  # a small kana
        ("ーネットガバナンスを支持する。", "ja", True),  # a prolonged sound mark
        ("」と述べた。", "ja", True),  # closing punctuation
        ("両国は協力を強化することで一致した。", "ja", False),
        ("していることを確認した。", "ja", True),  # the し of した, cut from its verb
        ("<was T10 2004 A10 – Insecure Configuration Management>", "en", True),
        ("?", "ja", True),
        ("だが、これによってリスクA2とA3の順位を入れ替えました。", "ja", False),  # a conjunction, not an auxiliary
        ("ですので、明日も全力です。", "ja", False),
    ],
)
def test_starts_mid_sentence(text: str, lang: Lang, expected: bool) -> None:
    assert starts_mid_sentence(text, lang) is expected


@pytest.mark.parametrize(
    ("text", "lang", "kind", "expected"),
    [
        ("a) meet all the authentication and session", "en", BlockKind.PARAGRAPH, False),
        ("The OWASP Top 10 focuses on identifying the most serious web application", "en", BlockKind.PARAGRAPH, False),
        ("Both sides agreed to strengthen their cooperation in the", "en", BlockKind.PARAGRAPH, True),
        ("Both sides agreed to strengthen their cooperation on infra-", "en", BlockKind.PARAGRAPH, True),
        ("The participants discussed cloud computing,", "en", BlockKind.PARAGRAPH, True),
        ("Redirects and", "en", BlockKind.HEADING, True),  # a table heading cut after "and"
        ("多様な組織のために、最も重大なウェブアプリケーションの", "ja", BlockKind.PARAGRAPH, True),
        ("両国は、開発途上国における能力構築を支援するため、", "ja", BlockKind.PARAGRAPH, True),
        ("第一期生について", "ja", BlockKind.HEADING, False),
        ("本当にそうなのか", "ja", BlockKind.PARAGRAPH, False),  # a sentence-final particle
        ("2014年3月13日", "ja", BlockKind.PARAGRAPH, False),
        ("床(板の間、むしろ、畳、土間、フローリング)", "ja", BlockKind.PARAGRAPH, False),  # a list entry
    ],
)
def test_ends_mid_sentence_by_its_last_word(text: str, lang: Lang, kind: BlockKind, expected: bool) -> None:
    assert ends_mid_sentence(segment(text, lang, kind=kind), None) is expected


def test_a_sentence_followed_by_a_cut_one_ends_mid_sentence() -> None:
    cut = segment("The OWASP Top 10 focuses on identifying the most serious web application", "en")
    rest = segment("security risks for a broad array of organizations.", "en", 1, "b1")
    assert ends_mid_sentence(cut, rest)
    assert not ends_mid_sentence(cut, segment("Security risks are broad.", "en", 1, "b1"))


def test_fragments_are_flagged_and_capped_reviewed_beads_untouched() -> None:
    ja = [
        segment("OWASP Top 10は、多様な組織のために、最も重大なウェブアプリケーションセ", "ja", 0, "b0"),
        segment("キュリティリスクの特定に焦点を当てている。", "ja", 1, "b1"),
        segment("両国は協力を強化することで一致した。", "ja", 2, "b2"),
    ]
    en = [
        segment("The OWASP Top 10 focuses on identifying the most serious web application", "en", 0, "b0"),
        segment("security risks for a broad array of organizations.", "en", 1, "b1"),
        segment("Both sides agreed to strengthen their cooperation.", "en", 2, "b2"),
    ]
    beads = [Bead(0, (0,), (0,), 0.99), Bead(1, (1,), (1,), 0.99, (BeadFlag.REVIEWED,)), Bead(2, (2,), (2,), 0.98)]
    marked = mark_fragments(beads, ja, en)
    assert marked[0].score == FRAGMENT_SCORE < REVIEW_THRESHOLD
    assert marked[0].flags == (BeadFlag.FRAGMENT,)
    assert marked[1] == beads[1]  # a reviewer confirmed it: the reviewer decides
    assert marked[2] == beads[2]


def test_a_japanese_sentence_ending_in_a_full_stop_is_not_tokenized_for_its_end() -> None:
    # _last_word_cannot_end answers False for a text ending in 。 without tokenizing it: what tokenizing says.
    statement = Path(__file__).parents[2] / "corpora" / "us-japan-internet-economy-2014" / "ja.txt"
    lines = [line.strip() for line in statement.read_text(encoding="utf-8").splitlines() if line.strip()]
    cut = [
        "京都の",
        "協力を",
        "会合に",
        "東京で",
        "日本と",
        "行くか",
        "そうだね",
        "モーニング娘",
        "ABC",
        "2014年",
        "「の",
    ]
    texts = [line.rstrip("。") + "。" for line in lines] + [text + "。" for text in cut] + ["。", "を。", "の。。"]
    for text in texts:
        assert not _ends_with_particle(text), text
        assert _last_word_cannot_end(segment(text, "ja")) is False, text
    # The same texts without their full stop do end with particles: the check above could fail.
    assert sum(_ends_with_particle(text) for text in cut) >= 5
