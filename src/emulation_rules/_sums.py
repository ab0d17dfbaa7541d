"""Exact, order-independent sums: the population statistics of the relative scales.

A float sum depends on the order of its terms: ``(a + b) + c`` and ``a + (b + c)``
can differ in the last bit, so the total of a column summed in two pieces (two
partitions of a data frame, two chunks) may differ from the total summed in one,
and a unit on a rounding boundary may then earn one tick more or less. Every sum
the scales take is therefore *the correctly rounded value of the exact sum*: a
number defined by the values alone, whatever the order, the chunking or the
machine that added them.

How (Rump, Ogita and Oishi, "Accurate floating-point summation part I", SIAM J.
Sci. Comput. 31(1), 2008, Lemma 3.2, *ExtractScalar*): with ``sigma`` a power of
two at least ``2 n max|x|``, ``q = (sigma + x) - sigma`` is ``x`` cut to the
multiples of ``eps * sigma``, ``x - q`` is exact, and the ``n`` values ``q`` add
up exactly in any order (every partial sum is a multiple of ``eps * sigma`` of
magnitude at most ``sigma``). Repeating on the remainders splits each row into a
few *levels* -- floats whose exact sum is the exact sum of the row -- until the
remainders are 0 (two or three levels for values of similar size; one more for
each ~40 bits of spread between the largest and the smallest). The levels of a
row, or of every piece of a row, are then added with :func:`math.fsum`, which is
correctly rounded.

Rows holding a value within ``2 n`` of the float limit fall back to exact
rational arithmetic (rare, slow, exact). NaN is skipped (it marks a missing
value); a row holding an infinity sums to what ``np.nansum`` gives for it.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .types import FloatArray

__all__ = ["exact_sum", "merge_partials", "sum_partials"]


def _levels(r: FloatArray, m: FloatArray, k: int) -> list[FloatArray]:
    """Exact per-row sums of each extracted level of ``r`` (finite, 2-D, max|row| = m).

    ``r`` is a scratch copy: it is overwritten with the remainders.
    """
    out: list[FloatArray] = []
    q = np.empty_like(r)
    while True:
        if not (m > 0).any():
            return out
        _, e = np.frexp(m)  # m < 2**e
        sigma = np.ldexp(1.0, e + k)[:, None]
        np.add(sigma, r, out=q)
        np.subtract(q, sigma, out=q)
        out.append(q.sum(axis=1))
        np.subtract(r, q, out=r)  # exact: the remainders
        np.abs(r, out=q)
        m = q.max(axis=1, initial=0.0)


#: Values per block: a block of temporaries stays in cache.
_BLOCK = 1 << 14

#: Values at least this large are summed in a band of their own, divided by 2**64
#: (exactly: they are far from the subnormals), so that sigma stays a finite float.
_HUGE = 2.0**900
_HUGE_SCALE = 2.0**64


def _block(blk: FloatArray) -> tuple[list[FloatArray], list[FloatArray]]:
    """The levels of a block of rows: (face-value band, band scaled by 2**-64)."""
    k = max(1, math.ceil(math.log2(max(blk.shape[1], 1)))) + 1
    r = np.abs(blk)
    m = r.max(axis=1, initial=0.0)  # NaN if the row holds one
    np.copyto(r, blk)
    nan = np.isnan(m)
    if nan.any():
        r[np.isnan(r)] = 0.0
        m = np.abs(r).max(axis=1, initial=0.0)
    inf = ~np.isfinite(m)
    special = None
    if inf.any():
        # An infinity decides its row (+inf, -inf, or NaN for both, as nansum says):
        # the row's finite values are dropped, its infinities kept as they are.
        special = np.where(np.isfinite(r), 0.0, r).sum(axis=1)
        r[inf] = 0.0
        m = np.where(inf, 0.0, m)
    if (m >= _HUGE).any():
        huge = np.abs(r) >= _HUGE
        high = np.where(huge, r / _HUGE_SCALE, 0.0)
        r[huge] = 0.0
        lo = _levels(r, np.abs(r).max(axis=1, initial=0.0), k)
        hi = _levels(high, np.abs(high).max(axis=1, initial=0.0), k)
    else:
        lo, hi = _levels(r, m, k), []
    if special is not None:
        lo.append(special)
    return lo, hi


def sum_partials(x: FloatArray) -> FloatArray:
    """Floats whose exact sum, row by row, is the exact sum of the last axis of ``x``.

    Shape ``(*x.shape[:-1], 2, L)``: band 0 holds partials at face value, band 1
    partials to be multiplied by 2**64 (values near the float limit). NaN counts
    as 0; an infinity is carried in band 0 as it is. The partials of pieces of a
    row can be concatenated along the last axis and given to
    :func:`merge_partials`: the result is the same as for the whole row.

    >>> p = sum_partials(np.array([[1e16, 1.0, -1e16, 1.0]]))
    >>> merge_partials(p)
    array([2.])
    """
    x = np.asarray(x, dtype=np.float64)
    batch, n = x.shape[:-1], x.shape[-1]
    rows = x.reshape(math.prod(batch), n)
    # Blocks of whole rows when rows are short, blocks of one row's pieces when long:
    # a long row's pieces each give their own partials, and those add up exactly too.
    width = min(max(n, 1), _BLOCK)
    height = max(1, _BLOCK // width)
    per_rows: list[tuple[int, list[FloatArray], list[FloatArray]]] = []
    with np.errstate(over="ignore", invalid="ignore"):
        for a in range(0, rows.shape[0], height):
            lo_all: list[FloatArray] = []
            hi_all: list[FloatArray] = []
            for b in range(0, n, width):
                lo, hi = _block(rows[a : a + height, b : b + width])
                lo_all += lo
                hi_all += hi
            per_rows.append((a, lo_all, hi_all))
    levels = max([1, *(max(len(lo), len(hi)) for _, lo, hi in per_rows)])
    out = np.zeros((rows.shape[0], 2, levels))
    for a, lo, hi in per_rows:
        for band, parts in ((0, lo), (1, hi)):
            for c, lev in enumerate(parts):
                out[a : a + lev.shape[0], band, c] = lev
    return out.reshape(*batch, 2, levels)


def _exact(values: list[float]) -> Fraction:
    return sum(map(Fraction, values), Fraction(0))


def _round_fraction(f: Fraction) -> float:
    try:
        return float(f)
    except OverflowError:
        return math.inf if f > 0 else -math.inf


def merge_partials(partials: FloatArray) -> FloatArray:
    """The correctly rounded exact sum of each row of ``partials`` (shape ``(..., 2, L)``).

    >>> merge_partials(np.array([[[0.1, 0.2, 0.3], [0.0, 0.0, 0.0]]]))
    array([0.6])
    """
    p = np.asarray(partials, dtype=np.float64)
    batch, m = p.shape[:-2], p.shape[-1]
    rows = p.reshape(math.prod(batch), 2, m)
    out = np.empty(rows.shape[0])
    low, high = rows[:, 0], rows[:, 1]
    scaled = (high != 0).any(axis=1)
    # A row with one non-zero partial is already exact: no fsum needed.
    one = (np.count_nonzero(low, axis=1) <= 1) & ~scaled
    out[one] = low[one].sum(axis=1)
    for i in np.flatnonzero(~one).tolist():
        lo = low[i].tolist()
        if not all(math.isfinite(v) for v in lo):
            with np.errstate(invalid="ignore"):
                out[i] = float(np.sum([v for v in lo if not math.isfinite(v)]))
        elif scaled[i]:
            out[i] = _round_fraction(_exact(lo) + _exact(high[i].tolist()) * 2**64)
        else:
            try:
                out[i] = math.fsum(lo)
            except OverflowError:  # the exact sum itself lies past the float limit
                out[i] = _round_fraction(_exact(lo))
    return out.reshape(batch)


def exact_sum(x: FloatArray, *, keepdims: bool = True) -> FloatArray:
    """The correctly rounded exact sum of the last axis of ``x`` (NaN skipped).

    The same bits for any order of the values and any split of them into pieces.

    >>> exact_sum(np.array([[0.1] * 10, [1e100, 1.0, -1e100, np.nan] + [0.0] * 6]))
    array([[1.],
           [1.]])
    >>> sum([0.1] * 10), float(np.sum([1e100, 1.0, -1e100]))  # in order: not the exact sum
    (0.9999999999999999, 0.0)
    """
    out = merge_partials(sum_partials(x))
    return out[..., None] if keepdims else out
