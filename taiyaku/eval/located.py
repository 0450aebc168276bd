"""Scoring sentences read from a PDF against a text gold: find each sentence's text in ``ja.txt`` / ``en.txt``.

The spans of a sentence extracted from a PDF point into the PDF's text layer, not into the gold's text
files, so the span-based link F1 (:mod:`taiyaku.eval.alignment`) cannot use them directly.  Instead each
predicted sentence is *located* in the gold text by its own text, and gets the span it was found at:

* both texts are compared as *keys*: NFKC per character (the pipeline's ``Segment.text`` is NFKC), white
  space removed and hyphens removed, so line breaks, spaces the extraction added or lost, and words
  hyphenated at a line end (``coop-`` / ``eration``) all compare equal;
* sentences are located in order: each is searched from the end of the previous match, so a sentence
  that occurs twice maps to its occurrences in turn;
* a sentence found exactly within a window after that point is located there, unless the next sentence
  overlaps that match (a running header found inside the body text); one found further ahead is
  accepted only when the next sentence follows it (a sentence dropped by the extraction), so that a
  running header repeating the title, found again somewhere in the body, does not swallow the text in
  between;
* otherwise the sentence's text is matched approximately within that window (blocks of at least
  :data:`MIN_BLOCK` characters in the same order, :mod:`difflib`): a sentence that carries extra text
  (a footnote marker, a header glued to it) is located at the gold text it holds, when that is at least
  half of it and the located stretch is not much longer than the sentence (short sentences, titles and
  names, are located exactly or not at all);
* a sentence that cannot be located — a footnote, a header, a page number, text made only of digits and
  punctuation — maps to no gold unit (an empty span), and is counted.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from taiyaku.model import Segment

# Hyphen-minus, hyphen, non-breaking hyphen, soft hyphen: removed from both sides, so a word hyphenated at a
# line end and the same word whole (or a compound written with and without its hyphen) compare equal.
HYPHENS = frozenset("-\u2010\u2011\u00ad")
# How far past the previous match (in key characters) a sentence is looked for before it counts as skipped.
WINDOW_SLACK = 400
MIN_BLOCK = 3
# An approximate match holds at least this share of the sentence's key ...
MIN_MATCHED_SHARE = 0.5
# ... within a stretch of the gold at most this many times as long as the sentence's key (plus a little).
MAX_STRETCH = 1.5
# Shorter keys (a title, a name) are located exactly or not at all: a few characters in common with some
# later text ("熊野(能)" against "松風(能)") are chance, and locating there would push every following
# sentence past its own text.
MIN_APPROXIMATE = 12


@dataclass(frozen=True, slots=True)
class Key:
    """A text reduced for comparison, and for each of its characters the offset it came from."""

    text: str
    offsets: tuple[int, ...]


def text_key(text: str) -> Key:
    chars: list[str] = []
    offsets: list[int] = []
    for offset, char in enumerate(text):
        if char.isspace() or char in HYPHENS:
            continue
        for folded in unicodedata.normalize("NFKC", char):
            if not folded.isspace() and folded not in HYPHENS:
                chars.append(folded)
                offsets.append(offset)
    return Key("".join(chars), tuple(offsets))


@dataclass(frozen=True, slots=True)
class LocatedSegments:
    """The segments with spans into the gold text (``start == end == 0``: not located) and how many of
    them could not be located."""

    segments: list[Segment]
    unlocated: int


def locate_segments(segments: Sequence[Segment], gold_text: str) -> LocatedSegments:
    """Give every segment the span of its text in ``gold_text`` (see the module's docstring)."""
    gold = text_key(gold_text)
    keys = [text_key(segment.text).text for segment in segments]
    # For each segment, the key of the next one that is text rather than layout (a page number, a marker).
    next_keys: list[str | None] = [None] * len(keys)
    following: str | None = None
    for index in range(len(keys) - 1, -1, -1):
        next_keys[index] = following
        if _is_text(keys[index]):
            following = keys[index]
    located: list[Segment] = []
    unlocated = 0
    cursor = 0
    for index, segment in enumerate(segments):
        key = keys[index]
        found = _locate(gold.text, key, cursor, next_keys[index])
        if found is None:
            located.append(dataclasses.replace(segment, start=0, end=0))
            unlocated += 1
            continue
        start, end = found
        located.append(dataclasses.replace(segment, start=gold.offsets[start], end=gold.offsets[end - 1] + 1))
        cursor = end
    return LocatedSegments(located, unlocated)


def _is_text(key: str) -> bool:
    # Text without a single letter (a page number, a footnote number, a rule of dashes) is layout.
    return any(char.isalpha() for char in key)


def _locate(gold: str, key: str, cursor: int, next_key: str | None) -> tuple[int, int] | None:
    """Where ``key`` is in ``gold`` at or after ``cursor``: ``[start, end)`` in key characters, or None."""
    if not _is_text(key):
        return None
    window_end = cursor + len(key) + WINDOW_SLACK
    position = gold.find(key, cursor, window_end)
    if position >= 0:
        # A running header repeating the title is found inside the next sentence when the body uses the
        # title's words: a match that the next sentence runs across is not this sentence's own text.
        if next_key is not None and _runs_across(gold, next_key, cursor, position + len(key)):
            return None
        return position, position + len(key)
    position = gold.find(key, cursor)
    if position >= 0 and (
        next_key is None or gold.find(next_key, position + len(key), position + len(key) + WINDOW_SLACK) >= 0
    ):
        return position, position + len(key)
    return _approximate(gold, key, cursor, cursor + 2 * len(key) + WINDOW_SLACK)


def _runs_across(gold: str, key: str, start: int, end: int) -> bool:
    """Does ``key`` occur in ``gold`` starting in ``[start, end)`` and ending after ``end``?"""
    position = gold.find(key, start, end + len(key) - 1)
    while position >= 0:
        if position + len(key) > end:
            return True
        position = gold.find(key, position + 1, end + len(key) - 1)
    return False


def _approximate(gold: str, key: str, start: int, end: int) -> tuple[int, int] | None:
    if len(key) < MIN_APPROXIMATE:
        return None
    window = gold[start:end]
    matcher = SequenceMatcher(None, window, key, autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size >= MIN_BLOCK]
    matched = sum(block.size for block in blocks)
    if not blocks or matched < MIN_MATCHED_SHARE * len(key):
        return None
    first, last = blocks[0], blocks[-1]
    stretch_start, stretch_end = start + first.a, start + last.a + last.size
    if stretch_end - stretch_start > MAX_STRETCH * len(key) + MIN_BLOCK:
        return None
    return stretch_start, stretch_end
