"""Objective weights: criteria weighted by how much the data tell them apart.

Each method takes a decision matrix ``x`` of shape ``(N, C)`` -- N units, C
criteria, every column already oriented so that higher is better (the
fractions a scorecard's scales give are) -- and returns C weights summing to 1.

* **Entropy** (Shannon; Zeleny 1982, Hwang & Yoon 1981): ``p_ij = x_ij / sum_i
  x_ij``, ``E_j = -(1 / ln N) sum_i p_ij ln p_ij`` (with ``0 ln 0 = 0``),
  ``w_j = (1 - E_j) / sum_k (1 - E_k)``. A criterion on which every unit scores
  the same has entropy 1 and weight 0. Values must be >= 0.
* **Standard deviation**: ``w_j = s_j / sum_k s_k`` with ``s_j`` the population
  standard deviation of column j.
* **CRITIC** (Diakoulaki, Mavrotas & Papayannakis, Computers & Operations
  Research 22(7), 1995): ``C_j = s_j sum_k (1 - r_jk)`` with ``r`` the Pearson
  correlation of the columns, ``w_j = C_j / sum_k C_k``. A criterion that
  repeats another (correlation 1) adds no information and loses weight.

:func:`objective_weights` applies one of them to the fractions a scorecard's
criteria earn on a table; :func:`with_weights` puts weights back into a
scorecard as its criteria's points.

Cross-checked in the tests against the published values of the ``mcdm``
package (Akestoridis, ``mcdm/tests/test_weigh.py``: methods EM, SD and CRITIC).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs
import numpy as np

from .._names import listing
from .._names import unknown as unknown_error
from ..errors import DataError, RuleError
from ..scoring import Scorecard
from ..table import ScoreTable
from ..types import FloatArray
from .montecarlo import _rebuild

__all__ = [
    "critic_weights",
    "entropy_weights",
    "objective_weights",
    "std_weights",
    "with_weights",
]

Method = Literal["entropy", "critic", "std"]


def _matrix(x: object, where: str) -> FloatArray:
    try:
        m = np.array(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"{where} takes an (N units, C criteria) array of numbers") from None
    if m.ndim != 2 or m.shape[0] < 2 or m.shape[1] < 1:
        raise DataError(
            f"{where} takes an (N units, C criteria) array with at least 2 units (got shape "
            f"{m.shape})"
        )
    if not np.isfinite(m).all():
        raise DataError(f"{where}: the matrix holds NaN or infinity; give finite values")
    return m


def _normalised(v: FloatArray, where: str, why: str = "every column is constant") -> FloatArray:
    total = v.sum()
    if not total > 0:
        raise DataError(
            f"{where}: no criterion carries information of its own ({why}), so no criterion "
            "can be weighted by the data"
        )
    out: FloatArray = v / total
    return out


def entropy_weights(x: object) -> FloatArray:
    """Entropy weights of the columns of ``x`` (values >= 0).

    Examples
    --------
    >>> entropy_weights([[1.0, 5.0], [1.0, 1.0], [1.0, 3.0]]).round(3)
    array([0., 1.])
    """
    m = _matrix(x, "entropy_weights")
    if (m < 0).any():
        raise DataError("entropy_weights needs values >= 0 (shares of each column's total)")
    totals = m.sum(axis=0)
    if (totals == 0).any():
        cols = np.flatnonzero(totals == 0).tolist()
        raise DataError(f"entropy_weights: column(s) {listing(cols)} sum to 0; give values > 0")
    p = m / totals
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(m.shape[0])
    # A constant column has entropy 1 exactly; its float value may miss by an ulp.
    d = np.where((m == m[0]).all(axis=0), 0.0, np.clip(1.0 - e, 0.0, None))
    return _normalised(d, "entropy_weights")


def std_weights(x: object) -> FloatArray:
    """Standard-deviation weights of the columns of ``x``.

    Examples
    --------
    >>> std_weights([[0.0, 0.0], [1.0, 0.5]])
    array([0.66666667, 0.33333333])
    """
    m = _matrix(x, "std_weights")
    return _normalised(m.std(axis=0), "std_weights")


def critic_weights(x: object) -> FloatArray:
    """CRITIC weights of the columns of ``x`` (no column may be constant).

    Examples
    --------
    >>> critic_weights([[0.0, 0.0, 1.0], [0.5, 0.5, 0.5], [1.0, 1.0, 0.0]]).round(3)
    array([0.25, 0.25, 0.5 ])
    """
    m = _matrix(x, "critic_weights")
    s = m.std(axis=0)
    flat = np.flatnonzero(s == 0).tolist()
    if flat:
        raise DataError(
            f"critic_weights: column(s) {listing(flat)} are constant, so their correlation with "
            "the others is undefined; leave them out (they carry no information)"
        )
    if m.shape[1] == 1:
        return np.ones(1)
    r = np.corrcoef(m, rowvar=False)
    # Columns that are exact multiples of each other have correlation 1, which the float
    # computation may miss by an ulp: their 1 - r would be float noise, not information.
    r = np.where(np.abs(1.0 - r) < 1e-12, 1.0, r)
    return _normalised(
        s * (1.0 - r).sum(axis=0),
        "critic_weights",
        "every column repeats the others: their correlation is 1",
    )


_METHODS = {"entropy": entropy_weights, "critic": critic_weights, "std": std_weights}


def objective_weights(
    scorecard: Scorecard, table: ScoreTable, method: Method = "entropy"
) -> dict[str, float]:
    """Weights for a scorecard's criteria from the fractions they earn on ``table``.

    The decision matrix is each criterion's fraction (its scale applied to its
    column, in its own direction), so every column is oriented higher-is-better
    on [0, 1]. Units with a missing value are refused: give the table without them.

    Examples
    --------
    >>> import emulation_rules as er
    >>> card = er.Scorecard([er.Criterion("a", 50, scale=er.Linear(0, 10)),
    ...                      er.Criterion("b", 50, scale=er.Linear(0, 10))])
    >>> t = er.ScoreTable({"unit": ["X", "Y", "Z"], "a": [2, 4, 6], "b": [5, 5, 6]})
    >>> {k: round(v, 3) for k, v in objective_weights(card, t, "std").items()}
    {'a': 0.776, 'b': 0.224}
    """
    if method not in _METHODS:
        raise RuleError(f"method must be one of {', '.join(_METHODS)} (got {method!r})")
    cols = []
    for c in scorecard.criteria:
        x = table.numeric(c.column, needed_by=f"criterion {c.name!r}")
        if x.ndim != 1:
            raise DataError("objective_weights takes a table without batch axes")
        f = c.scale.fraction(x, lower_is_better=c.lower_is_better)
        if np.isnan(f).any():
            who = [table.units[i] for i in np.flatnonzero(np.isnan(f)).tolist()]
            raise DataError(
                f"objective_weights: criterion {c.name!r} has no value for {listing(who)}; "
                "weights from data need every unit's value"
            )
        cols.append(f)
    x = np.stack(cols, axis=1)
    flat = [c.name for c, f in zip(scorecard.criteria, cols, strict=True) if f.std() == 0]
    if method == "critic" and flat:
        raise DataError(
            f"objective_weights(method='critic'): every unit earns the same fraction of "
            f"criterion {listing(flat)}, so its correlation with the others is undefined; use "
            "'entropy' or 'std' (which give it weight 0), or leave it out"
        )
    w = _METHODS[method](x)
    return {c.name: float(v) for c, v in zip(scorecard.criteria, w.tolist(), strict=True)}


def with_weights(
    scorecard: Scorecard, weights: Mapping[str, float], *, total: float | None = None
) -> Scorecard:
    """The scorecard with each criterion's points set to its weight times ``total``.

    ``total`` defaults to the criteria's points together, so a 100-point table
    stays a 100-point table. Criteria not named keep their points; group caps,
    bonus, deductions and resolution are kept (a cap the new points exceed is
    the card's own rule, and still applies).

    Examples
    --------
    >>> import emulation_rules as er
    >>> card = er.Scorecard([er.Criterion("a", 50, scale=er.Linear(0, 10)),
    ...                      er.Criterion("b", 50, scale=er.Linear(0, 10))])
    >>> [c.points for c in with_weights(card, {"a": 0.75, "b": 0.25}).criteria]
    [75.0, 25.0]
    """
    names = {c.name for c in scorecard.criteria}
    unknown = [k for k in weights if k not in names]
    if unknown:
        raise unknown_error("criterion", unknown[0], sorted(names), "in the scorecard")
    zero = [k for k, v in weights.items() if not float(v) > 0]
    if zero:
        raise RuleError(
            f"with_weights: criterion {listing(zero)} would get weight {weights[zero[0]]!r}; a "
            "criterion needs points > 0: leave it out of the scorecard instead"
        )
    t = sum(c.points for c in scorecard.criteria) if total is None else float(total)
    new = {
        c.name: attrs.evolve(c, points=float(weights[c.name]) * t)
        for c in scorecard.criteria
        if c.name in weights
    }
    return attrs.evolve(scorecard, items=_rebuild(scorecard.items, new))
