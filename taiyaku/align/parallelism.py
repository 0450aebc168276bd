"""Are the two documents translations of each other at all?  The document-level check of an alignment.

The aligner always returns a path, and its confidence only compares the paths through the pair it was
given: the Japanese of one article and the English of another come out as confident 1-1 beads.  What the
path cannot invent is evidence.  In a translation most content words, numbers and names of a bead find
their counterpart on the other side of that bead; between unrelated texts only common words do, by chance.
The check reads the aligner's own evidence (:func:`taiyaku.align.aligner.document_features`: JMdict
glosses, romanized names, loanwords, Latin tokens, numbers, glossary terms), so it tokenizes nothing again:

* **the pair**: the share of the *aligned vocabulary* (the distinct items of the bilingual beads, both
  sides) that finds its counterpart inside its own bead.  Null beads are left out, so that a partly
  parallel pair is not judged by the text it lacks.  Below :data:`MIN_VOCABULARY_MATCH`, and without a
  stretch of :data:`MIN_PARALLEL_STRETCH_ITEMS` that reaches it (the translated part of an excerpt), the pair
  is not a translation and is refused.
* **stretches**: the maximal runs of beads that together match less than :data:`WEAK_BEAD_COVERAGE` of
  their vocabulary (null beads match nothing) and hold at least :data:`MIN_STRETCH_ITEMS` items are text of
  one document that the other does not translate (a missing chapter, the rest of an excerpt, a licence page
  of one edition).  Their beads are flagged ``unsupported`` and scored low.  A bead or two without evidence
  (a title, a list of names the lexicon does not know) is common in real translations and is left alone.
* **degenerate pairs**: no bilingual bead at all is refused (nothing could be aligned); a very uneven
  number of sentences is worth a warning (:func:`sentence_ratio_warning`).

``--force`` publishes a refused pair anyway, every bead flagged ``unsupported`` and scored low.  The
thresholds were set on the evaluation sets and measured by ``benchmarks/mismatched_pairs.py`` (figures in
benchmarks/README.md): 100 mismatched pairs refused, none of the 168 real pairs or the seed statement, and
no score of a real pair changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from taiyaku.align.aligner import document_features
from taiyaku.align.features import Item, SideFeatures
from taiyaku.align.lexicon import GlossaryInput
from taiyaku.errors import TaiyakuError
from taiyaku.model import Bead, BeadFlag, Segment

# Below this share of matched vocabulary a pair is not a translation.  Real pairs of the evaluation sets:
# 0.345 and more; mismatched ones: 0.23 at most (same-topic pairs included).
MIN_VOCABULARY_MATCH = 0.28
# With fewer distinct items than this in the bilingual beads (a title and a sentence) chance decides the
# share either way: such a pair is not judged.  The smallest document of the evaluation sets has 42.
MIN_JUDGED_VOCABULARY = 40
# A pair below MIN_VOCABULARY_MATCH is still a translation in part if a stretch of its beads that reaches it
# holds this many items (a few sentences); in the mismatched pairs such stretches hold 49 at most.
MIN_PARALLEL_STRETCH_ITEMS = 100
# A stretch matching less than this share of its vocabulary has no translation's evidence: 95 % of the real
# 1-1 beads match 0.18 or more, 90 % of the 1-1 beads of mismatched pairs less than 0.09.
WEAK_BEAD_COVERAGE = 0.1
# ... and is unsupported from this many items on (a long sentence holds 30-40).  The largest such stretch of
# a real pair holds 35 items on the evaluation sets, 95 in the 17,000 beads of the book-length kyoto-scale.
MIN_STRETCH_ITEMS = 150
# The score of a bead in an unsupported stretch: at most this, well below the review threshold (0.9).
UNSUPPORTED_SCORE = 0.2
# One side having this many times the sentences of the other is worth a warning.
WARN_SENTENCE_RATIO = 3.0


@dataclass(frozen=True, slots=True)
class BeadEvidence:
    """The distinct items of one bead's sides, and those that find a counterpart on the bead's other side."""

    ja_items: frozenset[Item]
    en_items: frozenset[Item]
    ja_matched: frozenset[Item]
    en_matched: frozenset[Item]

    @property
    def items(self) -> int:
        return len(self.ja_items) + len(self.en_items)

    @property
    def matched(self) -> int:
        return len(self.ja_matched) + len(self.en_matched)

    @property
    def coverage(self) -> float:
        return self.matched / self.items if self.items else 0.0


def bead_evidence(bead: Bead, ja: SideFeatures, en: SideFeatures) -> BeadEvidence:
    """An item is matched when the other side of the bead has one of its keys (as in
    :func:`taiyaku.align.evidence.compute_matches`, here once per distinct item of the bead)."""
    ja_items = frozenset(item for i in bead.ja for item in ja.items[i])
    en_items = frozenset(item for j in bead.en for item in en.items[j])
    ja_keys = frozenset[str]().union(*ja_items)
    en_keys = frozenset[str]().union(*en_items)
    return BeadEvidence(
        ja_items,
        en_items,
        frozenset(item for item in ja_items if not item.isdisjoint(en_keys)),
        frozenset(item for item in en_items if not item.isdisjoint(ja_keys)),
    )


@dataclass(frozen=True, slots=True)
class Parallelism:
    """What the evidence says about an aligned pair as a whole."""

    beads: int
    bilingual_beads: int
    beads_with_evidence: int  # bilingual beads sharing at least one item
    vocabulary: int  # distinct items of the bilingual beads (Japanese and English counted apart)
    vocabulary_matched: int  # of those, the ones matched inside their own bead
    unsupported: tuple[tuple[int, int], ...]  # stretches without evidence, as [start, end) bead positions
    largest_parallel_stretch: int  # items of the largest stretch with a translation's evidence

    @property
    def vocabulary_share(self) -> float:
        return self.vocabulary_matched / self.vocabulary if self.vocabulary else 0.0

    @property
    def evidence_share(self) -> float:
        """The share of all beads (null beads included) that share any evidence."""
        return self.beads_with_evidence / self.beads if self.beads else 0.0

    @property
    def judged(self) -> bool:
        return self.vocabulary >= MIN_JUDGED_VOCABULARY

    @property
    def parallel(self) -> bool:
        """A translation as a whole, or one in part (an excerpt, a missing chapter)."""
        return (
            not self.judged
            or self.vocabulary_share >= MIN_VOCABULARY_MATCH
            or self.largest_parallel_stretch >= MIN_PARALLEL_STRETCH_ITEMS
        )


@dataclass(slots=True)
class _Run:
    start: int
    end: int
    before: float  # the running total of the scores before the run
    after: float  # and at its end


def maximal_segments(scores: Sequence[float]) -> list[tuple[int, int]]:
    """All maximal scoring subsequences of ``scores`` (Ruzzo and Tompa, 1999), in order, as [start, end)
    ranges: the disjoint runs of positive total that no extension or merge would raise.  Linear time."""
    runs: list[_Run] = []
    total = 0.0
    for position, score in enumerate(scores):
        if score <= 0:
            total += score
            continue
        run = _Run(position, position + 1, total, total + score)
        total += score
        while True:
            j = len(runs) - 1
            while j >= 0 and runs[j].before >= run.before:
                j -= 1
            if j < 0 or runs[j].after >= run.after:
                runs.append(run)
                break
            # Run j starts lower and ends lower: the two and everything between are one better run.
            run = _Run(runs[j].start, run.end, runs[j].before, run.after)
            del runs[j:]
    return [(run.start, run.end) for run in runs]


def _unsupported_stretches(beads: Sequence[Bead], evidence: Sequence[BeadEvidence]) -> tuple[tuple[int, int], ...]:
    """The maximal stretches whose beads together match less than :data:`WEAK_BEAD_COVERAGE` of their
    vocabulary (null beads match none), from :data:`MIN_STRETCH_ITEMS` items on."""
    lack = [WEAK_BEAD_COVERAGE * found.items - found.matched for found in evidence]
    # A reviewer vouched for a reviewed bead: it weighs more than all the lack there is, so no stretch
    # crosses it.
    barrier = -1.0 - sum(score for score in lack if score > 0)
    lack = [barrier if BeadFlag.REVIEWED in bead.flags else score for bead, score in zip(beads, lack, strict=True)]
    return tuple(
        (start, end)
        for start, end in maximal_segments(lack)
        if sum(found.items for found in evidence[start:end]) >= MIN_STRETCH_ITEMS
    )


def _largest_parallel_stretch(evidence: Sequence[BeadEvidence]) -> int:
    """The items of the largest stretch of beads that together match at least :data:`MIN_VOCABULARY_MATCH`
    of their vocabulary: a translated part of a partly parallel pair."""
    gain = [found.matched - MIN_VOCABULARY_MATCH * found.items for found in evidence]
    return max((sum(found.items for found in evidence[a:b]) for a, b in maximal_segments(gain)), default=0)


def assess_parallelism(
    ja: Sequence[Segment], en: Sequence[Segment], beads: Sequence[Bead], glossary: GlossaryInput = None
) -> Parallelism:
    """The document-level evidence of an alignment (``beads`` over ``ja`` and ``en``)."""
    ja_features, en_features = document_features(ja, en, glossary)
    evidence = [bead_evidence(bead, ja_features, en_features) for bead in beads]
    bilingual = [found for bead, found in zip(beads, evidence, strict=True) if bead.ja and bead.en]
    vocabulary = len(frozenset[Item]().union(*(f.ja_items for f in bilingual))) + len(
        frozenset[Item]().union(*(f.en_items for f in bilingual))
    )
    matched = len(frozenset[Item]().union(*(f.ja_matched for f in bilingual))) + len(
        frozenset[Item]().union(*(f.en_matched for f in bilingual))
    )
    return Parallelism(
        beads=len(beads),
        bilingual_beads=len(bilingual),
        beads_with_evidence=sum(1 for found in bilingual if found.matched),
        vocabulary=vocabulary,
        vocabulary_matched=matched,
        unsupported=_unsupported_stretches(beads, evidence),
        largest_parallel_stretch=_largest_parallel_stretch(evidence),
    )


def mark_unsupported(beads: Sequence[Bead], stretches: Sequence[tuple[int, int]]) -> list[Bead]:
    """The beads with those of the stretches flagged ``unsupported`` and scored at most
    :data:`UNSUPPORTED_SCORE` (a reviewer's bead is never touched)."""
    inside = {position for start, end in stretches for position in range(start, end)}
    return [
        dataclasses.replace(bead, score=min(bead.score, UNSUPPORTED_SCORE), flags=(*bead.flags, BeadFlag.UNSUPPORTED))
        if position in inside and BeadFlag.REVIEWED not in bead.flags
        else bead
        for position, bead in enumerate(beads)
    ]


def check_parallel(
    ja: Sequence[Segment],
    en: Sequence[Segment],
    beads: Sequence[Bead],
    *,
    ja_source: str,
    en_source: str,
    glossary: GlossaryInput = None,
    force: bool = False,
) -> list[Bead]:
    """Refuse (unless ``force``) a pair where nothing could be aligned or that is not a translation; return
    the beads with unsupported stretches flagged and scored low (every bead, for a forced unrelated pair)."""
    if not any(bead.ja and bead.en for bead in beads):
        if not force:
            raise TaiyakuError(
                ja_source,
                f"nothing could be aligned with {en_source}: none of the {len(ja)} Japanese sentences pairs with "
                f"any of the {len(en)} English ones (use --force to publish it anyway)",
            )
        return mark_unsupported(beads, [(0, len(beads))])
    assessment = assess_parallelism(ja, en, beads, glossary)
    if assessment.parallel:
        return mark_unsupported(beads, assessment.unsupported)
    if not force:
        uneven = sentence_ratio_warning(len(ja), len(en))
        raise TaiyakuError(
            ja_source,
            f"not a translation of {en_source}: only {assessment.evidence_share:.0%} of the beads share any "
            f"evidence, and {assessment.vocabulary_share:.0%} of the words, numbers and names of the paired "
            f"sentences find their counterpart (translations: {MIN_VOCABULARY_MATCH:.0%} or more)"
            + (f"; {uneven}" if uneven else "")
            + "; use --force to publish it anyway",
        )
    return mark_unsupported(beads, [(0, len(beads))])


def sentence_ratio_warning(ja_sentences: int, en_sentences: int) -> str | None:
    """A warning when one side has many times the sentences of the other: most of it cannot be aligned."""
    fewer, more = sorted((ja_sentences, en_sentences))
    if more < 2 or more < WARN_SENTENCE_RATIO * max(fewer, 1):
        return None
    return (
        f"{ja_sentences} Japanese against {en_sentences} English sentences: if one document is an excerpt of "
        "the other, most of the longer one has no counterpart"
    )
