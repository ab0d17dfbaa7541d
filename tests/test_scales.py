"""Scales: each formula on hand-computed values, both directions, and construction errors."""

from __future__ import annotations

import numpy as np
import pytest

from emulation_rules import (
    ByRank,
    Criterion,
    DataError,
    Linear,
    MinMax,
    PiecewiseLinear,
    RuleError,
    Steps,
    Sum,
    Target,
    Vector,
    ZScore,
)


def frac(scale: object, values: list[float], lower: bool = False) -> list[float]:
    out = scale.fraction(np.array(values, dtype=float), lower_is_better=lower)  # type: ignore[attr-defined]
    return [round(float(v), 12) for v in out]


class TestLinear:
    def test_higher(self) -> None:
        assert frac(Linear(50, 100), [40, 50, 75, 100, 120]) == [0, 0, 0.5, 1, 1]

    def test_lower_reads_bounds_from_worst_to_best(self) -> None:
        assert frac(Linear(0, 10), [0, 2.5, 10, 11], lower=True) == [1, 0.75, 0, 0]

    def test_bounds_must_increase(self) -> None:
        with pytest.raises(RuleError, match="low < high.*lower_is_better=True"):
            Linear(10, 0)

    def test_non_finite_bound(self) -> None:
        with pytest.raises(RuleError, match="finite"):
            Linear(0, float("inf"))

    def test_non_number(self) -> None:
        with pytest.raises(RuleError, match="expected a number"):
            Linear("0", 1)  # type: ignore[arg-type]


class TestTarget:
    def test_proportional_from_zero(self) -> None:
        assert frac(Target(0.75), [0.0, 0.6, 0.75, 0.9]) == [0, 0.8, 1, 1]

    def test_proportional_from_zero_at(self) -> None:
        assert frac(Target(0.9, zero_at=0.75), [0.7, 0.825, 0.9]) == [0, 0.5, 1]

    def test_zero_below_non_strict_and_strict(self) -> None:
        assert frac(Target(0.75, below="zero"), [0.7499, 0.75, 0.8]) == [0, 1, 1]
        assert frac(Target(0.75, below="zero", strict=True), [0.75, 0.7501]) == [0, 1]

    def test_lower_is_better(self) -> None:
        assert frac(Target(0.05, below="zero"), [0.04, 0.05, 0.06], lower=True) == [1, 1, 0]
        assert frac(Target(0.05, below="zero", strict=True), [0.04, 0.05], lower=True) == [1, 0]
        assert frac(Target(0.05, zero_at=0.15), [0.05, 0.10, 0.2], lower=True) == [1, 0.5, 0]

    def test_lower_proportional_needs_zero_at(self) -> None:
        with pytest.raises(RuleError, match="criterion 'err'.*needs zero_at > target"):
            Criterion("err", 10, scale=Target(0.05), lower_is_better=True)

    def test_strict_with_proportional_is_refused(self) -> None:
        with pytest.raises(RuleError, match="use below='zero'"):
            Target(0.75, strict=True)

    def test_zero_at_above_target_when_higher(self) -> None:
        with pytest.raises(RuleError, match="zero_at must be below the target"):
            Criterion("x", 1, scale=Target(0.5, zero_at=0.9))

    def test_bad_below(self) -> None:
        with pytest.raises(RuleError, match="'proportional' or 'zero'"):
            Target(0.5, below="half")  # type: ignore[arg-type]


class TestSteps:
    def test_bands_non_strict_and_strict(self) -> None:
        s = Steps([(70, 0.5), (91, 1.0)])
        assert frac(s, [69, 70, 90, 91, 100]) == [0, 0.5, 0.5, 1, 1]
        strict = Steps([(70, 0.5), (91, 1.0)], strict=True)
        assert frac(strict, [70, 70.5, 91, 91.5]) == [0, 0.5, 0.5, 1]

    def test_otherwise(self) -> None:
        assert frac(Steps([(1, 1.0)], otherwise=0.25), [0, 1]) == [0.25, 1]

    def test_lower_is_better(self) -> None:
        s = Steps([(3, 0.5), (1, 1.0)])  # worst first: at most 3 violations, at most 1
        assert frac(s, [4, 3, 2, 1, 0], lower=True) == [0, 0.5, 0.5, 1, 1]
        strict = Steps([(3, 0.5), (1, 1.0)], strict=True)
        assert frac(strict, [3, 2, 1, 0], lower=True) == [0, 0.5, 0.5, 1]

    def test_direction_checked_against_thresholds(self) -> None:
        with pytest.raises(RuleError, match="strictly increase"):
            Criterion("x", 1, scale=Steps([(2, 0.5), (1, 1.0)]))
        with pytest.raises(RuleError, match="strictly decrease"):
            Criterion("x", 1, scale=Steps([(1, 0.5), (2, 1.0)]), lower_is_better=True)

    def test_fractions_must_not_decrease(self) -> None:
        with pytest.raises(RuleError, match="must not decrease"):
            Steps([(1, 1.0), (2, 0.5)])

    def test_fraction_range(self) -> None:
        with pytest.raises(RuleError, match=r"fraction in \[0, 1\]"):
            Steps([(1, 1.5)])

    def test_empty_and_malformed(self) -> None:
        with pytest.raises(RuleError, match="at least one"):
            Steps([])
        with pytest.raises(RuleError, match="pairs"):
            Steps([1, 2])  # type: ignore[list-item]


class TestPiecewise:
    def test_interpolates_and_clamps(self) -> None:
        p = PiecewiseLinear([(0.5, 0.0), (0.75, 0.8), (0.9, 1.0)])
        assert frac(p, [0.4, 0.625, 0.825, 0.95]) == [0, 0.4, 0.9, 1]

    def test_direction(self) -> None:
        down = PiecewiseLinear([(0, 1.0), (10, 0.0)])
        assert frac(down, [5], lower=True) == [0.5]
        with pytest.raises(RuleError, match="must not decrease"):
            Criterion("x", 1, scale=down)
        with pytest.raises(RuleError, match="must not increase"):
            Criterion("x", 1, scale=PiecewiseLinear([(0, 0.0), (1, 1.0)]), lower_is_better=True)

    def test_values_must_increase(self) -> None:
        with pytest.raises(RuleError, match="strictly increase"):
            PiecewiseLinear([(1, 0.0), (1, 1.0)])
        with pytest.raises(RuleError, match="at least two"):
            PiecewiseLinear([(1, 0.0)])


class TestRelative:
    def test_minmax(self) -> None:
        assert frac(MinMax(), [2, 4, 3]) == [0, 1, 0.5]
        assert frac(MinMax(), [2, 4, 3], lower=True) == [1, 0, 0.5]
        assert frac(MinMax(), [5, 5]) == [1, 1]

    def test_minmax_leaves_missing_out_of_population(self) -> None:
        out = MinMax().fraction(np.array([2.0, np.nan, 4.0, 3.0]))
        assert np.isnan(out[1])
        assert out[[0, 2, 3]].tolist() == [0, 1, 0.5]

    def test_minmax_per_scenario(self) -> None:
        x = np.array([[0.0, 10.0, 5.0], [0.0, 2.0, 1.0]])
        np.testing.assert_allclose(MinMax().fraction(x), [[0, 1, 0.5], [0, 1, 0.5]])

    def test_vector(self) -> None:
        assert frac(Vector(), [3, 4]) == [0.6, 0.8]
        assert frac(Vector(), [3, 4], lower=True) == [0.4, 0.2]
        assert frac(Vector(), [0, 0]) == [0, 0]
        with pytest.raises(DataError, match="non-negative"):
            Vector().fraction(np.array([-1.0, 2.0]))

    def test_sum(self) -> None:
        assert frac(Sum(), [1, 3]) == [0.25, 0.75]
        assert frac(Sum(), [1, 3], lower=True) == [0.75, 0.25]
        with pytest.raises(DataError, match="positive"):
            Sum().fraction(np.array([0.0, 2.0]), lower_is_better=True)

    def test_zscore(self) -> None:
        out = frac(ZScore(spread=2), [1, 2, 3])
        sd = np.std([1, 2, 3])
        assert out == [round(0.5 - 0.25 / sd, 12), 0.5, round(0.5 + 0.25 / sd, 12)]
        assert frac(ZScore(spread=1), [1, 2, 3]) == [0, 0.5, 1]  # z = -1.22 clips at 0
        assert frac(ZScore(), [4, 4]) == [0.5, 0.5]
        assert frac(ZScore(spread=1), [1, 3], lower=True) == [1, 0]
        with pytest.raises(RuleError, match="positive"):
            ZScore(spread=0)

    def test_by_rank_competition_and_average(self) -> None:
        s = ByRank([1.0, 0.8, 0.6])
        assert frac(s, [7, 9, 7, 1]) == [0.8, 1, 0.8, 0]
        # Lowest first: 1 is first, the 7s share second, 9 is fourth (past the list).
        assert frac(s, [7, 9, 7, 1], lower=True) == [0.8, 0, 0.8, 1]
        avg = ByRank([1.0, 0.8, 0.6], ties="average")
        assert frac(avg, [7, 9, 7, 1]) == [0.7, 1, 0.7, 0]
        assert frac(ByRank([1.0], rest=0.5), [1, 2, 3]) == [0.5, 0.5, 1]

    def test_by_rank_missing_left_out(self) -> None:
        out = ByRank([1.0, 0.5]).fraction(np.array([np.nan, 1.0, 2.0]))
        assert np.isnan(out[0])
        assert out[1:].tolist() == [0.5, 1.0]

    def test_by_rank_validation(self) -> None:
        with pytest.raises(RuleError, match="must not increase"):
            ByRank([0.5, 1.0])
        with pytest.raises(RuleError, match="at least the first place"):
            ByRank([])
        with pytest.raises(RuleError, match="ties"):
            ByRank([1.0], ties="dense")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scale", "text"),
    [
        (Linear(0, 1), "Linear(0.0, 1.0)"),
        (Target(0.9, zero_at=0.75), "Target(0.9, zero_at=0.75)"),
        (Steps([(70, 0.5)], strict=True), "Steps(((70.0, 0.5),), strict=True)"),
        (MinMax(), "MinMax()"),
        (ZScore(spread=2), "ZScore(spread=2.0)"),
        (ByRank([1, 0.5], ties="average"), "ByRank((1.0, 0.5), ties='average')"),
    ],
)
def test_repr_reads_as_code(scale: object, text: str) -> None:
    assert repr(scale) == text
    import emulation_rules as er

    assert eval(text, vars(er)) == scale
