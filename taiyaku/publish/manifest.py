"""The publication manifest: ``manifest.json``, which says that a published folder is one whole publication.

A publication replaces several files (the corpus formats and the report), each with an atomic rename, but
a process killed between two renames would leave ``corpus.jsonl`` new and ``report.html`` old: bead ids
that the page a reviewer reads does not show.  So every publication also writes::

    {"files": [{"bytes": 26635, "name": "corpus.jsonl", "sha256": "…"}, …]}

(every other published file, its size and SHA-256; sorted, no time stamp, so the same publication gives the
same bytes).  :func:`write_publication` removes the old manifest before the first rename and puts the new
one in place after the last (:func:`taiyaku.io.write_files_atomically`), and :func:`verify_publication`,
which readers call before trusting bead ids, accepts a folder only when every file it lists is there with
those exact bytes: an interrupted switch, or a file edited after publication, is detected, never used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from taiyaku.errors import TaiyakuError
from taiyaku.io import write_files_atomically

MANIFEST = "manifest.json"

_REPUBLISH = "publish it again (taiyaku run, or taiyaku align) before using its bead ids"


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def render_manifest(files: Mapping[str, str | bytes], inputs: Mapping[str, str] | None = None) -> str:
    """The manifest of ``files`` (name → content as it will be written), and the fingerprint of the
    ``inputs`` they were made from, when known (a registered statement's: see :func:`published_inputs`)."""
    entries = []
    for name in sorted(files):
        data = _as_bytes(files[name])
        entries.append({"bytes": len(data), "name": name, "sha256": hashlib.sha256(data).hexdigest()})
    document: dict[str, object] = {"files": entries}
    if inputs is not None:
        document["inputs"] = dict(inputs)
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_publication(
    out_dir: str | Path, files: Mapping[str, str | bytes], inputs: Mapping[str, str] | None = None
) -> list[Path]:
    """Publish ``files`` into ``out_dir`` with their manifest, sealed: the manifest is the last file to
    change, so a reader that checks it never takes a half-switched folder for a publication."""
    if MANIFEST in files:
        raise ValueError(f"{MANIFEST} is written by the publication itself")
    return write_files_atomically(out_dir, {**files, MANIFEST: render_manifest(files, inputs)}, seal=MANIFEST)


def published_inputs(out_dir: str | Path) -> dict[str, str] | None:
    """The fingerprint of the inputs the publication in ``out_dir`` was made from (``inputs`` in its
    manifest), or None when the folder holds no whole publication or its manifest records none.

    ``run-all`` compares it with the statement's inputs now to skip what has not changed; anything it
    cannot trust (an interrupted or edited publication, a malformed record) means "run it again".
    """
    try:
        verify_publication(out_dir)
        data = json.loads((Path(out_dir) / MANIFEST).read_bytes().decode("utf-8"))
    except (TaiyakuError, OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    inputs = data.get("inputs") if isinstance(data, dict) else None
    if not isinstance(inputs, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in inputs.items()):
        return None
    return inputs


def _listed_files(manifest: Path) -> list[tuple[str, int, str]]:
    """``(name, bytes, sha256)`` of every file ``manifest`` lists; a malformed manifest is an error."""
    where = str(manifest)
    try:
        data = json.loads(manifest.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise TaiyakuError(where, f"cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TaiyakuError(where, f"not a valid publication manifest ({exc}); {_REPUBLISH}") from None
    entries = data.get("files") if isinstance(data, dict) else None
    listed: list[tuple[str, int, str]] = []
    for entry in entries if isinstance(entries, list) else [None]:
        name = entry.get("name") if isinstance(entry, dict) else None
        size = entry.get("bytes") if isinstance(entry, dict) else None
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not (
            isinstance(name, str)
            and name
            and Path(name).name == name  # a name in this folder: never ../somewhere
            and isinstance(size, int)
            and isinstance(digest, str)
        ):
            raise TaiyakuError(
                where, f"not a valid publication manifest (each file needs name, bytes, sha256); {_REPUBLISH}"
            )
        listed.append((name, size, digest))
    return listed


def verify_publication(out_dir: str | Path) -> None:
    """Raise :class:`TaiyakuError` unless ``out_dir`` holds one whole publication, exactly as published."""
    out_dir = Path(out_dir)
    manifest = out_dir / MANIFEST
    if not manifest.is_file():
        if not out_dir.is_dir():
            raise TaiyakuError(str(out_dir), "nothing is published here (run taiyaku run first)")
        raise TaiyakuError(
            str(manifest),
            "missing: the last publication of this folder did not finish (or an older taiyaku made it); " + _REPUBLISH,
        )
    for name, size, digest in _listed_files(manifest):
        path = out_dir / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise TaiyakuError(str(path), f"listed in {MANIFEST} but missing; {_REPUBLISH}") from None
        except OSError as exc:
            raise TaiyakuError(str(path), f"cannot read: {exc.strerror or exc}") from None
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            raise TaiyakuError(
                str(path),
                f"does not match {MANIFEST} (changed after it was published, or its publication was "
                f"interrupted); {_REPUBLISH}",
            )
