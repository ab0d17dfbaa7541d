"""`Panel`: many judges' sheets into one score per unit and criterion.

Judges' sheets are an array shaped ``(J, N)`` or ``(J, N, C)``: J judges, N
units, C criteria, with NaN where a judge did not score a unit. A
:class:`Panel` is the rule that turns them into one value per unit and
criterion -- the mean, the median or a trimmed mean, optionally weighted by
judge, with a minimum number of scores per unit and, when the judges are the
member units themselves, without anyone's score of itself. It also measures
how far each judge strays from the panel's consensus and flags the judges
beyond a threshold.

The :class:`PanelResult` keeps what the computation produced on the way (how
many scores each unit got and how many the value rests on, which units were
short, each judge's deviation and the scores behind it) and hands the
aggregate on as a :class:`~emulation_rules.ScoreTable` whose pairwise metrics
are the sheets themselves (the points unit j gave unit i), ready for
head-to-head tie-breaks without entering the data twice.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import attrs
import numpy as np

from ._checks import iterable
from ._names import check_ids, closest, listing, nfc, unknown
from ._repr import code_repr
from .errors import DataError, DataTypeError, RuleError, RuleTypeError
from .table import Pairwise, ScoreTable
from .types import AnyArray, BoolArray, FloatArray, IntArray

__all__ = ["JudgeDeviation", "Method", "Panel", "PanelResult", "Statistic"]

#: How a unit's scores become one value.
Method: TypeAlias = Literal["mean", "median", "trimmed"]

#: How far a judge strays from the consensus: ``"mad"`` (the mean absolute
#: difference between its scores and the panel's aggregate) or ``"outside"``
#: (the share of its scores outside the range of the other judges' scores).
Statistic: TypeAlias = Literal["mad", "outside"]

_METHODS: tuple[str, ...] = ("mean", "median", "trimmed")
_STATISTICS: dict[str, str] = {
    "mad": "mean absolute deviation from the consensus",
    "outside": "share of scores outside the other judges' range",
}

# What happened to each judge's score of each unit (the status array of a result).
_USED, _MISSING, _SELF, _UNWEIGHTED, _LOW, _HIGH = range(6)
_STATUS_TEXT = {
    _USED: "used",
    _MISSING: "no score",
    _SELF: "ignored (its own unit)",
    _UNWEIGHTED: "ignored (weight 0)",
    _LOW: "dropped (among the lowest)",
    _HIGH: "dropped (among the highest)",
}


def _readonly(a: AnyArray) -> AnyArray:
    a.flags.writeable = False
    return a


# -- kernels: no validation, no loops over judges or units, never write to their inputs ----


def _aggregate_kernel(
    s: FloatArray,
    used: BoolArray,
    weights: FloatArray | None,
    method: str,
    trim: int,
    min_scores: int,
) -> tuple[FloatArray, IntArray, IntArray, AnyArray]:
    """Aggregate sheets ``s`` ``(J, N, C)`` over the judge axis.

    ``used`` marks the scores that may enter (given, not a self-score, weight
    > 0); ``weights`` is ``(J,)`` or None. Returns the values ``(N, C)`` (NaN
    where fewer than ``min_scores`` scores remain), the count of usable scores
    ``(N, C)``, the count the value rests on ``(N, C)``, and the sorted-position
    status of every usable score, ``(J, N, C)`` int8 in judge order (used, or
    dropped low / high by the trim).

    The scores of a unit are sorted (by value, then weight) before they are
    summed, so the result does not depend on the order of the judges, to the
    last bit.
    """
    n_judges = s.shape[0]
    key = np.where(used, s, np.inf)
    if weights is None:
        order = np.argsort(key, axis=0, kind="stable")
    else:
        wb = np.broadcast_to(weights[:, None, None], s.shape)
        order = np.lexsort((wb, key), axis=0)
    ranked = np.take_along_axis(key, order, axis=0)
    count = used.sum(axis=0)
    pos = np.arange(n_judges).reshape(-1, 1, 1)
    k = trim if method == "trimmed" else 0
    keep = (pos >= k) & (pos < count - k)
    n_used = np.maximum(count - 2 * k, 0)
    short = n_used < min_scores
    values = np.full(count.shape, np.nan)
    ok = ~short
    if method == "median":
        lo = np.clip((count - 1) // 2, 0, n_judges - 1)
        hi = np.clip(count // 2, 0, n_judges - 1)
        a = np.take_along_axis(ranked, lo[None], axis=0)[0]
        b = np.take_along_axis(ranked, hi[None], axis=0)[0]
        np.copyto(values, (np.where(ok, a, 0.0) + np.where(ok, b, 0.0)) / 2, where=ok)
    elif weights is None:
        total = np.where(keep, ranked, 0.0).sum(axis=0)
        np.divide(total, n_used, out=values, where=ok)
    else:
        w_ranked = np.take_along_axis(wb, order, axis=0)
        num = (np.where(keep, ranked, 0.0) * np.where(keep, w_ranked, 0.0)).sum(axis=0)
        den = np.where(keep, w_ranked, 0.0).sum(axis=0)
        np.divide(num, den, out=values, where=ok)
    ranked_status = np.where(pos < k, _LOW, np.where(pos >= count - k, _HIGH, _USED))
    status = np.empty(s.shape, dtype=np.int8)
    np.put_along_axis(status, order, ranked_status.astype(np.int8), axis=0)
    return values, count.astype(np.int64), n_used.astype(np.int64), status


def _deviation_kernel(
    s: FloatArray, given: BoolArray, consensus: FloatArray, statistic: str
) -> tuple[FloatArray, IntArray]:
    """Each judge's deviation from the consensus, per criterion: ``(J, C)`` values and counts.

    ``given`` marks the scores that count (given and not a self-score);
    ``consensus`` is the panel's aggregate ``(N, C)``, NaN where missing.
    The per-unit terms are sorted before they are summed, so the result does
    not depend on the order of the units.
    """
    n_judges = s.shape[0]
    if statistic == "mad":
        ok = given & ~np.isnan(consensus)[None]
        diff = np.abs(np.where(ok, s, 0.0) - np.where(ok, consensus[None], 0.0))
        terms = np.sort(np.where(ok, diff, np.inf), axis=1)
        n = ok.sum(axis=1)
        total = np.where(np.isfinite(terms), terms, 0.0).sum(axis=1)
    else:
        if n_judges < 2:
            shape = (n_judges, s.shape[2])
            return np.full(shape, np.nan), np.zeros(shape, dtype=np.int64)
        up = np.where(given, s, -np.inf)
        down = np.where(given, s, np.inf)
        up_sorted = np.sort(up, axis=0)
        down_sorted = np.sort(down, axis=0)
        judge = np.arange(n_judges).reshape(-1, 1, 1)
        # The others' maximum is the panel's maximum, except for the judge that holds it.
        others_max = np.where(
            judge == np.argmax(up, axis=0)[None], up_sorted[-2][None], up_sorted[-1][None]
        )
        others_min = np.where(
            judge == np.argmin(down, axis=0)[None], down_sorted[1][None], down_sorted[0][None]
        )
        ok = given & (others_max > -np.inf)
        x = np.where(ok, s, 0.0)
        out = ok & ((x < others_min) | (x > others_max))
        n = ok.sum(axis=1)
        total = out.sum(axis=1).astype(np.float64)
    stat = np.full(n.shape, np.nan)
    np.divide(total, n, out=stat, where=n > 0)
    return stat, n.astype(np.int64)


# -- rule construction -------------------------------------------------------------------


def _method(value: object) -> str:
    if not isinstance(value, str):
        raise RuleTypeError(f"Panel method must be a text such as 'median' (got {value!r})")
    if value in _METHODS:
        return str(value)
    hint = closest(str(value), _METHODS)
    did = f"; did you mean {hint!r}?" if hint else ""
    raise RuleError(
        f"Panel method must be one of {', '.join(map(repr, _METHODS))} (got {value!r}){did}"
    )


def _count(where: str, value: object, *, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise RuleTypeError(f"{where} must be a whole number (got {value!r})")
    if int(value) < low:
        raise RuleError(f"{where} must be >= {low} (got {value!r})")
    return int(value)


def _weight(where: str, value: object, hint: str = "give a judge weight 0 to ignore it") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise RuleTypeError(f"{where} must be a number (got {value!r})")
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise RuleError(f"{where} must be finite and >= 0 (got {value!r}); {hint}")
    return v


def _weights(value: object) -> tuple[float, ...] | tuple[tuple[str, float], ...] | None:
    """None, a tuple of floats (by position on the judge axis) or a tuple of (judge id, weight)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        pairs: list[tuple[str, float]] = []
        seen: set[str] = set()
        for k, v in value.items():
            if isinstance(k, bool) or not isinstance(k, str | numbers.Integral):
                raise RuleTypeError(f"Panel weights are keyed by judge id (got key {k!r})")
            key = nfc(k).strip() if isinstance(k, str) else str(int(k))
            if key in seen:
                raise RuleError(
                    f"Panel weights give judge {key!r} twice (after Unicode NFC normalisation); "
                    "give each judge one weight"
                )
            seen.add(key)
            pairs.append((key, _weight(f"Panel weight of judge {key!r}", v)))
        out_pairs = tuple(pairs)
        weights = [w for _, w in out_pairs]
    elif isinstance(value, str) or not iterable(value):
        raise RuleTypeError(
            "Panel weights must be a sequence of numbers (one per judge, in the order of the "
            f"sheets' judge axis) or a mapping of judge id to number (got {value!r})"
        )
    else:
        items = value.tolist() if isinstance(value, np.ndarray) else list(value)
        weights = [_weight(f"Panel weight {j}", v) for j, v in enumerate(items)]
        out_pairs = ()
    if not weights:
        raise RuleError("Panel weights are empty; give one weight per judge, or weights=None")
    if not any(w > 0 for w in weights):
        raise RuleError(
            f"Panel weights are all zero (got {len(weights)} zeros); give at least one judge "
            "a positive weight, or weights=None for equal weights"
        )
    return out_pairs if out_pairs else tuple(weights)


def _statistic(value: object) -> str:
    if not isinstance(value, str):
        raise RuleTypeError(f"Panel deviation must be 'mad' or 'outside' (got {value!r})")
    if value in _STATISTICS:
        return value
    hint = closest(str(value), list(_STATISTICS))
    did = f"; did you mean {hint!r}?" if hint else ""
    raise RuleError(
        f"Panel deviation must be 'mad' (mean absolute deviation from the consensus) or "
        f"'outside' (share of scores outside the other judges' range) (got {value!r}){did}"
    )


@attrs.frozen(repr=False)
class Panel:
    """The rule that turns many judges' sheets into one score per unit and criterion.

    Parameters
    ----------
    method
        ``"mean"`` (default), ``"median"`` or ``"trimmed"`` (the mean of what
        is left after dropping the ``trim`` highest and ``trim`` lowest scores
        of each unit).
    trim
        How many of the highest and of the lowest scores of each unit the
        trimmed mean drops. Required with ``method="trimmed"`` (``trim=0`` is
        the plain mean), refused with the other methods.
    weights
        Judge weights, for ``method="mean"`` only: a sequence of numbers in
        the order of the sheets' judge axis, or a mapping of judge id to
        weight (then :meth:`aggregate` needs ``judges=``). Finite, >= 0, not
        all zero; a judge with weight 0 is ignored.
    min_scores
        The fewest scores a unit's value may rest on (after self-scores,
        weight-0 judges and, for the trimmed mean, the trimmed scores are
        left out). A unit with fewer gets NaN -- a missing value, which the
        scorecard's ``missing`` policy then decides -- and is listed in
        :attr:`PanelResult.short_units`. Default 1.
    exclude_self
        The judges are member units and a unit never scores itself: a
        judge's score of its own unit is ignored. Judges are matched to units
        by id (after Unicode NFC normalisation), so :meth:`aggregate` needs
        ``judges=``.
    deviation
        How far a judge strays from the consensus (the panel's own
        aggregate): ``"mad"`` (default), the mean of ``|score - consensus|``
        over the units it scored, or ``"outside"``, the share of its scores
        that fall outside the ``[min, max]`` of the other judges' scores of
        the same unit. Self-scores never count.
    threshold
        A judge whose deviation exceeds this (strictly) is flagged, per
        criterion. For ``"outside"`` a share in ``[0, 1]``. None (default):
        deviations are measured, nobody is flagged.

    Notes
    -----
    The computation, per unit and criterion: keep the judges' scores that
    are given (not NaN), not the unit's own (with ``exclude_self``) and of
    positive weight; sort them; drop the ``trim`` lowest and highest; if
    fewer than ``min_scores`` remain the value is NaN, else it is their
    (weighted) mean or, for the median, the middle one (the mean of the two
    middle ones for an even count). Sorting before summing makes the value
    independent of the judges' order, to the last bit.

    Whether the members of a Vietnamese emulation cluster score themselves,
    and how cross-scores are combined ("thống nhất kết quả chấm điểm"), is
    set by each cluster's regulation and is not published; that is why
    self-exclusion, trimming and the minimum number of scores are explicit
    parameters here.

    References
    ----------
    .. [1] ``docs/sources.md`` (Ministry of Public Security practice: self- and
       cross-scoring are stated in no source found); votelib's evaluators
       (mean, median or trimmed statistics, minimum number of scores).

    Examples
    --------
    Four provincial police forces score each other (illustrative numbers);
    Bình Định also scored itself, which is ignored:

    >>> import numpy as np
    >>> from emulation_rules.judging import Panel
    >>> units = ["Quảng Nam", "Bình Định", "Phú Yên", "Khánh Hòa"]
    >>> sheets = np.array([
    ...     [np.nan, 8.5, 7.0, 9.0],   # Quảng Nam's sheet
    ...     [8.0,    9.9, 7.5, 8.5],   # Bình Định's sheet
    ...     [8.5,    9.0, np.nan, 9.5],
    ...     [5.0,    3.0, 3.5, np.nan],
    ... ])
    >>> panel = Panel("median", exclude_self=True, threshold=2)
    >>> panel
    Panel('median', exclude_self=True, threshold=2.0)
    >>> result = panel.aggregate(sheets, units=units, judges=units)
    >>> result.values
    array([8. , 8.5, 7. , 9. ])
    >>> result.flagged_judges
    ('Khánh Hòa',)
    >>> print(result.deviations()[3])
    judge 'Khánh Hòa', score: mean absolute deviation from the consensus 4 over 3 scores > threshold 2: flagged
    """

    method: Method = attrs.field(default="mean", converter=_method)
    trim: int | None = attrs.field(default=None, kw_only=True)
    weights: tuple[float, ...] | tuple[tuple[str, float], ...] | None = attrs.field(
        default=None, kw_only=True, converter=_weights
    )
    min_scores: int = attrs.field(default=1, kw_only=True)
    exclude_self: bool = attrs.field(default=False, kw_only=True)
    deviation: Statistic = attrs.field(default="mad", kw_only=True, converter=_statistic)
    threshold: float | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.method == "trimmed":
            if self.trim is None:
                raise RuleError(
                    "Panel(method='trimmed') needs trim=k: how many of the highest and of the "
                    "lowest scores of each unit to drop (e.g. trim=1)"
                )
            object.__setattr__(self, "trim", _count("Panel trim", self.trim, low=0))
        elif self.trim is not None:
            raise RuleError(
                f"Panel trim={self.trim!r} only applies to method='trimmed' (got "
                f"method={self.method!r}); use Panel('trimmed', trim={self.trim!r}) or drop trim"
            )
        object.__setattr__(self, "min_scores", _count("Panel min_scores", self.min_scores, low=1))
        if not isinstance(self.exclude_self, bool | np.bool_):
            raise RuleTypeError(
                f"Panel exclude_self must be True or False (got {self.exclude_self!r})"
            )
        object.__setattr__(self, "exclude_self", bool(self.exclude_self))
        if self.weights is not None and self.method != "mean":
            raise RuleError(
                f"Panel weights are only defined for method='mean' (a weighted mean); "
                f"method={self.method!r} has no agreed weighted form: use method='mean' with "
                "weights, or drop weights"
            )
        if self.threshold is not None:
            t = _weight(
                "Panel threshold",
                self.threshold,
                "give the largest deviation a judge may have without being flagged, or None",
            )
            if self.deviation == "outside" and t > 1:
                raise RuleError(
                    f"Panel threshold for deviation='outside' is a share of a judge's scores, "
                    f"in [0, 1] (got {self.threshold!r}); e.g. threshold=0.5"
                )
            object.__setattr__(self, "threshold", t)

    def __repr__(self) -> str:
        text = code_repr(self, 1)
        if self.weights and isinstance(self.weights[0], tuple):
            text = text.replace(f"weights={self.weights!r}", f"weights={dict(self.weights)!r}")
        return text

    @property
    def _keyed(self) -> bool:
        """Whether the weights are keyed by judge id (else by position, or there are none)."""
        return bool(self.weights) and isinstance(self.weights[0], tuple)  # type: ignore[index]

    # -- evaluation ---------------------------------------------------------------------

    def aggregate(
        self,
        sheets: object,
        *,
        units: Iterable[object] | None = None,
        judges: Iterable[object] | None = None,
        criteria: str | Iterable[str] | None = None,
    ) -> PanelResult:
        """Aggregate the judges' sheets into one value per unit (and criterion).

        Parameters
        ----------
        sheets
            Scores shaped ``(J, N)`` or ``(J, N, C)``: judge, unit, criterion.
            NaN (or None) where a judge did not score a unit. Never modified.
        units
            The N unit ids (texts or whole numbers), in the order of the unit
            axis. Default ``"0"``, ``"1"``, ...
        judges
            The J judge ids, in the order of the judge axis. Needed with
            ``exclude_self`` (each must be a unit id) and with weights keyed
            by judge; used in every report. Default ``"0"``, ``"1"``, ...
        criteria
            The C criterion names (the columns of :meth:`PanelResult.to_table`).
            Default ``"score"`` for ``(J, N)`` sheets and ``"score_0"``,
            ``"score_1"``, ... for ``(J, N, C)`` sheets.

        Returns
        -------
        PanelResult
            The aggregated values and the numbers behind them.

        Raises
        ------
        DataError
            Sheets that are not 2-D or 3-D, hold infinity, or do not match
            ``units`` / ``judges`` / ``criteria`` / the weights; duplicate
            ids; a ``trim`` or ``min_scores`` that no unit could meet.
        DataTypeError
            Sheets that hold text or other non-numbers.
        UnknownNameError
            With ``exclude_self``, a judge that is not a unit (the closest
            unit id is suggested); a weight keyed by an unknown judge.
        """
        s, two_d = _sheets(sheets)
        n_judges, n_units, n_crit = s.shape
        unit_ids = (
            tuple(str(i) for i in range(n_units))
            if units is None
            else _ids("unit", units, n_units, 1)
        )
        judge_ids = (
            tuple(str(j) for j in range(n_judges))
            if judges is None
            else _ids("judge", judges, n_judges, 0)
        )
        crit = _criteria(criteria, n_crit, two_d)
        if np.isinf(s).any():
            raise DataError(
                f"the sheets hold infinity at {_cells(np.isinf(s), judge_ids, unit_ids, crit)}; "
                "give a finite score, or NaN where a judge did not score a unit"
            )
        judge_unit = self._judge_units(judge_ids, unit_ids, judges is not None)
        w = self._judge_weights(judge_ids, judges is not None, n_judges)
        given = ~np.isnan(s)
        is_self = np.zeros((n_judges, n_units), dtype=np.bool_)
        if self.exclude_self:
            js = np.flatnonzero(judge_unit >= 0)
            is_self[js, judge_unit[js]] = True
            given &= ~is_self[:, :, None]
        used = given if w is None else given & (w > 0)[:, None, None]
        self._check_reachable(judge_unit, w, n_judges, n_units)
        trim = self.trim if self.trim is not None else 0
        values, n_scores, n_used, ranked_status = _aggregate_kernel(
            s, used, w, self.method, trim, self.min_scores
        )
        dev, dev_n = _deviation_kernel(s, given, values, self.deviation)
        if self.threshold is None:
            flagged = np.zeros(dev.shape, dtype=np.bool_)
        else:
            flagged = (dev_n > 0) & (np.where(dev_n > 0, dev, 0.0) > self.threshold)
        status = np.where(used, ranked_status, _USED).astype(np.int8)
        status[~used] = _UNWEIGHTED
        status[np.isnan(s)] = _MISSING
        status[~np.isnan(s) & is_self[:, :, None]] = _SELF
        return PanelResult(
            panel=self,
            sheets=_readonly(s),
            two_d=two_d,
            units=unit_ids,
            judges=judge_ids,
            criteria=crit,
            judge_unit=_readonly(judge_unit),
            judges_given=judges is not None,
            values=_readonly(values),
            n_scores=_readonly(n_scores),
            n_used=_readonly(n_used),
            deviation=_readonly(dev),
            deviation_n=_readonly(dev_n),
            flagged=_readonly(flagged),
            status=_readonly(status),
        )

    def _judge_units(
        self, judge_ids: tuple[str, ...], unit_ids: tuple[str, ...], judges_given: bool
    ) -> IntArray:
        """The unit index of each judge, -1 for a judge that is not a unit."""
        if not judges_given:
            if self.exclude_self:
                raise DataError(
                    "exclude_self=True needs judges=...: the unit id of each judge, in the order "
                    "of the sheets' judge axis, so that a judge's score of its own unit can be "
                    "ignored"
                )
            return np.full(len(judge_ids), -1, dtype=np.int64)
        index = {u: i for i, u in enumerate(unit_ids)}
        out = np.array([index.get(j, -1) for j in judge_ids], dtype=np.int64)
        if self.exclude_self and (out < 0).any():
            j = int(np.flatnonzero(out < 0)[0])
            others = [judge_ids[k] for k in np.flatnonzero(out < 0)[1:]]
            also = f"; other judges that are not units: {listing(others)}" if others else ""
            raise unknown(
                "unit id",
                judge_ids[j],
                unit_ids,
                f"for judge {j}: with exclude_self=True every judge must be one of the units "
                f"(fix the id, or use exclude_self=False for outside judges){also}",
            )
        return out

    def _judge_weights(
        self, judge_ids: tuple[str, ...], judges_given: bool, n_judges: int
    ) -> FloatArray | None:
        if self.weights is None:
            return None
        if not self._keyed:
            if len(self.weights) != n_judges:
                raise DataError(
                    f"the Panel has {len(self.weights)} weights but the sheets have {n_judges} "
                    "judges (axis 0); give one weight per judge, in the order of the judge axis"
                )
            return np.array(self.weights, dtype=np.float64)
        if not judges_given:
            raise DataError(
                "the Panel's weights are keyed by judge id; pass judges=... (the id of each "
                "judge, in the order of the sheets' judge axis)"
            )
        keyed = dict(self.weights)  # type: ignore[arg-type]
        for k in keyed:
            if k not in judge_ids:
                raise unknown("judge", k, judge_ids, "in the Panel's weights")
        missing = [j for j in judge_ids if j not in keyed]
        if missing:
            raise DataError(
                f"the Panel's weights give no weight to judges {listing(missing)}; give every "
                "judge a weight (0 to ignore a judge)"
            )
        w = np.array([keyed[j] for j in judge_ids], dtype=np.float64)
        if not (w > 0).any():  # pragma: no cover - construction refuses all-zero weights
            raise DataError("every judge has weight 0; give at least one a positive weight")
        return w

    def _check_reachable(
        self, judge_unit: IntArray, w: FloatArray | None, n_judges: int, n_units: int
    ) -> None:
        """Refuse a trim / min_scores that no unit could meet with these judges."""
        if n_units == 0:
            return
        counted = np.ones(n_judges, dtype=np.bool_) if w is None else w > 0
        most = int(counted.sum())
        if self.exclude_self:
            sj = judge_unit[counted & (judge_unit >= 0)]
            most -= int(np.bincount(sj, minlength=n_units).min())
        trim = self.trim or 0
        need = 2 * trim + self.min_scores
        if need <= most:
            return
        who = f"{int(counted.sum())} judge{'s' if counted.sum() != 1 else ''}"
        if w is not None:
            who += " of positive weight"
        why = " (a unit never scores itself)" if self.exclude_self else ""
        if trim:
            raise DataError(
                f"trim={trim} is too large for {who}: with min_scores={self.min_scores} a unit "
                f"needs {need} scores, but it gets at most {most}{why}; lower trim to at most "
                f"{max((most - self.min_scores) // 2, 0)}, lower min_scores, or add judges"
            )
        raise DataError(
            f"min_scores={self.min_scores} cannot be met by {who}: a unit gets at most "
            f"{most} scores{why}; lower min_scores or add judges"
        )


# -- data validation ---------------------------------------------------------------------


def _sheets(raw: object) -> tuple[FloatArray, bool]:
    """A new float64 array ``(J, N, C)`` from the caller's sheets, and whether they were 2-D."""
    try:
        arr = np.asarray(raw)
    except ValueError:
        raise DataError(
            "the sheets are ragged (their rows have different lengths); give one score (or NaN) "
            "for every judge and unit"
        ) from None
    kind = arr.dtype.kind
    if kind == "O":
        flat = arr.ravel().tolist()
        bad = next(
            (
                v
                for v in flat
                if v is not None and (isinstance(v, str) or not isinstance(v, numbers.Real))
            ),
            None,
        )
        if bad is not None:
            raise DataTypeError(
                f"the sheets hold {bad!r} ({type(bad).__name__}), not a number; give numbers, "
                "NaN or None where a judge did not score a unit"
            )
        arr = np.array([math.nan if v is None else float(v) for v in flat]).reshape(arr.shape)
    elif kind not in "biuf":
        raise DataTypeError(
            f"the sheets have dtype {arr.dtype}, not numbers; convert text to numbers (a decimal "
            "point, not a comma) before aggregating"
        )
    if arr.ndim not in (2, 3):
        raise DataError(
            f"the sheets are {arr.ndim}-D with shape {arr.shape}; give them shaped (judges, "
            "units) or (judges, units, criteria)"
        )
    if arr.shape[0] == 0:
        raise DataError("the sheets have no judges (axis 0 is empty); give at least one sheet")
    if arr.ndim == 3 and arr.shape[2] == 0:
        raise DataError("the sheets have no criteria (axis 2 is empty); give at least one")
    out = np.array(arr, dtype=np.float64, copy=True)
    return (out[:, :, None] if arr.ndim == 2 else out), arr.ndim == 2


def _ids(kind: str, raw: Iterable[object], n: int, axis: int) -> tuple[str, ...]:
    if (
        isinstance(raw, str)
        or not isinstance(raw, Iterable)
        or (isinstance(raw, np.ndarray) and raw.ndim != 1)
    ):
        raise DataTypeError(f"{kind}s= must be a sequence of {kind} ids (got {type(raw).__name__})")
    values = raw.tolist() if isinstance(raw, np.ndarray) else list(raw)
    if len(values) != n:
        raise DataError(
            f"{kind}s= has {len(values)} ids but the sheets have {n} {kind}s (axis {axis}); "
            f"give one id per {kind}, in the order of that axis"
        )
    ids, problems = check_ids(values, kind, "position")
    if problems:
        raise DataError.collect(problems, f"the {kind} ids")
    return tuple(ids)


def _criteria(raw: str | Iterable[str] | None, n: int, two_d: bool) -> tuple[str, ...]:
    if raw is None:
        return ("score",) if two_d else tuple(f"score_{c}" for c in range(n))
    names = [raw] if isinstance(raw, str) else list(raw)
    if len(names) != n:
        shape = "(judges, units) sheets have" if two_d else "sheets have"
        raise DataError(
            f"criteria= has {len(names)} name{'s' if len(names) != 1 else ''} but the {shape} "
            f"{n} criteri{'a' if n != 1 else 'on'}"
            f"{'' if two_d else ' (axis 2)'}; give one name per criterion"
        )
    out: list[str] = []
    for pos, name in enumerate(names):
        if not isinstance(name, str) or not name.strip():
            raise DataTypeError(
                f"criterion name at position {pos} is {name!r}; give every criterion a "
                "non-empty text name"
            )
        key = nfc(name)
        if key in out:
            raise DataError(
                f"criterion {name!r} is named twice (positions {out.index(key)} and {pos}); "
                "criterion names must be unique"
            )
        out.append(key)
    return tuple(out)


def _cells(
    mask: BoolArray, judges: Sequence[str], units: Sequence[str], criteria: Sequence[str]
) -> str:
    """ "judge 'A', unit 'B' (criterion 'c'), ..." for the first few True cells of ``mask``."""
    where = np.argwhere(mask)
    parts = []
    for j, i, c in where[:5].tolist():
        crit = f" (criterion {criteria[c]!r})" if len(criteria) > 1 else ""
        parts.append(f"judge {judges[j]!r}, unit {units[i]!r}{crit}")
    more = len(where) - 5
    return "; ".join(parts) + (f" and {more} more" if more > 0 else "")


# -- results -----------------------------------------------------------------------------


def _fmt(x: float) -> str:
    return f"{x:.6g}"


@attrs.frozen
class JudgeDeviation:
    """How far one judge strayed from the consensus on one criterion, and the verdict.

    ``value`` is None when the judge has no score the statistic can use.
    """

    judge: str
    criterion: str
    statistic: Statistic
    value: float | None
    n: int
    threshold: float | None
    flagged: bool

    def __str__(self) -> str:
        what = _STATISTICS[self.statistic]
        head = f"judge {self.judge!r}, {self.criterion}: {what}"
        if self.value is None:
            return f"{head}: no scores to measure"
        plural = "s" if self.n != 1 else ""
        text = f"{head} {_fmt(self.value)} over {self.n} score{plural}"
        if self.threshold is None:
            return text
        op = ">" if self.flagged else "<="
        verdict = "flagged" if self.flagged else "not flagged"
        return f"{text} {op} threshold {_fmt(self.threshold)}: {verdict}"


class PanelResult:
    """The result of :meth:`Panel.aggregate`: aggregated scores and the numbers behind them.

    Arrays have the judges' sheets' layout: for ``(J, N)`` sheets the
    per-unit arrays are ``(N,)`` and the per-judge arrays ``(J,)``; for
    ``(J, N, C)`` sheets they are ``(N, C)`` and ``(J, C)``. All are
    read-only.

    Attributes
    ----------
    panel : Panel
        The rule that produced this result.
    units, judges, criteria : tuple of str
        The ids and names, NFC-normalised, in the order of the sheets' axes.
    values
        The aggregated score of each unit (and criterion); NaN where the unit
        is short of scores.
    n_scores
        How many scores each unit got that could enter its value (given, not
        its own, weight > 0), before trimming.
    n_used
        How many scores each value rests on (``n_scores`` minus the trimmed).
    short
        Where ``n_used < min_scores``: the value is missing.
    deviation, deviation_n, flagged
        Each judge's deviation statistic, how many scores it is based on, and
        whether it exceeds the panel's threshold.
    judge_unit
        The unit index of each judge, -1 for a judge that is not a unit (or
        when ``judges=`` was not given).

    Examples
    --------
    >>> import numpy as np
    >>> from emulation_rules.judging import Panel
    >>> sheets = np.array([[7.0, 9.0, np.nan], [8.0, 10.0, 6.0], [9.0, 5.0, np.nan]])
    >>> r = Panel("trimmed", trim=1).aggregate(sheets, units=["A", "B", "C"])
    >>> r.values, r.n_scores, r.short_units
    (array([ 8.,  9., nan]), array([3, 3, 1]), ('C',))
    >>> print(r.explain("B"))
    B, score: trimmed mean 9 of 1 score (3 given, trim 1)
      judge 0: 9 used
      judge 1: 10 dropped (among the highest)
      judge 2: 5 dropped (among the lowest)
    """

    __slots__ = (
        "_judges_given",
        "_s",
        "_status",
        "_two_d",
        "criteria",
        "deviation",
        "deviation_n",
        "flagged",
        "judge_unit",
        "judges",
        "n_scores",
        "n_used",
        "panel",
        "short",
        "units",
        "values",
    )

    def __init__(
        self,
        *,
        panel: Panel,
        sheets: FloatArray,
        two_d: bool,
        units: tuple[str, ...],
        judges: tuple[str, ...],
        criteria: tuple[str, ...],
        judge_unit: IntArray,
        judges_given: bool,
        values: FloatArray,
        n_scores: IntArray,
        n_used: IntArray,
        deviation: FloatArray,
        deviation_n: IntArray,
        flagged: BoolArray,
        status: AnyArray,
    ) -> None:
        def out(a: AnyArray) -> Any:
            return _readonly(a[..., 0]) if two_d else a

        self.panel = panel
        self._s = sheets
        self._two_d = two_d
        self._status = status
        self._judges_given = judges_given
        self.units = units
        self.judges = judges
        self.criteria = criteria
        self.judge_unit: IntArray = judge_unit
        self.values: FloatArray = out(values)
        self.n_scores: IntArray = out(n_scores)
        self.n_used: IntArray = out(n_used)
        self.short: BoolArray = _readonly(self.n_used < panel.min_scores)
        self.deviation: FloatArray = out(deviation)
        self.deviation_n: IntArray = out(deviation_n)
        self.flagged: BoolArray = out(flagged)

    # -- access -------------------------------------------------------------------------

    def _crit(self, criterion: str | None) -> int:
        if criterion is None:
            if len(self.criteria) == 1:
                return 0
            raise DataError(
                f"these sheets have {len(self.criteria)} criteria; name one with criterion=... "
                f"({listing(self.criteria)})"
            )
        key = nfc(criterion)
        if key not in self.criteria:
            raise unknown("criterion", criterion, self.criteria, "in this panel result")
        return self.criteria.index(key)

    def __getitem__(self, criterion: str) -> FloatArray:
        """The aggregated values of one criterion, ``(N,)``."""
        c = self._crit(criterion)
        return self.values if self._two_d else _readonly(self.values[:, c])

    @property
    def short_units(self) -> tuple[str, ...]:
        """The units whose value is missing (in any criterion) for lack of scores."""
        mask = self.short if self._two_d else self.short.any(axis=1)
        return tuple(self.units[i] for i in np.flatnonzero(mask))

    @property
    def flagged_judges(self) -> tuple[str, ...]:
        """The judges flagged (in any criterion) for straying from the consensus."""
        mask = self.flagged if self._two_d else self.flagged.any(axis=1)
        return tuple(self.judges[j] for j in np.flatnonzero(mask))

    @property
    def judges_are_units(self) -> bool:
        """Whether every judge is one of the units (so the sheets give a pairwise view)."""
        return self._judges_given and bool((self.judge_unit >= 0).all())

    def deviations(self, *, flagged_only: bool = False) -> tuple[JudgeDeviation, ...]:
        """Each judge's deviation on each criterion, with the numbers behind the flag.

        In judge order, then criterion order.
        """
        dev = self.deviation.reshape(len(self.judges), -1)
        n = self.deviation_n.reshape(len(self.judges), -1)
        flag = self.flagged.reshape(len(self.judges), -1)
        out = []
        for j, judge in enumerate(self.judges):
            for c, crit in enumerate(self.criteria):
                if flagged_only and not flag[j, c]:
                    continue
                out.append(
                    JudgeDeviation(
                        judge=judge,
                        criterion=crit,
                        statistic=self.panel.deviation,
                        value=None if n[j, c] == 0 else float(dev[j, c]),
                        n=int(n[j, c]),
                        threshold=self.panel.threshold,
                        flagged=bool(flag[j, c]),
                    )
                )
        return tuple(out)

    # -- hand-over to the scoring pipeline ----------------------------------------------

    def pairwise(self, criterion: str | None = None) -> Pairwise:
        """The sheets of one criterion as pairwise results: the points judge-unit j gave unit i.

        ``earner`` is the scored unit's index, ``opponent`` the judging unit's
        index, ``value`` the score as given (weights and trimming do not
        apply). A unit's score of itself is never an entry, nor is a missing
        score. Entries are sorted by earner, then opponent.

        Raises
        ------
        DataError
            When some judge is not one of the units (or ``judges=`` was not
            given).
        """
        c = self._crit(criterion)
        if not self.judges_are_units:
            if not self._judges_given:
                raise DataError(
                    "a pairwise view needs the judges to be units: pass judges=... (the unit id "
                    "of each judge) to Panel.aggregate"
                )
            outside = [self.judges[j] for j in np.flatnonzero(self.judge_unit < 0)]
            raise DataError(
                f"a pairwise view needs every judge to be a unit, but judges {listing(outside)} "
                "are not units; the points a unit gave another exist only between units"
            )
        ju = self.judge_unit
        sheet = self._s[:, :, c]
        ok = ~np.isnan(sheet) & (ju[:, None] != np.arange(sheet.shape[1])[None, :])
        j, i = np.nonzero(ok)
        opp = ju[j]
        order = np.lexsort((opp, i))
        return Pairwise(
            _readonly(i[order].astype(np.int64)),
            _readonly(opp[order].astype(np.int64)),
            _readonly(sheet[j[order], i[order]]),
        )

    def to_table(self, *, pairwise: bool | None = None) -> ScoreTable:
        """A :class:`~emulation_rules.ScoreTable` of the aggregated criteria.

        Columns are the criteria (NaN where a unit is short: a missing value
        for the scorecard's ``missing`` policy); with ``pairwise`` the table
        also carries each criterion's :meth:`pairwise` view under the same
        name, for head-to-head tie-breaks. ``pairwise=None`` (default) adds
        them when every judge is a unit.

        Examples
        --------
        >>> import numpy as np
        >>> from emulation_rules.judging import Panel
        >>> ids = ["A", "B", "C"]
        >>> sheets = np.array([[np.nan, 7, 9], [8, np.nan, 6], [9, 8, np.nan]], dtype=float)
        >>> t = Panel().aggregate(sheets, units=ids, judges=ids).to_table()
        >>> t
        ScoreTable(3 units: 'A', 'B', 'C'; columns: score (float))
        >>> t["score"], t.pairwise("score").n_entries
        (array([8.5, 7.5, 7.5]), 6)
        """
        with_pw = self.judges_are_units if pairwise is None else bool(pairwise)
        cols = {name: self[name] for name in self.criteria}
        pw = {name: self.pairwise(name) for name in self.criteria} if with_pw else None
        return ScoreTable(cols, units=self.units, pairwise=pw, copy=False)

    # -- explanation --------------------------------------------------------------------

    def explain(self, unit: str, criterion: str | None = None) -> str:
        """In words: every judge's score of ``unit`` and what became of it.

        Built from the statuses the aggregation itself recorded (used, no
        score, its own unit, weight 0, dropped by the trim).
        """
        c = self._crit(criterion)
        key = nfc(unit) if isinstance(unit, str) else str(unit)
        if key not in self.units:
            raise unknown("unit", str(unit), self.units, "in this panel result")
        i = self.units.index(key)
        p = self.panel
        v = float(self.values.reshape(len(self.units), -1)[i, c])
        n_sc = int(self.n_scores.reshape(len(self.units), -1)[i, c])
        n_us = int(self.n_used.reshape(len(self.units), -1)[i, c])
        what = {"mean": "mean", "median": "median", "trimmed": "trimmed mean"}[p.method]
        if p.weights is not None:
            what = "weighted mean"
        plural = "s" if n_us != 1 else ""
        extra = f", trim {p.trim}" if p.method == "trimmed" else ""
        if math.isnan(v):
            head = (
                f"{key}, {self.criteria[c]}: missing: {n_us} score{plural} left "
                f"({n_sc} given{extra}), fewer than min_scores={p.min_scores}"
            )
        else:
            head = f"{key}, {self.criteria[c]}: {what} {_fmt(v)} of {n_us} score{plural} "
            head += f"({n_sc} given{extra})"
        lines = [head]
        for j, judge in enumerate(self.judges):
            st = int(self._status[j, i, c])
            x = float(self._s[j, i, c])
            score = "-" if st == _MISSING else _fmt(x)
            lines.append(f"  judge {judge}: {score} {_STATUS_TEXT[st]}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        n, j, c = len(self.units), len(self.judges), len(self.criteria)
        short = f"; short: {listing(self.short_units, 3)}" if self.short_units else ""
        flagged = f"; flagged: {listing(self.flagged_judges, 3)}" if self.flagged_judges else ""
        return (
            f"<PanelResult of {j} judge{'s' if j != 1 else ''} on {n} unit{'s' if n != 1 else ''}"
            f" x {c} criteri{'a' if c != 1 else 'on'} ({self.panel!r}){short}{flagged}>"
        )
