"""Reviewer corrections: alignments a translator has confirmed, honoured by every later run.

A translator who finds a wrong bead in ``report.html`` records the right pairing in
``corpora/<statement-id>/corrections.jsonl``, one JSON object a line::

    {"ja": "…", "en": "…", "reviewer": "…", "note": "…", "recorded": "2026-11-27"}

``ja`` and ``en`` are the texts of consecutive sentences (either may be empty for a sentence that has no
counterpart). On the next run those sentences are forced into one bead (score 1.0, flag ``reviewed``) and
only the text between confirmed beads is aligned automatically. Texts are matched after NFKC with all
white space removed, so re-wrapping the source does not orphan a correction.

Corrections are data: this module only ever appends to the file, and a correction that no longer matches
the sources is reported (``unmatched_corrections`` in ``report.json``), never dropped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from taiyaku import align as align_stage
from taiyaku.errors import TaiyakuError
from taiyaku.glossary import Glossary
from taiyaku.model import Bead, Segment
from taiyaku.publish import atomic_write, read_corpus, read_jsonl_objects
from taiyaku.statement import statement_lock

CORRECTIONS_FILE = "corrections.jsonl"
REVIEWED_FLAG = "reviewed"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Correction:
    ja: str
    en: str
    reviewer: str = ""
    note: str = ""
    recorded: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"ja": self.ja, "en": self.en, "reviewer": self.reviewer, "note": self.note, "recorded": self.recorded}


@dataclass(frozen=True, slots=True)
class CorrectedAlignment:
    beads: list[Bead]
    unmatched: list[Correction]


def match_key(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def load_corrections(path: str | Path) -> list[Correction]:
    corrections = []
    for where, data in read_jsonl_objects(Path(path), "a correction"):
        correction = Correction(**{k: str(data.get(k, "")) for k in ("ja", "en", "reviewer", "note", "recorded")})
        if not match_key(correction.ja) and not match_key(correction.en):
            raise TaiyakuError(where, "a correction needs text on at least one side")
        corrections.append(correction)
    return corrections


def append_correction(path: str | Path, correction: Correction) -> None:
    """Add one correction, keeping every earlier one (rewritten atomically, never truncated)."""
    path = Path(path)
    line = json.dumps(correction.to_dict(), ensure_ascii=False, separators=(",", ":"))
    # Under the statement's lock, so that a concurrent refresh (which swaps the folder) cannot lose it.
    with statement_lock(path.parent):
        existing = path.read_text(encoding="utf-8") if path.is_file() else ""
        if existing and not existing.endswith("\n"):
            existing += "\n"
        atomic_write(path, existing + line + "\n")


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


def _find_run(segments: Sequence[Segment], key: str, start: int) -> tuple[int, int] | None:
    """The first run ``segments[i:j]`` at or after ``start`` whose joined text has match key ``key``."""
    if not key:
        return (start, start)
    keys = [match_key(s.text) for s in segments]
    for i in range(start, len(segments)):
        if not key.startswith(keys[i]) or not keys[i]:
            continue
        joined = ""
        for j in range(i, len(segments)):
            joined += keys[j]
            if joined == key:
                return (i, j + 1)
            if not key.startswith(joined):
                break
    return None


def _align_gap(
    ja: Sequence[Segment],
    en: Sequence[Segment],
    ja_indices: Sequence[int],
    en_indices: Sequence[int],
    glossary: Glossary | None,
) -> list[Bead]:
    """Align the segments at the given positions; bead indices are mapped back to the full lists."""
    if not ja_indices and not en_indices:
        return []
    beads = align_stage.align([ja[i] for i in ja_indices], [en[i] for i in en_indices], glossary=glossary)
    return [
        Bead(0, tuple(ja_indices[i] for i in b.ja), tuple(en_indices[i] for i in b.en), b.score, b.flags) for b in beads
    ]


def _locate(
    ja: Sequence[Segment], en: Sequence[Segment], corrections: Sequence[Correction]
) -> tuple[list[tuple[tuple[int, int], tuple[int, int]]], list[Correction]]:
    """Runs for each correction, in document order; corrections that do not fit are returned apart."""
    located: list[tuple[tuple[int, int], tuple[int, int]]] = []
    unmatched: list[Correction] = []
    found = []
    for correction in corrections:
        ja_run = _find_run(ja, match_key(correction.ja), 0)
        en_run = _find_run(en, match_key(correction.en), 0)
        if ja_run is None or en_run is None:
            unmatched.append(correction)
        else:
            found.append((ja_run, en_run, correction))
    # A one-sided correction's empty run says nothing about position: order by the side that has text.
    found.sort(key=lambda item: (item[0][0] if item[0][1] > item[0][0] else -1, item[1][0]))
    used_ja: set[int] = set()
    used_en: set[int] = set()
    ja_pos = en_pos = 0
    for ja_run, en_run, correction in found:
        two_sided = ja_run[1] > ja_run[0] and en_run[1] > en_run[0]
        if two_sided and (ja_run[0] < ja_pos or en_run[0] < en_pos):
            # The text may occur again (a repeated heading): look for it after the last anchor.
            later_ja = _find_run(ja, match_key(correction.ja), ja_pos)
            later_en = _find_run(en, match_key(correction.en), en_pos)
            if later_ja is None or later_en is None:
                unmatched.append(correction)  # it would cross a correction already placed
                continue
            ja_run, en_run = later_ja, later_en
        ja_range, en_range = set(range(*ja_run)), set(range(*en_run))
        if ja_range & used_ja or en_range & used_en:
            unmatched.append(correction)  # overlaps or crosses a correction already placed
            continue
        located.append((ja_run, en_run))
        used_ja |= ja_range
        used_en |= en_range
        if two_sided:
            ja_pos, en_pos = ja_run[1], en_run[1]
    return located, unmatched


def align_with_corrections(
    ja: Sequence[Segment], en: Sequence[Segment], corrections: Sequence[Correction], *, glossary: Glossary | None = None
) -> CorrectedAlignment:
    """Align, forcing every matching correction into a bead of its own (score 1.0, flag ``reviewed``).

    Two-sided corrections cut the documents into independent stretches that are aligned separately;
    one-sided corrections (a sentence with no counterpart) take their sentences out of the automatic
    alignment and are put back as 1-0 / 0-1 beads in document order.
    """
    located, unmatched = _locate(ja, en, corrections)
    reviewed = [
        Bead(0, tuple(range(*ja_run)), tuple(range(*en_run)), 1.0, (REVIEWED_FLAG,)) for ja_run, en_run in located
    ]
    excluded_ja = {i for bead in reviewed for i in bead.ja}
    excluded_en = {i for bead in reviewed for i in bead.en}
    anchors = [bead for bead in reviewed if bead.ja and bead.en]
    one_sided = [bead for bead in reviewed if not (bead.ja and bead.en)]

    beads: list[Bead] = []
    ja_pos = en_pos = 0
    for anchor in [*anchors, None]:
        ja_end = anchor.ja[0] if anchor else len(ja)
        en_end = anchor.en[0] if anchor else len(en)
        beads += _align_gap(
            ja,
            en,
            [i for i in range(ja_pos, ja_end) if i not in excluded_ja],
            [i for i in range(en_pos, en_end) if i not in excluded_en],
            glossary,
        )
        if anchor:
            beads.append(anchor)
            ja_pos, en_pos = anchor.ja[-1] + 1, anchor.en[-1] + 1

    # Each side's one-sided beads go in before the first bead that holds a later sentence of that side.
    pending_ja = sorted((b for b in one_sided if b.ja), key=lambda b: b.ja[0])
    pending_en = sorted((b for b in one_sided if b.en), key=lambda b: b.en[0])
    merged: list[Bead] = []
    for bead in beads:
        while pending_ja and bead.ja and pending_ja[0].ja[0] < bead.ja[0]:
            merged.append(pending_ja.pop(0))
        while pending_en and bead.en and pending_en[0].en[0] < bead.en[0]:
            merged.append(pending_en.pop(0))
        merged.append(bead)
    merged += pending_ja + pending_en
    numbered = [Bead(i, b.ja, b.en, b.score, b.flags) for i, b in enumerate(merged)]
    return CorrectedAlignment(numbered, unmatched)
