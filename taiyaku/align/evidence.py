"""Pairwise lexical evidence between the sentences of the two sides, computed only inside a band.

``matches[r]`` holds, for Japanese sentence ``r``, the English sentences ``cols`` it shares evidence with
and how much (``vals``: Japanese items matched in that English sentence plus English words matched by
that Japanese sentence).  ``ja_total[r]`` / ``en_total[c]`` count the items that could match anything
on the other side at all, so that ``2·shared / (total_ja + total_en)`` is a Dice-like coverage.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from taiyaku.align.features import SideFeatures


@dataclass(frozen=True)
class SparseMatches:
    cols: list[np.ndarray]  # per Japanese sentence: English sentence indices (sorted)
    vals: list[np.ndarray]  # per Japanese sentence: shared evidence with each of them
    ja_total: np.ndarray
    en_total: np.ndarray

    def reversed(self) -> SparseMatches:
        """The same evidence with both sides in reverse order (for the backward pass)."""
        m = len(self.en_total)
        return SparseMatches(
            [m - 1 - c[::-1] for c in reversed(self.cols)],
            [v[::-1] for v in reversed(self.vals)],
            self.ja_total[::-1].copy(),
            self.en_total[::-1].copy(),
        )


def _postings(items: list[list[frozenset[str]]]) -> dict[str, list[int]]:
    postings: dict[str, list[int]] = defaultdict(list)
    for index, sentence in enumerate(items):
        for key in set().union(*sentence) if sentence else ():
            postings[key].append(index)
    return postings


def _in_range(postings: dict[str, list[int]], keys: frozenset[str], lo: int, hi: int) -> set[int]:
    hits: set[int] = set()
    for key in keys:
        plist = postings.get(key)
        if plist:
            start = bisect_left(plist, lo)
            end = bisect_left(plist, hi, start)
            hits.update(plist[start:end])
    return hits


def compute_matches(ja: SideFeatures, en: SideFeatures, lo: np.ndarray, hi: np.ndarray) -> SparseMatches:
    """Evidence between Japanese sentence r and English sentences in ``[lo[r], hi[r])``.

    ``lo``/``hi`` must be non-decreasing (a monotone band).
    """
    n, m = len(ja.items), len(en.items)
    en_postings = _postings(en.items)
    ja_postings = _postings(ja.items)
    ja_total = np.array([sum(1 for it in s if any(k in en_postings for k in it)) for s in ja.items], float)
    en_total = np.array([sum(1 for it in s if any(k in ja_postings for k in it)) for s in en.items], float)
    rows: list[dict[int, float]] = [defaultdict(float) for _ in range(n)]
    for r, sentence in enumerate(ja.items):
        for item in sentence:
            for c in _in_range(en_postings, item, int(lo[r]), int(hi[r])):
                rows[r][c] += 1.0
    # The English side's view: which Japanese sentences (whose band contains c) match each English word.
    row_lo = np.searchsorted(hi, np.arange(m), side="right")  # first r with hi[r] > c
    row_hi = np.searchsorted(lo, np.arange(m), side="right")  # first r with lo[r] > c
    for c, sentence in enumerate(en.items):
        for item in sentence:
            for r in _in_range(ja_postings, item, int(row_lo[c]), int(row_hi[c])):
                rows[r][c] += 1.0
    cols = [np.array(sorted(row), dtype=np.int64) for row in rows]
    vals = [np.array([row[c] for c in col], dtype=float) for row, col in zip(rows, cols, strict=True)]
    return SparseMatches(cols, vals, ja_total, en_total)
