"""Bare numpy kernels: no validation, no loops over units, never write to their inputs.

The rule classes validate and call these; benchmarks and property tests call
them directly too.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Protocol

import numpy as np

from .types import AnyArray, FloatArray, IntArray, RoundingMode

#: Tolerance, in ticks, within which a value counts as sitting exactly on a
#: rounding boundary. Decimal inputs are rarely exact in binary (2.675 is stored
#: as 2.67499999...); without it "half up" would round such a value down.
TICK_EPS = 2.0**-30

#: The tolerance also grows with the size of the numbers rounded: a float near
#: 5e8 ticks is only good to about 1e-7, far coarser than TICK_EPS.
TICK_REL = 2.0**-44


def tick_eps(bound: float) -> float:
    """The rounding tolerance for values of at most ``bound`` ticks."""
    return TICK_EPS + abs(bound) * TICK_REL


#: The most ticks a rounded value, a subtotal or a total may reach. Past it the
#: tolerance above grows towards half a tick (at 2**43 it is one half: "half up"
#: would then round by the tolerance, not by the value), while sums of ticks stay
#: exact in float64 up to 2**53 -- so 2**40 leaves room for 8192 items at the limit.
MAX_TICKS = 2**40


def tick_dtype(
    bound: float, what: str, error: type[Exception], hint: str = ""
) -> type[np.signedinteger[Any]]:
    """The narrowest signed integer dtype for tick counts in ``[-bound, bound]``.

    The one place where the width of ticks (or of a ranking key's codes) is
    chosen, so the one place that refuses a count past :data:`MAX_TICKS`: it
    raises ``error`` naming ``what`` and the limit rather than let a cast wrap.
    Narrow arrays are what keep the kept intermediates small: int16 item points
    take an eighth of the float64 column they came from.

    >>> tick_dtype(1000, "x", ValueError), tick_dtype(70000, "x", ValueError)
    (<class 'numpy.int16'>, <class 'numpy.int32'>)
    >>> tick_dtype(2**41, "criterion 'x'", ValueError)
    Traceback (most recent call last):
    ...
    ValueError: criterion 'x' reaches 2.19902e+12 ticks of the resolution, past the limit of 2**40 = 1099511627776 ticks that round exactly in double precision; give a coarser resolution or smaller points
    """
    if not abs(bound) <= MAX_TICKS:
        raise error(
            f"{what} reaches {abs(bound):.6g} ticks of the resolution, past the limit of "
            f"2**40 = {MAX_TICKS} ticks that round exactly in double precision; "
            + (hint or "give a coarser resolution or smaller points")
        )
    if bound < 2**15 - 1:
        return np.int16
    if bound < 2**31 - 1:
        return np.int32
    return np.int64


def ticks_per(resolution: float) -> float:
    """``1 / resolution``, as the exact integer it is meant to be where it is one (0.1 -> 10)."""
    t = 1.0 / resolution
    r = round(t)
    return float(r) if r >= 1 and abs(t - r) <= 1e-9 * t else t


def quantise(x: FloatArray, resolution: float, what: str, error: type[Exception]) -> IntArray:
    """Whole ticks of ``resolution`` of each value, rounded half up (int64).

    Ranking keys' quantiser, rounding with :func:`round_own` as scoring rounds
    a bonus or a deduction: each value with a tolerance of its own size,
    so that a decimal rounds as written however large it is (5498637.55 at
    0.1 is 5498637.6). "Half up" means towards +infinity: -2.5 ticks round to
    -2, and 2.5 to 3. Counts past :data:`MAX_TICKS` are refused by
    :func:`tick_dtype`, naming ``what``.

    >>> quantise(np.array([5498637.55, 5498637.6, -0.25, 0.25]), 0.1, "x", ValueError)
    array([54986376, 54986376,       -2,        3])
    """
    t = ticks_per(resolution)
    with np.errstate(over="ignore", invalid="ignore"):
        v = x * t if float(t).is_integer() else x / resolution
    # NaN never reaches here (callers refuse missing keys); inf does, when x / res overflows.
    lo, hi = float(np.min(v, initial=0.0)), float(np.max(v, initial=0.0))
    tick_dtype(max(-lo, hi), what, error, "give a coarser resolution")
    round_own(v, "half_up", out=v)
    return v.astype(np.int64)


def round_own(x: FloatArray, mode: RoundingMode, out: FloatArray | None = None) -> FloatArray:
    """:func:`round_ticks` with each value's own tolerance (it has no bound known in advance).

    What a bonus, a deduction and a ranking key's resolution round with. One
    temporary array, so that ranking 10**7 units stays within its memory.
    """
    eps = np.abs(x)
    eps *= TICK_REL
    eps += TICK_EPS
    if mode != "half_up":
        return round_ticks(x, mode, out=out, eps=eps)
    eps += 0.5
    out = np.add(x, eps, out=out)
    del eps
    np.floor(out, out=out)
    return out


def tick_value(ticks: int, resolution: float) -> float:
    """The float nearest ``ticks`` whole multiples of ``resolution`` read as a decimal.

    What an explanation shows: 54986376 ticks of 0.1 are 5498637.6, not the
    5498637.600000001 that ``54986376 * 0.1`` gives.

    >>> tick_value(54986376, 0.1), tick_value(3, 0.3)
    (5498637.6, 0.9)
    """
    return float(Fraction(int(ticks)) * Fraction(repr(float(resolution))))


def tick_values(ticks: IntArray, resolution: float) -> FloatArray:
    """:func:`tick_value` of every element: ``ticks * num / den`` with the resolution
    read as the decimal ``num / den`` it prints as, one correctly rounded division
    where the product is exact in a float (else one exact product per element).

    >>> tick_values(np.array([3, 54986376, -1]), 0.3)
    array([ 9.00000000e-01,  1.64959128e+07, -3.00000000e-01])
    """
    f = Fraction(repr(float(resolution)))
    q = np.asarray(ticks, dtype=np.int64)
    biggest = int(np.abs(q).max(initial=0)) if q.size else 0
    if biggest * f.numerator < 2**53:
        out: FloatArray = (q * f.numerator) / f.denominator
        return out
    flat = [float(Fraction(int(v)) * f) for v in q.ravel().tolist()]
    return np.array(flat, dtype=np.float64).reshape(q.shape)


#: Units per chunk: small enough that a chunk of every temporary stays in cache.
CHUNK = 1 << 14


def round_ticks(
    x: FloatArray,
    mode: RoundingMode,
    out: FloatArray | None = None,
    eps: float | FloatArray = TICK_EPS,
) -> FloatArray:
    """Round values measured in ticks to whole ticks (still as floats).

    A value within ``eps`` of a boundary counts as on it (see :func:`tick_eps`).

    >>> round_ticks(np.array([0.5, 1.5, 2.4999999999999, 2.4]), "half_up")
    array([1., 2., 3., 2.])
    >>> round_ticks(np.array([0.5, 1.5, 2.5]), "half_even")
    array([0., 2., 2.])
    """
    if out is None:
        out = np.empty_like(x)
    if mode == "half_up":
        np.add(x, np.add(0.5, eps), out=out)
        np.floor(out, out=out)
    elif mode == "down":
        np.add(x, eps, out=out)
        np.floor(out, out=out)
    elif mode == "up":
        np.subtract(x, eps, out=out)
        np.ceil(out, out=out)
    else:  # half_even
        f = np.floor(x)
        on_half = np.abs(x - f - 0.5) <= eps
        np.copyto(out, x)
        np.copyto(out, f + 0.5, where=on_half)
        np.rint(out, out=out)
    return out


#: The float noise of a fraction computed as a difference from a constant near 1
#: (``1 - x / norm``, ``0.5 + z / 6``): 16 units in the last place of 1.
NOISE = 2.0**-48


class ScaleKernel(Protocol):
    """A compiled scale: writes ``m * fraction(x)`` for a slice of units into ``out``.

    ``noise`` is how far from 0 a fraction that is 0 in exact arithmetic can land:
    :data:`NOISE` for a kernel that subtracts from a constant, 0 for one whose small
    fractions are as precise as the values they come from (``(x - min) / spread``).
    """

    noise: float

    def apply(self, x: FloatArray, m: float, out: FloatArray, sl: slice) -> None: ...


class Shift:
    """``fraction = clip((x - origin) * scale [+ offset], 0, 1)``.

    ``origin``, ``scale`` and ``offset`` are scalars or shaped ``(..., 1)`` (one
    per scenario). Subtracting the origin first makes the value at the origin
    exactly 0 -- the worst unit of a linear or min-max scale earns nothing,
    not 1e-16 of the points.
    """

    __slots__ = ("noise", "offset", "origin", "scale")

    def __init__(
        self,
        origin: float | FloatArray,
        scale: float | FloatArray,
        offset: float | FloatArray | None = None,
    ) -> None:
        self.origin, self.scale, self.offset = origin, scale, offset
        self.noise = 0.0 if offset is None else NOISE

    def apply(self, x: FloatArray, m: float, out: FloatArray, sl: slice) -> None:
        # A value far outside the scale's range may overflow to +-inf on the way: the
        # clip below saturates it to exactly what it earns (0 or everything). Callers run
        # kernels under np.errstate(over="ignore"), once, not once per chunk.
        np.subtract(x, self.origin, out=out)
        np.multiply(out, np.multiply(self.scale, m), out=out)
        if self.offset is not None:
            np.add(out, np.multiply(self.offset, m), out=out)
        # One clip is measurably faster than minimum + maximum with scalar bounds.
        np.clip(out, 0.0, m, out=out)


class Steps:
    """``fraction = values[searchsorted(thresholds, x, side)]`` (thresholds ascending)."""

    __slots__ = ("reverse", "side", "thresholds", "values")
    noise = 0.0  # the fractions are the given values, exactly

    def __init__(
        self, thresholds: FloatArray, values: FloatArray, side: str, reverse: bool
    ) -> None:
        self.thresholds, self.values, self.side, self.reverse = thresholds, values, side, reverse

    def apply(self, x: FloatArray, m: float, out: FloatArray, sl: slice) -> None:
        idx = np.searchsorted(self.thresholds, x, side=self.side)  # type: ignore[call-overload]
        if self.reverse:
            idx = len(self.thresholds) - idx
        np.multiply(self.values[idx], m, out=out)


class Interp:
    """``fraction = interp(x, xp, fp)`` (clamped at both ends)."""

    __slots__ = ("fp", "xp")
    noise = NOISE  # interpolation adds to the fraction of the point on the left

    def __init__(self, xp: FloatArray, fp: FloatArray) -> None:
        self.xp, self.fp = xp, fp

    def apply(self, x: FloatArray, m: float, out: FloatArray, sl: slice) -> None:
        np.multiply(np.interp(x, self.xp, self.fp), m, out=out)


class Dense:
    """Fractions computed up front for the whole population (rank-based scales)."""

    __slots__ = ("fractions", "noise")

    def __init__(self, fractions: FloatArray, noise: float = 0.0) -> None:
        self.fractions, self.noise = fractions, noise

    def apply(self, x: FloatArray, m: float, out: FloatArray, sl: slice) -> None:
        np.multiply(self.fractions[..., sl], m, out=out)


_LOW63 = np.int64(0x7FFFFFFFFFFFFFFF)


def float_order(x: FloatArray, *, inplace: bool = False) -> IntArray:
    """int64 codes that order exactly as the float64 values ``x`` do: a new array, or
    ``x``'s own memory with ``inplace=True`` (for an array the caller made).

    ``-0.0`` and ``0.0`` get the same code (they are equal); a negative value's
    bits have their low 63 bits flipped, so that a larger magnitude gives a
    smaller code. The codes of NaN are meaningless: callers refuse NaN keys first.
    Integer codes sort faster than floats, and equal codes mark the same ties.

    >>> x = np.array([1.5, -0.0, -2.0, 0.0, -1e-300, np.inf])
    >>> c = float_order(x)
    >>> np.argsort(c, kind="stable").tolist(), bool(c[1] == c[3])
    ([2, 4, 1, 3, 0, 5], True)
    """
    out = np.add(x, 0.0, out=x if inplace else None)  # -0.0 + 0.0 is 0.0
    codes: IntArray = out.view(np.int64)
    flip = codes >> 63  # all ones where negative
    flip &= _LOW63
    codes ^= flip
    return codes


def dense_codes(codes: IntArray) -> IntArray:
    """0, 1, 2, ... in the order of ``codes``, equal codes equal: the same order in a
    range no wider than the number of codes (so that wide keys pack with others).

    >>> dense_codes(np.array([7, -2**60, 7, 2**61])).tolist()
    [1, 0, 1, 2]
    """
    perm = np.argsort(codes)
    s = codes[perm]
    new = np.zeros(s.size, dtype=np.bool_)
    np.not_equal(s[1:], s[:-1], out=new[1:])
    step = np.cumsum(new, dtype=np.int64)
    del new
    out = s  # its memory, no longer needed, takes the result
    out[perm] = step
    return out


def competition_positions(key: FloatArray) -> tuple[AnyArray, AnyArray, AnyArray]:
    """Sort each row of ``key`` ascending; return (order, first, last) positions of each tie block.

    ``first[r, p]`` / ``last[r, p]`` are the first and last sorted positions of
    the block of equal keys that sorted position ``p`` belongs to.
    """
    order = np.argsort(key, axis=-1, kind="stable")
    s = np.take_along_axis(key, order, axis=-1)
    n = key.shape[-1]
    pos = np.broadcast_to(np.arange(n), key.shape)
    new = np.ones(key.shape, dtype=bool)
    new[..., 1:] = s[..., 1:] != s[..., :-1]
    first = np.maximum.accumulate(np.where(new, pos, 0), axis=-1)
    end = np.ones(key.shape, dtype=bool)
    end[..., :-1] = new[..., 1:]
    last_rev = np.minimum.accumulate(np.where(end, pos, n - 1)[..., ::-1], axis=-1)
    return order, first, last_rev[..., ::-1]
