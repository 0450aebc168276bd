"""Provenance records: ``<file>.provenance.json`` beside a snapshot file says where and how its bytes were fetched.

A local file with a record beside it is a *snapshot*: :func:`taiyaku.sources.fetch.fetch` reads the record,
checks the bytes still have the recorded SHA-256, and reports the record's provenance (source URL, final URL,
fetch time, status, headers), so a run from the snapshot publishes the same provenance as the fetch did.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from taiyaku.errors import TaiyakuError
from taiyaku.model import Provenance

PROVENANCE_SUFFIX = ".provenance.json"


def record_path(snapshot_file: Path) -> Path:
    """Where the provenance record of ``snapshot_file`` lives: beside it, ``<name>.provenance.json``."""
    return snapshot_file.with_name(snapshot_file.name + PROVENANCE_SUFFIX)


def render_record(provenance: Provenance) -> str:
    return json.dumps(provenance.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def read_record(snapshot_file: Path) -> Provenance | None:
    """The provenance record beside ``snapshot_file``, or None if it has none."""
    path = record_path(snapshot_file)
    if not path.is_file():
        return None
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaiyakuError(where, f"cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TaiyakuError(where, f"not a valid provenance record (JSON written by `taiyaku add`): {exc}") from None
    if not isinstance(data, dict):
        raise TaiyakuError(where, "not a valid provenance record (JSON written by `taiyaku add`): not an object")
    headers = data.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise TaiyakuError(where, "'headers' must be an object of strings")
    sha256 = _record_field(data, "sha256", str, where)
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise TaiyakuError(where, "'sha256' must be 64 lower-case hex digits")
    return Provenance(
        source=_record_field(data, "source", str, where),
        sha256=sha256,
        bytes=_record_field(data, "bytes", int, where),
        media_type=_record_field(data, "media_type", str, where),
        encoding=_record_field(data, "encoding", str, where),
        final_url=_record_field(data, "final_url", str, where, required=False),
        fetched_at=_record_field(data, "fetched_at", str, where, required=False),
        status=_record_field(data, "status", int, where, required=False),
        headers=dict(headers),
    )


def _record_field(
    data: dict[str, Any], key: str, kind: type[str] | type[int], where: str, *, required: bool = True
) -> Any:
    """``data[key]`` if it is a ``kind`` (``None`` for an optional key that is absent or null)."""
    value = data.get(key)
    if value is None and not required:
        return None
    # bool is an int to Python, never to a provenance record.
    if not isinstance(value, kind) or isinstance(value, bool):
        expected = "a string" if kind is str else "an integer"
        raise TaiyakuError(where, f"provenance record field '{key}' must be {expected}")
    return value
