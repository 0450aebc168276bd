"""The parallel corpus formats: rendered deterministically, and read back.

Formats (all UTF-8, ``\\n`` line ends):

- ``corpus.jsonl``: one bead a line, every bead including 1-0 / 0-1, with character spans into the
  decoded source of each side;
- ``corpus.tmx``: TMX 1.4b, one ``<tu>`` per bead that has text on both sides;
- ``corpus.tsv``: ``ja<TAB>en<TAB>score`` per bead with text on both sides, no header (so that
  ``cut -f1`` / ``cut -f2`` give plain source and reference files).

:func:`read_corpus` reads ``corpus.jsonl`` and ``corpus.tmx`` back, for re-checking a corpus that a
translator edited by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from taiyaku import __version__
from taiyaku.errors import TaiyakuError
from taiyaku.model import BeadRecord
from taiyaku.text.script import japanese_share

CORPUS_JSONL = "corpus.jsonl"
CORPUS_TMX = "corpus.tmx"
CORPUS_TSV = "corpus.tsv"

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Bytes that are not UTF-8 but read as mostly Japanese letters in Shift_JIS are taken for a Shift_JIS file.
_SHIFT_JIS_MIN_JAPANESE_SHARE = 0.5


def render_jsonl(records: Sequence[BeadRecord]) -> str:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)


# XML 1.0 forbids most C0 controls even as character references; they carry no meaning in a corpus.
_XML_FORBIDDEN_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(text: str) -> str:
    return escape(_XML_FORBIDDEN_CONTROLS.sub("", text))


def render_tmx(records: Sequence[BeadRecord]) -> str:
    """TMX 1.4b. No creation date: the same corpus must give the same bytes."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
        '<tmx version="1.4">',
        f'  <header creationtool="taiyaku" creationtoolversion={quoteattr(__version__)} '
        'segtype="sentence" o-tmf="taiyaku-jsonl" adminlang="en" srclang="ja" datatype="plaintext"/>',
        "  <body>",
    ]
    for record in records:
        if not record.bilingual:
            continue
        lines.append(f"    <tu tuid={quoteattr(record.id)}>")
        lines.append(f'      <prop type="x-bead-type">{record.type}</prop>')
        lines.append(f'      <prop type="x-score">{record.score}</prop>')
        if record.flags:
            lines.append(f'      <prop type="x-flags">{_xml_text(",".join(record.flags))}</prop>')
        lines.append(f'      <tuv xml:lang="ja"><seg>{_xml_text(record.ja)}</seg></tuv>')
        lines.append(f'      <tuv xml:lang="en"><seg>{_xml_text(record.en)}</seg></tuv>')
        lines.append("    </tu>")
    lines += ["  </body>", "</tmx>", ""]
    return "\n".join(lines)


def _tsv_cell(text: str) -> str:
    return " ".join(text.split())


def render_tsv(records: Sequence[BeadRecord]) -> str:
    return "".join(f"{_tsv_cell(r.ja)}\t{_tsv_cell(r.en)}\t{r.score}\n" for r in records if r.bilingual)


# --- reading a published corpus back ------------------------------------------------------------
#
# A corpus read back has usually been edited by hand, so every field is checked and every problem is one
# TaiyakuError naming the file and line: never a traceback, never a silently wrong value.


def _unreadable(path: Path, exc: OSError, what: str) -> TaiyakuError:
    if isinstance(exc, FileNotFoundError):
        return TaiyakuError(str(path), f"no such {what}")
    if isinstance(exc, IsADirectoryError):
        return TaiyakuError(str(path), f"is a folder, not a {what}")
    return TaiyakuError(str(path), f"cannot read the {what} ({exc.strerror or exc})")


def read_bytes(path: Path, what: str) -> bytes:
    """The bytes of a file taiyaku reads back, or one clear error (missing, a folder, unreadable)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc, what) from None


def not_utf8(path: Path, exc: UnicodeDecodeError) -> TaiyakuError:
    """The one-line error for a file that must be UTF-8 and is not, naming the line of the first bad byte."""
    line = exc.object[: exc.start].count(b"\n") + 1
    problem = f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x})"
    try:
        as_shift_jis = exc.object.decode("cp932")
    except UnicodeDecodeError:
        as_shift_jis = ""
    # The usual mistake on a Japanese system.  UTF-8 before the bad byte means a damaged UTF-8 file instead
    # (read as Shift_JIS, UTF-8 Japanese also comes out as kanji).
    if exc.object[: exc.start].isascii() and japanese_share(as_shift_jis) >= _SHIFT_JIS_MIN_JAPANESE_SHARE:
        problem += "; it looks like Shift_JIS: convert it, e.g. iconv -f CP932 -t UTF-8"
    return TaiyakuError(f"{path}:{line}", problem)


def read_utf8(path: Path, what: str) -> str:
    """The text of a UTF-8 file (a byte-order mark is allowed, and dropped), or one clear error."""
    raw = read_bytes(path, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from None


def _text_field(data: dict[str, object], name: str, default: str, where: str) -> str:
    value = data.get(name, default)
    if not isinstance(value, str):
        raise TaiyakuError(where, f"'{name}' must be a string")
    return value


def _spans(value: object, where: str) -> tuple[tuple[int, int], ...]:
    # bool is an int to Python, never an offset.
    if not isinstance(value, list) or not all(
        isinstance(s, list)
        and len(s) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) for x in s)
        and 0 <= s[0] <= s[1]
        for s in value
    ):
        raise TaiyakuError(where, "spans must be a list of [start, end] pairs of integers with 0 <= start <= end")
    return tuple((s[0], s[1]) for s in value)


def _score(value: object, where: str) -> float:
    # bool is an int to Python, never a score; json reads NaN and Infinity, which are not probabilities.
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= value <= 1.0:
        raise TaiyakuError(where, f"'score' must be a number from 0 to 1, not {json.dumps(value)[:40]}")
    return float(value)


def _flags(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(flag, str) for flag in value):
        raise TaiyakuError(where, "'flags' must be a list of strings")
    return tuple(value)


def _unique_ids(records: list[BeadRecord], lines: list[str]) -> list[BeadRecord]:
    """Bead ids name beads (``taiyaku correct --merge b7 b8``, the findings): two beads with one id would
    make a reviewer merge the wrong one."""
    first: dict[str, str] = {}
    for record, where in zip(records, lines, strict=True):
        if record.id in first:
            raise TaiyakuError(where, f"bead id {record.id!r} is used twice (first at {first[record.id]})")
        first[record.id] = where
    return records


def _json_lines(path: Path) -> Iterator[tuple[str, dict[str, object]]]:
    """``(where, object)`` for each non-blank line of ``corpus.jsonl``; ``where`` is ``path:line``.  Every
    line must be an object with string ``ja`` and ``en`` fields (either may be empty)."""
    raw = read_bytes(path, "corpus file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TaiyakuError(where, f"not valid JSON ({exc.msg})") from None
        except RecursionError:  # json gives up on a line of thousands of nested brackets
            raise TaiyakuError(str(path), "a line is not valid JSON (nested too deeply)") from None
        if not isinstance(data, dict) or not isinstance(data.get("ja"), str) or not isinstance(data.get("en"), str):
            raise TaiyakuError(where, "a corpus line needs string fields 'ja' and 'en'")
        yield where, data


def read_jsonl(path: Path) -> list[BeadRecord]:
    records: list[BeadRecord] = []
    lines: list[str] = []
    for where, data in _json_lines(path):
        records.append(
            BeadRecord(
                id=_text_field(data, "id", f"b{len(records)}", where),
                ja=_text_field(data, "ja", "", where),
                en=_text_field(data, "en", "", where),
                ja_spans=_spans(data.get("ja_spans", []), where),
                en_spans=_spans(data.get("en_spans", []), where),
                type=_text_field(data, "type", "", where),
                score=_score(data.get("score", 0.0), where),
                flags=_flags(data.get("flags"), where),
            )
        )
        lines.append(where)
    return _unique_ids(records, lines)


def _tmx_score(value: str | None, where: str) -> float:
    try:
        score = float(value or 0.0)
    except ValueError:
        raise TaiyakuError(where, f"x-score {value!r} is not a number") from None
    if not 0.0 <= score <= 1.0:  # also NaN
        raise TaiyakuError(where, f"x-score {value!r} is not a number from 0 to 1")
    return score


def _refuse_entities(root: etree._Element, path: Path) -> None:
    """A corpus has no use for XML entities; a hand-made TMX declaring them is an entity-expansion
    ("billion laughs") or file-inclusion attempt.  They are never expanded (the parser is told so), but
    left alone they would read as literal ``&name;`` text: refused instead."""
    dtd = root.getroottree().docinfo.internalDTD
    entities = [f"&{entity.name};" for entity in dtd.entities()] if dtd is not None else []
    entities += [str(node.text) for node in root.iter(etree.Entity)]
    if entities:
        raise TaiyakuError(
            str(path), f"declares or uses XML entities ({entities[0]}): refused, a TMX corpus needs none"
        )


def read_tmx(path: Path) -> list[BeadRecord]:
    raw = read_bytes(path, "corpus file")
    # Bytes, so the XML declaration's encoding is honoured; no entity expansion, no network, no huge trees.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise TaiyakuError(f"{path}:{exc.lineno}", f"not well-formed XML ({exc.msg})") from None
    if root is None:
        raise TaiyakuError(str(path), "not well-formed XML (no root element)")
    _refuse_entities(root, path)
    if root.tag != "tmx":
        raise TaiyakuError(str(path), "not a TMX file (root element is not <tmx>)")
    records: list[BeadRecord] = []
    lines: list[str] = []
    for tu in root.iter("tu"):
        where = f"{path}:{tu.sourceline}"
        texts: dict[str, str] = {}
        for tuv in tu.iter("tuv"):
            lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower().split("-")[0]
            seg = tuv.find("seg")
            texts[lang] = "".join(seg.itertext()) if seg is not None else ""
        props = {p.get("type"): (p.text or "") for p in tu.iter("prop")}
        ja, en = texts.get("ja", ""), texts.get("en", "")
        records.append(
            BeadRecord(
                id=tu.get("tuid") or f"b{len(records)}",
                ja=ja,
                en=en,
                ja_spans=(),
                en_spans=(),
                type=props.get("x-bead-type", f"{int(bool(ja))}-{int(bool(en))}"),
                score=_tmx_score(props.get("x-score"), where),
                flags=tuple(f for f in props.get("x-flags", "").split(",") if f),
            )
        )
        lines.append(where)
    return _unique_ids(records, lines)


# The corpus formats that can be read back, by file extension.
CORPUS_READERS: dict[str, Callable[[Path], list[BeadRecord]]] = {".jsonl": read_jsonl, ".tmx": read_tmx}


def read_corpus(path: str | Path) -> list[BeadRecord]:
    """Read a published ``corpus.jsonl`` or ``corpus.tmx`` (by extension); a corpus without a single bead
    is refused, since nothing taiyaku publishes is empty and every reader needs beads."""
    path = Path(path)
    reader = CORPUS_READERS.get(path.suffix)
    if reader is None:
        known = " or ".join(CORPUS_READERS)
        raise TaiyakuError(str(path), f"unknown corpus format (expected {known})")
    records = reader(path)
    if not records:
        raise TaiyakuError(str(path), "the corpus holds no beads")
    return records


# The published corpus files and their writers: adding a format is adding an entry.
CORPUS_WRITERS: dict[str, Callable[[Sequence[BeadRecord]], str]] = {
    CORPUS_JSONL: render_jsonl,
    CORPUS_TMX: render_tmx,
    CORPUS_TSV: render_tsv,
}


def render_corpus(records: Sequence[BeadRecord]) -> dict[str, str]:
    """Every corpus file, by file name."""
    return {name: render(records) for name, render in CORPUS_WRITERS.items()}
