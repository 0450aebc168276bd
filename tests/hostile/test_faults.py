"""Issue 9, items 11 and 13: interrupts, and an output location that cannot be written.

* Ctrl-C or SIGTERM during a run ends with one line, ``taiyaku: interrupted``, and exit status 130
  (SIGINT) or 143 (SIGTERM); after ``kill -9`` no process of the command is left (Prefect's ephemeral API
  used to be a uvicorn child that outlived it; it is now a child of the command's own that ends with it,
  and ignores the Ctrl-C that a terminal sends the whole process group, so that the command can still
  report its interrupted flow run).  Real processes, signalled while a flow is running: the
  English source is a real HTTP server that holds its answer, so the signal lands inside the pull task.
* An output folder that cannot be written (``--out`` naming a file, a parent that is a file, a read-only
  file system) is refused in one line before anything is fetched; a disk that fills up during publication
  is one line too, and leaves nothing half-written.  Read-only and full file systems are real: small
  tmpfs mounts (root ignores file modes, so ``chmod`` could not make a folder read-only for these tests).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.paths import REPO, STATEMENT_DIR
from support.processes import session_processes
from support.scripted_http import Reply, ScriptedServer

from taiyaku.cli import main

JA = STATEMENT_DIR / "ja.txt"
EN = STATEMENT_DIR / "en.html"

pytestmark = pytest.mark.integration  # real processes, real mounts, the real command


# --------------------------------------------------------------------------------------------- interrupts


@dataclass
class Interrupted:
    """A `taiyaku align` process signalled while its flow ran, and what was left of it."""

    returncode: int
    stderr: str
    left_behind: list[str]
    out: Path


# How each case signals the command: a terminal's Ctrl-C reaches the whole foreground process group.
SIGNALS = {
    "ctrl-c": (signal.SIGINT, os.killpg),
    "sigterm": (signal.SIGTERM, os.kill),
    "kill -9": (signal.SIGKILL, os.kill),
}


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Interrupted]]:
    """Run one `taiyaku align` per case, each in a new session, and signal it once its flow is pulling.

    The first run starts alone (it may have to create Prefect's database); the others start once it is
    inside its flow, and run side by side.
    """
    root = tmp_path_factory.mktemp("interrupts")
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", PREFECT_HOME=str(root / "prefect"))
    results: dict[str, Interrupted] = {}
    with ScriptedServer() as server:

        def start(case: str) -> tuple[subprocess.Popen[bytes], str]:
            path = f"/{case.replace(' ', '-')}/en.html"
            url = server.route(path, Reply(200, EN.read_bytes(), {"Content-Type": "text/html"}, stall=120))
            command = [sys.executable, "-m", "taiyaku.cli", "align", "--ja", str(JA), "--en", url]
            command += ["--out", str(root / case / "out")]
            (root / case).mkdir()
            stderr = (root / case / "stderr").open("wb")
            # A new session: the process group of its own that a terminal would give it, and the
            # session id that finds every process it started.
            process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
            )
            return process, path

        def signal_when_pulling(case: str, process: subprocess.Popen[bytes], path: str) -> None:
            deadline = time.monotonic() + 240
            while server.hits(path) == 0:
                assert process.poll() is None, f"{case}: the command ended before its flow pulled the source"
                assert time.monotonic() < deadline, f"{case}: the flow never pulled the source"
                time.sleep(0.1)
            time.sleep(0.5)  # inside the task, waiting for the answer
            number, send = SIGNALS[case]
            send(process.pid, number)

        cases = list(SIGNALS)
        first = start(cases[0])
        signal_when_pulling(cases[0], *first)
        running = {cases[0]: first} | {case: start(case) for case in cases[1:]}
        for case in cases[1:]:
            signal_when_pulling(case, *running[case])
        for case, (process, _) in running.items():
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            # The API's child process notices within a twentieth of a second that its parent is gone.
            deadline = time.monotonic() + 5
            while (left := session_processes(process.pid)) and time.monotonic() < deadline:
                time.sleep(0.05)
            for line in left:  # never leave a stray process behind the tests
                os.kill(int(line.split()[0]), signal.SIGKILL)
            stderr = (root / case / "stderr").read_text(encoding="utf-8", errors="replace")
            results[case] = Interrupted(process.returncode, stderr, left, root / case / "out")
        yield results


def test_ctrl_c_during_a_run_is_one_line_and_status_130(interrupted: dict[str, Interrupted]) -> None:
    result = interrupted["ctrl-c"]
    assert result.stderr == "taiyaku: interrupted\n"
    assert result.returncode == 130
    assert result.left_behind == []
    assert not result.out.exists()


def test_sigterm_during_a_run_is_one_line_and_status_143(interrupted: dict[str, Interrupted]) -> None:
    result = interrupted["sigterm"]
    assert result.stderr == "taiyaku: interrupted\n"
    assert result.returncode == 143
    assert result.left_behind == []
    assert not result.out.exists()


def test_kill_9_leaves_no_process_behind(interrupted: dict[str, Interrupted]) -> None:
    result = interrupted["kill -9"]
    assert result.returncode == -signal.SIGKILL
    assert result.left_behind == []  # before: Prefect's uvicorn API server, orphaned
    assert not result.out.exists()


# ------------------------------------------------------------------------------------------- output location


def _mount_tmpfs(where: Path, options: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): {mounted.stderr.decode().strip()}")


@pytest.fixture
def mounts() -> Iterator[list[Path]]:
    """Mount points to unmount after the test, whatever happened in it."""
    mounted: list[Path] = []
    yield mounted
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def read_only(tmp_path: Path, mounts: list[Path]) -> Path:
    """A folder on a read-only file system (EROFS: refused to root too)."""
    where = tmp_path / "read-only"
    _mount_tmpfs(where, "ro,size=1m")
    mounts.append(where)
    return where


@pytest.fixture
def nearly_full(tmp_path: Path, mounts: list[Path]) -> Path:
    """A file system of 40 KiB: a new folder and an empty file fit, the corpus and its report do not."""
    where = tmp_path / "small-disk"
    _mount_tmpfs(where, "size=40k")
    mounts.append(where)
    return where


def _align_over_http(server: ScriptedServer, out: Path) -> int:
    ja = server.route("/ja.txt", Reply(200, JA.read_bytes(), {"Content-Type": "text/plain; charset=utf-8"}))
    en = server.route("/en.html", Reply(200, EN.read_bytes(), {"Content-Type": "text/html"}))
    return main(["align", "--ja", ja, "--en", en, "--out", str(out)])


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("taiyaku: error: "), err  # one line, no traceback
    return err[0]


@pytest.mark.parametrize("where", ["an existing file", "a folder under a file"])
def test_an_output_location_under_or_at_a_file_is_refused_before_fetching(
    where: str, prefect_harness: None, server: ScriptedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "corpus.out"
    a_file.write_text("not a folder\n", encoding="utf-8")
    out = a_file if where == "an existing file" else a_file / "pair"
    assert _align_over_http(server, out) == 1
    line = _error_line(capsys)
    assert line.startswith(f"taiyaku: error: {out}: ")
    assert ("is a file, not a folder" if out == a_file else f"{a_file} is a file") in line
    assert server.requests == []  # nothing fetched
    assert a_file.read_text(encoding="utf-8") == "not a folder\n"


def test_a_read_only_file_system_is_refused_before_fetching(
    prefect_harness: None, server: ScriptedServer, read_only: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = read_only / "aligned" / "pair"
    assert _align_over_http(server, out) == 1
    assert _error_line(capsys) == f"taiyaku: error: {out}: cannot publish here: {read_only}: Read-only file system"
    assert server.requests == []


def test_add_refuses_an_unwritable_aligned_folder_before_fetching(
    prefect_harness: None, server: ScriptedServer, read_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja = server.route("/ja.txt", Reply(200, JA.read_bytes(), {"Content-Type": "text/plain; charset=utf-8"}))
    en = server.route("/en.html", Reply(200, EN.read_bytes(), {"Content-Type": "text/html"}))
    corpora = tmp_path / "corpora"
    code = main(["add", "ro-2014", "--ja", ja, "--en", en, "--corpora", str(corpora), "--aligned", str(read_only)])
    assert code == 1
    assert "Read-only file system" in _error_line(capsys)
    assert server.requests == []
    assert not corpora.exists()


def test_a_disk_that_fills_up_during_publication_is_one_line_and_leaves_nothing(
    prefect_harness: None, server: ScriptedServer, nearly_full: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = nearly_full / "pair"
    assert _align_over_http(server, out) == 1
    assert _error_line(capsys) == f"taiyaku: error: {out}: cannot publish: No space left on device"
    # No half-written file and no staging folder: the corpus was never there, so nothing is.
    assert [p for p in nearly_full.rglob("*") if p.is_file()] == []


def test_a_write_error_of_another_command_is_one_line_naming_the_file(
    read_only: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An OSError that names its file, outside any flow: printed in one line, not as a traceback.
    glossary = REPO / "corpora" / "glossaries" / "ict-policy.tsv"
    assert main(["glossary", str(glossary), str(read_only / "sub" / "ict-policy.csv")]) == 1
    assert _error_line(capsys) == f"taiyaku: error: {read_only / 'sub'}: Read-only file system"
