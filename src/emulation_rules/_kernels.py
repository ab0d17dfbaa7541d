"""Bare numpy kernels: no validation, no loops over units, never write to their inputs.

The rule classes validate and call these; benchmarks and property tests call
them directly too.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .types import AnyArray, FloatArray, RoundingMode

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


class ScaleKernel(Protocol):
    """A compiled scale: writes ``m * fraction(x)`` for a slice of units into ``out``."""

    def apply(self, x: FloatArray, m: float, out: FloatArray, sl: slice) -> None: ...


class Shift:
    """``fraction = clip((x - origin) * scale [+ offset], 0, 1)``.

    ``origin``, ``scale`` and ``offset`` are scalars or shaped ``(..., 1)`` (one
    per scenario). Subtracting the origin first makes the value at the origin
    exactly 0 -- the worst unit of a linear or min-max scale earns nothing,
    not 1e-16 of the points.
    """

    __slots__ = ("offset", "origin", "scale")

    def __init__(
        self,
        origin: float | FloatArray,
        scale: float | FloatArray,
        offset: float | FloatArray | None = None,
    ) -> None:
        self.origin, self.scale, self.offset = origin, scale, offset

    def apply(self, x: FloatArray, m: float, out: FloatArray, sl: slice) -> None:
        np.subtract(x, self.origin, out=out)
        np.multiply(out, np.multiply(self.scale, m), out=out)
        if self.offset is not None:
            np.add(out, np.multiply(self.offset, m), out=out)
        # One clip is measurably faster than minimum + maximum with scalar bounds.
        np.clip(out, 0.0, m, out=out)


class Steps:
    """``fraction = values[searchsorted(thresholds, x, side)]`` (thresholds ascending)."""

    __slots__ = ("reverse", "side", "thresholds", "values")

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

    def __init__(self, xp: FloatArray, fp: FloatArray) -> None:
        self.xp, self.fp = xp, fp

    def apply(self, x: FloatArray, m: float, out: FloatArray, sl: slice) -> None:
        np.multiply(np.interp(x, self.xp, self.fp), m, out=out)


class Dense:
    """Fractions computed up front for the whole population (rank-based scales)."""

    __slots__ = ("fractions",)

    def __init__(self, fractions: FloatArray) -> None:
        self.fractions = fractions

    def apply(self, x: FloatArray, m: float, out: FloatArray, sl: slice) -> None:
        np.multiply(self.fractions[..., sl], m, out=out)


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
