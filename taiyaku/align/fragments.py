"""Beads that hold a piece of a sentence, not a sentence: confidence must not vouch for them.

Text extracted from a PDF (or any source) can come out cut in the middle of a sentence: a wrapped line
that was not rejoined, a paragraph split by a page break or a figure.  The aligner pairs such pieces as
happily as sentences, often with a high posterior; the pair is still broken training data.  A bead is a
*fragment* when one of its sides

* starts in the middle of a sentence (:func:`taiyaku.nlp.starts_mid_sentence`): English with a lower-case
  letter; Japanese with a particle or an auxiliary (SudachiPy's part of speech), a small kana, a
  prolonged sound mark or closing punctuation;
* or ends in the middle of one: the sentence after it starts mid-sentence (the cut is between them), or its
  last word cannot end a sentence: a comma or an opening bracket; in English an article, a preposition, a
  conjunction or an auxiliary ("of", "the", "and"), or a word broken by a hyphen; in Japanese (outside
  headings: "…について" is a title) a particle other than a sentence-final one ("の", "を", "に"...).
  A missing full stop alone is no evidence: list entries, captions and names end without one.

Fragments are flagged ``fragment`` and their score is capped at :data:`FRAGMENT_SCORE`, below the review
threshold: the report lists them first, under "extraction problems".  Reviewer beads are never touched.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from taiyaku.model import Bead, BeadFlag, BlockKind, Segment
from taiyaku.nlp import japanese_morphemes, starts_mid_sentence

# Below the review threshold (0.9) and below what a plausible 1-1 of sentences scores.
FRAGMENT_SCORE = 0.5


# What no sentence ends with: a comma, an opening bracket.
_NEVER_LAST = frozenset("、，,（「『【〔〈《([“")
# English words no sentence ends with (articles, prepositions, conjunctions), and a word split by a hyphen.
# fmt: off
_EN_NEVER_LAST = frozenset({
    "the", "a", "an", "of", "and", "or", "nor", "but", "to", "in", "on", "at", "by", "for", "with", "from", "into",
    "onto", "as", "than", "that", "which", "whose", "whether", "its", "their", "our", "your", "his", "her", "this",
    "these", "those", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "shall",
    "should", "may", "can",
})
# fmt: on
_EN_HYPHEN_END_RE = re.compile(r"[a-z]-$")
# A Japanese sentence may end with a sentence-final particle (か, よ, ね...), never with another particle.
_JA_FINAL_PARTICLES = frozenset({"終助詞"})


def ends_mid_sentence(segment: Segment, following: Segment | None) -> bool:
    """Does ``segment`` end in the middle of a sentence?  Yes when the segment after it (document order)
    starts mid-sentence, or when its last word cannot end one (see the module docstring)."""
    if following is not None and starts_mid_sentence(following.text, following.lang):
        return True
    return _last_word_cannot_end(segment)


def _last_word_cannot_end(segment: Segment) -> bool:
    stripped = segment.text.rstrip()
    if not stripped:
        return False
    if stripped[-1] in _NEVER_LAST:
        return True
    if segment.lang == "en":
        words = stripped.split()
        return len(words) >= 2 and (
            words[-1].lower() in _EN_NEVER_LAST or _EN_HYPHEN_END_RE.search(stripped) is not None
        )
    if segment.kind != BlockKind.PARAGRAPH:
        return False  # a Japanese title may end with a particle: "…について", "…とは"
    if stripped[-1] == "。":
        # The last word is the full stop (a symbol), never a particle: most sentences need no tokenizing.
        return False
    return _ends_with_particle(stripped)


def _ends_with_particle(stripped: str) -> bool:
    """Is the last word of a Japanese text a particle other than a sentence-final one?"""
    tail = list(japanese_morphemes(stripped[-16:]))
    if not tail:
        return False
    part_of_speech = tail[-1].part_of_speech()
    return str(part_of_speech[0]) == "助詞" and str(part_of_speech[1]) not in _JA_FINAL_PARTICLES


def mark_fragments(beads: Sequence[Bead], ja: Sequence[Segment], en: Sequence[Segment]) -> list[Bead]:
    """``beads`` with every fragment (see the module docstring) flagged and its score capped."""
    # Whether each sentence starts mid-sentence, asked once: a bead's start, and the end of the bead before.
    sides = [
        (segments, [starts_mid_sentence(segment.text, segment.lang) for segment in segments]) for segments in (ja, en)
    ]

    def is_fragment(bead: Bead) -> bool:
        for indices, (segments, starts) in zip((bead.ja, bead.en), sides, strict=True):
            if not indices:
                continue
            after = indices[-1] + 1
            if starts[indices[0]] or (after < len(segments) and starts[after]):
                return True
            if _last_word_cannot_end(segments[indices[-1]]):
                return True
        return False

    return [
        dataclasses.replace(bead, score=min(bead.score, FRAGMENT_SCORE), flags=(*bead.flags, BeadFlag.FRAGMENT))
        if BeadFlag.REVIEWED not in bead.flags and is_fragment(bead)
        else bead
        for bead in beads
    ]
