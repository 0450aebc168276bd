"""Pairwise lexical evidence between the sentences of the two sides, computed only inside a band.

``matches[r]`` holds, for Japanese sentence ``r``, the English sentences ``cols`` it shares evidence with
and how much (``vals``: Japanese items matched in that English sentence plus English words matched by
that Japanese sentence).  ``ja_total[r]`` / ``en_total[c]`` count the items that could match anything
on the other side at all, so that ``2·shared / (total_ja + total_en)`` is a Dice-like coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np

from taiyaku.align.features import SideFeatures

# Items of one side looked up at a time (see _hits).
HIT_SLICE_ITEMS = 32_768


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


@dataclass(frozen=True)
class _Occurrences:
    """Every key of every item of one side, one entry per (item, key): parallel arrays."""

    item: np.ndarray  # the item's number on this side (items numbered in order, sentence by sentence)
    key: np.ndarray  # the key's id (shared by both sides)
    item_sentence: np.ndarray  # per item number: its sentence

    @classmethod
    def of(cls, items: list[list[frozenset[str]]], key_ids: dict[str, int]) -> _Occurrences:
        # Items repeat (the same word in many sentences): each distinct one is turned into key ids once, in
        # the order of first occurrence, and the side's items are looked up without a Python loop per item.
        side_items = list(chain.from_iterable(items))
        ids_of = {keys: [key_ids.setdefault(k, len(key_ids)) for k in keys] for keys in dict.fromkeys(side_items)}
        item_keys = list(map(ids_of.__getitem__, side_items))
        # 32-bit numbers halve the memory of a book-length document's million occurrences; codes built from
        # them are computed in 64 bits.
        sizes = np.fromiter(map(len, item_keys), dtype=np.int64, count=len(item_keys))
        key = np.fromiter(chain.from_iterable(item_keys), dtype=np.int32, count=int(sizes.sum()))
        item = np.repeat(np.arange(len(item_keys), dtype=np.int32), sizes)
        items_per_sentence = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
        sentence_of_item = np.repeat(np.arange(len(items), dtype=np.int32), items_per_sentence)
        return cls(item, key, sentence_of_item)

    def matchable_per_sentence(self, other_keys: np.ndarray, sentences: int) -> np.ndarray:
        """Per sentence, how many of its items have a key found anywhere on the other side."""
        matchable = np.zeros(len(self.item_sentence), dtype=bool)
        matchable[self.item[np.isin(self.key, other_keys)]] = True
        return np.bincount(self.item_sentence[matchable], minlength=sentences).astype(float)


def _distinct(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``codes``, sorted, and how often each occurs.  A stable (radix) sort and a
    comparison of neighbours: ``np.unique`` hashes integer arrays first, many times slower on the
    millions of mostly ordered codes here."""
    ordered = np.sort(codes, kind="stable")
    starts = np.flatnonzero(np.concatenate([[len(ordered) > 0], ordered[1:] != ordered[:-1]]))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def _hits(
    query: _Occurrences, target: _Occurrences, size: int, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (query item, target sentence) pairs with the target sentence in the item's window
    ``[lo[s], hi[s])`` (``s`` the item's sentence) containing one of the item's keys, as (query sentence,
    target sentence) arrays; ``size`` is the number of target sentences."""
    # Postings of the target side: the sorted distinct codes key * (size + 1) + sentence, so that one
    # binary search per (item, key) finds the key's sentences inside a window.
    stride = size + 1
    postings, _ = _distinct(target.key.astype(np.int64) * stride + target.item_sentence[target.item])
    # The occurrences go in slices of whole items, which bounds the temporary arrays (about a dozen of
    # the slice's hit count) however long the document.
    cuts = np.searchsorted(query.item, np.arange(0, len(query.item_sentence) + HIT_SLICE_ITEMS, HIT_SLICE_ITEMS))
    none = np.zeros(0, dtype=np.int32)
    sentences: list[np.ndarray] = [none]
    hit_sentences: list[np.ndarray] = [none]
    for begin, end in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        key, item = query.key[begin:end].astype(np.int64), query.item[begin:end].astype(np.int64)
        sentence = query.item_sentence[item]
        first = np.searchsorted(postings, key * stride + lo[sentence])
        counts = np.searchsorted(postings, key * stride + hi[sentence]) - first
        # Hit number h of occurrence k is postings[first[k] + h]: the run first[k] .. first[k] + counts[k].
        owner = np.repeat(np.arange(len(counts)), counts)
        position = np.arange(len(owner)) + (first - (np.cumsum(counts) - counts))[owner]
        # An item counts once per target sentence however many of its keys that sentence contains.
        pairs, _ = _distinct(item[owner] * stride + postings[position] % stride)
        sentences.append(query.item_sentence[pairs // stride])
        hit_sentences.append((pairs % stride).astype(np.int32))
    return np.concatenate(sentences), np.concatenate(hit_sentences)


def compute_matches(ja: SideFeatures, en: SideFeatures, lo: np.ndarray, hi: np.ndarray) -> SparseMatches:
    """Evidence between Japanese sentence r and English sentences in ``[lo[r], hi[r])``.

    ``lo``/``hi`` must be non-decreasing (a monotone band).  Vectorised over all (item, key) pairs of a
    side: for a book-length document these are a few hundred thousand.
    """
    n, m = len(ja.items), len(en.items)
    key_ids: dict[str, int] = {}
    ja_occ = _Occurrences.of(ja.items, key_ids)
    en_occ = _Occurrences.of(en.items, key_ids)
    ja_total = ja_occ.matchable_per_sentence(_distinct(en_occ.key)[0], n)
    en_total = en_occ.matchable_per_sentence(_distinct(ja_occ.key)[0], m)
    # Japanese items against the English sentences of their row's window.
    ja_rows, ja_cols = _hits(ja_occ, en_occ, m, np.asarray(lo[:n], dtype=np.int64), np.asarray(hi[:n], dtype=np.int64))
    # The English side's view: which Japanese sentences (whose band contains c) match each English word.
    row_lo = np.searchsorted(hi, np.arange(m), side="right")  # first r with hi[r] > c
    row_hi = np.searchsorted(lo, np.arange(m), side="right")  # first r with lo[r] > c
    en_cols, en_rows = _hits(en_occ, ja_occ, n, row_lo.astype(np.int64), row_hi.astype(np.int64))
    # Both views counted per cell of the band (row r's cells numbered from band_start[r]): every hit lies
    # inside the band, and a count per cell needs no sort of the hits.
    band_start = np.concatenate([[0], np.cumsum(hi[:n] - lo[:n])]).astype(np.int64)
    counts = np.bincount(band_start[ja_rows] + ja_cols - lo[ja_rows], minlength=int(band_start[-1]))
    counts += np.bincount(band_start[en_rows] + en_cols - lo[en_rows], minlength=int(band_start[-1]))
    found = np.flatnonzero(counts)
    found_rows = np.searchsorted(band_start, found, side="right") - 1
    bounds = np.searchsorted(found, band_start).tolist()
    all_cols = found - band_start[found_rows] + lo[found_rows]
    all_vals = counts[found].astype(float)
    cols = [all_cols[bounds[r] : bounds[r + 1]] for r in range(n)]
    vals = [all_vals[bounds[r] : bounds[r + 1]] for r in range(n)]
    return SparseMatches(cols, vals, ja_total, en_total)
