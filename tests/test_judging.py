"""Tests of `emulation_rules.judging`: Panel, PanelResult, JudgeDeviation.

Grouped by purpose: the rule object, each aggregation method, self-exclusion,
minimum scores, deviation flags, the hand-over to ScoreTable, data errors, and
property tests against the slow pure-Python reference (tests/reference.py).
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import reference as R
from emulation_rules import (
    Criterion,
    DataError,
    DataTypeError,
    Linear,
    MissingValueError,
    Pairwise,
    RuleError,
    RuleTypeError,
    Scorecard,
    ScoreTable,
    UnknownNameError,
)
from emulation_rules.judging import JudgeDeviation, Panel, PanelResult

nan = math.nan
IDS = ["Quảng Nam", "Bình Định", "Phú Yên", "Khánh Hòa"]


def same(a: Any, b: Any) -> None:
    """Bitwise-equal arrays (NaN equal to NaN)."""
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b), strict=True)


def reachable(panel: Panel, n_judges: int, n_units: int, judge_unit: list[int], w: Any) -> bool:
    """Whether some unit can get the 2 * trim + min_scores scores the panel needs."""
    weights = list(w) if w is not None else [1.0] * n_judges
    best = 0
    for i in range(n_units):
        k = sum(
            1
            for j in range(n_judges)
            if weights[j] > 0 and not (panel.exclude_self and judge_unit[j] == i)
        )
        best = max(best, k)
    return n_units == 0 or best >= 2 * (panel.trim or 0) + panel.min_scores


# -- strategies -------------------------------------------------------------------------------

SCORES = st.one_of(
    st.just(nan),
    st.sampled_from([0.0, 1.0, 2.5, 5.0, 7.5, 10.0]),
    st.floats(-100, 100, allow_nan=False, allow_infinity=False, width=32),
)


@st.composite
def cases(
    draw: st.DrawFn,
    *,
    three_d: bool | None = None,
    weighted: bool = False,
    exclude_self: bool | None = None,
) -> dict[str, Any]:
    """Sheets, ids and a panel that can be built (it may still not be reachable)."""
    if exclude_self is None:
        exclude_self = draw(st.booleans())
    n_units = draw(st.integers(1, 6))
    n_judges = draw(st.integers(1, n_units)) if exclude_self else draw(st.integers(1, 6))
    if three_d is None:
        three_d = draw(st.booleans())
    n_crit = draw(st.integers(1, 3)) if three_d else 1
    shape = (n_judges, n_units, n_crit) if three_d else (n_judges, n_units)
    sheets = draw(arrays(np.float64, shape, elements=SCORES))
    units = [f"u{i}" for i in range(n_units)]
    if exclude_self:
        picks = draw(st.permutations(range(n_units)))[:n_judges]
        judges = [units[p] for p in picks]
    else:
        judges = [f"j{k}" for k in range(n_judges)]
    method = "mean" if weighted else draw(st.sampled_from(["mean", "median", "trimmed"]))
    weights = None
    if method == "mean" and (weighted or draw(st.booleans())):
        weights = draw(
            st.lists(
                st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), min_size=n_judges, max_size=n_judges
            )
        )
        if not any(x > 0 for x in weights):
            weights[draw(st.integers(0, n_judges - 1))] = 1.0
    deviation = draw(st.sampled_from(["mad", "outside"]))
    threshold = draw(st.none() | (st.floats(0, 1) if deviation == "outside" else st.floats(0, 50)))
    panel = Panel(
        method,
        trim=draw(st.integers(0, 2)) if method == "trimmed" else None,
        weights=weights,
        min_scores=draw(st.integers(1, 3)),
        exclude_self=exclude_self,
        deviation=deviation,
        threshold=threshold,
    )
    return {"sheets": sheets, "units": units, "judges": judges, "panel": panel}


def run(case: dict[str, Any], **over: Any) -> PanelResult:
    c = {**case, **over}
    return c["panel"].aggregate(c["sheets"], units=c["units"], judges=c["judges"])


def judge_units(case: dict[str, Any]) -> list[int]:
    index = {u: i for i, u in enumerate(case["units"])}
    return [index.get(j, -1) for j in case["judges"]]


def is_reachable(case: dict[str, Any]) -> bool:
    s = case["sheets"]
    return reachable(
        case["panel"], s.shape[0], s.shape[1], judge_units(case), case["panel"].weights
    )


def as3(a: np.ndarray) -> np.ndarray:
    return a[..., None] if a.ndim == 2 else a


# -- the rule object --------------------------------------------------------------------------


class TestPanelRule:
    def test_defaults_and_repr(self) -> None:
        assert repr(Panel()) == "Panel('mean')"
        p = Panel(
            "trimmed", trim=1, min_scores=3, exclude_self=True, deviation="outside", threshold=0.25
        )
        assert repr(p) == (
            "Panel('trimmed', trim=1, min_scores=3, exclude_self=True, deviation='outside', "
            "threshold=0.25)"
        )
        assert eval(repr(p)) == p

    def test_repr_of_keyed_weights_reads_as_a_dict(self) -> None:
        p = Panel(weights={"A": 2, "B": 1})
        assert repr(p) == "Panel('mean', weights={'A': 2.0, 'B': 1.0})"
        assert eval(repr(p)) == p

    def test_frozen_hashable_evolve(self) -> None:
        p = Panel(weights=[1, 2])
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            p.method = "median"  # type: ignore[misc]
        assert hash(p) == hash(Panel(weights=(1.0, 2.0)))
        assert attrs.evolve(p, weights=None, method="median") == Panel("median")
        with pytest.raises(RuleError, match="only defined for method='mean'"):
            attrs.evolve(p, method="median")

    def test_options_are_keyword_only(self) -> None:
        with pytest.raises(TypeError):
            Panel("trimmed", 1)  # type: ignore[misc]

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"method": "trimmed_mean"}, RuleError, "did you mean 'trimmed'"),
            ({"method": "trimmed"}, RuleError, "needs trim=k"),
            ({"method": ["mean"]}, RuleTypeError, "method must be a text"),
            ({"deviation": None}, RuleTypeError, "deviation must be 'mad' or 'outside'"),
            ({"trim": 1}, RuleError, "only applies to method='trimmed'"),
            ({"method": "median", "trim": 0}, RuleError, "only applies to method='trimmed'"),
            ({"method": "trimmed", "trim": -1}, RuleError, "trim must be >= 0"),
            ({"method": "trimmed", "trim": 1.0}, RuleTypeError, "whole number"),
            ({"method": "trimmed", "trim": True}, RuleTypeError, "whole number"),
            ({"min_scores": 0}, RuleError, "min_scores must be >= 1"),
            ({"min_scores": "2"}, RuleTypeError, "whole number"),
            ({"weights": [1, -1]}, RuleError, r"weight 1 must be finite and >= 0 \(got -1\)"),
            ({"weights": [1, nan]}, RuleError, "must be finite"),
            ({"weights": [0, 0]}, RuleError, "all zero"),
            ({"weights": []}, RuleError, "empty"),
            ({"weights": {"A": 0}}, RuleError, "all zero"),
            ({"weights": {"A": -2}}, RuleError, "weight of judge 'A'"),
            ({"weights": "12"}, RuleTypeError, "sequence of numbers"),
            ({"weights": 3}, RuleTypeError, "sequence of numbers"),
            ({"weights": ["1"]}, RuleTypeError, "must be a number"),
            ({"weights": {1.5: 1}}, RuleTypeError, "keyed by judge id"),
            ({"weights": {"Hòa": 1, "Ho\u0300a": 2}}, RuleError, "twice"),
            ({"method": "median", "weights": [1]}, RuleError, "only defined for method='mean'"),
            ({"method": "trimmed", "trim": 1, "weights": [1]}, RuleError, "only defined"),
            ({"exclude_self": "yes"}, RuleTypeError, "True or False"),
            ({"deviation": "mean_abs"}, RuleError, "'mad'"),
            ({"deviation": "outsde"}, RuleError, "did you mean 'outside'"),
            ({"threshold": -1}, RuleError, "threshold must be finite and >= 0"),
            ({"threshold": math.inf}, RuleError, "finite"),
            ({"deviation": "outside", "threshold": 1.5}, RuleError, r"in \[0, 1\]"),
        ],
    )
    def test_bad_rules_are_refused(self, kwargs: dict[str, Any], error: type, match: str) -> None:
        with pytest.raises(error, match=match):
            Panel(**kwargs)

    def test_errors_are_also_builtin_exceptions(self) -> None:
        with pytest.raises(ValueError, match="needs trim"):
            Panel("trimmed")
        with pytest.raises(TypeError, match="whole number"):
            Panel(min_scores=1.5)

    def test_numpy_inputs_are_stored_as_plain_values(self) -> None:
        p = Panel(weights=np.array([1, 2]), min_scores=np.int64(2), exclude_self=np.bool_(True))
        assert p.weights == (1.0, 2.0)
        assert type(p.min_scores) is int
        assert p.exclude_self is True


# -- methods ------------------------------------------------------------------------------------


SHEET = np.array(
    [
        [7.0, 9.0, nan, 4.0],
        [8.0, 10.0, 6.0, 4.0],
        [9.0, 5.0, nan, 1.0],
        [6.0, 8.0, 5.0, 10.0],
    ]
)


class TestMethods:
    def test_mean(self) -> None:
        r = Panel().aggregate(SHEET, units=list("ABCD"))
        np.testing.assert_allclose(r.values, [7.5, 8.0, 5.5, 4.75])
        same(r.n_scores, np.array([4, 4, 2, 4]))
        same(r.n_used, r.n_scores)
        assert r.short_units == ()

    def test_median(self) -> None:
        r = Panel("median").aggregate(SHEET, units=list("ABCD"))
        same(r.values, np.array([7.5, 8.5, 5.5, 4.0]))

    def test_median_of_an_odd_count_is_the_middle_score(self) -> None:
        r = Panel("median").aggregate(SHEET[:3], units=list("ABCD"))
        same(r.values, np.array([8.0, 9.0, 6.0, 4.0]))

    def test_trimmed_drops_k_highest_and_lowest(self) -> None:
        r = Panel("trimmed", trim=1).aggregate(SHEET, units=list("ABCD"))
        same(r.values, np.array([7.5, 8.5, nan, 4.0]))
        same(r.n_used, np.array([2, 2, 0, 2]))
        assert r.short_units == ("C",)

    def test_trimmed_with_zero_trim_is_the_mean(self) -> None:
        same(Panel("trimmed", trim=0).aggregate(SHEET).values, Panel().aggregate(SHEET).values)

    def test_weighted_mean(self) -> None:
        r = Panel(weights=[1, 1, 2, 0]).aggregate(SHEET, units=list("ABCD"))
        np.testing.assert_allclose(r.values, [33 / 4, 29 / 4, 6.0, 10 / 4])
        same(r.n_scores, np.array([3, 3, 1, 3]))  # weight 0 scores do not count

    def test_keyed_weights_follow_the_judge_ids(self) -> None:
        w = {"j3": 0, "j2": 2, "j1": 1, "j0": 1}
        r = Panel(weights=w).aggregate(SHEET, units=list("ABCD"), judges=["j0", "j1", "j2", "j3"])
        same(r.values, Panel(weights=[1, 1, 2, 0]).aggregate(SHEET).values)

    def test_three_criteria(self) -> None:
        sheets = np.stack([SHEET, SHEET * 2, SHEET + 1], axis=-1)
        r = Panel().aggregate(sheets, units=list("ABCD"), criteria=["a", "b", "c"])
        assert r.values.shape == (4, 3)
        assert r.deviation.shape == (4, 3)
        np.testing.assert_allclose(r["b"], 2 * r["a"])
        np.testing.assert_allclose(r["c"], r["a"] + 1)
        assert r.criteria == ("a", "b", "c")

    def test_defaults_for_ids_and_criteria(self) -> None:
        r2 = Panel().aggregate(SHEET)
        assert r2.units == ("0", "1", "2", "3")
        assert r2.judges == ("0", "1", "2", "3")
        assert r2.criteria == ("score",)
        r3 = Panel().aggregate(np.zeros((2, 3, 2)))
        assert r3.criteria == ("score_0", "score_1")

    def test_one_criterion_name_may_be_a_text(self) -> None:
        assert Panel().aggregate(SHEET, criteria="rate").criteria == ("rate",)

    def test_lists_with_none_and_bools_and_ints(self) -> None:
        r = Panel().aggregate([[1, None], [3, 4]], units=["A", "B"])
        same(r.values, np.array([2.0, 4.0]))
        same(Panel().aggregate([[True, False], [True, True]]).values, np.array([1.0, 0.5]))
        same(Panel().aggregate(np.array([[1, 2]], dtype=np.int32)).values, np.array([1.0, 2.0]))

    def test_ids_are_nfc_normalised(self) -> None:
        decomposed = "Khánh Ho\u0300a"
        r = Panel().aggregate(SHEET, units=[*IDS[:3], decomposed])
        assert r.units[3] == "Khánh Hòa"
        same(r["score"], r.values)
        assert "Khánh Hòa" in r.explain(decomposed)

    def test_results_are_read_only(self) -> None:
        r = Panel().aggregate(np.zeros((2, 3, 2)))
        for a in (r.values, r.n_scores, r.n_used, r.short, r.deviation, r.deviation_n, r.flagged):
            assert not a.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            r["score_0"][0] = 1.0

    def test_repr(self) -> None:
        r = Panel("trimmed", trim=1, threshold=1).aggregate(SHEET, units=list("ABCD"))
        assert repr(r) == (
            "<PanelResult of 4 judges on 4 units x 1 criterion (Panel('trimmed', trim=1, "
            "threshold=1.0)); short: 'C'; flagged: '2', '3'>"
        )


class TestSelfExclusion:
    def test_a_unit_never_scores_itself(self) -> None:
        sheets = np.array([[100.0, 8, 6], [7, 100, 5], [9, 8, 100]])
        ids = ["A", "B", "C"]
        r = Panel(exclude_self=True).aggregate(sheets, units=ids, judges=ids)
        same(r.values, np.array([8.0, 8.0, 5.5]))
        same(r.n_scores, np.array([2, 2, 2]))
        assert "judge A: 100 ignored (its own unit)" in r.explain("A")

    def test_judges_are_matched_to_units_in_any_order_and_after_nfc(self) -> None:
        units = ["Hòa", "B", "C"]
        judges = ["C", "Ho\u0300a"]  # two of the units judge, in another order
        sheets = np.array([[1.0, 2, 100], [100, 4, 5]])
        r = Panel(exclude_self=True).aggregate(sheets, units=units, judges=judges)
        same(r.values, np.array([1.0, 3.0, 5.0]))
        same(r.judge_unit, np.array([2, 0]))

    def test_without_exclude_self_self_scores_count(self) -> None:
        sheets = np.array([[100.0, 8], [7, 100]])
        r = Panel().aggregate(sheets, units=["A", "B"], judges=["A", "B"])
        same(r.values, np.array([53.5, 54.0]))

    def test_needs_judges(self) -> None:
        with pytest.raises(DataError, match="exclude_self=True needs judges="):
            Panel(exclude_self=True).aggregate(SHEET, units=list("ABCD"))

    def test_unknown_judge_suggests_the_closest_unit(self) -> None:
        with pytest.raises(UnknownNameError, match="did you mean 'Phú Yên'") as info:
            Panel(exclude_self=True).aggregate(
                SHEET, units=IDS, judges=["Quảng Nam", "Bình Định", "Phu Yen", "Khánh Hòa"]
            )
        msg = str(info.value)
        assert "'Phu Yen' for judge 2" in msg
        assert "exclude_self=False" in msg
        assert isinstance(info.value, KeyError)

    def test_every_unknown_judge_is_named(self) -> None:
        with pytest.raises(UnknownNameError, match="other judges that are not units: 'Y'"):
            Panel(exclude_self=True).aggregate(SHEET[:2], units=list("ABCD"), judges=["X", "Y"])


class TestMinScores:
    def test_short_units_are_missing_and_recorded(self) -> None:
        r = Panel(min_scores=3).aggregate(SHEET, units=list("ABCD"))
        same(r.values, np.array([7.5, 8.0, nan, 4.75]))
        same(r.short, np.array([False, False, True, False]))
        assert r.short_units == ("C",)
        assert "fewer than min_scores=3" in r.explain("C")

    def test_trimmed_counts_the_scores_left_after_trimming(self) -> None:
        r = Panel("trimmed", trim=1, min_scores=2).aggregate(SHEET, units=list("ABCD"))
        same(r.n_used, np.array([2, 2, 0, 2]))
        assert r.short_units == ("C",)
        with pytest.raises(
            DataError, match="needs 5 scores, but it gets at most 4; lower trim to at most 0"
        ):
            Panel("trimmed", trim=1, min_scores=3).aggregate(SHEET, units=list("ABCD"))

    def test_short_in_any_criterion_lists_the_unit(self) -> None:
        sheets = np.stack([SHEET, np.where(np.isnan(SHEET), 1.0, SHEET)], axis=-1)
        sheets[:, 0, 1] = [1.0, nan, nan, nan]
        r = Panel(min_scores=3).aggregate(sheets, units=list("ABCD"))
        same(r.short, np.array([[False, True], [False, False], [True, False], [False, False]]))
        assert r.short_units == ("A", "C")

    @pytest.mark.parametrize(
        ("panel", "sheets", "match"),
        [
            (Panel("trimmed", trim=2), np.zeros((4, 3)), "trim=2 is too large for 4 judges"),
            (Panel(min_scores=3), np.zeros((2, 3)), "min_scores=3 cannot be met by 2 judges"),
            (Panel(weights=[1, 0, 0], min_scores=2), np.zeros((3, 3)), "of positive weight"),
        ],
    )
    def test_requirements_no_unit_could_meet_are_refused(
        self, panel: Panel, sheets: np.ndarray, match: str
    ) -> None:
        with pytest.raises(DataError, match=match):
            panel.aggregate(sheets)

    def test_self_exclusion_counts_towards_what_a_unit_can_get(self) -> None:
        ids = ["A", "B", "C"]
        with pytest.raises(DataError, match=r"at most 2 \(a unit never scores itself\)"):
            Panel("trimmed", trim=1, exclude_self=True).aggregate(
                np.zeros((3, 3)), units=ids, judges=ids
            )
        # With one outside unit (not a judge), that unit could get all three scores.
        r = Panel("trimmed", trim=1, exclude_self=True).aggregate(
            np.zeros((3, 4)), units=[*ids, "D"], judges=ids
        )
        assert r.short_units == ("A", "B", "C")


class TestDeviation:
    def test_mean_absolute_deviation(self) -> None:
        r = Panel(threshold=2).aggregate(SHEET, units=list("ABCD"), judges=["p", "q", "r", "s"])
        # consensus [7.5, 8, 5.5, 4.75]
        np.testing.assert_allclose(
            r.deviation,
            [
                (0.5 + 1 + 0.75) / 3,
                (0.5 + 2 + 0.5 + 0.75) / 4,
                (1.5 + 3 + 3.75) / 3,
                (1.5 + 0 + 0.5 + 5.25) / 4,
            ],
        )
        same(r.deviation_n, np.array([3, 4, 3, 4]))
        assert r.flagged_judges == ("r",)
        same(r.flagged, np.array([False, False, True, False]))

    def test_mad_ignores_self_scores_and_missing_consensus(self) -> None:
        sheets = np.array([[50.0, 8, 6], [7, 50, 5], [9, 8, 50]])
        ids = ["A", "B", "C"]
        r = Panel(exclude_self=True, min_scores=2).aggregate(sheets, units=ids, judges=ids)
        np.testing.assert_allclose(r.deviation, [0.25, 0.75, 0.5])
        same(r.deviation_n, np.array([2, 2, 2]))

    def test_outside_range_of_the_other_judges(self) -> None:
        sheets = np.array([[5.0, 5, 5], [6, 4, 5], [9, 5, nan]])
        r = Panel(deviation="outside", threshold=0.5).aggregate(sheets, judges=["x", "y", "z"])
        # x: 5 in [6, 9], 5 in [4, 5], 5 in [5, 5] -> 1 of 3 outside (the first)
        # y: 6 in [5, 9] ok, 4 below [5, 5], 5 ok      -> 1 of 3
        # z: 9 above [5, 6], 5 ok (scores a unit only twice) -> 1 of 2
        np.testing.assert_allclose(r.deviation, [1 / 3, 1 / 3, 1 / 2])
        same(r.deviation_n, np.array([3, 3, 2]))
        assert r.flagged_judges == ()  # 0.5 is not above the threshold 0.5

    def test_outside_with_a_lone_judge_has_nothing_to_compare(self) -> None:
        r = Panel(deviation="outside", threshold=0).aggregate(np.array([[1.0, 2.0]]))
        same(r.deviation, np.array([nan]))
        same(r.deviation_n, np.array([0]))
        assert r.flagged_judges == ()
        assert str(r.deviations()[0]) == (
            "judge '0', score: share of scores outside the other judges' range: no scores to measure"
        )

    def test_without_threshold_nobody_is_flagged(self) -> None:
        r = Panel().aggregate(SHEET)
        assert not r.flagged.any()
        assert "threshold" not in str(r.deviations()[2])

    def test_deviation_records(self) -> None:
        r = Panel(threshold=2).aggregate(SHEET, judges=["p", "q", "r", "s"])
        recs = r.deviations()
        assert len(recs) == 4
        assert recs[2] == JudgeDeviation(
            judge="r",
            criterion="score",
            statistic="mad",
            value=float(r.deviation[2]),
            n=3,
            threshold=2.0,
            flagged=True,
        )
        assert r.deviations(flagged_only=True) == (recs[2],)
        assert str(recs[2]) == (
            "judge 'r', score: mean absolute deviation from the consensus 2.75 over 3 scores "
            "> threshold 2: flagged"
        )
        assert str(recs[0]).endswith("<= threshold 2: not flagged")

    def test_flags_are_per_criterion(self) -> None:
        sheets = np.stack([SHEET, np.full_like(SHEET, 5.0)], axis=-1)
        r = Panel(threshold=2).aggregate(sheets, judges=["p", "q", "r", "s"], criteria=["a", "b"])
        same(r.flagged, np.array([[False, False], [False, False], [True, False], [False, False]]))
        assert [(d.judge, d.criterion) for d in r.deviations(flagged_only=True)] == [("r", "a")]


# -- hand-over to the scoring pipeline ------------------------------------------------------------


class TestPairwiseAndTable:
    sheets = np.array(
        [
            [[nan, 0], [7, 1], [9, 2]],
            [[8, 3], [99, 4], [6, 5]],
            [[9, 6], [8, 7], [nan, 8]],
        ]
    )
    ids = ("A", "B", "C")

    def result(self, **kw: Any) -> PanelResult:
        return Panel(**kw).aggregate(
            self.sheets, units=self.ids, judges=self.ids, criteria=["x", "y"]
        )

    def test_pairwise_is_the_points_judge_unit_gave_each_unit(self) -> None:
        pw = self.result(exclude_self=True).pairwise("x")
        assert isinstance(pw, Pairwise)
        # (earner, opponent, value): unit i got value from judge-unit j; self and NaN left out
        got = list(zip(pw.earner.tolist(), pw.opponent.tolist(), pw.value.tolist(), strict=True))
        assert got == [(0, 1, 8.0), (0, 2, 9.0), (1, 0, 7.0), (1, 2, 8.0), (2, 0, 9.0), (2, 1, 6.0)]
        assert not pw.value.flags.writeable

    def test_pairwise_never_holds_self_scores_even_when_they_count(self) -> None:
        pw = self.result().pairwise("y")
        assert (pw.earner != pw.opponent).all()
        assert pw.n_entries == 6

    def test_pairwise_follows_the_judges_unit_not_their_position(self) -> None:
        perm = [2, 0, 1]
        r = Panel().aggregate(self.sheets[perm], units=self.ids, judges=[self.ids[p] for p in perm])
        a, b = r.pairwise("score_0"), self.result().pairwise("x")
        same(a.earner, b.earner)
        same(a.opponent, b.opponent)
        same(a.value, b.value)

    def test_pairwise_needs_the_judges_to_be_units(self) -> None:
        with pytest.raises(DataError, match="pass judges="):
            Panel().aggregate(self.sheets).pairwise("score_0")
        with pytest.raises(DataError, match="judges 'outsider' are not units"):
            Panel().aggregate(self.sheets, units=self.ids, judges=["A", "B", "outsider"]).pairwise(
                "score_0"
            )

    def test_pairwise_of_several_criteria_needs_a_name(self) -> None:
        with pytest.raises(DataError, match="name one with criterion="):
            self.result().pairwise()
        with pytest.raises(UnknownNameError, match="did you mean 'x'"):
            self.result().pairwise("X")

    def short_c(self) -> PanelResult:
        sheets = self.sheets.copy()
        sheets[0, 2, 0] = nan  # A's score of C: C is left with one score on x
        return Panel(exclude_self=True, min_scores=2).aggregate(
            sheets, units=self.ids, judges=self.ids, criteria=["x", "y"]
        )

    def test_to_table(self) -> None:
        r = self.short_c()
        t = r.to_table()
        assert isinstance(t, ScoreTable)
        assert t.units == ("A", "B", "C")
        assert t.columns == ("x", "y")
        same(t["x"], np.array([8.5, 7.5, nan]))
        assert t.has_missing("x")
        assert t.pairwise_metrics == ("x", "y")
        assert t.pairwise("x").n_entries == 5

    def test_to_table_without_pairwise(self) -> None:
        r = Panel().aggregate(self.sheets, units=self.ids, criteria=["x", "y"])
        assert r.to_table().pairwise_metrics == ()
        assert self.result().to_table(pairwise=False).pairwise_metrics == ()
        with pytest.raises(DataError, match="pass judges="):
            r.to_table(pairwise=True)

    def test_a_short_unit_goes_to_the_scorecards_missing_policy(self) -> None:
        t = self.short_c().to_table()
        strict = Scorecard([Criterion("x", 10, scale=Linear(0, 10))])
        with pytest.raises(MissingValueError, match="C"):
            strict.score(t)
        lenient = Scorecard([Criterion("x", 10, scale=Linear(0, 10), missing="zero")])
        same(lenient.score(t).total, np.array([8.5, 7.5, 0.0]))

    def test_explain(self) -> None:
        r = Panel("trimmed", trim=1).aggregate(
            self.sheets, units=self.ids, judges=self.ids, criteria=["x", "y"]
        )
        assert r.explain("B", "x") == (
            "B, x: trimmed mean 8 of 1 score (3 given, trim 1)\n"
            "  judge A: 7 dropped (among the lowest)\n"
            "  judge B: 99 dropped (among the highest)\n"
            "  judge C: 8 used"
        )
        assert r.explain("A", "x").startswith("A, x: missing: 0 scores left (2 given, trim 1)")
        assert "judge A: - no score" in r.explain("A", "x")
        with pytest.raises(UnknownNameError, match="unknown unit 'D'"):
            r.explain("D", "x")

    def test_explain_weights(self) -> None:
        r = Panel(weights=[1, 0, 2]).aggregate(self.sheets[:, :, 0], units=self.ids)
        text = r.explain("C")
        assert text.startswith("C, score: weighted mean 9 of 1 score (1 given)")
        assert "judge 1: 6 ignored (weight 0)" in text


# -- data errors ------------------------------------------------------------------------------


class TestDataErrors:
    @pytest.mark.parametrize(
        ("sheets", "kw", "error", "match"),
        [
            (
                np.zeros(3),
                {},
                DataError,
                r"1-D with shape \(3,\); give them shaped \(judges, units\)",
            ),
            (np.zeros((1, 2, 3, 4)), {}, DataError, "4-D"),
            (np.zeros((0, 3)), {}, DataError, "no judges"),
            (np.zeros((2, 3, 0)), {}, DataError, "no criteria"),
            ([[1, 2], [3]], {}, DataError, "ragged"),
            ([["1", "2"]], {}, DataTypeError, "not numbers"),
            ([[1, "2"]], {}, DataTypeError, "not numbers"),
            (np.array([[1, "x"]], dtype=object), {}, DataTypeError, "'x' \\(str\\), not a number"),
            (np.array([[1 + 1j]]), {}, DataTypeError, "complex"),
            (
                np.zeros((2, 3)),
                {"units": ["A", "B"]},
                DataError,
                r"units= has 2 ids but the sheets have 3 units \(axis 1\)",
            ),
            (np.zeros((2, 3)), {"judges": ["A"]}, DataError, r"have 2 judges \(axis 0\)"),
            (np.zeros((2, 3)), {"units": "ABC"}, DataTypeError, "sequence of unit ids"),
            (np.zeros((2, 3)), {"units": ["A", None, "C"]}, DataError, "unit id at position 1"),
            (np.zeros((2, 3)), {"units": ["A", " ", "C"]}, DataError, "position 1 is empty"),
            (
                np.zeros((2, 3)),
                {"units": ["A", "B", "A"]},
                DataError,
                r"unit id 'A' appears at positions 0 and 2",
            ),
            (
                np.zeros((2, 1)),
                {"judges": ["Hòa", "Ho\u0300a"]},
                DataError,
                "judge id 'Hòa' appears at positions 0 and 1; judge ids must be unique .* rename or merge the judges",
            ),
            (np.zeros((2, 3, 2)), {"criteria": ["x"]}, DataError, "criteria= has 1 name but"),
            (np.zeros((2, 3, 2)), {"criteria": ["x", "x"]}, DataError, "named twice"),
            (np.zeros((2, 3, 2)), {"criteria": ["x", ""]}, DataTypeError, "non-empty text"),
            (np.zeros((2, 3)), {"criteria": ["x", "y"]}, DataError, "have 1 criterion"),
        ],
    )
    def test_bad_sheets(self, sheets: Any, kw: dict[str, Any], error: type, match: str) -> None:
        with pytest.raises(error, match=match):
            Panel().aggregate(sheets, **kw)

    def test_infinity_names_judge_unit_and_criterion(self) -> None:
        sheets = np.zeros((2, 3, 2))
        sheets[1, 2, 1] = np.inf
        with pytest.raises(DataError, match="infinity at judge 'q', unit 'C' \\(criterion 'y'\\)"):
            Panel().aggregate(sheets, units=list("ABC"), judges=["p", "q"], criteria=["x", "y"])

    @pytest.mark.parametrize(
        ("weights", "judges", "error", "match"),
        [
            ([1, 2, 3], None, DataError, "3 weights but the sheets have 4 judges"),
            ({"p": 1}, None, DataError, "keyed by judge id; pass judges="),
            (
                {"p": 1, "qq": 1, "r": 1, "s": 1},
                list("pqrs"),
                UnknownNameError,
                "unknown judge 'qq'.*did you mean 'q'",
            ),
            ({"p": 1, "q": 1}, list("pqrs"), DataError, "no weight to judges 'r', 's'"),
        ],
    )
    def test_weights_that_do_not_fit_the_judges(
        self, weights: Any, judges: Any, error: type, match: str
    ) -> None:
        with pytest.raises(error, match=match):
            Panel(weights=weights).aggregate(SHEET, judges=judges)


# -- properties -----------------------------------------------------------------------------------


def assert_matches_reference(case: dict[str, Any]) -> None:
    panel = case["panel"]
    r = run(case)
    s3 = as3(case["sheets"])
    weights = None
    if panel.weights is not None:
        weights = list(panel.weights)  # positional in these strategies
    ref = R.panel(s3, panel, judge_units(case), weights)
    for name in ("values", "deviation"):
        got = as3(getattr(r, name)) if getattr(r, name).ndim == s3.ndim - 1 else getattr(r, name)
        got = got.reshape(len(ref[name]), -1)
        np.testing.assert_allclose(got, np.array(ref[name]), rtol=1e-12, atol=1e-12, err_msg=name)
    for name in ("n_scores", "n_used", "deviation_n", "flagged"):
        got = getattr(r, name).reshape(len(ref[name]), -1)
        same(got, np.array(ref[name], dtype=got.dtype))
    same(r.short.reshape(len(ref["n_used"]), -1), np.array(ref["n_used"]) < panel.min_scores)


@given(cases())
def test_matches_the_pure_python_reference(case: dict[str, Any]) -> None:
    if not is_reachable(case):
        with pytest.raises(DataError, match="too large|cannot be met"):
            run(case)
        return
    assert_matches_reference(case)


@given(cases(), st.randoms(use_true_random=False))
def test_judge_order_does_not_matter(case: dict[str, Any], rnd: Any) -> None:
    assume(is_reachable(case))
    perm = list(range(len(case["judges"])))
    rnd.shuffle(perm)
    panel = case["panel"]
    if panel.weights is not None:
        panel = attrs.evolve(panel, weights=[panel.weights[p] for p in perm])
    a = run(case)
    b = run(
        case, sheets=case["sheets"][perm], judges=[case["judges"][p] for p in perm], panel=panel
    )
    same(a.values, b.values)  # bit for bit: scores are sorted before they are summed
    same(a.n_scores, b.n_scores)
    same(a.deviation[perm], b.deviation)
    same(a.flagged[perm], b.flagged)


@given(cases(), st.randoms(use_true_random=False))
def test_unit_permutation_permutes_the_result(case: dict[str, Any], rnd: Any) -> None:
    assume(is_reachable(case))
    perm = list(range(len(case["units"])))
    rnd.shuffle(perm)
    a = run(case)
    b = run(case, sheets=case["sheets"][:, perm], units=[case["units"][p] for p in perm])
    same(a.values[perm], b.values)
    same(a.short[perm], b.short)
    same(a.deviation, b.deviation)  # per-unit terms are sorted before they are summed
    same(a.flagged, b.flagged)


@given(cases())
def test_trimmed_with_zero_trim_equals_the_mean(case: dict[str, Any]) -> None:
    p = case["panel"]
    mean = Panel(min_scores=p.min_scores, exclude_self=p.exclude_self)
    trimmed = Panel("trimmed", trim=0, min_scores=p.min_scores, exclude_self=p.exclude_self)
    assume(is_reachable({**case, "panel": mean}))
    a, b = run(case, panel=mean), run(case, panel=trimmed)
    same(a.values, b.values)
    same(a.n_used, b.n_used)


@given(cases(), st.sampled_from(["median", "trimmed"]), st.integers(0, 2))
def test_median_and_trimmed_lie_within_the_valid_scores(
    case: dict[str, Any], method: str, k: int
) -> None:
    p = case["panel"]
    panel = Panel(method, trim=k if method == "trimmed" else None, exclude_self=p.exclude_self)
    case = {**case, "panel": panel}
    assume(is_reachable(case))
    r = run(case)
    s3 = as3(case["sheets"]).copy()
    if p.exclude_self:
        for j, i in enumerate(judge_units(case)):
            s3[j, i] = nan
    values = r.values.reshape(s3.shape[1:])
    ok = ~np.isnan(values)
    lo = np.nanmin(np.where(np.isnan(s3), np.inf, s3), axis=0)
    hi = np.nanmax(np.where(np.isnan(s3), -np.inf, s3), axis=0)
    assert (values[ok] >= lo[ok]).all()
    assert (values[ok] <= hi[ok]).all()


@given(cases(), st.sampled_from([0.5, 1.0, 3.0, 7.25]))
def test_equal_weights_equal_the_plain_mean(case: dict[str, Any], w: float) -> None:
    p = case["panel"]
    plain = Panel(min_scores=p.min_scores, exclude_self=p.exclude_self)
    assume(is_reachable({**case, "panel": plain}))
    weighted = attrs.evolve(plain, weights=[w] * len(case["judges"]))
    a, b = run(case, panel=plain), run(case, panel=weighted)
    np.testing.assert_allclose(a.values, b.values, rtol=1e-12, atol=1e-12)
    same(a.short, b.short)


@given(cases(exclude_self=True), st.data())
def test_changing_a_self_score_changes_nothing(case: dict[str, Any], data: st.DataObject) -> None:
    assume(is_reachable(case))
    before = run(case)
    sheets = case["sheets"].copy()
    for j, i in enumerate(judge_units(case)):
        sheets[j, i] = data.draw(SCORES)
    after = run(case, sheets=sheets)
    for name in ("values", "n_scores", "n_used", "deviation", "deviation_n", "flagged"):
        same(getattr(before, name), getattr(after, name))
    for c in before.criteria:
        x, y = before.pairwise(c), after.pairwise(c)
        same(x.earner, y.earner)
        same(x.value, y.value)


@given(cases(exclude_self=True))
def test_exclude_self_ignores_exactly_the_self_scores(case: dict[str, Any]) -> None:
    """Excluding self-scores is the same as blanking them and not excluding."""
    p = case["panel"]
    assume(is_reachable(case))
    blank = case["sheets"].copy()
    for j, i in enumerate(judge_units(case)):
        blank[j, i] = nan
    a = run(case)
    b = run(case, sheets=blank, panel=attrs.evolve(p, exclude_self=False))
    same(a.values, b.values)
    same(a.n_scores, b.n_scores)
    same(a.deviation, b.deviation)


@given(cases())
def test_min_scores_marks_exactly_the_short_units(case: dict[str, Any]) -> None:
    assume(is_reachable(case))
    r = run(case)
    loose = run(case, panel=attrs.evolve(case["panel"], min_scores=1))
    want_short = loose.n_used < case["panel"].min_scores
    same(r.short, want_short)
    same(np.isnan(r.values) & ~np.isnan(loose.values), want_short & ~np.isnan(loose.values))
    same(np.where(want_short, nan, loose.values), r.values)
    short_any = want_short if want_short.ndim == 1 else want_short.any(axis=1)
    assert r.short_units == tuple(u for u, s in zip(case["units"], short_any, strict=True) if s)


@given(cases())
def test_the_callers_arrays_are_not_modified(case: dict[str, Any]) -> None:
    sheets = case["sheets"]
    sheets.flags.writeable = True
    before = sheets.copy()
    try:
        r = run(case)
    except DataError:
        r = None
    same(sheets, before)
    assert sheets.flags.writeable
    if r is not None:
        assert not np.shares_memory(r.values, sheets)
        r.to_table(pairwise=False)
        same(sheets, before)


@given(cases(three_d=True))
def test_criteria_are_independent(case: dict[str, Any]) -> None:
    """(J, N, C) sheets give what a loop over (J, N) sheets gives, criterion by criterion."""
    assume(is_reachable(case))
    r = run(case)
    for c in range(case["sheets"].shape[2]):
        one = run(case, sheets=case["sheets"][:, :, c])
        same(r.values[:, c], one.values)
        same(r.n_used[:, c], one.n_used)
        same(r.deviation[:, c], one.deviation)
        same(r.flagged[:, c], one.flagged)


@given(cases(weighted=True))
def test_keyed_weights_equal_positional_weights(case: dict[str, Any]) -> None:
    p = case["panel"]
    assume(is_reachable(case))
    keyed = attrs.evolve(p, weights=dict(zip(case["judges"], p.weights, strict=True)))
    same(run(case).values, run(case, panel=keyed).values)
