"""``taiyaku run-all`` with bad statements among good ones (issue 9, items 2 and 14).

An invalid registry (a statement.toml that does not load, an id that is not its folder's name, a source
outside its folder) runs nothing, and says every problem; a statement that fails while running (a source in
the wrong language, a changed snapshot) no longer stops the others: each failure is one line naming the
statement id, and the command exits 1 with the count.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from taiyaku.cli import main
from taiyaku.publish.manifest import verify_publication

pytestmark = pytest.mark.integration  # runs the command as users do, through Prefect

JAPANESE = (
    "日米両政府は、東京で第五回インターネットエコノミー対話を開催した。\n"
    "双方は、サイバーセキュリティの分野で協力を強化することを確認した。\n"
    "次回の会合はワシントンで開催される予定である。\n"
)
ENGLISH = (
    "<p>The governments of Japan and the United States held the fifth Internet Economy dialogue in Tokyo.</p>\n"
    "<p>Both sides confirmed that they will strengthen their cooperation in the field of cybersecurity.</p>\n"
    "<p>The next meeting is expected to be held in Washington.</p>\n"
)


def statement(corpora: Path, name: str, *, ja: str = JAPANESE, sid: str = "", ja_source: str = "ja.txt") -> Path:
    folder = corpora / name
    folder.mkdir(parents=True)
    (folder / "ja.txt").write_text(ja, encoding="utf-8")
    (folder / "en.html").write_text(ENGLISH, encoding="utf-8")
    sha = hashlib.sha256(ja.encode("utf-8")).hexdigest()
    (folder / "statement.toml").write_text(
        f'id = "{sid or name}"\ntitle = "{name}"\n[ja]\nsource = "{ja_source}"\nsha256 = "{sha}"\n'
        '[en]\nsource = "en.html"\n',
        encoding="utf-8",
    )
    return folder


def run_all(corpora: Path, aligned: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], list[str]]:
    code = main(["run-all", str(corpora), "--aligned", str(aligned)])
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
    assert code == 1
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
