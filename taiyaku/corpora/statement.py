"""A registered statement: ``corpora/<statement-id>/statement.toml``.

Example::

    id = "us-japan-internet-economy-2014"
    title = "Joint Press Statement, 5th Director-General-level meeting ..."
    date = "2014-03-13"
    publisher = "..."
    glossary = "../glossaries/ict-policy.tsv"   # relative to the statement folder

    [ja]
    source = "ja.txt"                           # relative to the statement folder, or a URL
    url = "https://..."                         # where the original was published (provenance only)

    [en]
    source = "en.html"
    url = "https://..."

A statement added with ``taiyaku add`` (taiyaku/corpora/snapshots.py) registers *snapshots*: the source is the
original bytes exactly as fetched, its SHA-256 is recorded, and a provenance record sits beside it::

    [ja]
    source = "ja.pdf"                           # snapshot: the bytes as fetched
    url = "https://www.soumu.go.jp/..."         # what was fetched (``taiyaku run --refresh`` fetches it again)
    sha256 = "3f5a..."                          # of the snapshot; a missing or changed snapshot is an error
                                                # provenance: ja.pdf.provenance.json (final URL after
                                                # redirects, fetch time, status, ETag, Last-Modified, ...)

``sha256`` is optional (hand-made sources such as the seed's ``ja.txt`` may have it too).
"""

from __future__ import annotations

import fcntl
import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from taiyaku.errors import TaiyakuError

STATEMENT_FILE = "statement.toml"
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class SideSource:
    source: str  # path (resolved against the statement folder) or URL
    url: str | None = None  # original publication URL, for provenance
    sha256: str | None = None  # registered SHA-256 of the source bytes (snapshots), checked before a run


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    folder: Path
    title: str
    date: str
    publisher: str
    ja: SideSource
    en: SideSource
    glossary: Path | None

    @property
    def file(self) -> Path:
        return self.folder / STATEMENT_FILE


def check_statement_id(statement_id: str, where: str) -> None:
    """Raise :class:`TaiyakuError` unless ``statement_id`` is a valid statement id (also a folder name)."""
    if not _ID_PATTERN.match(statement_id):
        raise TaiyakuError(where, "a statement id must be lower-case letters, digits, '.', '_' or '-'")


def _local_path(path: Path) -> str:
    """A local source, relative to the working directory when it lies below it.

    The path is recorded as provenance in report.json; relative to the checkout it reads the same on
    every machine, so a re-run elsewhere publishes the same bytes.
    """
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(resolved)


def is_url(source: str) -> bool:
    """Whether a statement's ``source`` is a URL (``scheme://...``) rather than a path relative to its folder."""
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source) is not None


def _side(table: object, name: str, folder: Path, where: str) -> SideSource:
    if not isinstance(table, dict) or not isinstance(table.get("source"), str) or not table["source"]:
        raise TaiyakuError(where, f"[{name}] needs a non-empty 'source'")
    source = table["source"]
    if not is_url(source):
        source = _local_path(folder / source)
    url = table.get("url")
    if url is not None and not isinstance(url, str):
        raise TaiyakuError(where, f"[{name}] 'url' must be a string")
    sha256 = table.get("sha256")
    if sha256 is not None and not (isinstance(sha256, str) and re.fullmatch(r"[0-9a-f]{64}", sha256)):
        raise TaiyakuError(where, f"[{name}] 'sha256' must be 64 lower-case hex digits")
    return SideSource(source=source, url=url or None, sha256=sha256)


def load_statement(folder: str | Path) -> Statement:
    """Read and validate ``<folder>/statement.toml``."""
    folder = Path(folder).resolve()
    path = folder / STATEMENT_FILE
    where = str(path)
    if not path.is_file():
        raise TaiyakuError(where, "no statement.toml here (is this a corpora/<statement-id>/ folder?)")
    try:
        # utf-8-sig: an editor may have saved the file with a byte-order mark, which TOML does not allow.
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TaiyakuError(where, f"not valid TOML: {exc}") from None
    statement_id = data.get("id")
    if not isinstance(statement_id, str) or not _ID_PATTERN.match(statement_id):
        raise TaiyakuError(where, "'id' must be lower-case letters, digits, '.', '_' or '-'")
    glossary = data.get("glossary")
    if glossary is not None and not isinstance(glossary, str):
        # A list of glossaries, say: ignoring it would silently skip every terminology check.
        raise TaiyakuError(where, "'glossary' must be one path (a string)")
    return Statement(
        id=statement_id,
        folder=folder,
        title=str(data.get("title", "")),
        date=str(data.get("date", "")),
        publisher=str(data.get("publisher", "")),
        ja=_side(data.get("ja"), "ja", folder, where),
        en=_side(data.get("en"), "en", folder, where),
        glossary=(folder / glossary).resolve() if isinstance(glossary, str) and glossary else None,
    )


@contextmanager
def statement_lock(folder: str | Path) -> Iterator[None]:
    """Hold the lock for writing ``corpora/<id>/``: a refresh that swaps the folder and a reviewer
    correction appended to it take turns, so neither can lose the other's write.

    The lock is taken on the folder that holds the statement (``corpora/``), not on the statement's own
    folder, because a refresh replaces that; it leaves no lock file behind.
    """
    parent = Path(folder).resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def find_statements(corpora: str | Path) -> list[Path]:
    """Every ``corpora/*/statement.toml`` folder, sorted by name (deterministic run order).

    Hidden folders are skipped: ``taiyaku add`` and ``--refresh`` assemble statements in ``corpora/.<id>.*``
    staging folders before renaming them into place (taiyaku/corpora/snapshots.py).
    """
    return sorted(p.parent for p in Path(corpora).glob(f"*/{STATEMENT_FILE}") if not p.parent.name.startswith("."))
