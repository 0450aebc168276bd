"""Reviewer corrections: alignments a translator has confirmed, honoured by every later run.

A translator who finds a wrong bead in ``report.html`` records the right pairing in
``corpora/<statement-id>/corrections.jsonl``, one JSON object a line::

    {"ja": "…", "en": "…", "reviewer": "…", "note": "…", "recorded": "2026-11-27"}

``ja`` and ``en`` are the texts of consecutive sentences (either may be empty for a sentence that has no
counterpart). On the next run those sentences are forced into one bead (score 1.0, flag ``reviewed``) and
only the text between confirmed beads is aligned automatically. Texts are matched after NFKC with all
white space removed, so re-wrapping the source does not orphan a correction.

This module reads and appends the file; :mod:`taiyaku.align.constrained` honours the corrections.
Corrections are data: this module only ever appends to the file, and a correction that no longer matches
the sources is reported (``unmatched_corrections`` in ``report.json``), never dropped.  A correction is
checked before it is recorded; a line that cannot be read all the same (a hand edit, another tool) is
skipped by the run, reported (``unreadable_corrections``) and left in the file, never blocking the
statement or the corrections around it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from taiyaku.corpora.statement import statement_lock
from taiyaku.errors import TaiyakuError
from taiyaku.io import atomic_write
from taiyaku.model import Correction, correction_key
from taiyaku.publish.corpus import read_bytes, read_corpus
from taiyaku.model import UnreadableCorrection

CORRECTIONS_FILE = "corrections.jsonl"

# How much of an unreadable line the report shows: enough to recognise it, never a megabyte of garbage.
_SHOWN_CHARS = 300
_METADATA = ("reviewer", "note", "recorded")  # the fields beside ja and en


@dataclass(frozen=True, slots=True)
class CorrectionsFile:
    """What a corrections file holds: the corrections a run honours, and the lines it had to skip."""

    corrections: list[Correction] = field(default_factory=list)
    unreadable: list[UnreadableCorrection] = field(default_factory=list)


def check_correction(correction: Correction, where: str) -> None:
    """Raise :class:`TaiyakuError` unless ``correction`` can be recorded and honoured: every field is text
    that can be written as UTF-8, and at least one side has text once NFKC and white space are set aside
    (a correction of nothing matches nothing, on every run)."""
    for name, value in correction.to_dict().items():
        if not isinstance(value, str):
            raise TaiyakuError(where, f"'{name}' must be a string")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: undecodable command-line bytes, or a JSON \ud800 escape
            raise TaiyakuError(where, f"'{name}' is not valid UTF-8 text") from None
    if not correction_key(correction.ja) and not correction_key(correction.en):
        raise TaiyakuError(where, "the correction has no text on either side: it needs text on at least one")


def _shown(raw: bytes) -> str:
    """A line as the report shows it: bytes that are not UTF-8 and control characters as escapes."""
    text = raw.decode("utf-8", "backslashreplace")
    text = "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" and ch != "\t" else ch
        for ch in text
    )
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def _metadata(value: object) -> str:
    """``reviewer``, ``note`` and ``recorded`` are for people: kept whatever a hand edit made of them."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _parse_line(raw: bytes, where: str) -> Correction:
    try:
        # An editor on Windows may have saved the file with a byte-order mark: not a reason to skip line 1.
        data = json.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise TaiyakuError(where, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    except json.JSONDecodeError as exc:
        raise TaiyakuError(where, f"not valid JSON ({exc.msg})") from None
    except RecursionError:  # thousands of nested brackets
        raise TaiyakuError(where, "not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise TaiyakuError(where, "not a JSON object")
    if not isinstance(data.get("ja"), str) or not isinstance(data.get("en"), str):
        raise TaiyakuError(where, "a correction needs string fields 'ja' and 'en'")
    correction = Correction(ja=data["ja"], en=data["en"], **{name: _metadata(data.get(name)) for name in _METADATA})
    check_correction(correction, where)
    return correction


def load_corrections(path: str | Path) -> CorrectionsFile:
    """Read a corrections file line by line.

    A line that is not a valid correction (not UTF-8, not JSON, not an object, no ``ja`` / ``en``, both
    sides blank) is skipped and returned in ``unreadable``: one bad line, however it got there, must never
    block a statement or cost the reviewer the corrections around it.  A file that cannot be read at all
    is an error: running without the corrections would publish a corpus that ignores the review.
    """
    path = Path(path)
    result = CorrectionsFile()
    # Lines end at \n only: str.splitlines would also split inside a JSON string at U+2028 and friends.
    for number, raw in enumerate(read_bytes(path, "corrections file").split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            result.corrections.append(_parse_line(raw, f"{path}:{number}"))
        except TaiyakuError as exc:
            result.unreadable.append(UnreadableCorrection(str(path), number, _shown(raw.rstrip(b"\r")), exc.problem))
    return result


def append_correction(path: str | Path, correction: Correction) -> None:
    """Add one correction, keeping every earlier line byte for byte (rewritten atomically, never truncated).

    The correction is checked first, so a bad one is refused now rather than skipped by every later run;
    one already recorded is refused too (the copy could only ever be reported as no longer matching).
    """
    path = Path(path)
    check_correction(correction, str(path))
    line = json.dumps(correction.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # Under the statement's lock, so that a concurrent refresh (which swaps the folder) cannot lose it.
    with statement_lock(path.parent):
        # Bytes: lines this version cannot read (another encoding, a hand edit) are kept exactly as they are.
        existing = read_bytes(path, "corrections file") if path.exists() else b""
        key = (correction_key(correction.ja), correction_key(correction.en))
        if existing and any(
            (correction_key(c.ja), correction_key(c.en)) == key for c in load_corrections(path).corrections
        ):
            raise TaiyakuError(str(path), "this correction is already recorded: nothing to add")
        if existing and not existing.endswith(b"\n"):
            existing += b"\n"
        try:
            atomic_write(path, existing + line + b"\n")
        except OSError as exc:
            raise TaiyakuError(str(path), f"cannot record the correction ({exc.strerror or exc})") from None


def correction_from_beads(corpus_path: str | Path, bead_ids: Sequence[str], **details: str) -> Correction:
    """A correction that merges consecutive published beads into one (the common reviewer fix)."""
    records = read_corpus(corpus_path)
    positions = {record.id: i for i, record in enumerate(records)}
    missing = [b for b in bead_ids if b not in positions]
    if missing:
        raise TaiyakuError(str(corpus_path), f"no bead {', '.join(missing)} in this corpus")
    chosen = sorted(positions[b] for b in bead_ids)
    if chosen != list(range(chosen[0], chosen[-1] + 1)):
        raise TaiyakuError(str(corpus_path), "only consecutive beads can be merged")
    picked = [records[i] for i in chosen]
    ja = "".join(r.ja for r in picked)
    en = " ".join(r.en for r in picked if r.en)
    return Correction(ja=ja, en=en, **details)
