"""Prefect flows: thin wiring of the taiyaku stages.

Prefect's embedded ephemeral API is the default: no server to start. Its anonymous telemetry fails on a
machine without internet (error noise and an SQLite lock traceback), and its start-up can take longer
than the default timeout on a busy two-core machine; both are set here, before Prefect is imported,
unless the user has set them.
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def artifact_key(prefix: str, name: str) -> str:
    """A Prefect artifact key for ``name``: Prefect allows lower-case letters, digits and dashes only."""
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    return f"{prefix}-{cleaned or 'pair'}"
