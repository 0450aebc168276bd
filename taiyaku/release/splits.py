"""Which beads of a release go into the MT files, and into which split.

A statement's split depends on its id alone (the first 8 bytes of its SHA-256 as a fraction of 2**64 against
:data:`SPLIT_RATIOS`), so a document never lands in two splits, a statement keeps its split from release
to release, and adding a statement never moves another.  With few statements the shares of beads can be
far from the ratios (they are ratios of statements, and statements differ in length).

Into ``train/dev/test.{ja,en}`` and the Parquet files goes every bead with text on both sides, not flagged
``unaligned``, scored at least ``min_score``, and not an exact duplicate (the same Japanese and English, white
space aside) of a pair kept before it: pairs are taken train first, then dev, then test, statements in
id order, so a pair shared by a training and a test document is kept in training only.  Every bead left out
is counted by reason, and marked in the release's ``corpus.jsonl`` (``excluded``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from taiyaku.model import BeadFlag, BeadRecord

SPLIT_RATIOS: tuple[tuple[str, float], ...] = (("train", 0.8), ("dev", 0.1), ("test", 0.1))
SPLITS: tuple[str, ...] = tuple(name for name, _ in SPLIT_RATIOS)

BELOW_MIN_SCORE = "below-min-score"
UNALIGNED = "unaligned"
DUPLICATE = "duplicate"
EXCLUSIONS: tuple[str, ...] = (UNALIGNED, BELOW_MIN_SCORE, DUPLICATE)


def split_of(statement_id: str) -> str:
    """The split of a statement: a deterministic function of its id (see the module's docstring)."""
    fraction = int.from_bytes(hashlib.sha256(statement_id.encode("utf-8")).digest()[:8], "big") / 2**64
    bound = 0.0
    for name, ratio in SPLIT_RATIOS:
        bound += ratio
        if fraction < bound:
            return name
    return SPLIT_RATIOS[-1][0]


def plain_line(text: str) -> str:
    """A bead's text as one line of a Moses-style file: every run of white space (line breaks included)
    becomes one space."""
    return " ".join(text.split())


@dataclass
class SplitCounts:
    """Beads of one split: kept as pairs, and left out by reason."""

    pairs: int = 0
    statements: int = 0
    excluded: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EXCLUSIONS, 0))

    def to_dict(self) -> dict[str, object]:
        return {"statements": self.statements, "pairs": self.pairs, "excluded": dict(self.excluded)}


def exclusion(record: BeadRecord, min_score: float, seen: set[tuple[str, str]]) -> str | None:
    """Why ``record`` stays out of the MT files (None: it goes in, and is added to ``seen``)."""
    if not record.bilingual or BeadFlag.UNALIGNED in record.flags:
        return UNALIGNED
    if record.score < min_score:
        return BELOW_MIN_SCORE
    key = (plain_line(record.ja), plain_line(record.en))
    if key in seen:
        return DUPLICATE
    seen.add(key)
    return None


def assign(
    statements: Sequence[tuple[str, Sequence[BeadRecord]]], min_score: float
) -> tuple[dict[str, str], dict[tuple[str, str], str | None], dict[str, SplitCounts]]:
    """Each statement's split, each bead's exclusion (keyed by statement id and bead id; None: kept) and the
    counts per split, for ``(statement id, records)`` pairs."""
    split = {statement_id: split_of(statement_id) for statement_id, _ in statements}
    counts = {name: SplitCounts() for name in SPLITS}
    excluded: dict[tuple[str, str], str | None] = {}
    seen: set[tuple[str, str]] = set()
    for name in SPLITS:
        for statement_id, records in sorted(statements, key=lambda item: item[0]):
            if split[statement_id] != name:
                continue
            counts[name].statements += 1
            for record in records:
                reason = exclusion(record, min_score, seen)
                excluded[(statement_id, record.id)] = reason
                if reason is None:
                    counts[name].pairs += 1
                else:
                    counts[name].excluded[reason] += 1
    return split, excluded, counts
