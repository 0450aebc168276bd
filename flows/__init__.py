"""Prefect flows: thin wiring of :mod:`taiyaku.pipeline` into tasks, flow runs and artifacts.

Prefect is configured here, in one place, before it is imported: its embedded ephemeral API is the
default (no server to start); its anonymous telemetry fails on a machine without internet (error noise
and an SQLite lock traceback); its start-up can take longer than the default timeout on a busy two-core
machine; and the ``taiyaku`` loggers (fetch retries) reach the task logs.  A setting the user has made
wins over every default here.

The ephemeral API is served by a child process of the command's own (:func:`start_ephemeral_api`,
:mod:`flows.api_server`), not by the uvicorn subprocess Prefect would start: that one outlived a ``kill -9``
of the command, and took a Ctrl-C of its own (the terminal signals the whole process group), so that the
command then hung reporting the interrupt to an API that had gone.  Ours ignores those signals, ends with
its parent, and starts at once, booting on the other core while the command loads its models.
"""

from __future__ import annotations

import atexit
import os
import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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

# Settings of the command's own API only (the child of start_ephemeral_api).  That API serves one command's
# flow runs and is gone when the command ends, so two start-up jobs of a long-running server are left to the
# server a user runs on the same database (``prefect server start`` does both when it starts):
# * automations: the triggers and actions services (0.4 s of the API's start-up, before it answers);
# * registering Prefect's block types in the database, and the check before it of whether they changed
#   since the last registration: that check imports every installed Prefect collection, prefect-dask and
#   Dask with it (0.5 s).  The flows use no blocks.
_TRIGGERS = ("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED",)
# Every name Prefect reads the two block-registration settings by: a user who set any one decides both.
_BLOCK_REGISTRATION = (
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START",
    "PREFECT_API_BLOCKS_REGISTER_ON_START",
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION",
    "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION",
)
# Its log lines stay off the console, whatever the command's verbosity: the API starts before the command
# line is parsed, and ``--verbose`` is about the flow and task logs, which the command itself prints.  (A
# failed start still shows: uvicorn's error and Python's traceback do not go through Prefect's logging.)
_API_CONSOLE = ("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL",)
# Its task-run recorder writes the task runs from their events in batches of up to 100 (and every 5 s, and
# when the API stops), not one transaction per event: one at a time, the ~40 events of a pair's flow run were
# still being written for 0.4 s after the command had finished, and the command waits for them.  A server
# the user runs keeps Prefect's default: there a run shows in the UI event by event.
_TASK_RUN_BATCH = ("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE",)
# setting → (its value, the names whose being set by the user leaves the setting to Prefect)
_API_DEFAULTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": ("CRITICAL", _API_CONSOLE),
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": ("false", _TRIGGERS),
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": ("false", _BLOCK_REGISTRATION),
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": ("false", _BLOCK_REGISTRATION),
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": ("100", _TASK_RUN_BATCH),
}


def api_environment(user_set: frozenset[str] = _USER_SET) -> dict[str, str]:
    """The environment of the command's API process: this process's, with :data:`_API_DEFAULTS` where the
    user (``user_set``: the ``PREFECT_`` variables set before taiyaku started) has not decided."""
    defaults = {name: value for name, (value, names) in _API_DEFAULTS.items() if user_set.isdisjoint(names)}
    return os.environ | defaults


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


@dataclass
class EphemeralApi:
    """Prefect's ephemeral API of this command, served by a child process (:mod:`flows.api_server`)."""

    url: str
    process: subprocess.Popen[bytes]
    ready_pipe: int  # read end: one line once the API answers, end of file if the child died first
    started: float  # time.monotonic() at the start

    def ready(self, timeout: float = 0.0) -> bool:
        """Does the API answer yet?  Waits up to ``timeout`` seconds for it; raises if the child died."""
        if self.ready_pipe < 0:
            return True
        if not select.select([self.ready_pipe], [], [], timeout)[0]:
            return False
        line = os.read(self.ready_pipe, 64)
        os.close(self.ready_pipe)
        self.ready_pipe = -1
        if not line.startswith(b"ready"):
            raise RuntimeError(f"Prefect's ephemeral API did not start ({self.url}; see its error above)")
        return True

    @contextmanager
    def run_settings(self) -> Iterator[None]:
        """Prefect's settings for the flow runs of this command on this API: no flow-run heartbeats.

        Heartbeats let a server notice that a run's process died (they stop while the run is still
        Running); this API ends with the command, so it can never see them stop, and stopping the
        heartbeat thread added up to a second (its sleep step) to the end of every flow run.  A server of
        the user's (``PREFECT_API_URL``) gets its heartbeats as usual.  Entered while the API boots: building
        the settings takes 0.2 s.
        """
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield

    def stop(self) -> None:
        """Let the API shut down gracefully (Prefect's services write what they hold), then reap it; an API
        that never answered (an interrupt during its boot) is killed at once: it holds nothing."""
        try:
            answered = self.ready()
        except RuntimeError:
            answered = False
        if not answered:
            self.process.kill()
        assert self.process.stdin is not None
        self.process.stdin.close()  # end of file: the child stops
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def wait(self) -> None:
        """Return once the API answers (the start-up timeout counts from :func:`start_ephemeral_api`)."""
        limit = float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
        if not self.ready(max(limit - (time.monotonic() - self.started), 0.0)):
            raise RuntimeError(f"Prefect's ephemeral API did not start within {limit:.0f} s ({self.url})")


# The API started by start_ephemeral_api: one per process, however many commands main() runs.
_SERVED: list[EphemeralApi] = []


def own_api_url() -> str | None:
    """The URL of the ephemeral API this process started (:func:`start_ephemeral_api`), if it started one."""
    return _SERVED[0].url if _SERVED else None


def start_ephemeral_api() -> EphemeralApi | None:
    """Start Prefect's ephemeral API in a child process and point Prefect at it; returns at once.

    The child imports Prefect's server (about 3 s) on the other core while this process goes on loading
    what it needs; :meth:`EphemeralApi.wait` before the first flow.  Must run before Prefect is imported
    (Prefect reads ``PREFECT_API_URL`` once, on import).  Returns ``None`` (nothing to wait for) when the
    user has set ``PREFECT_API_URL`` (their server wins) or Prefect is imported already (a test harness
    has its API); the API this process started already when it has one.
    """
    if _SERVED:
        return _SERVED[0]
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return None
    # The socket is bound here and handed to the child: no window in which another process takes the port.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/api"
    ready_read, ready_write = os.pipe()
    fds = (listener.fileno(), ready_write)
    command = [sys.executable, "-m", "flows.api_server", *(str(fd) for fd in fds), str(os.getpid())]
    # Its standard input: a pipe only this process holds the other end of (end of file: this process ended).
    process = subprocess.Popen(command, pass_fds=fds, stdin=subprocess.PIPE, env=api_environment())
    listener.close()
    os.close(ready_write)
    # Stopped at exit, after Prefect's own exit handlers (registered later) have sent their last logs and
    # events, and reaped, so that its CPU time counts in this process's.  After a kill -9 of this process
    # it sees the end of its standard input and stops by itself.
    api = EphemeralApi(url, process, ready_read, time.monotonic())
    atexit.register(api.stop)
    os.environ["PREFECT_API_URL"] = url
    _SERVED.append(api)
    return api
