"""Terminology glossaries: the model, and readers/writers for TSV, CSV and TBX.

A glossary maps a Japanese term to its approved English rendering, further acceptable renderings
(variants) and renderings that must not be used (forbidden), with a free-text note.

File formats (chosen by extension):

- ``.tsv``: UTF-8 (a BOM is tolerated), a header line naming the columns ``ja en variants forbidden
  note`` (``ja`` and ``en`` are required, the others optional, any order), one entry a line; list columns
  are ``|``-separated.  Blank lines and lines starting with ``#`` are skipped.  No quoting: a field cannot
  contain a tab or a line break.
- ``.csv``: the same columns, RFC 4180 quoting (so a field may contain a comma).
- ``.tbx``: TBX v3 (ISO 30042:2019) with the TBX-Basic dialect, DCA or DCT style, or the older TBX-Basic
  (TBX 2008, ``martif``) layout, in the encoding its XML declaration names (UTF-8, UTF-16...).  One
  concept entry (``conceptEntry``, or ``termEntry`` in TBX 2008) per glossary entry, one language section
  (``langSec`` / ``langSet``) per language, one term section (``termSec`` / ``tig`` / ``ntig``) per term.
  ``administrativeStatus`` (a ``termNote`` in DCA style, an element in DCT style) maps to the glossary:
  ``preferredTerm-admn-sts`` → approved, ``admittedTerm-admn-sts`` → variant, ``deprecatedTerm-admn-sts``
  / ``supersededTerm-admn-sts`` → forbidden; an English term without a status counts as preferred.  A
  ``note`` on the entry is its note.

Every format round-trips: TSV → TBX → TSV gives the same entries, notes included.

A malformed file raises :class:`~taiyaku.errors.TaiyakuError` whose ``where`` is ``FILE:LINE``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from taiyaku.errors import TaiyakuError
from taiyaku.io import atomic_write

COLUMNS = ("ja", "en", "variants", "forbidden", "note")
REQUIRED_COLUMNS = ("ja", "en")
LIST_SEPARATOR = "|"

TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# TBX administrativeStatus values (with and without the TBX-Basic "-admn-sts" suffix).
_STATUS_APPROVED = "preferredTerm-admn-sts"
_STATUS_VARIANT = "admittedTerm-admn-sts"
_STATUS_FORBIDDEN = "deprecatedTerm-admn-sts"
_STATUS_KIND = {
    "preferredterm-admn-sts": "approved",
    "preferredterm": "approved",
    "preferred": "approved",
    "admittedterm-admn-sts": "variant",
    "admittedterm": "variant",
    "admitted": "variant",
    "deprecatedterm-admn-sts": "forbidden",
    "deprecatedterm": "forbidden",
    "deprecated": "forbidden",
    "supersededterm-admn-sts": "forbidden",
    "supersededterm": "forbidden",
    "superseded": "forbidden",
}


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One Japanese term and its English renderings."""

    ja: str
    en: str  # the approved rendering
    variants: tuple[str, ...] = ()  # also acceptable
    forbidden: tuple[str, ...] = ()  # must not be used
    note: str = ""

    @property
    def allowed(self) -> tuple[str, ...]:
        """The approved rendering first, then the variants."""
        return (self.en, *self.variants)


@dataclass(frozen=True, slots=True)
class Glossary:
    entries: tuple[GlossaryEntry, ...]
    source: str = ""  # the file it was read from, for messages


# --- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    ja: str
    en: str
    variants: tuple[str, ...]
    forbidden: tuple[str, ...]
    note: str


def load_glossary(path: str | Path) -> Glossary:
    """Read a glossary file; the format follows the extension (``.tsv``, ``.csv``, ``.tbx``)."""
    path = Path(path)
    if not path.is_file():
        raise TaiyakuError(str(path), "no such glossary file")
    rows = list(glossary_format(path).read(path.read_bytes(), str(path)))
    return Glossary(_merge_rows(rows, str(path)), source=str(path))


def _decode_table(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TaiyakuError(f"{where}:{line}", "not valid UTF-8") from None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _split_list(field: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in field.split(LIST_SEPARATOR) if item.strip())


def _table_rows(data: str, where: str, delimiter: str) -> Iterator[_Row]:
    if delimiter == "\t":
        # TSV has no quoting: a double quote is an ordinary character.  Lines end at \n, \r\n or \r only
        # (str.splitlines would also cut a field at U+2028, U+0085 or a form feed, and miscount lines).
        numbered = enumerate(_LINE_BREAK.split(data), start=1)
        records: Iterator[tuple[int, list[str]]] = (
            (number, line.split("\t")) for number, line in numbered if line.strip() and not line.startswith("#")
        )
    else:
        records = _csv_records(data, where)
    header: list[str] | None = None
    for number, fields in records:
        if header is None:
            header = [name.strip().lower() for name in fields]
            _check_header(header, f"{where}:{number}")
            continue
        here = f"{where}:{number}"
        if len(fields) > len(header):
            raise TaiyakuError(here, f"{len(fields)} fields, but the header names {len(header)} columns")
        if len(fields) < len(header):
            raise TaiyakuError(here, f"missing column '{header[len(fields)]}'")
        values = dict(zip(header, (f.strip() for f in fields), strict=True))
        yield _validated_row(
            here,
            number,
            ja=values["ja"],
            en=values["en"],
            variants=_split_list(values.get("variants", "")),
            forbidden=_split_list(values.get("forbidden", "")),
            note=values.get("note", ""),
        )
    if header is None:
        raise TaiyakuError(f"{where}:1", "empty glossary (no header line)")


def _csv_records(data: str, where: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(data, newline=""), strict=True)
    start = 1
    try:
        for fields in reader:
            number, start = start, reader.line_num + 1
            if not fields or not "".join(fields).strip() or fields[0].startswith("#"):
                continue
            yield number, fields
    except csv.Error as exc:
        raise TaiyakuError(f"{where}:{start}", f"malformed CSV ({exc})") from None


def _check_header(header: list[str], where: str) -> None:
    for name in REQUIRED_COLUMNS:
        if name not in header:
            raise TaiyakuError(where, f"missing column '{name}' in the header (columns: {' '.join(COLUMNS)})")
    for name in header:
        if name not in COLUMNS:
            raise TaiyakuError(where, f"unknown column '{name}' in the header (columns: {' '.join(COLUMNS)})")
    if len(set(header)) != len(header):
        raise TaiyakuError(where, "a column is named twice in the header")


def _validated_row(
    where: str, line: int, *, ja: str, en: str, variants: tuple[str, ...], forbidden: tuple[str, ...], note: str
) -> _Row:
    if not ja:
        raise TaiyakuError(where, "empty 'ja' term")
    if not en:
        raise TaiyakuError(where, f"empty 'en' term for '{ja}'")
    allowed = {en.casefold(), *(v.casefold() for v in variants)}
    for term in forbidden:
        if term.casefold() in allowed:
            raise TaiyakuError(where, f"'{term}' is both allowed and forbidden for '{ja}'")
    return _Row(line, ja, en, _unique(variants, exclude=en), _unique(forbidden), note)


def _unique(items: tuple[str, ...], exclude: str = "") -> tuple[str, ...]:
    seen = {exclude} if exclude else set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return tuple(out)


def _merge_rows(rows: list[_Row], where: str) -> tuple[GlossaryEntry, ...]:
    """One entry per Japanese term; a repeated term must agree on the approved rendering.

    A repetition with the same approved rendering adds its variants / forbidden renderings (a glossary
    assembled from two sources); one with a different approved rendering is an error, because the
    checker could not know which rendering is meant.
    """
    first_line: dict[str, int] = {}
    entries: dict[str, GlossaryEntry] = {}
    for row in rows:
        previous = entries.get(row.ja)
        if previous is None:
            first_line[row.ja] = row.line
            entries[row.ja] = GlossaryEntry(row.ja, row.en, row.variants, row.forbidden, row.note)
            continue
        if previous.en != row.en:
            raise TaiyakuError(
                f"{where}:{row.line}",
                f"duplicate entry '{row.ja}' with a conflicting target: '{row.en}' here, "
                f"'{previous.en}' on line {first_line[row.ja]}",
            )
        notes = [n for n in (previous.note, row.note) if n]
        merged = GlossaryEntry(
            row.ja,
            row.en,
            _unique(previous.variants + row.variants, exclude=row.en),
            _unique(previous.forbidden + row.forbidden),
            "; ".join(dict.fromkeys(notes)),
        )
        overlap = {v.casefold() for v in merged.allowed} & {f.casefold() for f in merged.forbidden}
        if overlap:
            raise TaiyakuError(
                f"{where}:{row.line}",
                f"duplicate entry '{row.ja}': '{sorted(overlap)[0]}' is allowed on one line and forbidden on "
                f"the other (line {first_line[row.ja]})",
            )
        entries[row.ja] = merged
    return tuple(entries.values())


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: etree._Element, *names: str) -> list[etree._Element]:
    return [child for child in element if _local(child.tag) in names]


def _tbx_rows(data: bytes, where: str) -> Iterator[_Row]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise TaiyakuError(f"{where}:{exc.lineno}", f"not well-formed XML ({exc.msg})") from None
    if _local(root.tag) not in ("tbx", "martif"):
        raise TaiyakuError(f"{where}:{root.sourceline}", "not a TBX file (root element is not <tbx> or <martif>)")
    concepts = [el for el in root.iter() if _local(el.tag) in ("conceptEntry", "termEntry")]
    for concept in concepts:
        here = f"{where}:{concept.sourceline}"
        ja_terms: list[str] = []
        en_terms: dict[str, list[str]] = {"approved": [], "variant": [], "forbidden": []}
        notes = [_text(n) for n in _children(concept, "note") if _text(n)]
        for lang_sec in _children(concept, "langSec", "langSet"):
            lang = (lang_sec.get(_XML_LANG) or lang_sec.get("lang") or "").lower().split("-")[0]
            notes += [_text(n) for n in _children(lang_sec, "note") if _text(n)]
            for term_sec in _children(lang_sec, "termSec", "tig", "ntig"):
                term, status, term_notes = _term_section(term_sec, where)
                notes += term_notes
                if lang == "ja":
                    if status == "forbidden":
                        continue  # a deprecated Japanese spelling: the checker matches normalized forms anyway
                    ja_terms.append(term)
                elif lang == "en":
                    en_terms[status].append(term)
        if not ja_terms:
            raise TaiyakuError(here, "entry without a Japanese term")
        if not en_terms["approved"]:
            if en_terms["variant"] or en_terms["forbidden"]:
                raise TaiyakuError(here, f"no preferred English term for '{ja_terms[0]}'")
            raise TaiyakuError(here, f"no English term for '{ja_terms[0]}'")
        approved, *more = en_terms["approved"]
        for ja in ja_terms:
            yield _validated_row(
                here,
                concept.sourceline or 0,
                ja=ja,
                en=approved,
                variants=tuple(more + en_terms["variant"]),
                forbidden=tuple(en_terms["forbidden"]),
                note="; ".join(dict.fromkeys(notes)),
            )


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _term_section(term_sec: etree._Element, where: str) -> tuple[str, str, list[str]]:
    """The term, its kind (approved/variant/forbidden) and its notes, from a termSec / tig / ntig."""
    holders = [term_sec, *_children(term_sec, "termGrp")]  # ntig wraps term and termNote in termGrp
    terms = [t for h in holders for t in _children(h, "term")]
    if not terms or not _text(terms[0]):
        raise TaiyakuError(f"{where}:{term_sec.sourceline}", "empty term")
    kind = "approved"
    for holder in holders:
        # DCA style: <termNote type="administrativeStatus">; DCT style (TBX v3): <basic:administrativeStatus>.
        statuses = [n for n in _children(holder, "termNote") if n.get("type") == "administrativeStatus"]
        for status in statuses + _children(holder, "administrativeStatus"):
            value = _text(status)
            if value.lower() not in _STATUS_KIND:
                raise TaiyakuError(f"{where}:{status.sourceline}", f"unknown administrativeStatus '{value}'")
            kind = _STATUS_KIND[value.lower()]
    notes = [_text(n) for n in _children(term_sec, "note") if _text(n)]
    return _text(terms[0]), kind, notes


# --- writing ------------------------------------------------------------------------------------------


def render_table(glossary: Glossary, delimiter: str) -> str:
    """The glossary as TSV (``delimiter="\\t"``) or CSV (``","``), header first, ``\\n`` line ends."""
    rows = [list(COLUMNS)] + [
        [e.ja, e.en, LIST_SEPARATOR.join(e.variants), LIST_SEPARATOR.join(e.forbidden), e.note]
        for e in glossary.entries
    ]
    if delimiter == "\t":
        for row in rows:
            for field in row:
                if "\t" in field or "\n" in field or "\r" in field:
                    raise TaiyakuError(glossary.source or "glossary", f"'{field}' cannot be written to TSV")
        return "".join("\t".join(row) + "\n" for row in rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A TBX child element (``lang=`` sets ``xml:lang``)."""
    element = etree.SubElement(parent, f"{{{TBX_NAMESPACE}}}{name}")
    for key, value in attrs.items():
        element.set(_XML_LANG if key == "lang" else key, value)
    if text is not None:
        element.text = text
    return element


def _term_sec(lang_sec: etree._Element, text: str, status: str) -> None:
    term_sec = _sub(lang_sec, "termSec")
    _sub(term_sec, "term", text)
    _sub(term_sec, "termNote", status, type="administrativeStatus")


# Characters XML 1.0 does not allow (control characters other than tab and line breaks, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_tbx(glossary: Glossary) -> str:
    """The glossary as TBX v3, TBX-Basic dialect, DCA style (deterministic output)."""
    for entry in glossary.entries:
        for field in (entry.ja, entry.en, *entry.variants, *entry.forbidden, entry.note):
            if _NOT_XML.search(field):
                raise TaiyakuError(
                    glossary.source or "glossary", f"{field!r} cannot be written to TBX (a control character)"
                )
    tbx = etree.Element(f"{{{TBX_NAMESPACE}}}tbx", nsmap={None: TBX_NAMESPACE})
    tbx.set("type", "TBX-Basic")
    tbx.set("style", "dca")
    tbx.set(_XML_LANG, "en")
    source_desc = _sub(_sub(_sub(tbx, "tbxHeader"), "fileDesc"), "sourceDesc")
    _sub(source_desc, "p", f"taiyaku glossary ({len(glossary.entries)} entries), Japanese to English")
    body = _sub(_sub(tbx, "text"), "body")
    for number, entry in enumerate(glossary.entries, start=1):
        concept = _sub(body, "conceptEntry", id=f"c{number}")
        if entry.note:
            _sub(concept, "note", entry.note)
        ja = _sub(concept, "langSec", lang="ja")
        _term_sec(ja, entry.ja, _STATUS_APPROVED)
        en = _sub(concept, "langSec", lang="en")
        _term_sec(en, entry.en, _STATUS_APPROVED)
        for variant in entry.variants:
            _term_sec(en, variant, _STATUS_VARIANT)
        for forbidden in entry.forbidden:
            _term_sec(en, forbidden, _STATUS_FORBIDDEN)
    etree.indent(tbx, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(tbx, encoding="unicode") + "\n"


@dataclass(frozen=True, slots=True)
class GlossaryFormat:
    """How one glossary file format is read (bytes → rows) and written (glossary → text)."""

    read: Callable[[bytes, str], Iterator[_Row]]
    render: Callable[[Glossary], str]


# File extension → format: adding a format is adding an entry.  TBX is XML, whose declaration or BOM names
# the encoding; the tables are UTF-8 (a BOM allowed).
GLOSSARY_FORMATS: dict[str, GlossaryFormat] = {
    ".tsv": GlossaryFormat(
        read=lambda raw, where: _table_rows(_decode_table(raw, where), where, "\t"),
        render=lambda glossary: render_table(glossary, "\t"),
    ),
    ".csv": GlossaryFormat(
        read=lambda raw, where: _table_rows(_decode_table(raw, where), where, ","),
        render=lambda glossary: render_table(glossary, ","),
    ),
    ".tbx": GlossaryFormat(read=lambda raw, where: _tbx_rows(raw, where), render=lambda glossary: render_tbx(glossary)),
}


def _format_for(suffix: str, where: str) -> GlossaryFormat:
    found = GLOSSARY_FORMATS.get(suffix.lower())
    if found is None:
        *others, last = GLOSSARY_FORMATS
        raise TaiyakuError(where, f"unknown glossary format (expected {', '.join(others)} or {last})")
    return found


def glossary_format(path: str | Path) -> GlossaryFormat:
    """The format of a glossary file, by its extension; a one-line error for an unknown one."""
    return _format_for(Path(path).suffix, str(path))


def render_glossary(glossary: Glossary, suffix: str) -> str:
    """The glossary in the format named by a file extension: ``.tsv``, ``.csv`` or ``.tbx``."""
    return _format_for(suffix, suffix or "(no extension)").render(glossary)


def write_glossary(glossary: Glossary, path: str | Path) -> None:
    """Write ``glossary`` to ``path`` (format by extension), atomically: nothing is half-written."""
    path = Path(path)
    atomic_write(path, glossary_format(path).render(glossary))


def convert_glossary(source: str | Path, destination: str | Path) -> Glossary:
    """Read ``source`` and write it to ``destination`` in the format of its extension (for
    ``taiyaku glossary SRC DST``).  Nothing is written when ``source`` is malformed."""
    destination = Path(destination)
    glossary_format(destination)  # an unknown target format fails before anything is read
    glossary = load_glossary(source)
    write_glossary(glossary, destination)
    return glossary
