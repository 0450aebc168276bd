"""The command's own Prefect API (flows/api_server.py): a child process that boots while the command loads
its models, and that records the whole flow run before it goes.

Prefect writes task runs from the events the command sends, in batches every few seconds; an API killed at
the end of the command lost the last ones (they stayed "Running" in the UI).  These tests run the real
command as a user does, then read what its Prefect database holds once it has ended.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import REPO, STATEMENT_DIR
from support.processes import session_processes

from flows.pipeline import STEP_TASKS

pytestmark = pytest.mark.integration  # real processes, the real command

# One task run per step of the pipeline, named after the step.
_STEPS = {task.name for task in STEP_TASKS.values()}


def test_the_command_records_every_task_run_and_leaves_no_process(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    command = [sys.executable, "-m", "taiyaku.cli", "align", "--ja", str(STATEMENT_DIR / "ja.txt")]
    command += ["--en", str(STATEMENT_DIR / "en.html"), "--out", str(tmp_path / "out")]
    # A session of its own: the session id (the command's pid) finds every process it started.
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()
    # The command stops its API and waits for it before exiting: nothing of it is left.
    assert session_processes(process.pid) == []

    with sqlite3.connect(tmp_path / "prefect" / "prefect.db") as db:
        flow_runs = db.execute("SELECT id, state_type FROM flow_run").fetchall()
        assert [state for _, state in flow_runs] == ["COMPLETED"]
        task_runs = db.execute(
            "SELECT name, state_type, end_time FROM task_run WHERE flow_run_id = ?", (flow_runs[0][0],)
        ).fetchall()
    # One task run per step (segment, normalize and pull once per side), every one finished.
    assert {name.rsplit("-", 1)[0] for name, _, _ in task_runs} == _STEPS
    assert len(task_runs) == len(_STEPS) + 3
    assert [(name, state) for name, state, end in task_runs if state != "COMPLETED" or end is None] == []


def test_serve_on_the_commands_own_api_says_that_no_ui_shows_its_runs(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    command = [sys.executable, "-m", "taiyaku.cli", "serve", str(REPO / "corpora"), "--interval", "3600"]
    command += ["--aligned", str(tmp_path / "aligned")]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    assert process.stderr is not None
    # The warning comes before serving starts; serve never ends by itself, so the wait is bounded.
    said = select.select([process.stderr], [], [], 120)[0]
    first_line = process.stderr.readline().decode() if said else ""
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: serve stops
    process.communicate(timeout=120)
    assert first_line.startswith("taiyaku: warning: PREFECT_API_URL: not set: serving on an API of this command's own")
    assert session_processes(process.pid) == []
