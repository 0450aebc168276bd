"""The aligner: dynamic programming over beads, banded for long documents, with calibrated confidences."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from taiyaku.align.band import anchored_band, full_band, path_touches_edge, widen
from taiyaku.align.confidence import calibrated_score
from taiyaku.align.evidence import compute_matches
from taiyaku.align.features import Item, SideFeatures, english_features, japanese_features
from taiyaku.align.lexicon import GlossaryInput, glossary_pairs
from taiyaku.align.search import BeadCoster, CostParams, Lattice, SideStructure, bead_posteriors, best_path
from taiyaku.model import Bead, BeadFlag, BlockKind, Segment

BeadPath = list[tuple[int, int, int, int]]  # beads as (ja_start, ja_end, en_start, en_end)

# Up to this many lattice cells the whole lattice is searched; beyond, a band around anchors.
FULL_SEARCH_CELLS = 400_000
POSTERIOR_TEMPERATURE = 1.0


class _SentenceFeatureMemo:
    """The features of one side's recently aligned sentences, per sentence text (a sentence's features
    depend only on its text and the glossary).

    The document-level parallelism check (:mod:`taiyaku.align.parallelism`) reads the same evidence after
    the alignment, reviewer corrections included; tokenizing both documents again would add about a quarter
    to the run.  Kept per sentence, the memo also serves the stretches that corrections cut the documents
    into.  It holds one glossary's features and starts afresh rather than pass ``MAX_SENTENCES`` (three
    times the book-length kyoto-scale document), so a long-running process does not keep every document it
    ever aligned.
    """

    MAX_SENTENCES = 50_000

    def __init__(self, compute: Callable[[Sequence[Segment], Sequence[tuple[str, str]]], SideFeatures]) -> None:
        self._compute = compute
        self._pairs: tuple[tuple[str, str], ...] = ()
        self._known: dict[str, tuple[float, list[Item]]] = {}

    def __call__(self, segments: Sequence[Segment], pairs: Sequence[tuple[str, str]]) -> SideFeatures:
        pairs = tuple(pairs)
        if pairs != self._pairs:
            self._pairs, self._known = pairs, {}
        known = self._known  # this call's view, even if another thread starts a new memo meanwhile
        missing = list({s.text: s for s in segments if s.text not in known}.values())
        if missing and len(known) + len(missing) > self.MAX_SENTENCES:
            # Earlier documents give way to this one, which is kept whole however long it is.
            self._known = known = {}
            missing = list({s.text: s for s in segments}.values())
        if missing:
            computed = self._compute(missing, pairs)
            known.update(
                (s.text, (float(length), items))
                for s, length, items in zip(missing, computed.lengths, computed.items, strict=True)
            )
        return SideFeatures(
            np.array([known[s.text][0] for s in segments], dtype=float), [known[s.text][1] for s in segments]
        )


_JAPANESE_FEATURES = _SentenceFeatureMemo(japanese_features)
_ENGLISH_FEATURES = _SentenceFeatureMemo(english_features)


def document_features(
    ja: Sequence[Segment], en: Sequence[Segment], glossary: GlossaryInput = None
) -> tuple[SideFeatures, SideFeatures]:
    """The evidence the aligner sees: per sentence of each side, its length and lexical items (sentences
    aligned just before are not tokenized again)."""
    pairs = glossary_pairs(glossary)
    return _JAPANESE_FEATURES(ja, pairs), _ENGLISH_FEATURES(en, pairs)


def align(
    ja: list[Segment],
    en: list[Segment],
    *,
    glossary: GlossaryInput = None,
    params: CostParams | None = None,
) -> list[Bead]:
    """Align two documents' segments into beads; every segment lands in exactly one bead, in order.

    ``glossary``: a :class:`taiyaku.terms.glossary.Glossary` (entries with ``ja``, ``en``, ``variants``) or
    plain (ja, en) pairs; each pair is extra lexical evidence.
    """
    params = params or CostParams()
    n, m = len(ja), len(en)
    if n == 0 or m == 0:
        # Nothing to align with: null beads of score 0 (below the review threshold like any such bead).
        flags = (BeadFlag.UNALIGNED,)
        null_beads = [Bead(k, (k,), (), 0.0, flags) for k in range(n)]
        null_beads += [Bead(n + k, (), (k,), 0.0, flags) for k in range(m)]
        check_beads(null_beads, n, m)
        return null_beads
    ja_features, en_features = document_features(ja, en, glossary)
    ratio = float(np.clip(en_features.lengths.sum() / max(ja_features.lengths.sum(), 1.0), 0.5, 8.0))

    if (n + 1) * (m + 1) <= FULL_SEARCH_CELLS:
        band = full_band(n, m)
        attempts = 1
    else:
        band = anchored_band(ja_features, en_features, ratio)
        attempts = 4

    def search(ja_blocks: list[str], en_blocks: list[str]) -> tuple[BeadCoster, Lattice, BeadPath]:
        lo, hi = band
        for attempt in range(attempts):
            matches = compute_matches(ja_features, en_features, lo, hi)
            ja_side = SideStructure.build(
                ja_features.lengths, matches.ja_total, ja_blocks, [s.kind == BlockKind.HEADING for s in ja]
            )
            en_side = SideStructure.build(
                en_features.lengths, matches.en_total, en_blocks, [s.kind == BlockKind.HEADING for s in en]
            )
            coster = BeadCoster(ja_side, en_side, matches, lo, hi, ratio, params)
            path, forward = best_path(coster, lo, hi, POSTERIOR_TEMPERATURE)
            if attempt == attempts - 1 or not path_touches_edge(path, lo, hi):
                break
            lo, hi = widen(lo, hi, path, m)
        return coster, forward, path

    coster, forward, path = search([s.block_id for s in ja], [s.block_id for s in en])
    title_blocks = title_as_one_block(ja, en, path)
    if title_blocks is not None:
        coster, forward, path = search(*title_blocks)

    posteriors = bead_posteriors(coster, forward, path, POSTERIOR_TEMPERATURE)
    beads: list[Bead] = []
    for index, ((i0, i1, j0, j1), posterior) in enumerate(zip(path, posteriors, strict=True)):
        run_in = any(_unpunctuated(ja[k]) for k in range(i0, i1)) or any(_unpunctuated(en[k]) for k in range(j0, j1))
        score = calibrated_score(posterior, i1 - i0, j1 - j0, run_in)
        beads.append(Bead(index, tuple(range(i0, i1)), tuple(range(j0, j1)), round(score, 4)))
    check_beads(beads, n, m)
    return beads


def title_as_one_block(
    ja: Sequence[Segment], en: Sequence[Segment], path: BeadPath
) -> tuple[list[str], list[str]] | None:
    """The blocks of both sides with the document title as one block, when ``path`` left a line of a title
    that the two sides set on a different number of lines without counterpart; else None.

    A title on two lines (「…日米政策協力対話」 / 「第5回局長級会合に係る共同記者発表」) against one English
    title is typography: the bead joining the lines must not pay for crossing a block boundary, or the
    second line is left as a 1-0 bead (and the number check then reports its 第5回 as missing).  Where the
    title lines all found a counterpart, the line structure stays evidence: a second heading is often a
    section heading of its own (「被官（ひかん）とは」 / "Who were Hikan?").
    """
    ja_title, en_title = _title_lines(ja), _title_lines(en)
    if ja_title == en_title:
        return None
    dropped_title_line = any((j0 == j1 and i0 < ja_title) or (i0 == i1 and j0 < en_title) for i0, i1, j0, j1 in path)
    if not dropped_title_line:
        return None
    return _title_block(ja, ja_title), _title_block(en, en_title)


def _title_lines(segments: Sequence[Segment]) -> int:
    """How many headings open the document before its first other segment."""
    count = 0
    while count < len(segments) and segments[count].kind == BlockKind.HEADING:
        count += 1
    return count


def _title_block(segments: Sequence[Segment], title_lines: int) -> list[str]:
    title_block = segments[0].block_id if title_lines else ""
    return [title_block if k < title_lines else s.block_id for k, s in enumerate(segments)]


_FINAL_PUNCTUATION = tuple("。！？!?.」』)）\"'”’:：")


def _unpunctuated(segment: Segment) -> bool:
    """A paragraph sentence without final punctuation: a run-in heading or a flattened list, where the
    sentence splitting is least reliable."""
    return segment.kind == BlockKind.PARAGRAPH and not segment.text.endswith(_FINAL_PUNCTUATION)


def check_beads(beads: list[Bead], n_ja: int, n_en: int) -> None:
    """The alignment invariant: every segment of both sides in exactly one bead, in order, none empty."""
    next_ja = next_en = 0
    for bead in beads:
        if not bead.ja and not bead.en:
            raise AssertionError(f"bead {bead.id} is empty")
        if bead.ja != tuple(range(next_ja, next_ja + len(bead.ja))):
            raise AssertionError(f"bead {bead.id}: Japanese segments {bead.ja} out of order")
        if bead.en != tuple(range(next_en, next_en + len(bead.en))):
            raise AssertionError(f"bead {bead.id}: English segments {bead.en} out of order")
        if not 0.0 <= bead.score <= 1.0:
            raise AssertionError(f"bead {bead.id}: score {bead.score} outside [0, 1]")
        next_ja += len(bead.ja)
        next_en += len(bead.en)
    if (next_ja, next_en) != (n_ja, n_en):
        raise AssertionError(f"beads cover {next_ja}/{n_ja} Japanese and {next_en}/{n_en} English segments")
