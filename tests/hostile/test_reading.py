"""Hostile input, issue 9 item 8: every command validates what it reads and says what is wrong in one line.

Hand-edited or damaged published corpora (``corpus.jsonl``, ``corpus.tmx``, ``corpus.tsv``), hypothesis
files in the wrong encoding or of the wrong length, outputs that would overwrite the input: ``check`` and
``score`` (and ``correct --merge``, which reads the corpus too) end with ``taiyaku: error: <file>: <problem>``
and exit 1, never a traceback; ``align`` / ``run``, which only consult the old corpus for the shrink guard,
publish the new one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support.paths import STATEMENT_DIR

from taiyaku.cli import main
from taiyaku.corpora.corrections import append_correction, correction_from_beads
from taiyaku.errors import TaiyakuError
from taiyaku.model import BeadRecord
from taiyaku.publish.corpus import render_jsonl, render_tmx, render_tsv

RECORDS = [
    BeadRecord("b0", "会合は東京で開催された。", "The meeting was held in Tokyo.", ((0, 12),), ((0, 30),), "1-1", 0.99),
    BeadRecord("b1", "双方は議論した。", "Both sides talked.", ((13, 21),), ((31, 49),), "1-1", 0.98),
    BeadRecord("b2", "次回は未定。", "The next one is open.", ((22, 28),), ((50, 71),), "1-1", 0.97),
]
GOOD_JSONL = render_jsonl(RECORDS)
GOOD_TMX = render_tmx(RECORDS)
GOOD_TSV = render_tsv(RECORDS)


def _first_line_with(**changes: object) -> str:
    """The good corpus with fields of its first bead replaced (a hand edit)."""
    lines = GOOD_JSONL.splitlines(keepends=True)
    bead = json.loads(lines[0]) | changes
    return json.dumps(bead, ensure_ascii=False) + "\n" + "".join(lines[1:])


def _one_error_line(err: str, named: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # one line: no traceback
    assert lines[0].startswith("taiyaku: error: ") and named in lines[0], lines[0]
    return lines[0]


# ------------------------------------------------------------------------------ check: corpus.jsonl

# name → (file content, what the error must say)
HOSTILE_JSONL: dict[str, tuple[bytes, str]] = {
    "score is a word": (_first_line_with(score="high").encode(), "corpus.jsonl:1: 'score' must be a number"),
    "score is true": (_first_line_with(score=True).encode(), "'score' must be a number"),
    "score above 1": (_first_line_with(score=1.5).encode(), "'score' must be a number from 0 to 1"),
    "score NaN": (GOOD_JSONL.replace('"score":0.99', '"score":NaN').encode(), "'score' must be a number"),
    "score Infinity": (GOOD_JSONL.replace('"score":0.99', '"score":Infinity').encode(), "from 0 to 1"),
    "flags is a number": (_first_line_with(flags=5).encode(), "corpus.jsonl:1: 'flags' must be a list of strings"),
    "spans not pairs": (_first_line_with(ja_spans=[0, 12]).encode(), "spans must be a list of [start, end] pairs"),
    "span ends before it starts": (_first_line_with(en_spans=[[30, 0]]).encode(), "0 <= start <= end"),
    "negative span": (_first_line_with(en_spans=[[-5, 3]]).encode(), "0 <= start <= end"),
    "id is a number": (_first_line_with(id=7).encode(), "'id' must be a string"),
    "type is a list": (_first_line_with(type=["1-1"]).encode(), "'type' must be a string"),
    "ja missing": (GOOD_JSONL.replace('"ja":"会合は東京で開催された。",', "", 1).encode(), "needs string fields"),
    "line is not an object": (b"[1, 2]\n" + GOOD_JSONL.encode(), "corpus.jsonl:1: a corpus line needs"),
    "truncated line": (GOOD_JSONL.encode()[:-40], "corpus.jsonl:3: not valid JSON"),
    "cut inside a character": (GOOD_JSONL.encode()[: GOOD_JSONL.encode().index("次".encode()) + 1], "3: not UTF-8"),
    "Shift_JIS bytes": (GOOD_JSONL.encode("cp932"), "corpus.jsonl:1: not UTF-8 text"),
    "binary garbage": (bytes(range(256)) * 4, "not UTF-8 text"),
    "nested a million deep": (b"[" * 1_000_000 + b"]" * 1_000_000 + b"\n", "nested too deeply"),
    "duplicate bead ids": (GOOD_JSONL.replace('"id":"b1"', '"id":"b0"').encode(), "bead id 'b0' is used twice"),
    "empty file": (b"", "the corpus holds no beads"),
    "blank lines only": (b"\n  \n\n", "the corpus holds no beads"),
}


@pytest.mark.parametrize("case", list(HOSTILE_JSONL))
def test_check_refuses_a_hostile_jsonl_in_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, problem = HOSTILE_JSONL[case]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(content)
    assert main(["check", str(corpus)]) == 1
    assert problem in _one_error_line(capsys.readouterr().err, str(corpus))
    assert not (tmp_path / "findings.json").exists()


def test_check_still_reads_a_good_hand_edited_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The validation must not refuse what a careful translator writes: a BOM-free edit, an integer score.
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(_first_line_with(score=1, en="The meeting was held in Kyoto."), encoding="utf-8")
    assert main(["check", str(corpus)]) == 0
    assert json.loads((tmp_path / "findings.json").read_text(encoding="utf-8")) == {"findings": []}


# -------------------------------------------------------------------------------- check: corpus.tmx

_TU = '<tu tuid="b0"><tuv xml:lang="ja"><seg>{ja}</seg></tuv><tuv xml:lang="en"><seg>{en}</seg></tuv></tu>'
_LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))

HOSTILE_TMX: dict[str, tuple[bytes, str]] = {
    "billion laughs": (
        (
            f'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY l0 "ha">{_LAUGHS}]>'
            f'<tmx version="1.4"><body>{_TU.format(ja="&l9;", en="x")}</body></tmx>'
        ).encode(),
        "entit",  # refused by libxml2's amplification limit or by taiyaku's no-entities rule: never expanded
    ),
    "external entity naming /etc/passwd": (
        (
            '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<tmx version="1.4"><body>{_TU.format(ja="&x;", en="x")}</body></tmx>'
        ).encode(),
        "declares or uses XML entities (&x;)",
    ),
    "parameter entity": (
        b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]><tmx/>',
        "corpus.tmx",
    ),
    "not XML": (b"\x89PNG\r\n\x1a\n" + bytes(64), "not well-formed XML"),
    "empty file": (b"", "not well-formed XML"),
    "truncated": (GOOD_TMX.encode()[:-30], "not well-formed XML"),
    "root is not tmx": (b'<?xml version="1.0"?><html><body/></html>', "not a TMX file"),
    "x-score is a word": (GOOD_TMX.replace(">0.99<", ">high<").encode(), "x-score 'high' is not a number"),
    "x-score above 1": (GOOD_TMX.replace(">0.99<", ">7<").encode(), "not a number from 0 to 1"),
    "x-score NaN": (GOOD_TMX.replace(">0.99<", ">nan<").encode(), "not a number from 0 to 1"),
    "duplicate tuids": (GOOD_TMX.replace('tuid="b1"', 'tuid="b0"').encode(), "bead id 'b0' is used twice"),
    "no units": (b'<?xml version="1.0"?><tmx version="1.4"><body/></tmx>', "the corpus holds no beads"),
}


@pytest.mark.parametrize("case", list(HOSTILE_TMX))
def test_check_refuses_a_hostile_tmx_in_one_line(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content, problem = HOSTILE_TMX[case]
    corpus = tmp_path / "corpus.tmx"
    corpus.write_bytes(content)
    assert main(["check", str(corpus)]) == 1
    error = _one_error_line(capsys.readouterr().err, str(corpus))
    assert problem in error
    assert "root:" not in error  # nothing of /etc/passwd leaks into the message
    assert not (tmp_path / "findings.json").exists()


def test_check_reads_a_tmx_in_another_declared_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Not hostile, and must stay readable: the XML declaration names the encoding.
    corpus = tmp_path / "corpus.tmx"
    corpus.write_bytes(GOOD_TMX.replace('encoding="UTF-8"', 'encoding="Shift_JIS"').encode("cp932"))
    assert main(["check", str(corpus), "--out", str(tmp_path / "f.json")]) == 0
    assert "0 findings" in capsys.readouterr().out


# ------------------------------------------------------------------------------ check: files around it


def _corpus_in(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(GOOD_JSONL, encoding="utf-8")
    return corpus


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


CHECK_ARGUMENTS: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "missing corpus": (lambda d: ["check", str(d / "nothing.jsonl")], "no such corpus file"),
    "corpus is a folder": (lambda d: ["check", str(_folder(d / "corpus.jsonl"))], "is a folder, not a corpus file"),
    "corpus.tsv cannot be checked": (lambda d: ["check", str(d / "corpus.tsv")], "unknown corpus format"),
    "--out is the corpus itself": (
        lambda d: ["check", str(_corpus_in(d)), "--out", str(d / "corpus.jsonl")],
        "would overwrite it",
    ),
    "--out is a folder": (lambda d: ["check", str(_corpus_in(d)), "--out", str(d)], "cannot write the findings"),
}


@pytest.mark.parametrize("case", list(CHECK_ARGUMENTS))
def test_check_arguments_that_cannot_work_are_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_args, problem = CHECK_ARGUMENTS[case]
    args = make_args(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert main(args) == 1
    assert problem in _one_error_line(capsys.readouterr().err, "taiyaku: error:")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


# ---------------------------------------------------------------------------------------------- score


def _hypothesis(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


SCORE_CASES: dict[str, tuple[str, bytes, bytes, list[str], str]] = {
    # name → (corpus file name, corpus bytes, hypothesis bytes, extra arguments, what the error says)
    "missing corpus.tsv": ("corpus.tsv", b"", b"x\n", ["--corpus-missing"], "no such corpus file"),
    "missing corpus.jsonl": ("corpus.jsonl", b"", b"x\n", ["--corpus-missing"], "no such corpus file"),
    "Shift_JIS hypothesis": (
        "corpus.tsv",
        GOOD_TSV.encode(),
        _hypothesis([r.ja for r in RECORDS]).encode("cp932"),
        ["--direction", "en-ja"],
        "hyp.txt:1: not UTF-8 text (byte 0x89); it looks like Shift_JIS",
    ),
    "empty corpus.tsv": ("corpus.tsv", b"", b"", [], "holds no bilingual beads"),
    "empty corpus.jsonl": ("corpus.jsonl", b"", b"", [], "the corpus holds no beads"),
    "corpus of one-sided beads only": (
        "corpus.jsonl",
        render_jsonl([BeadRecord("b0", "一。", "", ((0, 2),), (), "1-0", 0.5)]).encode(),
        b"",
        [],
        "holds no bilingual beads",
    ),
    "fewer hypothesis lines": ("corpus.tsv", GOOD_TSV.encode(), b"one\n", [], "has 1 lines but the corpus has 3"),
    "more hypothesis lines": ("corpus.tsv", GOOD_TSV.encode(), b"1\n2\n3\n4\n", [], "has 4 lines but"),
    "empty hypothesis": ("corpus.tsv", GOOD_TSV.encode(), b"", [], "has 0 lines but the corpus has 3"),
    "Shift_JIS corpus.tsv": ("corpus.tsv", GOOD_TSV.encode("cp932"), b"a\nb\nc\n", [], "corpus.tsv:1: not UTF-8"),
    "corpus.tsv line without a tab": ("corpus.tsv", b"a\tb\t1\njust text\n", b"a\nb\n", [], "corpus.tsv:2: a corpus"),
    "hostile corpus.jsonl": ("corpus.jsonl", _first_line_with(score="high").encode(), b"", [], "'score' must be"),
    "unknown corpus format": ("report.json", b"{}", b"x\n", [], "expected .jsonl, .tmx or .tsv"),
}


@pytest.mark.parametrize("case", list(SCORE_CASES))
def test_score_refuses_what_it_cannot_score_in_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, corpus_bytes, hypothesis_bytes, extra, problem = SCORE_CASES[case]
    corpus = tmp_path / name
    if "--corpus-missing" in extra:
        extra = []
    else:
        corpus.write_bytes(corpus_bytes)
    hypothesis = tmp_path / "hyp.txt"
    hypothesis.write_bytes(hypothesis_bytes)
    assert main(["score", str(corpus), "--hyp", str(hypothesis), *extra]) == 1
    assert problem in _one_error_line(capsys.readouterr().err, "taiyaku: error:")


def test_score_refuses_a_folder_as_hypothesis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text(GOOD_TSV, encoding="utf-8")
    assert main(["score", str(corpus), "--hyp", str(tmp_path)]) == 1
    assert "is a folder, not a hypothesis file" in _one_error_line(capsys.readouterr().err, str(tmp_path))


@pytest.mark.parametrize(
    ("case", "encode"),
    [
        ("Windows line ends", lambda lines: "".join(f"{line}\r\n" for line in lines).encode()),
        ("a byte-order mark", lambda lines: b"\xef\xbb\xbf" + _hypothesis(lines).encode()),
        ("no newline at the end", lambda lines: "\n".join(lines).encode()),
    ],
)
def test_score_reads_hypotheses_as_editors_save_them(
    case: str, encode: Callable[[list[str]], bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text(GOOD_TSV, encoding="utf-8")
    hypothesis = tmp_path / "hyp.txt"
    hypothesis.write_bytes(encode([r.en for r in RECORDS]))
    assert main(["score", str(corpus), "--hyp", str(hypothesis)]) == 0
    assert capsys.readouterr().out.startswith("BLEU = 100.00")


def test_score_counts_lines_as_wc_does_not_at_unicode_separators(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An MT system may emit U+2028 or a form feed inside a line; splitting there shifted every later line.
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text(GOOD_TSV, encoding="utf-8")
    hypothesis = tmp_path / "hyp.txt"
    hypothesis.write_text(_hypothesis([RECORDS[0].en + "\u2028", RECORDS[1].en + "\f", RECORDS[2].en]), "utf-8")
    assert main(["score", str(corpus), "--hyp", str(hypothesis)]) == 0
    assert "BLEU" in capsys.readouterr().out


# ------------------------------------------------------------------------ correct --merge reads it too


@pytest.mark.parametrize("case", ["score is a word", "Shift_JIS bytes", "duplicate bead ids", "empty file"])
def test_a_merge_from_a_hostile_corpus_is_one_error(case: str, tmp_path: Path) -> None:
    content, problem = HOSTILE_JSONL[case]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(content)
    with pytest.raises(TaiyakuError, match=problem.replace("[", r"\[").replace("(", r"\(")) as caught:
        correction_from_beads(corpus, ["b0", "b1"])
    assert str(corpus) in caught.value.where


def test_a_merge_of_beads_without_text_is_not_recorded(tmp_path: Path) -> None:
    # A hand edit emptied two beads; merging them would record a correction of nothing.
    corpus = tmp_path / "corpus.jsonl"
    blank = [BeadRecord("b0", " ", "", (), (), "1-0", 0.2), BeadRecord("b1", "", "\u3000", (), (), "0-1", 0.2)]
    corpus.write_text(render_jsonl(blank), encoding="utf-8")
    corrections = tmp_path / "corrections.jsonl"
    with pytest.raises(TaiyakuError, match="no text on either side"):
        append_correction(corrections, correction_from_beads(corpus, ["b0", "b1"]))
    assert not corrections.exists()


# ------------------------------------------------- align / run: the shrink guard only consults the old corpus


@pytest.mark.integration
@pytest.mark.parametrize("case", ["score is a word", "Shift_JIS bytes", "truncated line", "empty file"])
def test_a_hostile_old_corpus_does_not_stop_a_new_publication(
    case: str, prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pair"
    out.mkdir()
    (out / "corpus.jsonl").write_bytes(HOSTILE_JSONL[case][0])
    ja, en = STATEMENT_DIR / "ja.txt", STATEMENT_DIR / "en.html"
    code = main(["align", "--ja", str(ja), "--en", str(en), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    beads = [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(beads) > 40 and all(isinstance(b["score"], float) for b in beads)
