"""Files the way taiyaku writes and reads them: atomically, never half-written; JSON lines with errors
that name the file and line.

Every stage that writes a file (published corpora, glossaries, corrections, snapshots, findings) goes
through :func:`atomic_write` or :func:`write_files_atomically`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from taiyaku.errors import TaiyakuError


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write ``path`` via a temporary file in the same folder and a rename: never half-written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_files_atomically(out_dir: str | Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write a set of files into ``out_dir``: each file is whole, old or new, never half-written.

    All files are first written to a staging folder beside ``out_dir``; only when every one of them is
    complete are they moved into place (each move an atomic rename). A failure before that point leaves
    ``out_dir`` exactly as it was.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".staging", dir=out_dir.parent))
    try:
        for name, content in sorted(files.items()):
            atomic_write(staging / name, content)
        out_dir.mkdir(exist_ok=True)
        written = []
        for name in sorted(files):
            os.replace(staging / name, out_dir / name)
            written.append(out_dir / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def read_jsonl_objects(path: Path, what: str) -> Iterator[tuple[str, dict[str, object]]]:
    """``(where, object)`` for each non-blank line of a JSON-lines file whose objects must carry string
    ``ja`` and ``en`` fields (either may be empty); ``where`` is ``path:line`` for error messages."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TaiyakuError(where, f"not valid JSON ({exc.msg})") from None
        if not isinstance(data, dict) or not isinstance(data.get("ja"), str) or not isinstance(data.get("en"), str):
            raise TaiyakuError(where, f"{what} needs string fields 'ja' and 'en'")
        yield where, data
