"""Shared fixtures (a scripted HTTP server, one ephemeral Prefect API, a real Prefect server) and the unit /
integration markers.

A test is an *integration* test when it starts a Prefect flow run (``prefect_harness``), talks to a real
HTTP server (``server``), reads the shared evaluation sets (marker ``eval``) or is marked so itself (the
CLI runs); every other test is a *unit* test.  ``pytest -m unit`` runs the fast ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.scripted_http import ScriptedServer

import flows  # noqa: F401  (Prefect's settings, before anything imports Prefect: see flows/__init__.py)

_INTEGRATION_FIXTURES = frozenset({"prefect_harness", "server", "prefect_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if (
            item.get_closest_marker("integration")
            or item.get_closest_marker("eval")
            or fixtures & _INTEGRATION_FIXTURES
        ):
            item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    """A real HTTP server on 127.0.0.1, scripted per path (tests/support/scripted_http.py)."""
    # A proxy configured in the environment must not intercept requests to the local test server.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    with ScriptedServer() as running:
        yield running
    assert running.errors == []


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One ephemeral Prefect API (temporary database) for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real ``prefect server start``: its API URL and its PREFECT_HOME (tests/support/prefect_server.py).

    Started once for the tests of a module and stopped after them: its background services would take
    CPU from every later test."""
    from support.prefect_server import running_prefect_server

    home = tmp_path_factory.mktemp("prefect-home")
    with running_prefect_server(home) as api_url:
        yield api_url, home
