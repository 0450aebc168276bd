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
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from taiyaku import __version__
from taiyaku.errors import TaiyakuError
from taiyaku.io import read_jsonl_objects
from taiyaku.model import BeadRecord

CORPUS_JSONL = "corpus.jsonl"
CORPUS_TMX = "corpus.tmx"
CORPUS_TSV = "corpus.tsv"

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render_jsonl(records: Sequence[BeadRecord]) -> str:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)


def _xml_text(text: str) -> str:
    # XML 1.0 forbids most C0 controls even as character references; they carry no meaning in a corpus.
    cleaned = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
    return escape(cleaned)


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


def _spans(value: object, where: str) -> tuple[tuple[int, int], ...]:
    if not isinstance(value, list) or not all(
        isinstance(s, list) and len(s) == 2 and all(isinstance(x, int) for x in s) for s in value
    ):
        raise TaiyakuError(where, "spans must be a list of [start, end] integer pairs")
    return tuple((s[0], s[1]) for s in value)


def _score(value: object, where: str) -> float:
    # bool is an int to Python, never a score.
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TaiyakuError(where, "'score' must be a number")
    return float(value)


def _flags(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(flag, str) for flag in value):
        raise TaiyakuError(where, "'flags' must be a list of strings")
    return tuple(value)


def read_jsonl(path: Path) -> list[BeadRecord]:
    records: list[BeadRecord] = []
    for where, data in read_jsonl_objects(path, "a corpus line"):
        records.append(
            BeadRecord(
                id=str(data.get("id", f"b{len(records)}")),
                ja=str(data.get("ja", "")),
                en=str(data.get("en", "")),
                ja_spans=_spans(data.get("ja_spans", []), where),
                en_spans=_spans(data.get("en_spans", []), where),
                type=str(data.get("type", "")),
                score=_score(data.get("score", 0.0), where),
                flags=_flags(data.get("flags"), where),
            )
        )
    return records


def _tmx_score(value: str | None, where: str) -> float:
    try:
        return float(value or 0.0)
    except ValueError:
        raise TaiyakuError(where, f"x-score {value!r} is not a number") from None


def read_tmx(path: Path) -> list[BeadRecord]:
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except etree.XMLSyntaxError as exc:
        raise TaiyakuError(f"{path}:{exc.lineno}", f"not well-formed XML ({exc.msg})") from None
    if root.tag != "tmx":
        raise TaiyakuError(str(path), "not a TMX file (root element is not <tmx>)")
    records: list[BeadRecord] = []
    for tu in root.iter("tu"):
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
                score=_tmx_score(props.get("x-score"), f"{path}:{tu.sourceline}"),
                flags=tuple(f for f in props.get("x-flags", "").split(",") if f),
            )
        )
    return records


# The corpus formats that can be read back, by file extension.
CORPUS_READERS: dict[str, Callable[[Path], list[BeadRecord]]] = {".jsonl": read_jsonl, ".tmx": read_tmx}


def read_corpus(path: str | Path) -> list[BeadRecord]:
    """Read a published ``corpus.jsonl`` or ``corpus.tmx`` (by extension)."""
    path = Path(path)
    if not path.is_file():
        raise TaiyakuError(str(path), "no such corpus file")
    reader = CORPUS_READERS.get(path.suffix)
    if reader is None:
        known = " or ".join(CORPUS_READERS)
        raise TaiyakuError(str(path), f"unknown corpus format (expected {known})")
    return reader(path)


# The published corpus files and their writers: adding a format is adding an entry.
CORPUS_WRITERS: dict[str, Callable[[Sequence[BeadRecord]], str]] = {
    CORPUS_JSONL: render_jsonl,
    CORPUS_TMX: render_tmx,
    CORPUS_TSV: render_tsv,
}


def render_corpus(records: Sequence[BeadRecord]) -> dict[str, str]:
    """Every corpus file, by file name."""
    return {name: render(records) for name, render in CORPUS_WRITERS.items()}
