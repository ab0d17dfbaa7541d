"""Exact sums: the population statistics of Sum, Vector and ZScore do not depend on the
order of the units or on how they are split into pieces (chunks, partitions)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import Criterion, Scorecard, ScoreTable, Sum, Vector, ZScore
from emulation_rules._sums import exact_sum, merge_partials, sum_partials


def oracle(values: list[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    inf = [v for v in values if math.isinf(v)]
    if inf:
        return float(np.sum(inf)) if len(set(inf)) == 1 else math.nan
    f = sum(map(Fraction, finite), Fraction(0))
    try:
        return float(f)
    except OverflowError:
        return math.inf if f > 0 else -math.inf


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1.7e308, -1.7e308, 2.0**-1074, 1e16, -1e16, 1.0, 0.1]),
)


class TestExactSum:
    def test_cancellation(self) -> None:
        assert exact_sum(np.array([[1e16, 1.0, -1e16, 1.0]]))[0, 0] == 2.0

    def test_correctly_rounded_where_ordered_sums_are_not(self) -> None:
        assert exact_sum(np.array([0.1] * 10), keepdims=False) == 1.0
        assert sum([0.1] * 10) != 1.0

    def test_near_the_float_limit(self) -> None:
        x = np.array([1.7e308, 1.7e308, -1.7e308, 2.0**-1074])
        assert exact_sum(x, keepdims=False) == 1.7e308

    def test_overflowing_sum_is_infinite(self) -> None:
        assert exact_sum(np.array([1.7e308, 1.7e308]), keepdims=False) == math.inf

    def test_missing_skipped_and_empty(self) -> None:
        assert exact_sum(np.array([np.nan, 2.5]), keepdims=False) == 2.5
        assert exact_sum(np.zeros((3, 0)), keepdims=False).tolist() == [0.0] * 3

    @given(st.lists(floats, max_size=25), st.lists(st.integers(0, 25), max_size=4))
    def test_any_split_gives_the_exact_sum(self, values: list[float], cuts: list[int]) -> None:
        x = np.array(values, dtype=float)
        want = oracle([v for v in values if not math.isnan(v)])
        assert same(float(exact_sum(x, keepdims=False)), want)
        pieces = np.split(x, sorted(min(c, len(values)) for c in cuts))
        merged = np.concatenate([sum_partials(p) for p in pieces], axis=-1)
        assert same(float(merge_partials(merged)), want)

    @given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20), st.randoms())
    def test_order_never_changes_a_bit(self, values: list[float], rnd: object) -> None:
        x = np.array(values)
        y = x.copy()
        rnd.shuffle(y)  # type: ignore[attr-defined]
        assert exact_sum(x, keepdims=False) == exact_sum(y, keepdims=False)


class TestScalesDoNotDependOnOrder:
    @given(
        st.lists(st.floats(0, 1e6), min_size=2, max_size=12),
        st.sampled_from([Sum(), Vector(), ZScore()]),
        st.booleans(),
        st.randoms(),
    )
    def test_permuting_units_permutes_points(
        self, values: list[float], scale: object, lower: bool, rnd: object
    ) -> None:
        if lower and isinstance(scale, Sum | Vector):
            values = [v + 1.0 for v in values]
        if lower and isinstance(scale, Vector):
            lower = False
        units = [f"u{i}" for i in range(len(values))]
        perm = list(range(len(values)))
        rnd.shuffle(perm)  # type: ignore[attr-defined]
        card = Scorecard(
            [Criterion("x", 100, scale=scale, lower_is_better=lower)],  # type: ignore[arg-type]
            resolution=0.01,
        )
        a = card.score(ScoreTable({"unit": units, "x": values}))
        b = card.score(
            ScoreTable({"unit": [units[i] for i in perm], "x": [values[i] for i in perm]})
        )
        assert a.total_ticks[perm].tolist() == b.total_ticks.tolist()
