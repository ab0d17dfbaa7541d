"""Eligibility: a condition with three clauses, a 3-year streak and a 5-year window.

N people x 10 periods of history (built from arrays, not timed). The library
evaluates the condition with ``Condition.mask`` (the pass/fail mask only) and
``Condition.evaluate`` (keeping every clause's mask and values for "why not");
the floor is the same logic written by hand in numpy. Both masks are checked
equal before anything is printed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from _common import Row, Target, best_of, peak_memory, repeats_for, rows_at, with_ratios
from emulation_rules import (
    Context,
    History,
    Ordinal,
    count_in_window,
    fact,
    holds,
    streak,
)

NAME = "eligibility"
DEFAULT_SIZES = (10**5, 10**6)
PERIODS = 10
FIRST = 2015
RATING = ["KHTNV", "HTNV", "HTTNV", "HTXSNV"]

CONDITION = (
    (fact("rating") >= "HTTNV")
    & ~(fact("months") < 6)
    & holds("LĐTT")
    & streak("CSTĐCS", n=3)
    & count_in_window(fact("rating") >= "HTTNV", at_least=4, window=5)
)

DESCRIPTION = (
    f"N people x {PERIODS} periods; condition: {CONDITION!r}\n"
    "floor: the same masks by hand (compare, and, a 3-row product, a 5-row sum)."
)


def _history(n: int, seed: int = 0) -> tuple[History, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    rating = rng.choice(4, size=(PERIODS, n), p=[0.02, 0.1, 0.58, 0.3]).astype(np.int16)
    months = np.where(rng.random((PERIODS, n)) < 0.03, 4.0, 12.0)
    ldtt = rating >= 2
    cstdcs = ldtt & (rating == 3) & (rng.random((PERIODS, n)) < 0.8)
    units = [f"cb{i:07d}" for i in range(n)]
    h = History(
        units,
        (FIRST, FIRST + PERIODS - 1),
        titles={"LĐTT": ldtt, "CSTĐCS": cstdcs},
        facts={"rating": rating, "months": months},
        ordinals={"rating": Ordinal(RATING)},
    )
    return h, {"rating": rating, "months": months, "ldtt": ldtt, "cstdcs": cstdcs}


def floor(a: dict[str, np.ndarray], p: int) -> np.ndarray:
    ok = a["rating"][p] >= 2
    ok &= ~(a["months"][p] < 6)
    ok &= a["ldtt"][p]
    ok &= a["cstdcs"][p] & a["cstdcs"][p - 1] & a["cstdcs"][p - 2]
    window = (a["rating"][p - 4 : p + 1] >= 2).sum(axis=0)
    ok &= window >= 4
    return ok


def run(sizes: Sequence[int]) -> Iterator[Row]:
    for n in sizes:
        h, arrays = _history(n)
        period = FIRST + PERIODS - 1
        p = PERIODS - 1
        ctx = Context(period, history=h)
        input_mb = sum(a.nbytes for a in arrays.values()) / 1e6
        reps = repeats_for(n * 10)
        want = floor(arrays, p)
        got = CONDITION.mask(ctx)
        if not np.array_equal(got, want):
            raise AssertionError("the library and the floor disagree; fix before timing")
        verdict = CONDITION.evaluate(ctx)
        assert np.array_equal(verdict.passed, want)
        rows = []
        for method, fn in (
            ("Condition.mask", lambda ctx=ctx: CONDITION.mask(ctx)),
            ("Condition.evaluate", lambda ctx=ctx: CONDITION.evaluate(ctx)),
            ("floor", lambda arrays=arrays, p=p: floor(arrays, p)),
        ):
            seconds, _ = best_of(fn, reps)
            peak, _ = peak_memory(fn)
            note = f"{int(want.sum())} of {n} eligible" if method == "floor" else ""
            rows.append(Row(NAME, n, method, seconds, peak, input_mb=input_mb, note=note))
        yield from with_ratios(rows, ["floor"])


def check(rows: Sequence[Row]) -> list[Target]:
    out = []
    for method in ("Condition.mask", "Condition.evaluate"):
        at = rows_at(rows, method)
        if 10**6 in at:
            r = at[10**6]
            out.append(
                Target(
                    f"{method} on 10^6 people x 10 periods within 3x of the floor",
                    r.ratio_to_floor <= 3.0,
                    f"{r.seconds:.4f} s = {r.ratio_to_floor:.2f}x",
                )
            )
    return out
