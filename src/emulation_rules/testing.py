"""Hypothesis strategies for emulation_rules: unit ids, score tables, histories, and every
rule type -- scales, criteria, scorecards, rankings, conditions, quotas, awards, schemes,
panels, rotations (:func:`rules` draws any of them).

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

import datetime
import functools
import math
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
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
from .awards import Amount, Award, AwardScheme, Dated, Quota
from .eligibility import (
    _OPS as _APPLY,
)
from .eligibility import (
    Condition,
    Window,
    all_in_window,
    all_of,
    any_of,
    column,
    consecutive,
    count_in_window,
    ever,
    fact,
    holds,
    members,
    no_member,
    not_,
    rank,
    score,
    streak,
    vote_share,
)
from .history import History, Ordinal, Revocation
from .judging import Panel
from .ranking import HeadToHead, Key, Lot, Ranking, asc, desc
from .rotation import (
    BestRanked,
    ClusterId,
    Elected,
    FixedCycle,
    Join,
    Leave,
    Merge,
    Override,
    Rename,
    Rotation,
)
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
    "amounts",
    "award_schemes",
    "awards",
    "cluster_ids",
    "conditions",
    "criteria",
    "dated",
    "histories",
    "keys",
    "lots",
    "metric_values",
    "ordinals",
    "panels",
    "quotas",
    "rankings",
    "revocations",
    "rotations",
    "rules",
    "scales",
    "score_tables",
    "scorecards",
    "unit_ids",
    "windows",
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


# -- rankings ------------------------------------------------------------------------

_KEY_RESOLUTIONS = (None, None, 0.01, 0.1, 0.5, 1.0)
_RESTARTS: tuple[Literal["after_block", "on_separation", "never"], ...] = (
    "after_block",
    "on_separation",
    "never",
)
_STYLES: tuple[Literal["competition", "dense", "ordinal"], ...] = (
    "competition",
    "dense",
    "ordinal",
)


def _names(what: str, names: Sequence[str], *, empty: bool = False) -> tuple[str, ...]:
    out = tuple(names)
    if (not out and not empty) or not all(isinstance(n, str) and n.strip() for n in out):
        raise ValueError(f"{what} must be non-empty names (got {names!r})")
    return out


def lots() -> SearchStrategy[Lot]:
    """Lots with an integer seed or a text one (an event's name).

    >>> from hypothesis import find
    >>> find(lots(), lambda lot: isinstance(lot.seed, str)).seed
    '0'
    """
    seeds = st.integers(0, 2**32) | st.text(_ALPHABET, min_size=1, max_size=10).filter(str.strip)
    return st.builds(Lot, seeds)


@st.composite
def _keys(draw: st.DrawFn, names: tuple[str, ...], of: tuple[Any, ...]) -> Key:
    make = desc if draw(st.booleans()) else asc
    return make(
        draw(st.sampled_from(names)),
        resolution=draw(st.sampled_from(_KEY_RESOLUTIONS)),
        of=draw(st.sampled_from(of)),
    )


def keys(
    names: Sequence[str], *, of: Sequence[Literal["scores", "table"] | None] = (None,)
) -> SearchStrategy[Key]:
    """Sort keys (:func:`~emulation_rules.desc` or :func:`~emulation_rules.asc`) on ``names``,
    sometimes with a resolution; ``of`` are the lookups to draw from.

    >>> from hypothesis import find
    >>> find(keys(["total"]), lambda k: not k.descending)
    asc('total')
    """
    return _keys(_names("keys names", names), tuple(of))


@st.composite
def _rankings(
    draw: st.DrawFn,
    names: tuple[str, ...],
    pairwise: tuple[str, ...],
    lot: bool | None,
    of: tuple[Any, ...],
    max_keys: int,
) -> Ranking:
    steps: list[Key | HeadToHead | Lot] = list(
        draw(st.lists(_keys(names, of), min_size=1, max_size=max_keys))
    )
    if len(pairwise) > 0 and draw(st.booleans()):
        inner = draw(st.lists(_keys(pairwise, (None,)), min_size=1, max_size=2))
        restart = draw(st.sampled_from(_RESTARTS))
        steps.insert(draw(st.integers(1, len(steps))), HeadToHead(*inner, restart=restart))
    if lot if lot is not None else draw(st.booleans()):
        steps.append(draw(lots()))
    style = draw(st.sampled_from(_STYLES))
    return Ranking(*steps, style=style)


def rankings(
    names: Sequence[str],
    *,
    pairwise: Sequence[str] = (),
    lot: bool | None = None,
    of: Sequence[Literal["scores", "table"] | None] = (None,),
    max_keys: int = 3,
) -> SearchStrategy[Ranking]:
    """Rankings by keys on ``names``, in any rank style.

    Parameters
    ----------
    names
        The score fields or columns the keys read.
    pairwise
        Pairwise metrics: when given, a :class:`~emulation_rules.HeadToHead`
        step on them may follow the first key.
    lot
        End with a :class:`~emulation_rules.Lot` (True), never (False), or
        either (None).
    of
        The key lookups to draw from.
    max_keys
        The most keys before the lot.

    Examples
    --------
    >>> from hypothesis import find
    >>> r = find(rankings(["total", "rate"], lot=True), lambda r: len(r.steps) == 3)
    >>> type(r.steps[-1]).__name__
    'Lot'
    """
    if max_keys < 1:
        raise ValueError(f"max_keys must be >= 1 (got {max_keys})")
    return _rankings(
        _names("rankings names", names),
        _names("pairwise", pairwise, empty=True),
        lot,
        tuple(of),
        max_keys,
    )


# -- conditions ----------------------------------------------------------------------

_SHARES = (Fraction(1, 2), Fraction(2, 3), Fraction(7, 10), Fraction(9, 10), 0.25, 0.75)
_OPS = tuple(_APPLY)


def _compare(value: Any, op: str, threshold: Any) -> Condition:
    out: Condition = _APPLY[op](value, threshold)
    return out


def windows(titles: Sequence[str] = (), *, max_length: int = 4) -> SearchStrategy[Window]:
    """Windows of a fixed length, or (with ``titles``) since the last award of one of them.

    >>> from hypothesis import find
    >>> find(windows(["BK"]), lambda w: w.since is not None)
    Window(since='BK')
    """
    fixed = st.integers(1, max_length).map(Window)
    if not titles:
        return fixed
    since = st.builds(
        lambda t, m: Window(since=t, min_length=m),
        st.sampled_from(_names("windows titles", titles)),
        st.none() | st.integers(1, max_length),
    )
    return fixed | since


@st.composite
def _leaf(
    draw: st.DrawFn,
    titles: tuple[str, ...],
    facts: tuple[str, ...],
    ordinals: Mapping[str, tuple[str, ...]],
    columns: tuple[str, ...],
    scores: tuple[str, ...],
    rank_: bool,
    votes: tuple[str, str] | None,
) -> Condition:
    kinds = []
    if titles:
        kinds += ["holds", "ever", "streak", "consecutive"]
    if facts:
        kinds.append("fact")
    if ordinals:
        kinds.append("ordinal")
    if columns:
        kinds.append("column")
    if scores:
        kinds.append("score")
    if rank_:
        kinds.append("rank")
    if votes:
        kinds.append("votes")
    kind = draw(st.sampled_from(kinds))
    some = (
        st.lists(st.sampled_from(titles), min_size=1, max_size=2, unique=True) if titles else None
    )
    if kind == "holds":
        assert some is not None
        return holds(*draw(some))
    if kind == "ever":
        assert some is not None
        return ever(*draw(some), before=draw(st.booleans()))
    if kind == "streak":
        assert some is not None
        fresh = draw(st.none() | st.sampled_from(titles))
        return streak(*draw(some), n=draw(st.integers(1, 3)), fresh_after=fresh)
    if kind == "consecutive":
        title = draw(st.sampled_from(titles))
        return consecutive(title, n=draw(st.integers(1, 3)), every=draw(st.integers(1, 3)))
    op = draw(st.sampled_from(_OPS))
    if kind == "fact":
        return _compare(fact(draw(st.sampled_from(facts))), op, draw(st.integers(0, 4)))
    if kind == "ordinal":
        name = draw(st.sampled_from(sorted(ordinals)))
        return _compare(fact(name), op, draw(st.sampled_from(ordinals[name])))
    if kind in ("column", "score"):
        make, among = (column, columns) if kind == "column" else (score, scores)
        value = draw(st.integers(0, 100) | metric_values())
        return _compare(make(draw(st.sampled_from(among))), op, value)
    if kind == "rank":
        # rank() < 1 and rank() <= 0 hold for nobody: the constructor refuses them.
        r = draw(st.integers(2, 6))
        return _compare(rank(), op, r)
    assert votes is not None
    op = draw(st.sampled_from((">=", ">", "<=", "==", "!=")))
    return _compare(vote_share(votes[0], of=votes[1]), op, draw(st.sampled_from(_SHARES)))


def _extend(
    children: SearchStrategy[Condition], titles: tuple[str, ...], max_length: int
) -> SearchStrategy[Condition]:
    pair = st.lists(children, min_size=2, max_size=3)
    combos: list[SearchStrategy[Condition]] = [
        pair.map(lambda cs: all_of(*cs)),
        pair.map(lambda cs: any_of(*cs)),
        children.map(not_),
        st.builds(
            lambda c, w: all_in_window(c, window=w),
            children,
            windows(titles, max_length=max_length),
        ),
    ]

    @st.composite
    def counted(draw: st.DrawFn) -> Condition:
        w = draw(windows(titles, max_length=max_length))
        most = w.length if w.length is not None else max_length
        return count_in_window(draw(children), at_least=draw(st.integers(1, most)), window=w)

    combos.append(counted())
    return st.one_of(combos)


@st.composite
def _member_leaf(draw: st.DrawFn, inner: SearchStrategy[Condition]) -> Condition:
    c = draw(inner)
    kind = draw(st.sampled_from(["share", "count", "none"]))
    if kind == "share":
        op = draw(st.sampled_from((">=", ">", "<=", "==", "!=")))
        return _compare(members(c).share(), op, draw(st.sampled_from(_SHARES)))
    if kind == "count":
        op = draw(st.sampled_from((">=", ">", "!=", "==")))
        return _compare(members(c).count(), op, draw(st.integers(0, 3)))
    return no_member(c)


def conditions(
    *,
    titles: Sequence[str] = ("LĐTT", "CSTĐCS"),
    facts: Sequence[str] = (),
    ordinals: Mapping[str, Sequence[str]] | None = None,
    columns: Sequence[str] = (),
    scores: Sequence[str] = (),
    rank: bool = False,
    votes: tuple[str, str] | None = None,
    members_of: Mapping[str, Sequence[str]] | None = None,
    max_leaves: int = 5,
    max_window: int = 3,
) -> SearchStrategy[Condition]:
    """Eligibility conditions: every kind of leaf and every combinator.

    Leaves read what is given: ``titles`` (``holds``, ``ever``, ``streak``,
    ``consecutive``), numeric ``facts`` (compared with small whole numbers),
    ``ordinals`` (fact name to its levels, compared with level names),
    ``columns`` and ``scores`` (compared with metric values), ``rank``
    (``rank() <= k``) and ``votes`` (the ``(yes, of)`` names of a
    ``vote_share``). They combine with ``&``, ``|``, ``~``,
    ``count_in_window`` and ``all_in_window`` (windows up to ``max_window``
    periods, or since a title).

    ``members_of``: conditions on collectives instead -- member shares and
    counts of conditions on the members, drawn from the keyword arguments in
    ``members_of`` (e.g. ``{"titles": ["LĐTT"]}``) -- combined as above over
    the collectives' own ``titles``.

    Examples
    --------
    >>> from hypothesis import find
    >>> c = find(conditions(facts=["months"]), lambda c: "count_in_window" in repr(c))
    >>> type(c).__name__
    '_InWindow'
    """
    t = _names("titles", titles, empty=True)
    ords = {k: _names(f"ordinal {k!r} levels", v) for k, v in (ordinals or {}).items()}
    args = (
        t,
        _names("facts", facts, empty=True),
        ords,
        _names("columns", columns, empty=True),
        _names("scores", scores, empty=True),
        rank,
        votes,
    )
    if members_of is not None:
        inner = conditions(**members_of, max_leaves=3, max_window=max_window)  # type: ignore[arg-type]
        leaves: SearchStrategy[Condition] = _member_leaf(inner)
        if t:
            leaves = leaves | _leaf(t, (), {}, (), (), False, None)
    else:
        if not any(args[:5]) and not rank and votes is None:
            raise ValueError("conditions needs something to read: titles, facts, columns...")
        leaves = _leaf(*args)
    return st.recursive(leaves, lambda kids: _extend(kids, t, max_window), max_leaves=max_leaves)


# -- histories (the data conditions and awards are evaluated on) ---------------------


@st.composite
def _histories(
    draw: st.DrawFn,
    units: SearchStrategy[Sequence[str]],
    periods: tuple[int, int],
    titles: tuple[str, ...],
    facts: tuple[str, ...],
    ordinals: Mapping[str, tuple[str, ...]],
    collectives: tuple[str, ...],
) -> History:
    ids = list(draw(units))
    n, p = len(ids), periods[1] - periods[0] + 1
    held = {
        name: draw(arrays(np.bool_, (p, n), elements=st.integers(0, 3).map(lambda k: k == 0)))
        for name in titles
    }
    values = {name: draw(arrays(np.float64, (p, n), elements=st.integers(0, 4).map(float)))
              for name in facts}  # fmt: skip
    for name, levels in ordinals.items():
        values[name] = draw(arrays(np.int64, (p, n), elements=st.integers(-1, len(levels) - 1)))
    kw: dict[str, Any] = {}
    if collectives:
        kw["member_of"] = draw(
            arrays(np.int64, (p, n), elements=st.integers(-1, len(collectives) - 1))
        )
        kw["collectives"] = History(
            list(collectives),
            periods,
            titles={name: draw(arrays(np.bool_, (p, len(collectives)))) for name in titles},
            declared=titles,
        )
    return History(
        ids,
        periods,
        titles=held,
        facts=values,
        ordinals={k: Ordinal(v) for k, v in ordinals.items()},
        declared=titles,
        **kw,
    )


def histories(
    *,
    units: SearchStrategy[Sequence[str]] | None = None,
    periods: tuple[int, int] = (2019, 2024),
    titles: Sequence[str] = ("LĐTT", "CSTĐCS"),
    facts: Sequence[str] = (),
    ordinals: Mapping[str, Sequence[str]] | None = None,
    collectives: Sequence[str] = (),
) -> SearchStrategy[History]:
    """Histories of ``units`` over ``periods``: who held which title, and facts.

    Titles are held about one time in four; numeric ``facts`` are whole numbers
    0..4; ``ordinals`` (fact name to levels) are level codes, sometimes missing.
    With ``collectives`` (their ids), each unit belongs to one of them (or none)
    in each period, and the collectives hold the same titles.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(histories(facts=["months"]))
    ... def test(h):
    ...     assert (h.first, h.last, sorted(h.facts)) == (2019, 2024, ["months"])
    >>> test()
    """
    if periods[1] < periods[0]:
        raise ValueError(f"periods run from first to last (got {periods!r})")
    return _histories(
        unit_ids(max_size=6) if units is None else units,
        periods,
        _names("titles", titles, empty=True),
        _names("facts", facts, empty=True),
        {k: _names(f"ordinal {k!r} levels", v) for k, v in (ordinals or {}).items()},
        _names("collectives", collectives, empty=True),
    )


# -- awards --------------------------------------------------------------------------


@st.composite
def _quotas(draw: st.DrawFn, bases: tuple[str, ...], per: tuple[str, ...]) -> Quota:
    ties = draw(st.sampled_from(["chain", "include", "exclude", "lot"]))
    kw: dict[str, Any] = {
        "ties": draw(lots()) if ties == "lot" else ties,
        "per": draw(st.none() | st.sampled_from(per)) if per else None,
    }
    if draw(st.booleans()):
        return Quota(draw(st.integers(0, 5)), **kw)
    minimum = draw(st.integers(0, 2))
    return Quota(
        share=draw(st.sampled_from(_SHARES) | st.fractions(Fraction(1, 20), 1, max_denominator=20)),
        of=draw(st.sampled_from(("units", "eligible", *bases))),
        rounding=draw(st.sampled_from(["floor", "ceil", "half_up", "half_even"])),
        minimum=minimum,
        maximum=draw(st.none() | st.integers(minimum, minimum + 4)),
        **kw,
    )


def quotas(*, of: Sequence[str] = (), per: Sequence[str] = ()) -> SearchStrategy[Quota]:
    """Quotas: a count, or a share of the units, the eligible or a title in ``of``,
    with any rounding, bounds and tie policy (``per``: columns to apply it per group).

    >>> from hypothesis import find
    >>> find(quotas(of=["LĐTT"]), lambda q: q.of == "LĐTT").share
    Fraction(1, 2)
    """
    return _quotas(_names("of", of, empty=True), _names("per", per, empty=True))


@functools.lru_cache(maxsize=64)
def _scheme_parts(
    known: tuple[str, ...], facts: tuple[str, ...], scores: tuple[str, ...]
) -> tuple[
    SearchStrategy[Condition | None], SearchStrategy[Quota | None], SearchStrategy[Ranking | None]
]:
    """The strategies of an award's parts, built once per scheme shape (building a
    recursive strategy costs more than drawing from it)."""
    cond = st.none() | conditions(titles=known, facts=facts, max_leaves=3)
    ranking = st.none() | rankings(scores, lot=True) if scores else st.none()
    return cond, st.none() | quotas(of=known), ranking


@st.composite
def _award_schemes(
    draw: st.DrawFn,
    titles: tuple[str, ...],
    facts: tuple[str, ...],
    scores: tuple[str, ...],
    max_awards: int,
) -> AwardScheme:
    n = draw(st.integers(1, max_awards))
    names = [f"Giải {k + 1}" for k in range(n)]
    out: list[Award] = []
    for k, name in enumerate(names):
        earlier = tuple(names[:k])
        known = titles + earlier  # a later award may build on an earlier one, never a cycle
        condition = draw(_scheme_parts(known, facts, scores)[0])
        requires = draw(st.lists(st.sampled_from(earlier), max_size=1)) if earlier else []
        rest = [e for e in earlier if e not in requires]
        excludes = draw(st.lists(st.sampled_from(rest), max_size=1)) if rest else []
        ranking = draw(_scheme_parts(known, facts, scores)[2])
        out.append(
            Award(
                name,
                condition,
                quota=draw(_scheme_parts(known, facts, scores)[1]),
                ranking=ranking,
                level=draw(st.integers(0, 2)),
                requires=requires,
                excludes=excludes,
                source=draw(st.sampled_from(["", "Law 06/2022 Art. 23"])),
            )
        )
    exclusive = [names[-2:]] if n >= 2 and draw(st.booleans()) else []
    return AwardScheme(out, exclusive=exclusive, declared=titles)


def award_schemes(
    *,
    titles: Sequence[str] = ("LĐTT", "CSTĐCS"),
    facts: Sequence[str] = (),
    scores: Sequence[str] = (),
    max_awards: int = 3,
) -> SearchStrategy[AwardScheme]:
    """Award schemes: awards with conditions on ``titles``/``facts`` (and on the
    earlier awards), quotas, rankings on ``scores`` ending with a lot,
    prerequisites, exclusions, levels, and sometimes an exclusive pair.

    >>> from hypothesis import find
    >>> s = find(award_schemes(), lambda s: len(s.awards) == 3)
    >>> [a.name for a in s.awards]
    ['Giải 1', 'Giải 2', 'Giải 3']
    """
    if max_awards < 1:
        raise ValueError(f"max_awards must be >= 1 (got {max_awards})")
    return _award_schemes(
        _names("titles", titles, empty=True),
        _names("facts", facts, empty=True),
        _names("scores", scores, empty=True),
        max_awards,
    )


def awards(
    *,
    titles: Sequence[str] = ("LĐTT", "CSTĐCS"),
    facts: Sequence[str] = (),
    scores: Sequence[str] = (),
) -> SearchStrategy[Award]:
    """Single awards, as drawn by :func:`award_schemes`.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(awards())
    ... def test(award):
    ...     assert award.name.startswith("Giải")
    >>> test()
    """
    return award_schemes(titles=titles, facts=facts, scores=scores, max_awards=3).map(
        lambda s: s.awards[-1]
    )


def dated() -> SearchStrategy[Dated]:
    """Amounts by effective date (e.g. the base salary): one to three dates.

    >>> from hypothesis import find
    >>> len(find(dated(), lambda d: True).values)
    1
    """
    days = st.dates(datetime.date(2015, 1, 1), datetime.date(2030, 12, 31))
    return st.dictionaries(days, st.integers(1, 10_000_000), min_size=1, max_size=3).map(Dated)


def amounts() -> SearchStrategy[Amount]:
    """Money amounts: a decimal multiplier of a dated base, with a rounding.

    >>> from hypothesis import find
    >>> find(amounts(), lambda a: True).rounding
    'none'
    """
    multipliers = st.decimals(Decimal("0.1"), Decimal("20"), places=2)
    roundings = st.sampled_from(["none", "up_10000", "nearest_10000"])
    return st.builds(lambda m, b, r: Amount(m, b, rounding=r), multipliers, dated(), roundings)


def ordinals() -> SearchStrategy[Ordinal]:
    """Ordinal scales of two to five distinct level names, worst first.

    >>> from hypothesis import find
    >>> len(find(ordinals(), lambda o: len(o.levels) == 3).levels)
    3
    """
    level = st.text(_ALPHABET, min_size=1, max_size=8).map(str.strip).filter(bool)
    return st.lists(level, min_size=2, max_size=5, unique_by=nfc).map(Ordinal)


def revocations(
    units: Sequence[str] = ("A", "B"), titles: Sequence[str] = ("LĐTT",)
) -> SearchStrategy[Revocation]:
    """Revocations of a title granted to one of ``units``, with the reason.

    >>> from hypothesis import find
    >>> find(revocations(), lambda r: True).title
    'LĐTT'
    """
    return st.builds(
        Revocation,
        st.sampled_from(_names("units", units)),
        st.sampled_from(_names("titles", titles)),
        st.integers(2015, 2030),
        st.sampled_from(["fraud", "Decision 12/QĐ"]),
    )


# -- judging -------------------------------------------------------------------------


@st.composite
def _panels(draw: st.DrawFn, judges: tuple[str, ...]) -> Panel:
    method = draw(st.sampled_from(["mean", "median", "trimmed"]))
    weights: Any = None
    if method == "mean" and draw(st.booleans()):
        w = st.integers(0, 4).map(float) | st.floats(0.1, 3)
        ws = draw(st.lists(w, min_size=len(judges), max_size=len(judges)))
        if not any(x > 0 for x in ws):
            ws[0] = 1.0
        weights = dict(zip(judges, ws, strict=True)) if draw(st.booleans()) else ws
    deviation = draw(st.sampled_from(["mad", "outside"]))
    top = 1.0 if deviation == "outside" else 5.0
    return Panel(
        method,
        trim=draw(st.integers(0, (len(judges) - 1) // 2)) if method == "trimmed" else None,
        weights=weights,
        min_scores=draw(st.integers(1, len(judges))),
        exclude_self=draw(st.booleans()),
        deviation=deviation,
        threshold=draw(st.none() | st.floats(0, top)),
    )


def panels(judges: Sequence[str] = ("J1", "J2", "J3", "J4", "J5")) -> SearchStrategy[Panel]:
    """Judging panels for ``judges``: mean (weighted by position or by judge id),
    median or trimmed mean, with a minimum of scores, self-exclusion and a
    deviation threshold.

    >>> from hypothesis import find
    >>> find(panels(), lambda p: p.method == "trimmed").trim
    0
    """
    return _panels(_names("judges", judges))


# -- rotations -----------------------------------------------------------------------

_FRESH_IDS = ("Tỉnh mới", "Đơn vị X", "Huế", "Lâm Đồng mới", "Khánh Hòa 2")


@st.composite
def _rotations(
    draw: st.DrawFn,
    units: SearchStrategy[Sequence[str]],
    since: int,
    span: int,
    policies: tuple[str, ...],
    eligible: SearchStrategy[Condition] | None,
    with_changes: bool,
) -> Rotation:
    members = [nfc(u) for u in draw(units)]
    kind = draw(st.sampled_from(policies))
    policy: FixedCycle | BestRanked | Elected
    if kind == "cycle":
        policy = FixedCycle(since, draw(st.sampled_from(members)))
    elif kind == "best":
        policy = BestRanked()
    else:
        policy = Elected(draw(rankings(["votes"], lot=True, max_keys=1)))
    current = list(members)
    fresh = [u for u in _FRESH_IDS if u not in current]
    changes: list[Join | Leave | Merge | Rename] = []
    period = since
    for _ in range(draw(st.integers(0, 3)) if with_changes else 0):
        period += draw(st.integers(1, 2))
        if period > since + span:
            break
        what = draw(st.sampled_from(["join", "leave", "rename", "merge"]))
        if what == "join" and fresh:
            unit = fresh.pop(0)
            changes.append(Join(unit, period, goes=draw(st.sampled_from(["next", "last"]))))
            current.append(unit)
        elif what == "leave" and len(current) > 2:
            unit = draw(st.sampled_from(current))
            changes.append(Leave(unit, period, note="rời cụm"))
            current.remove(unit)
        elif what == "rename" and fresh:
            old, new = draw(st.sampled_from(current)), fresh.pop(0)
            changes.append(Rename(old, new, period))
            current[current.index(old)] = new
        elif what == "merge" and len(current) > 2:
            absorbed = draw(st.lists(st.sampled_from(current), min_size=1, max_size=2, unique=True))
            into = draw(st.sampled_from(current))
            changes.append(Merge(absorbed, into, period))
            current = [u for u in current if u not in absorbed or u == into]
            if into not in current:
                current.append(into)
    overrides = []
    if draw(st.booleans()):
        p = since + draw(st.integers(0, span))
        if not changes or p < changes[0].period:
            overrides.append(
                Override(p, leader=draw(st.sampled_from(members)), reason="giao nhiệm vụ")
            )
    n = len(members)
    deputy: bool | Literal["required"] = (
        draw(st.sampled_from([True, False, "required"])) if n > 1 else False
    )
    return Rotation(
        members,
        policy,
        since=since,
        deputy=deputy,
        deputy_succeeds=bool(deputy) and draw(st.booleans()),
        cooldown=draw(st.integers(0, max(0, min(n, len(current)) - 2))),
        eligible=None if eligible is None else draw(st.none() | eligible),
        changes=changes,
        overrides=overrides,
        led_before=draw(
            st.dictionaries(
                st.sampled_from(members),
                st.lists(st.integers(since - 5, since - 1), min_size=1, max_size=2, unique=True),
                max_size=2,
            )
        ),
        cluster=draw(st.none() | st.builds(ClusterId, st.just("BCA"), st.integers(1, 9))),
    )


def rotations(
    *,
    units: SearchStrategy[Sequence[str]] | None = None,
    since: int = 2020,
    span: int = 5,
    policies: Sequence[Literal["cycle", "best", "elected"]] = ("cycle", "best", "elected"),
    eligible: SearchStrategy[Condition] | None = None,
    changes: bool = True,
) -> SearchStrategy[Rotation]:
    """Leader rotations of ``units`` from ``since``: a fixed cycle, the best ranked
    or an election (ranked on a ``"votes"`` key, ending with a lot); cooldowns,
    deputies, joins, leaves, renames and mergers within ``span`` periods, an
    override, periods led before, an ``eligible`` condition drawn from
    ``eligible``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(rotations(policies=["cycle"]))
    ... def test(rotation):
    ...     assert rotation.members_at(rotation.since) == tuple(sorted(rotation.members))
    >>> test()
    """
    return _rotations(
        unit_ids(min_size=2, max_size=5, nfd=False) if units is None else units,
        since,
        span,
        tuple(policies),
        eligible,
        changes,
    )


def cluster_ids() -> SearchStrategy[ClusterId]:
    """Cluster ids: a system and a number or a name.

    >>> from hypothesis import find
    >>> find(cluster_ids(), lambda c: isinstance(c.number, str)).number
    '0'
    """
    systems = st.sampled_from(["BCA", "UBND", "Bộ Tài chính"])
    return st.builds(
        ClusterId, systems, st.integers(1, 20) | st.text("0123456789ABC", min_size=1, max_size=3)
    )


def rules() -> SearchStrategy[Any]:
    """Any rule object of the library, for properties that hold of every rule
    (e.g. saving to JSON and loading back).

    >>> import attrs
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(rules())
    ... def test(rule):
    ...     assert attrs.has(type(rule))
    >>> test()
    """
    cols = ("x", "y")
    return st.one_of(
        scales(),
        criteria(cols),
        scorecards(cols),
        keys(cols, of=(None, "scores", "table")),
        lots(),
        rankings(cols, pairwise=("pts", "gd")),
        windows(("BK",)),
        conditions(
            titles=("LĐTT", "BK"),
            facts=("months",),
            ordinals={"rating": ("KHTNV", "HTNV", "HTTNV")},
            columns=cols,
            scores=("total",),
            rank=True,
            votes=("yes", "present"),
        ),
        conditions(titles=("TTLĐXS",), members_of={"titles": ("LĐTT", "CSTĐCS")}),
        quotas(of=("LĐTT",), per=("team",)),
        award_schemes(facts=("months",), scores=("total",)),
        awards(scores=("total",)),
        dated(),
        amounts(),
        ordinals(),
        revocations(),
        panels(),
        rotations(eligible=conditions(titles=("KL",), max_leaves=2)),
        cluster_ids(),
    )
