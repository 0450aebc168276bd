"""The corrections file: it only grows, a merge by published bead ids, the statement lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from taiyaku.corpora.corrections import append_correction, correction_from_beads, load_corrections
from taiyaku.errors import TaiyakuError
from taiyaku.model import BeadRecord, Correction
from taiyaku.publish.corpus import render_jsonl

RECORDS = [
    BeadRecord("b0", "会合は東京で開催された。", "The meeting was held in Tokyo.", ((0, 12),), ((0, 30),), "1-1", 0.99),
    BeadRecord("b1", "双方は議論した。", "Both sides talked.", ((13, 21),), ((31, 49),), "1-1", 0.98),
    BeadRecord("b2", "この文には英訳がない。", "", ((22, 33),), (), "1-0", 0.4),
    BeadRecord("b3", "次回は未定。", "The next one is open.", ((34, 40),), ((50, 71),), "1-1", 0.97),
]


def test_corrections_file_only_grows(tmp_path: Path) -> None:
    path = tmp_path / "corrections.jsonl"
    first = Correction(ja="一。", en="One.", reviewer="a", note="n", recorded="2026-11-27")
    second = Correction(ja="二。", en="", reviewer="b")
    append_correction(path, first)
    append_correction(path, second)
    assert load_corrections(path).corrections == [first, second]
    path.write_text(path.read_text() + '{"ja": "三。"}\n', encoding="utf-8")
    # A bad line is skipped and reported, never blocking the others (tests/hostile/test_review_work.py).
    read = load_corrections(path)
    assert read.corrections == [first, second]
    assert [(u.where, u.problem) for u in read.unreadable] == [
        (f"{path}:3", "a correction needs string fields 'ja' and 'en'")
    ]


def test_merge_from_published_beads(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(render_jsonl(RECORDS), encoding="utf-8")
    merged = correction_from_beads(corpus, ["b1", "b0"], reviewer="r")
    assert (merged.ja, merged.en, merged.reviewer) == ("会合は東京で開催された。双方は議論した。", "The meeting was held in Tokyo. Both sides talked.", "r")
    with pytest.raises(TaiyakuError, match="only consecutive beads"):
        correction_from_beads(corpus, ["b0", "b3"])
    with pytest.raises(TaiyakuError, match="no bead b99"):
        correction_from_beads(corpus, ["b99"])


def test_a_correction_waits_for_a_refresh_holding_the_statement_lock(tmp_path: Path) -> None:
    import threading

    from taiyaku.corpora.statement import statement_lock

    statement = tmp_path / "corpora" / "doc"
    statement.mkdir(parents=True)
    path = statement / "corrections.jsonl"
    done = threading.Event()

    def record() -> None:
        append_correction(path, Correction(ja="一。", en="One."))
        done.set()

    with statement_lock(statement):
        worker = threading.Thread(target=record)
        worker.start()
        assert not done.wait(0.3)  # blocked while the lock is held
        assert not path.exists()
    worker.join(5)
    assert done.is_set() and load_corrections(path).corrections == [Correction(ja="一。", en="One.")]
    assert sorted(p.name for p in (tmp_path / "corpora").iterdir()) == ["doc"]


def _jsonl(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode("utf-8")


def test_withdrawals_and_undos_retract_lines_without_rewriting_them() -> None:
    from taiyaku.corpora.corrections import parse_corrections

    content = _jsonl(
        '{"ja":"一。","en":"One."}',  # 1: `taiyaku correct`, no action
        '{"ja":"二。","en":"Two.","action":"a1"}',  # 2
        '{"withdraw":[1,2],"action":"a2"}',  # 3: a merge supersedes both...
        '{"ja":"一。二。","en":"One. Two.","action":"a2"}',  # 4: ...with this
        '{"undo":"a2"}',  # 5: the merge undone: lines 1 and 2 count again
        '{"ja":"三。","en":"","action":"a3"}',  # 6
        '{"withdraw":[6],"action":"a4"}',  # 7
    )
    read = parse_corrections(content, "corrections.jsonl")
    assert [(c.ja, c.en) for c in read.corrections] == [("一。", "One."), ("二。", "Two.")]
    assert read.correction_lines == [1, 2]
    assert [entry.line for entry in read.entries] == [1, 2, 3, 4, 5, 6, 7] and read.unreadable == []


def test_finding_decisions_latest_wins_and_bad_new_lines_are_skipped_like_any_bad_line() -> None:
    from taiyaku.corpora.corrections import apply_decisions, parse_corrections
    from taiyaku.model import CheckId, Finding, Severity

    finding = '{"ja":"第5回","en":"the sixth","check":"number-mismatch","ja_term":"5","found":"6"}'
    content = _jsonl(
        '{"finding":' + finding + ',"decision":"dismiss","reason":"ordinal","action":"a1","reviewer":"r"}',
        '{"finding":' + finding + ',"decision":"accept","reason":"","action":"a2"}',
        '{"undo":"a2"}',
        '{"finding":' + finding + ',"decision":"dismiss","reason":" "}',  # a dismissal needs a reason
        '{"finding":{"ja":1},"decision":"dismiss","reason":"x"}',
        '{"withdraw":[99]}',  # only earlier lines
        '{"withdraw":"1"}',
        '{"undo":3}',
        '{"ja":"一。","en":"One.","action":7}',
    )
    read = parse_corrections(content, "c.jsonl")
    assert [(d.decision, d.reason, d.reviewer) for d in read.decisions] == [("dismiss", "ordinal", "r")]
    assert [u.line for u in read.unreadable] == [4, 5, 6, 7, 8, 9]
    assert read.corrections == []
    found = Finding("b3", CheckId.NUMBER_MISMATCH, Severity.ERROR, "5", "5", "6", "…")
    other = Finding("b4", CheckId.NUMBER_MISMATCH, Severity.ERROR, "5", "5", "6", "…")
    kept, dismissed, accepted = apply_decisions(
        [found, other], {"b3": ("第 5 回", "the  sixth"), "b4": ("第5回", "the fifth")}, read.decisions
    )
    assert kept == [other] and [d.finding for d in dismissed] == [found] and accepted == []
    assert dismissed[0].to_dict()["reason"] == "ordinal"


def test_a_file_of_plain_corrections_reads_exactly_as_before(tmp_path: Path) -> None:
    path = tmp_path / "corrections.jsonl"
    path.write_bytes(_jsonl('{"ja":"一。","en":"One.","reviewer":"a","note":"n","recorded":"2026-11-27"}', "not json"))
    read = load_corrections(path)
    assert read.corrections == [Correction("一。", "One.", "a", "n", "2026-11-27")]
    assert [(u.line, u.problem) for u in read.unreadable] == [(2, "not valid JSON (Expecting value)")]
    assert read.decisions == [] and read.correction_lines == [1]
