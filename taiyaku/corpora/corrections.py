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
the sources is reported (``unmatched_corrections`` in ``report.json``), never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from taiyaku.corpora.statement import statement_lock
from taiyaku.errors import TaiyakuError
from taiyaku.io import atomic_write, read_jsonl_objects
from taiyaku.model import Correction, correction_key
from taiyaku.publish.corpus import read_corpus

CORRECTIONS_FILE = "corrections.jsonl"


def load_corrections(path: str | Path) -> list[Correction]:
    corrections = []
    for where, data in read_jsonl_objects(Path(path), "a correction"):
        correction = Correction(**{k: str(data.get(k, "")) for k in ("ja", "en", "reviewer", "note", "recorded")})
        if not correction_key(correction.ja) and not correction_key(correction.en):
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
