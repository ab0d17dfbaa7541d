"""Awards: a six-award scheme with per-group quotas over N people.

The history (5 periods, built from arrays) and the score table are built once,
outside the timing. ``AwardScheme.allocate`` decides six awards in dependency
order -- three with quotas per department (ranked on points, ties at a cut-off
included), prerequisites, one exclusion -- keeping every reason. The floor does
the same selections by hand in numpy (masks, a per-department cut value from one
sort) and keeps only the winners. Winners are checked equal before printing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from _common import Row, Target, best_of, peak_memory, repeats_for, rows_at, with_ratios
from emulation_rules import (
    Award,
    AwardScheme,
    Context,
    History,
    Ordinal,
    Quota,
    Ranking,
    ScoreTable,
    desc,
    fact,
    holds,
    streak,
)

NAME = "awards"
DEFAULT_SIZES = (10**5, 10**6)
PERIODS = 5
FIRST = 2020
DEPTS = 200
RATING = ["KHTNV", "HTNV", "HTTNV", "HTXSNV"]
BY_POINTS = Ranking(desc("points"))

SCHEME = AwardScheme(
    [
        Award("LĐTT", (fact("rating") >= "HTTNV") & ~(fact("months") < 6), level=1),
        Award(
            "CSTĐCS",
            fact("rating") == "HTXSNV",
            requires="LĐTT",
            quota=Quota(share=0.15, of="LĐTT", per="dept", ties="include"),
            ranking=BY_POINTS,
            level=2,
        ),
        Award("CSTĐ_BO", streak("CSTĐCS", n=3) & (fact("initiative") >= 2), level=3),
        Award(
            "GK",
            holds("LĐTT") & (fact("initiative") >= 1),
            quota=Quota(share=0.1, of="units", per="dept", ties="include"),
            ranking=BY_POINTS,
            level=1,
            excludes="CSTĐCS",
        ),
        Award(
            "BK",
            holds("CSTĐCS"),
            quota=Quota(share=0.02, of="units", per="dept", ties="include"),
            ranking=BY_POINTS,
            level=2,
        ),
        Award("HCLĐ", holds("CSTĐ_BO") & (fact("rating") == "HTXSNV"), level=4),
    ]
)

DESCRIPTION = (
    f"N people x {PERIODS} periods in {DEPTS} departments; six awards "
    f"(order {', '.join(SCHEME.order)}), three with per-department quotas ranked on points.\n"
    "floor: the same selections by hand (masks; per-department cut value from one sort)."
)


def _data(n: int, seed: int = 0) -> tuple[History, ScoreTable, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    rating = rng.choice(4, size=(PERIODS, n), p=[0.02, 0.1, 0.58, 0.3]).astype(np.int16)
    months = np.where(rng.random((PERIODS, n)) < 0.03, 4.0, 12.0)
    initiative = rng.choice(3, size=(PERIODS, n), p=[0.6, 0.3, 0.1]).astype(np.float64)
    ldtt = rating >= 2
    cstdcs = ldtt & (rating == 3) & (rng.random((PERIODS, n)) < 0.6)
    ldtt[-1] = False  # the last period is the one being decided
    cstdcs[-1] = False
    dept = rng.integers(0, DEPTS, size=n)
    units = [f"cb{i:07d}" for i in range(n)]
    h = History(
        units,
        (FIRST, FIRST + PERIODS - 1),
        titles={"LĐTT": ldtt, "CSTĐCS": cstdcs},
        facts={"rating": rating, "months": months, "initiative": initiative},
        ordinals={"rating": Ordinal(RATING)},
    )
    points = rng.integers(0, 1000, size=n)
    t = ScoreTable({"points": points, "dept": dept}, units=units, copy=False)
    arrays = {
        "rating": rating,
        "months": months,
        "initiative": initiative,
        "cstdcs": cstdcs,
        "dept": dept,
        "points": points,
    }
    return h, t, arrays


def _top_share(
    cand: np.ndarray, base: np.ndarray, num: int, den: int, a: dict[str, np.ndarray]
) -> np.ndarray:
    """Per department, the candidates ranked in the top floor(num/den x base), ties included."""
    dept, points = a["dept"], a["points"]
    k = (np.bincount(dept, weights=base, minlength=DEPTS).astype(np.int64) * num) // den
    idx = np.flatnonzero(cand)
    order = idx[np.lexsort((-points[idx], dept[idx]))]
    d = dept[order]
    start = np.searchsorted(d, np.arange(DEPTS))
    pos = np.arange(order.size) - start[d]
    cut_pos = start + k - 1  # position of the k-th candidate of each department
    has_cut = (k > 0) & (cut_pos < np.append(start[1:], order.size))
    cut = np.full(DEPTS, np.iinfo(np.int64).max)
    cut[has_cut] = points[order[cut_pos[has_cut]]]
    chosen = np.zeros(cand.size, dtype=bool)
    chosen[order[(pos < k[d]) | (points[order] >= cut[d])]] = True
    return chosen & cand


def floor(a: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    p = PERIODS - 1
    r, m, ini = a["rating"][p], a["months"][p], a["initiative"][p]
    out: dict[str, np.ndarray] = {}
    out["LĐTT"] = (r >= 2) & ~(m < 6)
    out["CSTĐCS"] = _top_share((r == 3) & out["LĐTT"], out["LĐTT"], 15, 100, a)
    c = a["cstdcs"]
    out["CSTĐ_BO"] = out["CSTĐCS"] & c[p - 1] & c[p - 2] & (ini >= 2)
    ones = np.ones(r.size)
    out["GK"] = _top_share(out["LĐTT"] & (ini >= 1) & ~out["CSTĐCS"], ones, 10, 100, a)
    out["BK"] = _top_share(out["CSTĐCS"], ones, 2, 100, a)
    out["HCLĐ"] = out["CSTĐ_BO"] & (r == 3)
    return out


def run(sizes: Sequence[int]) -> Iterator[Row]:
    for n in sizes:
        h, t, a = _data(n)
        ctx = Context(FIRST + PERIODS - 1, history=h, table=t)
        input_mb = sum(x.nbytes for x in a.values()) / 1e6
        want = floor(a)
        alloc = SCHEME.allocate(ctx)
        for name, mask in want.items():
            if not np.array_equal(alloc.mask(name), mask):
                raise AssertionError(f"the library and the floor disagree on {name}")
        reps = repeats_for(n * 10)
        rows = []
        counts = ", ".join(f"{k} {int(v.sum())}" for k, v in want.items())
        for method, fn in (
            ("AwardScheme.allocate", lambda ctx=ctx: SCHEME.allocate(ctx)),
            ("floor", lambda a=a: floor(a)),
        ):
            seconds, _ = best_of(fn, reps)
            peak, _ = peak_memory(fn)
            note = counts if method == "floor" else "all reasons kept"
            rows.append(Row(NAME, n, method, seconds, peak, input_mb=input_mb, note=note))
        yield from with_ratios(rows, ["floor"])


def check(rows: Sequence[Row]) -> list[Target]:
    at = rows_at(rows, "AwardScheme.allocate")
    if 10**6 not in at:
        return []
    r = at[10**6]
    return [
        Target(
            "AwardScheme.allocate (six awards, per-group quotas) on 10^6 people within 3x of the floor",
            r.ratio_to_floor <= 3.0,
            f"{r.seconds:.3f} s = {r.ratio_to_floor:.2f}x",
        )
    ]
