"""Weight sensitivity: how far the weights are from changing who is ahead.

The model is the weighted sum the points table is: unit ``u`` earns

    T_u = sum_c m_c f_uc + bonus_u - penalty_u

with ``m_c`` the criterion's (effective) maximum points -- its weight -- and
``f_uc`` the fraction its scale gives (before rounding to the resolution). For
two units ``a`` ahead of ``b`` by ``d = T_a - T_b``, changing the points of
criterion ``c`` by ``t`` changes the gap by ``t (f_ac - f_bc)``: the gap closes
at ``t = -d / (f_ac - f_bc)``. That is exact for the weighted sum; the real
scores also round each item to the resolution and apply group caps, which the
linear model leaves out (a change this small or smaller can only tie them
within a tick of the resolution; the result says what the model assumed).

The L1 radius -- the smallest total change ``sum |t_c|`` that closes the gap --
is a linear programme whose optimum fills the most effective changes first
(raise the weights where ``b`` is better, lower those where ``a`` is better, a
weight never below 0); the greedy fill is exact.
"""

from __future__ import annotations

import math

import attrs
import numpy as np

from .._names import listing
from ..errors import DataError, RuleError
from ..ranking import Ranking
from ..scoring import Scorecard
from ..table import ScoreTable
from ..types import FloatArray

__all__ = ["StabilityRadius", "WeightRange", "stability_radius", "top_k_weight_ranges"]


def _model(scorecard: Scorecard, table: ScoreTable) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(fractions (N, C), max points (C,), bonus - penalty (N,)) of the weighted-sum model."""
    if scorecard.model != "sum":
        raise RuleError(
            "weight sensitivity is exact for the weighted sum (model='sum'); a weighted "
            "product has no linear gap to close"
        )
    if table.batch_shape:
        raise DataError("weight sensitivity takes a table without batch axes (one scenario)")
    fr = []
    for c in scorecard.criteria:
        x = table.numeric(c.column, needed_by=f"criterion {c.name!r}")
        f = c.scale.fraction(x, lower_is_better=c.lower_is_better)
        missing = np.isnan(f)
        if missing.any():
            if c.missing == "error":
                who = [table.units[i] for i in np.flatnonzero(missing).tolist()]
                raise DataError(f"criterion {c.name!r} has no value for {listing(who)}")
            f = np.where(missing, 0.0 if c.missing == "zero" else float(c.missing), f)
        fr.append(f)
    m = np.array([scorecard.max_points_of(c.name) for c in scorecard.criteria])
    scores = scorecard.score(table)
    adj = np.asarray(scores["bonus"], dtype=np.float64) - np.asarray(
        scores["penalty"], dtype=np.float64
    )
    return np.stack(fr, axis=1), m, adj


@attrs.frozen
class StabilityRadius:
    """How much the weights must change for ``second`` to catch ``first``.

    Attributes
    ----------
    first, second
        The units, ``first`` ahead.
    gap
        ``T_first - T_second`` in the weighted-sum model, in points.
    per_weight
        By criterion: the change of its points alone (signed: + raise, - lower)
        at which the two tie; ``inf`` when that criterion alone cannot close
        the gap (the two earn the same fraction on it, or lowering it to 0 is
        not enough).
    l1
        The smallest total change of the criteria's points (sum of absolute
        changes) at which they tie, and ``l1_changes`` the changes that reach it;
        ``inf`` (and no changes) when no weights >= 0 tie them, ``residual``
        then being the gap left with every weight that helps ``first`` at 0.
    points
        The declared (effective) points of each criterion, for relative changes.
    """

    first: str
    second: str
    gap: float
    per_weight: dict[str, float]
    l1: float
    l1_changes: dict[str, float]
    points: dict[str, float]
    residual: float = 0.0

    @property
    def smallest(self) -> tuple[str, float]:
        """The criterion whose points, changed alone, tie the two soonest, and the change."""
        name = min(self.per_weight, key=lambda k: (abs(self.per_weight[k]), k))
        return name, self.per_weight[name]

    def __str__(self) -> str:
        lines = [
            f"{self.first} is ahead of {self.second} by {self.gap:.4g} points (weighted-sum "
            "model: each criterion's points times its fraction, before rounding and caps).",
            "Changing one criterion's points alone, the two tie at:",
        ]
        for k, v in sorted(self.per_weight.items(), key=lambda kv: (abs(kv[1]), kv[0])):
            p = self.points[k]
            if math.isinf(v):
                lines.append(f"  {k}: no change of this criterion alone ties them")
            else:
                lines.append(f"  {k}: {v:+.4g} points ({v / p:+.1%} of its {p:g})")
        if math.isinf(self.l1):
            lines.append(
                f"No change of the weights ties them: lowering to 0 every criterion on which "
                f"{self.first} earns more still leaves it {self.residual:.4g} points ahead "
                "(what the criteria cannot change: bonus, deductions, and the criteria where "
                f"{self.second} is not better)."
            )
        else:
            changes = ", ".join(f"{k} {v:+.4g}" for k, v in self.l1_changes.items())
            lines.append(f"Smallest total change (L1): {self.l1:.4g} points ({changes}).")
        return "\n".join(lines)


def stability_radius(
    scorecard: Scorecard,
    table: ScoreTable,
    ranking: Ranking | None = None,
    *,
    first: str | None = None,
    second: str | None = None,
) -> StabilityRadius:
    """The stability radius of the order of two units under changes of the weights.

    Without ``first``/``second`` the pair is the first two of ``ranking``'s
    standing (the leader and the runner-up).

    Examples
    --------
    >>> import emulation_rules as er
    >>> card = er.Scorecard([er.Criterion("a", 60, scale=er.Linear(0, 1)),
    ...                      er.Criterion("b", 40, scale=er.Linear(0, 1))], resolution=0.01)
    >>> t = er.ScoreTable({"unit": ["X", "Y"], "a": [0.9, 0.5], "b": [0.25, 0.8]})
    >>> r = stability_radius(card, t, er.Ranking(er.desc("total")))
    >>> r.first, r.second, round(r.gap, 6), r.per_weight
    ('X', 'Y', 2.0, {'a': -5.0, 'b': 3.6363636363636362})
    >>> print(r)
    X is ahead of Y by 2 points (weighted-sum model: each criterion's points times its fraction, before rounding and caps).
    Changing one criterion's points alone, the two tie at:
      b: +3.636 points (+9.1% of its 40)
      a: -5 points (-8.3% of its 60)
    Smallest total change (L1): 3.636 points (b +3.636).
    """
    if first is None or second is None:
        if ranking is None:
            raise RuleError("stability_radius: give a ranking, or both first= and second=")
        order = ranking.rank(scorecard.score(table)).order
        if len(order) < 2:
            raise DataError("stability_radius needs at least two units")
        first = order[0] if first is None else first
        second = (order[1] if order[1] != first else order[0]) if second is None else second
    ia, ib = table.index(first), table.index(second)
    if ia == ib:
        raise DataError(f"stability_radius: first and second are the same unit ({first!r})")
    f, m, adj = _model(scorecard, table)
    totals = f @ m + adj
    d = float(totals[ia] - totals[ib])
    if d < 0:
        raise DataError(
            f"in the weighted-sum model {second!r} is ahead of {first!r} (by {-d:.4g} points): "
            "the standing put them in this order by rounding, a cap or a tie-breaker; give "
            "first= and second= in the model's order"
        )
    delta = f[ia] - f[ib]
    names = [c.name for c in scorecard.criteria]
    per: dict[str, float] = {}
    for c, name in enumerate(names):
        dc = float(delta[c])
        t = -d / dc if dc != 0 else math.inf
        # Lowering a weight below 0 is not a weight any more.
        per[name] = t if (dc != 0 and m[c] + t >= 0) else math.inf
    # L1: the most effective changes first (effect per point = |delta_c|).
    need = d
    changes: dict[str, float] = {}
    for c in sorted(range(len(names)), key=lambda c: (-abs(float(delta[c])), names[c])):
        if need <= 0:
            break
        eff = abs(float(delta[c]))
        if eff == 0:
            break
        cap = math.inf if delta[c] < 0 else float(m[c])
        amount = min(need / eff, cap)
        changes[names[c]] = amount if delta[c] < 0 else -amount
        need -= amount * eff
    residual = 0.0
    if need > 1e-12 * max(1.0, d):
        l1, changes, residual = math.inf, {}, need
    else:
        l1 = sum(abs(v) for v in changes.values())
    return StabilityRadius(
        first, second, d, per, l1, changes, dict(zip(names, m.tolist(), strict=True)), residual
    )


@attrs.frozen
class WeightRange:
    """The points of one criterion (others fixed) within which the top-k set holds."""

    criterion: str
    points: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.criterion}: {self.low:.4g} to {self.high:.4g} (declared {self.points:g})"


def top_k_weight_ranges(
    scorecard: Scorecard, table: ScoreTable, ranking: Ranking, k: int
) -> dict[str, WeightRange]:
    """For each criterion, the range of its points in which the top ``k`` set is unchanged.

    The set is the first ``k`` of the standing; in the weighted-sum model every
    unit of it must stay strictly ahead of every unit outside it. ``high`` may
    be ``inf``; ``low`` is at least 0.

    Examples
    --------
    >>> import emulation_rules as er
    >>> card = er.Scorecard([er.Criterion("a", 60, scale=er.Linear(0, 1)),
    ...                      er.Criterion("b", 40, scale=er.Linear(0, 1))], resolution=0.01)
    >>> t = er.ScoreTable({"unit": ["X", "Y", "Z"], "a": [0.9, 0.5, 0.1], "b": [0.25, 0.8, 0.1]})
    >>> for r in top_k_weight_ranges(card, t, er.Ranking(er.desc("total")), 1).values():
    ...     print(r)
    a: 55 to inf (declared 60)
    b: 0 to 43.64 (declared 40)
    """
    n = table.n_units
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k < n:
        raise DataError(
            f"top_k_weight_ranges: k must be a whole number from 1 to {n - 1} (got {k!r})"
        )
    standing = ranking.rank(scorecard.score(table))
    if standing.tied[k - 1]:
        raise DataError(
            f"the top {k} is not a set: units are tied at the cut-off ({listing(standing.order[k - 1 : k + 1])})"
        )
    f, m, adj = _model(scorecard, table)
    totals = f @ m + adj
    inside = standing.order_index[:k]
    outside = standing.order_index[k:]
    d = totals[inside][:, None] - totals[outside][None, :]  # (k, N - k)
    out: dict[str, WeightRange] = {}
    for c, crit in enumerate(scorecard.criteria):
        delta = f[inside, c][:, None] - f[outside, c][None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = -d / delta
        hi = float(np.min(t[delta < 0], initial=math.inf))
        lo = float(np.max(t[delta > 0], initial=-math.inf))
        out[crit.name] = WeightRange(
            crit.name, float(m[c]), max(0.0, float(m[c]) + lo), float(m[c]) + hi
        )
    return out
