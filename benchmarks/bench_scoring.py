"""Scoring: ``Scorecard.score`` on N units x 20 columns, against a numpy floor and pandas.

The scorecard is a realistic emulation-cluster points table at resolution 0.01:
18 criteria (``Linear`` and ``Target`` scales, some lower-is-better, one
relative ``MinMax``), four groups with caps that bind for some units, two
top-level criteria, a ``Bonus`` with a per-item cap and a ``Penalty``, total
floored at 0. The 20 raw columns live in one ``(20, N)`` C-ordered float64
matrix ``M`` (each column contiguous, as in a columnar table); the
``ScoreTable`` is built once per size on views of its rows (``copy=False``), and
the pandas DataFrame on the same memory. ``X = M.T`` is the ``(N, 20)`` matrix.

Methods, timed in the same run (best of a few repeats):

* ``Scorecard.score`` -- the library.
* ``floor_chunked`` / ``floor_whole`` -- hand-written numpy doing exactly the
  same arithmetic (scale, clip, round half-up to ticks with
  ``floor(x + 0.5 + eps)``, group caps, sums, bonus, penalty, floor), over
  blocks of units that stay in cache or over the whole matrix at once. The
  faster is the floor every ratio is taken against.
* ``pandas`` -- the same arithmetic as a user would write it on a DataFrame.
* ``X @ w`` -- a matrix-vector product over the same matrix: one read of it,
  the memory-bandwidth reference.

The library's integer totals are checked equal to the floors' and pandas'
before anything is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

import emulation_rules as er
from _common import MB, Row, Target, best_of, peak_memory, repeats_for, rows_at, with_ratios

NAME = "scoring"
DEFAULT_SIZES = (10**4, 10**5, 10**6, 10**7)

RESOLUTION = 0.01
TPP = 1.0 / RESOLUTION  # ticks per point, exactly as Scorecard.ticks_per_point
HALF = 0.5 + 2.0**-30  # round half up with the library's TICK_EPS
CHUNKS = (8192, 16384, 32768)  # unit block widths tried by the chunked floor (L2/L3-sized)

# Targets of the issue.
TARGET_RATIO = 1.5
TARGET_PEAK = 1.0

SCORE, FLOOR_CHUNKED, FLOOR_WHOLE, PANDAS, MATVEC = (
    "Scorecard.score",
    "floor_chunked",
    "floor_whole",
    "pandas",
    "X @ w",
)
FLOORS = (FLOOR_CHUNKED, FLOOR_WHOLE)

Gen = Callable[[np.random.Generator, int], np.ndarray]


def _rate(a: float, b: float) -> Gen:
    return lambda rng, n: np.round(rng.beta(a, b, n), 4)


def _count(lam: float) -> Gen:
    return lambda rng, n: rng.poisson(lam, n).astype(np.float64)


def _normal(mu: float, sd: float, decimals: int = 4) -> Gen:
    return lambda rng, n: np.round(rng.normal(mu, sd, n), decimals)


def _uniform(lo: float, hi: float, decimals: int = 1) -> Gen:
    return lambda rng, n: np.round(rng.uniform(lo, hi, n), decimals)


@dataclass(frozen=True)
class Crit:
    """One criterion of the benchmark card and how its raw data is drawn."""

    column: str
    points: float
    scale: str  # "linear" | "target" | "minmax"
    args: tuple[float, ...]
    gen: Gen
    lower: bool = False
    zero_at: float | None = None

    def to_library(self) -> er.Criterion:
        if self.scale == "linear":
            scale: er.Scale = er.Linear(*self.args)
        elif self.scale == "target":
            scale = er.Target(*self.args, zero_at=self.zero_at)
        else:
            scale = er.MinMax()
        return er.Criterion(self.column, self.points, scale=scale, lower_is_better=self.lower)

    def affine(self, x: np.ndarray) -> tuple[float, float]:
        """``(a, b)`` with ``fraction = clip(a * x + b, 0, 1)``: the formulas of ``scales.py``."""
        if self.scale == "linear":
            low, high = self.args
            span = high - low
            return (-1.0 / span, high / span) if self.lower else (1.0 / span, -low / span)
        if self.scale == "target":
            (t,) = self.args
            if self.lower:
                z = float(self.zero_at)  # type: ignore[arg-type]
                return -1.0 / (z - t), z / (z - t)
            z = 0.0 if self.zero_at is None else self.zero_at
            return 1.0 / (t - z), -z / (t - z)
        lo, hi = float(x.min()), float(x.max())
        span = hi - lo
        if not span > 0:
            return 0.0, 1.0
        return (-1.0 / span, hi / span) if self.lower else (1.0 / span, -lo / span)


@dataclass(frozen=True)
class Grp:
    name: str
    cap: float
    items: tuple[Crit, ...]


@dataclass(frozen=True)
class Adj:
    column: str
    per: float
    cap: float | None
    gen: Gen


# An emulation cluster's points table for provincial public-security units:
# 100 points of criteria (85 after the group caps, which sit below their items' sums),
# two of them top-level; 18 criteria + bonus + penalty = 20 columns.
CARD: tuple[Grp | Crit, ...] = (
    Grp(
        "an ninh, trật tự",
        22,
        (
            Crit("clearance_rate", 8, "target", (0.75,), _rate(8, 2)),
            Crit("serious_clearance", 6, "target", (0.90,), _rate(12, 1.5)),
            Crit("drug_cases", 6, "linear", (0, 500), _count(320)),
            Crit("crime_reduction", 6, "target", (0.05,), _normal(0.04, 0.05)),
        ),
    ),
    Grp(
        "trật tự an toàn giao thông, PCCC",
        21,
        (
            Crit("traffic_deaths", 6, "linear", (0, 60), _count(28), lower=True),
            Crit(
                "accident_change",
                6,
                "target",
                (-0.05,),
                _normal(-0.04, 0.06),
                lower=True,
                zero_at=0.10,
            ),
            Crit("fire_losses", 5, "linear", (0, 50), _normal(18, 9, 2), lower=True),
            Crit("violations_processed", 5, "target", (0.95,), _rate(30, 2)),
            Crit("residence_registration", 4, "target", (0.98,), _rate(60, 1.5)),
        ),
    ),
    Grp(
        "xây dựng lực lượng",
        17,
        (
            Crit("training_pass_rate", 5, "target", (0.90,), _rate(15, 2)),
            Crit("discipline_cases", 5, "linear", (0, 20), _count(4), lower=True),
            Crit("digital_records", 5, "target", (1.0,), _rate(20, 2)),
            Crit("inspection_score", 5, "linear", (50, 100), _uniform(55, 100)),
        ),
    ),
    Grp(
        "phong trào toàn dân",
        9,
        (
            Crit("mass_mobilisation", 4, "linear", (0, 200), _count(110)),
            Crit("model_examples", 4, "linear", (0, 30), _count(16)),
            Crit("media_coverage", 4, "target", (0.80,), _rate(6, 2)),
        ),
    ),
    Crit("citizen_satisfaction", 6, "linear", (60, 100), _uniform(50, 100)),
    Crit("overall_index", 10, "minmax", (), _normal(70, 8, 2)),
)
BONUS = Adj("initiatives", 0.5, 3.0, _count(2.5))
PENALTY = Adj("violations", 2.0, 10.0, _count(0.8))
TOTAL_FLOOR = 0.0


def _criteria() -> list[Crit]:
    out: list[Crit] = []
    for it in CARD:
        out.extend(it.items if isinstance(it, Grp) else (it,))
    return out


CRITERIA = _criteria()
COLUMNS = [c.column for c in CRITERIA] + [BONUS.column, PENALTY.column]
N_CRIT = len(CRITERIA)
assert len(COLUMNS) == 20


def scorecard() -> er.Scorecard:
    items: list[er.Criterion | er.Group | er.Bonus | er.Penalty] = []
    for it in CARD:
        if isinstance(it, Grp):
            items.append(er.Group(it.name, [c.to_library() for c in it.items], cap=it.cap))
        else:
            items.append(it.to_library())
    items.append(er.Bonus(BONUS.column, BONUS.per, cap=BONUS.cap))
    items.append(er.Penalty(PENALTY.column, PENALTY.per, cap=PENALTY.cap))
    return er.Scorecard(items, resolution=RESOLUTION, floor=TOTAL_FLOOR)


def make_matrix(n: int, seed: int = 2024) -> np.ndarray:
    """The raw data, ``(20, N)`` C-ordered: row ``j`` is column ``COLUMNS[j]``."""
    rng = np.random.default_rng(seed)
    m = np.empty((len(COLUMNS), n))
    gens = [c.gen for c in CRITERIA] + [BONUS.gen, PENALTY.gen]
    for j, gen in enumerate(gens):
        m[j] = gen(rng, n)
    return m


# -- the numpy floor ---------------------------------------------------------------


@dataclass
class FloorPlan:
    """Everything the floor needs that does not depend on the data."""

    points: np.ndarray  # (N_CRIT, 1) max ticks of each criterion
    starts: np.ndarray  # first row of each segment (a group, or a top-level criterion)
    caps: np.ndarray  # (n_segments, 1) cap in ticks, inf for a top-level criterion
    bonus: tuple[float, float]  # (per in ticks, cap in ticks)
    penalty: tuple[float, float]
    floor: float


def floor_plan() -> FloorPlan:
    starts, caps, row = [], [], 0
    for it in CARD:
        starts.append(row)
        if isinstance(it, Grp):
            caps.append(round(it.cap * TPP))
            row += len(it.items)
        else:
            caps.append(np.inf)
            row += 1
    return FloorPlan(
        points=np.array([[c.points * TPP] for c in CRITERIA]),
        starts=np.array(starts, dtype=np.intp),
        caps=np.array(caps, dtype=np.float64)[:, None],
        bonus=(BONUS.per * TPP, round((BONUS.cap or np.inf) * TPP)),
        penalty=(PENALTY.per * TPP, round((PENALTY.cap or np.inf) * TPP)),
        floor=round(TOTAL_FLOOR * TPP),
    )


def floor_passes(plan: FloorPlan) -> float:
    """How many elementwise passes over the ``(20, N)`` matrix :func:`floor_total` makes.

    Counted from its ufunc calls: 5 over the 18 criteria rows, the segment sums
    reading them once, cap and sum of the segments, 4 on the bonus row and 4 on
    the penalty row, 4 to combine and store, and the MinMax column's min and max.
    """
    nseg = len(plan.starts)
    n_minmax = sum(c.scale == "minmax" for c in CRITERIA)
    rows = 5 * N_CRIT + N_CRIT + 2 * nseg + 4 + 4 + 4 + 2 * n_minmax
    return rows / len(COLUMNS)


def floor_total(m: np.ndarray, plan: FloorPlan, chunk: int | None) -> np.ndarray:
    """Total ticks of every unit, by the scorecard's arithmetic in bare numpy.

    ``chunk=None`` works on the whole matrix at once (whole-size temporaries);
    otherwise on blocks of ``chunk`` units whose temporaries stay in cache, so
    that the matrix is read from memory once.
    """
    n = m.shape[1]
    crit = m[:N_CRIT]
    # Coefficients in ticks: x * (a * m) + (b * m), as the library's Affine kernel does.
    ab = [c.affine(m[j]) for j, c in enumerate(CRITERIA)]
    pts = plan.points
    a = np.array([[x] for x, _ in ab]) * pts
    b = np.array([[y] for _, y in ab]) * pts
    w = n if chunk is None else min(chunk, n)
    buf = np.empty((N_CRIT, w))
    bounds = list(zip(plan.starts.tolist(), [*plan.starts[1:].tolist(), N_CRIT], strict=True))
    segbuf = np.empty((len(bounds), w))
    out = np.empty(n, dtype=np.int64)
    bper, bcap = plan.bonus
    pper, pcap = plan.penalty
    for start in range(0, n, w):
        sl = slice(start, min(n, start + w))
        t = buf[:, : sl.stop - sl.start]
        np.multiply(crit[:, sl], a, out=t)
        np.add(t, b, out=t)
        np.clip(t, 0.0, pts, out=t)
        np.add(t, HALF, out=t)
        np.floor(t, out=t)
        seg = segbuf[:, : sl.stop - sl.start]
        for k, (lo, hi) in enumerate(bounds):
            np.add.reduce(t[lo:hi], axis=0, out=seg[k])
        np.minimum(seg, plan.caps, out=seg)
        tot = seg.sum(axis=0)
        bon = m[N_CRIT, sl] * bper
        bon += HALF
        np.floor(bon, out=bon)
        np.minimum(bon, bcap, out=bon)
        pen = m[N_CRIT + 1, sl] * pper
        pen += HALF
        np.floor(pen, out=pen)
        np.minimum(pen, pcap, out=pen)
        tot += bon
        tot -= pen
        np.maximum(tot, plan.floor, out=tot)
        out[sl] = tot
    return out


# -- pandas, as a user would write it --------------------------------------------


def pandas_total(df: pd.DataFrame) -> pd.Series:
    return pandas_ticks(df)[0]


def pandas_ticks(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(total, penalty) in ticks, as a pandas user writes the card."""
    pts = {}
    for c in CRITERIA:
        m = c.points * TPP
        a, b = c.affine(df[c.column])
        pts[c.column] = np.floor((df[c.column] * (a * m) + (b * m)).clip(0.0, m) + HALF)
    p = pd.DataFrame(pts)
    base = 0
    for it in CARD:
        if isinstance(it, Grp):
            sub = p[[c.column for c in it.items]].sum(axis=1)
            base = base + sub.clip(upper=round(it.cap * TPP))
        else:
            base = base + p[it.column]
    bonus = np.floor(df[BONUS.column] * (BONUS.per * TPP) + HALF).clip(upper=BONUS.cap * TPP)
    penalty = np.floor(df[PENALTY.column] * (PENALTY.per * TPP) + HALF).clip(
        upper=PENALTY.cap * TPP
    )
    return (base + bonus - penalty).clip(lower=TOTAL_FLOOR * TPP), penalty


# -- the benchmark ----------------------------------------------------------------


def _check_equal(name: str, got: np.ndarray, want: np.ndarray) -> None:
    got = np.asarray(got)
    if got.shape != want.shape or not np.array_equal(got, want):
        bad = np.flatnonzero(got != want)
        raise AssertionError(
            f"{name} disagrees with Scorecard.score on {bad.size} of {want.size} units "
            f"(first at {bad[:5].tolist()}: {got[bad[:5]].tolist()} vs {want[bad[:5]].tolist()}); "
            "the floor must do exactly the library's arithmetic"
        )


def run(sizes: Sequence[int]) -> Iterator[Row]:
    card = scorecard()
    plan = floor_plan()
    for n in sizes:
        yield from with_ratios(_measure(n, card, plan), FLOORS)


def _measure(n: int, card: er.Scorecard, plan: FloorPlan) -> list[Row]:
    m = make_matrix(n)
    x = m.T  # the (N, 20) view
    input_mb = m.nbytes / MB
    table = er.ScoreTable(dict(zip(COLUMNS, m, strict=True)), units=range(n), copy=False)
    df = pd.DataFrame(x, columns=COLUMNS, copy=False)
    if not np.shares_memory(df[COLUMNS[0]].to_numpy(), m):
        raise AssertionError("the DataFrame copied the matrix; the peaks would not compare")
    reps = repeats_for(n)
    passes = floor_passes(plan)
    rows: list[Row] = []

    def add(method: str, fn: Callable[[], object], note: str = "") -> None:
        seconds, _ = best_of(fn, reps)
        peak, _ = peak_memory(fn)
        rows.append(Row(NAME, n, method, seconds, peak, input_mb=input_mb, note=note))

    scores = card.score(table)  # warm-up, and the reference every other method must match
    want = np.array(scores.total_ticks, dtype=np.int64)
    binding = _binding_caps(scores)
    del scores
    add(SCORE, lambda: card.score(table), note=binding)

    timed = []
    for w in CHUNKS:
        _check_equal(f"floor (chunk {w})", floor_total(m, plan, w), want)
        timed.append((best_of(lambda w=w: floor_total(m, plan, w), reps)[0], w))
    wbest = min(timed)[1]
    add(
        FLOOR_CHUNKED,
        lambda: floor_total(m, plan, wbest),
        note=f"{passes:.1f} elementwise passes on blocks of {min(wbest, n)} units; M read once",
    )
    _check_equal("floor (whole)", floor_total(m, plan, None), want)
    add(
        FLOOR_WHOLE,
        lambda: floor_total(m, plan, None),
        note=f"{passes:.1f} elementwise passes over whole (18, N) temporaries",
    )

    _check_equal("pandas", pandas_total(df).to_numpy(), want)
    add(PANDAS, lambda: pandas_total(df))

    wv = np.linspace(0.5, 1.5, len(COLUMNS))
    add(MATVEC, lambda: x @ wv, note=f"X {x.shape} F-ordered: one read of M")
    return rows


def _binding_caps(scores: er.Scores) -> str:
    """How often the group caps bind: evidence that the card exercises them."""
    parts = []
    for it in CARD:
        if isinstance(it, Grp):
            raw = sum(scores.ticks(c.column).astype(np.int64) for c in it.items)
            parts.append(np.mean(raw > round(it.cap * TPP)))
    return f"group caps bind for {min(parts):.0%}-{max(parts):.0%} of units"


def check(rows: Sequence[Row]) -> list[Target]:
    score = rows_at(rows, SCORE)
    pandas = rows_at(rows, PANDAS)
    if not score:
        return []
    sizes = sorted(score)
    big = sizes[-1]
    where = "10^7 x 20" if big == 10**7 else f"{big} x 20 (the target is at 10^7; not run)"
    r = score[big].ratio_to_floor
    floor_s = score[big].seconds / r
    targets = [
        Target(
            f"Scorecard.score within {TARGET_RATIO}x of the numpy floor at {where}",
            r <= TARGET_RATIO,
            f"{score[big].seconds:.4g} s vs floor {floor_s:.4g} s = {r:.2f}x",
        )
    ]
    vs = {s: score[s].seconds / pandas[s].seconds for s in sizes if s in pandas}
    targets.append(
        Target(
            "Scorecard.score no slower than pandas at any size",
            all(v <= 1.0 for v in vs.values()),
            ", ".join(f"{s}: {v:.2f}x pandas" for s, v in vs.items()),
        )
    )
    peaks = {s: score[s].peak_mb / score[s].input_mb for s in sizes}
    targets.append(
        Target(
            f"Scorecard.score peak memory above input <= {TARGET_PEAK}x the input matrix",
            all(v <= TARGET_PEAK for v in peaks.values()),
            ", ".join(
                f"{s}: {score[s].peak_mb:.1f} MB / {score[s].input_mb:.1f} MB = {v:.2f}x"
                for s, v in peaks.items()
            ),
        )
    )
    return targets


DESCRIPTION = (
    "N units x 20 columns (18 criteria in 4 capped groups + 2 top-level, one MinMax; "
    "a Bonus and a Penalty), resolution 0.01.\n"
    "peak_mb: tracemalloc peak above the input during one call, result included; "
    "input matrix = 160 B/unit (20 x float64).\n"
    "ratio_to_floor: seconds / fastest of floor_chunked and floor_whole at that size."
)
