"""Snapshots of fetched sources: ``taiyaku add``, ``taiyaku run --refresh`` and the check before a run.

A statement added with :func:`add_statement` lives in ``corpora/<statement-id>/``::

    statement.toml              [ja] source = "ja.pdf", url = <what was fetched>, sha256 = <of ja.pdf>
    ja.pdf                      the original bytes, exactly as fetched (.pdf, .html or .txt by media type)
    ja.pdf.provenance.json      source, final URL after redirects, fetch time, HTTP status, the headers that
                                matter (Content-Type, ETag, Last-Modified), sha256, bytes, media type, encoding
    en.html, en.html.provenance.json

Runs then work offline from the snapshot: :func:`taiyaku.sources.pull` on a snapshot file reads the record
beside it, decodes the bytes with the Content-Type recorded at fetch time (so a charset sent only in the
HTTP header is still honoured) and reports the record's provenance.  :func:`refresh_statement` asks the
server again with If-None-Match / If-Modified-Since and replaces the snapshot only when the bytes changed.

Nothing is ever half-written: a new statement is assembled in a temporary folder inside ``corpora/`` and
renamed into place once both sources were fetched and decoded; a refresh rebuilds a copy of the folder and
swaps it in.  A failed fetch leaves ``corpora/`` exactly as it was.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable, Item

from taiyaku import __version__
from taiyaku.corpora.corrections import CORRECTIONS_FILE
from taiyaku.corpora.statement import (
    STATEMENT_FILE,
    SideSource,
    Statement,
    check_glossary_location,
    check_statement_id,
    is_url,
    load_statement,
    statement_lock,
)
from taiyaku.errors import TaiyakuError
from taiyaku.io import new_folder_mode
from taiyaku.model import Lang, MediaType, Provenance, SourceDocument
from taiyaku.normalize import normalize
from taiyaku.normalize.language import verify_language
from taiyaku.sources import check_length
from taiyaku.sources.decode import decode_source
from taiyaku.sources.fetch import DEFAULT_LIMITS, Fetched, FetchLimits, fetch, url_scheme, utc_timestamp
from taiyaku.sources.provenance import read_record, record_path, render_record
from taiyaku.terms.glossary import load_glossary

_EXTENSIONS: dict[str, str] = {MediaType.PDF: "pdf", MediaType.HTML: "html", MediaType.TEXT: "txt"}
_SIDES: tuple[Lang, ...] = ("ja", "en")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One side's fetched bytes, ready to be written as ``<lang>.<ext>`` plus its provenance record."""

    lang: Lang
    content: bytes
    provenance: Provenance

    @property
    def file_name(self) -> str:
        return f"{self.lang}.{_EXTENSIONS[self.provenance.media_type]}"


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex), read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------------------ the inputs of a run


def statement_inputs(statement: Statement) -> dict[str, str] | None:
    """The fingerprint of everything a statement's publication is made from: the SHA-256 of each side's
    source, of ``statement.toml`` (title, date, publisher reach the report), of the glossary and of
    ``corrections.jsonl`` (``""`` where there is none), and the taiyaku version.

    The pipeline records it in the publication's manifest; ``run-all`` skips a statement whose fingerprint
    is the one recorded.  None when it cannot be known before running: a source that is a live URL (not
    a snapshot) may have changed without any local file changing, and a file that cannot be read is
    reported by the run itself.
    """
    files: dict[str, Path | None] = {
        "statement.toml": statement.file,
        "glossary": statement.glossary,
        CORRECTIONS_FILE: statement.folder / CORRECTIONS_FILE,
    }
    for lang in _SIDES:
        side: SideSource = getattr(statement, lang)
        if is_url(side.source):
            return None
        files[lang] = Path(side.source)
    inputs = {"taiyaku": __version__}
    try:
        for name, path in files.items():
            absent = path is None or (name in (CORRECTIONS_FILE, "glossary") and not path.exists())
            inputs[name] = "" if absent or path is None else sha256_file(path)
    except OSError:
        return None
    return inputs


# ------------------------------------------------------------------------------------------ the check


def verify_snapshot(statement: Statement) -> None:
    """Raise :class:`TaiyakuError` if a local source of ``statement`` is missing, or one registered with a
    ``sha256`` (a snapshot) has changed.  URL sources are not checked here: they are fetched by the run."""
    for lang in _SIDES:
        side: SideSource = getattr(statement, lang)
        if is_url(side.source):
            continue
        path = Path(side.source)
        if not path.is_file():
            hint = ""
            if side.url and (side.sha256 is not None or record_path(path).is_file()):  # what refresh restores
                hint = f"; `taiyaku run --refresh {statement.folder}` fetches it again from {side.url}"
            raise TaiyakuError(str(statement.file), f"the registered {lang} source {path.name} is missing{hint}")
        if side.sha256 is None:
            continue
        digest = sha256_file(path)
        if digest != side.sha256:
            hint = " or run `taiyaku run --refresh` to fetch it again" if side.url else ""
            raise TaiyakuError(
                str(path),
                f"sha256 is {digest}, but statement.toml registers {side.sha256}: the file changed after it was"
                f" registered; restore it{hint}",
            )


# ---------------------------------------------------------------------------------------------- add


def take_snapshot(
    lang: Lang,
    source: str,
    *,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> Snapshot:
    """Fetch ``source`` and decode it once; local paths are recorded as absolute ``file://`` URLs so a
    refresh finds them again.  A source that is not in ``lang`` (the two sides swapped, a Japanese URL that
    serves the English page) is refused now, before anything is registered, not at the first run."""
    if source.strip() and "\x00" not in source and url_scheme(source) is None:
        path = Path(source).expanduser()
        source = path.resolve().as_uri() if path.exists() else source
    fetched = fetch(source, limits=limits)
    document = decode_source(fetched)
    check_length(source, document, limits)  # before normalize, whose time and memory grow with the text
    verify_language(normalize(document, lang).blocks, lang, document.provenance.source)
    return _snapshot(lang, fetched, document)


def _snapshot(lang: Lang, fetched: Fetched, document: SourceDocument | None = None) -> Snapshot:
    """Decode ``fetched`` once, unless the caller already did (a source taiyaku cannot read is refused now,
    not at the first run); a local file gets the time it was read as its fetch time."""
    provenance = (document or decode_source(fetched)).provenance
    if provenance.fetched_at is None:
        provenance = dataclasses.replace(provenance, fetched_at=utc_timestamp())
    return Snapshot(lang, fetched.content, provenance)


def add_statement(
    statement_id: str,
    ja: str,
    en: str,
    *,
    corpora_dir: str | Path = "corpora",
    title: str = "",
    date: str = "",
    publisher: str = "",
    glossary: str | Path | None = None,
    overwrite: bool = False,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> Statement:
    """Fetch both sources, snapshot them under ``<corpora_dir>/<statement_id>/`` with ``statement.toml``.

    ``ja`` and ``en`` are paths, ``file://`` or ``http(s)://`` URLs.  Refuses an existing statement unless
    ``overwrite``.  On any failure ``corpora_dir`` is left exactly as it was.
    """
    check_statement_id(statement_id, statement_id)
    corpora = Path(corpora_dir).resolve()
    folder = corpora / statement_id
    if folder.exists() and not overwrite:
        raise _already_exists(folder)
    if date:
        try:
            # Python 3.11 also accepts 20140313 and 2014-W11-4: statement.toml keeps the extended form only.
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                raise ValueError(date)
            dt.date.fromisoformat(date)
        except ValueError:
            raise TaiyakuError(date, "the date must be YYYY-MM-DD") from None
    _check_utf8(title, "the title")
    _check_utf8(publisher, "the publisher")
    glossary_path: Path | None = None
    if glossary:
        glossary_path = Path(glossary).expanduser().resolve()
        if not glossary_path.is_file():
            raise TaiyakuError(str(glossary), "no such glossary file")
        check_glossary_location(glossary_path, corpora, str(glossary))  # what load_statement will require
        _check_utf8(glossary_path.as_posix(), "the glossary's path (rename the file)")
        load_glossary(glossary_path)  # a malformed glossary is refused now, not by the first run
    snapshots = [take_snapshot("ja", ja, limits=limits), take_snapshot("en", en, limits=limits)]

    # Both sources are in hand: only now is anything written.
    created_corpora = not corpora.exists()
    corpora.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{statement_id}.", suffix=".adding", dir=corpora))
    os.chmod(staging, new_folder_mode())  # mkdtemp's 0700 would become the statement folder's mode
    try:
        for snapshot in snapshots:
            _write_snapshot(staging, snapshot)
        if overwrite and (folder / CORRECTIONS_FILE).is_file():
            # Replacing the sources is no reason to lose the review: a correction that no longer matches the
            # new text is listed in the report, never dropped.
            shutil.copy2(folder / CORRECTIONS_FILE, staging / CORRECTIONS_FILE)
        statement_toml = _render_statement(
            statement_id,
            title=title,
            date=date,
            publisher=publisher,
            glossary=_glossary_reference(glossary_path, folder) if glossary_path else None,
            snapshots=snapshots,
        )
        (staging / STATEMENT_FILE).write_text(statement_toml, encoding="utf-8")
        if overwrite:
            _replace_folder(staging, folder)
        else:
            _move_into_place(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created_corpora:
            with contextlib.suppress(OSError):
                corpora.rmdir()
        raise
    return load_statement(folder)


@contextmanager
def adding_statement(
    statement_id: str,
    ja: str,
    en: str,
    *,
    corpora_dir: str | Path = "corpora",
    title: str = "",
    date: str = "",
    publisher: str = "",
    glossary: str | Path | None = None,
    overwrite: bool = False,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> Iterator[Statement]:
    """:func:`add_statement`, undone if the block under it fails: ``taiyaku add`` runs the first alignment
    there, and a statement whose first run failed must not stay registered (a retry would be refused as
    "already exists").

    On failure the folder this call created is removed (only while it is still that folder, never one that
    existed before), and a statement it replaced (``overwrite``) is put back as it was.
    """
    check_statement_id(statement_id, statement_id)  # before the id is used as a path
    corpora = Path(corpora_dir).resolve()
    folder = corpora / statement_id
    previous: Path | None = None
    if overwrite and folder.is_dir():
        previous = Path(tempfile.mkdtemp(prefix=f".{statement_id}.", suffix=".previous", dir=corpora))
        shutil.copytree(folder, previous, symlinks=True, dirs_exist_ok=True)
    try:
        statement = add_statement(
            statement_id,
            ja,
            en,
            corpora_dir=corpora,
            title=title,
            date=date,
            publisher=publisher,
            glossary=glossary,
            overwrite=overwrite,
            limits=limits,
        )
        created = _identity(folder)
        try:
            yield statement
        except BaseException:
            with statement_lock(folder):
                _undo_add(folder, created, previous)
            raise
    finally:
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)


def _identity(folder: Path) -> tuple[int, int, bytes] | None:
    """What tells the statement folder an add made from one put there since: the folder's inode (which a
    new folder may reuse) and the statement.toml written into it."""
    try:
        return folder.stat().st_dev, folder.stat().st_ino, (folder / STATEMENT_FILE).read_bytes()
    except OSError:
        return None


def _undo_add(folder: Path, created: tuple[int, int, bytes] | None, previous: Path | None) -> None:
    """Take back the statement folder :func:`adding_statement` made, and put back the one it replaced
    (``previous``, a copy that the caller removes if it is still there)."""
    if created is None or _identity(folder) != created:
        return  # someone else has since put a statement here: theirs stays
    retired = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent))
    retired.rmdir()
    folder.rename(retired)  # out of sight at once, removed below
    if previous is not None:
        previous.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)


def _check_utf8(value: str, what: str) -> None:
    """Refuse text that cannot be written as UTF-8 (so cannot be in a TOML file) before anything is fetched.

    Python hands over command-line arguments and file names that are not valid UTF-8 with their bytes
    smuggled in as lone surrogates; writing statement.toml would then fail with a UnicodeEncodeError.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise TaiyakuError(shown, f"{what} is not valid UTF-8 text") from None


def _already_exists(folder: Path) -> TaiyakuError:
    return TaiyakuError(
        str(folder),
        "a statement with this id already exists (choose another id, or replace it: taiyaku add --replace)",
    )


def _move_into_place(staging: Path, folder: Path) -> None:
    """Rename ``staging`` to ``folder``, which must not exist: another ``taiyaku add`` of the same id may
    have finished while this one was fetching, and its statement is not this one's to replace."""
    if folder.exists():
        raise _already_exists(folder)
    try:
        staging.rename(folder)
    except OSError:  # created in the instant since the check (rename refuses a non-empty folder)
        if folder.exists():
            raise _already_exists(folder) from None
        raise


def _glossary_reference(glossary: Path, folder: Path) -> str:
    """Relative to the statement folder when the glossary is in the same tree (``../glossaries/x.tsv``, so
    the repository can move), absolute otherwise (a private glossary elsewhere on this machine)."""
    if glossary.is_relative_to(folder.parent.parent):
        return Path(os.path.relpath(glossary, folder)).as_posix()
    return glossary.as_posix()


def _write_snapshot(folder: Path, snapshot: Snapshot) -> None:
    path = folder / snapshot.file_name
    path.write_bytes(snapshot.content)
    record_path(path).write_text(render_record(snapshot.provenance), encoding="utf-8")


_STATEMENT_HEADER = (
    "Added by `taiyaku add`. Each source is a snapshot of the bytes fetched from `url`, with its",
    "provenance record (<file>.provenance.json) beside it; `taiyaku run --refresh` fetches them again.",
)


def _render_statement(
    statement_id: str,
    *,
    title: str,
    date: str,
    publisher: str,
    glossary: str | None,
    snapshots: list[Snapshot],
) -> str:
    """The text of a new statement.toml; tomlkit writes every value as valid TOML (quotes, backslashes,
    newlines and control characters escaped, other text such as Japanese kept as it is)."""
    document = tomlkit.document()
    for line in _STATEMENT_HEADER:
        document.add(tomlkit.comment(line))
    document.add("id", statement_id)
    document.add("title", title)
    document.add("date", date)
    document.add("publisher", publisher)
    if glossary:
        document.add("glossary", Path(glossary).as_posix())
    for snapshot in snapshots:
        side = tomlkit.table()
        side.add("source", snapshot.file_name)
        side.add("url", snapshot.provenance.source)
        side.add("sha256", snapshot.provenance.sha256)
        document.add(snapshot.lang, side)
    return document.as_string()


def _replace_folder(staging: Path, folder: Path) -> None:
    """Put the finished ``staging`` folder at ``folder`` (replacing an old one as late as possible)."""
    if not folder.exists():
        staging.rename(folder)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent))
    retired.rmdir()
    folder.rename(retired)
    try:
        staging.rename(folder)
    except BaseException:
        retired.rename(folder)
        raise
    shutil.rmtree(retired, ignore_errors=True)


# ------------------------------------------------------------------------------------------ refresh


def refresh_statement(
    statement: Statement,
    *,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> bool:
    """Fetch the snapshot sources of ``statement`` again; replace the snapshots whose bytes changed.

    Conditional requests (If-None-Match / If-Modified-Since from the recorded ETag / Last-Modified) let
    the server answer 304.  A missing or altered snapshot is fetched unconditionally and replaced.  Sides
    that are not snapshots (a hand-made ``ja.txt`` without a provenance record) are left alone.  A snapshot
    whose ``url`` is not http(s) (``file://``, as ``add`` records for a local input) is refused: a statement
    folder is untrusted and must never make taiyaku copy a local file into it.  Returns whether anything
    changed; on failure nothing is changed.
    """
    changed: list[tuple[SideSource, Snapshot]] = []
    for lang in _SIDES:
        side: SideSource = getattr(statement, lang)
        path = Path(side.source)
        record = read_record(path)
        if side.url is None or not (record is not None or (side.sha256 is not None and not path.exists())):
            continue
        if url_scheme(side.url) not in ("http", "https"):
            raise TaiyakuError(
                str(statement.file),
                f"[{lang}] url {side.url!r}: --refresh fetches http(s) sources only, never a local file a statement"
                " names (register a new local copy with `taiyaku add --replace`)",
            )
        intact = (
            record is not None
            and path.is_file()
            and sha256_file(path) == record.sha256
            and side.sha256 in (None, record.sha256)
        )
        conditional = intact and record is not None and record.source == side.url
        headers = record.headers if conditional and record is not None else {}
        fetched = fetch(side.url, limits=limits, etag=headers.get("etag"), last_modified=headers.get("last-modified"))
        if fetched.not_modified:
            continue
        snapshot = _snapshot(lang, fetched)
        if intact and record is not None and snapshot.provenance.sha256 == record.sha256:
            continue  # a server without validators sent the same bytes again
        changed.append((side, snapshot))
    if not changed:
        return False
    _apply_refresh(statement, changed)
    return True


def _apply_refresh(statement: Statement, changed: list[tuple[SideSource, Snapshot]]) -> None:
    with statement_lock(statement.folder):
        _rebuild_with(statement, changed)


def _rebuild_with(statement: Statement, changed: list[tuple[SideSource, Snapshot]]) -> None:
    """Copy the statement folder, put the new snapshots into the copy, and swap the copy in."""
    folder = statement.folder
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".refreshing", dir=folder.parent))
    try:
        shutil.copytree(folder, staging, dirs_exist_ok=True)
        # Bytes, not read_text: universal newlines would turn a Windows editor's CRLF into LF on every line.
        raw = (staging / STATEMENT_FILE).read_bytes()
        bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""  # load_statement allows one; keep it
        try:
            toml_text = raw[len(bom) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TaiyakuError(str(statement.file), f"not valid TOML: {exc}") from None
        for side, snapshot in changed:
            old = staging / Path(side.source).name
            if Path(side.source).resolve().parent == folder and old.name != snapshot.file_name:
                old.unlink(missing_ok=True)
                record_path(old).unlink(missing_ok=True)
            _write_snapshot(staging, snapshot)
            toml_text = _set_side_keys(
                toml_text,
                snapshot.lang,
                {"source": snapshot.file_name, "sha256": snapshot.provenance.sha256},
                statement.file,
            )
        (staging / STATEMENT_FILE).write_bytes(bom + toml_text.encode("utf-8"))
        _replace_folder(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _set_side_keys(toml_text: str, lang: Lang, values: dict[str, str], where: Path) -> str:
    """Set ``values`` in the ``[lang]`` table of ``toml_text`` and change nothing else.

    tomlkit keeps every comment, blank line, key order, quoting style and any key or table taiyaku does not
    know; a replaced value keeps its line's indentation and trailing comment.  A key the table lacks is
    added at the end of the table, indented and line-ended like its ``source`` line.
    """
    cannot = TaiyakuError(str(where), f"could not update [{lang}] (edit it by hand)")
    try:
        before = tomllib.loads(toml_text, parse_float=str)
    except tomllib.TOMLDecodeError as exc:
        raise TaiyakuError(str(where), f"not valid TOML: {exc}") from None
    try:
        document = tomlkit.parse(toml_text)
    except TOMLKitError:  # valid TOML (tomllib read it) that tomlkit cannot edit
        raise cannot from None
    side: Any = document.get(lang)  # a [lang] table, an inline table or dotted keys (lang.source = ...)
    if not isinstance(side, MutableMapping):
        raise TaiyakuError(str(where), f"no [{lang}] table to update (edit it by hand)")
    newline = "\r\n" if "\r\n" in toml_text else "\n"
    for key, value in values.items():
        added = key not in side
        side[key] = value
        item = side[key]
        if added and not isinstance(side, InlineTable) and isinstance(item, Item):
            reference = side.get("source")
            if isinstance(reference, Item):
                item.trivia.indent = reference.trivia.indent
            item.trivia.trail = newline
    updated = document.as_string()
    # tomlkit's round trip is what keeps the user's file; should it ever get one wrong, refuse rather than
    # write a statement that means something else.  (Floats compare as written: nan is not equal to itself.)
    try:
        after: dict[str, Any] | None = tomllib.loads(updated, parse_float=str)
    except tomllib.TOMLDecodeError:
        after = None
    if after != before | {lang: before[lang] | values}:
        raise cannot
    return updated
