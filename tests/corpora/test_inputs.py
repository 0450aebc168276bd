"""The fingerprint of a statement's inputs, recorded in its manifest, and what run-all decides from it."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from support.small_statements import statement

import taiyaku.corpora.snapshots
from taiyaku.corpora.snapshots import statement_inputs
from taiyaku.corpora.statement import load_statement
from taiyaku.errors import TaiyakuError
from taiyaku.pipeline import publication_status
from taiyaku.publish.manifest import published_inputs, write_publication


def publish_with_inputs(aligned: Path, folder: Path) -> None:
    inputs = statement_inputs(load_statement(folder))
    assert inputs is not None
    write_publication(aligned / folder.name, {"corpus.jsonl": '{"ja": "", "en": ""}\n'}, inputs)


def test_the_fingerprint_names_every_input(tmp_path: Path) -> None:
    folder = statement(tmp_path / "corpora", "s")
    inputs = statement_inputs(load_statement(folder))
    assert inputs is not None
    assert sorted(inputs) == ["corrections.jsonl", "en", "glossary", "ja", "statement.toml", "taiyaku"]
    assert inputs["corrections.jsonl"] == inputs["glossary"] == ""  # none yet
    (folder / "corrections.jsonl").write_text('{"ja": "x", "en": "y"}\n', encoding="utf-8")
    assert statement_inputs(load_statement(folder))["corrections.jsonl"] != ""  # type: ignore[index]


def test_a_live_url_source_is_never_taken_as_unchanged(tmp_path: Path) -> None:
    folder = statement(tmp_path / "corpora", "s")
    (folder / "statement.toml").write_text(
        'id = "s"\n[ja]\nsource = "ja.txt"\n[en]\nsource = "https://example.gov/en.html"\n', encoding="utf-8"
    )
    assert statement_inputs(load_statement(folder)) is None
    assert publication_status(load_statement(folder), tmp_path / "aligned")[0] is False


def test_publication_status_compares_with_the_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    aligned = tmp_path / "aligned"
    folder = statement(tmp_path / "corpora", "s")
    assert publication_status(load_statement(folder), aligned) == (
        False,
        "no whole publication with a record of its inputs",
    )
    publish_with_inputs(aligned, folder)
    assert published_inputs(aligned / "s") is not None
    current, reason = publication_status(load_statement(folder), aligned)
    assert current and reason.startswith("unchanged since its last publication")

    (folder / "en.html").write_text("<p>Changed.</p>\n", encoding="utf-8")
    (folder / "corrections.jsonl").write_text('{"ja": "x", "en": "y"}\n', encoding="utf-8")
    assert publication_status(load_statement(folder), aligned) == (False, "changed: corrections.jsonl, en")

    publish_with_inputs(aligned, folder)
    monkeypatch.setattr(taiyaku.corpora.snapshots, "__version__", "9.9.9")
    assert publication_status(load_statement(folder), aligned) == (False, "changed: taiyaku")


def test_an_interrupted_or_edited_publication_has_no_trusted_inputs(tmp_path: Path) -> None:
    aligned = tmp_path / "aligned"
    folder = statement(tmp_path / "corpora", "s")
    publish_with_inputs(aligned, folder)
    (aligned / "s" / "corpus.jsonl").write_text("edited\n", encoding="utf-8")
    assert published_inputs(aligned / "s") is None
    assert publication_status(load_statement(folder), aligned)[0] is False


def test_errors_travel_between_processes() -> None:
    # run-all --workers: an error raised in a Dask worker comes back pickled.
    error = pickle.loads(pickle.dumps(TaiyakuError("corpora/s/ja.txt", "not Japanese")))
    assert (error.where, error.problem, str(error)) == ("corpora/s/ja.txt", "not Japanese", "corpora/s/ja.txt: not Japanese")
