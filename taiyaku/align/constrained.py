"""Alignment constrained by reviewer corrections: each correction's sentences forced into one bead.

Two-sided corrections cut the documents into independent stretches that are aligned separately (only the
text between confirmed beads is aligned automatically); one-sided corrections (a sentence with no
counterpart) take their sentences out of the automatic alignment and are put back as 1-0 / 0-1 beads in
document order.  A correction whose text is no longer in the sources (or that would cross another) is
returned as unmatched, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from taiyaku.align.aligner import align
from taiyaku.align.fragments import mark_fragments
from taiyaku.align.lexicon import GlossaryInput
from taiyaku.model import Bead, BeadFlag, Correction, Segment, correction_key


@dataclass(frozen=True, slots=True)
class CorrectedAlignment:
    beads: list[Bead]
    unmatched: list[Correction]


class SentenceIndex:
    """One side's sentences by match key, to find the run of sentences a correction's text names.

    Built once per side: the review workbench locates every correction after each action, on documents of
    thousands of sentences, so the candidates for a run's first sentence are looked up (each prefix of the
    correction's key that is some sentence's key) rather than every sentence tried.
    """

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.keys = [correction_key(s.text) for s in segments]
        self._positions: dict[str, list[int]] = {}
        for position, key in enumerate(self.keys):
            if key:
                self._positions.setdefault(key, []).append(position)

    def find_run(self, key: str, start: int) -> tuple[int, int] | None:
        """The first run ``segments[i:j]`` at or after ``start`` whose joined text has match key ``key``."""
        if not key:
            return (start, start)
        starts = sorted(i for n in range(1, len(key) + 1) for i in self._positions.get(key[:n], ()) if i >= start)
        keys = self.keys
        for i in starts:
            joined = ""
            for j in range(i, len(keys)):
                joined += keys[j]
                if joined == key:
                    return (i, j + 1)
                if not key.startswith(joined):
                    break
        return None

    def find_run_near(self, key: str, near: int | None) -> tuple[int, int] | None:
        """:meth:`find_run` from the start, or with ``near`` the occurrence whose first sentence is nearest
        to sentence ``near`` (the earlier one of two as near)."""
        found = self.find_run(key, 0)
        if near is None or found is None or not key:
            return found
        best = found
        while found is not None and found[0] <= near:
            best = found
            found = self.find_run(key, found[0] + 1)
        if found is not None and found[0] - near < near - best[0]:
            best = found
        return best


def _align_gap(
    ja: Sequence[Segment],
    en: Sequence[Segment],
    ja_indices: Sequence[int],
    en_indices: Sequence[int],
    glossary: GlossaryInput,
) -> list[Bead]:
    """Align the segments at the given positions; bead indices are mapped back to the full lists."""
    if not ja_indices and not en_indices:
        return []
    beads = align([ja[i] for i in ja_indices], [en[i] for i in en_indices], glossary=glossary)
    return [
        Bead(0, tuple(ja_indices[i] for i in b.ja), tuple(en_indices[i] for i in b.en), b.score, b.flags) for b in beads
    ]


Run = tuple[int, int]  # [start, end) of consecutive sentences of one side


def locate_corrections(
    ja: SentenceIndex, en: SentenceIndex, corrections: Sequence[Correction]
) -> tuple[list[tuple[Run, Run, int]], list[Correction]]:
    """Where each correction's sentences are, in document order, with the correction's position in
    ``corrections``; the corrections that do not fit (text not found, crossing or overlapping one placed
    before) are returned apart."""
    located: list[tuple[Run, Run, int]] = []
    unmatched: list[Correction] = []
    found = []
    for position, correction in enumerate(corrections):
        ja_run = ja.find_run_near(correction_key(correction.ja), correction.ja_near)
        en_run = en.find_run_near(correction_key(correction.en), correction.en_near)
        if ja_run is None or en_run is None:
            unmatched.append(correction)
        else:
            found.append((ja_run, en_run, position))
    # A one-sided correction's empty run says nothing about position: order by the side that has text.
    found.sort(key=lambda item: (item[0][0] if item[0][1] > item[0][0] else -1, item[1][0]))
    used_ja: set[int] = set()
    used_en: set[int] = set()
    ja_pos = en_pos = 0
    for ja_run, en_run, position in found:
        correction = corrections[position]
        two_sided = ja_run[1] > ja_run[0] and en_run[1] > en_run[0]
        if two_sided and (ja_run[0] < ja_pos or en_run[0] < en_pos):
            # The text may occur again (a repeated heading): look for it after the last anchor.
            later_ja = ja.find_run(correction_key(correction.ja), ja_pos)
            later_en = en.find_run(correction_key(correction.en), en_pos)
            if later_ja is None or later_en is None:
                unmatched.append(correction)  # it would cross a correction already placed
                continue
            ja_run, en_run = later_ja, later_en
        ja_range, en_range = set(range(*ja_run)), set(range(*en_run))
        if ja_range & used_ja or en_range & used_en:
            unmatched.append(correction)  # overlaps or crosses a correction already placed
            continue
        located.append((ja_run, en_run, position))
        used_ja |= ja_range
        used_en |= en_range
        if two_sided:
            ja_pos, en_pos = ja_run[1], en_run[1]
    return located, unmatched


def align_with_corrections(
    ja: Sequence[Segment],
    en: Sequence[Segment],
    corrections: Sequence[Correction],
    *,
    glossary: GlossaryInput = None,
) -> CorrectedAlignment:
    """Align, forcing every matching correction into a bead of its own (score 1.0, flag ``reviewed``).

    Two-sided corrections cut the documents into independent stretches that are aligned separately;
    one-sided corrections (a sentence with no counterpart) take their sentences out of the automatic
    alignment and are put back as 1-0 / 0-1 beads in document order.
    """
    located, unmatched = locate_corrections(SentenceIndex(ja), SentenceIndex(en), corrections)
    reviewed = [
        Bead(0, tuple(range(*ja_run)), tuple(range(*en_run)), 1.0, (BeadFlag.REVIEWED,))
        for ja_run, en_run, _ in located
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
    return CorrectedAlignment(mark_fragments(numbered, ja, en), unmatched)
