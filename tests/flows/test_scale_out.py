"""run-all on Dask and the scheduled deployment, against a real Prefect server (``prefect server start``).

The command runs as users run it (a subprocess with ``PREFECT_API_URL`` set): its local Dask cluster of
worker processes reports to the server; one failing statement does not stop the others and the exit status
is the number that failed; what the server then holds (flow runs, task runs, the summary artifact) is read
back through its REST API.  ``taiyaku serve`` registers the deployment with its schedule, and a run of it
started through the API publishes the statements and skips them the next time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support.prefect_server import api, server_environment
from support.small_statements import statement

from taiyaku.publish.manifest import verify_publication

pytestmark = pytest.mark.integration

TAIYAKU = Path(sys.executable).with_name("taiyaku")


def taiyaku(prefect_server: tuple[str, Path], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    api_url, home = prefect_server
    return subprocess.run(
        [str(TAIYAKU), *args],
        cwd=cwd,
        env=server_environment(home, api_url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def flow_runs(api_url: str, flow_name: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = api(api_url, "POST", "/flow_runs/filter", {"flows": {"name": {"any_": [flow_name]}}})
    return runs


def test_run_all_on_a_local_dask_cluster_reports_to_the_prefect_server(
    prefect_server: tuple[str, Path], tmp_path: Path
) -> None:
    api_url, _ = prefect_server
    corpora = tmp_path / "corpora"
    statement(corpora, "a-good")
    statement(corpora, "b-english-as-japanese", ja="The meeting was held in Tokyo. Both sides agreed.\n")
    statement(corpora, "c-good")

    result = taiyaku(prefect_server, tmp_path, "run-all", "corpora", "--workers", "2")
    assert result.returncode == 1, result.stderr  # one statement failed
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["aligned/a-good", "aligned/c-good"]
    errors = result.stderr.splitlines()
    assert errors[0].startswith("taiyaku: error: b-english-as-japanese: corpora/b-english-as-japanese/ja.txt: ")
    assert errors[-1] == "taiyaku: error: corpora: 1 of 3 statements failed"
    for name in ("a-good", "c-good"):
        verify_publication(tmp_path / "aligned" / name)

    # The server saw it all: the run-all flow run (failed, as one statement failed), one align-statement
    # task run per statement from the Dask workers, each statement's own flow run, and the summary.
    (run_all,) = flow_runs(api_url, "taiyaku-run-all")
    assert run_all["state_type"] == "FAILED"
    # The server writes task runs from the events the workers sent, after the command has ended: wait for
    # the three, as a user reading them in the UI would.
    deadline = time.monotonic() + 60
    while True:
        tasks = api(api_url, "POST", "/task_runs/filter", {"flow_runs": {"id": {"any_": [run_all["id"]]}}})
        statement_tasks = sorted(t["state_type"] for t in tasks if t["name"].startswith("align-statement"))
        if statement_tasks == ["COMPLETED", "COMPLETED", "FAILED"] or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert statement_tasks == ["COMPLETED", "COMPLETED", "FAILED"]
    statement_runs = sorted(run["state_type"] for run in flow_runs(api_url, "taiyaku-align-statement"))
    assert statement_runs == ["COMPLETED", "COMPLETED", "FAILED"]
    (artifact,) = api(
        api_url, "POST", "/artifacts/filter", {"artifacts": {"key": {"any_": ["taiyaku-run-all-corpora"]}}}
    )
    assert "| a-good | published: 3 beads" in artifact["data"]
    assert "| b-english-as-japanese | failed: " in artifact["data"]

    # Fixed, only the statement that failed runs; the others are skipped, saying why.
    (corpora / "b-english-as-japanese" / "statement.toml").unlink()
    result = taiyaku(prefect_server, tmp_path, "run-all", "corpora", "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["a-good: skipped", "c-good: skipped"]


def test_serve_runs_the_deployment_and_republishes_only_what_changed(
    prefect_server: tuple[str, Path], tmp_path: Path
) -> None:
    api_url, home = prefect_server
    corpora = tmp_path / "corpora"
    statement(corpora, "a")
    statement(corpora, "b")
    serving = subprocess.Popen(
        [str(TAIYAKU), "serve", "corpora", "--interval", "3600", "--name", "test"],
        cwd=tmp_path,
        env=server_environment(home, api_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deployment = None
        deadline = time.monotonic() + 90
        while deployment is None and time.monotonic() < deadline and serving.poll() is None:
            found = api(api_url, "POST", "/deployments/filter", {"deployments": {"name": {"any_": ["test"]}}})
            deployment = found[0] if found else None
            time.sleep(0.5)
        assert deployment is not None, serving.stderr.read() if serving.poll() is not None else "no deployment"
        assert [s["schedule"]["interval"] for s in deployment["schedules"]] == [3600.0]
        assert deployment["parameters"]["corpora_dir"] == "corpora"

        def run_deployment() -> dict[str, Any]:
            run: dict[str, Any] = api(api_url, "POST", f"/deployments/{deployment['id']}/create_flow_run", {})
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline:
                run = api(api_url, "GET", f"/flow_runs/{run['id']}")
                if run["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                    return run
                time.sleep(0.5)
            raise AssertionError(f"the deployment's flow run did not finish: {run['state_type']}")

        first = run_deployment()
        assert first["state_type"] == "COMPLETED", first["state"]["message"]
        for name in ("a", "b"):
            verify_publication(tmp_path / "aligned" / name)
        published = (tmp_path / "aligned" / "a" / "manifest.json").read_bytes()

        (corpora / "b" / "statement.toml").write_text(
            (corpora / "b" / "statement.toml").read_text(encoding="utf-8").replace('title = "b"', 'title = "B"'),
            encoding="utf-8",
        )
        second = run_deployment()
        assert second["state_type"] == "COMPLETED", second["state"]["message"]
        assert (tmp_path / "aligned" / "a" / "manifest.json").read_bytes() == published
        assert '"title": "B"' in (tmp_path / "aligned" / "b" / "report.json").read_text(encoding="utf-8")
        (artifact,) = api(
            api_url, "POST", "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [second["id"]]}}}
        )
        assert "| a | skipped: unchanged since its last publication" in artifact["data"]
        assert "| b | published: 3 beads" in artifact["data"]
    finally:
        os.kill(serving.pid, signal.SIGTERM)
        try:
            serving.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            serving.kill()
            serving.communicate()


def test_run_all_on_an_existing_dask_cluster(prefect_server: tuple[str, Path], tmp_path: Path) -> None:
    """``--dask-address``: a scheduler and a worker started with Dask's own commands, in a folder of their own."""
    from support.prefect_server import free_port

    api_url, home = prefect_server
    corpora = tmp_path / "corpora"
    statement(corpora, "a")
    statement(corpora, "b")
    cluster_folder = tmp_path / "cluster"
    cluster_folder.mkdir()
    env = server_environment(home, api_url)
    address = f"tcp://127.0.0.1:{free_port()}"
    dask = str(Path(sys.executable).with_name("dask"))
    port = address.rsplit(":", 1)[1]
    scheduler = subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
        cwd=cluster_folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [dask, "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
        cwd=cluster_folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        result = taiyaku(prefect_server, tmp_path, "run-all", "corpora", "--dask-address", address)
        assert result.returncode == 0, result.stderr
        assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
            str(tmp_path / "aligned" / name) for name in ("a", "b")
        ]
        for name in ("a", "b"):
            verify_publication(tmp_path / "aligned" / name)
        assert not (cluster_folder / "aligned").exists()  # the workers wrote where the command runs
    finally:
        for process in (worker, scheduler):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (worker, scheduler):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
