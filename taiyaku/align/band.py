"""Which cells of the alignment lattice to search.

Ordinary documents are searched whole.  For book-length ones a quadratic lattice is out of the question,
so the search follows a corridor: *anchors* are pairs of sentences that share a key found in exactly one
sentence of each side (a rare name, a year, a loanword); the longest monotone chain of anchors is kept
(a coincidental pair breaks monotonicity and drops out), the corridor's centre runs through the chain
and widens with the distance from the nearest anchor.  If the best path touches the corridor's edge,
the corridor is widened around that path and the search repeated.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

from taiyaku.align.features import SideFeatures

MIN_HALF_WIDTH = 40  # sentences either side of the centre, even right at an anchor
WIDTH_PER_GAP_ROW = 0.5  # extra half-width per row of distance from the nearest anchor


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m + 1, dtype=np.int64)


def _unique_keys(items: list[list[frozenset[str]]]) -> dict[str, int]:
    """Keys that occur in exactly one sentence: key → that sentence."""
    where: dict[str, int] = {}
    seen_twice: set[str] = set()
    for index, sentence in enumerate(items):
        for key in set().union(*sentence) if sentence else ():
            if key in where and where[key] != index:
                seen_twice.add(key)
            else:
                where[key] = index
    return {k: v for k, v in where.items() if k not in seen_twice}


def anchor_pairs(ja: SideFeatures, en: SideFeatures) -> list[tuple[int, int]]:
    """A monotone chain of (Japanese sentence, English sentence) pairs sharing a unique key."""
    ja_unique = _unique_keys(ja.items)
    en_unique = _unique_keys(en.items)
    found: set[tuple[int, int]] = set()
    for key, i in ja_unique.items():
        j = en_unique.get(key)
        if j is not None and not key.startswith("s:"):  # glosses are too loose to pin a document
            found.add((i, j))
    # Longest chain strictly increasing in both coordinates: the longest strictly increasing subsequence
    # of j (patience sorting with back-pointers) over pairs sorted by i, and by j descending within one i,
    # so that two pairs of the same Japanese sentence can never both be in the chain.
    pairs = sorted(found, key=lambda pair: (pair[0], -pair[1]))
    tails: list[int] = []
    tail_index: list[int] = []
    parent = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_index.append(k)
        else:
            tails[pos] = j
            tail_index[pos] = k
        parent[k] = tail_index[pos - 1] if pos else -1
    chain: list[tuple[int, int]] = []
    k = tail_index[-1] if tail_index else -1
    while k >= 0:
        chain.append(pairs[k])
        k = parent[k]
    return chain[::-1]


def anchored_band(ja: SideFeatures, en: SideFeatures, ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """Corridor through the anchor chain (lattice rows 0..n, columns 0..m)."""
    n, m = len(ja.items), len(en.items)
    chain = anchor_pairs(ja, en)
    # Anchor (i, j) pins lattice point (i + 0.5, j + 0.5); the corners pin (0, 0) and (n, m).
    xs = np.array([0.0] + [i + 0.5 for i, _ in chain] + [float(n)])
    ys = np.array([0.0] + [j + 0.5 for _, j in chain] + [float(m)])
    rows = np.arange(n + 1, dtype=float)
    centre = np.interp(rows, xs, ys)
    # Distance (in rows) to the nearest anchor.
    pos = np.searchsorted(xs, rows)
    left = rows - xs[np.clip(pos - 1, 0, len(xs) - 1)]
    right = xs[np.clip(pos, 0, len(xs) - 1)] - rows
    distance = np.minimum(np.abs(left), np.abs(right))
    half = MIN_HALF_WIDTH + WIDTH_PER_GAP_ROW * distance * max(1.0, m / max(n, 1))
    return _monotone(centre - half, centre + half + 1, m)


def _monotone(lo_f: np.ndarray, hi_f: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    lo = np.clip(np.floor(lo_f), 0, m).astype(np.int64)
    hi = np.clip(np.ceil(hi_f), 1, m + 1).astype(np.int64)
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # non-decreasing, only ever lowered
    hi = np.maximum.accumulate(hi)  # non-decreasing, only ever raised
    lo[0] = 0
    hi[-1] = m + 1
    # Consecutive rows must overlap so that every cell can be reached (beads advance at most 3 columns).
    hi = np.maximum(hi, np.concatenate([[hi[0]], lo[1:] + 1]))
    return lo, hi


def path_touches_edge(path: list[tuple[int, int, int, int]], lo: np.ndarray, hi: np.ndarray) -> bool:
    m = int(hi[-1] - 1)
    return any((lo[i1] > 0 and j1 - lo[i1] < 3) or (hi[i1] <= m and hi[i1] - 1 - j1 < 3) for _, i1, _, j1 in path)


def widen(
    lo: np.ndarray, hi: np.ndarray, path: list[tuple[int, int, int, int]], m: int
) -> tuple[np.ndarray, np.ndarray]:
    """A corridor twice as wide, centred on the path found."""
    n = len(lo) - 1
    xs = np.array([0.0] + [float(i1) for _, i1, _, _ in path])
    ys = np.array([0.0] + [float(j1) for _, _, _, j1 in path])
    xs, keep = np.unique(xs, return_index=True)
    centre = np.interp(np.arange(n + 1, dtype=float), xs, ys[keep])
    half = (hi - lo).astype(float)  # the old full width becomes the new half width
    return _monotone(centre - half, centre + half + 1, m)
