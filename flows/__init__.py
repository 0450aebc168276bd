"""Prefect flows: thin wiring of :mod:`taiyaku.pipeline` into tasks, flow runs and artifacts.

Prefect is configured here, in one place, before it is imported: its embedded ephemeral API is the
default (no server to start); its anonymous telemetry fails on a machine without internet (error noise
and an SQLite lock traceback); its start-up can take longer than the default timeout on a busy two-core
machine; and the ``taiyaku`` loggers (fetch retries) reach the task logs.  A setting the user has made
wins over every default here.
"""

from __future__ import annotations

import os
import re

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
