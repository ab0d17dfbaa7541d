"""Analysis: how sure is a ranking, and how far from changing.

* :func:`monte_carlo` -- scenarios of uncertain scores, weights, judges and
  missing values, scored, ranked and awarded with the competition's own rules
  (locally or on a Dask cluster), giving each unit's rank distribution, its
  probability of each award and of leading the rotation.
* :func:`stability_radius`, :func:`top_k_weight_ranges` -- the smallest change of
  the weights that swaps two units (exact for the weighted sum), and the range of
  each weight that keeps the top-k set.
* :func:`kendall_tau_b`, :func:`spearman`, :func:`weighted_spearman`,
  :func:`ws_similarity`, :func:`top_k_overlap`, :func:`rank_reversal` -- comparing
  rankings, and who moves when an alternative is removed or cloned.
* :func:`entropy_weights`, :func:`critic_weights`, :func:`std_weights` -- objective
  weights from the data.
* :func:`score_dask`, :func:`top_k` -- scoring and the top k of a score set larger
  than memory, on Dask (the ``dask`` extra).
* Plots (the ``plot`` extra): :func:`~emulation_rules.analysis.plots.rank_fan`,
  :func:`~emulation_rules.analysis.plots.tornado`,
  :func:`~emulation_rules.analysis.plots.rotation_timeline`.
"""

from .compare import (
    RankReversal,
    kendall_tau_b,
    rank_reversal,
    spearman,
    top_k_overlap,
    weighted_spearman,
    ws_similarity,
)
from .montecarlo import MonteCarloResult, Noise, Sheets, monte_carlo
from .scale_out import score_dask, top_k
from .sensitivity import StabilityRadius, WeightRange, stability_radius, top_k_weight_ranges
from .weights import critic_weights, entropy_weights, objective_weights, std_weights, with_weights

__all__ = [
    "MonteCarloResult",
    "Noise",
    "RankReversal",
    "Sheets",
    "StabilityRadius",
    "WeightRange",
    "critic_weights",
    "entropy_weights",
    "kendall_tau_b",
    "monte_carlo",
    "objective_weights",
    "rank_reversal",
    "score_dask",
    "spearman",
    "stability_radius",
    "std_weights",
    "top_k",
    "top_k_overlap",
    "top_k_weight_ranges",
    "weighted_spearman",
    "with_weights",
    "ws_similarity",
]
