"""The vectorised aligner core against plain references: the evidence against a per-cell count, the lattice
costs against the per-bead cost, and the best path and bead posteriors against enumerating every bead
sequence of small random problems."""

from __future__ import annotations

import math
import random
from functools import cache

import numpy as np
import pytest

from taiyaku.align.band import full_band
from taiyaku.align.evidence import HIT_SLICE_ITEMS, SparseMatches, compute_matches
from taiyaku.align.features import SideFeatures
from taiyaku.align.search import (
    BEAD_TYPES,
    COST_BLOCK_ROWS,
    BeadCoster,
    CostParams,
    SideStructure,
    bead_posteriors,
    best_path,
)

Path = tuple[tuple[int, int, int, int], ...]


def _side(rng: random.Random, sentences: int, vocabulary: int) -> tuple[SideFeatures, list[str], list[bool]]:
    """Random sentences: lengths, items (one to three keys each, some repeated), blocks and headings."""
    items = [
        [frozenset(f"k{rng.randrange(vocabulary)}" for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(0, 5))]
        for _ in range(sentences)
    ]
    lengths = np.array([float(rng.randint(1, 80)) for _ in range(sentences)])
    blocks, block = [], 0
    for _ in range(sentences):
        block += rng.random() < 0.4
        blocks.append(f"b{block}")
    return SideFeatures(lengths, items), blocks, [rng.random() < 0.15 for _ in range(sentences)]


def _problem(seed: int, n: int, m: int) -> tuple[BeadCoster, np.ndarray, np.ndarray]:
    rng = random.Random(seed)
    ja, ja_blocks, ja_heads = _side(rng, n, 12)
    en, en_blocks, en_heads = _side(rng, m, 12)
    lo, hi = full_band(n, m)
    matches = compute_matches(ja, en, lo, hi)
    ja_side = SideStructure.build(ja.lengths, matches.ja_total, ja_blocks, ja_heads)
    en_side = SideStructure.build(en.lengths, matches.en_total, en_blocks, en_heads)
    return BeadCoster(ja_side, en_side, matches, lo, hi, 2.0, CostParams()), lo, hi


def _reference_matches(
    ja: SideFeatures, en: SideFeatures, lo: np.ndarray, hi: np.ndarray
) -> dict[tuple[int, int], int]:
    """The definition: per cell (r, c) of the band, the items of r with a key in c plus the items of c with a
    key in r."""
    cells: dict[tuple[int, int], int] = {}
    for r, ja_items in enumerate(ja.items):
        for c in range(int(lo[r]), min(int(hi[r]), len(en.items))):
            ja_keys, en_keys = set().union(*ja_items), set().union(*en.items[c])
            count = sum(1 for item in ja_items if item & en_keys) + sum(1 for item in en.items[c] if item & ja_keys)
            if count:
                cells[(r, c)] = count
    return cells


def _as_cells(matches: SparseMatches) -> dict[tuple[int, int], int]:
    return {
        (r, int(c)): int(v)
        for r, (cols, vals) in enumerate(zip(matches.cols, matches.vals, strict=True))
        for c, v in zip(cols, vals, strict=True)
    }


@pytest.mark.parametrize("seed", range(4))
def test_evidence_counts_every_item_once_per_sentence_inside_the_band(seed: int) -> None:
    rng = random.Random(seed)
    n, m = 40, 45
    ja, _, _ = _side(rng, n, 15)
    en, _, _ = _side(rng, m, 15)
    # A monotone band narrower than the lattice, so that the window of each row matters.
    lo = np.array([max(0, int(r * m / n) - 6) for r in range(n + 1)], dtype=np.int64)
    hi = np.array([min(m + 1, int(r * m / n) + 7) for r in range(n + 1)], dtype=np.int64)
    hi[-1] = m + 1
    matches = compute_matches(ja, en, lo, hi)
    assert _as_cells(matches) == _reference_matches(ja, en, lo, hi)
    assert all(np.all(np.diff(cols) > 0) for cols in matches.cols)
    ja_keys, en_keys = (
        set().union(*(set().union(*s) for s in ja.items)),
        set().union(*(set().union(*s) for s in en.items)),
    )
    assert matches.ja_total.tolist() == [sum(1 for it in s if it & en_keys) for s in ja.items]
    assert matches.en_total.tolist() == [sum(1 for it in s if it & ja_keys) for s in en.items]


def test_evidence_is_the_same_when_the_items_are_looked_up_in_several_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    ja, _, _ = _side(rng, 60, 10)
    en, _, _ = _side(rng, 50, 10)
    lo, hi = full_band(60, 50)
    whole = _as_cells(compute_matches(ja, en, lo, hi))
    assert HIT_SLICE_ITEMS > 60 * 5  # the default looks the whole of this side up at once
    monkeypatch.setattr("taiyaku.align.evidence.HIT_SLICE_ITEMS", 7)
    assert _as_cells(compute_matches(ja, en, lo, hi)) == whole


def test_lattice_block_costs_are_the_per_bead_costs(monkeypatch: pytest.MonkeyPatch) -> None:
    coster, lo, hi = _problem(3, 9, 11)
    monkeypatch.setattr("taiyaku.align.search.COST_BLOCK_ROWS", 4)  # blocks of rows, the last one short
    assert COST_BLOCK_ROWS > 4
    for first in range(0, 10, 4):
        stop = min(10, first + 4)
        block = coster.band_costs(lo, hi, first, stop)
        for t, (a, b) in enumerate(BEAD_TYPES):
            for i in range(max(first, a), stop):
                for j in range(max(int(lo[i]), b), int(hi[i])):
                    single = coster.cost(a, b, np.array(i), np.array(j))
                    assert block[t, i - first, j - lo[i]] == single, (a, b, i, j)


def _all_paths(n: int, m: int) -> list[Path]:
    @cache
    def paths_to(i: int, j: int) -> list[Path]:
        if i == 0 and j == 0:
            return [()]
        found: list[Path] = []
        for a, b in BEAD_TYPES:
            if i - a >= 0 and j - b >= 0:
                found += [(*p, (i - a, i, j - b, j)) for p in paths_to(i - a, j - b)]
        return found

    return paths_to(n, m)


@pytest.mark.parametrize(("seed", "n", "m"), [(seed, 4, 5) for seed in range(6)] + [(6, 1, 3), (7, 2, 1), (8, 1, 1)])
def test_best_path_and_posteriors_match_enumerating_every_bead_sequence(seed: int, n: int, m: int) -> None:
    """Also documents too short for some bead types (a 3-1 bead in a one-sentence document)."""
    coster, lo, hi = _problem(seed, n, m)

    def bead_cost(bead: tuple[int, int, int, int]) -> float:
        i0, i1, j0, j1 = bead
        return float(coster.cost(i1 - i0, j1 - j0, np.array(i1), np.array(j1)))

    paths = _all_paths(n, m)
    totals = [sum(bead_cost(bead) for bead in path) for path in paths]
    path, forward = best_path(coster, lo, hi, 1.0)
    assert sum(bead_cost(bead) for bead in path) == pytest.approx(min(totals), abs=1e-9)
    weights = [math.exp(-total) for total in totals]
    expected = [sum(w for p, w in zip(paths, weights, strict=True) if bead in p) / sum(weights) for bead in path]
    assert bead_posteriors(coster, forward, path, 1.0) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert forward.score[n][m] == pytest.approx(math.log(sum(weights)), rel=1e-12)


def test_equal_costs_resolve_to_the_first_bead_type_every_time() -> None:
    """A document pair whose sentences are all alike: many paths tie, the result must not depend on
    anything but the order of BEAD_TYPES (1-1 first)."""
    lengths = np.full(6, 20.0)
    side = SideStructure.build(lengths, np.zeros(6), ["b"] * 6, [False] * 6)
    lo, hi = full_band(6, 6)
    matches = SparseMatches([np.zeros(0, dtype=np.int64)] * 6, [np.zeros(0)] * 6, np.zeros(6), np.zeros(6))
    coster = BeadCoster(side, side, matches, lo, hi, 1.0, CostParams())
    path, _ = best_path(coster, lo, hi, 1.0)
    assert path == [(k, k + 1, k, k + 1) for k in range(6)]
