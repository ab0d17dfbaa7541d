"""Arithmetic never wraps: integers past int64, ticks past the limit, keys, float limits.

Every input here is either computed exactly or refused with an error that names
the column, item or key and the limit (issue 9, section 2). The regression
cases are the issue's examples; each class also has a property that draws
values near the int64 and float limits, tiny spreads and fine resolutions to
hunt for new members.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import reference as R
from emulation_rules import (
    Bonus,
    Criterion,
    DataError,
    Group,
    Linear,
    MinMax,
    Penalty,
    PiecewiseLinear,
    RuleError,
    Scorecard,
    ScoreTable,
    Sum,
    Target,
    Vector,
    ZScore,
)
from emulation_rules._kernels import MAX_TICKS, NOISE, quantise
from emulation_rules.ranking import Key, Ranking, asc, desc

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UNITS = ["A", "B", "C", "D"]

#: Integers near every limit that matters: int64, 2**53 (exact floats), small.
near_limits = st.sampled_from(
    [INT64_MIN, INT64_MIN + 1, INT64_MAX, INT64_MAX - 1, 2**53, 2**53 + 1, -(2**53) - 1, 0, 1, -1]
)
big_ints = near_limits | st.integers(-(2**70), 2**70) | st.integers(-1000, 1000)

#: Finite floats of every size, subnormals and the extremes included.
finite = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [1.7976931348623157e308, -1.7976931348623157e308, 5e-324, -5e-324, 0.0, 1e308, -1e308]
)


def _outcome(make: Any, error: type[Exception]) -> tuple[Any, str | None]:
    """``(make(), None)``, or ``(None, message)`` when ``make`` raises ``error``."""
    try:
        return make(), None
    except error as exc:
        return None, str(exc)


def _exact_values(t: ScoreTable) -> Any:
    """A key's raw value as the exact Python number the table holds (ints stay ints)."""

    def values(key: Key, u: int) -> Any:
        v = t[key.name][u]
        return int(v) if t.kind(key.name) == "int" else float(v)

    return values


# == 1. integers past int64 in a column ==================================================


class TestIntegerColumns:
    @pytest.mark.parametrize(
        "values",
        [
            [2**64, 1],  # Python ints past int64
            [-(2**63) - 1, 1],
            np.array([2**63 + 5, 1], dtype=np.uint64),  # uint64 past int64
            np.array([2**70, 1], dtype=object),  # an object array of big ints
        ],
        ids=["python", "negative", "uint64", "object"],
    )
    def test_past_int64_is_refused_naming_column_and_limit(self, values: Any) -> None:
        with pytest.raises(DataError, match=r"column 'cases'.*2\*\*63 - 1"):
            ScoreTable({"cases": values}, units=["A", "B"])

    @pytest.mark.parametrize(
        "values",
        [[2**53 + 1, None], [2**53 + 1, 1.5], [[2**53 + 1, 1.5], [1.0, 2.0]]],
        ids=["missing", "decimal", "batch"],
    )
    def test_float_column_refuses_whole_numbers_it_would_round(self, values: Any) -> None:
        with pytest.raises(DataError, match=r"column 'cases'.*2\*\*53"):
            ScoreTable({"cases": values}, units=["A", "B"])

    def test_int64_extremes_are_kept_exactly(self) -> None:
        t = ScoreTable({"x": [INT64_MIN, INT64_MAX, 2**53 + 1]}, units=["A", "B", "C"])
        assert t["x"].tolist() == [INT64_MIN, INT64_MAX, 2**53 + 1]

    def test_float_conversion_refuses_what_it_would_round(self) -> None:
        # A score needs floats: 2**53 + 1 has none, and is refused rather than rounded.
        t = ScoreTable({"x": [2**53 + 1, 0]}, units=["A", "B"])
        card = Scorecard([Criterion("x", 10, scale=MinMax())])
        with pytest.raises(DataError, match=r"column 'x'.*2\*\*53"):
            card.score(t)

    def test_match_points_past_2_53_are_refused(self) -> None:
        # 1e20 per win is "whole", and was cast to int64: wrapped.
        with pytest.raises(DataError, match=r"points.*2\*\*53"):
            ScoreTable.from_matches([("A", "B", 1, 0)], win=1e20)
        # Goals are refused per match past 2**31, long before their totals reach 2**53.
        with pytest.raises(DataError, match=r"goals 1152921504606846976.*below 2\*\*31"):
            ScoreTable.from_matches([("A", "B", 2**60, 0), ("B", "A", 2**60, 0)])
        t = ScoreTable.from_matches([("A", "B", 1, 0)], win=2**40)
        assert t["points"].tolist() == [2**40, 0]

    @pytest.mark.parametrize("value", [2**53 + 1, 10**400], ids=["rounded", "past-float"])
    def test_pairwise_values_a_float_cannot_hold(self, value: int) -> None:
        with pytest.raises(DataError, match=r"pairwise metric 'points'"):
            ScoreTable(
                {"x": [1, 2]}, units=["A", "B"], pairwise={"points": (["A"], ["B"], [value])}
            )

    def test_dense_pairwise_integers_a_float_cannot_hold(self) -> None:
        dense = np.array([[0, 2**60], [1, 0]], dtype=np.int64)
        with pytest.raises(DataError, match=r"pairwise metric 'points'.*2\*\*53"):
            ScoreTable({"x": [1, 2]}, units=["A", "B"], pairwise={"points": dense})

    def test_pandas_uint64_is_not_wrapped(self) -> None:
        pd = pytest.importorskip("pandas")
        df = pd.DataFrame({"unit": ["A", "B"], "x": np.array([2**63 + 5, 1], dtype=np.uint64)})
        with pytest.raises(DataError, match=r"column 'x'.*2\*\*63"):
            ScoreTable.from_dataframe(df)

    @given(values=st.lists(big_ints, min_size=1, max_size=4), missing=st.booleans())
    def test_integers_are_exact_or_refused(self, values: list[int], missing: bool) -> None:
        column: list[int | None] = [*values, None] if missing else list(values)
        units = [f"u{i}" for i in range(len(column))]
        t, err = _outcome(lambda: ScoreTable({"cases": column}, units=units), DataError)
        if err is not None:
            assert "cases" in err
            limit = 2**53 if missing else INT64_MAX
            assert max(abs(v) for v in values) > limit
            return
        got = t["cases"].tolist()
        if missing:
            assert [int(v) for v in got[:-1]] == values
            assert math.isnan(got[-1])
        else:
            assert got == values
            x, err = _outcome(lambda: t.numeric("cases"), DataError)
            if err is not None:
                assert "cases" in err
                assert max(abs(v) for v in values) > 2**53
            else:
                assert [Fraction(v) for v in x.tolist()] == [Fraction(v) for v in values]


# == 2. ticks of points, bonus and totals ===============================================


class TestTicks:
    def test_points_past_the_limit_are_refused_naming_the_criterion(self) -> None:
        with pytest.raises(RuleError, match=r"criterion 'x'.*2\*\*40"):
            Scorecard([Criterion("x", 1e20, scale=Linear(0, 1))])

    def test_a_resolution_too_fine_for_the_points(self) -> None:
        with pytest.raises(RuleError, match=r"criterion 'x'.*2\*\*40"):
            Scorecard([Criterion("x", 10, scale=Linear(0, 1))], resolution=1e-12)

    def test_caps_past_the_limit(self) -> None:
        with pytest.raises(RuleError, match=r"bonus 'b' cap.*2\*\*40"):
            Scorecard([Criterion("x", 10, scale=Linear(0, 1)), Bonus("b", 1, cap=1e15)])

    @pytest.mark.parametrize("floor", [-math.inf, math.nan, -1e300])
    def test_a_floor_past_the_limit_or_not_finite(self, floor: float) -> None:
        with pytest.raises(RuleError, match="Scorecard floor"):
            Scorecard([Criterion("x", 1, scale=Linear(0, 1))], floor=floor)

    def test_totals_summed_over_criteria(self) -> None:
        # Each criterion fits; together they would not.
        items = [Criterion(f"x{i}", 2**39 / 100, scale=Linear(0, 1)) for i in range(3)]
        with pytest.raises(RuleError, match=r"base.*2\*\*40"):
            Scorecard(items)
        grouped = [Group("g", items)]
        with pytest.raises(RuleError, match=r"2\*\*40"):
            Scorecard(grouped)

    def test_bonus_from_the_data_is_refused_naming_it(self) -> None:
        # The example: 2**62 items of 1 point wrapped to totals of -9.2e16.
        card = Scorecard([Criterion("x", 10, scale=Linear(0, 1)), Bonus("initiatives", 1)])
        t = ScoreTable({"x": [0.5, 1.0], "initiatives": [2**62, 3]}, units=["A", "B"])
        with pytest.raises(DataError, match=r"bonus 'initiatives'.*2\*\*53"):
            card.score(t)  # no exact float
        t = ScoreTable({"x": [0.5, 1.0], "initiatives": [2**45, 3]}, units=["A", "B"])
        with pytest.raises(
            DataError, match=r"bonus 'initiatives' \(column 'initiatives'\).*2\*\*40"
        ):
            card.score(t)  # 2**45 points are 100 * 2**45 ticks

    def test_deductions_in_one_scenario_of_a_batch(self) -> None:
        late = np.array([[1.0, 2.0], [1e15, 0.0]])
        t = ScoreTable({"x": [0.5, 1.0], "late": late}, units=["A", "B"])
        card = Scorecard([Criterion("x", 10, scale=Linear(0, 1)), Penalty("late", 2)])
        with pytest.raises(DataError, match=r"penalty 'late'.*2\*\*40"):
            card.score(t)
        fine = ScoreTable({"x": [0.5, 1.0], "late": late[:1]}, units=["A", "B"])
        assert card.score(fine).total.tolist() == [[3.0, 6.0]]

    def test_just_inside_the_limit_is_exact(self) -> None:
        t = ScoreTable({"x": [1.0, 0.5]}, units=["A", "B"])
        points = (MAX_TICKS - 2) / 1  # at resolution 1: the last counts that fit
        s = Scorecard([Criterion("x", points, scale=Linear(0, 1))], resolution=1).score(t)
        assert s.total_ticks.tolist() == [MAX_TICKS - 2, (MAX_TICKS - 2) // 2]

    @given(
        points=st.floats(1, 1e16),
        exponent=st.integers(-8, 2),
        per=st.floats(0.25, 1e6),
        counts=st.lists(st.integers(0, 2**62) | st.integers(0, 50), min_size=2, max_size=3),
        batch=st.booleans(),
    )
    def test_ticks_are_exact_or_refused(
        self, points: float, exponent: int, per: float, counts: list[int], batch: bool
    ) -> None:
        res = 10.0**exponent
        n = len(counts)
        units = UNITS[:n]
        x = np.linspace(0.0, 1.0, n)
        bonus = np.array([counts, counts[::-1]], dtype=np.float64) if batch else counts
        items = [Criterion("x", points, scale=Linear(0, 1)), Bonus("b", per)]
        card, err = _outcome(lambda: Scorecard(items, resolution=res), RuleError)
        if err is not None:
            assert "2**40" in err
            assert points / res + 1 > MAX_TICKS
            return
        t = ScoreTable({"x": x, "b": bonus}, units=units)
        if max(counts) > 2**53:
            # Whole numbers with no exact float: refused (a float batch rounded them already).
            if not batch:
                with pytest.raises(DataError, match=r"bonus 'b'.*2\*\*53"):
                    card.score(t)
            return
        ref = R.score(card, t)  # counts are never negative: never refused
        s, err = _outcome(lambda: card.score(t), DataError)
        if err is not None:
            assert "bonus 'b'" in err  # alone, or in the total
            assert "2**40" in err
            most = max(counts) * Fraction(repr(per)) / Fraction(repr(res))
            assert most + Fraction(repr(points)) / Fraction(repr(res)) > MAX_TICKS - 2
            return
        want = np.array(ref.array("total"), dtype=np.int64).reshape(s.total_ticks.shape)
        np.testing.assert_array_equal(s.total_ticks, want)
        assert np.abs(s.total_ticks).max() <= MAX_TICKS


# == 3. ranking keys ====================================================================


class TestRankingKeys:
    def test_desc_on_the_smallest_int64(self) -> None:
        # -(-2**63) wraps to -2**63: the smallest value would rank first.
        t = ScoreTable({"x": [INT64_MIN, 5, INT64_MIN + 1, INT64_MAX]}, units=UNITS)
        assert Ranking(desc("x")).rank(t).order == ("D", "B", "C", "A")
        assert Ranking(asc("x")).rank(t).order == ("A", "C", "B", "D")

    def test_large_int_keys_differing_by_one(self) -> None:
        t = ScoreTable({"x": [2**62 + 1, 2**62, 2**62 + 1, -(2**62)]}, units=UNITS)
        s = Ranking(desc("x")).rank(t)
        assert (s.order, s.ties) == (("A", "C", "B", "D"), (("A", "C"),))

    def test_two_int_keys_too_wide_to_pack(self) -> None:
        # The spans multiply past int64: the keys are sorted in full, never wrapped.
        t = ScoreTable(
            {"x": [INT64_MAX, INT64_MIN, INT64_MAX, 0], "y": [INT64_MIN, 1, INT64_MAX, 7]},
            units=UNITS,
        )
        s = Ranking(desc("x"), asc("y")).rank(t)
        assert s.order == ("A", "C", "D", "B")

    def test_float_keys_at_the_float_limits(self) -> None:
        big = 1.7976931348623157e308
        t = ScoreTable({"x": [-big, 5e-324, big, 0.0]}, units=UNITS)
        assert Ranking(desc("x")).rank(t).order == ("C", "B", "D", "A")

    def test_resolution_too_fine_is_refused_naming_the_key(self) -> None:
        t = ScoreTable({"x": [1e300, 5.0]}, units=["A", "B"])
        with pytest.raises(DataError, match=r"desc\('x', resolution=0.001\).*2\*\*40"):
            Ranking(desc("x", resolution=0.001)).rank(t)

    def test_resolution_rounds_half_up_as_scoring_does(self) -> None:
        # The example: both are 5498637.6 half up, and explain shows no noise.
        t = ScoreTable({"x": [5498637.55, 5498637.6, 5498637.5]}, units=["A", "B", "C"])
        s = Ranking(desc("x", resolution=0.1)).rank(t)
        assert s.ties == (("A", "B"),)
        row = s.explain().to_dict()["rows"][2]
        assert (row["above_value"], row["value"]) == (5498637.6, 5498637.5)
        assert "5498637.6 " in str(s.explain()) or "5498637.6)" in str(s.explain())
        # The same quantiser as scoring's bonus: 0.55 at 0.1 is 6 ticks either way.
        card = Scorecard([Criterion("x", 1, scale=Linear(0, 1)), Bonus("b", 1)], resolution=0.1)
        st_ = ScoreTable({"x": [0.0], "b": [5498637.55]}, units=["A"])
        assert card.score(st_).ticks("b").tolist() == [54986376]

    def test_score_explanations_show_points_from_ticks(self) -> None:
        t = ScoreTable({"x": [1.0], "y": [1.0], "b": [5498637.55]}, units=["A"])
        group = Group(
            "g", [Criterion("x", 0.1, scale=Linear(0, 1)), Criterion("y", 0.2, scale=Linear(0, 1))]
        )
        card = Scorecard([group, Bonus("b", 1)], resolution=0.1)
        e = card.score(t).explain("A")
        text = str(e)
        assert "group g: 0.3 -> 0.3" in text  # not 0.30000000000000004
        assert "= 5498637.6\n" in text
        assert text.endswith("total = 0.3 + 5498637.6 = 5498637.9")
        assert e.to_dict()["total"] == 5498637.9
        odd = Scorecard([Criterion("x", 0.9, scale=Linear(0, 1))], resolution=0.3)
        assert str(odd.score(t).explain("A")).startswith("A: total 0.9 points")

    def test_half_up_on_negatives_goes_towards_plus_infinity(self) -> None:
        # -0.25 at 0.1 is -2.5 ticks: half up gives -2 (-0.2), not -3.
        assert quantise(np.array([-0.25, -0.35, 0.25]), 0.1, "x", DataError).tolist() == [
            -2,
            -3,
            3,
        ]
        t = ScoreTable({"x": [-0.25, -0.2, -0.3]}, units=["A", "B", "C"])
        s = Ranking(desc("x", resolution=0.1)).rank(t)
        assert (s.order, s.ties) == (("A", "B", "C"), (("A", "B"),))

    @given(
        rows=st.lists(
            st.tuples(big_ints.filter(lambda v: INT64_MIN <= v <= INT64_MAX), near_limits),
            min_size=2,
            max_size=5,
        ),
        directions=st.tuples(st.booleans(), st.booleans()),
    )
    def test_int_keys_equal_the_exact_reference(
        self, rows: list[tuple[int, int]], directions: tuple[bool, bool]
    ) -> None:
        units = [f"u{i}" for i in range(len(rows))]
        t = ScoreTable({"x": [r[0] for r in rows], "y": [r[1] for r in rows]}, units=units)
        steps = [Key("x", directions[0]), Key("y", directions[1])]
        s = Ranking(*steps).rank(t)
        assert R.standing_groups(s) == R.rank_groups(t, steps, _exact_values(t))

    @given(
        rows=st.lists(st.tuples(near_limits, near_limits, near_limits), min_size=2, max_size=5),
        directions=st.tuples(st.booleans(), st.booleans()),
    )
    def test_int_keys_with_batch_axes(
        self, rows: list[tuple[int, int, int]], directions: tuple[bool, bool]
    ) -> None:
        # Scenario 0 and 1 of the first key, the second key shared by both.
        units = [f"u{i}" for i in range(len(rows))]
        x = np.array([[r[0] for r in rows], [r[1] for r in rows]], dtype=np.int64)
        y = [r[2] for r in rows]
        steps = [Key("x", directions[0]), Key("y", directions[1])]
        s = Ranking(*steps).rank(ScoreTable({"x": x, "y": y}, units=units))
        for i in range(2):
            one = ScoreTable({"x": x[i], "y": y}, units=units)
            want = R.rank_groups(one, steps, _exact_values(one))
            assert R.standing_groups(s.scenario(i)) == want

    @given(
        values=st.lists(finite, min_size=2, max_size=5),
        res=st.sampled_from([1e-300, 1e-9, 0.001, 0.1, 0.25, 1.0, 1e10]),
        descending=st.booleans(),
    )
    def test_quantised_keys_are_exact_or_refused(
        self, values: list[float], res: float, descending: bool
    ) -> None:
        units = [f"u{i}" for i in range(len(values))]
        t = ScoreTable({"x": values}, units=units)
        key = Key("x", descending, resolution=res)
        s, err = _outcome(lambda: Ranking(key).rank(t), DataError)
        if err is not None:
            assert repr(key) in err
            assert "2**40" in err
            most = max(abs(R.exact(v)) for v in values) / R.exact(res)
            assert most > MAX_TICKS * Fraction(1, 2)
            return
        assert R.standing_groups(s) == R.rank_groups(t, [key], _exact_values(t))


# == 5. relative scales near the float limits ============================================

RELATIVE = (MinMax(), ZScore(), ZScore(spread=1), Vector(), Sum())


class TestRelativeScales:
    @pytest.mark.parametrize("scale", [MinMax(), ZScore()], ids=repr)
    def test_spread_past_the_float_limit_keeps_the_order(self, scale: Any) -> None:
        # max - min overflows to inf: today every unit earned 0 (or NaN).
        f = scale.fraction(np.array([1e308, -1e308, 0.0]))
        assert f[1] < f[2] < f[0]
        assert np.isfinite(f).all()

    @pytest.mark.parametrize("scale", RELATIVE, ids=repr)
    @pytest.mark.parametrize("lower", [False, True])
    def test_smallest_doubles_keep_the_order(self, scale: Any, lower: bool) -> None:
        if isinstance(scale, Sum) and lower:
            x = np.array([5e-324, 1e-323, 1.5e-323])
        else:
            x = np.array([0.0, 5e-324, 1e-323])
        f = scale.fraction(x, lower_is_better=lower)
        assert np.isfinite(f).all()
        assert (np.diff(f) < 0).all() if lower else (np.diff(f) > 0).all()

    @pytest.mark.parametrize("scale", [Vector(), Sum()], ids=repr)
    def test_values_whose_squares_or_total_overflow(self, scale: Any) -> None:
        f = scale.fraction(np.array([1.7e308, 1.7e308, 1e308]))
        assert f[0] == f[1] > f[2] > 0

    @pytest.mark.parametrize("scale", RELATIVE, ids=repr)
    @given(
        values=st.lists(finite, min_size=1, max_size=6),
        lower=st.booleans(),
        batch=st.booleans(),
    )
    def test_fractions_are_finite_in_unit_interval_and_monotone(
        self, scale: Any, values: list[float], lower: bool, batch: bool
    ) -> None:
        x = np.array(values)
        if isinstance(scale, Vector | Sum):
            x = np.abs(x)
            if isinstance(scale, Sum) and lower:
                assume((x > 0).all())
        rows = np.stack([x, x[::-1]]) if batch else x[None, :]
        f = scale.fraction(rows if batch else x, lower_is_better=lower).reshape(rows.shape)
        assert np.isfinite(f).all(), f
        assert ((f >= 0) & (f <= 1)).all(), f
        for row, fr in zip(rows, f, strict=True):
            order = np.argsort(row, kind="stable")
            r, g = row[order], fr[order]
            steps = np.diff(g)
            assert (steps <= 0).all() if lower else (steps >= 0).all(), (r, g)
            same = r[1:] == r[:-1]
            assert (g[1:][same] == g[:-1][same]).all()


class TestAbsoluteScales:
    @pytest.mark.parametrize(
        "make",
        [
            lambda: Linear(-1e308, 1e308),  # the span overflows: every fraction was 0
            lambda: Linear(0, 5e-324),  # 1 / span overflows: NaN at the low bound
            lambda: Target(0.75, zero_at=math.inf).check_direction(True, "c"),
            lambda: PiecewiseLinear([(-1e308, 0.0), (1e308, 1.0)]),
        ],
        ids=["linear-wide", "linear-tiny", "target-inf", "piecewise-wide"],
    )
    def test_spans_past_float_arithmetic_are_refused(self, make: Any) -> None:
        with pytest.raises(RuleError, match="span"):
            make()

    @given(
        bounds=st.tuples(finite, finite).filter(lambda b: b[0] < b[1]),
        values=st.lists(finite, min_size=1, max_size=6),
        lower=st.booleans(),
    )
    def test_linear_is_refused_or_finite_and_monotone(
        self, bounds: tuple[float, float], values: list[float], lower: bool
    ) -> None:
        scale, err = _outcome(lambda: Linear(*bounds), RuleError)
        if err is not None:
            assert "span" in err
            return
        x = np.sort(np.array(values))
        f = scale.fraction(x, lower_is_better=lower)
        assert np.isfinite(f).all()
        assert ((f >= 0) & (f <= 1)).all()
        steps = np.diff(f)
        assert (steps <= 0).all() if lower else (steps >= 0).all()


# == 6. the product model's snap ========================================================


class TestProductSnap:
    def test_a_genuine_tiny_fraction_survives(self) -> None:
        # Under Vector a cost column of 10000 and 0.01 gives the dearer unit
        # 1 - 10000 / sqrt(10000**2 + 0.01**2), about 5e-13 of the points: not 0.
        t = ScoreTable({"cost": [10000.0, 0.01]}, units=["A", "B"])
        frac = Vector().fraction(t["cost"], lower_is_better=True)
        exact = 1 - R.exact(10000.0) / R.sqrt(R.exact(10000.0) ** 2 + R.exact(0.01) ** 2)
        assert abs(Fraction(float(frac[0])) - exact) < exact / 1000
        # Two criteria of weight 1/2 (the other gives A 0.5): A's total is
        # 2 * sqrt(5e-13) * sqrt(0.5) = 1e-6 points, 1000 ticks of 1e-9 -- not 0.
        card = Scorecard(
            [
                Criterion("cost", 1, scale=Vector(), lower_is_better=True),
                Criterion("cost", 1, scale=Linear(0, 20000), lower_is_better=True, name="c2"),
            ],
            model="product",
            resolution=1e-9,
        )
        ticks = int(card.score(t).total_ticks[0])
        want = 2 * math.sqrt(float(exact)) * math.sqrt(0.5) * 1e9
        assert ticks > 0
        assert abs(ticks - want) <= want / 1000

    def test_float_noise_at_zero_still_snaps(self) -> None:
        # One non-zero cost: exactly 0 in exact arithmetic, 1 - x * (1 / x) in floats.
        x = np.array([3.0, 0.0, 0.0]) * 0.1
        t = ScoreTable({"cost": x, "q": [1.0, 2.0, 3.0]}, units=["A", "B", "C"])
        card = Scorecard(
            [
                Criterion("cost", 1, scale=Vector(), lower_is_better=True),
                Criterion("q", 3, scale=Linear(0, 3)),
            ],
            model="product",
            resolution=1e-6,
        )
        assert card.score(t).total[0] == 0.0

    @given(big=st.floats(1e-3, 1e7), ratio=st.floats(1e-5, 1.0))
    def test_fractions_above_the_noise_are_never_snapped(self, big: float, ratio: float) -> None:
        small = big * ratio
        exact = 1 - R.exact(big) / R.sqrt(R.exact(big) ** 2 + R.exact(small) ** 2)
        assume(exact > 64 * Fraction(NOISE))
        t = ScoreTable({"cost": [big, small]}, units=["A", "B"])
        total = 2.0**19  # points; 2**39 ticks of 2**-20
        card = Scorecard(
            [Criterion("cost", 1, scale=Vector(), lower_is_better=True)],
            model="product",
            resolution=2.0**-20,
            total=total,
        )
        ticks = int(card.score(t).total_ticks[0])
        want = exact * 2**39
        assume(want > 4)
        assert ticks > 0
        assert abs(ticks - want) <= max(2, want / 1000)
