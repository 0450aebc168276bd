"""``taiyaku run-all`` with bad statements among good ones (issue 9, items 2 and 14).

An invalid registry (a statement.toml that does not load, an id that is not its folder's name, a source
outside its folder) runs nothing, and says every problem; a statement that fails while running (a source in
the wrong language, a changed snapshot) no longer stops the others: each failure is one line naming the
statement id, and the command exits with the number of statements that failed.  A statement whose inputs
are those of its publication is skipped, with the reason; ``--force`` runs it anyway.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.small_statements import JAPANESE, statement

from taiyaku.cli import main
from taiyaku.publish.manifest import verify_publication

pytestmark = pytest.mark.integration  # runs the command as users do, through Prefect


def run_all(
    corpora: Path, aligned: Path, capsys: pytest.CaptureFixture[str], *options: str
) -> tuple[int, list[str], list[str]]:
    code = main(["run-all", str(corpora), "--aligned", str(aligned), *options])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


def test_a_failing_statement_does_not_stop_the_others(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpora, aligned = tmp_path / "corpora", tmp_path / "aligned"
    statement(corpora, "a-good")
    statement(corpora, "b-english-as-japanese", ja="The meeting was held in Tokyo. Both sides agreed.\n")
    changed = statement(corpora, "c-changed-snapshot")
    (changed / "ja.txt").write_text(JAPANESE.replace("東京", "大阪"), encoding="utf-8")
    statement(corpora, "d-good")

    code, out, err = run_all(corpora, aligned, capsys)
    assert code == 2  # the number of statements that failed
    assert [line.split(":")[0] for line in out] == [str(aligned / "a-good"), str(aligned / "d-good")]
    assert len(err) == 3, err
    assert err[0].startswith("taiyaku: error: b-english-as-japanese: ") and "Japanese" in err[0]
    assert err[1].startswith("taiyaku: error: c-changed-snapshot: ") and "sha256" in err[1]
    assert err[2] == f"taiyaku: error: {corpora}: 2 of 4 statements failed"
    assert sorted(p.name for p in aligned.iterdir()) == ["a-good", "d-good"]
    for name in ("a-good", "d-good"):
        verify_publication(aligned / name)

    # Fixed, the same registry runs whole.
    (corpora / "b-english-as-japanese" / "statement.toml").unlink()
    (changed / "ja.txt").write_text(JAPANESE, encoding="utf-8")
    code, out, err = run_all(corpora, aligned, capsys)
    assert (code, err) == (0, [])
    assert sorted(p.name for p in aligned.iterdir()) == ["a-good", "c-changed-snapshot", "d-good"]
    # Only what had not been published ran: the others were skipped, saying why.
    assert out[0].startswith("a-good: skipped, unchanged since its last publication")
    assert out[1].startswith(f"{aligned / 'c-changed-snapshot'}: ")
    assert out[2].startswith("d-good: skipped, unchanged since its last publication")


def test_only_statements_whose_inputs_changed_run_again(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpora, aligned = tmp_path / "corpora", tmp_path / "aligned"
    for name in ("a", "b", "c", "d"):
        statement(corpora, name)
    assert run_all(corpora, aligned, capsys)[0] == 0
    manifests = {name: (aligned / name / "manifest.json").read_bytes() for name in "abcd"}
    assert b'"inputs"' in manifests["a"]

    # A reviewer's correction, a statement.toml edit, a new glossary: each is an input.
    (corpora / "b" / "corrections.jsonl").write_text(
        '{"ja": "次回の会合はワシントンで開催される予定である。", "en": "The next meeting is expected to be held in '
        'Washington."}\n',
        encoding="utf-8",
    )
    toml = corpora / "c" / "statement.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('title = "c"', 'title = "C, retitled"'), encoding="utf-8")
    glossaries = corpora / "glossaries"
    glossaries.mkdir()
    (glossaries / "g.tsv").write_text("ja\ten\tvariants\tforbidden\tnote\n対話\tdialogue\t\t\t\n", encoding="utf-8")
    toml = corpora / "d" / "statement.toml"
    toml.write_text('glossary = "../glossaries/g.tsv"\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run_all(corpora, aligned, capsys)
    assert (code, err) == (0, [])
    assert out[0] == (
        "a: skipped, unchanged since its last publication (sources, statement.toml, glossary, corrections, "
        "taiyaku 0.1.0)"
    )
    assert [line.split(":")[0] for line in out[1:]] == [str(aligned / name) for name in "bcd"]
    assert (aligned / "a" / "manifest.json").read_bytes() == manifests["a"]
    assert "reviewed" in (aligned / "b" / "corpus.jsonl").read_text(encoding="utf-8")
    assert "C, retitled" in (aligned / "c" / "report.json").read_text(encoding="utf-8")

    # A glossary edited in place changes the statement that uses it; --force runs everything.
    (glossaries / "g.tsv").write_text("ja\ten\tvariants\tforbidden\tnote\n東京\tTokyo\t\t\t\n", encoding="utf-8")
    code, out, _ = run_all(corpora, aligned, capsys)
    assert [line.split(",")[0] for line in out[:3]] == ["a: skipped", "b: skipped", "c: skipped"]
    assert out[3].startswith(f"{aligned / 'd'}: ")
    code, out, _ = run_all(corpora, aligned, capsys, "--force")
    assert code == 0 and not any("skipped" in line for line in out) and len(out) == 4


def test_a_hand_edited_publication_runs_again(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpora, aligned = tmp_path / "corpora", tmp_path / "aligned"
    statement(corpora, "a")
    assert run_all(corpora, aligned, capsys)[0] == 0
    corpus = aligned / "a" / "corpus.tsv"
    corpus.write_text("edited\n", encoding="utf-8")
    code, out, _ = run_all(corpora, aligned, capsys)
    assert code == 0 and out[0].startswith(f"{aligned / 'a'}: ")
    assert corpus.read_text(encoding="utf-8") != "edited\n"


def test_the_run_all_flow_run_ends_failed_with_every_outcome(prefect_harness: None, tmp_path: Path) -> None:
    from flows.pipeline import StatementsFailed, align_all_statements

    corpora = tmp_path / "corpora"
    statement(corpora, "good")
    statement(corpora, "wrong-language", ja="Only English here, nothing Japanese at all.\n")
    state = align_all_statements(str(corpora), str(tmp_path / "aligned"), return_state=True)
    assert state.is_failed()
    failure = state.result(raise_on_failure=False)
    assert isinstance(failure, StatementsFailed)
    assert [(o.statement_id, o.published is not None, o.error is not None) for o in failure.outcomes] == [
        ("good", True, False),
        ("wrong-language", False, True),
    ]


def test_an_invalid_registry_runs_nothing_and_names_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpora, aligned = tmp_path / "corpora", tmp_path / "aligned"
    statement(corpora, "a-good")
    statement(corpora, "b-intruder", sid="a-good")  # would publish over a-good and drop its reviewed beads
    statement(corpora, "c-outside", ja_source="../../../../../../etc/passwd")
    statement(corpora, "d-bad-toml")
    (corpora / "d-bad-toml" / "statement.toml").write_text('id = "d-bad-toml"\n[ja\n', encoding="utf-8")
    statement(corpora, "e-good")

    code, out, err = run_all(corpora, aligned, capsys)
    assert code == 1 and out == []
    assert len(err) == 4, err
    assert "b-intruder/statement.toml: 'id' is 'a-good' but the folder is named 'b-intruder'" in err[0]
    assert "c-outside/statement.toml: [ja] source '../../../../../../etc/passwd' lies outside" in err[1]
    assert "d-bad-toml/statement.toml: not valid TOML" in err[2]
    assert err[3] == f"taiyaku: error: {corpora}: 3 of 5 statements are invalid; refusing to run any"
    assert not aligned.exists()


def test_an_empty_registry_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "corpora").mkdir()
    code, out, err = run_all(tmp_path / "corpora", tmp_path / "aligned", capsys)
    assert code == 1 and out == [] and len(err) == 1 and "no statements here" in err[0]
