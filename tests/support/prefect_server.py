"""A real Prefect server (``prefect server start``) for the tests that must see what a user's server sees.

Started once per test session on a free 127.0.0.1 port, with a temporary ``PREFECT_HOME`` (its SQLite
database) and without the UI or telemetry; stopped (its whole process group) when the session ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

PREFECT = Path(sys.executable).with_name("prefect")
STARTUP_SECONDS = 150.0
# How often api() repeats a call a busy server answered with 503.
BUSY_RETRIES = 5


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(home: Path, api_url: str | None = None) -> dict[str, str]:
    """The environment of a process that talks to the test server (``api_url``) or is the server."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="false",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    if api_url is not None:
        env["PREFECT_API_URL"] = api_url
    return env


@contextmanager
def running_prefect_server(home: Path) -> Iterator[str]:
    """Start ``prefect server start``; yield its API URL once ``/health`` answers."""
    port = free_port()
    log = (home / "server.log").open("wb")
    server = subprocess.Popen(
        [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=server_environment(home),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as a whole, with its service workers
    )
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"prefect server exited ({server.returncode}): see {home / 'server.log'}")
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not answer in {STARTUP_SECONDS:.0f} s")
            time.sleep(0.3)
        yield api_url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def api(api_url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One call to the server's REST API; the decoded JSON answer.

    A busy server (its SQLite database locked by the flow runs it records) answers 503 and has done
    nothing; like Prefect's own client, the call is then repeated, a few times."""
    for attempt in range(BUSY_RETRIES + 1):
        response = httpx.request(method, f"{api_url}{path}", json=body, timeout=30)
        if response.status_code != httpx.codes.SERVICE_UNAVAILABLE or attempt == BUSY_RETRIES:
            break
        time.sleep(1.0)
    response.raise_for_status()
    return response.json() if response.content else None
