"""Ranking: ``Ranking.rank`` and ``Ranking.top`` on N units, against numpy floors, pandas, polars.

The chain is four steps, three keys and a lot::

    Ranking(desc(k1), desc(k2, resolution=...), asc(k3), Lot(seed=1))

on two kinds of data, both columns of one ``ScoreTable`` built once per size
(``copy=False``, unit ids ``"0"``, ``"1"``, ...; not timed):

* ``tie`` -- tie-heavy: ``k1`` integer points, ``k2`` a rate on a 0.01 grid
  (``resolution=0.01``), ``k3`` a small count. The spread of ``k1`` grows with
  N so that about 13 % of the units are still tied after the three keys at
  every size: the lot is drawn for them, in some 6 x 10^4 tie groups per 10^6 units.
* ``cont`` -- continuous floats (a total, a rate, a loss), each key with a
  ``resolution`` (0.01, 0.001, 0.1), so the keys are exact integer codes;
  0.3 % of the units still reach the lot at 10^6, 2.7 % at 10^7.
* ``raw`` -- the same continuous columns without ``resolution``: float keys,
  which the library maps to exact int64 codes in the floats' order and sorts
  first key first (its ties only by the later keys).

Methods, timed in the same run, every one starting from the raw columns (the
quantisation to integer codes is part of the timed work) and a precomputed
lot column (a random permutation of 0..N-1, standing in for the hashed lot --
no method but the library hashes unit ids):

* ``rank`` -- ``ranking.rank(table)``, the library.
* ``packed floor`` -- the exact integer codes of the three keys and the lot
  column packed into one int64 (mixed radix from each key's min and max) and
  sorted once with ``np.argsort(kind="stable")``: the floor of ``tie``/``cont``.
* ``first-key floor`` -- raw floats: ``np.argsort`` on the first key, then
  ``np.lexsort`` inside the runs tied on it only: the floor of ``raw``.
* ``lexsort`` -- ``np.lexsort`` over the four keys: the obvious hand-written way.
* ``pandas`` / ``polars`` -- ``DataFrame.sort_values`` / ``DataFrame.sort`` on the
  four columns (quantised columns computed in the call); no pandas on ``raw``.
* ``Lot.draw`` -- the library's draw alone, on the ids of the units that
  reached the lot in ``rank``: its share of ``rank``.
* ``top(100)`` / ``top floor`` -- ``ranking.top(table, 100)`` against
  ``np.argpartition`` of the packed key (packing included) plus a sort of the 100.

Before anything is printed, every method's order is checked to be a
permutation whose sequence of (k1, k2, k3) codes equals the library's, the
library's standing to have no tie left and to have drawn exactly the units
tied on the three keys; top-k likewise on its k units.

Head-to-head (``h2h``), at the sizes up to 10^6: ``Ranking(desc("points"),
HeadToHead(desc("pts")), Lot(seed=1))`` with G tie groups of 3-4 units level
on points (G = 10^3, 10^4, 10^5; every other unit has its own points), each
group a single round robin (3/1/0 points) stored as a ``Pairwise`` of
positions. The floor is one pass of the block in numpy: group ids from the
sorted points, ``np.bincount`` of the entries whose earner and opponent are in
the same group, one packed sort of (points, head-to-head points, lot). It does
not re-apply the block to sub-ties as the library's ``restart="after_block"``
does; the library's order refines it, so their (points, head-to-head points)
sequences must be equal, and are checked to be.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

import emulation_rules as er
from _common import (
    MB,
    Row,
    Target,
    best_of,
    deciding_repeats,
    peak_memory,
    repeats_for,
    rows_at,
)
from emulation_rules import HeadToHead, Lot, Ranking, asc, desc

NAME = "ranking"
DEFAULT_SIZES = (10**6, 10**7)

EPS = 2.0**-30  # the library's round-half-up nudge (ranking._EPS)
SEED = 2024
TOP_K = 100
H2H_GROUPS = (10**3, 10**4, 10**5)
H2H_MAX_SIZE = 10**6
RAW_MAX_SIZE = 10**7
# Seconds a method's calls may take in all (the first call, also the checked one,
# included): slow calls at 10^7 are repeated fewer times than repeats_for says, so
# that the default run stays within about three minutes. The library and the
# floors, whose ratio decides the targets, get more than the baselines.
BUDGET_DECIDING = 3.0
BUDGET_BASELINE = 1.5
# Peak memory is measured in one more call, under tracemalloc, which slows the
# library's Python-level work (the lot's dict) 2-3x: for a baseline only when a
# call is quicker than PEAK_MAX_SECONDS; for the library and the floors always up
# to PEAK_ALWAYS_SIZE units and above it when a call is quicker than
# PEAK_MAX_SECONDS_DECIDING (bytes per unit do not depend on N: 237 at 10^6 and
# 10^7 in a full run).
PEAK_MAX_SECONDS = 2.0
PEAK_MAX_SECONDS_DECIDING = 5.0
PEAK_ALWAYS_SIZE = 10**6

# Targets of the issue.
TARGET_FLOOR = 1.2
TARGET_LEXSORT = 2.0
TARGET_TOP = 1.5
TARGET_BYTES_PER_UNIT = 80.0  # 0.5x an N x 20 float64 matrix
TARGET_RAW_FLOOR = 1.5  # raw: rank over the first-key floor
TARGET_RAW_POLARS = 2.0  # raw: rank over polars' two-threaded sort
TARGET_FIRST_CALL = 1.3  # rank, 1st call over rank
FIRST_CALL_TABLES = 3  # "1st call" is the best first ranking of this many new tables
REF_BYTES_PER_UNIT = 160.0  # the N x 20 float64 matrix peak/input is taken against

KINDS = ("tie", "cont", "raw")


@dataclass(frozen=True)
class Spec:
    """One key of the chain: the table column, its direction and resolution."""

    column: str
    descending: bool
    resolution: float | None

    def key(self) -> er.Key:
        fn = desc if self.descending else asc
        return fn(self.column, resolution=self.resolution)


CHAINS: dict[str, tuple[Spec, Spec, Spec]] = {
    "tie": (Spec("points", True, None), Spec("rate", True, 0.01), Spec("cases", False, None)),
    "cont": (
        Spec("total", True, 0.01),
        Spec("share", True, 0.001),
        Spec("losses", False, 0.1),
    ),
    "raw": (Spec("total", True, None), Spec("share", True, None), Spec("losses", False, None)),
}


def ranking(kind: str) -> Ranking:
    return Ranking(*(s.key() for s in CHAINS[kind]), Lot(seed=1))


# -- data ---------------------------------------------------------------------------


def make_columns(n: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """The raw columns of both kinds of data, and the precomputed lot column."""
    rng = np.random.default_rng(seed)
    # Tie-heavy: the spread of the points grows with n so that ~13 % of units stay
    # tied on all three keys at every size.
    points = np.rint(rng.normal(0.0, n / 120.0, n)).astype(np.int64) + 10 * n
    rate = np.round(np.clip(rng.normal(0.8, 0.12, n), 0.0, 1.0), 2)
    cases = rng.poisson(3.0, n).astype(np.int64)
    # Continuous: unrounded floats.
    total = rng.normal(70.0, 8.0, n)
    share = 1.0 / (1.0 + np.exp(-rng.normal(1.4, 0.8, n)))  # a rate in (0, 1), no mass at 1
    losses = np.abs(rng.normal(18.0, 9.0, n))
    lot = rng.permutation(n).astype(np.int64)
    return {
        "points": points,
        "rate": rate,
        "cases": cases,
        "total": total,
        "share": share,
        "losses": losses,
        "lot": lot,
    }


def quantize(x: np.ndarray, res: float) -> np.ndarray:
    """Round half up to whole multiples of ``res``, exactly as ``ranking._quantize``."""
    return np.floor(x / res + (0.5 + EPS)).astype(np.int64)


def codes(cols: dict[str, np.ndarray], kind: str) -> list[np.ndarray]:
    """The three keys as ascending sort codes (negated when descending): exact ints, or
    floats for ``raw``."""
    out = []
    for s in CHAINS[kind]:
        x = cols[s.column]
        c = quantize(x, s.resolution) if s.resolution is not None else x
        out.append(-c if s.descending else c)
    return out


# -- the hand-written methods -----------------------------------------------------


def packed_key(cols: dict[str, np.ndarray], kind: str) -> np.ndarray:
    """The three exact keys and the lot column packed into one int64 (mixed radix).

    Each key becomes a digit ``x - min`` (ascending) or ``max - x`` (descending),
    accumulated in place: one int64 array plus one temporary per quantised key.
    """
    n = cols["lot"].size
    packed: np.ndarray | None = None
    room = 1
    for spec in CHAINS[kind]:
        x = cols[spec.column]
        if spec.resolution is not None:
            t = x / spec.resolution
            t += 0.5 + EPS
            np.floor(t, out=t)
            x = t.astype(np.int64)
        lo, hi = int(x.min()), int(x.max())
        span = hi - lo + 1
        room *= span
        if packed is None:
            packed = hi - x if spec.descending else x - lo
            continue
        packed *= span
        if spec.descending:
            packed -= x
            packed += hi
        else:
            packed += x
            packed -= lo
    if room * n >= 2**63:
        raise AssertionError(f"{kind}: the packed key needs {room * n:.3g} > 2**63 codes")
    assert packed is not None
    packed *= n
    packed += cols["lot"]
    return packed


def packed_floor(cols: dict[str, np.ndarray], kind: str) -> np.ndarray:
    return np.argsort(packed_key(cols, kind), kind="stable")


def lexsort(cols: dict[str, np.ndarray], kind: str) -> np.ndarray:
    return np.lexsort((cols["lot"], *reversed(codes(cols, kind))))


def first_key_floor(cols: dict[str, np.ndarray], kind: str) -> np.ndarray:
    """Sort on the first key; the later keys and the lot only inside runs tied on it."""
    c1, c2, c3 = codes(cols, kind)
    order = np.argsort(c1, kind="stable")
    s = c1[order]
    eq = s[1:] == s[:-1]
    if eq.any():
        tied = np.zeros(order.size, dtype=bool)
        tied[1:] |= eq
        tied[:-1] |= eq
        pos = np.flatnonzero(tied)
        run = np.cumsum(np.concatenate(([True], ~eq)))[pos]
        u = order[pos]
        order[pos] = u[np.lexsort((cols["lot"][u], c3[u], c2[u], run))]
    return order


def _pd_expr(df: pd.DataFrame, s: Spec) -> pd.Series:
    x = df[s.column]
    return x if s.resolution is None else np.floor(x / s.resolution + (0.5 + EPS))


def pandas_sort(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    specs = CHAINS[kind]
    q = df.assign(**{f"_k{i}": _pd_expr(df, s) for i, s in enumerate(specs)})
    return q.sort_values(
        [f"_k{i}" for i in range(3)] + ["lot"],
        ascending=[not s.descending for s in specs] + [True],
    )


def _pl_expr(s: Spec) -> pl.Expr:
    x = pl.col(s.column)
    return x if s.resolution is None else (x / s.resolution + (0.5 + EPS)).floor()


def polars_sort(df: pl.DataFrame, kind: str) -> pl.DataFrame:
    specs = CHAINS[kind]
    return df.sort(
        [_pl_expr(s) for s in specs] + [pl.col("lot")],
        descending=[s.descending for s in specs] + [False],
    )


def top_floor(cols: dict[str, np.ndarray], kind: str, k: int) -> np.ndarray:
    key = packed_key(cols, kind)
    part = np.argpartition(key, k - 1)[:k]
    return part[np.argsort(key[part], kind="stable")]


# -- measuring ------------------------------------------------------------------------


def timed(fn: Callable[[], Any], n: int, budget: float = BUDGET_BASELINE) -> tuple[float, Any]:
    """Best seconds of ``fn`` and the result of its first call (the one to check).

    Calls it ``repeats_for(n)`` times, fewer when that would take more than
    ``budget`` seconds (once, for a call that takes half the budget or more); a
    deciding row (``BUDGET_DECIDING``) at 10^7 is called ``DECIDING_RUNS_LARGE`` times.
    """
    t0 = time.perf_counter()
    first = fn()
    best = time.perf_counter() - t0
    reps = min(repeats_for(n) - 1, int((budget - best) // best) if best > 0 else 200)
    if budget >= BUDGET_DECIDING:
        reps = deciding_repeats(n, reps + 1) - 1
    if reps > 0:
        seconds, _ = best_of(fn, reps)
        best = min(best, seconds)
    return best, first


def _permutation(name: str, order: np.ndarray, n: int) -> None:
    seen = np.zeros(n, dtype=bool)
    seen[order] = True
    if order.shape != (n,) or not seen.all():
        raise AssertionError(f"{name}: the order is not a permutation of the {n} units")


def check_keys(name: str, got: np.ndarray, want: np.ndarray, keys: Sequence[np.ndarray]) -> None:
    """Both orders visit the same sequence of key tuples."""
    for j, k in enumerate(keys):
        a, b = k[got], k[want]
        if not np.array_equal(a, b):
            bad = np.flatnonzero(a != b)
            raise AssertionError(
                f"{name} disagrees with the library on key {j + 1} at {bad.size} of {a.size} "
                f"positions (first at {bad[:5].tolist()}: {a[bad[:5]].tolist()} vs "
                f"{b[bad[:5]].tolist()}); the baseline must sort by the same keys"
            )


def tied_on_keys(order: np.ndarray, keys: Sequence[np.ndarray]) -> tuple[int, int]:
    """How many units, and how many groups of them, share all keys with a neighbour."""
    n = order.size
    eq = np.ones(n - 1, dtype=bool)
    for k in keys:
        s = k[order]
        eq &= s[1:] == s[:-1]
    tied = np.zeros(n, dtype=bool)
    tied[1:] |= eq
    tied[:-1] |= eq
    starts = tied[1:] & ~eq
    return int(tied.sum()), int(starts.sum() + (n > 0 and tied[0]))


@dataclass
class Ctx:
    """Collects the rows of one size, with their peak memory and ratio."""

    n: int
    ref_mb: float
    rows: list[Row]

    def add(
        self,
        method: str,
        seconds: float,
        fn: Callable[[], Any] | None,
        floor: float,
        note: str = "",
        peak_always: bool = False,
    ) -> Row:
        """A row; its peak is measured in one more call of ``fn`` when that is
        quick enough (``peak_always`` for the library and the floors)."""
        if peak_always:
            measure = self.n <= PEAK_ALWAYS_SIZE or seconds < PEAK_MAX_SECONDS_DECIDING
        else:
            measure = seconds < PEAK_MAX_SECONDS
        peak = peak_memory(fn)[0] if fn is not None and measure else float("nan")
        row = Row(NAME, self.n, method, seconds, peak, seconds / floor, self.ref_mb, note)
        self.rows.append(row)
        return row


def run(sizes: Sequence[int]) -> Iterator[Row]:
    for n in sizes:
        yield from _measure(n)


def _measure(n: int) -> Iterator[Row]:
    cols = make_columns(n)
    h2h = make_h2h_columns(n) if n <= H2H_MAX_SIZE else H2HData({}, {}, {})
    # One table per size (validating 10^7 unit ids takes seconds), with the
    # head-to-head columns too; a ranking only reads the columns it names.
    ids = [str(i) for i in range(n)]
    table = er.ScoreTable(
        {k: v for k, v in cols.items() if k != "lot"} | h2h.points,
        units=ids,
        pairwise=h2h.pairwise,
        copy=False,
    )
    df = pd.DataFrame(cols, copy=False)
    pdf = pl.DataFrame(cols).with_row_index("_i")
    # Another table on the same columns (its own ids and caches): ranked before the
    # first call of each kind, so that "1st call" measures the table's first ranking,
    # not the process's first use of that much memory (the allocator's warm-up).
    warm = er.ScoreTable(
        {k: v for k, v in cols.items() if k != "lot"}, units=np.arange(n), copy=False
    )
    # Tables never ranked before, with the same columns and the same string ids as
    # ``table`` (from one Arrow array, so that making them is quick): each one's first
    # ranking is a "1st call", timed like every row as the best of a few.
    ids_arrow = pl.Series(ids, dtype=pl.String).to_arrow()
    del ids

    def fresh() -> er.ScoreTable:
        return er.ScoreTable(
            {k: v for k, v in cols.items() if k != "lot"}, units=ids_arrow, copy=False
        )

    ref_mb = n * REF_BYTES_PER_UNIT / MB
    kinds = KINDS if n <= RAW_MAX_SIZE else tuple(k for k in KINDS if k != "raw")
    for kind in kinds:
        ctx = Ctx(n, ref_mb, [])
        _measure_kind(ctx, kind, cols, table, df, pdf, warm, fresh)
        yield from ctx.rows
    del df, pdf
    first: tuple[int, float] | None = None
    for g in h2h.in_group:
        ctx = Ctx(n, ref_mb, [])
        lib_s = _measure_h2h(ctx, g, table, h2h, cols["lot"], first)
        first = first or (g, lib_s)
        yield from ctx.rows


def _measure_kind(
    ctx: Ctx,
    kind: str,
    cols: dict[str, np.ndarray],
    table: er.ScoreTable,
    df: pd.DataFrame,
    pdf: pl.DataFrame,
    warm: er.ScoreTable,
    fresh: Callable[[], er.ScoreTable],
) -> None:
    n = ctx.n
    rk = ranking(kind)
    keys = codes(cols, kind)

    def rank() -> er.Standing:
        return rk.rank(table)

    # The first ranking of a table also hashes each tied id once (the digests are
    # cached on the table): timed apart, so that the repeated calls measure the
    # steady state of many rankings of one table (simulations, re-rankings).
    rk.rank(warm)
    t0 = time.perf_counter()
    rank()
    cold_s = time.perf_counter() - t0
    lib_s, standing = timed(rank, n, BUDGET_DECIDING)
    want = np.asarray(standing.order_index)
    _permutation(f"{kind}: rank", want, n)
    for _ in range(FIRST_CALL_TABLES - 1):
        t = fresh()
        t0 = time.perf_counter()
        first = rk.rank(t)
        cold_s = min(cold_s, time.perf_counter() - t0)
        if not np.array_equal(first.order_index, want):
            raise AssertionError(f"{kind}: the first ranking of a new table differs")
        del t, first
    if standing.tied.any():
        raise AssertionError(f"{kind}: the standing kept ties although the chain ends in a lot")
    n_tied, n_groups = tied_on_keys(want, keys)
    if len(standing.lots) != n_tied:
        raise AssertionError(
            f"{kind}: the lot was drawn for {len(standing.lots)} units, "
            f"but {n_tied} are tied on the three keys"
        )
    drawn_ids = list(standing.lots)
    del standing

    floor_name = "first-key floor" if kind == "raw" else "packed floor"
    floor_fn = first_key_floor if kind == "raw" else packed_floor

    def floor() -> np.ndarray:
        return floor_fn(cols, kind)

    floor_s, got = timed(floor, n, BUDGET_DECIDING)
    _permutation(f"{kind}: {floor_name}", got, n)
    check_keys(f"{kind}: {floor_name}", got, want, keys)
    del got

    ctx.add(
        f"{kind}: rank",
        lib_s,
        rank,
        floor_s,
        note=f"lot drawn for {n_tied} units ({n_tied / n:.1%}) in {n_groups} tie groups",
        peak_always=True,
    )
    ctx.add(
        f"{kind}: rank, 1st call",
        cold_s,
        None,
        floor_s,
        note=(
            f"best first ranking of {FIRST_CALL_TABLES} never-ranked tables (process warm): "
            "also hashes each tied id once"
        ),
    )
    if kind == "raw":
        note = "argsort on key 1, lexsort inside its ties only"
    else:
        note = "3 exact keys + lot column in one int64, one stable argsort; no id hashing"
    ctx.add(f"{kind}: {floor_name}", floor_s, floor, floor_s, note=note, peak_always=True)

    def lex() -> np.ndarray:
        return lexsort(cols, kind)

    s, got = timed(lex, n)
    _permutation(f"{kind}: lexsort", got, n)
    check_keys(f"{kind}: lexsort", got, want, keys)
    del got
    ctx.add(f"{kind}: lexsort", s, lex, floor_s, note="np.lexsort over 3 keys + lot column")

    def pandas() -> pd.DataFrame:
        return pandas_sort(df, kind)

    if kind != "raw":  # as slow on raw floats as on their codes: not worth the seconds
        s, got = timed(pandas, n)
        order = got.index.to_numpy()
        _permutation(f"{kind}: pandas", order, n)
        check_keys(f"{kind}: pandas", order, want, keys)
        del got, order
        ctx.add(f"{kind}: pandas", s, pandas, floor_s, note="sort_values on 4 columns")

    def polars() -> pl.DataFrame:
        return polars_sort(pdf, kind)

    s, got = timed(polars, n, BUDGET_DECIDING)  # decides the raw and tie targets
    order = got["_i"].to_numpy().astype(np.int64)
    _permutation(f"{kind}: polars", order, n)
    check_keys(f"{kind}: polars", order, want, keys)
    del got, order
    ctx.add(
        f"{kind}: polars",
        s,
        None,
        floor_s,
        note=f"sort on 4 columns, {pl.thread_pool_size()} threads; its memory is not traced",
    )

    if drawn_ids:
        lot = rk.steps[-1]
        assert isinstance(lot, Lot)
        s, _ = timed(lambda ids=drawn_ids: lot.draw(ids), n)
        ctx.add(
            f"{kind}: Lot.draw",
            s,
            None,
            floor_s,
            note=(
                f"the draw alone, for the {len(drawn_ids)} tied ids: "
                f"{s / len(drawn_ids) * 1e6:.2f} us per unit, {s / lib_s:.0%} of rank"
            ),
        )

    if kind == "raw":
        return

    def top() -> er.Cut:
        return rk.top(table, TOP_K)

    def top_fl() -> np.ndarray:
        return top_floor(cols, kind, TOP_K)

    s_top, cut = timed(top, n, BUDGET_DECIDING)
    got = np.array([table.index(u) for u in cut.selected], dtype=np.int64)
    s_floor, top_want = timed(top_fl, n, BUDGET_DECIDING)
    if got.shape != top_want.shape:
        raise AssertionError(f"{kind}: top({TOP_K}) selected {got.size} units")
    check_keys(f"{kind}: top({TOP_K}) vs its floor", got, top_want, keys)
    ctx.add(
        f"{kind}: top({TOP_K})",
        s_top,
        top,
        s_floor,
        note=f"ranks the {_top_subset(keys[0])} units level with or above the k-th on k1",
        peak_always=True,
    )
    ctx.add(
        f"{kind}: top floor",
        s_floor,
        top_fl,
        s_floor,
        note="argpartition of the packed key (packing timed), then sort the k",
        peak_always=True,
    )


def _top_subset(c1: np.ndarray) -> int:
    """How many units ``Ranking.top`` keeps after partitioning on the first key."""
    kth = np.partition(c1, TOP_K - 1)[TOP_K - 1]
    return int((c1 <= kth).sum())


# -- head-to-head -------------------------------------------------------------------


def make_h2h(n: int, groups: int, seed: int = SEED) -> tuple[np.ndarray, er.Pairwise, np.ndarray]:
    """Points with ``groups`` tie groups of 3-4 units, a round robin in each, a lot column.

    Returns the points, the pairwise ``pts`` (3 win, 1 draw, 0 loss) and the
    group of each unit (-1 for a unit with points of its own).
    """
    rng = np.random.default_rng(seed + groups)
    size = rng.integers(3, 5, groups)
    in_groups = int(size.sum())
    if in_groups > n:
        raise ValueError(f"{groups} groups of 3-4 units need more than {n} units")
    distinct = n - in_groups + groups
    value = rng.permutation(distinct).astype(np.int64)
    # Units 0..in_groups-1 in groups (consecutive), the rest alone; then shuffled.
    grp = np.full(n, -1, dtype=np.int64)
    grp[:in_groups] = np.repeat(np.arange(groups), size)
    pts_of = np.empty(n, dtype=np.int64)
    pts_of[:in_groups] = value[grp[:in_groups]]
    pts_of[in_groups:] = value[groups:]
    perm = rng.permutation(n)  # unit perm[i] takes the role of slot i
    points = np.empty(n, dtype=np.int64)
    points[perm] = pts_of
    unit_grp = np.empty(n, dtype=np.int64)
    unit_grp[perm] = grp
    # Round robin within each group: every pair (a, b) with a < b in slot order.
    first = np.concatenate(([0], np.cumsum(size)[:-1]))
    es, os_, vs = [], [], []
    for g in (3, 4):
        sel = first[size == g]
        for a in range(g):
            for b in range(a + 1, g):
                ua, ub = perm[sel + a], perm[sel + b]
                r = rng.choice(3, sel.size, p=(0.4, 0.25, 0.35))  # a wins, draw, b wins
                pa = np.array([3.0, 1.0, 0.0])[r]
                pb = np.array([0.0, 1.0, 3.0])[r]
                es += [ua, ub]
                os_ += [ub, ua]
                vs += [pa, pb]
    pw = er.Pairwise(np.concatenate(es), np.concatenate(os_), np.concatenate(vs))
    return points, pw, unit_grp


def h2h_floor(
    points: np.ndarray, pw: er.Pairwise, lot: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One pass of the block: tie groups on points, pairwise sums inside them, one sort."""
    n = points.size
    order = np.argsort(-points, kind="stable")
    s = points[order]
    gid = np.empty(n, dtype=np.int64)
    gid[order] = np.cumsum(np.concatenate(([True], s[1:] != s[:-1])))
    e, o = pw.earner, pw.opponent
    keep = gid[e] == gid[o]
    h2h = np.bincount(e[keep], weights=pw.value[keep], minlength=n).astype(np.int64)
    c1 = -points - int(-points.max())
    c2 = -h2h - int(-h2h.max())
    span2 = int(c2.max()) + 1
    packed = (c1 * span2 + c2) * n + lot
    return np.argsort(packed, kind="stable"), h2h


@dataclass
class H2HData:
    """The head-to-head columns of every number of tie groups G, keyed by G."""

    points: dict[str, np.ndarray]  # "points_G" -> points
    pairwise: dict[str, er.Pairwise]  # "pts_G" -> a round robin in each group
    in_group: dict[int, int]  # G -> units in the G groups


def make_h2h_columns(n: int) -> H2HData:
    data = H2HData({}, {}, {})
    for g in H2H_GROUPS:
        if 4 * g <= n // 2:
            data.points[f"points_{g}"], data.pairwise[f"pts_{g}"], grp = make_h2h(n, g)
            data.in_group[g] = int((grp >= 0).sum())
    return data


def _measure_h2h(
    ctx: Ctx,
    g: int,
    table: er.ScoreTable,
    h2h: H2HData,
    lot: np.ndarray,
    first: tuple[int, float] | None,
) -> float:
    """Rows of one number of tie groups ``g``; returns the library's seconds.

    ``first`` is the smallest ``g`` measured and its seconds, for the cost per
    added group.
    """
    n = ctx.n
    points, pw = h2h.points[f"points_{g}"], h2h.pairwise[f"pts_{g}"]
    rk = Ranking(desc(f"points_{g}"), HeadToHead(desc(f"pts_{g}")), Lot(seed=1))

    def rank() -> er.Standing:
        return rk.rank(table)

    def floor() -> tuple[np.ndarray, np.ndarray]:
        return h2h_floor(points, pw, lot)

    # The first ranking of a table also hashes each tied id once (the digests are
    # cached on the table): timed apart, so that the repeated calls measure the
    # steady state of many rankings of one table (simulations, re-rankings).
    rank()  # warm: the lot's id digests are cached on the table after the first call
    lib_s, standing = timed(rank, n, BUDGET_DECIDING)
    want = np.asarray(standing.order_index)
    _permutation(f"h2h {g}: rank", want, n)
    if standing.tied.any():
        raise AssertionError(f"h2h {g}: the standing kept ties although the chain ends in a lot")
    n_lot = len(standing.lots)
    del standing
    floor_s, (got, h2h_pts) = timed(floor, n, BUDGET_DECIDING)
    _permutation(f"h2h {g}: floor", got, n)
    check_keys(f"h2h {g} groups: floor", got, want, [points, h2h_pts])
    del got, h2h_pts
    label = f"10^{round(np.log10(g))}g"
    ctx.add(
        f"h2h {label}: rank",
        lib_s,
        rank,
        floor_s,
        note=(
            f"{g} groups of 3-4 ({h2h.in_group[g]} units, {pw.n_entries} entries); "
            f"lot for {n_lot} units"
            + (
                f"; +{(lib_s - first[1]) / (g - first[0]) * 1e6:.1f} us per group added "
                f"since {first[0]}"
                if first
                else ""
            )
        ),
        peak_always=True,
    )
    ctx.add(
        f"h2h {label}: floor",
        floor_s,
        floor,
        floor_s,
        note="one pass of the block (bincount), one packed argsort; no re-application",
        peak_always=True,
    )
    return lib_s


# -- targets ----------------------------------------------------------------------------


def _per(rows: Sequence[Row], method: str) -> dict[int, Row]:
    return rows_at(rows, method)


def check(rows: Sequence[Row]) -> list[Target]:
    targets: list[Target] = []
    kinds = ("tie", "cont")
    lib = {k: _per(rows, f"{k}: rank") for k in kinds}
    if not any(lib.values()):
        return targets

    def each(fn: Callable[[str, int], tuple[bool, str] | None], ks: Sequence[str] = kinds) -> Any:
        oks, parts = [], []
        for k in ks:
            for n in sorted(lib[k]):
                got = fn(k, n)
                if got is not None:
                    oks.append(got[0])
                    parts.append(f"{k} {n}: {got[1]}")
        return all(oks) and bool(oks), ", ".join(parts)

    def vs_floor(k: str, n: int) -> tuple[bool, str]:
        r = lib[k][n].ratio_to_floor
        return r <= TARGET_FLOOR, f"{r:.2f}x"

    ok, detail = each(vs_floor)
    targets.append(Target(f"rank within {TARGET_FLOOR}x of the packed floor", ok, detail))

    def vs(method: str, bound: float) -> Callable[[str, int], tuple[bool, str] | None]:
        def f(k: str, n: int) -> tuple[bool, str] | None:
            other = _per(rows, f"{k}: {method}").get(n)
            if other is None:
                return None
            speedup = other.seconds / lib[k][n].seconds
            return speedup >= bound, f"{speedup:.2f}x"

        return f

    ok, detail = each(vs("lexsort", TARGET_LEXSORT))
    targets.append(Target(f"rank at least {TARGET_LEXSORT}x faster than lexsort", ok, detail))
    ok, detail = each(vs("pandas", 1.0))
    targets.append(Target("rank faster than pandas sort_values (speed-up)", ok, detail))
    ok, detail = each(vs("polars", 1.0), ("tie",))
    _, beside = each(vs("polars", 1.0), ("cont",))
    targets.append(
        Target(
            "rank faster than polars sort on tie-heavy data (speed-up)",
            ok,
            f"{detail}; continuous, not a target: {beside}",
        )
    )

    def mem(k: str, n: int) -> tuple[bool, str] | None:
        r = lib[k][n]
        if r.peak_mb != r.peak_mb:  # not measured at this size (too slow a call)
            return None
        per_unit = r.peak_mb * MB / n
        return per_unit <= TARGET_BYTES_PER_UNIT, f"{per_unit:.0f} B/unit"

    ok, detail = each(mem)
    skipped = sorted({n for k in kinds for n, r in lib[k].items() if r.peak_mb != r.peak_mb})
    if skipped:
        detail += f" (not measured at {', '.join(map(str, skipped))}: too slow a call to trace)"
    targets.append(
        Target(
            f"rank peak memory above the input <= {TARGET_BYTES_PER_UNIT:.0f} B/unit "
            "(0.5x an N x 20 float64 matrix)",
            ok,
            detail,
        )
    )

    def top(k: str, n: int) -> tuple[bool, str] | None:
        r = _per(rows, f"{k}: top({TOP_K})").get(n)
        if r is None:
            return None
        return r.ratio_to_floor <= TARGET_TOP, f"{r.ratio_to_floor:.2f}x"

    ok, detail = each(top)
    targets.append(
        Target(f"top({TOP_K}) within {TARGET_TOP}x of the argpartition floor", ok, detail)
    )
    raw = _per(rows, "raw: rank")
    if raw:
        parts, oks = [], []
        for n, r in sorted(raw.items()):
            pol = _per(rows, "raw: polars").get(n)
            ok_f = r.ratio_to_floor <= TARGET_RAW_FLOOR
            ok_p = pol is None or r.seconds <= TARGET_RAW_POLARS * pol.seconds
            oks.append(ok_f and ok_p)
            vs_pol = f", {r.seconds / pol.seconds:.2f}x polars" if pol else ""
            parts.append(f"{n}: {r.ratio_to_floor:.2f}x floor{vs_pol}")
        targets.append(
            Target(
                f"raw: rank within {TARGET_RAW_FLOOR}x of the first-key floor and "
                f"{TARGET_RAW_POLARS}x of polars",
                all(oks),
                ", ".join(parts),
            )
        )
    parts, oks = [], []
    for k in (*kinds, "raw"):
        for n, r in sorted(_per(rows, f"{k}: rank").items()):
            cold = _per(rows, f"{k}: rank, 1st call").get(n)
            if cold is not None:
                q = cold.seconds / r.seconds
                oks.append(q <= TARGET_FIRST_CALL)
                parts.append(f"{k} {n}: {q:.2f}x")
    if parts:
        targets.append(
            Target(
                f"rank, 1st call within {TARGET_FIRST_CALL}x of rank", all(oks), ", ".join(parts)
            )
        )
    return targets


DESCRIPTION = (
    "Ranking(desc(k1), desc(k2, resolution=...), asc(k3), Lot(seed=1)) on N units; kinds: "
    "tie = tie-heavy integer grid, cont = continuous floats with resolution (exact codes), "
    "raw = the same floats without resolution.\n"
    "ratio_to_floor: seconds / the floor of that kind at that size (packed floor; "
    "first-key floor for raw; top floor for top(k); one-pass floor for h2h).\n"
    "peak_mb: tracemalloc peak above the input during one call, result included; "
    "peak/input: over an N x 20 float64 matrix (160 B/unit): the target is 0.5."
)
