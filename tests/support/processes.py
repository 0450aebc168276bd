"""The processes a command left behind: every live process of a session (read from /proc: no psutil here).

A command started in a new session (``start_new_session=True``) has the session id of its own pid, and so
has every process it starts unless that one leaves the session.
"""

from __future__ import annotations

from pathlib import Path


def session_processes(session: int) -> list[str]:
    """``pid command`` of every live process in ``session`` (read from /proc: no psutil here)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # the command name may hold spaces
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue  # the process ended while we looked
        state, sid = fields[0], int(fields[3])
        if sid == session and state != "Z":
            found.append(f"{stat.parent.name} {cmdline.strip()}")
    return found
