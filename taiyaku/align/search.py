"""Banded dynamic programming over bead sequences: the best path (Viterbi) and bead posteriors.

Row ``i`` of the lattice is "the first ``i`` Japanese sentences are aligned", column ``j`` the same for
English; row ``i`` is only computed for columns ``[lo[i], hi[i])``.  A row is computed with numpy over
all its columns at once; the 0-1 beads (which stay in the same row) are a prefix scan.  Posteriors come
from a forward pass and the forward pass of the reversed problem (a backward pass).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from taiyaku.align.evidence import SparseMatches

# (Japanese sentences, English sentences) of each bead type the search may use.
BEAD_TYPES: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1))


@dataclass(frozen=True)
class CostParams:
    """General weights of the bead cost (tuned on real translations, not per document)."""

    type_cost: tuple[tuple[tuple[int, int], float], ...] = (
        ((1, 1), 0.0),
        ((1, 2), 3.0),
        ((2, 1), 3.0),
        ((2, 2), 10.0),
        ((1, 3), 7.0),
        ((3, 1), 7.0),
        ((1, 0), 5.0),
        ((0, 1), 5.0),
    )
    length_sigma: float = 0.35  # std. dev. of log(English chars / (ratio * Japanese chars)) of a bead
    length_weight: float = 1.0
    length_noise: float = 8.0  # extra log-ratio variance x characters for short beads
    null_length_weight: float = 1.0  # cost per log-unit of dropped text
    lexical_weight: float = 6.0
    lexical_prior: float = 0.25  # expected coverage of a bead without evidence
    lexical_prior_mass: float = 2.0  # pseudo-items pulling weak evidence towards the prior
    cross_block: float = 6.0  # a bead spanning a paragraph/heading boundary on one side
    edge_mismatch: float = 1.5  # a bead starting/ending a block on one side only
    kind_mismatch: float = 3.0  # a heading paired with body text


@dataclass(frozen=True)
class SideStructure:
    """Per-side arrays the cost function needs (prefix sums over segments)."""

    length_prefix: np.ndarray  # len n+1
    total_prefix: np.ndarray  # matchable items, len n+1
    block_start: np.ndarray  # bool, len n+1 (index n = True: the document end is a boundary)
    block_start_prefix: np.ndarray  # int, len n+2
    heading_prefix: np.ndarray  # int, len n+1

    @classmethod
    def build(
        cls, lengths: np.ndarray, totals: np.ndarray, block_ids: list[str], headings: list[bool]
    ) -> SideStructure:
        n = len(lengths)
        starts = np.ones(n + 1, dtype=bool)
        for k in range(1, n):
            starts[k] = block_ids[k] != block_ids[k - 1]
        return cls._from_segments(lengths, totals, starts, np.array(headings, dtype=int))

    @classmethod
    def _from_segments(
        cls, lengths: np.ndarray, totals: np.ndarray, block_start: np.ndarray, headings: np.ndarray
    ) -> SideStructure:
        """The prefix sums of per-segment lengths, totals and heading flags (0/1)."""
        return cls(
            np.concatenate([[0.0], np.cumsum(lengths)]),
            np.concatenate([[0.0], np.cumsum(totals)]),
            block_start,
            np.concatenate([[0], np.cumsum(block_start)]),
            np.concatenate([[0], np.cumsum(headings)]),
        )

    def reversed(self) -> SideStructure:
        n = len(self.length_prefix) - 1
        # A block start at k (k>0) is a block end after k-1: in reverse order it starts at n-k.
        starts = np.ones(n + 1, dtype=bool)
        starts[1:n] = self.block_start[1:n][::-1]
        return self._from_segments(
            np.diff(self.length_prefix)[::-1],
            np.diff(self.total_prefix)[::-1],
            starts,
            np.diff(self.heading_prefix)[::-1],
        )


class BeadCoster:
    """Cost (negative log-score) of every bead ending at (i, j) for a vector of j."""

    def __init__(
        self,
        ja: SideStructure,
        en: SideStructure,
        matches: SparseMatches,
        lo: np.ndarray,
        hi: np.ndarray,
        ratio: float,
        params: CostParams,
    ) -> None:
        self.ja, self.en, self.matches, self.params = ja, en, matches, params
        self.ratio = ratio
        self.log_ratio = float(np.log(ratio))
        self.type_cost = dict(params.type_cost)
        n = len(ja.length_prefix) - 1
        # Dense row prefix sums of the evidence of Japanese sentence r over English columns
        # [row_lo[r], row_hi[r]); outside that window the prefix is clipped (no evidence there).
        self.row_lo = np.array([lo[r] for r in range(n)], dtype=np.int64)
        self.row_hi = np.array([max(hi[r + 1], lo[r] + 1) for r in range(n)], dtype=np.int64)
        self.row_prefix: list[np.ndarray] = []
        for r in range(n):
            width = int(self.row_hi[r] - self.row_lo[r])
            dense = np.zeros(width + 1)
            cols, vals = matches.cols[r], matches.vals[r]
            keep = (cols >= self.row_lo[r]) & (cols < self.row_hi[r])
            np.add.at(dense, cols[keep] - self.row_lo[r] + 1, vals[keep])
            self.row_prefix.append(np.cumsum(dense))

    def reversed(self, lo: np.ndarray, hi: np.ndarray) -> BeadCoster:
        """The coster of the reversed problem (both documents read backwards), for the band (lo, hi) of
        this one: its forward pass is this problem's backward pass."""
        rlo, rhi = reverse_band(lo, hi)
        return BeadCoster(
            self.ja.reversed(), self.en.reversed(), self.matches.reversed(), rlo, rhi, self.ratio, self.params
        )

    def _shared(self, r: int, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Evidence between Japanese sentence r and English sentences [start, end) (vectors)."""
        prefix = self.row_prefix[r]
        width = len(prefix) - 1
        a = np.clip(start - self.row_lo[r], 0, width)
        b = np.clip(end - self.row_lo[r], 0, width)
        return prefix[b] - prefix[a]

    def cost(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        p = self.params
        ja, en = self.ja, self.en
        j0 = js - b
        base = self.type_cost[(a, b)]
        lj = ja.length_prefix[i] - ja.length_prefix[i - a]
        le = en.length_prefix[js] - en.length_prefix[j0]
        if a == 0 or b == 0:
            # Dropping text costs more the more there is of it (in English-character units).
            dropped = le if a == 0 else np.full(len(js), lj * np.exp(self.log_ratio))
            return base + p.null_length_weight * np.log1p(dropped / 20.0)
        expected = lj * np.exp(self.log_ratio)
        # Short sentences have noisier length ratios: the variance grows as the bead gets shorter.
        variance = p.length_sigma**2 + p.length_noise / (1.0 + (le + expected) / 2.0)
        z2 = np.log((le + 1.0) / (expected + 1.0)) ** 2 / variance
        cost = base + p.length_weight * 0.5 * (z2 + np.log(variance / p.length_sigma**2))
        shared = np.zeros(len(js))
        for r in range(i - a, i):
            shared += self._shared(r, j0, js)
        total = (ja.total_prefix[i] - ja.total_prefix[i - a]) + (en.total_prefix[js] - en.total_prefix[j0])
        coverage = (shared + p.lexical_prior * p.lexical_prior_mass) / (total + p.lexical_prior_mass)
        cost = cost + p.lexical_weight * (1.0 - np.minimum(coverage, 1.0)) * (a + b) / 2.0
        # Structure: paragraph and heading boundaries are strong hints.
        cross = int(ja.block_start_prefix[i] - ja.block_start_prefix[i - a + 1] > 0)
        cross = cross + (en.block_start_prefix[js] - en.block_start_prefix[j0 + 1] > 0)
        cost = cost + p.cross_block * cross
        edge = (ja.block_start[i - a] != en.block_start[j0]).astype(float)
        edge += ja.block_start[i] != en.block_start[js]
        cost = cost + p.edge_mismatch * edge / 2.0
        head_ja = ja.heading_prefix[i] - ja.heading_prefix[i - a] > 0
        head_en = en.heading_prefix[js] - en.heading_prefix[j0] > 0
        return cost + p.kind_mismatch * (head_ja != head_en)


@dataclass
class Lattice:
    """Row-banded scores and back-pointers."""

    lo: np.ndarray
    hi: np.ndarray
    score: list[np.ndarray]
    back: list[np.ndarray] | None


def _run(coster: BeadCoster, lo: np.ndarray, hi: np.ndarray, *, viterbi: bool, temperature: float = 1.0) -> Lattice:
    """Fill the lattice: min-cost (``viterbi``) or log-sum of exp(-cost/temperature) (forward)."""
    n = len(lo) - 1
    rows: list[np.ndarray] = []
    backs: list[np.ndarray] = []
    inf = np.inf
    for i in range(n + 1):
        js = np.arange(lo[i], hi[i])
        width = len(js)
        best = np.full(width, inf if viterbi else -inf)
        arg = np.full(width, -1, dtype=np.int8)
        if i == 0 and lo[0] == 0:
            best[0] = 0.0
        for t, (a, b) in enumerate(BEAD_TYPES):
            if a == 0 or i - a < 0:
                continue
            prev_lo, prev_hi = lo[i - a], hi[i - a]
            prev_cols = js - b
            valid = (prev_cols >= prev_lo) & (prev_cols < prev_hi)
            if not valid.any():
                continue
            sel = np.nonzero(valid)[0]
            prev = rows[i - a][prev_cols[sel] - prev_lo]
            cost = coster.cost(i, a, b, js[sel])
            if viterbi:
                total = prev + cost
                better = total < best[sel]
                best[sel[better]] = total[better]
                arg[sel[better]] = t
            else:
                best[sel] = np.logaddexp(best[sel], prev - cost / temperature)
        # 0-1 beads: D[j] = min(X[j], D[j-1] + c[j]) as a prefix scan.
        if width > 1:
            step = np.zeros(width)
            step[1:] = coster.cost(i, 0, 1, js[1:])
            if viterbi:
                cum = np.cumsum(step)
                scanned = cum + np.minimum.accumulate(best - cum)
                chained = scanned < best - 1e-9 * (1.0 + np.abs(scanned))
                best = np.where(chained, scanned, best)
                arg[chained] = BEAD_TYPES.index((0, 1))
            else:
                cum = np.cumsum(-step / temperature)
                best = cum + np.logaddexp.accumulate(best - cum)
        rows.append(best)
        backs.append(arg)
    return Lattice(lo, hi, rows, backs if viterbi else None)


def best_path(coster: BeadCoster, lo: np.ndarray, hi: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The min-cost bead sequence as (ja_start, ja_end, en_start, en_end) tuples, in order."""
    lattice = _run(coster, lo, hi, viterbi=True)
    n = len(lo) - 1
    i, j = n, int(hi[n] - 1)
    if lattice.back is None or not np.isfinite(lattice.score[n][j - lo[n]]):
        raise RuntimeError("alignment band does not reach the end of both documents")
    beads: list[tuple[int, int, int, int]] = []
    while i > 0 or j > 0:
        t = int(lattice.back[i][j - lo[i]])
        a, b = BEAD_TYPES[t]
        beads.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    beads.reverse()
    return beads


def bead_posteriors(
    coster: BeadCoster,
    lo: np.ndarray,
    hi: np.ndarray,
    beads: list[tuple[int, int, int, int]],
    temperature: float,
) -> list[float]:
    """P(bead | documents) for each bead of a path, by forward and backward passes over the band."""
    n = len(lo) - 1
    m = int(hi[n] - 1)
    forward = _run(coster, lo, hi, viterbi=False, temperature=temperature)
    rlo, rhi = reverse_band(lo, hi)
    backward = _run(coster.reversed(lo, hi), rlo, rhi, viterbi=False, temperature=temperature)
    log_z = forward.score[n][m - lo[n]]
    out: list[float] = []
    for i0, i1, j0, j1 in beads:
        a, b = i1 - i0, j1 - j0
        cost = coster.cost(i1, a, b, np.array([j1]))[0]
        f = forward.score[i0][j0 - lo[i0]]
        g = backward.score[n - i1][(m - j1) - rlo[n - i1]]
        out.append(float(np.exp(min(0.0, f - cost / temperature + g - log_z))))
    return out


def reverse_band(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The band of the reversed problem: row n-i covers columns m-(hi[i]-1) .. m-lo[i]."""
    n = len(lo) - 1
    m = int(hi[n] - 1)
    rlo = np.array([m - (hi[n - k] - 1) for k in range(n + 1)], dtype=np.int64)
    rhi = np.array([m - lo[n - k] + 1 for k in range(n + 1)], dtype=np.int64)
    return rlo, rhi
