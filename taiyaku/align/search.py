"""Banded dynamic programming over bead sequences: the best path (Viterbi) and bead posteriors.

Row ``i`` of the lattice is "the first ``i`` Japanese sentences are aligned", column ``j`` the same for
English; row ``i`` is only computed for columns ``[lo[i], hi[i])``.  The bead costs of a block of rows
are one numpy computation; a row is then computed over all its columns at once, and the 0-1 beads (which
stay in the same row) are a prefix scan.  Viterbi and the forward pass share one sweep; posteriors come
from the forward pass and the forward pass of the reversed problem (a backward pass).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from taiyaku.align.evidence import SparseMatches

# (Japanese sentences, English sentences) of each bead type the search may use.
BEAD_TYPES: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1))
# Lattice rows whose bead costs are computed in one go: large enough that numpy's per-call overhead
# vanishes, small enough that the block (bead types x rows x band width floats) stays a few MB.
COST_BLOCK_ROWS = 512


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
    """Cost (negative log-score) of beads, elementwise over arrays of end cells (i, j)."""

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
        self.expansion = np.exp(self.log_ratio)  # English characters expected per Japanese character
        self.type_cost = dict(params.type_cost)
        n = len(ja.length_prefix) - 1
        # Row prefix sums of the evidence of Japanese sentence r over English columns [row_lo[r], row_hi[r]),
        # all rows in one flat array (row r at row_offset[r], row_width[r] + 1 entries) so that the cost of a
        # whole block of cells is a few indexing operations.  Outside its window a row's prefix is clipped
        # (no evidence there).
        self.row_lo = lo[:n].astype(np.int64)
        self.row_hi = np.maximum(hi[1 : n + 1], lo[:n] + 1).astype(np.int64)
        self.row_width = self.row_hi - self.row_lo
        self.row_offset = np.concatenate([[0], np.cumsum(self.row_width + 1)[:-1]]).astype(np.int64)
        dense = np.zeros(int((self.row_width + 1).sum()))
        rows = np.repeat(np.arange(n, dtype=np.int32), [len(c) for c in matches.cols])
        cols = np.concatenate(matches.cols) if n else np.zeros(0, dtype=np.int64)
        keep = (cols >= self.row_lo[rows]) & (cols < self.row_hi[rows])
        # A column appears once per row of the matches: its evidence is set, not added.
        dense[(self.row_offset[rows] + cols - self.row_lo[rows] + 1)[keep]] = (
            np.concatenate(matches.vals)[keep] if n else 0.0
        )
        del rows, cols, keep  # a book-length document's matches: tens of MB
        # One cumulative sum for all rows, each row's start subtracted: exact, the evidence being counts.
        np.cumsum(dense, out=dense)
        dense -= np.repeat(dense[self.row_offset], self.row_width + 1)
        self.row_prefix = dense

    def reversed(self, lo: np.ndarray, hi: np.ndarray) -> BeadCoster:
        """The coster of the reversed problem (both documents read backwards), for the band (lo, hi) of
        this one: its forward pass is this problem's backward pass."""
        rlo, rhi = reverse_band(lo, hi)
        return BeadCoster(
            self.ja.reversed(), self.en.reversed(), self.matches.reversed(), rlo, rhi, self.ratio, self.params
        )

    def _shared(self, r: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Evidence between Japanese sentences r and English sentences [start, end), elementwise over their
        broadcast (in a block of lattice rows, ``r`` is one column: its rows' lookups are not repeated per
        cell)."""
        width = self.row_width[r]
        a = np.clip(start - self.row_lo[r], 0, width)
        b = np.clip(end - self.row_lo[r], 0, width)
        offset = self.row_offset[r]
        return self.row_prefix[offset + b] - self.row_prefix[offset + a]

    def cost(
        self, a: int, b: int, i: np.ndarray, js: np.ndarray, shared_by_row: dict[int, np.ndarray] | None = None
    ) -> np.ndarray:
        """Cost of the bead of type (a, b) ending at lattice cell (i, js), elementwise over the broadcast
        of ``i`` and ``js`` (every cell must have i >= a and js >= b).

        ``shared_by_row``: the evidence between Japanese sentence i - d and English sentences [js - b, js)
        per d, where known (beads of one b and different a share them); missing ones are added to it."""
        p = self.params
        ja, en = self.ja, self.en
        shape = np.broadcast_shapes(np.shape(i), np.shape(js))
        j0 = js - b
        base = self.type_cost[(a, b)]
        lj = ja.length_prefix[i] - ja.length_prefix[i - a]
        le = en.length_prefix[js] - en.length_prefix[j0]
        if a == 0 or b == 0:
            # Dropping text costs more the more there is of it (in English-character units).
            dropped = le if a == 0 else lj * self.expansion
            return np.broadcast_to(base + p.null_length_weight * np.log1p(dropped / 20.0), shape)
        expected = lj * self.expansion
        # Short sentences have noisier length ratios: the variance grows as the bead gets shorter.
        variance = p.length_sigma**2 + p.length_noise / (1.0 + (le + expected) / 2.0)
        z2 = np.log((le + 1.0) / (expected + 1.0)) ** 2 / variance
        cost = base + p.length_weight * 0.5 * (z2 + np.log(variance / p.length_sigma**2))
        shared_by_row = {} if shared_by_row is None else shared_by_row
        shared = np.zeros(shape)
        for back in range(a, 0, -1):
            if back not in shared_by_row:
                shared_by_row[back] = self._shared(i - back, j0, js)
            shared += shared_by_row[back]
        total = (ja.total_prefix[i] - ja.total_prefix[i - a]) + (en.total_prefix[js] - en.total_prefix[j0])
        coverage = (shared + p.lexical_prior * p.lexical_prior_mass) / (total + p.lexical_prior_mass)
        cost = cost + p.lexical_weight * (1.0 - np.minimum(coverage, 1.0)) * (a + b) / 2.0
        # Structure: paragraph and heading boundaries are strong hints.
        cross = (ja.block_start_prefix[i] - ja.block_start_prefix[i - a + 1] > 0).astype(int)
        cross = cross + (en.block_start_prefix[js] - en.block_start_prefix[j0 + 1] > 0)
        cost = cost + p.cross_block * cross
        edge = (ja.block_start[i - a] != en.block_start[j0]).astype(float)
        edge = edge + (ja.block_start[i] != en.block_start[js])
        cost = cost + p.edge_mismatch * edge / 2.0
        head_ja = ja.heading_prefix[i] - ja.heading_prefix[i - a] > 0
        head_en = en.heading_prefix[js] - en.heading_prefix[j0] > 0
        return cost + p.kind_mismatch * (head_ja != head_en)

    def band_costs(self, lo: np.ndarray, hi: np.ndarray, first: int, stop: int) -> np.ndarray:
        """Cost of every bead type ending in each cell of lattice rows [first, stop) (row i: columns
        lo[i] + k), shape (bead types, rows, widest row); cells no such bead can end in hold garbage."""
        n = len(self.ja.length_prefix) - 1
        m = len(self.en.length_prefix) - 1
        rows = np.arange(first, stop)[:, None]
        width = int((hi[first:stop] - lo[first:stop]).max())
        js = lo[first:stop, None] + np.arange(width)[None, :]
        out = np.empty((len(BEAD_TYPES), stop - first, width))
        # The evidence between one Japanese sentence and b English sentences, per b, is the same in every
        # bead type with that b (in the cells of this block those beads can end in).
        shared_by_row: dict[int, dict[int, np.ndarray]] = {}
        for t, (a, b) in enumerate(BEAD_TYPES):
            if a > n or b > m:
                out[t] = np.inf  # no bead of this type fits in the documents
            else:
                out[t] = self.cost(a, b, np.clip(rows, a, n), np.clip(js, b, m), shared_by_row.setdefault(b, {}))
        return out


@dataclass
class Lattice:
    """Row-banded scores and back-pointers."""

    lo: np.ndarray
    hi: np.ndarray
    score: list[np.ndarray]
    back: list[np.ndarray] | None


def _run(
    coster: BeadCoster, lo: np.ndarray, hi: np.ndarray, *, viterbi: bool, temperature: float | None
) -> tuple[Lattice | None, Lattice | None]:
    """Fill the lattice in one sweep: min-cost with back-pointers (``viterbi``) and/or log-sum of
    exp(-cost/temperature) (forward, unless ``temperature`` is None).

    The costs of a block of rows come from one vectorised :meth:`BeadCoster.band_costs` call, shared by
    both recursions.  A row stacks, per bead type that leaves the row, the scores it offers each column
    (one array operation over the contiguous columns that bead type can reach) and reduces the stack: the
    minimum, the first bead type on a tie, or the log-sum taken in bead-type order, as one update per bead
    type would.  The 0-1 beads (which stay in the row) are then a prefix scan."""
    n = len(lo) - 1
    band_lo, band_hi = lo.tolist(), hi.tolist()  # plain ints: numpy scalars are slow in this loop
    mins: list[np.ndarray] = []
    backs: list[np.ndarray] = []
    sums: list[np.ndarray] = []
    zero_one = BEAD_TYPES.index((0, 1))
    leaving = [(t, a, b) for t, (a, b) in enumerate(BEAD_TYPES) if a > 0]
    if [t for t, _, _ in leaving] != list(range(len(leaving))):
        raise AssertionError("the bead types that leave a row must come first in BEAD_TYPES")
    for first in range(0, n + 1, COST_BLOCK_ROWS):
        stop = min(n + 1, first + COST_BLOCK_ROWS)
        costs = coster.band_costs(lo, hi, first, stop)
        log_scores = -(costs / temperature) if temperature is not None else costs
        # 0-1 beads chain along a row: their running sums, column 0 of a row being where a chain starts.
        cost_chain = np.zeros(costs.shape[1:])
        np.cumsum(costs[zero_one, :, 1:], axis=1, out=cost_chain[:, 1:])
        score_chain = np.zeros(costs.shape[1:])
        np.cumsum(log_scores[zero_one, :, 1:], axis=1, out=score_chain[:, 1:])
        for i in range(first, stop):
            row_lo, row_hi = band_lo[i], band_hi[i]
            width = row_hi - row_lo
            offered_min = np.full((len(leaving), width), np.inf) if viterbi else None
            offered_sum = np.full((len(leaving), width), -np.inf) if temperature is not None else None
            for t, a, b in leaving:
                if i - a < 0:
                    continue
                prev_lo, prev_hi = band_lo[i - a], band_hi[i - a]
                # The columns j of this row whose start j - b lies in row i - a's band: a contiguous run.
                start, end = max(row_lo, prev_lo + b) - row_lo, min(row_hi, prev_hi + b) - row_lo
                if end <= start:
                    continue
                prev = slice(start + row_lo - b - prev_lo, end + row_lo - b - prev_lo)
                if offered_min is not None:
                    np.add(mins[i - a][prev], costs[t, i - first, start:end], out=offered_min[t, start:end])
                if offered_sum is not None:
                    np.add(sums[i - a][prev], log_scores[t, i - first, start:end], out=offered_sum[t, start:end])
            if offered_min is not None:
                arg = offered_min.argmin(axis=0).astype(np.int8)
                best = offered_min[arg, np.arange(width)]
                arg[best == np.inf] = -1
                if i == 0 and row_lo == 0:
                    best[0], arg[0] = 0.0, -1
                # D[j] = min(X[j], D[j-1] + c[j]) as a prefix scan.
                cum = cost_chain[i - first, :width]
                scanned = cum + np.minimum.accumulate(best - cum)
                chained = scanned < best - 1e-9 * (1.0 + np.abs(scanned))
                arg[chained] = zero_one
                mins.append(np.where(chained, scanned, best))
                backs.append(arg)
            if offered_sum is not None:
                total = np.logaddexp.reduce(offered_sum, axis=0)
                if i == 0 and row_lo == 0:
                    total[0] = 0.0
                cum = score_chain[i - first, :width]
                sums.append(cum + np.logaddexp.accumulate(total - cum))
    return (
        Lattice(lo, hi, mins, backs) if viterbi else None,
        Lattice(lo, hi, sums, None) if temperature is not None else None,
    )


def best_path(
    coster: BeadCoster, lo: np.ndarray, hi: np.ndarray, temperature: float
) -> tuple[list[tuple[int, int, int, int]], Lattice]:
    """The min-cost bead sequence as (ja_start, ja_end, en_start, en_end) tuples, in order, and the
    forward lattice at ``temperature`` that :func:`bead_posteriors` needs, filled in the same sweep."""
    lattice, forward = _run(coster, lo, hi, viterbi=True, temperature=temperature)
    if lattice is None or lattice.back is None or forward is None:
        raise AssertionError("the sweep was asked for both lattices")
    n = len(lo) - 1
    i, j = n, int(hi[n] - 1)
    if not np.isfinite(lattice.score[n][j - lo[n]]):
        raise RuntimeError("alignment band does not reach the end of both documents")
    beads: list[tuple[int, int, int, int]] = []
    while i > 0 or j > 0:
        t = int(lattice.back[i][j - lo[i]])
        a, b = BEAD_TYPES[t]
        beads.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    beads.reverse()
    return beads, forward


def bead_posteriors(
    coster: BeadCoster,
    forward: Lattice,
    beads: list[tuple[int, int, int, int]],
    temperature: float,
) -> list[float]:
    """P(bead | documents) for each bead of a path, from the forward lattice (of :func:`best_path`) and a
    backward pass over the same band."""
    lo, hi = forward.lo, forward.hi
    n = len(lo) - 1
    m = int(hi[n] - 1)
    rlo, rhi = reverse_band(lo, hi)
    _, backward = _run(coster.reversed(lo, hi), rlo, rhi, viterbi=False, temperature=temperature)
    if backward is None:
        raise AssertionError("the sweep was asked for the forward lattice")
    log_z = forward.score[n][m - lo[n]]
    # The path's own bead costs, one vectorised call per bead type.
    costs = np.zeros(len(beads))
    for a, b in BEAD_TYPES:
        of_type = [k for k, (i0, i1, j0, j1) in enumerate(beads) if (i1 - i0, j1 - j0) == (a, b)]
        if of_type:
            ends = np.array([beads[k][1] for k in of_type]), np.array([beads[k][3] for k in of_type])
            costs[of_type] = coster.cost(a, b, *ends)
    out: list[float] = []
    for (i0, i1, j0, j1), cost in zip(beads, costs.tolist(), strict=True):
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
