"""The whole flow on the seed statement, under prefect_test_harness, through the real CLI entry point."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from lxml import etree
from support.paths import REPO, SEED, SEED_GOLD, STATEMENT_DIR

from taiyaku.cli import main

GOLD = SEED_GOLD
CORPUS_FILES = ("corpus.jsonl", "corpus.tmx", "corpus.tsv", "manifest.json", "report.html", "report.json")


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def seed_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    aligned = tmp_path_factory.mktemp("aligned")
    assert main(["run", str(STATEMENT_DIR), "--aligned", str(aligned)]) == 0
    return aligned / "us-japan-internet-economy-2014"


def test_statement_keeps_the_seed_byte_for_byte() -> None:
    if not SEED.is_file():
        pytest.skip(f"{SEED} is absent")
    assert (STATEMENT_DIR / "ja.txt").read_bytes() == SEED.read_bytes()


def test_run_publishes_every_file(seed_run: Path) -> None:
    assert sorted(p.name for p in seed_run.iterdir()) == sorted(CORPUS_FILES)


def test_pipeline_reproduces_the_seed_gold_alignment(seed_run: Path) -> None:
    gold_lines = GOLD.read_text(encoding="utf-8").splitlines()
    assert gold_lines[0] == "ja\ten"
    gold = [tuple(_key(cell) for cell in [*line.split("\t"), ""][:2]) for line in gold_lines[1:] if line]
    beads = [json.loads(line) for line in (seed_run / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    predicted = [(_key(b["ja"]), _key(b["en"])) for b in beads]
    assert predicted == gold


def test_spans_point_into_the_decoded_sources(seed_run: Path) -> None:
    ja_source = (STATEMENT_DIR / "ja.txt").read_text(encoding="utf-8")
    for line in (seed_run / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        bead = json.loads(line)
        covered = "".join(ja_source[a:b] for a, b in bead["ja_spans"])
        # Every Japanese character of the bead is in its source spans (after the same normalization).
        assert set(_key(bead["ja"])) <= set(_key(covered)), bead["id"]
        assert bead["type"] == f"{len(bead['ja_spans'])}-{len(bead['en_spans'])}"
        assert 0.0 <= bead["score"] <= 1.0


def test_tmx_and_report_are_well_formed(seed_run: Path) -> None:
    root = etree.parse(str(seed_run / "corpus.tmx")).getroot()
    assert root.find("header").get("srclang") == "ja"
    assert len(root.findall("body/tu")) == len((seed_run / "corpus.tsv").read_text(encoding="utf-8").splitlines())
    report = json.loads((seed_run / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["beads"] == len(report["beads"])
    assert report["sources"]["ja"]["encoding"] == "utf-8"
    assert report["sources"]["en"]["media_type"] == "text/html"
    assert report["tool_versions"]["ja-ginza"] != "not installed"
    etree.fromstring((seed_run / "report.html").read_bytes(), etree.HTMLParser())


def test_rerun_is_byte_identical(seed_run: Path, tmp_path: Path) -> None:
    assert main(["run", str(STATEMENT_DIR), "--aligned", str(tmp_path)]) == 0
    again = tmp_path / seed_run.name
    for name in CORPUS_FILES:
        assert (again / name).read_bytes() == (seed_run / name).read_bytes(), name


def test_ad_hoc_align_with_file_urls(prefect_harness: None, tmp_path: Path) -> None:
    out = tmp_path / "pair"
    code = main(
        [
            "align",
            "--ja",
            (STATEMENT_DIR / "ja.txt").as_uri(),
            "--en",
            (STATEMENT_DIR / "en.html").as_uri(),
            "--out",
            str(out),
            "--glossary",
            str(REPO / "corpora" / "glossaries" / "ict-policy.tsv"),
        ]
    )
    assert code == 0
    assert (out / "corpus.jsonl").is_file()


def test_reviewer_correction_is_honoured_and_kept(seed_run: Path, tmp_path: Path) -> None:
    # A copy of the registry: the statement folder named after its id, the glossary in the same corpora/.
    statement = tmp_path / "corpora" / STATEMENT_DIR.name
    shutil.copytree(STATEMENT_DIR, statement)
    shutil.copytree(REPO / "corpora" / "glossaries", tmp_path / "corpora" / "glossaries")
    aligned = tmp_path / "aligned"
    shutil.copytree(seed_run, aligned / seed_run.name)
    # The reviewer says: the first two beads belong together (a deliberately unusual merge).
    merge = ["correct", str(statement), "--merge", "b1", "b2", "--reviewer", "test", "--aligned", str(aligned)]
    assert main(merge) == 0
    corrections = (statement / "corrections.jsonl").read_text(encoding="utf-8")
    assert main(["run", str(statement), "--aligned", str(aligned)]) == 0
    beads = [json.loads(line) for line in (aligned / seed_run.name / "corpus.jsonl").read_text().splitlines()]
    reviewed = [b for b in beads if "reviewed" in b["flags"]]
    assert len(reviewed) == 1 and reviewed[0]["score"] == 1.0
    original = [json.loads(line) for line in (seed_run / "corpus.jsonl").read_text().splitlines()]
    assert _key(reviewed[0]["ja"]) == _key(original[1]["ja"] + original[2]["ja"])
    assert (statement / "corrections.jsonl").read_text(encoding="utf-8") == corrections


def _serve_seed_pair(server) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    from support.scripted_http import Reply

    # The Japanese as a ministry server might send it: Shift_JIS, charset only in the HTTP header.
    ja_bytes = (STATEMENT_DIR / "ja.txt").read_text(encoding="utf-8").encode("cp932")
    ja_url = server.route("/press/ja.txt", Reply(200, ja_bytes, {"Content-Type": "text/plain; charset=Shift_JIS"}))
    en_bytes = (STATEMENT_DIR / "en.html").read_bytes()
    en_url = server.route("/en/statement.html", Reply(200, en_bytes, {"Content-Type": "text/html"}))
    return ja_url, en_url


def test_align_over_http_matches_the_local_run(
    seed_run: Path, server: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja_url, en_url = _serve_seed_pair(server)
    out = tmp_path / "http-pair"
    assert main(["align", "--ja", ja_url, "--en", en_url, "--out", str(out)]) == 0
    local = [json.loads(line) for line in (seed_run / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    fetched = [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    # The same decoded text, so the same sentences, spans and alignment.
    assert [(b["ja"], b["en"], b["ja_spans"], b["en_spans"]) for b in fetched] == [
        (b["ja"], b["en"], b["ja_spans"], b["en_spans"]) for b in local
    ]
    sources = json.loads((out / "report.json").read_text(encoding="utf-8"))["sources"]
    assert sources["ja"]["encoding"] == "cp932" and sources["ja"]["status"] == 200


def test_add_then_refresh_through_the_cli(
    prefect_harness: None, server: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja_url, en_url = _serve_seed_pair(server)
    corpora, aligned = tmp_path / "corpora", tmp_path / "aligned"
    args = ["add", "fetched-statement", "--ja", ja_url, "--en", en_url, "--corpora", str(corpora)]
    assert main([*args, "--aligned", str(aligned), "--title", "Fetched", "--date", "2014-03-13"]) == 0
    assert (aligned / "fetched-statement" / "corpus.tmx").is_file()
    statement = corpora / "fetched-statement"
    assert (statement / "statement.toml").is_file()
    snapshot = {p.name: p.read_bytes() for p in statement.iterdir()}
    capsys.readouterr()
    assert main(["run", str(statement), "--aligned", str(aligned), "--refresh"]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in statement.iterdir()} == snapshot


def test_check_a_hand_edited_corpus(seed_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    glossary = str(REPO / "corpora" / "glossaries" / "ict-policy.tsv")
    assert (
        main(["check", str(seed_run / "corpus.jsonl"), "--glossary", glossary, "--out", str(tmp_path / "a.json")]) == 0
    )
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["findings"] == []
    # A translator's edit introduces a forbidden rendering and a wrong date.
    edited = tmp_path / "corpus.jsonl"
    text = (seed_run / "corpus.jsonl").read_text(encoding="utf-8")
    assert "cybersecurity" in text and "March 13, 2014" in text
    edited.write_text(text.replace("cybersecurity", "cyber security").replace("March 13, 2014", "March 14, 2014"))
    assert main(["check", str(edited), "--glossary", glossary]) == 0
    findings = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))["findings"]
    assert {"term-forbidden", "number-mismatch"} <= {f["check"] for f in findings}


def test_score_reference_against_itself_is_perfect(
    seed_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tsv = seed_run / "corpus.tsv"
    hyp = tmp_path / "hyp.en"
    hyp.write_text("".join(line.split("\t")[1] + "\n" for line in tsv.read_text(encoding="utf-8").splitlines()))
    assert main(["score", str(tsv), "--hyp", str(hyp)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("BLEU = 100.00") and "tok:13a" in out and "chrF2 = 100.00" in out
    hyp.write_text("just one line\n")
    assert main(["score", str(tsv), "--hyp", str(hyp)]) == 1
    assert "bilingual beads" in capsys.readouterr().err


def test_score_into_japanese_uses_mecab(seed_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = seed_run / "corpus.jsonl"
    beads = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    hyp = tmp_path / "hyp.ja"
    hyp.write_text("".join(b["ja"] + "\n" for b in beads if b["ja"] and b["en"]), encoding="utf-8")
    assert main(["score", str(corpus), "--hyp", str(hyp), "--direction", "en-ja"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("BLEU = 100.00") and "tok:ja-mecab" in out
