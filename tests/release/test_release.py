"""``taiyaku release``: every publication under aligned/ in one versioned download, read back with the readers
researchers use (pyarrow, the json module, Hugging Face ``datasets``, ``sha256sum``)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from lxml import etree

from taiyaku.cli import main
from taiyaku.errors import TaiyakuError
from taiyaku.io import write_folder_atomically
from taiyaku.model import BeadRecord
from taiyaku.publish.corpus import render_corpus
from taiyaku.publish.manifest import write_publication
from taiyaku.release import build_release
from taiyaku.release.splits import SPLIT_RATIOS, split_of


def _bead(number: int, ja: str, en: str, score: float, *flags: str) -> BeadRecord:
    kind = f"{int(bool(ja))}-{int(bool(en))}"
    return BeadRecord(
        f"b{number}", ja, en, ((0, len(ja)),) if ja else (), ((0, len(en)),) if en else (), kind, score, flags
    )


def publish_statement(
    aligned: Path, statement_id: str, records: list[BeadRecord], *, title: str = "", date: str = "2024-05-01"
) -> None:
    """A publication as taiyaku writes it: the corpus formats, report.json / report.html, the manifest."""
    report = {
        "taiyaku_report": 1,
        "title": title or statement_id,
        "statement": {
            "id": statement_id,
            "title": title or statement_id,
            "date": date,
            "publisher": "Ministry <of> Tests",
            "ja_url": f"https://example.go.jp/{statement_id}.pdf",
        },
        "sources": {"ja": {"source": "ja.txt"}, "en": {"source": "en.html", "url": "https://example.gov/en.html"}},
        "tool_versions": {"taiyaku": "0.1.0"},
        "beads": [],
    }
    files = {
        **render_corpus(records),
        "report.json": json.dumps(report, ensure_ascii=False),
        "report.html": f"<html><body>{statement_id}</body></html>\n",
    }
    write_publication(aligned / statement_id, files)


def pairs(statement_id: str, count: int, *, score: float = 0.99) -> list[BeadRecord]:
    return [_bead(i, f"{statement_id}の文{i}です。", f"Sentence {i} of {statement_id}.", score) for i in range(count)]


# Ids chosen so that the three splits each get statements (the split is a function of the id alone).
def ids_for_every_split() -> dict[str, str]:
    chosen: dict[str, str] = {}
    number = 0
    while len(chosen) < 3:
        candidate = f"statement-{number:03d}"
        chosen.setdefault(split_of(candidate), candidate)
        number += 1
    return chosen


@pytest.fixture
def aligned(tmp_path: Path) -> Path:
    """Three statements, one per split, with an unaligned bead, a low-scoring one, a reviewed one and a pair
    that the training statement repeats and the test statement repeats again."""
    root = tmp_path / "aligned"
    by_split = ids_for_every_split()
    train, dev, test = by_split["train"], by_split["dev"], by_split["test"]
    shared = ("共通の文です。", "A shared sentence.")
    publish_statement(
        root,
        train,
        [*pairs(train, 5), _bead(5, "訳されない文。", "", 0.3, "unaligned"), _bead(6, *shared, 1.0, "reviewed")],
        title="Train <script>alert(1)</script> | pipe",
    )
    publish_statement(root, dev, [*pairs(dev, 3), _bead(3, "自信のない文。", "An unsure one.", 0.55, "needs-review")])
    publish_statement(root, test, [*pairs(test, 4), _bead(4, *shared, 0.97), _bead(5, *shared, 0.98)])
    return root


def test_the_release_holds_every_bead_and_splits_by_statement(aligned: Path, tmp_path: Path) -> None:
    release = build_release(aligned, tmp_path / "release", corpora_dir=None, min_score=0.9)
    folder = tmp_path / "release" / "2024-05-01"  # the version defaults to the newest statement date
    assert release.folder == folder and release.statements == 3 and release.beads == 7 + 4 + 6
    by_split = ids_for_every_split()

    # Moses files: line n of .ja and .en are one pair; every pair of a split comes from its statements.
    lines = {
        (name, lang): (folder / f"{name}.{lang}").read_text(encoding="utf-8").splitlines()
        for name, _ in SPLIT_RATIOS
        for lang in ("ja", "en")
    }
    assert {name: len(lines[(name, "ja")]) for name, _ in SPLIT_RATIOS} == {"train": 6, "dev": 3, "test": 4}
    for name, _ in SPLIT_RATIOS:
        assert len(lines[(name, "ja")]) == len(lines[(name, "en")])
        assert all(by_split[name] in line for line in lines[(name, "en")] if "shared" not in line)
    assert lines[("train", "en")][-1] == "A shared sentence."  # kept once, in training only
    # Counted, by reason: the unaligned bead, the unsure one, the test statement's two copies of the shared pair.
    counts = {name: c.to_dict()["excluded"] for name, c in release.counts.items()}
    assert counts["train"] == {"unaligned": 1, "below-min-score": 0, "duplicate": 0}
    assert counts["dev"] == {"unaligned": 0, "below-min-score": 1, "duplicate": 0}
    assert counts["test"] == {"unaligned": 0, "below-min-score": 0, "duplicate": 2}

    # Parquet, read with pyarrow: the same pairs, split for split, with their statement and score.
    for name, _ in SPLIT_RATIOS:
        table = pq.read_table(folder / "parquet" / f"{name}.parquet")
        assert table.column("en").to_pylist() == lines[(name, "en")]
        assert set(table.column("statement_id").to_pylist()) == {by_split[name]}
        assert min(table.column("score").to_pylist()) >= 0.9
    everything = pq.read_table(folder / "all_beads" / "corpus.parquet")
    assert everything.num_rows == 17

    # corpus.jsonl: every bead, with its statement's metadata and why it was left out.
    rows = [json.loads(line) for line in (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 17 and rows == everything.to_pylist()
    assert Counter(row["excluded"] for row in rows) == {None: 13, "unaligned": 1, "below-min-score": 1, "duplicate": 2}
    assert {row["publisher"] for row in rows} == {"Ministry <of> Tests"}
    assert all(row["split"] == split_of(row["statement_id"]) for row in rows)

    # TMX: every bilingual bead, named by statement and bead.
    tmx = etree.parse(str(folder / "corpus.tmx"))
    assert len(tmx.findall(".//tu")) == 16
    assert tmx.find(".//tu").get("tuid") == f"{sorted(by_split.values())[0]}/b0"

    # catalog.json and the card agree with the files.
    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in catalog["statements"]] == sorted(by_split.values())
    assert catalog["pairs"] == 13 and catalog["reviewed"] == 1
    train_entry = next(s for s in catalog["statements"] if s["id"] == by_split["train"])
    assert train_entry["reviewed_share"] == round(1 / 7, 4) and train_entry["pairs_in_release"] == 6
    assert train_entry["source_urls"] == [
        f"https://example.go.jp/{by_split['train']}.pdf",
        "https://example.gov/en.html",
    ]
    assert (folder / train_entry["report"]).read_text(encoding="utf-8").startswith("<html>")


def test_the_dataset_card_and_index_escape_what_statements_say(aligned: Path, tmp_path: Path) -> None:
    build_release(aligned, tmp_path / "release", corpora_dir=None)
    folder = tmp_path / "release" / "2024-05-01"
    card = (folder / "README.md").read_text(encoding="utf-8")
    header = card.split("---\n")[1]
    assert "language:\n- ja\n- en\n" in header and "task_categories:\n- translation\n" in header
    assert "license: other\n" in header and "size_categories:\n- n<1K\n" in header
    assert "  - split: validation\n    path: parquet/dev.parquet\n" in header
    assert "<script>" not in card and "Train &lt;script&gt;alert(1)&lt;/script&gt; \\| pipe" in card
    assert "1 of 17 beads (5.9%) were confirmed by a reviewer" in card
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "Train &lt;script&gt;alert(1)&lt;/script&gt; | pipe" in page


def test_loads_with_hugging_face_datasets(aligned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    build_release(aligned, tmp_path / "release", corpora_dir=None)
    folder = tmp_path / "release" / "2024-05-01"
    loaded = datasets.load_dataset("parquet", data_dir=str(folder / "parquet"))
    assert {name: loaded[name].num_rows for name in loaded} == {"train": 6, "validation": 3, "test": 4}
    card_configs = datasets.load_dataset(str(folder))  # the README's YAML configs
    assert card_configs["test"]["en"] == (folder / "test.en").read_text(encoding="utf-8").splitlines()
    every_bead = datasets.load_dataset("json", data_files=str(folder / "corpus.jsonl"))
    assert every_bead["train"].num_rows == 17


def test_a_release_is_deterministic_checked_and_never_replaced(aligned: Path, tmp_path: Path) -> None:
    out = tmp_path / "release"
    build_release(aligned, out, corpora_dir=None)
    build_release(aligned, tmp_path / "again", corpora_dir=None)
    first, second = out / "2024-05-01", tmp_path / "again" / "2024-05-01"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    sums = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=first, capture_output=True, text=True)
    assert sums.returncode == 0 and sums.stdout.count(": OK") == len(files) - 1

    assert build_release(aligned, out, corpora_dir=None).unchanged  # the same contents: nothing to do
    statement_id = ids_for_every_split()["dev"]
    publish_statement(aligned, statement_id, pairs(statement_id, 5))
    with pytest.raises(TaiyakuError, match="a release with this version exists already, with other contents"):
        build_release(aligned, out, corpora_dir=None)
    assert (first / "SHA256SUMS").read_bytes() == (second / "SHA256SUMS").read_bytes()


def test_changes_against_the_previous_release(aligned: Path, tmp_path: Path) -> None:
    out = tmp_path / "release"
    build_release(aligned, out, corpora_dir=None, version="v1")
    assert (
        (out / "v1" / "CHANGES")
        .read_text(encoding="utf-8")
        .startswith("taiyaku corpus release v1 (2024-05-01): the first release\n\nadded (3):\n")
    )
    by_split = ids_for_every_split()
    shutil.rmtree(aligned / by_split["test"])
    publish_statement(aligned, by_split["dev"], pairs(by_split["dev"], 5))
    publish_statement(aligned, "statement-new", pairs("statement-new", 2), date="2024-06-30")
    release = build_release(aligned, out, corpora_dir=None, version="v2")
    assert release.previous == "v1"
    changes = (out / "v2" / "CHANGES").read_text(encoding="utf-8").splitlines()
    assert changes[0] == "taiyaku corpus release v2 (2024-06-30) against v1 (2024-05-01)"
    assert changes[2:] == [
        "added (1):",
        "  statement-new  statement-new",
        "changed (1):",
        f"  {by_split['dev']}  beads 4 -> 5, pairs 3 -> 5, reviewed 0 -> 0",
        "removed (1):",
        f"  {by_split['test']}",
        "unchanged: 1",
    ]


def test_refuses_a_publication_that_is_not_whole(aligned: Path, tmp_path: Path) -> None:
    statement_id = ids_for_every_split()["train"]
    corpus = aligned / statement_id / "corpus.jsonl"
    corpus.write_text(corpus.read_text(encoding="utf-8").replace("Sentence 0", "Edited"), encoding="utf-8")
    with pytest.raises(TaiyakuError, match=r"does not match manifest\.json"):
        build_release(aligned, tmp_path / "release", corpora_dir=None)
    assert not (tmp_path / "release").exists()


def test_the_command(aligned: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "release"
    code = main(["release", "--aligned", str(aligned), "--out", str(out), "--min-score", "0.5", "--date", "2025-01-02"])
    assert code == 0
    assert capsys.readouterr().out == (
        f"{out / '2025-01-02'}: 3 statements, 17 beads; pairs train 6, dev 4, test 4; left out unaligned 1, "
        "below-min-score 0, duplicate 2; the first release\n"
    )
    assert main(["release", "--aligned", str(aligned), "--out", str(out), "--date", "2025-1-2"]) == 1
    assert capsys.readouterr().err == "taiyaku: error: 2025-1-2: the release date must be YYYY-MM-DD\n"
    assert main(["release", "--aligned", str(tmp_path / "nothing"), "--out", str(out)]) == 1
    assert "no such folder" in capsys.readouterr().err


def test_split_is_a_fixed_function_of_the_id_near_the_ratios() -> None:
    ids = [f"statement-{n}" for n in range(3000)]
    shares = Counter(split_of(statement_id) for statement_id in ids)
    for name, ratio in SPLIT_RATIOS:
        assert abs(shares[name] / len(ids) - ratio) < 0.03
    assert split_of("us-japan-internet-economy-2014") == split_of("us-japan-internet-economy-2014")
    digest = hashlib.sha256(b"statement-0").digest()[:8]
    assert (split_of("statement-0") == "train") == (int.from_bytes(digest, "big") / 2**64 < 0.8)


def test_a_folder_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import taiyaku.io

    target = tmp_path / "out" / "v1"
    write_folder_atomically(target, {"a.txt": "a", "sub/b.txt": b"b"})
    assert (target / "sub" / "b.txt").read_bytes() == b"b"
    with pytest.raises(FileExistsError):
        write_folder_atomically(target, {"a.txt": "other"})
    with pytest.raises(ValueError, match="not a relative file name"):
        write_folder_atomically(tmp_path / "out" / "v2", {"../escape.txt": "x"})

    calls = []
    real = taiyaku.io.atomic_write

    def failing(path: Path, content: str | bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        real(path, content)

    monkeypatch.setattr(taiyaku.io, "atomic_write", failing)
    with pytest.raises(OSError):
        write_folder_atomically(tmp_path / "out" / "v3", {"a.txt": "a", "b.txt": "b"})
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["v1"]  # no v3, no staging folder left


def test_the_card_states_the_evaluation_figures_given(aligned: Path, tmp_path: Path) -> None:
    from taiyaku.eval.alignment import EvalReport, report_dict

    # The report.json `taiyaku eval --out` writes, for an (empty) set: its figures, as the card shows them.
    figures = report_dict(EvalReport("kyoto-wiki"))
    figures.update(documents=106, gold_units=1489, link_precision=0.9502, link_recall=0.9987, link_f1=0.9738)
    report = tmp_path / "report.json"
    report.write_text(json.dumps(figures), encoding="utf-8")
    build_release(aligned, tmp_path / "release", corpora_dir=None, eval_reports=[report])
    card = (tmp_path / "release" / "2024-05-01" / "README.md").read_text(encoding="utf-8")
    assert "| kyoto-wiki | 106 | 1,489 | 0.9502 | 0.9987 | **0.9738** |" in card

    report.write_text('{"set": "x", "documents": "many"}', encoding="utf-8")
    with pytest.raises(TaiyakuError, match="'documents' is not a number"):
        build_release(aligned, tmp_path / "other", corpora_dir=None, eval_reports=[report])
