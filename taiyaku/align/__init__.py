"""Stage 4, align: monotonic sentence alignment of a Japanese and an English document.

``align`` pairs consecutive Japanese segments with consecutive English segments (beads 1-1, 1-2, 2-1,
2-2, 1-3, 3-1, 1-0, 0-1).  The pieces, one job each:

* :mod:`.features`: per-sentence lengths and lexical items (lexicon, numbers, Latin tokens, readings);
* :mod:`.evidence`: pairwise lexical evidence inside a band;
* :mod:`.band`: which part of the lattice to search (all of it for ordinary documents; a corridor around
  anchor pairs for book-length ones);
* :mod:`.search`: the bead cost and the dynamic programme (best path, posteriors);
* :mod:`.confidence`: posteriors → calibrated probability that a bead is right;
* :mod:`.aligner`: :func:`align`, the pieces in order;
* :mod:`.constrained`: :func:`align_with_corrections`, reviewer corrections as hard anchors;
* :mod:`.parallelism`: :func:`check_parallel`, whether the pair is a translation at all (document level),
  and the stretches one document does not translate.
"""

from taiyaku.align.aligner import align, check_beads
from taiyaku.align.constrained import CorrectedAlignment, align_with_corrections
from taiyaku.align.parallelism import check_parallel
from taiyaku.align.search import CostParams

__all__ = ["CorrectedAlignment", "CostParams", "align", "align_with_corrections", "check_beads", "check_parallel"]
