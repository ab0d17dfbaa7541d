"""Scoring and the top k of a score set larger than memory, on Dask (the ``dask`` extra).

:func:`score_dask` scores a Dask DataFrame partition by partition with the very
kernels :meth:`Scorecard.score <emulation_rules.Scorecard.score>` uses. Absolute
scales need nothing but the unit's own row. Relative scales need statistics of
the whole population; they are gathered first, in rounds: each round is one pass
over the partitions in which every relative criterion gathers its next statistic
(MinMax: min, max; Sum: the sum; Vector: the sum of squares, the max; ZScore:
count, min, max, the sum, the sum of squared deviations from the mean -- so at
most five rounds, however many criteria), then the partitions are scored. Minima and
maxima are exact as they are; sums are exact and correctly rounded in any order
(:mod:`emulation_rules._sums`), and the local path takes the very same sums, so
the points are **identical** to scoring the whole table in memory, for any
partitioning. ``ByRank`` needs a global order of the population and is refused.

:func:`top_k` takes each partition's best ``k`` units together with every unit
tied with its ``k``-th (so a tie across a partition border is never cut), and
ranks those candidates again: the result is the one :meth:`Ranking.top` gives on
the whole table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import expect, require
from .._sums import merge_partials, sum_partials
from ..errors import DataError, RuleError, RuleTypeError
from ..ranking import HeadToHead, Lot, Ranking
from ..scales import _POPULATION, ByRank, _UnitValuesError
from ..scoring import Scorecard
from ..table import ScoreTable
from ..types import BoolArray, FloatArray

__all__ = ["score_dask", "top_k"]


class _Need(Exception):
    """A reduction the population has not answered yet: its kind and this piece's partial."""

    def __init__(self, kind: str, partial: Any) -> None:
        super().__init__(kind)
        self.kind, self.partial = kind, partial


class _Replay:
    """Answers the scales' reductions from values gathered over all partitions, in order."""

    def __init__(self, resolved: Sequence[FloatArray]) -> None:
        self.resolved = resolved
        self.i = 0

    def reduce(self, kind: str, x: FloatArray, missing: BoolArray | None) -> FloatArray:
        if self.i < len(self.resolved):
            out = self.resolved[self.i]
            self.i += 1
            return out
        raise _Need(kind, _partial(kind, x, missing))


def _partial(kind: str, x: FloatArray, missing: BoolArray | None) -> Any:
    if kind == "min":
        return np.fmin.reduce(x, axis=-1, keepdims=True, initial=np.inf)
    if kind == "max":
        return np.fmax.reduce(x, axis=-1, keepdims=True, initial=-np.inf)
    if kind == "sum":
        return sum_partials(x)
    n = x.shape[-1]
    return n if missing is None else int(n - missing.sum())


def _merge(kind: str, partials: list[Any]) -> FloatArray:
    if kind == "min":
        return np.asarray(np.fmin.reduce(np.stack(partials), axis=0))
    if kind == "max":
        return np.asarray(np.fmax.reduce(np.stack(partials), axis=0))
    if kind == "sum":
        return np.asarray(merge_partials(np.concatenate(partials, axis=-1)))[..., None]
    return np.array([float(sum(partials))])


def _table(part: Any, unit: str) -> ScoreTable:
    return ScoreTable.from_dataframe(part, unit=unit)


def _probe(
    part: Any, card: Scorecard, resolved: dict[int, list[FloatArray]], unit: str
) -> dict[int, tuple[str, Any]]:
    """This partition's partial of the next statistic each relative criterion needs.

    Criteria are compiled one by one, as ``Scorecard.score`` compiles them, each answered
    from its own statistics gathered so far: independent criteria advance together, so a
    pass over the partitions serves all of them.
    """
    if len(part) == 0:
        return {}
    table = _table(part, unit)
    out: dict[int, tuple[str, Any]] = {}
    for i, c in enumerate(card.criteria):
        if i not in resolved:
            continue
        x = table.numeric(c.column, needed_by=f"criterion {c.name!r}")
        mask = table.missing(c.column) if table.has_missing(c.column) else None
        if mask is not None and not mask.any():
            mask = None
        token = _POPULATION.set(_Replay(resolved[i]))
        try:
            c.scale.compile(x, c.lower_is_better, mask)
        except _Need as need:
            out[i] = (need.kind, need.partial)
        except _UnitValuesError as exc:
            raise DataError(
                f"criterion {c.name!r} (column {c.column!r}): {exc.naming(table.units)}"
            ) from None
        finally:
            _POPULATION.reset(token)
    return out


def _score_part(
    part: Any,
    card: Scorecard,
    resolved: list[FloatArray],
    unit: str,
    keep: tuple[str, ...],
    meta: Any,
) -> Any:
    pd = require("pandas", "score_dask")
    if len(part) == 0:
        return meta
    table = _table(part, unit)
    token = _POPULATION.set(_Replay(resolved))
    try:
        scores = card.score(table)
    finally:
        _POPULATION.reset(token)
    # The caller's own id column (and kept columns), as they were: same values, same dtype.
    data: dict[str, Any] = {unit: part[unit]}
    for c in keep:
        data[c] = part[c]
    for f in card.fields:
        data[f] = pd.Series(scores[f], index=part.index)
    return pd.DataFrame(data, index=part.index)


def _meta(card: Scorecard, frame_meta: Any, unit: str, keep: tuple[str, ...]) -> Any:
    pd = require("pandas", "score_dask")
    data: dict[str, Any] = {unit: frame_meta[unit]}
    for c in keep:
        data[c] = frame_meta[c]
    for f in card.fields:
        data[f] = pd.Series([], dtype=np.float64)
    return pd.DataFrame(data)


def _frame(ddf: Any, where: str) -> Any:
    dd = require("dask.dataframe", where)
    if not isinstance(ddf, dd.DataFrame):
        raise RuleTypeError(f"{where} takes a dask DataFrame (got {type(ddf).__name__})")
    return dd


def score_dask(
    scorecard: Scorecard, ddf: Any, *, unit: str = "unit", keep: Sequence[str] = ()
) -> Any:
    """Score a Dask DataFrame (one row per unit) partition by partition.

    The population statistics of relative scales are computed first (at most
    five passes over the partitions, see the module docstring); the result is
    a lazy Dask DataFrame with the ``unit`` column and one float column per
    field of :class:`~emulation_rules.Scores` (points of each item and group,
    ``base``, ``bonus``, ``penalty``, ``total``), equal to the local scores for
    any partitioning. ``keep`` names columns of the frame carried along (e.g.
    the votes a ranking's tie-break reads); a kept column may not share a name
    with a field.

    Raises
    ------
    RuleError
        A criterion uses :class:`~emulation_rules.ByRank` (it needs a global
        order: score in memory, or give the criterion a scale that does not).

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import emulation_rules as er
    >>> df = pd.DataFrame({"unit": list("ABCD"), "x": [0.1, 0.2, 0.3, 0.4]})
    >>> card = er.Scorecard([er.Criterion("x", 10, scale=er.Sum())], resolution=0.01)
    >>> score_dask(card, dd.from_pandas(df, npartitions=2)).compute()["total"].tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    dd = _frame(ddf, "score_dask")
    expect(scorecard, Scorecard, "scorecard", "score_dask")
    keep = tuple(keep)
    for c in (unit, *keep):
        if c not in ddf.columns:
            raise DataError(
                f"score_dask: the DataFrame has no column {c!r} (columns: {list(ddf.columns)})"
            )
    clash = [c for c in keep if c in scorecard.fields or c == unit]
    if clash:
        raise DataError(
            f"score_dask: kept column {clash[0]!r} has the name of a field of the scores (or of "
            "the unit column); rename it in the DataFrame first"
        )
    ranked = [c.name for c in scorecard.criteria if isinstance(c.scale, ByRank)]
    if ranked:
        raise RuleError(
            f"score_dask: criterion {ranked[0]!r} uses ByRank, which needs the global order of "
            "every unit and cannot be scored partition by partition; score it in memory "
            "(Scorecard.score) or give it MinMax, Sum, Vector, ZScore or an absolute scale"
        )
    dask = require("dask", "score_dask")

    relative = [i for i, c in enumerate(scorecard.criteria) if c.scale.relative]
    stats: dict[int, list[FloatArray]] = {i: [] for i in relative}
    parts = ddf.to_delayed()
    probe = dask.delayed(_probe, pure=True)
    # One pass per round of statistics: every relative criterion asks for its next one
    # (ZScore, the most demanding, takes five rounds); absolute scales need none.
    while stats:
        found = dask.compute(*[probe(p, scorecard, stats, unit) for p in parts])
        asked: dict[int, list[tuple[str, Any]]] = {}
        for f in found:
            for i, need in f.items():
                asked.setdefault(i, []).append(need)
        if not asked:
            break
        for i, needs in asked.items():
            kinds = {k for k, _ in needs}
            if len(kinds) != 1:  # pragma: no cover - every partition takes the same path
                raise DataError(f"score_dask: partitions disagree on the statistic ({kinds})")
            stats[i] = [*stats[i], _merge(needs[0][0], [p for _, p in needs])]
    # Scorecard.score compiles the criteria in this order and asks in this order.
    resolved = [v for i in relative for v in stats[i]]
    meta = _meta(scorecard, ddf._meta, unit, keep)
    return dd.map_partitions(_score_part, ddf, scorecard, resolved, unit, keep, meta, meta=meta)


def _candidates(part: Any, ranking: Ranking, k: int, unit: str) -> Any:
    if len(part) == 0:
        return part
    table = _table(part, unit)
    cut = ranking.top(table, min(k, table.n_units), ties="include")
    # The table's units are the partition's rows, in order.
    return part[np.isin(np.array(table.units, dtype=object), list(cut.selected))]


def top_k(
    ranking: Ranking,
    ddf: Any,
    k: int,
    *,
    ties: str | Lot = "chain",
    unit: str = "unit",
) -> Any:
    """The best ``k`` units of a Dask DataFrame under ``ranking``, exactly.

    Each partition proposes its best ``k`` and every unit tied with its
    ``k``-th; the candidates are ranked together with
    :meth:`Ranking.top <emulation_rules.Ranking.top>` (``ties`` as there). The
    returned :class:`~emulation_rules.Cut` lists the candidates as its units.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import emulation_rules as er
    >>> df = pd.DataFrame({"unit": list("ABCDEF"), "x": [5, 9, 7, 9, 1, 7]})
    >>> ranking = er.Ranking(er.desc("x"))
    >>> top_k(ranking, dd.from_pandas(df, npartitions=3), 3, ties="include").selected
    ('B', 'D', 'C', 'F')
    """
    _frame(ddf, "top_k")
    expect(ranking, Ranking, "ranking", "top_k")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise RuleError(f"top_k: k must be a whole number >= 1 (got {k!r})")
    if any(isinstance(s, HeadToHead) for s in ranking.steps):
        raise RuleError(
            "top_k: a HeadToHead step needs the pairwise results of the tied units, which a "
            "DataFrame does not carry; rank in memory with Ranking.top"
        )
    pd = require("pandas", "top_k")
    cand = ddf.map_partitions(_candidates, ranking, int(k), unit, meta=ddf._meta).compute()
    if len(cand) == 0:
        raise DataError("top_k: the DataFrame has no rows")
    table = _table(pd.DataFrame(cand).reset_index(drop=True), unit)
    return ranking.top(table, min(int(k), table.n_units), ties=ties)  # type: ignore[arg-type]
