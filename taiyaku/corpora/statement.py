"""A registered statement: ``corpora/<statement-id>/statement.toml``.

Example::

    id = "us-japan-internet-economy-2014"
    title = "Joint Press Statement, 5th Director-General-level meeting ..."
    date = "2014-03-13"
    publisher = "..."
    license = "CC-BY-4.0"                       # optional: the texts' licence, for the dataset card of a release
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

Statement folders are contributed and reviewed like code, so :func:`load_statement` treats them as untrusted:

* ``id`` must be the folder's name: it names ``aligned/<id>/``, so one statement can never publish over
  another (and no two statements under ``corpora/`` can share an id);
* a local source (and its provenance record) must lie inside the statement's own folder, symlinks resolved;
  a source elsewhere (``/etc/passwd``, ``../../x``, ``file:///…``, a symlink that leads out) is refused
  before anything is read.  Other sources are ``http://`` or ``https://`` URLs;
* the glossary must lie inside the folder that holds the statements (``corpora/``, whose ``glossaries/``
  the statements share by design);
* no symlink directly in the statement folder (``corrections.jsonl``, ``statement.toml``) may lead outside it.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from taiyaku.errors import TaiyakuError
from taiyaku.io import folder_lock
from taiyaku.sources.provenance import record_path

STATEMENT_FILE = "statement.toml"
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_URL_SCHEMES = ("http", "https")  # what a statement may name besides files in its own folder
_OUTSIDE = "a statement reads only files inside its own folder"


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
    license: str = ""  # the licence the texts are published under, as the release's dataset card states it

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


def _resolved(path: Path, where: str, what: str) -> Path:
    """``path`` with every symlink resolved (it need not exist)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL character
        raise TaiyakuError(where, f"{what} is not a usable path ({exc})") from None


def _inside_folder(folder: Path, relative: str, where: str, what: str) -> Path:
    """``folder / relative`` resolved, which must lie below ``folder`` (itself resolved)."""
    path = _resolved(folder / relative, where, what)
    if path == folder or not path.is_relative_to(folder):
        raise TaiyakuError(where, f"{what} lies outside the statement folder (symlinks resolved): {_OUTSIDE}")
    return path


def check_glossary_location(glossary: Path, corpora: Path, where: str) -> None:
    """Raise :class:`TaiyakuError` unless ``glossary`` (symlinks resolved) lies inside ``corpora``, the folder
    that holds the statements: a statement may use the shared ``corpora/glossaries/``, nothing elsewhere."""
    resolved = _resolved(glossary, where, "the glossary")
    if not resolved.is_relative_to(_resolved(corpora, where, "the corpora folder")):
        raise TaiyakuError(
            where,
            f"the glossary {glossary.as_posix()} lies outside {corpora.as_posix()} (symlinks resolved): a statement's"
            " glossary must lie inside the folder that holds the statements, e.g. in its glossaries/ folder",
        )


def _check_links_stay_inside(folder: Path, where: str) -> None:
    """Refuse a symlink directly in the statement folder that leads outside it: the files taiyaku reads
    there by name (statement.toml, corrections.jsonl) must be the statement's own."""
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink():
            _inside_folder(folder, entry.name, where, f"the symlink {entry.name!r}")


def _side(table: object, name: str, folder: Path, where: str) -> SideSource:
    if not isinstance(table, dict) or not isinstance(table.get("source"), str) or not table["source"]:
        raise TaiyakuError(where, f"[{name}] needs a non-empty 'source'")
    source = table["source"]
    if is_url(source):
        scheme = source.split(":", 1)[0].lower()
        if scheme not in _URL_SCHEMES:
            raise TaiyakuError(
                where, f"[{name}] source {source!r}: a {scheme}:// source is not allowed; {_OUTSIDE} or http(s):// URLs"
            )
    else:
        path = _inside_folder(folder, source, where, f"[{name}] source {source!r}")
        record = record_path(path).relative_to(folder)
        if os.path.lexists(folder / record):  # the snapshot's provenance record, read with it
            _inside_folder(folder, str(record), where, f"[{name}] provenance record {record.as_posix()!r}")
        source = _local_path(path)
    url = table.get("url")
    if url is not None and not isinstance(url, str):
        raise TaiyakuError(where, f"[{name}] 'url' must be a string")
    sha256 = table.get("sha256")
    if sha256 is not None and not (isinstance(sha256, str) and re.fullmatch(r"[0-9a-f]{64}", sha256)):
        raise TaiyakuError(where, f"[{name}] 'sha256' must be 64 lower-case hex digits")
    return SideSource(source=source, url=url or None, sha256=sha256)


def load_statement(folder: str | Path) -> Statement:
    """Read and validate ``<folder>/statement.toml`` (an untrusted folder: see the module's docstring)."""
    # The name the user gave the folder (".." resolved, symlinks not): the one the id must match.
    folder_name = Path(os.path.abspath(folder)).name
    folder = Path(folder).resolve()
    path = folder / STATEMENT_FILE
    where = str(path)
    if not path.is_file():
        raise TaiyakuError(where, "no statement.toml here (is this a corpora/<statement-id>/ folder?)")
    _inside_folder(folder, STATEMENT_FILE, where, f"the symlink {STATEMENT_FILE!r}")
    try:
        # utf-8-sig: an editor may have saved the file with a byte-order mark, which TOML does not allow.
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TaiyakuError(where, f"not valid TOML: {exc}") from None
    statement_id = data.get("id")
    if not isinstance(statement_id, str) or not _ID_PATTERN.match(statement_id):
        raise TaiyakuError(where, "'id' must be lower-case letters, digits, '.', '_' or '-'")
    if statement_id != folder_name:
        # The id names aligned/<id>/: a folder claiming another statement's id would replace its corpus.
        raise TaiyakuError(
            where, f"'id' is {statement_id!r} but the folder is named {folder_name!r}: the id must be the folder's name"
        )
    glossary = data.get("glossary")
    if glossary is not None and not isinstance(glossary, str):
        # A list of glossaries, say: ignoring it would silently skip every terminology check.
        raise TaiyakuError(where, "'glossary' must be one path (a string)")
    if glossary and is_url(glossary):
        raise TaiyakuError(where, f"'glossary' {glossary!r} must be a path (relative to this folder), not a URL")
    glossary_path = _resolved(folder / glossary, where, "'glossary'") if glossary else None
    if glossary_path is not None:
        check_glossary_location(glossary_path, folder.parent, where)
    statement = Statement(
        id=statement_id,
        folder=folder,
        title=str(data.get("title", "")),
        date=str(data.get("date", "")),
        publisher=str(data.get("publisher", "")),
        ja=_side(data.get("ja"), "ja", folder, where),
        en=_side(data.get("en"), "en", folder, where),
        glossary=glossary_path,
        license=str(data.get("license", "")),
    )
    _check_links_stay_inside(folder, where)  # the files read by name: corrections.jsonl, ...
    return statement


@contextmanager
def statement_lock(folder: str | Path) -> Iterator[None]:
    """Hold the lock for writing ``corpora/<id>/``: a refresh that swaps the folder and a reviewer
    correction appended to it take turns, so neither can lose the other's write.

    The lock is taken on the folder that holds the statement (``corpora/``), not on the statement's own
    folder, because a refresh replaces that; it leaves no lock file behind.
    """
    with folder_lock(Path(folder).resolve().parent):
        yield


def find_statements(corpora: str | Path) -> list[Path]:
    """Every ``corpora/*/statement.toml`` folder, sorted by name (deterministic run order).

    Hidden folders are skipped: ``taiyaku add`` and ``--refresh`` assemble statements in ``corpora/.<id>.*``
    staging folders before renaming them into place (taiyaku/corpora/snapshots.py).
    """
    return sorted(p.parent for p in Path(corpora).glob(f"*/{STATEMENT_FILE}") if not p.parent.name.startswith("."))


class InvalidStatements(TaiyakuError):
    """Statements under ``corpora/`` that :func:`load_statements` refused; ``problems`` has one error each."""

    def __init__(self, corpora: str, problems: Sequence[TaiyakuError], total: int) -> None:
        super().__init__(corpora, f"{len(problems)} of {total} statements are invalid; refusing to run any")
        self.problems = list(problems)


def load_statements(corpora: str | Path) -> list[Statement]:
    """Every statement under ``corpora/``, in name order, each validated by :func:`load_statement`.

    All or nothing: one invalid statement (its TOML, its id, a source outside its folder...) refuses the
    whole registry with :class:`InvalidStatements`, before anything runs.  Ids are unique because each is
    its folder's name.
    """
    folders = find_statements(corpora)
    if not folders:
        raise TaiyakuError(str(corpora), "no statements here (expected <statement-id>/statement.toml folders)")
    statements: list[Statement] = []
    problems: list[TaiyakuError] = []
    for folder in folders:
        try:
            statements.append(load_statement(folder))
        except TaiyakuError as exc:
            problems.append(exc)
    if problems:
        raise InvalidStatements(str(corpora), problems, len(folders))
    return statements
