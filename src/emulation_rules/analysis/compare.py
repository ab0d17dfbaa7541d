"""Comparing rankings: correlation, similarity, overlap of the top, and rank reversal.

Every measure takes two rankings of the same units, each given as

* a :class:`~emulation_rules.Standing` (ranks in its ranking's style, matched by
  unit id, so the two may list the units in different orders), or
* an array of ranks (1 = best), aligned by position.

Either may hold many scenarios -- a batched standing, or ranks shaped
``(scenarios, N)`` -- and the measure is then taken scenario by scenario (a single
ranking is compared with every scenario), giving an array.

Formulas (``x``, ``y`` the two rank vectors of ``N`` units):

* Kendall's tau-b: ``(P - Q) / sqrt((P + Q + Tx) (P + Q + Ty))`` with ``P``
  concordant and ``Q`` discordant pairs, ``Tx`` (``Ty``) pairs tied only in
  ``x`` (``y``) -- the usual correction for ties.
* Spearman's rho: Pearson's correlation of the average ranks (ties share the
  mean of the places they span).
* Weighted Spearman ``r_W`` (Pinto da Costa & Soares, 2005): ``1 - 6 sum (x_i -
  y_i)^2 ((N - x_i + 1) + (N - y_i + 1)) / (N^4 + N^3 - N^2 - N)``; a
  disagreement near the top costs more than one near the bottom.
* WS similarity (Sałabun & Urbaniak, ICCS 2020): ``1 - sum 2^-x_i |x_i - y_i| /
  max(|x_i - 1|, |x_i - N|)``, asymmetric: ``x`` is the reference ranking.
* Top-k overlap: ``|{x <= k} & {y <= k}| / k``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from .._names import listing
from ..errors import DataError
from ..ranking import Ranking, Standing
from ..scoring import Scorecard
from ..table import ScoreTable
from ..types import FloatArray, IntArray

__all__ = [
    "RankReversal",
    "kendall_tau_b",
    "rank_reversal",
    "spearman",
    "top_k_overlap",
    "weighted_spearman",
    "ws_similarity",
]

Ranks = Standing | Sequence[int] | IntArray


def _pair(a: Ranks, b: Ranks, where: str) -> tuple[FloatArray, FloatArray, bool]:
    """Both rankings as ``(S, N)`` float ranks (S = 1 for a single ranking; one side may be
    single and the other batched: it is compared with every scenario), and whether any side
    was batched."""
    if (
        isinstance(a, Standing)
        and isinstance(b, Standing)
        and (set(a.units) != set(b.units) or len(a.units) != len(b.units))
    ):
        only = sorted(set(a.units) ^ set(b.units))
        raise DataError(
            f"{where}: the standings rank different units ({listing(only)} in only one); "
            "compare standings of the same units"
        )
    ra, batched_a = _ranks(a, where)
    rb, batched_b = _ranks(b, where)
    if isinstance(a, Standing) and isinstance(b, Standing):
        pos = {u: i for i, u in enumerate(b.units)}
        rb = rb[:, [pos[u] for u in a.units]]
    if ra.shape[1] != rb.shape[1]:
        raise DataError(
            f"{where}: the rankings have {ra.shape[1]} and {rb.shape[1]} units; give the same units"
        )
    if ra.shape[0] != rb.shape[0] and 1 not in (ra.shape[0], rb.shape[0]):
        raise DataError(
            f"{where}: {ra.shape[0]} and {rb.shape[0]} scenarios; give as many, or one ranking "
            "to compare with every scenario"
        )
    s = max(ra.shape[0], rb.shape[0])
    return (
        np.broadcast_to(ra, (s, ra.shape[1])),
        np.broadcast_to(rb, (s, rb.shape[1])),
        batched_a or batched_b,
    )


def _ranks(a: Ranks, where: str) -> tuple[FloatArray, bool]:
    if isinstance(a, Standing):
        r = np.asarray(a.ranks(), dtype=np.float64)
        return r.reshape(-1, r.shape[-1]), bool(a.batch_shape)
    r = np.asarray(a, dtype=np.float64)
    if r.ndim not in (1, 2) or r.shape[-1] < 2:
        raise DataError(
            f"{where}: give ranks shaped (N,) or (scenarios, N), with N >= 2 (got {r.shape})"
        )
    n = r.shape[-1]
    if not (np.isfinite(r).all() and (r >= 1).all() and (r <= n).all()):
        raise DataError(f"{where}: ranks are whole numbers from 1 to N = {n}")
    return r.reshape(-1, n), r.ndim == 2


def _out(values: FloatArray, batched: bool) -> float | FloatArray:
    return np.asarray(values, dtype=np.float64) if batched else float(values[0])


def kendall_tau_b(a: Ranks, b: Ranks) -> float | FloatArray:
    """Kendall's tau-b between two rankings (ties corrected).

    Examples
    --------
    >>> kendall_tau_b([1, 2, 3, 4], [1, 2, 3, 4]), kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1])
    (1.0, -1.0)
    >>> round(kendall_tau_b([1, 2, 2, 4], [1, 3, 2, 4]), 4)
    0.9129
    """
    x, y, batched = _pair(a, b, "kendall_tau_b")
    return _out(np.array([_tau_b(xi, yi) for xi, yi in zip(x, y, strict=True)]), batched)


def _tau_b(x: FloatArray, y: FloatArray) -> float:
    n = x.size
    p = q = tx = ty = 0
    # Blocks of rows keep the pairwise differences in memory for large N.
    step = max(1, (1 << 22) // n)
    for s in range(0, n, step):
        dx = np.sign(x[s : s + step, None] - x[None, :])
        dy = np.sign(y[s : s + step, None] - y[None, :])
        prod = dx * dy
        p += int((prod > 0).sum())
        q += int((prod < 0).sum())
        tx += int(((dx == 0) & (dy != 0)).sum())
        ty += int(((dy == 0) & (dx != 0)).sum())
    # Every unordered pair was counted twice.
    den = np.sqrt(float(p + q + tx) * float(p + q + ty))
    if den == 0:
        raise DataError("kendall_tau_b: one ranking ties every unit; the correlation is undefined")
    return float((p - q) / den)


def _average(r: FloatArray) -> FloatArray:
    order = np.argsort(r, kind="stable")
    s = r[order]
    new = np.r_[True, s[1:] != s[:-1]]
    block = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    last = np.r_[first[1:], s.size] - 1
    avg = (first + last) / 2 + 1
    out = np.empty(r.size)
    out[order] = avg[block]
    return out


def spearman(a: Ranks, b: Ranks) -> float | FloatArray:
    """Spearman's rho (Pearson's correlation of the average ranks).

    Examples
    --------
    >>> spearman([1, 2, 3, 4], [2, 1, 3, 4])
    0.8

    Against many scenarios at once (a batched standing, or ranks shaped (S, N)):

    >>> spearman([1, 2, 3, 4], [[1, 2, 3, 4], [2, 1, 3, 4], [4, 3, 2, 1]])
    array([ 1. ,  0.8, -1. ])
    """
    x, y, batched = _pair(a, b, "spearman")
    x = np.array([_average(r) for r in x])
    y = np.array([_average(r) for r in y])
    x = x - x.mean(axis=1, keepdims=True)
    y = y - y.mean(axis=1, keepdims=True)
    den = np.sqrt((x * x).sum(axis=1) * (y * y).sum(axis=1))
    if (den == 0).any():
        raise DataError("spearman: one ranking ties every unit; the correlation is undefined")
    return _out((x * y).sum(axis=1) / den, batched)


def weighted_spearman(a: Ranks, b: Ranks) -> float | FloatArray:
    """The weighted Spearman coefficient ``r_W``: swaps near the top cost more.

    Examples
    --------
    >>> weighted_spearman([1, 2, 3, 4], [2, 1, 3, 4]), weighted_spearman([1, 2, 3, 4], [1, 2, 4, 3])
    (0.72, 0.88)
    """
    x, y, batched = _pair(a, b, "weighted_spearman")
    n = float(x.shape[1])
    num = 6.0 * ((x - y) ** 2 * ((n - x + 1) + (n - y + 1))).sum(axis=1)
    return _out(1.0 - num / (n**4 + n**3 - n**2 - n), batched)


def ws_similarity(reference: Ranks, other: Ranks) -> float | FloatArray:
    """The WS rank similarity coefficient of ``other`` to ``reference`` (1 = identical).

    Examples
    --------
    >>> ws_similarity([1, 2, 3, 4], [1, 2, 3, 4])
    1.0
    >>> ws_similarity([1, 2, 3, 4], [2, 1, 3, 4]), ws_similarity([1, 2, 3, 4], [1, 2, 4, 3])
    (0.7083333333333334, 0.9166666666666666)
    """
    x, y, batched = _pair(reference, other, "ws_similarity")
    n = float(x.shape[1])
    terms = 2.0**-x * np.abs(x - y) / np.maximum(np.abs(x - 1), np.abs(x - n))
    return _out(1.0 - terms.sum(axis=1), batched)


def top_k_overlap(a: Ranks, b: Ranks, k: int) -> float | FloatArray:
    """The share of the top ``k`` of ``a`` that is also in the top ``k`` of ``b``.

    Units tied at the cut-off (rank <= k) all count, so with ties the sets may
    hold more than ``k`` units; the share is still taken of ``k``, capped at 1.

    Examples
    --------
    >>> top_k_overlap([1, 2, 3, 4], [3, 1, 2, 4], 2)
    0.5
    """
    x, y, batched = _pair(a, b, "top_k_overlap")
    n = x.shape[1]
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= n:
        raise DataError(f"top_k_overlap: k must be a whole number from 1 to {n} (got {k!r})")
    return _out(np.minimum(1.0, ((x <= k) & (y <= k)).sum(axis=1) / k), batched)


@attrs.frozen
class RankReversal:
    """Who moves when an alternative is removed or cloned.

    ``before`` and ``after`` are the standings; ``flipped`` lists the pairs of
    other units whose relative order changed (better first, as before);
    ``moved`` maps each other unit whose rank among the others changed to
    ``(rank before, rank after)``, ranks counted among the other units only.
    """

    change: str
    before: Standing
    after: Standing
    flipped: tuple[tuple[str, str], ...]
    moved: dict[str, tuple[int, int]]

    @property
    def reversed(self) -> bool:
        """Whether the order of any two other units changed."""
        return bool(self.flipped)

    def __str__(self) -> str:
        if not self.flipped:
            return f"{self.change}: the order of the other units is unchanged"
        pairs = "; ".join(f"{a} was ahead of {b}, now behind" for a, b in self.flipped)
        return f"{self.change}: rank reversal -- {pairs}"


def _relative_ranks(st: Standing, keep: Sequence[str]) -> dict[str, int]:
    order = [u for u in st.order if u in set(keep)]
    return {u: i + 1 for i, u in enumerate(order)}


def rank_reversal(
    scorecard: Scorecard,
    table: ScoreTable,
    ranking: Ranking,
    *,
    remove: str | None = None,
    clone: str | None = None,
) -> RankReversal:
    """Score and rank again without ``remove`` (or with a copy of ``clone``) and compare.

    Absolute scales never reverse ranks; relative scales (min-max, sum, vector,
    z-score, by rank) may, since each unit's points depend on the others.

    Examples
    --------
    >>> import emulation_rules as er
    >>> card = er.Scorecard([er.Criterion("a", 50, scale=er.MinMax()),
    ...                      er.Criterion("b", 50, scale=er.MinMax())], resolution=0.01)
    >>> t = er.ScoreTable({"unit": ["W", "X", "Y", "Z"], "a": [6, 7, 5, 10], "b": [10, 2, 6, 6]})
    >>> r = rank_reversal(card, t, er.Ranking(er.desc("total")), remove="Z")
    >>> r.before.order, r.after.order
    (('Z', 'W', 'Y', 'X'), ('W', 'X', 'Y'))
    >>> print(r)
    without Z: rank reversal -- Y was ahead of X, now behind
    """
    if (remove is None) == (clone is None):
        raise DataError("rank_reversal: give remove=unit or clone=unit (one of them)")
    before = ranking.rank(scorecard.score(table))
    unit = remove if remove is not None else clone
    assert unit is not None
    i = table.index(unit)
    units = list(table.units)
    cols: dict[str, Any] = {}
    if remove is not None:
        keep = [j for j in range(len(units)) if j != i]
        new_units = [units[j] for j in keep]
        for c in table.columns:
            cols[c] = np.asarray(table[c])[..., keep]
        change = f"without {unit}"
    else:
        twin = f"{unit} (clone)"
        if twin in units:
            raise DataError(f"rank_reversal: a unit called {twin!r} already exists")
        new_units = [*units, twin]
        for c in table.columns:
            a = np.asarray(table[c])
            cols[c] = np.concatenate([a, a[..., i : i + 1]], axis=-1)
        change = f"with a copy of {unit}"
    if table.pairwise_metrics:
        raise DataError("rank_reversal: tables with pairwise results are not supported")
    after = ranking.rank(scorecard.score(ScoreTable(cols, units=new_units)))
    others = [u for u in units if u != unit]
    rb, ra = _relative_ranks(before, others), _relative_ranks(after, others)
    pos_a = {u: k for k, u in enumerate(u for u in after.order if u in rb)}
    ob = [u for u in before.order if u in rb]
    flipped = [
        (ob[i], ob[j])
        for i in range(len(ob))
        for j in range(i + 1, len(ob))
        if pos_a[ob[i]] > pos_a[ob[j]]
    ]
    moved = {u: (rb[u], ra[u]) for u in ob if rb[u] != ra[u]}
    return RankReversal(change, before, after, tuple(flipped), moved)
