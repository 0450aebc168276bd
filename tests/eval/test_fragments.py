"""Fragment rate (../shared/eval/pdf-real/README.md): beads whose text starts in the middle of a sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from taiyaku.eval.fragments import corpus_fragments, english_fragment, fragment_report, japanese_fragment
from taiyaku.model import BeadRecord
from taiyaku.publish.corpus import render_jsonl


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("focuses on identifying the most serious risks.", True),
        ("(and the application server) is configured.", True),
        ("The OWASP Top 10 focuses on risks.", False),
        ("3 sites were affected.", False),
        ("“Injection” comes first.", False),
        ("", False),
    ],
)
def test_english_fragment(text: str, fragment: bool) -> None:
    assert english_fragment(text) is fragment


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("を利用します。", True),  # a case particle
        ("も増加しています。", True),  # a binding particle
        ("ます。", True),  # an auxiliary
        ("です。", True),
        ("した。", True),  # し(する) + た: cut before the auxiliary ending
        ("いる。", True),
        ("っていた。", True),  # a small kana
        ("ーションを実施する。", True),  # the long-vowel mark
        ("、データの漏洩。", True),  # pausing punctuation
        ("）を参照。", True),  # a closing bracket
        ("」と述べた。", True),
        ("OWASP Top 10は、最も重大なリスクを特定する。", False),
        ("セキュリティ上の問題がある。", False),
        ("ある日、寺が建立された。", False),  # ある as a pre-noun adjectival, not an auxiliary verb
        ("・項目一", False),  # a list bullet
        ("「注意」と書かれていた。", False),  # an opening bracket
        ("2013年に公開された。", False),
        ("", False),
    ],
)
def test_japanese_fragment(text: str, fragment: bool) -> None:
    assert japanese_fragment(text) is fragment


def _record(number: int, ja: str, en: str, score: float) -> BeadRecord:
    kind = f"{int(bool(ja))}-{int(bool(en))}"
    return BeadRecord(f"b{number}", ja, en, ((0, len(ja)),) if ja else (), ((0, len(en)),) if en else (), kind, score)


RECORDS = [
    _record(
        0, "OWASP Top 10は、多様な組織のために、最も重大なウェブアプリケーションセ", "The OWASP Top 10 focuses on", 0.99
    ),
    _record(1, "キュリティリスクを特定する。", "identifying the most serious web application", 0.99),
    _record(2, "を利用します。", "risks for a broad array of organizations.", 0.5),
    _record(3, "", "and a stray English line.", 0.95),
    _record(4, "対策を示す。", "", 0.3),
]


def test_fragment_report_counts_per_side_and_the_confident_ones() -> None:
    report = fragment_report(RECORDS)
    assert (report.en.beads, report.en.fragments, report.en.confident_fragments) == (4, 3, 2)
    assert report.en.fragment_ids == ("b1", "b2", "b3")
    assert report.en.rate == pytest.approx(0.75)
    # キュリティ… starts mid-word with a full-size kana: not caught by the README's definition; を is.
    assert (report.ja.beads, report.ja.fragments, report.ja.confident_fragments) == (4, 1, 0)
    assert report.as_dict()["ja"] == {
        "beads": 4,
        "fragments": 1,
        "fragment_rate": 0.25,
        "fragments_scored_at_least_0.9": 0,
    }


def test_corpus_fragments_reads_a_published_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(render_jsonl(RECORDS), encoding="utf-8")
    assert corpus_fragments(corpus) == fragment_report(RECORDS)
