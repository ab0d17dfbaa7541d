"""Hypothesis strategies for emulation_rules: unit ids, score tables, scales, scorecards.

Use them to property-test code built on this library, the way its own test
suite does::

    from hypothesis import given
    from emulation_rules.testing import score_tables, scorecards

    @given(score_tables(["rate", "cases"]), scorecards(["rate", "cases"]))
    def test_my_report_never_crashes(table, card):
        my_report(card.score(table))

This module imports Hypothesis when it is imported: it needs Hypothesis
installed (it comes with the ``test`` extra), and nothing else in the library
imports it, so the library itself never needs Hypothesis.

Every strategy draws *valid* objects only: a scale suits the direction of its
criterion, caps lie on the scorecard's resolution grid, names are unique. The
data side is the caller's to match: give :func:`scales`, :func:`criteria` and
:func:`scorecards` the range of the values the table holds (``min_value``,
``max_value``), so that a scale that needs non-negative values (``Vector``,
``Sum``) or positive ones (``Sum`` when lower is better) is only drawn when
the data allow it, and thresholds fall where the values are.

A few valid but pathological corners are left out on purpose, so that a
failure points at a real problem: metric values within ``1e-6`` of zero and
fractions below ``1e-6`` (see :func:`metric_values`), caps inside a weighted
part of a scorecard (where points are weights), and a proportional
``Target`` at or below 0 without ``zero_at``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from typing import Any, Literal, TypeAlias

import numpy as np

from ._checks import missing

try:
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays
    from hypothesis.strategies import SearchStrategy
except ImportError as exc:
    # Say what to install, rather than a bare "No module named 'hypothesis'".
    raise missing("hypothesis", "emulation_rules.testing") from exc

from ._names import nfc
from .scales import (
    ByRank,
    Linear,
    MinMax,
    PiecewiseLinear,
    Scale,
    Steps,
    Sum,
    Target,
    Vector,
    ZScore,
)
from .scoring import Bonus, Criterion, Group, MissingPolicy, Penalty, Scorecard
from .table import ScoreTable
from .types import RoundingMode

__all__ = [
    "criteria",
    "metric_values",
    "scales",
    "score_tables",
    "scorecards",
    "unit_ids",
]

#: Provinces and cities of Việt Nam, written in NFC.
_PROVINCES = (
    "Hà Nội", "Hải Phòng", "Đà Nẵng", "Thừa Thiên Huế", "Quảng Nam", "Quảng Ngãi",
    "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai",
    "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình",
    "Quảng Trị", "Cà Mau", "Bạc Liêu", "Sóc Trăng", "Cần Thơ", "Tuyên Quang", "Yên Bái",
    "Lào Cai", "Điện Biên", "Sơn La", "Hòa Bình", "Bắc Ninh", "Hưng Yên", "Thái Bình",
)  # fmt: skip

_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
_ALPHABET = _LETTERS + _LETTERS.upper() + "0123456789 "

_Model: TypeAlias = Literal["sum", "product"]

_RESOLUTIONS = (0.01, 0.25, 0.5, 1.0)
_MODELS: tuple[_Model, ...] = ("sum", "product")
_ROUNDINGS: tuple[RoundingMode, ...] = ("half_up", "half_even", "down", "up")
_POLICIES: tuple[MissingPolicy, ...] = ("error", "zero", 0.0, 0.5, 1.0)


def _check_range(min_value: float, max_value: float) -> None:
    if not (math.isfinite(min_value) and math.isfinite(max_value) and min_value < max_value):
        raise ValueError(
            f"need finite min_value < max_value (got min_value={min_value!r}, "
            f"max_value={max_value!r})"
        )


def _check_sizes(min_size: int, max_size: int | None) -> None:
    if min_size < 0 or (max_size is not None and max_size < min_size):
        raise ValueError(
            f"need 0 <= min_size <= max_size (got min_size={min_size}, max_size={max_size})"
        )


# -- values and ids ------------------------------------------------------------------


def metric_values(
    min_value: float = 0.0, max_value: float = 100.0, *, places: int = 2
) -> SearchStrategy[float]:
    """Raw metric values in ``[min_value, max_value]``, often short decimals.

    Half the draws are decimals with at most ``places`` decimal places (the
    float nearest ``k / 10**places``, as a user would type them), so that
    values meet thresholds and rounding boundaries exactly; the rest are any
    float in the range except tiny ones: no metric is measured to within
    ``1e-6`` of zero, so those draws become the value of the range nearest 0.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(metric_values(0.5, 2), lambda x: x > 1.5)
    1.51
    """
    _check_range(min_value, max_value)
    if places < 0:
        raise ValueError(f"places must be >= 0 (got {places})")
    scale = 10**places
    lo, hi = math.ceil(min_value * scale), math.floor(max_value * scale)
    decimals = st.integers(lo, hi).map(lambda k: k / scale) if lo <= hi else st.nothing()
    nearest_zero = min(max(0.0, min_value), max_value)

    def not_tiny(x: float) -> float:
        return x if abs(x) >= 1e-6 else nearest_zero

    floats = st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)
    return decimals | floats.map(not_tiny)


@st.composite
def _unit_ids(draw: st.DrawFn, min_size: int, max_size: int | None, nfd: bool) -> list[str]:
    words = st.text(_ALPHABET, min_size=1, max_size=12).map(str.strip).filter(bool)
    names = st.sampled_from(_PROVINCES) | st.builds(
        "Công an {}".format, st.sampled_from(_PROVINCES)
    )
    ids = draw(st.lists(names | words, min_size=min_size, max_size=max_size, unique_by=nfc))
    if nfd:
        ids = [unicodedata.normalize("NFD", u) if draw(st.booleans()) else u for u in ids]
    return ids


def unit_ids(
    min_size: int = 1, max_size: int | None = 8, *, nfd: bool = True
) -> SearchStrategy[list[str]]:
    """Lists of unit ids, unique after Unicode NFC normalisation.

    Ids are Vietnamese province names (plain or as "Công an ..."), or words of
    Vietnamese letters with their diacritics. With ``nfd=True`` some ids are
    typed decomposed (NFD), as text pasted from some systems is: a
    :class:`~emulation_rules.ScoreTable` must treat them as the NFC ids.

    Examples
    --------
    >>> from hypothesis import find
    >>> ids = find(unit_ids(min_size=3), lambda ids: any(not unicodedata.is_normalized("NFC", u)
    ...                                                  for u in ids))
    >>> len(ids), len({unicodedata.normalize("NFC", u) for u in ids})
    (3, 3)
    """
    _check_sizes(min_size, max_size)
    return _unit_ids(min_size, max_size, nfd)


# -- tables --------------------------------------------------------------------------


@st.composite
def _score_tables(
    draw: st.DrawFn,
    columns: tuple[str, ...],
    units: SearchStrategy[Sequence[str]],
    elements: SearchStrategy[float],
    missing: bool,
    batch_shape: SearchStrategy[tuple[int, ...]] | None,
) -> ScoreTable:
    ids = list(draw(units))
    n = len(ids)
    batch = draw(batch_shape) if batch_shape is not None else ()
    cells = elements
    if missing:
        # About one cell in six is missing.
        gone = st.integers(0, 5).map(lambda k: k == 0)
        cells = st.builds(lambda drop, x: math.nan if drop else x, gone, elements)
    data: dict[str, Any] = {"unit": ids}
    for name in columns:
        shape: tuple[int, ...] = (n,)
        if batch:
            how = draw(st.sampled_from(["full", "none", "ones"]))
            if how == "full":
                shape = (*batch, n)
            elif how == "ones":
                shape = (*(draw(st.sampled_from([1, b])) for b in batch), n)
        key = unicodedata.normalize("NFD", name) if draw(st.booleans()) else name
        data[key] = draw(arrays(np.float64, shape, elements=cells))
    return ScoreTable(data)


def score_tables(
    columns: Sequence[str] = ("x",),
    *,
    units: SearchStrategy[Sequence[str]] | None = None,
    elements: SearchStrategy[float] | None = None,
    missing: bool = False,
    batch_shape: SearchStrategy[tuple[int, ...]] | tuple[int, ...] | None = None,
) -> SearchStrategy[ScoreTable]:
    """Score tables with the float ``columns`` (names may be typed in NFD).

    Parameters
    ----------
    columns
        The names of the float columns.
    units
        The unit ids (default :func:`unit_ids`).
    elements
        The values (default :func:`metric_values`, 0 to 100).
    missing
        Allow NaN (a missing value) in any cell.
    batch_shape
        Leading scenario axes, e.g. ``(3,)``, or a strategy of them. Each
        column then carries the whole batch shape, none of it, or a shape
        that broadcasts to it (1 on some axes).

    Examples
    --------
    >>> from hypothesis import find
    >>> t = find(score_tables(["x", "y"], batch_shape=(2,)), lambda t: len(t) >= 2)
    >>> t.columns, t.batch_shape in {(), (1,), (2,)}
    (('x', 'y'), True)
    """
    cols = tuple(columns)
    if not cols or len({nfc(c) for c in cols}) != len(cols):
        raise ValueError(f"columns must be unique names, at least one (got {columns!r})")
    if isinstance(batch_shape, tuple):
        if not all(isinstance(b, int) and b >= 1 for b in batch_shape):
            raise ValueError(f"batch_shape must be a tuple of sizes >= 1 (got {batch_shape!r})")
        batch_shape = st.just(batch_shape)
    return _score_tables(
        cols,
        unit_ids() if units is None else units,
        metric_values() if elements is None else elements,
        missing,
        batch_shape,
    )


# -- scales --------------------------------------------------------------------------

# Twentieths as rulebooks write them, or any fraction but a vanishing one (a
# rule never grants 1e-45 of its points).
_FRACTIONS = st.integers(0, 20).map(lambda k: k / 20) | st.floats(0, 1).map(
    lambda f: f if f >= 1e-6 else 0.0
)


def _sorted_distinct(
    draw: st.DrawFn,
    values: SearchStrategy[float],
    min_size: int,
    max_size: int,
    lo: float,
    hi: float,
) -> list[float]:
    """Distinct sorted values; short draws are topped up with evenly spaced ones."""
    # No unique=True: metric values repeat often, and rejecting repeats aborts draws.
    out = set(draw(st.lists(values, min_size=min_size, max_size=max_size)))
    k = 1
    while len(out) < min_size:
        out.add(lo + (hi - lo) * k / (min_size + 1))
        k += 1
    return sorted(out)


@st.composite
def _absolute(draw: st.DrawFn, lower: bool, lo: float, hi: float) -> Scale:
    values = metric_values(lo, hi)
    kind = draw(st.sampled_from(["linear", "target", "steps", "piecewise"]))
    if kind == "linear":
        low, high = _sorted_distinct(draw, values, 2, 2, lo, hi)
        return Linear(low, high)
    if kind == "steps":
        thresholds = _sorted_distinct(draw, values, 1, 4, lo, hi)
        fr = sorted(
            draw(st.lists(_FRACTIONS, min_size=len(thresholds) + 1, max_size=len(thresholds) + 1))
        )
        if lower:
            thresholds.reverse()
        return Steps(
            list(zip(thresholds, fr[1:], strict=True)), otherwise=fr[0], strict=draw(st.booleans())
        )
    if kind == "piecewise":
        xs = _sorted_distinct(draw, values, 2, 5, lo, hi)
        fr = sorted(draw(st.lists(_FRACTIONS, min_size=len(xs), max_size=len(xs))), reverse=lower)
        return PiecewiseLinear(list(zip(xs, fr, strict=True)))
    if draw(st.booleans()):
        return Target(draw(values), below="zero", strict=draw(st.booleans()))
    if lower:
        target, zero_at = _sorted_distinct(draw, values, 2, 2, lo, hi)
        return Target(target, zero_at=zero_at)
    if hi > 0.01 and draw(st.booleans()):
        # Without zero_at a proportional target is a share of the way up from 0.
        return Target(draw(metric_values(max(lo, 0.01), hi)))
    zero_at, target = _sorted_distinct(draw, values, 2, 2, lo, hi)
    return Target(target, zero_at=zero_at)


@st.composite
def _relative(draw: st.DrawFn, lower: bool, lo: float) -> Scale:
    kinds = ["minmax", "zscore", "byrank"]
    if lo >= 0:
        kinds.append("vector")
    if lo > 0 or (lo >= 0 and not lower):
        kinds.append("sum")
    kind = draw(st.sampled_from(kinds))
    if kind == "minmax":
        return MinMax()
    if kind == "vector":
        return Vector()
    if kind == "sum":
        return Sum()
    if kind == "zscore":
        spread = draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]) | st.floats(0.1, 5))
        return ZScore(spread=spread)
    fr = sorted(draw(st.lists(_FRACTIONS, min_size=2, max_size=6)), reverse=True)
    return ByRank(fr[:-1], rest=fr[-1], ties=draw(st.sampled_from(["share_best", "average"])))


def scales(
    *,
    lower_is_better: bool = False,
    relative: bool | None = None,
    min_value: float = 0.0,
    max_value: float = 100.0,
) -> SearchStrategy[Scale]:
    """Scales valid for the direction, for data in ``[min_value, max_value]``.

    Parameters
    ----------
    lower_is_better
        The direction of the criterion the scale will serve.
    relative
        ``False``: absolute scales only (``Linear``, ``Target``, ``Steps``,
        ``PiecewiseLinear``); ``True``: relative only (``MinMax``, ``Vector``,
        ``Sum``, ``ZScore``, ``ByRank``); ``None``: either.
    min_value, max_value
        The range of the data: thresholds are drawn inside it, and ``Vector``
        and ``Sum`` only when the data cannot make them fail.

    Examples
    --------
    >>> from hypothesis import find
    >>> from emulation_rules import Steps
    >>> s = find(scales(lower_is_better=True, relative=False),
    ...          lambda s: isinstance(s, Steps) and len(s.bands) > 1)
    >>> s.bands[0][0] > s.bands[1][0]  # thresholds from worst to best
    True
    """
    _check_range(min_value, max_value)
    absolute = _absolute(lower_is_better, min_value, max_value)
    rel = _relative(lower_is_better, min_value)
    if relative is None:
        return absolute | rel
    return rel if relative else absolute


def _points() -> SearchStrategy[float]:
    return st.integers(1, 40).map(float) | metric_values(0.05, 40)


@st.composite
def _criteria(
    draw: st.DrawFn,
    columns: tuple[str, ...],
    relative: bool | None,
    lower_is_better: bool | None,
    missing: SearchStrategy[MissingPolicy],
    min_value: float,
    max_value: float,
) -> Criterion:
    column = draw(st.sampled_from(columns))
    lower = draw(st.booleans()) if lower_is_better is None else lower_is_better
    scale = draw(
        scales(lower_is_better=lower, relative=relative, min_value=min_value, max_value=max_value)
    )
    return Criterion(
        column, draw(_points()), scale=scale, lower_is_better=lower, missing=draw(missing)
    )


def criteria(
    columns: Sequence[str],
    *,
    relative: bool | None = None,
    lower_is_better: bool | None = None,
    missing: SearchStrategy[MissingPolicy] | None = None,
    min_value: float = 0.0,
    max_value: float = 100.0,
) -> SearchStrategy[Criterion]:
    """Criteria on one of ``columns`` with a scale valid for their direction.

    Parameters
    ----------
    columns
        The columns a criterion may read.
    relative
        As in :func:`scales`.
    lower_is_better
        Fix the direction (default: either).
    missing
        The missing-value policies to draw from (default: ``"error"``,
        ``"zero"`` and a few fractions).
    min_value, max_value
        The range of the data, as in :func:`scales`.

    Examples
    --------
    >>> from hypothesis import find
    >>> c = find(criteria(["rate"], lower_is_better=True), lambda c: True)
    >>> c.column, c.lower_is_better
    ('rate', True)
    """
    cols = tuple(columns)
    if not cols:
        raise ValueError("criteria needs at least one column")
    _check_range(min_value, max_value)
    policies = st.sampled_from(_POLICIES) if missing is None else missing
    return _criteria(cols, relative, lower_is_better, policies, min_value, max_value)


# -- scorecards ----------------------------------------------------------------------


class _Card:
    """What the recursive draw of a scorecard needs to know."""

    def __init__(
        self,
        draw: st.DrawFn,
        res: float,
        crit: SearchStrategy[Criterion],
        max_items: int,
        max_depth: int,
        groups: bool,
        caps: bool,
    ) -> None:
        self.draw, self.res, self.crit = draw, res, crit
        self.max_items, self.max_depth, self.groups, self.caps = max_items, max_depth, groups, caps
        self.count = 0

    def name(self, what: str) -> str:
        self.count += 1
        return f"{what} {self.count}"

    def cap(self, most: float, lowest: int = 0) -> float | None:
        """None, or a multiple of the resolution from ``lowest`` ticks to just above ``most``."""
        if not self.caps or not self.draw(st.booleans()):
            return None
        top = max(lowest, math.ceil(most / self.res) + 1)
        # The float nearest k * resolution, as a user writes "12.25".
        return round(self.draw(st.integers(lowest, top)) * self.res, 2)

    def items(self, depth: int, weighted: bool, size: int) -> tuple[list[Criterion | Group], float]:
        """Items and their combined maximum (meaningful only where not weighted)."""
        out: list[Criterion | Group] = []
        most = 0.0
        n = self.draw(st.integers(1, size))
        for _ in range(n):
            if self.groups and depth < self.max_depth and self.draw(st.booleans()):
                g, m = self.group(depth + 1, weighted)
                out.append(g)
                most += m
            else:
                c = self.draw(self.crit)
                out.append(
                    Criterion(
                        c.column,
                        c.points,
                        scale=c.scale,
                        lower_is_better=c.lower_is_better,
                        missing=c.missing,
                        name=self.name("tiêu chí"),
                    )
                )
                most += c.points
        return out, most

    def group(self, depth: int, weighted: bool) -> tuple[Group, float]:
        points = self.draw(st.none() | _points())
        inner_weighted = weighted or points is not None
        items, inner = self.items(depth, inner_weighted, 3)
        most = inner if points is None else points
        # A cap is points; inside a weighted part of the card there are only weights.
        cap = None if weighted else self.cap(most)
        if cap is not None:
            most = min(most, cap)
        return Group(self.name("nhóm"), items, points=points, cap=cap), most


def _adjustment_policy(policy: MissingPolicy) -> Literal["error", "zero"]:
    # Bonus and penalty items know no fractions of points: a fraction means "zero".
    return "error" if policy == "error" else "zero"


@st.composite
def _scorecards(
    draw: st.DrawFn,
    columns: tuple[str, ...],
    crit: SearchStrategy[Criterion],
    policies: SearchStrategy[MissingPolicy],
    adjustments: bool,
    weighted: bool | None,
    model: _Model | None,
    resolutions: SearchStrategy[float],
    max_items: int,
    max_depth: int,
    groups: bool,
    caps: bool,
) -> Scorecard:
    res = draw(resolutions)
    kind: _Model = draw(st.sampled_from(_MODELS)) if model is None else model
    use_total = draw(st.booleans()) if weighted is None else weighted
    total = draw(st.integers(1, 100).map(float) | metric_values(0.5, 100)) if use_total else None
    card = _Card(draw, res, crit, max_items, max_depth, groups and kind == "sum", caps)
    top: list[Criterion | Group | Bonus | Penalty] = []
    scoring, most = card.items(0, use_total, max_items)
    top.extend(scoring)
    if total is not None:
        most = total
    kw: dict[str, Any] = {}
    if kind == "sum" and adjustments:
        n_adj = draw(st.integers(0, 3))
        for _ in range(n_adj):
            is_bonus = draw(st.booleans())
            per = draw(metric_values(0.01, 5))
            kw_adj: dict[str, Any] = {
                "cap": card.cap(per * 10),
                "missing": _adjustment_policy(draw(policies)),
                "name": card.name("thưởng" if is_bonus else "trừ"),
            }
            column = draw(st.sampled_from(columns))
            top.append(Bonus(column, per, **kw_adj) if is_bonus else Penalty(column, per, **kw_adj))
        if n_adj:
            kw.update(bonus_cap=card.cap(most / 4), penalty_cap=card.cap(most / 4))
    cap = card.cap(most)
    floor = None
    if caps and draw(st.booleans()):
        top_k = round(cap / res) if cap is not None else math.ceil(most / res)
        floor = round(draw(st.integers(-math.ceil(10 / res), top_k)) * res, 2)
    top = draw(st.permutations(top))
    return Scorecard(
        top,
        resolution=res,
        rounding=draw(st.sampled_from(_ROUNDINGS)),
        total=total,
        cap=cap,
        floor=floor,
        model=kind,
        **kw,
    )


def scorecards(
    columns: Sequence[str],
    *,
    relative: bool | None = None,
    min_value: float = 0.0,
    max_value: float = 100.0,
    missing: SearchStrategy[MissingPolicy] | None = None,
    model: _Model | None = "sum",
    weighted: bool | None = None,
    groups: bool = True,
    adjustments: bool | None = None,
    caps: bool = True,
    resolutions: SearchStrategy[float] | None = None,
    max_items: int = 5,
    max_depth: int = 2,
) -> SearchStrategy[Scorecard]:
    """Valid scorecards over ``columns``: criteria, nested groups, bonus, deductions, caps.

    Parameters
    ----------
    columns
        The columns the items may read (several items may read one column).
    relative, min_value, max_value, missing
        As in :func:`criteria`; bonus and penalty items take ``"error"`` when
        ``missing`` draws it and ``"zero"`` otherwise.
    model
        ``"sum"`` (default), ``"product"`` (criteria only) or None for either.
    weighted
        ``True``: the card has ``total=`` (its points are weights);
        ``False``: it does not; None: either. Groups may have ``points=``
        either way.
    groups
        Allow groups, nested up to ``max_depth``.
    adjustments
        Allow bonus and penalty items (reading ``columns``). Default: only
        when ``min_value >= 0``, since they count items and refuse negatives.
    caps
        Allow caps (on groups, bonus and penalty items, bonus and deductions,
        the total) and a floor, all on the resolution grid. No cap is drawn
        inside a weighted part of the card (there the points are weights).
    resolutions
        The resolutions to draw from (default 0.01, 0.25, 0.5 and 1).
    max_items
        The most top-level criteria and groups (a group holds up to 3 items).
    max_depth
        How deep groups nest.

    Examples
    --------
    >>> from hypothesis import find
    >>> from emulation_rules import Group
    >>> card = find(scorecards(["x", "y"]), lambda c: any(isinstance(i, Group) for i in c.items))
    >>> card.resolution in (0.01, 0.25, 0.5, 1.0)
    True
    """
    cols = tuple(columns)
    if not cols:
        raise ValueError("scorecards needs at least one column")
    if model not in ("sum", "product", None):
        raise ValueError(f"model must be 'sum', 'product' or None (got {model!r})")
    if max_items < 1 or max_depth < 0:
        raise ValueError(f"need max_items >= 1 and max_depth >= 0 (got {max_items}, {max_depth})")
    _check_range(min_value, max_value)
    crit = criteria(
        cols, relative=relative, missing=missing, min_value=min_value, max_value=max_value
    )
    adj = min_value >= 0 if adjustments is None else adjustments
    policies = st.sampled_from(_POLICIES) if missing is None else missing
    return _scorecards(
        cols,
        crit,
        policies,
        adj,
        weighted,
        model,
        st.sampled_from(_RESOLUTIONS) if resolutions is None else resolutions,
        max_items,
        max_depth,
        groups,
        caps,
    )
