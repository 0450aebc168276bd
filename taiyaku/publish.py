"""Publish stage: the parallel corpus files, written atomically and deterministically.

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
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from taiyaku import __version__
from taiyaku.errors import TaiyakuError
from taiyaku.model import Bead, Segment

CORPUS_JSONL = "corpus.jsonl"
CORPUS_TMX = "corpus.tmx"
CORPUS_TSV = "corpus.tsv"

# A republished corpus must cover at least this share of the text the published one covers; anything
# less is refused unless forced, so a truncated download can never silently replace a good corpus.
SHRINK_TOLERANCE = 0.9

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True, slots=True)
class BeadRecord:
    """One published bead: what a line of ``corpus.jsonl`` holds."""

    id: str
    ja: str
    en: str
    ja_spans: tuple[tuple[int, int], ...]
    en_spans: tuple[tuple[int, int], ...]
    type: str
    score: float
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ja": self.ja,
            "en": self.en,
            "ja_spans": [list(span) for span in self.ja_spans],
            "en_spans": [list(span) for span in self.en_spans],
            "type": self.type,
            "score": self.score,
            "flags": list(self.flags),
        }

    @property
    def bilingual(self) -> bool:
        return bool(self.ja) and bool(self.en)


def join_segments(segments: Sequence[Segment], lang: str) -> str:
    """The text of consecutive segments: Japanese sentences abut, English ones take a space."""
    return ("" if lang == "ja" else " ").join(segment.text for segment in segments)


def bead_records(beads: Sequence[Bead], ja: Sequence[Segment], en: Sequence[Segment]) -> list[BeadRecord]:
    records = []
    for bead in beads:
        ja_segments = [ja[i] for i in bead.ja]
        en_segments = [en[i] for i in bead.en]
        records.append(
            BeadRecord(
                id=bead.id,
                ja=join_segments(ja_segments, "ja"),
                en=join_segments(en_segments, "en"),
                ja_spans=tuple((s.start, s.end) for s in ja_segments),
                en_spans=tuple((s.start, s.end) for s in en_segments),
                type=bead.type,
                # Rounded so that tiny floating-point differences never change the published bytes.
                score=round(bead.score, 4),
                flags=tuple(bead.flags),
            )
        )
    return records


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
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("ja"), str)
            or not isinstance(data.get("en"), str)
        ):
            raise TaiyakuError(where, f"{what} needs string fields 'ja' and 'en'")
        yield where, data


def _read_jsonl(path: Path) -> list[BeadRecord]:
    records = []
    for where, data in read_jsonl_objects(path, "a corpus line"):
        records.append(
            BeadRecord(
                id=str(data.get("id", f"b{len(records)}")),
                ja=str(data.get("ja", "")),
                en=str(data.get("en", "")),
                ja_spans=_spans(data.get("ja_spans", []), where),
                en_spans=_spans(data.get("en_spans", []), where),
                type=str(data.get("type", "")),
                score=float(data.get("score", 0.0)),
                flags=tuple(str(f) for f in data.get("flags", []) or []),  # type: ignore[union-attr]
            )
        )
    return records


def _read_tmx(path: Path) -> list[BeadRecord]:
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except etree.XMLSyntaxError as exc:
        raise TaiyakuError(f"{path}:{exc.lineno}", f"not well-formed XML ({exc.msg})") from None
    if root.tag != "tmx":
        raise TaiyakuError(str(path), "not a TMX file (root element is not <tmx>)")
    records = []
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
                score=float(props.get("x-score") or 0.0),
                flags=tuple(f for f in props.get("x-flags", "").split(",") if f),
            )
        )
    return records


def read_corpus(path: str | Path) -> list[BeadRecord]:
    """Read a published ``corpus.jsonl`` or ``corpus.tmx`` (by extension)."""
    path = Path(path)
    if not path.is_file():
        raise TaiyakuError(str(path), "no such corpus file")
    if path.suffix == ".jsonl":
        return _read_jsonl(path)
    if path.suffix == ".tmx":
        return _read_tmx(path)
    raise TaiyakuError(str(path), "unknown corpus format (expected .jsonl or .tmx)")


# --- atomic publication ------------------------------------------------------------------------


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


def _covered_chars(records: Sequence[BeadRecord]) -> int:
    return sum(len(r.ja) + len(r.en) for r in records)


def check_not_shrinking(out_dir: Path, records: Sequence[BeadRecord]) -> None:
    """Refuse to replace a published corpus with one that holds clearly less text."""
    published = out_dir / CORPUS_JSONL
    if not published.is_file():
        return
    try:
        before = _covered_chars(_read_jsonl(published))
    except TaiyakuError:
        return  # an unreadable old corpus is no reason to keep it
    after = _covered_chars(records)
    if before and after < SHRINK_TOLERANCE * before:
        raise TaiyakuError(
            str(published),
            f"the new corpus holds {after} characters against {before} published; "
            "refusing to overwrite with less (use --force to replace it)",
        )


def publish_files(out_dir: str | Path, files: Mapping[str, str | bytes]) -> list[Path]:
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


def write_corpus_jsonl(path: str | Path, beads: Sequence[Bead], ja: Sequence[Segment], en: Sequence[Segment]) -> None:
    """Write ``corpus.jsonl`` alone (what ``taiyaku eval --out`` publishes per document)."""
    atomic_write(Path(path), render_jsonl(bead_records(beads, ja, en)))
