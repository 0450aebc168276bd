"""From a bead's posterior probability to a calibrated probability that the bead is right.

The posterior of the search is a probability under the model, whose weights are not probabilities; and
most real errors come from sentence splitting that differs from the translator's (a run-in heading, a
list flattened into one line), which the posterior cannot see.  A logistic model over the posterior's
logit and two such risk signals maps a bead to P(correct).  Its coefficients were fitted once on the
pooled kyoto-wiki and ntrex-news evaluation sets (2,463 beads; see benchmarks/README.md) and are general
parameters, not per-document rules.
"""

from __future__ import annotations

import math

# P(correct) = sigmoid(W_LOGIT * logit(posterior) + W_MERGE * [not 1-1] + W_RUN_IN * [run-in risk] + BIAS)
W_LOGIT = 0.146
W_MERGE = -3.583
W_RUN_IN = -1.261
BIAS = 4.565
# 1-0 and 0-1 beads are too rare in the evaluation sets to fit; they get half their posterior.
NULL_FACTOR = 0.5


def calibrated_score(posterior: float, n_ja: int, n_en: int, run_in_risk: bool) -> float:
    """P(bead correct) from its posterior, its shape, and whether one of its sentences lacks final
    punctuation inside a paragraph (``run_in_risk``: likely a run-in heading or a flattened list)."""
    if n_ja == 0 or n_en == 0:
        return NULL_FACTOR * posterior
    p = min(max(posterior, 1e-4), 1 - 1e-4)
    z = W_LOGIT * math.log(p / (1 - p)) + BIAS
    z += W_MERGE * (n_ja != 1 or n_en != 1) + W_RUN_IN * run_in_risk
    return 1.0 / (1.0 + math.exp(-z))
