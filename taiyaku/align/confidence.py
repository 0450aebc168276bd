"""From a bead's posterior probability to a calibrated probability that the bead is right.

The posterior of the search is already a probability, but of the model, whose weights are not
probabilities; a logistic map (fitted on real translations, see benchmarks/README.md) corrects it.
"""

from __future__ import annotations

import math

# Platt scaling of logit(posterior), per bead family (fitted with benchmarks/calibrate.py).
_PLATT: dict[str, tuple[float, float]] = {"match": (1.0, 0.0), "null": (1.0, 0.0)}
# Beads below this calibrated score are flagged "needs-review" (chosen on the evaluation sets).
REVIEW_THRESHOLD = 0.5


def calibrated_score(posterior: float, n_ja: int, n_en: int) -> float:
    family = "null" if n_ja == 0 or n_en == 0 else "match"
    slope, intercept = _PLATT[family]
    p = min(max(posterior, 1e-6), 1 - 1e-6)
    logit = math.log(p / (1 - p))
    return 1.0 / (1.0 + math.exp(-(slope * logit + intercept)))
