"""The link-F1 metric of ../shared/eval/README.md, and the F1 floor on a slice of the real sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.paths import shared_or_skip

from taiyaku.errors import TaiyakuError
from taiyaku.eval.alignment import (
    EvalReport,
    GoldUnit,
    format_report,
    load_gold,
    map_spans,
    score_document,
    set_documents,
)
from taiyaku.model import Bead, Segment
from taiyaku.pipeline import evaluate_set


def _seg(lang: str, index: int, start: int, end: int) -> Segment:
    return Segment(index, lang, "x" * (end - start), start, end, "b0", "paragraph")  # type: ignore[arg-type]


def test_map_spans_half_coverage_and_max_overlap() -> None:
    units = [(0, 10), (10, 20), (20, 40)]
    # Covers all of unit 0 and unit 1: maps to both.  Covers half of unit 2 exactly: maps to it.
    # Covers a third of unit 2 and nothing else: falls back to max overlap.  Outside everything: nothing.
    assert map_spans([(0, 20), (20, 30), (30, 36), (50, 60)], units) == [(0, 1), (2,), (2,), ()]
    # Less than half of two units each: the one it overlaps most.
    assert map_spans([(7, 13)], [(0, 10), (10, 100)]) == [(0,)]


def test_score_document_counts_links_unmapped_units_and_bead_correctness() -> None:
    gold = [GoldUnit((0, 10), (0, 30)), GoldUnit((10, 20), (30, 60)), GoldUnit((20, 30), (60, 90))]
    ja = [_seg("ja", 0, 0, 10), _seg("ja", 1, 10, 30)]  # the second sentence merges units 1 and 2
    en = [_seg("en", 0, 0, 30), _seg("en", 1, 30, 60), _seg("en", 2, 60, 90)]
    beads = [Bead(0, (0,), (0,), 0.99), Bead(1, (1,), (1, 2), 0.95)]
    score = score_document("doc", gold, beads, ja, en)
    # Links: (0,0) ✓; (1,1) ✓ (1,2) ✗ (2,1) ✗ (2,2) ✓
    assert (score.gold_units, score.predicted_links, score.correct_links, score.unmapped_units) == (3, 5, 3, 0)
    assert [b.correct for b in score.beads] == [True, False]

    dropped = score_document("doc", gold, [Bead(0, (0, 1), (0, 1), 0.5), Bead(1, (), (2,), 0.1)], ja, en)
    assert dropped.beads[1].correct is False  # an English sentence of a gold unit left unaligned
    report = EvalReport("set", [score])
    assert report.precision == pytest.approx(3 / 5)
    assert report.recall == pytest.approx(1.0)
    assert report.f1 == pytest.approx(0.75)


def test_unmapped_unit_is_counted() -> None:
    gold = [GoldUnit((0, 10), (0, 10)), GoldUnit((10, 12), (10, 40))]
    ja = [_seg("ja", 0, 0, 12)]  # covers unit 0 fully and unit 1 fully: both mapped on the Japanese side
    en = [_seg("en", 0, 0, 35)]  # covers unit 0 and 25/30 of unit 1: both mapped
    assert score_document("d", gold, [Bead(0, (0,), (0,), 1.0)], ja, en).unmapped_units == 0
    en_short = [_seg("en", 0, 0, 11)]  # 1/30 of unit 1 and most of unit 0: unit 1 unmapped in English
    assert score_document("d", gold, [Bead(0, (0,), (0,), 1.0)], ja, en_short).unmapped_units == 1


HEADER = "ja_start\tja_end\ten_start\ten_end\n"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("1\t2\tx\t4", "four non-negative integers"),
        ("1\t2\t3\t4\t5", "four non-negative integers"),
        ("1\t2\t3\t\u00b2", "four non-negative integers"),  # "²" passes str.isdigit, not int()
        ("5\t2\t3\t4", "ends before it starts"),
    ],
)
def test_bad_gold_file_names_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "gold.tsv"
    path.write_text(HEADER + "0\t1\t0\t1\n" + line + "\n", encoding="utf-8")
    with pytest.raises(TaiyakuError, match=problem) as caught:
        load_gold(path)
    assert caught.value.where == f"{path}:3"
    with pytest.raises(TaiyakuError, match="no document folders"):
        set_documents(tmp_path)


def test_gold_file_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "gold.tsv"
    path.write_bytes(("\ufeff" + HEADER + "0\t10\t0\t30\n").replace("\n", "\r\n").encode("utf-8"))
    assert load_gold(path) == [GoldUnit((0, 10), (0, 30))]


def _slice(tmp_path: Path, set_name: str, count: int) -> Path:
    """A set made of the first ``count`` documents of a shared set (symlinks: nothing copied)."""
    source = shared_or_skip("eval", set_name)
    target = tmp_path / set_name
    target.mkdir()
    for doc in sorted(p for p in source.iterdir() if (p / "gold.tsv").is_file())[:count]:
        (target / doc.name).symlink_to(doc, target_is_directory=True)
    return target


@pytest.mark.eval
@pytest.mark.parametrize(("set_name", "floor"), [("kyoto-wiki", 0.95), ("ntrex-news", 0.96)])
def test_f1_floor_on_a_slice_of_the_real_sets(tmp_path: Path, set_name: str, floor: float) -> None:
    report = evaluate_set(_slice(tmp_path, set_name, 12))
    assert report.f1 >= floor, format_report(report)
    assert report.unmapped_rate <= 0.005, format_report(report)
    count, accuracy = report.high_confidence_accuracy(0.9)
    assert count > 0.8 * len(report.outcomes()) and accuracy >= 0.95, format_report(report)


@pytest.mark.eval
def test_eval_flow_runs_a_set_in_one_flow_and_writes_corpora(tmp_path: Path, prefect_harness: None) -> None:
    from flows.evaluate import evaluate_set as evaluate_set_flow

    set_dir = _slice(tmp_path, "ntrex-news", 2)
    out = tmp_path / "pred"
    report = evaluate_set_flow(str(set_dir), str(out))
    assert len(report.documents) == 2 and report.f1 > 0.9
    for doc in report.documents:
        lines = (out / doc.name / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines]
        assert len(records) == len(doc.beads)
        assert {"id", "ja", "en", "ja_spans", "en_spans", "type", "score", "flags"} <= set(records[0])
    text = format_report(report)
    assert "F1" in text and "reliability" in text and "time per stage" in text
    figures = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert figures["link_f1"] == round(report.f1, 4) and figures["documents"] == 2
    assert sum(row["beads"] for row in figures["reliability"]) == len(report.outcomes())
    assert 0.0 <= figures["review_threshold"]["wrong_beads_flagged"] <= 1.0
