"""The workbench's actions: recorded at once in corrections.jsonl, re-aligned locally, honoured by the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.statements import HOSTILE_TEXT, publish_statement, seed_copy

from taiyaku.corpora.corrections import load_corrections
from taiyaku.errors import TaiyakuError
from taiyaku.publish.corpus import read_corpus
from taiyaku.review import StaleView, Workbench


@pytest.fixture
def statement(tmp_path: Path) -> Path:
    return seed_copy(tmp_path)


def _bench(statement: Path, reviewer: str = "A. Sato") -> Workbench:
    return Workbench(statement, statement.parent.parent / "aligned", reviewer)


def _act(bench: Workbench, action: str, position: int | None = None, **params: object) -> str:
    if position is not None:
        params |= {"bead": position, "signature": bench.beads[position].signature}
    return bench.act(action, params, bench.publication)


def _lines(statement: Path) -> list[dict[str, object]]:
    text = (statement / "corrections.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _texts(bench: Workbench) -> list[tuple[str, str, bool]]:
    return [(*bench.texts(bead), bead.reviewed) for bead in bench.beads]


def _published(statement: Path) -> list[tuple[str, str, bool]]:
    records = read_corpus(statement.parent.parent / "aligned" / statement.name / "corpus.jsonl")
    return [(r.ja, r.en, r.reviewed) for r in records]


def test_every_action_is_recorded_at_once_and_the_next_run_publishes_exactly_the_workbench(statement: Path) -> None:
    bench = _bench(statement)
    assert bench.progress()["text"] == "0 of 52 beads confirmed, 13 need review"
    before = _texts(bench)

    # b4 is a 1-2 bead: merge it with b5, then undo that, then split it into a 1-1 and a 0-1.
    assert _act(bench, "merge", 4) == "b4 and b5 merged"
    assert len(bench.beads) == 51 and bench.beads[4].reviewed
    assert bench.texts(bench.beads[4]) == (before[4][0] + before[5][0], before[4][1] + " " + before[5][1])
    _act(bench, "undo")
    assert _texts(bench) == before
    _act(bench, "split", 4, ja_at=1, en_at=1)
    assert [(len(b.ja), len(b.en), b.reviewed) for b in bench.beads[4:6]] == [(1, 1, True), (0, 1, True)]
    # Move the English sentence of the new 0-1 bead back up into b4: one 1-2 bead again, confirmed.
    _act(bench, "move", 5, side="en", direction="up")
    assert bench.texts(bench.beads[4]) == before[4][:2] and bench.beads[4].reviewed
    # b20's Japanese has no counterpart; b30 is confirmed as it is.
    ja_20 = before[20][0]
    _act(bench, "no-counterpart", 20, side="ja")
    alone = [b for b in bench.beads if bench.texts(b) == (ja_20, "")]
    assert len(alone) == 1 and alone[0].reviewed
    assert before[20][1] in [bench.texts(b)[1] for b in bench.beads]  # its English, aligned again
    position = next(p for p, b in enumerate(bench.beads) if bench.texts(b) == before[30][:2])
    _act(bench, "confirm", position)
    # The number-mismatch finding on b2 (the English dateline says March 14) is a false alarm.
    assert [f.check for f in bench.beads[2].findings] == ["number-mismatch"]
    _act(bench, "decide", 2, finding=0, decision="dismiss", reason="the English page was dated a day later")
    assert not bench.bead_needs_review(bench.beads[2])
    # The number-mismatch on b8 (the "1" of the markup) is accepted: still reported, with the reason.
    _act(bench, "decide", 8, finding=0, decision="accept", reason="markup left in the heading")
    assert bench.bead_needs_review(bench.beads[8])

    lines = _lines(statement)
    assert all(line["reviewer"] == "A. Sato" and line["recorded"].endswith("Z") for line in lines)
    assert {line.get("action") for line in lines} and all(line.get("action") for line in lines)
    assert any("undo" in line for line in lines) and any("withdraw" in line for line in lines)
    shown = _texts(bench)
    progress = bench.progress()
    open_findings = [(f"b{p}", str(f.check)) for p, b in enumerate(bench.beads) for f in bench.open_findings(b)]

    publish_statement(statement)
    assert _published(statement) == shown
    report = json.loads((statement.parent.parent / "aligned" / statement.name / "report.json").read_text("utf-8"))
    assert [(f["bead_id"], f["check"]) for f in report["findings"]] == open_findings
    assert ("b8", "number-mismatch") in open_findings  # accepted, so still reported
    assert [(d["bead_id"], d["decision"], d["reason"]) for d in report["accepted_findings"]] == [
        ("b8", "accept", "markup left in the heading")
    ]
    assert [(d["check"], d["decision"], d["reason"], d["reviewer"]) for d in report["dismissed_findings"]] == [
        ("number-mismatch", "dismiss", "the English page was dated a day later", "A. Sato")
    ]
    assert report["summary"]["reviewed"] == progress["confirmed"]
    reviewed = [b for b in report["beads"] if "reviewed" in b["flags"]]
    assert all(b["score"] == 1.0 for b in reviewed)

    # A workbench opened on the new publication shows the same beads, with nothing left to re-align, and
    # the run's scores (it re-aligned each gap between confirmed beads whole).
    again = _bench(statement)
    assert _texts(again) == shown
    assert again.progress()["needs_review"] == report["summary"]["needs_review"]


def test_undo_retracts_only_the_last_action_and_restores_what_it_superseded(statement: Path) -> None:
    bench = _bench(statement)
    _act(bench, "confirm", 4)
    confirmed = _texts(bench)
    _act(bench, "merge", 4)  # supersedes the confirmation of b4
    assert len(bench.beads) == 51
    _act(bench, "undo")
    assert _texts(bench) == confirmed  # b4 confirmed again, as before the merge
    _act(bench, "undo")
    assert not any(b.reviewed for b in bench.beads)
    with pytest.raises(TaiyakuError, match="nothing to undo"):
        _act(bench, "undo")
    # Nothing was rewritten: every line is still there, the retractions appended after it.
    assert [next(iter(line)) for line in _lines(statement)] == ["ja", "withdraw", "ja", "undo", "undo"]
    assert load_corrections(statement / "corrections.jsonl").corrections == []


def test_a_stale_page_is_told_to_reload_instead_of_acting_on_the_wrong_bead(statement: Path) -> None:
    bench = _bench(statement)
    old_signature = bench.beads[5].signature
    _act(bench, "merge", 4)  # b5 is now another bead
    with pytest.raises(StaleView, match="reload"):
        bench.act("confirm", {"bead": 5, "signature": old_signature}, bench.publication)
    with pytest.raises(StaleView, match="published again"):
        bench.act("confirm", {"bead": 6, "signature": bench.beads[6].signature}, "not-this-publication")
    publish_statement(statement)  # the corpus is re-run meanwhile
    with pytest.raises(StaleView, match="published again"):
        _act(bench, "confirm", 6)
    assert len(_lines(statement)) == 1


def test_two_workbenches_on_one_statement_never_lose_an_action(statement: Path) -> None:
    first, second = _bench(statement, "first"), _bench(statement, "second")
    _act(first, "confirm", 10)
    _act(second, "confirm", 20)  # reads the first's line before appending its own
    assert [line["reviewer"] for line in _lines(statement)] == ["first", "second"]
    assert second.beads[10].reviewed and second.beads[20].reviewed
    _act(first, "confirm", 30)
    assert all(first.beads[p].reviewed for p in (10, 20, 30))


def test_refused_actions_write_nothing(statement: Path) -> None:
    bench = _bench(statement)
    last = len(bench.beads) - 1
    cases = [
        ("merge", last, {}, "no next bead"),
        ("split", 0, {"ja_at": 0, "en_at": 0}, "one part empty"),
        ("split", 0, {"ja_at": 5, "en_at": 0}, "outside the bead"),
        ("move", 0, {"side": "ja", "direction": "up"}, "no neighbouring bead"),
        ("move", 0, {"side": "fr", "direction": "up"}, "'side'"),
        ("decide", 2, {"finding": 0, "decision": "dismiss", "reason": " "}, "needs a reason"),
        ("decide", 0, {"finding": 3, "decision": "accept"}, "no such finding"),
        ("launch", 0, {}, "unknown action"),
    ]
    for action, position, params, problem in cases:
        with pytest.raises(TaiyakuError, match=problem):
            _act(bench, action, position, **params)
    assert not (statement / "corrections.jsonl").exists()
    _act(bench, "no-counterpart", 3, side="ja")
    alone = next(p for p, b in enumerate(bench.beads) if b.reviewed)
    with pytest.raises(TaiyakuError, match="nothing to change"):
        _act(bench, "no-counterpart", alone, side="ja")
    with pytest.raises(TaiyakuError, match="already confirmed"):
        _act(bench, "confirm", alone)
    assert len(_lines(statement)) == 1


def test_filters_search_pages_and_context(statement: Path) -> None:
    bench = _bench(statement)
    review = bench.page("review")
    assert review["total"] == 13 and all(row["needs_review"] for row in review["rows"])
    findings = bench.page("findings")
    assert [row["id"] for row in findings["rows"]] == ["b2", "b8"]
    assert bench.page("unconfirmed")["total"] == 52
    paged = bench.page("all", page=2, page_size=20)
    assert (paged["page"], paged["pages"], paged["rows"][0]["id"]) == (2, 3, "b20")
    hostile = bench.page("all", "ONERROR")
    assert [row["en"] for row in hostile["rows"]] == [[f"(2) ICT for Development {HOSTILE_TEXT}"]]
    assert bench.page("all", "東京において")["total"] == 1
    with pytest.raises(TaiyakuError, match="unknown filter"):
        bench.page("everything")
    context = bench.context(3, bench.beads[3].signature)
    assert context["ja"][0]["text"].startswith("2014 年 3 月 12 日") and "東京" in context["ja"][0]["text"]
    assert "<p>" in context["en"][0]["before"]  # the decoded source: the HTML markup itself


def test_a_workbench_whose_reload_failed_accepts_no_action(statement: Path) -> None:
    bench = _bench(statement)
    manifest = statement.parent.parent / "aligned" / statement.name / "manifest.json"
    manifest.unlink()  # a publication interrupted half-way
    with pytest.raises(TaiyakuError, match=r"manifest\.json"):
        bench.load()
    with pytest.raises(StaleView, match="reload"):
        bench.act("confirm", {"bead": 0, "signature": bench.beads[0].signature}, "")
    assert not (statement / "corrections.jsonl").exists()
