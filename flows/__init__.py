"""Prefect flows: thin wiring of :mod:`taiyaku.pipeline` into tasks, flow runs and artifacts.

Prefect is configured here, in one place, before it is imported: its embedded ephemeral API is the
default (no server to start); its anonymous telemetry fails on a machine without internet (error noise
and an SQLite lock traceback); its start-up can take longer than the default timeout on a busy two-core
machine; and the ``taiyaku`` loggers (fetch retries) reach the task logs.  A setting the user has made
wins over every default here.

The ephemeral API is served from a thread of the command's own process (:func:`serve_ephemeral_api`),
not from the uvicorn subprocess Prefect would start: a child process outlived a ``kill -9`` of the
command, and took a Ctrl-C of its own (the terminal signals the whole process group), so that the
command then hung reporting the interrupt to an API that had gone.  A thread dies with the process.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import threading
import time
from typing import Any

# What the user set before taiyaku touched anything: never overridden.
_USER_SET = frozenset(name for name in os.environ if name.startswith("PREFECT_"))
_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "taiyaku",
    # taiyaku logs outside flow runs too (the CLI's `add`, the library): not an error.
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


def configure_prefect(*, console_level: str | None = None, logging_level: str | None = None) -> None:
    """Set taiyaku's Prefect settings; must run before Prefect is imported (this module runs it with the
    defaults when it is imported, and the CLI again with its levels).

    ``console_level``: the lowest level of Prefect's console log handler (the CLI shows a failed task as
    one line, not a traceback, unless ``--verbose``); ``logging_level``: what reaches the Prefect API.
    """
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)
    explicit = {"PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": console_level, "PREFECT_LOGGING_LEVEL": logging_level}
    for name, level in explicit.items():
        if level is not None and name not in _USER_SET:
            os.environ[name] = level


configure_prefect()

_NOT_KEY_CHARS = re.compile(r"[^a-z0-9]+")


def artifact_key(prefix: str, name: str) -> str:
    """A Prefect artifact key for ``name``: Prefect accepts ``[a-z0-9-]`` only, so every other character
    (accents, kana, kanji, dots) becomes a dash; a name with nothing left gives ``<prefix>-pair``."""
    cleaned = _NOT_KEY_CHARS.sub("-", name.lower()).strip("-")
    return f"{prefix}-{cleaned or 'pair'}"


# The API served by serve_ephemeral_api: one per process, however many commands main() runs.
_SERVED: dict[str, Any] = {}


def serve_ephemeral_api() -> None:
    """Serve Prefect's ephemeral API from a daemon thread of this process and point Prefect at it.

    Must run before Prefect is imported (Prefect reads ``PREFECT_API_URL`` once, on import).  Does nothing
    when the user has set ``PREFECT_API_URL`` (their server wins), when Prefect is imported already (a
    test harness has its API) or when this process serves one already.  Returns once the API answers.
    """
    if _SERVED or os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return
    # The socket is bound here and handed to uvicorn: no window in which another process takes the port.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{listener.getsockname()[1]}/api"

    import uvicorn
    from prefect.server.api.server import create_app

    # ephemeral: no UI and no background services, as in Prefect's own ephemeral server.
    config = uvicorn.Config(create_app(ephemeral=True, final=True), log_level="error", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="prefect-api", daemon=True)
    thread.start()
    # No shutdown at exit: the thread dies with the process.  A graceful one waited for Prefect's server
    # workers and added seconds to the exit of an interrupted command; every write the API acknowledged is
    # in the database already (SQLite keeps it consistent whenever the process ends).
    _SERVED.update(server=server, thread=thread)
    deadline = time.monotonic() + float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"Prefect's ephemeral API did not start ({os.environ['PREFECT_API_URL']})")
        time.sleep(0.05)
