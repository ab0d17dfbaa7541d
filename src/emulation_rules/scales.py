"""Scales: how a raw metric becomes a fraction of a criterion's points.

Every scale maps a raw value to a fraction in ``[0, 1]`` where 1 is best.
Lower-is-better is a property of the :class:`~emulation_rules.Criterion`, and
every scale documents the one formula it uses in that case.

*Absolute* scales depend only on the unit's own value: :class:`Linear`,
:class:`Target`, :class:`Steps`, :class:`PiecewiseLinear`.
*Relative* scales depend on the population being scored (per scenario when
the column has batch axes): :class:`MinMax`, :class:`Vector`, :class:`Sum`,
:class:`ZScore`, :class:`ByRank`. Units with a missing value are left out of
the population a relative scale normalises over.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any, ClassVar, Literal

import attrs
import numpy as np

from . import _kernels as K
from ._names import listing
from ._repr import code_repr
from ._sums import exact_sum
from .errors import DataError, DataTypeError, RuleError, RuleTypeError
from .types import BoolArray, FloatArray

__all__ = [
    "ByRank",
    "Linear",
    "MinMax",
    "PiecewiseLinear",
    "Scale",
    "Steps",
    "Sum",
    "Target",
    "Vector",
    "ZScore",
]


def _finite(inst: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value):
        raise RuleError(
            f"{type(inst).__name__}: {attribute.name} must be a finite number (got {value!r})"
        )


def _float(x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
        raise RuleError(f"expected a number, got {x!r} ({type(x).__name__})")
    return float(x)


def _span(where: str, low: float, high: float) -> None:
    """Refuse a span whose size or inverse overflows a float: the scale would be flat or NaN."""
    with np.errstate(over="ignore", divide="ignore"):
        span = np.float64(high) - np.float64(low)
        inv = 2.0 * K.MAX_TICKS / span
    if not (np.isfinite(span) and np.isfinite(inv)):
        raise RuleError(
            f"{where}: the span from {low!r} to {high!r} is {float(span)!r}, too "
            f"{'large' if not np.isfinite(span) else 'small'} for float arithmetic (its size, "
            "and 2**41 ticks over it, must stay below 1.8e308); rescale the metric"
        )


def _fraction(where: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise RuleError(f"{where} must be a fraction in [0, 1] (got {value!r})")


class Scale:
    """Base of the built-in scales (not for subclassing outside this library).

    A scale is compiled against the population it scores into a kernel that
    the scoring engine runs chunk by chunk over the units.
    """

    relative: ClassVar[bool] = False
    #: How many leading fields the repr shows by position.
    _positional: ClassVar[int] = 1

    def __repr__(self) -> str:
        return code_repr(self, self._positional)

    def check_direction(self, lower_is_better: bool, where: str) -> None:
        """Raise :class:`RuleError` if the scale cannot be used in that direction."""

    def compile(
        self, x: FloatArray, lower_is_better: bool, missing: BoolArray | None
    ) -> K.ScaleKernel:  # pragma: no cover - every scale overrides it
        raise NotImplementedError

    def fraction(self, x: FloatArray, *, lower_is_better: bool = False) -> FloatArray:
        """The fraction in ``[0, 1]`` earned by each value of ``x`` (NaN stays NaN).

        Examples
        --------
        >>> Linear(0, 10).fraction(np.array([-1.0, 2.5, 12.0]))
        array([0.  , 0.25, 1.  ])
        >>> Linear(0, 10).fraction(np.array([2.5]), lower_is_better=True)
        array([0.75])
        """
        if not isinstance(lower_is_better, bool | np.bool_):
            raise RuleTypeError(
                f"{self!r}.fraction: lower_is_better must be a bool (got {lower_is_better!r})"
            )
        self.check_direction(bool(lower_is_better), repr(self))
        try:
            if np.asarray(x).dtype.kind not in "biufO":  # not complex, text or dates
                raise TypeError
            x = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataTypeError(
                f"{self!r}.fraction takes an array of numbers (got {type(x).__name__})"
            ) from None
        if x.ndim == 0:
            raise DataError(
                f"{self!r}.fraction takes an array with one value per unit (got a single value)"
            )
        if np.isinf(x).any():
            raise DataError(f"{self!r}.fraction: the values hold infinity; give finite numbers")
        missing = np.isnan(x)
        kernel = self.compile(x, lower_is_better, missing if missing.any() else None)
        out = np.empty(x.shape)
        with np.errstate(over="ignore"):  # far outside the range: +-inf, then clipped
            kernel.apply(x, 1.0, out, slice(None))
        out[missing] = np.nan
        return out


def _float_field(**kw: Any) -> Any:
    return attrs.field(converter=_float, validator=_finite, **kw)


@attrs.frozen(repr=False)
class Linear(Scale):
    """Linear between two bounds, clipped: 0 at one bound, 1 at the other.

    Higher is better: ``(x - low) / (high - low)``.
    Lower is better: ``(high - x) / (high - low)`` -- the bounds read from
    worst to best are then ``high`` to ``low``.

    Examples
    --------
    >>> Linear(50, 100).fraction(np.array([40.0, 75.0, 100.0]))
    array([0. , 0.5, 1. ])
    """

    _positional: ClassVar[int] = 2
    low: float = _float_field()
    high: float = _float_field()

    def __attrs_post_init__(self) -> None:
        if not self.low < self.high:
            raise RuleError(
                f"Linear needs low < high (got low={self.low}, high={self.high}); for a metric "
                "where lower is better keep low < high and set lower_is_better=True on the criterion"
            )
        _span("Linear", self.low, self.high)

    def compile(
        self, x: FloatArray, lower_is_better: bool, missing: BoolArray | None
    ) -> K.ScaleKernel:
        span = self.high - self.low
        if lower_is_better:
            return K.Shift(self.high, -1.0 / span)
        return K.Shift(self.low, 1.0 / span)


@attrs.frozen(repr=False)
class Target(Scale):
    """A rate or amount against a target: full points once the target is met.

    Below the target a unit earns either a proportional share
    (``below="proportional"``, linear from ``zero_at`` to the target) or
    nothing (``below="zero"``). With ``below="zero"``, ``strict=True`` makes
    the target itself not enough (``> 75 %`` rather than ``>= 75 %``).

    Higher is better: full at ``x >= target``; proportional
    ``(x - zero_at) / (target - zero_at)`` with ``zero_at`` defaulting to 0.
    Lower is better: full at ``x <= target``; proportional
    ``(zero_at - x) / (zero_at - target)``, where ``zero_at`` (> target) must
    be given.

    Examples
    --------
    The clearance rate of social-order crimes against the National Assembly's
    75 % target:

    >>> Target(0.75).fraction(np.array([0.60, 0.75, 0.862]))
    array([0.8, 1. , 1. ])
    >>> Target(0.75, below="zero", strict=True).fraction(np.array([0.75, 0.7501]))
    array([0., 1.])

    References
    ----------
    Target derived from the 2024 Government report (83.48 % was 8.48 points
    above the target); cited in ``docs/sources.md``.
    """

    target: float = _float_field()
    below: Literal["proportional", "zero"] = attrs.field(default="proportional", kw_only=True)
    strict: bool = attrs.field(default=False, kw_only=True)
    zero_at: float | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.below, str) or self.below not in ("proportional", "zero"):
            raise RuleError(f"Target: below must be 'proportional' or 'zero' (got {self.below!r})")
        if self.strict and self.below == "proportional":
            raise RuleError(
                "Target: strict=True changes nothing with below='proportional' (at the target the "
                "proportional share is already full); use below='zero' for a strict threshold"
            )
        if self.zero_at is not None:
            object.__setattr__(self, "zero_at", _float(self.zero_at))
            if self.below == "zero":
                raise RuleError("Target: zero_at only applies with below='proportional'")

    def check_direction(self, lower_is_better: bool, where: str) -> None:
        if self.below != "proportional":
            return
        z = self.zero_at
        if not lower_is_better and z is None and not self.target > 0:
            raise RuleError(
                f"{where}: a Target of {self.target} with proportional points needs zero_at "
                "(the value that earns nothing, below the target): the default 0 is not below it"
            )
        if lower_is_better and (z is None or not z > self.target):
            raise RuleError(
                f"{where}: a lower-is-better Target with proportional points needs zero_at > "
                f"target (the value that earns nothing); got zero_at={z!r}, target={self.target}"
            )
        if not lower_is_better and z is not None and not z < self.target:
            raise RuleError(
                f"{where}: zero_at must be below the target when higher is better "
                f"(got zero_at={z}, target={self.target})"
            )
        zero = 0.0 if z is None else z
        _span(f"{where}: Target", *sorted((zero, self.target)))

    def compile(
        self, x: FloatArray, lower_is_better: bool, missing: BoolArray | None
    ) -> K.ScaleKernel:
        t = self.target
        if self.below == "zero":
            one = np.array([0.0, 1.0])
            if lower_is_better:
                # Reached when x <= t (or x < t): count of {t} that are >= x (> x).
                side = "right" if self.strict else "left"
                return K.Steps(np.array([t]), one, side, reverse=True)
            return K.Steps(np.array([t]), one, "left" if self.strict else "right", reverse=False)
        if lower_is_better:
            z = float(self.zero_at)  # type: ignore[arg-type]
            return K.Shift(z, -1.0 / (z - t))
        z = 0.0 if self.zero_at is None else self.zero_at
        return K.Shift(z, 1.0 / (t - z))


def _bands(value: Sequence[Sequence[float]]) -> tuple[tuple[float, float], ...]:
    try:
        out = tuple((_float(a), _float(b)) for a, b in value)
    except (TypeError, ValueError) as exc:
        raise RuleError(
            f"Steps takes a sequence of (threshold, fraction) pairs (got {value!r})"
        ) from exc
    return out


@attrs.frozen(repr=False)
class Steps(Scale):
    """Bands: a unit earns the fraction of the best threshold it reaches.

    ``bands`` are ``(threshold, fraction)`` pairs listed from worst to best.
    Higher is better: a threshold is reached when ``x >= threshold`` (``>``
    with ``strict=True``) and thresholds must increase. Lower is better:
    reached when ``x <= threshold`` (``<``) and thresholds must decrease.
    Fractions must not decrease from worst to best; below every threshold a
    unit earns ``otherwise`` (default 0).

    Examples
    --------
    A 100-point assessment form: 70-90 points for one grade, 91-100 for the
    higher one.

    >>> s = Steps([(70, 0.5), (91, 1.0)])
    >>> s.fraction(np.array([69.0, 70.0, 90.0, 91.0]))
    array([0. , 0.5, 0.5, 1. ])
    """

    bands: tuple[tuple[float, float], ...] = attrs.field(converter=_bands)
    strict: bool = attrs.field(default=False, kw_only=True)
    otherwise: float = attrs.field(default=0.0, kw_only=True, converter=_float)

    def __attrs_post_init__(self) -> None:
        if not self.bands:
            raise RuleError("Steps needs at least one (threshold, fraction) band")
        fr = [f for _, f in self.bands]
        for i, (t, f) in enumerate(self.bands):
            if not math.isfinite(t):
                raise RuleError(f"Steps: threshold {i} must be finite (got {t})")
            _fraction(f"Steps: fraction of band {i}", f)
        _fraction("Steps: otherwise", self.otherwise)
        if any(b < a for a, b in itertools.pairwise([self.otherwise, *fr])):
            raise RuleError(
                f"Steps: fractions must not decrease from the worst band to the best "
                f"(got otherwise={self.otherwise}, fractions={tuple(fr)}); list bands worst first"
            )

    def check_direction(self, lower_is_better: bool, where: str) -> None:
        t = [a for a, _ in self.bands]
        ok = (
            all(b < a for a, b in itertools.pairwise(t))
            if lower_is_better
            else all(b > a for a, b in itertools.pairwise(t))
        )
        if not ok:
            need = "decrease (lower is better)" if lower_is_better else "increase"
            raise RuleError(
                f"{where}: Steps thresholds are listed from worst to best, so they must strictly "
                f"{need}; got {tuple(t)}"
            )

    def compile(self, x: FloatArray, lower_is_better: bool, missing: BoolArray | None) -> K.Steps:
        thr = np.array([a for a, _ in self.bands])
        vals = np.array([self.otherwise, *(f for _, f in self.bands)])
        if lower_is_better:
            side = "right" if self.strict else "left"
            return K.Steps(thr[::-1].copy(), vals, side, reverse=True)
        return K.Steps(thr, vals, "left" if self.strict else "right", reverse=False)


@attrs.frozen(repr=False)
class PiecewiseLinear(Scale):
    """Straight lines between ``(value, fraction)`` points; flat beyond the ends.

    The fractions are given explicitly for each raw value, so lower-is-better
    does not change the formula: it declares the direction, and the fractions
    must then not increase with the value (and not decrease otherwise).

    Examples
    --------
    >>> p = PiecewiseLinear([(0.5, 0.0), (0.75, 0.8), (0.9, 1.0)])
    >>> p.fraction(np.array([0.4, 0.625, 0.825, 0.95]))
    array([0. , 0.4, 0.9, 1. ])
    """

    points: tuple[tuple[float, float], ...] = attrs.field(converter=_bands)

    def __attrs_post_init__(self) -> None:
        if len(self.points) < 2:
            raise RuleError("PiecewiseLinear needs at least two (value, fraction) points")
        xs = [a for a, _ in self.points]
        for i, (x, f) in enumerate(self.points):
            if not math.isfinite(x):
                raise RuleError(f"PiecewiseLinear: value of point {i} must be finite (got {x})")
            _fraction(f"PiecewiseLinear: fraction of point {i}", f)
        if any(b <= a for a, b in itertools.pairwise(xs)):
            raise RuleError(f"PiecewiseLinear: values must strictly increase (got {tuple(xs)})")
        for a, b in itertools.pairwise(xs):
            _span("PiecewiseLinear", a, b)

    def check_direction(self, lower_is_better: bool, where: str) -> None:
        fs = [f for _, f in self.points]
        pairs = list(itertools.pairwise(fs))
        bad = any(b > a for a, b in pairs) if lower_is_better else any(b < a for a, b in pairs)
        if bad:
            direction = (
                "must not increase (lower is better)"
                if lower_is_better
                else ("must not decrease (higher is better; set lower_is_better=True otherwise)")
            )
            raise RuleError(f"{where}: PiecewiseLinear fractions {direction}; got {tuple(fs)}")

    def compile(self, x: FloatArray, lower_is_better: bool, missing: BoolArray | None) -> K.Interp:
        return K.Interp(
            np.array([a for a, _ in self.points]), np.array([f for _, f in self.points])
        )


# -- relative scales ----------------------------------------------------------


# Population statistics per scenario row (keepdims, so they broadcast over units).
# Missing values are NaN in the column; the fmin/fmax reductions and the exact sum
# skip them without copying the column, and an empty or all-missing row gives a
# harmless value. Sums are exact and correctly rounded (:mod:`._sums`): the same bits
# in any order of the units and for any split of them into pieces, so a statistic
# gathered piece by piece (``emulation_rules.analysis.score_dask``) is the one
# computed here, and no total on a rounding boundary can flip with the chunking.
#
# A population gathered elsewhere (the partitions of a data frame) is given through
# ``_POPULATION``: each reduction then asks it, in the order compile() takes them.

#: The population the reductions below describe, when it is not the array at hand.
_POPULATION: ContextVar[Any] = ContextVar("emulation_rules_population", default=None)


def _pop_min(x: FloatArray) -> FloatArray:
    pop = _POPULATION.get()
    if pop is not None:
        return np.asarray(pop.reduce("min", x, None))
    return np.asarray(np.fmin.reduce(x, axis=-1, keepdims=True, initial=np.inf))


def _pop_max(x: FloatArray) -> FloatArray:
    pop = _POPULATION.get()
    if pop is not None:
        return np.asarray(pop.reduce("max", x, None))
    return np.asarray(np.fmax.reduce(x, axis=-1, keepdims=True, initial=-np.inf))


def _pop_sum(x: FloatArray) -> FloatArray:
    pop = _POPULATION.get()
    if pop is not None:
        return np.asarray(pop.reduce("sum", x, None))
    return exact_sum(x)


def _pop_count(x: FloatArray, missing: BoolArray | None) -> FloatArray:
    pop = _POPULATION.get()
    if pop is not None:
        return np.asarray(pop.reduce("count", x, missing))
    n = x.shape[-1]
    if missing is None:
        return np.full((*x.shape[:-1], 1), float(n))
    return np.asarray(n - missing.sum(axis=-1, keepdims=True), dtype=np.float64)


class _UnitValuesError(DataError):
    """A scale refused the values of some units; :attr:`positions` says which.

    The scale only sees an array, so its message names positions; the scoring
    engine, which knows the units, re-words it with :meth:`naming` their ids.
    """

    def __init__(self, template: str, positions: Sequence[int]) -> None:
        self.template = template
        self.positions = tuple(positions)
        super().__init__(template.format(who=f"the values at positions {listing(self.positions)}"))

    def naming(self, units: Sequence[str]) -> str:
        """The message with the units named by id."""
        ids = [units[i] for i in self.positions]
        who = f"unit{'s' if len(ids) != 1 else ''} {listing(ids)}"
        return self.template.format(who=who)


def _nonnegative(
    scale: str, x: FloatArray, missing: BoolArray | None, strict: bool = False
) -> None:
    bad = (x <= 0) if strict else (x < 0)
    if missing is not None:
        bad &= ~missing
    if bad.any():
        idx = np.flatnonzero(bad.reshape(-1, x.shape[-1]).any(axis=0)).tolist()
        need = "positive" if strict else "non-negative"
        raise _UnitValuesError(
            f"{scale} needs {need} values, but {{who}} "
            f"{'are not positive' if strict else 'are negative'}: use MinMax or Linear instead",
            idx,
        )


@attrs.frozen(repr=False)
class MinMax(Scale):
    """Min-max normalisation over the population.

    Higher is better: ``(x - min) / (max - min)``; lower is better:
    ``(max - x) / (max - min)``. When every unit has the same value, every
    unit gets the full fraction.

    Examples
    --------
    >>> MinMax().fraction(np.array([2.0, 4.0, 3.0]))
    array([0. , 1. , 0.5])
    """

    relative: ClassVar[bool] = True

    def compile(
        self, x: FloatArray, lower_is_better: bool, missing: BoolArray | None
    ) -> K.ScaleKernel:
        lo, hi = _pop_min(x), _pop_max(x)
        with np.errstate(invalid="ignore", over="ignore"):
            span = hi - lo
            flat = ~(span > 0)
            safe = np.where(flat, 1.0, span)
            inv = 1.0 / safe
        origin = np.where(flat, 0.0, hi if lower_is_better else lo)
        if _usable(inv) and bool(np.all(np.isfinite(span) | flat)):
            scale = np.where(flat, 0.0, -inv if lower_is_better else inv)
            # No spread: scale 0 and offset 1 give every unit the full fraction.
            offset = np.where(flat, 1.0, 0.0) if flat.any() else None
            return K.Shift(origin, scale, offset)
        # A spread past the float limit (1e308 - -1e308 overflows: halve every value
        # first, exactly) or so small that its inverse would (divide instead).
        with np.errstate(invalid="ignore", over="ignore"):
            h = np.where(np.isfinite(span), 1.0, 0.5)
            den = np.where(flat, 1.0, hi * h - lo * h)
            frac = (x * h - origin * h) / (-den if lower_is_better else den)
        return K.Dense(np.where(flat, 1.0, np.clip(frac, 0.0, 1.0)))


def _usable(inv: FloatArray) -> bool:
    """Whether a kernel may multiply by ``inv`` and then by up to MAX_TICKS points."""
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(inv * (2.0 * K.MAX_TICKS)).all())


def _pow2_above(m: FloatArray) -> FloatArray:
    """A power of two within a factor 2 of ``m`` (> 0): dividing by it is exact and
    brings values of at most ``m`` into [0, 2)."""
    _, e = np.frexp(np.where(np.isfinite(m) & (m > 0), m, 1.0))
    return np.asarray(np.ldexp(1.0, e - 1))


@attrs.frozen(repr=False)
class Vector(Scale):
    """Vector normalisation: ``x / sqrt(sum(x**2))`` over the population.

    Lower is better: ``1 - x / sqrt(sum(x**2))``. Values must be non-negative;
    a population of zeros gives ``x / norm = 0``.

    Examples
    --------
    >>> Vector().fraction(np.array([3.0, 4.0]))
    array([0.6, 0.8])
    """

    relative: ClassVar[bool] = True

    def compile(
        self, x: FloatArray, lower_is_better: bool, missing: BoolArray | None
    ) -> K.ScaleKernel:
        _nonnegative("Vector", x, missing)
        with np.errstate(over="ignore", under="ignore"):
            sq = _pop_sum(x * x)
        # Squares overflow past 1.3e154 and lose their precision below 1e-146: there the
        # norm is taken of the values divided by a power of two near the largest.
        if np.all(np.isfinite(sq) & ((sq > 2.0**-968) | (sq == 0) & (_pop_max(x) <= 0))):
            norm = np.sqrt(sq)
            inv = np.where(norm > 0, 1.0 / np.where(norm > 0, norm, 1.0), 0.0)
            if lower_is_better:
                return K.Shift(0.0, -inv, np.ones_like(inv))
            return K.Shift(0.0, inv)
        with np.errstate(under="ignore"):
            xs = x / _pow2_above(_pop_max(x))
            norm = np.sqrt(_pop_sum(xs * xs))
            frac = np.where(norm > 0, xs / np.where(norm > 0, norm, 1.0), 0.0)
        frac = np.clip(frac, 0.0, 1.0)
        if lower_is_better:
            return K.Dense(1.0 - frac, K.NOISE)
        return K.Dense(frac)


@attrs.frozen(repr=False)
class Sum(Scale):
    """Sum normalisation: ``x / sum(x)`` over the population.

    Lower is better: ``(1 / x) / sum(1 / x)``, which needs positive values.
    Higher is better needs non-negative values; a population summing to 0
    gives 0.

    Examples
    --------
    >>> Sum().fraction(np.array([1.0, 3.0]))
    array([0.25, 0.75])
    >>> Sum().fraction(np.array([1.0, 3.0]), lower_is_better=True)
    array([0.75, 0.25])
    """

    relative: ClassVar[bool] = True

    def compile(
        self, x: FloatArray, lower_is_better: bool, missing: BoolArray | None
    ) -> K.ScaleKernel:
        if lower_is_better:
            _nonnegative("Sum (lower is better)", x, missing, strict=True)
            # min / x rather than 1 / x: in (0, 1], so no reciprocal of 5e-324 overflows.
            with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
                recip = _pop_min(x) / x
                return K.Dense(np.clip(recip / _pop_sum(recip), 0.0, 1.0))
        _nonnegative("Sum", x, missing)
        with np.errstate(over="ignore", divide="ignore"):
            total = _pop_sum(x)
            inv = np.where(total > 0, 1.0 / np.where(total > 0, total, 1.0), 0.0)
        if np.all(np.isfinite(total)) and _usable(inv):
            return K.Shift(0.0, inv)
        # A total past the float limit, or so small that its inverse overflows: the
        # values divided by a power of two near the largest first.
        with np.errstate(under="ignore", invalid="ignore"):
            xs = x / _pow2_above(_pop_max(x))
            ts = _pop_sum(xs)
            frac = np.where(ts > 0, xs / np.where(ts > 0, ts, 1.0), 0.0)
        return K.Dense(np.clip(frac, 0.0, 1.0))


#: ZScore takes the statistics of the values themselves when every value and every
#: non-zero spread lies within [2**-480, 2**480] (their squares, summed over 2**30 units,
#: stay finite and normal); beyond, those of (x - min) / (max - min).
_WELL_SCALED = 2.0**480


@attrs.frozen(repr=False)
class ZScore(Scale):
    """Standard score mapped linearly onto [0, 1].

    ``z = (x - mean) / std`` (population standard deviation); the fraction is
    ``0.5 + z / (2 * spread)`` clipped to [0, 1], so the mean earns half and
    ``spread`` standard deviations above it earn everything. Lower is better
    uses ``-z``. When every unit has the same value, every unit earns 0.5.

    Examples
    --------
    >>> ZScore(spread=2).fraction(np.array([1.0, 2.0, 3.0]))
    array([0.1938..., 0.5 , 0.8061...])
    """

    relative: ClassVar[bool] = True
    spread: float = attrs.field(default=3.0, kw_only=True, converter=_float)

    def __attrs_post_init__(self) -> None:
        if not (math.isfinite(self.spread) and self.spread > 0):
            raise RuleError(f"ZScore: spread must be a positive number (got {self.spread})")

    def compile(
        self, x: FloatArray, lower_is_better: bool, missing: BoolArray | None
    ) -> K.ScaleKernel:
        count = np.maximum(_pop_count(x, missing), 1.0)
        lo, hi = _pop_min(x), _pop_max(x)
        sign = -1.0 if lower_is_better else 1.0
        with np.errstate(over="ignore", invalid="ignore"):
            span = hi - lo
            size = np.maximum(np.abs(lo), np.abs(hi))
        if np.all(size <= _WELL_SCALED) and np.all((span == 0) | (span >= 1 / _WELL_SCALED)):
            # Values of ordinary size: no square or sum can overflow or vanish, so the
            # statistics of x itself, and a kernel applied chunk by chunk.
            mean = _pop_sum(x) / count
            std = np.sqrt(_pop_sum((x - mean) ** 2) / count)
            # Equal values have no spread, however the float mean rounds.
            ok = (span > 0) & (std > 0)
            a = np.where(ok, sign / (2 * self.spread * np.where(ok, std, 1.0)), 0.0)
            return K.Shift(np.where(ok, mean, 0.0), a, np.full_like(a, 0.5))
        # The statistics of u = (x - min) / (max - min), in [0, 1]: no sum or square
        # overflows near the float limits, and a spread of 5e-324 is as good as one of
        # 1 (x - min is exact there). The spread itself overflows past 1.8e308: halve
        # every value first, exactly.
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            span = hi - lo
            ok = span > 0
            h = np.where(np.isfinite(span), 1.0, 0.5)
            u = (x * h - lo * h) / np.where(ok, hi * h - lo * h, 1.0)
            mean = _pop_sum(u) / count
            d = u - mean
            std = np.sqrt(_pop_sum(d * d) / count)
        # Equal values have no spread, however the float mean rounds.
        ok &= std > 0
        a = np.where(ok, sign / (2 * self.spread * np.where(ok, std, 1.0)), 0.0)
        d *= a
        d += 0.5
        np.clip(d, 0.0, 1.0, out=d)
        return K.Dense(d, K.NOISE)


def _fractions(value: Sequence[float]) -> tuple[float, ...]:
    try:
        return tuple(_float(v) for v in value)
    except TypeError as exc:  # pragma: no cover - _float raises RuleError first
        raise RuleError(f"ByRank takes a sequence of fractions (got {value!r})") from exc


@attrs.frozen(repr=False)
class ByRank(Scale):
    """Points by rank: the unit in place ``r`` earns ``fractions[r - 1]``.

    Places are counted best first among the units with a value (highest
    first, or lowest first when lower is better); places past the list earn
    ``rest``. Tied units share: with ``ties="share_best"`` they all earn the
    fraction of the best place they span (competition ranking, 1-2-2-4); with
    ``ties="average"`` the mean of the fractions of the places they span.

    Examples
    --------
    >>> ByRank([1.0, 0.8, 0.6]).fraction(np.array([7.0, 9.0, 7.0, 1.0]))
    array([0.8, 1. , 0.8, 0. ])
    >>> ByRank([1.0, 0.8, 0.6], ties="average").fraction(np.array([7.0, 9.0, 7.0, 1.0]))
    array([0.7, 1. , 0.7, 0. ])
    """

    relative: ClassVar[bool] = True
    fractions: tuple[float, ...] = attrs.field(converter=_fractions)
    ties: Literal["share_best", "average"] = attrs.field(default="share_best", kw_only=True)
    rest: float = attrs.field(default=0.0, kw_only=True, converter=_float)

    def __attrs_post_init__(self) -> None:
        if not self.fractions:
            raise RuleError("ByRank needs the fraction earned by at least the first place")
        for i, f in enumerate(self.fractions):
            _fraction(f"ByRank: fraction of place {i + 1}", f)
        _fraction("ByRank: rest", self.rest)
        seq = [*self.fractions, self.rest]
        if any(b > a for a, b in itertools.pairwise(seq)):
            raise RuleError(
                f"ByRank: fractions must not increase from the first place down (got {seq})"
            )
        if not isinstance(self.ties, str) or self.ties not in ("share_best", "average"):
            raise RuleError(f"ByRank: ties must be 'share_best' or 'average' (got {self.ties!r})")

    def compile(self, x: FloatArray, lower_is_better: bool, missing: BoolArray | None) -> K.Dense:
        n = x.shape[-1]
        key = x if lower_is_better else -x
        if missing is not None:
            key = np.where(missing, np.inf, key)
        order, first, last = K.competition_positions(key)
        table = np.full(n + 1, self.rest)
        k = min(n, len(self.fractions))
        table[:k] = self.fractions[:k]
        if self.ties == "share_best":
            f_sorted = table[first]
        else:
            cum = np.concatenate([[0.0], np.cumsum(table[:n])])
            f_sorted = (cum[last + 1] - cum[first]) / (last - first + 1)
        out = np.empty(x.shape)
        np.put_along_axis(out, order, f_sorted, axis=-1)
        return K.Dense(out)
