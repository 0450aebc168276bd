"""Bad input: one clear line naming the file and the problem, exit status 1, aligned/ untouched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import STATEMENT_DIR

from taiyaku import __version__
from taiyaku.cli import FLOW_COMMANDS, _command_named, build_parser, main

pytestmark = pytest.mark.integration  # runs the command as users do, through Prefect

EN = STATEMENT_DIR / "en.html"
JA = STATEMENT_DIR / "ja.txt"


def _published(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def aligned(tmp_path: Path) -> Path:
    """An aligned/ folder that already holds a published corpus, which no failure may touch."""
    root = tmp_path / "aligned"
    (root / "pair").mkdir(parents=True)
    (root / "pair" / "corpus.jsonl").write_text('{"id":"b0","ja":"前","en":"before"}\n', encoding="utf-8")
    return root


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, Path, str]]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\n  \n", encoding="utf-8")
    binary = tmp_path / "garbage.txt"
    binary.write_bytes(bytes(range(128, 256)) * 8)
    missing = tmp_path / "missing.txt"
    return {
        "missing file": (missing, EN, "missing.txt"),
        "empty file": (empty, EN, "empty.txt"),
        "blank document": (blank, EN, "blank.txt"),
        "undecodable bytes": (binary, EN, "garbage.txt"),
        "English given as Japanese": (EN, EN, "en.html"),
        "Japanese given as English": (JA, JA, "ja.txt"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "empty file",
        "blank document",
        "undecodable bytes",
        "English given as Japanese",
        "Japanese given as English",
    ],
)
def test_bad_input_is_one_line_error_and_nothing_changes(
    case: str, prefect_harness: None, tmp_path: Path, aligned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja, en, named = _bad_inputs(tmp_path)[case]
    before = _published(aligned)
    code = main(["align", "--ja", str(ja), "--en", str(en), "--out", str(aligned / "pair")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err and err[-1].startswith("taiyaku: error: ") and named in err[-1], err
    assert _published(aligned) == before
    assert sorted(p.name for p in aligned.iterdir()) == ["pair"]  # no staging folder left behind


def test_missing_statement_and_glossary_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path / "nowhere")]) == 1
    assert "statement.toml" in capsys.readouterr().err


def test_installed_command_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "taiyaku.cli", "run", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "taiyaku: error:" in result.stderr


@pytest.mark.parametrize(
    ("args", "status", "stdout"), [(["--version"], 0, f"taiyaku {__version__}\n"), (["align", "--bogus"], 2, "")]
)
def test_the_command_exits_with_argparses_status_and_its_output(args: list[str], status: int, stdout: str) -> None:
    # The command ends without the interpreter's teardown (taiyaku.cli.run): what argparse printed and the
    # status it exits with still arrive.
    result = subprocess.run([sys.executable, "-m", "taiyaku.cli", *args], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (status, stdout)
    assert result.stderr.startswith("usage: taiyaku") if status else result.stderr == ""


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["align", "--ja", "a.txt", "--en", "b.txt", "--out", "out"], "align"),
        (["-v", "run-all", "corpora"], "run-all"),
        (["--verbose", "serve", "--interval", "60"], "serve"),
        (["--version"], None),
        ([], None),
    ],
)
def test_the_command_is_read_before_parsing_to_start_prefects_api_first(argv: list[str], command: str | None) -> None:
    assert _command_named(argv) == command
    parsed = build_parser().parse_args(argv) if command else None
    assert parsed is None or parsed.command == command


def test_every_command_that_runs_flows_is_a_command() -> None:
    subcommands = next(action for action in build_parser()._actions if action.dest == "command")
    assert subcommands.choices is not None and FLOW_COMMANDS.issubset(subcommands.choices)


def test_help_lists_every_command() -> None:
    result = subprocess.run([sys.executable, "-m", "taiyaku.cli", "--help"], capture_output=True, text=True, check=True)
    for command in (
        "align",
        "run",
        "run-all",
        "serve",
        "release",
        "add",
        "eval",
        "render-pdf",
        "check",
        "correct",
        "glossary",
        "score",
    ):
        assert command in result.stdout


def test_an_output_folder_with_a_japanese_name_publishes_and_exits_zero(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Prefect accepts artifact keys of [a-z0-9-] only: the summary artifact of 出力 must still be created.
    out = tmp_path / "出力.v2"
    code = main(["align", "--ja", str(JA), "--en", str(EN), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert (out / "corpus.jsonl").is_file() and (out / "report.html").is_file()


@pytest.mark.parametrize(
    ("name", "key"),
    [("us-japan-2014", "taiyaku-us-japan-2014"), ("出力", "taiyaku-pair"), ("Café 出力.v2", "taiyaku-caf-v2")],
)
def test_artifact_keys_hold_only_what_prefect_accepts(name: str, key: str) -> None:
    from flows import artifact_key

    assert artifact_key("taiyaku", name) == key


def test_serve_refuses_a_bad_schedule_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from support.small_statements import statement

    statement(tmp_path / "corpora", "s")
    assert main(["serve", str(tmp_path / "corpora"), "--cron", "61 * * *"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "taiyaku: error: --cron: '61 * * *' is not a cron expression (e.g. \"0 3 * * *\")"
    )
    with pytest.raises(SystemExit):  # one place to run: a local cluster or an existing one
        main(["run-all", str(tmp_path / "corpora"), "--workers", "2", "--dask-address", "tcp://127.0.0.1:8786"])
    assert "not allowed with argument --workers" in capsys.readouterr().err
