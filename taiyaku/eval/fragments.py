"""Fragment rate of a published corpus: beads whose text starts in the middle of a sentence.

The measure of ``../shared/eval/pdf-real/README.md``, for corpora aligned from real PDFs (which have no
gold alignment).  A line of a PDF that was not rejoined to the line before it becomes a bead of its own; its
text then starts mid-sentence, and every such bead is a broken pair in the corpus.  A side of a bead is a
*fragment* when its text starts with:

* English: a lower-case letter (the first letter or digit after any leading punctuation and white space,
  so ``"(and more)"`` counts but ``"3 sites"`` does not);
* Japanese: a small kana (``っ``, ``ゃ``, ``ァ``…), the long-vowel mark ``ー``, closing or pausing
  punctuation (``、。）」』``…), a particle or an auxiliary (``を``, ``が``, ``ます``, ``です``; Sudachi's
  part of speech via :func:`taiyaku.nlp.japanese_morphemes`), or the non-independent verbs that carry
  an auxiliary ending (``し``-た of ``した``, ``い``-る, ``あ``-る, ``お``-る).

For each side: the beads with text on that side, the fragments among them, their rate, and how many of
the fragments the aligner scored ≥ 0.9 (the fragments a user is told need no review).

This is the measurement's own reading of that README, kept apart on purpose from the pipeline's rule
(:func:`taiyaku.nlp.starts_mid_sentence`, used by the PDF layout analysis and :mod:`taiyaku.align.fragments`):
a benchmark that called the code it grades could not catch that code's mistakes.  They differ where the
pipeline knows better (a sentence-initial conjunction such as だが is no fragment to it).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from taiyaku.model import REVIEW_THRESHOLD, BeadRecord, Lang
from taiyaku.nlp import japanese_morphemes
from taiyaku.publish.corpus import read_corpus

SMALL_KANA = frozenset("ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ")
LONG_VOWEL_MARKS = frozenset("ーｰ〜～")
# Punctuation that closes or pauses; Unicode's closing and final-quote classes add the rest.
CLOSING_PUNCTUATION = frozenset("、。，．,.：；:;！？!?）)」』】〕〉》］]｝}")
FRAGMENT_POS = frozenset({"助詞", "助動詞"})
# Verbs Sudachi tags non-independent (非自立可能) that start a Japanese text only when it was cut before
# an auxiliary ending: し(た), い(る), あ(る), お(る).
AUXILIARY_VERBS = frozenset({"する", "いる", "ある", "おる"})


def english_fragment(text: str) -> bool:
    """Does this English text start in the middle of a sentence (a lower-case first letter)?"""
    first = next((char for char in text if char.isalnum()), "")
    return first.islower()


def japanese_fragment(text: str) -> bool:
    """Does this Japanese text start in the middle of a sentence (see the module's docstring)?"""
    text = text.lstrip()
    if not text:
        return False
    first = text[0]
    if first in SMALL_KANA or first in LONG_VOWEL_MARKS or first in CLOSING_PUNCTUATION:
        return True
    if unicodedata.category(first) in ("Pe", "Pf"):
        return True
    # The first morpheme only: tokenize a short head of the text.
    morpheme = next(iter(japanese_morphemes(text[:40])), None)
    if morpheme is None:
        return False
    pos = morpheme.part_of_speech()
    if pos[0] in FRAGMENT_POS:
        return True
    return pos[0] == "動詞" and pos[1] == "非自立可能" and morpheme.dictionary_form() in AUXILIARY_VERBS


FRAGMENT_TESTS = {"ja": japanese_fragment, "en": english_fragment}


@dataclass(frozen=True, slots=True)
class SideFragments:
    """One side of a corpus: beads with text on it, fragments among them, fragments scored ≥ 0.9."""

    lang: Lang
    beads: int
    fragments: int
    confident_fragments: int
    fragment_ids: tuple[str, ...]

    @property
    def rate(self) -> float:
        return self.fragments / self.beads if self.beads else 0.0


@dataclass(frozen=True, slots=True)
class FragmentReport:
    ja: SideFragments
    en: SideFragments

    def as_dict(self) -> dict[str, object]:
        return {
            side.lang: {
                "beads": side.beads,
                "fragments": side.fragments,
                "fragment_rate": round(side.rate, 4),
                "fragments_scored_at_least_0.9": side.confident_fragments,
            }
            for side in (self.ja, self.en)
        }


def side_fragments(records: Sequence[BeadRecord], lang: Lang, threshold: float = REVIEW_THRESHOLD) -> SideFragments:
    is_fragment = FRAGMENT_TESTS[lang]
    with_text = [record for record in records if getattr(record, lang).strip()]
    fragments = [record for record in with_text if is_fragment(getattr(record, lang))]
    return SideFragments(
        lang,
        len(with_text),
        len(fragments),
        sum(1 for record in fragments if record.score >= threshold),
        tuple(record.id for record in fragments),
    )


def fragment_report(records: Sequence[BeadRecord], threshold: float = REVIEW_THRESHOLD) -> FragmentReport:
    """The fragment rate of both sides of a corpus's beads."""
    return FragmentReport(side_fragments(records, "ja", threshold), side_fragments(records, "en", threshold))


def corpus_fragments(corpus_path: str | Path, threshold: float = REVIEW_THRESHOLD) -> FragmentReport:
    """The fragment rate of a published ``corpus.jsonl`` (or ``corpus.tmx``)."""
    return fragment_report(read_corpus(corpus_path), threshold)


def format_fragments(report: FragmentReport) -> str:
    return "\n".join(
        f"{side.lang}: {side.fragments} fragments of {side.beads} beads ({side.rate:.1%}), "
        f"{side.confident_fragments} of them scored >= {REVIEW_THRESHOLD}"
        for side in (report.ja, report.en)
    )
