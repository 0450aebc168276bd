"""Hostile input, issue 9 items 7 and 9: review work is never lost or blocked, and ``add`` is all-or-nothing.

* A correction is validated before it is recorded (``taiyaku correct`` refuses a correction of nothing);
  a bad line already in ``corrections.jsonl`` (however it got there) is skipped with a warning naming
  file:line, listed in report.json / report.html, kept in the file, and the corrections around it are
  still honoured.
* ``taiyaku add`` validates what it can before registering anything (the glossary, the language of each
  side after decoding) and takes the statement back when its first run fails, so that a retry is not
  refused as "already exists"; ``--replace`` puts the previous statement back, corrections included.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.paths import REPO, STATEMENT_DIR
from support.scripted_http import Reply, ScriptedServer

from taiyaku.cli import main
from taiyaku.corpora.corrections import (
    CORRECTIONS_FILE,
    append_correction,
    correction_from_beads,
    load_corrections,
)
from taiyaku.corpora.snapshots import adding_statement
from taiyaku.errors import TaiyakuError
from taiyaku.model import Correction

SEED_CORPUS = REPO / "aligned" / STATEMENT_DIR.name / "corpus.jsonl"
FIRST = Correction(ja="一。", en="One.", reviewer="a", note="", recorded="2026-11-27")
SECOND = Correction(ja="二。", en="", reviewer="b", note="no English", recorded="2026-11-28")


def _line(correction: Correction) -> bytes:
    """A correction's line, as ``taiyaku correct`` writes it."""
    return json.dumps(correction.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("taiyaku: error: "), err  # one line: no traceback
    return lines[0]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file and folder under ``folder`` (hidden ones too): the state a failure must not change."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)) + ("/" if p.is_dir() else ""): p.read_bytes() if p.is_file() else b""
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def corpora(tmp_path: Path) -> Path:
    """A copy of the registry: the seed statement and the project glossaries."""
    folder = tmp_path / "corpora"
    shutil.copytree(STATEMENT_DIR, folder / STATEMENT_DIR.name)
    shutil.copytree(REPO / "corpora" / "glossaries", folder / "glossaries")
    return folder


# ---------------------------------------------------------------- item 7: a bad correction is not recorded


@pytest.mark.parametrize(
    ("case", "options", "problem"),
    [
        ("both sides empty", ["--ja", "", "--en", ""], "no text on either side"),
        ("only white space after NFKC", ["--ja", "\u3000 \u3000", "--en", " \t\n"], "no text on either side"),
        ("command-line bytes that are not UTF-8", ["--ja", "\udcff\udcfe", "--en", "x"], "'ja' is not valid UTF-8"),
        ("--merge together with --ja", ["--merge", "b1", "--ja", "一。", "--en", "One."], "not both"),
        ("--ja without --en", ["--ja", "一。"], "both --ja and --en"),
    ],
)
def test_correct_refuses_a_correction_that_could_never_be_honoured(
    case: str, options: list[str], problem: str, corpora: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    statement = corpora / STATEMENT_DIR.name
    assert main(["correct", str(statement), *options]) == 1
    assert problem in _one_error_line(capsys.readouterr().err)
    assert not (statement / CORRECTIONS_FILE).exists()  # nothing recorded, so no later run can trip on it


def test_correct_refuses_a_correction_already_recorded(corpora: Path, capsys: pytest.CaptureFixture[str]) -> None:
    statement = corpora / STATEMENT_DIR.name
    assert main(["correct", str(statement), "--ja", "一。", "--en", "One."]) == 0
    before = (statement / CORRECTIONS_FILE).read_bytes()
    capsys.readouterr()
    # The same text, re-wrapped: the copy could only ever be reported as "no longer matching".
    assert main(["correct", str(statement), "--ja", " 一 。", "--en", "One.\n"]) == 1
    assert "already recorded" in _one_error_line(capsys.readouterr().err)
    assert (statement / CORRECTIONS_FILE).read_bytes() == before


def test_a_merge_of_blank_beads_is_not_recorded(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id":"b0","ja":" ","en":""}\n{"id":"b1","ja":"","en":"\u3000"}\n', encoding="utf-8")
    corrections = tmp_path / CORRECTIONS_FILE
    with pytest.raises(TaiyakuError, match="no text on either side"):
        append_correction(corrections, correction_from_beads(corpus, ["b0", "b1"]))
    assert not corrections.exists()


# ------------------------------------------------------- item 7: a bad line in the file is skipped, reported

# name → (the bad line as it sits in the file, what the report says about it)
BAD_LINES: dict[str, tuple[bytes, str]] = {
    "invalid JSON": (b'{"ja": "\xe4\xb8\x80\xe3\x80\x82", "en": ', "not valid JSON"),
    "missing 'en'": ('{"ja": "三。"}'.encode(), "needs string fields 'ja' and 'en'"),
    "both sides empty": (b'{"ja": "", "en": ""}', "no text on either side"),
    "both sides white space": ('{"ja": "\u3000", "en": "\\t "}'.encode(), "no text on either side"),
    "binary garbage": (bytes(range(0x80, 0x100)), "not UTF-8 text (byte 0x80)"),
    "NUL bytes": (b"\x00\x00\x00", "not valid JSON"),
    "not an object": (b'["\xe4\xb8\x80\xe3\x80\x82", "One."]', "not a JSON object"),
    "a bare string": (b'"just text"', "not a JSON object"),
    "null": (b"null", "not a JSON object"),
    "'ja' is a number": (b'{"ja": 5, "en": "Five."}', "needs string fields"),
    "a lone surrogate escape": (b'{"ja": "\\ud800", "en": "x"}', "'ja' is not valid UTF-8 text"),
    "nested too deeply": (b"[" * 200_000, "nested too deeply"),
}


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_a_bad_line_is_skipped_and_the_corrections_around_it_are_kept(case: str, tmp_path: Path) -> None:
    bad, problem = BAD_LINES[case]
    path = tmp_path / CORRECTIONS_FILE
    content = _line(FIRST) + bad + b"\n" + _line(SECOND)
    path.write_bytes(content)
    read = load_corrections(path)
    assert read.corrections == [FIRST, SECOND]
    [skipped] = read.unreadable
    assert (skipped.line, skipped.where) == (2, f"{path}:2")
    assert problem in skipped.problem
    # Recording another correction keeps the bad line byte for byte: corrections are never rewritten.
    append_correction(path, Correction(ja="四。", en="Four."))
    assert path.read_bytes() == content + _line(Correction(ja="四。", en="Four."))
    assert len(load_corrections(path).corrections) == 3


def test_a_truncated_last_line_is_skipped_and_the_next_correction_starts_a_line(tmp_path: Path) -> None:
    # An editor (or a full disk) left the last line without its end.
    path = tmp_path / CORRECTIONS_FILE
    path.write_bytes(_line(FIRST) + b'{"ja": "\xe4\xba\x8c')
    append_correction(path, SECOND)
    read = load_corrections(path)
    assert read.corrections == [FIRST, SECOND]
    assert [s.line for s in read.unreadable] == [2]


def test_a_byte_order_mark_does_not_cost_the_first_correction(tmp_path: Path) -> None:
    path = tmp_path / CORRECTIONS_FILE
    path.write_bytes(b"\xef\xbb\xbf" + _line(FIRST) + _line(SECOND))
    assert load_corrections(path).corrections == [FIRST, SECOND]
    assert load_corrections(path).unreadable == []


def test_metadata_a_hand_edit_mangled_keeps_the_correction(tmp_path: Path) -> None:
    path = tmp_path / CORRECTIONS_FILE
    path.write_bytes(b'{"ja": "\xe4\xb8\x80\xe3\x80\x82", "en": "One.", "reviewer": 5, "note": null}\n')
    [correction] = load_corrections(path).corrections
    assert (correction.ja, correction.en, correction.reviewer, correction.note) == ("一。", "One.", "5", "")


def test_a_corrections_file_that_is_a_folder_is_one_error(tmp_path: Path) -> None:
    (tmp_path / CORRECTIONS_FILE).mkdir()
    with pytest.raises(TaiyakuError, match="is a folder, not a corrections file"):
        load_corrections(tmp_path / CORRECTIONS_FILE)


def test_correct_appends_after_a_bad_line_and_warns_about_it(corpora: Path, capsys: pytest.CaptureFixture[str]) -> None:
    statement = corpora / STATEMENT_DIR.name
    path = statement / CORRECTIONS_FILE
    original = _line(FIRST) + b"\xff\xfe not a correction"  # no line end either
    path.write_bytes(original)
    assert main(["correct", str(statement), "--ja", "二。", "--en", "Two."]) == 0
    out = capsys.readouterr().err
    assert f"taiyaku: warning: {path}:2: skipped, not UTF-8 text" in out
    assert path.read_bytes().startswith(original + b"\n")
    assert [c.ja for c in load_corrections(path).corrections] == ["一。", "二。"]


@pytest.mark.integration
def test_align_with_a_missing_corrections_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nothing.jsonl"
    args = ["align", "--ja", str(STATEMENT_DIR / "ja.txt"), "--en", str(STATEMENT_DIR / "en.html")]
    assert main([*args, "--out", str(tmp_path / "out"), "--corrections", str(missing)]) == 1
    assert f"{missing}: no such corrections file" in _one_error_line(capsys.readouterr().err)


def test_run_skips_bad_lines_reports_them_and_honours_the_good_ones(
    prefect_harness: None, corpora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    statement = corpora / STATEMENT_DIR.name
    merge = correction_from_beads(SEED_CORPUS, ["b1", "b2"], reviewer="A. Sato")
    bad_lines = [
        b'{"ja": "", "en": ""}',  # line 1: what `correct --ja "" --en ""` used to record
        _line(merge).rstrip(b"\n"),  # line 2: good
        b'{"ja": "<script>alert(1)</script>", "en": ',  # line 3: invalid JSON, with markup to escape
        b"\x89PNG\r\n",  # lines 4-5: binary garbage (its \r\n ends line 4); line 5 is blank
        b"[1, 2]",  # line 6
    ]
    content = b"\n".join(bad_lines) + b"\n"
    (statement / CORRECTIONS_FILE).write_bytes(content)
    aligned = tmp_path / "aligned"
    assert main(["run", str(statement), "--aligned", str(aligned)]) == 0
    out = capsys.readouterr().err
    path = statement / CORRECTIONS_FILE
    for line in (1, 3, 4, 6):
        assert f"taiyaku: warning: {path}:{line}: skipped" in out
    assert f"{path}:2" not in out
    published = aligned / STATEMENT_DIR.name
    report = json.loads((published / "report.json").read_text(encoding="utf-8"))
    assert [(u["line"], u["text"]) for u in report["unreadable_corrections"]] == [
        (1, '{"ja": "", "en": ""}'),
        (3, '{"ja": "<script>alert(1)</script>", "en": '),
        (4, "\\x89PNG"),
        (6, "[1, 2]"),
    ]
    assert report["summary"]["unreadable_corrections"] == 4
    assert report["summary"]["reviewed"] == 1  # the good correction between them is honoured
    html = (published / "report.html").read_text(encoding="utf-8")
    assert "Correction lines that could not be read" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert path.read_bytes() == content  # never removed from the file


# ------------------------------------------------------------------------ item 9: add is all-or-nothing


def _serve_seed(server: ScriptedServer, ja_text: str | None = None) -> tuple[str, str]:
    ja_bytes = (ja_text or (STATEMENT_DIR / "ja.txt").read_text(encoding="utf-8")).encode("cp932")
    ja_url = server.route("/press/ja.txt", Reply(200, ja_bytes, {"Content-Type": "text/plain; charset=Shift_JIS"}))
    en_bytes = (STATEMENT_DIR / "en.html").read_bytes()
    en_url = server.route("/en/statement.html", Reply(200, en_bytes, {"Content-Type": "text/html"}))
    return ja_url, en_url


def _add(statement_id: str, ja: str, en: str, corpora: Path, aligned: Path, *options: str) -> list[str]:
    return ["add", statement_id, "--ja", ja, "--en", en, "--corpora", str(corpora), "--aligned", str(aligned), *options]


def test_add_refuses_a_malformed_glossary_before_fetching(
    server: ScriptedServer, corpora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    glossary = corpora / "glossaries" / "broken.tsv"
    glossary.write_text("japanese\tenglish\n総務省\tMIC\n", encoding="utf-8")  # not the ja / en header
    before = tree(corpora)
    ja, en = _serve_seed(server)
    args = _add("new-one", ja, en, corpora, tmp_path / "aligned", "--glossary", str(glossary))
    assert main(args) == 1
    assert str(glossary) in _one_error_line(capsys.readouterr().err)
    assert server.requests == []
    assert tree(corpora) == before


@pytest.mark.parametrize(
    ("case", "problem"),
    [
        ("the Japanese URL serves the English page", "given as the Japanese source"),
        ("the two sides swapped", "given as the Japanese source"),
        ("the English URL serves the Japanese text", "given as the English source"),
        ("the English fetch fails", "HTTP 404"),
    ],
)
def test_add_refuses_inputs_it_cannot_use_before_registering(
    case: str, problem: str, server: ScriptedServer, corpora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja, en = _serve_seed(server)
    ja, en = {
        "the Japanese URL serves the English page": (en, en),
        "the two sides swapped": (en, ja),
        "the English URL serves the Japanese text": (ja, ja),
        "the English fetch fails": (ja, server.url("/gone")),
    }[case]
    before = tree(corpora)
    assert main(_add("new-one", ja, en, corpora, tmp_path / "aligned")) == 1
    assert problem in _one_error_line(capsys.readouterr().err)
    assert tree(corpora) == before
    assert not (tmp_path / "aligned").exists()


def test_add_whose_first_run_fails_is_taken_back_and_can_be_retried(
    prefect_harness: None, server: ScriptedServer, corpora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja, en = _serve_seed(server)
    before = tree(corpora)
    # aligned/fetched/ still holds a larger corpus published under this id once: the shrink guard refuses
    # the first run, after the statement was registered.
    stale = tmp_path / "old-aligned"
    beads = [json.loads(line) for line in SEED_CORPUS.read_text(encoding="utf-8").splitlines()] * 2
    (stale / "fetched").mkdir(parents=True)
    (stale / "fetched" / "corpus.jsonl").write_text(
        "".join(json.dumps(b | {"id": f"b{i}"}, ensure_ascii=False) + "\n" for i, b in enumerate(beads)), "utf-8"
    )
    assert main(_add("fetched", ja, en, corpora, stale)) == 1
    assert "refusing to overwrite" in _one_error_line(capsys.readouterr().err)
    assert tree(corpora) == before  # no half-registered statement, no staging folder
    aligned = tmp_path / "aligned"
    assert main(_add("fetched", ja, en, corpora, aligned)) == 0  # not refused as "already exists"
    assert (corpora / "fetched" / "statement.toml").is_file()
    assert (aligned / "fetched" / "corpus.jsonl").is_file()


def test_add_replace_whose_run_fails_puts_the_previous_statement_back(
    prefect_harness: None, server: ScriptedServer, corpora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja, en = _serve_seed(server)
    aligned = tmp_path / "aligned"
    assert main(_add("fetched", ja, en, corpora, aligned)) == 0
    statement = corpora / "fetched"
    merge = correction_from_beads(aligned / "fetched" / "corpus.jsonl", ["b1", "b2"], reviewer="A. Sato")
    append_correction(statement / CORRECTIONS_FILE, merge)  # review work on the registered statement
    before, published = tree(corpora), tree(aligned)
    # The Japanese page now serves a third of the statement: the shrink guard refuses the new corpus.
    seed = (STATEMENT_DIR / "ja.txt").read_text(encoding="utf-8")
    truncated_ja, _ = _serve_seed(server, seed[: len(seed) // 3])
    capsys.readouterr()
    assert main(_add("fetched", truncated_ja, en, corpora, aligned, "--replace")) == 1
    _one_error_line(capsys.readouterr().err)
    assert tree(corpora) == before  # the old statement, its snapshots and its corrections, as they were
    assert tree(aligned) == published
    # A replacement that runs keeps the corrections: replacing the sources is no reason to lose the review.
    full_ja, _ = _serve_seed(server)
    assert main(_add("fetched", full_ja, en, corpora, aligned, "--replace")) == 0
    assert (statement / CORRECTIONS_FILE).read_bytes() == before[f"fetched/{CORRECTIONS_FILE}"]
    beads = [json.loads(line) for line in (aligned / "fetched" / "corpus.jsonl").read_text().splitlines()]
    assert sum("reviewed" in b["flags"] for b in beads) == 1


def test_an_interrupted_first_run_takes_the_statement_back(corpora: Path) -> None:
    before = tree(corpora)
    with (
        pytest.raises(KeyboardInterrupt),
        adding_statement(
            "local", str(STATEMENT_DIR / "ja.txt"), str(STATEMENT_DIR / "en.html"), corpora_dir=corpora
        ) as statement,
    ):
        assert statement.file.is_file()
        raise KeyboardInterrupt  # Ctrl-C during the first run
    assert tree(corpora) == before


def test_undoing_an_add_never_removes_a_statement_someone_else_put_there(corpora: Path) -> None:
    with (
        pytest.raises(TaiyakuError, match="first run failed"),
        adding_statement(
            "local", str(STATEMENT_DIR / "ja.txt"), str(STATEMENT_DIR / "en.html"), corpora_dir=corpora
        ) as statement,
    ):
        # Meanwhile another `taiyaku add --replace local` put its own statement in place.
        shutil.rmtree(statement.folder)
        statement.folder.mkdir()
        (statement.folder / "statement.toml").write_text('id = "local"\n', encoding="utf-8")
        raise TaiyakuError(str(statement.folder), "first run failed")
    assert (corpora / "local" / "statement.toml").read_text(encoding="utf-8") == 'id = "local"\n'
