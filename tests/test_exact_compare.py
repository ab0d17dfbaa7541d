"""Comparisons in conditions are exact, whatever mix of integers and floats meets.

numpy rounds the scalar side of a comparison to the array's type, so
``float64 >= 2**53 + 1`` is decided against ``2**53``: a value and a threshold one
apart compared equal. These tests state the law -- every comparison a condition
makes agrees with exact rational arithmetic -- and hunt for the class with values
and thresholds drawn near the float spacing, past int64 and past the float range.
"""

from __future__ import annotations

import operator
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import emulation_rules as er

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
EXACT = 2**53

# Whole numbers around the places where float64 stops holding every integer, and far past.
near_limits = st.one_of(
    st.integers(-(2**70), 2**70),
    st.integers(EXACT - 8, EXACT + 8),
    st.integers(-EXACT - 8, -EXACT + 8),
    st.integers(2**63 - 4, 2**63 + 4),
    st.sampled_from([10**400, -(10**400)]),
)
floats = st.floats(allow_nan=False, allow_infinity=False)


def _cond(op: str, name: str, threshold: object) -> er.Condition:
    return OPS[op](er.column(name), threshold)  # type: ignore[no-any-return]


def _exact(op: str, value: float | int, threshold: float | int) -> bool:
    return bool(OPS[op](Fraction(value), Fraction(threshold)))


def _mask(values: list[float] | list[int], op: str, threshold: object) -> np.ndarray:
    table = er.ScoreTable({"unit": [f"u{i}" for i in range(len(values))], "x": values})
    return _cond(op, "x", threshold).mask(er.Context(2024, table=table))


class TestRegressions:
    def test_float_values_meet_a_whole_number_past_2_53(self) -> None:
        assert _mask([float(EXACT), 1.0], ">=", EXACT + 1).tolist() == [False, False]
        assert _mask([float(EXACT), 1.0], "<", EXACT + 1).tolist() == [True, True]
        assert _mask([float(EXACT), 1.0], ">", EXACT - 1).tolist() == [True, False]

    def test_integer_values_meet_a_float_between_them(self) -> None:
        assert _mask([1, 2, 3], ">", 2.5).tolist() == [False, False, True]
        assert _mask([1, 2, 3], "<=", 2.5).tolist() == [True, True, False]
        assert (er.column("x") == 2.5).mask(
            er.Context(2024, table=er.ScoreTable({"unit": ["a", "b"], "x": [2, 3]}))
        ).tolist() == [False, False]

    def test_thresholds_past_every_range(self) -> None:
        assert _mask([1.0e308, -1.0e308], "<", 10**400).tolist() == [True, True]
        assert _mask([1, -1], ">=", -(2**70)).tolist() == [True, True]
        assert _mask([1, -1], ">", 2**70).tolist() == [False, False]

    def test_history_facts_past_2_53_are_refused(self) -> None:
        with pytest.raises(er.DataError, match=r"fact 'n' of 'a' in 2023 .* past 2\*\*53"):
            er.History.from_records([{"unit": "a", "period": 2023, "n": 2**53 + 1}])

    def test_history_fact_at_2_53_compares_exactly(self) -> None:
        h = er.History.from_records([{"unit": "a", "period": 2023, "n": EXACT}])
        ctx = er.Context(2023, history=h)
        assert not (er.fact("n") >= EXACT + 1).mask(ctx)[0]
        assert (er.fact("n") >= EXACT).mask(ctx)[0]


@given(
    values=st.lists(
        st.one_of(floats, st.integers(-EXACT, EXACT).map(float)), min_size=1, max_size=6
    ),
    threshold=near_limits,
    op=st.sampled_from(sorted(OPS)),
)
def test_float_values_against_whole_thresholds_agree_with_exact_arithmetic(
    values: list[float], threshold: int, op: str
) -> None:
    got = _mask(values, op, threshold)
    assert got.tolist() == [_exact(op, v, threshold) for v in values]


@given(
    values=st.lists(st.integers(-EXACT, EXACT), min_size=1, max_size=6),
    threshold=st.one_of(floats, near_limits),
    op=st.sampled_from(sorted(OPS)),
)
def test_integer_values_against_any_threshold_agree_with_exact_arithmetic(
    values: list[int], threshold: float | int, op: str
) -> None:
    got = _mask(values, op, threshold)
    assert got.tolist() == [_exact(op, v, threshold) for v in values]


@given(
    value=st.integers(-EXACT, EXACT),
    threshold=st.one_of(floats, near_limits),
    op=st.sampled_from(sorted(OPS)),
)
def test_history_facts_against_any_threshold_agree_with_exact_arithmetic(
    value: int, threshold: float | int, op: str
) -> None:
    h = er.History.from_records([{"unit": "a", "period": 2023, "n": value}])
    got = OPS[op](er.fact("n"), threshold).mask(er.Context(2023, history=h))
    assert bool(got[0]) == _exact(op, value, threshold)
