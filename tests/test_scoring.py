"""Scorecard and Scores: worked numbers, caps and clamps, missing policies, errors, explain."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from emulation_rules import (
    Bonus,
    Criterion,
    DataError,
    DataTypeError,
    Group,
    Linear,
    MinMax,
    MissingValueError,
    Penalty,
    RuleError,
    RuleTypeError,
    Scorecard,
    ScoreTable,
    UnknownNameError,
)


def table(**cols: object) -> ScoreTable:
    n = len(next(iter(cols.values())))  # type: ignore[arg-type]
    return ScoreTable(dict(cols), units=[f"U{i}" for i in range(n)])


LIN = Linear(0, 1)


class TestArithmetic:
    def test_points_rounded_to_resolution_half_up(self) -> None:
        t = table(x=[0.125, 0.0625, 0.3])
        card = Scorecard([Criterion("x", 2, scale=LIN)], resolution=0.25)
        # 0.25 -> 0.25; 0.125 points is half a tick -> up to 0.25; 0.6 -> 0.5
        assert card.score(t).total.tolist() == [0.25, 0.25, 0.5]

    @pytest.mark.parametrize(
        ("mode", "expected"),
        [("half_up", [1, 2, 3]), ("half_even", [0, 2, 2]), ("down", [0, 1, 2]), ("up", [1, 2, 3])],
    )
    def test_rounding_modes(self, mode: str, expected: list[int]) -> None:
        t = table(x=[0.05, 0.15, 0.25])  # 0.5, 1.5, 2.5 ticks of 0.1 with 1 point max
        card = Scorecard([Criterion("x", 1, scale=LIN)], resolution=0.1, rounding=mode)  # type: ignore[arg-type]
        assert card.score(t).ticks("total").tolist() == expected

    def test_decimal_half_rounds_as_written(self) -> None:
        # 2.675 is stored as 2.67499999...; as written it is exactly half a tick.
        t = table(x=[0.2675])
        card = Scorecard([Criterion("x", 10, scale=LIN)], resolution=0.01)
        assert card.score(t).total.tolist() == [2.68]

    def test_group_cap_bonus_penalty_and_clamps(self) -> None:
        t = table(a=[1.0, 1.0, 0.0], b=[1.0, 0.5, 0.0], k=[10, 1, 0], v=[0, 1, 9])
        card = Scorecard(
            [
                Group("g", [Criterion("a", 6, scale=LIN), Criterion("b", 6, scale=LIN)], cap=10),
                Bonus("k", 0.5, cap=3),
                Penalty("v", 2),
            ],
            resolution=0.5,
            bonus_cap=2,
            penalty_cap=8,
            cap=11,
            floor=0,
        )
        s = card.score(t)
        assert s["g"].tolist() == [10, 9, 0]  # 12 capped at 10; 6 + 3
        assert s["k"].tolist() == [3, 0.5, 0]  # item cap 3
        assert s["bonus"].tolist() == [2, 0.5, 0]  # bonus cap 2
        assert s["penalty"].tolist() == [0, 2, 8]  # 18 capped at 8
        assert s["base"].tolist() == [10, 9, 0]
        assert s.total.tolist() == [11, 7.5, 0]  # 12 -> cap 11; floor 0 for -8

    def test_group_points_rescale_children_as_weights(self) -> None:
        t = table(a=[1.0], b=[0.0])
        card = Scorecard(
            [Group("g", [Criterion("a", 1, scale=LIN), Criterion("b", 3, scale=LIN)], points=20)]
        )
        assert card.max_points_of("a") == 5
        assert card.max_points_of("b") == 15
        assert card.score(t).total.tolist() == [5]

    def test_weighted_sum_model(self) -> None:
        t = table(a=[1.0, 3.0, 2.0], b=[10.0, 0.0, 5.0])
        card = Scorecard(
            [Criterion("a", 0.3, scale=MinMax()), Criterion("b", 0.7, scale=MinMax())],
            total=1,
            resolution=1e-6,
        )
        np.testing.assert_allclose(card.score(t).total, [0.7, 0.3, 0.5])

    def test_weighted_product_model(self) -> None:
        t = table(a=[1.0, 0.25], b=[0.25, 1.0])
        card = Scorecard(
            [Criterion("a", 1, scale=LIN), Criterion("b", 1, scale=LIN)],
            model="product",
            total=100,
        )
        # 100 * 1**0.5 * 0.25**0.5 = 50 for both
        assert card.score(t).total.tolist() == [50, 50]

    def test_product_refuses_groups(self) -> None:
        with pytest.raises(RuleError, match="criteria only"):
            Scorecard([Group("g", [Criterion("a", 1, scale=LIN)])], model="product")

    def test_lower_is_better(self) -> None:
        t = table(v=[0.0, 5.0, 10.0])
        card = Scorecard([Criterion("v", 10, scale=Linear(0, 10), lower_is_better=True)])
        assert card.score(t).total.tolist() == [10, 5, 0]

    def test_batch_axes(self) -> None:
        x = np.array([[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]])
        t = ScoreTable({"x": x, "k": [0, 1, 2]}, units=["A", "B", "C"])
        card = Scorecard([Criterion("x", 10, scale=LIN), Bonus("k", 1)])
        s = card.score(t)
        assert s.total.tolist() == [[0, 6, 12], [10, 6, 2]]
        for k in range(2):
            single = ScoreTable({"x": x[k], "k": [0, 1, 2]}, units=["A", "B", "C"])
            assert s.total[k].tolist() == card.score(single).total.tolist()

    def test_narrowest_tick_dtype_that_fits(self) -> None:
        t = table(x=[1.0])
        s = Scorecard([Criterion("x", 100, scale=LIN)]).score(t)
        assert s.ticks("x").dtype == np.int16  # at most 10,000 ticks
        assert s.ticks("x")[0] == 10_000
        assert s.total_ticks.dtype == np.int64
        big = Scorecard([Criterion("x", 1000, scale=LIN)]).score(t)
        assert big.ticks("x").dtype == np.int32  # 100,000 ticks
        assert big.ticks("x")[0] == 100_000
        s2 = Scorecard([Criterion("x", 100, scale=LIN), Bonus("x", 1, name="b")]).score(t)
        # An uncapped bonus is bounded by its column's largest value (1 item, 100 ticks).
        assert s2.ticks("x").dtype == np.int16
        assert s2.ticks("bonus").dtype == np.int16

    def test_many_units_cross_chunks(self) -> None:
        rng = np.random.default_rng(0)
        x = rng.random(50_000)
        t = ScoreTable({"x": x}, units=np.arange(50_000))
        s = Scorecard([Criterion("x", 10, scale=MinMax())], resolution=0.01).score(t)
        expected = np.floor((x - x.min()) / (x.max() - x.min()) * 1000 + 0.5 + 2**-30)
        np.testing.assert_array_equal(s.total_ticks, expected)


class TestMissing:
    def test_error_names_units_and_says_what_to_do(self) -> None:
        t = table(x=[1.0, np.nan, np.nan])
        card = Scorecard([Criterion("x", 1, scale=LIN)])
        with pytest.raises(MissingValueError, match=r"'U1', 'U2'.*missing='zero'"):
            card.score(t)

    def test_zero_and_fraction(self) -> None:
        t = table(x=[1.0, np.nan])
        assert Scorecard([Criterion("x", 4, scale=LIN, missing="zero")]).score(
            t
        ).total.tolist() == [4, 0]
        assert Scorecard([Criterion("x", 4, scale=LIN, missing=0.5)]).score(t).total.tolist() == [
            4,
            2,
        ]

    def test_relative_scale_ignores_missing_in_population(self) -> None:
        t = table(x=[2.0, np.nan, 4.0, 3.0])
        s = Scorecard([Criterion("x", 10, scale=MinMax(), missing="zero")]).score(t)
        assert s.total.tolist() == [0, 0, 10, 5]

    def test_bonus_missing(self) -> None:
        t = table(x=[1.0, 1.0], k=[1.0, np.nan])
        with pytest.raises(MissingValueError, match="bonus 'k'"):
            Scorecard([Criterion("x", 1, scale=LIN), Bonus("k", 1)]).score(t)
        s = Scorecard([Criterion("x", 1, scale=LIN), Bonus("k", 1, missing="zero")]).score(t)
        assert s.total.tolist() == [2, 1]

    def test_bad_policy(self) -> None:
        with pytest.raises(RuleError, match="missing must be"):
            Criterion("x", 1, scale=LIN, missing="skip")  # type: ignore[arg-type]
        with pytest.raises(RuleError, match="missing must be"):
            Bonus("k", 1, missing=0.5)  # type: ignore[arg-type]


class TestErrors:
    def test_unknown_column_names_item_and_suggests(self) -> None:
        t = table(clearance=[1.0])
        card = Scorecard([Criterion("clearence", 1, scale=LIN)])
        with pytest.raises(
            UnknownNameError, match=r"criterion 'clearence' needs column.*'clearance'"
        ):
            card.score(t)

    def test_text_column(self) -> None:
        t = table(x=["1,5"])
        with pytest.raises(DataTypeError, match=r"criterion 'x'.*'1,5' at unit 'U0'"):
            Scorecard([Criterion("x", 1, scale=LIN)]).score(t)

    def test_negative_bonus_count(self) -> None:
        t = table(x=[1.0, 1.0], k=[1, -1])
        with pytest.raises(DataError, match=r"bonus 'k'.*negative for 'U1'.*Penalty"):
            Scorecard([Criterion("x", 1, scale=LIN), Bonus("k", 1)]).score(t)

    def test_relative_scale_data_error_names_criterion(self) -> None:
        from emulation_rules import Vector

        t = table(x=[1.0, -1.0])
        with pytest.raises(DataError, match=r"criterion 'x' \(column 'x'\).*non-negative"):
            Scorecard([Criterion("x", 1, scale=Vector())]).score(t)

    def test_score_needs_table(self) -> None:
        with pytest.raises(RuleTypeError, match="ScoreTable"):
            Scorecard([Criterion("x", 1, scale=LIN)]).score({"x": [1]})  # type: ignore[arg-type]

    def test_duplicate_and_reserved_names(self) -> None:
        with pytest.raises(RuleError, match="unique.*name="):
            Scorecard([Criterion("x", 1, scale=LIN), Criterion("x", 2, scale=LIN)])
        with pytest.raises(RuleError, match="reserved"):
            Scorecard([Criterion("total", 1, scale=LIN)])
        with pytest.raises(RuleError, match="used by a group and a criterion"):
            Scorecard([Group("x", [Criterion("x", 1, scale=LIN)])])

    def test_cap_off_grid(self) -> None:
        with pytest.raises(RuleError, match="not a whole multiple of the resolution 0.25"):
            Scorecard([Group("g", [Criterion("x", 1, scale=LIN)], cap=0.3)], resolution=0.25)

    @pytest.mark.parametrize(
        ("make", "match"),
        [
            (lambda: Criterion("x", 0, scale=LIN), "criterion .x. points must be finite and > 0"),
            (lambda: Criterion("x", float("nan"), scale=LIN), "finite"),
            (lambda: Criterion("x", 1, scale="linear"), "must be a Scale"),
            (lambda: Criterion("", 1, scale=LIN), "non-empty text"),
            (lambda: Bonus("k", -1), r"bonus .k. per \(points per item\) must be finite and > 0"),
            (lambda: Group("g", []), "has no items"),
            (lambda: Group("g", [Bonus("k", 1)]), "top-level item"),
            (lambda: Scorecard([]), "at least one item"),
            (lambda: Scorecard([Bonus("k", 1)]), "at least one Criterion"),
            (lambda: Scorecard([Criterion("x", 1, scale=LIN)], resolution=0), "resolution"),
            (lambda: Scorecard([Criterion("x", 1, scale=LIN)], rounding="nearest"), "rounding"),
            (lambda: Scorecard(Criterion("x", 1, scale=LIN)), "list of Criterion"),
        ],
    )
    def test_construction_errors(self, make: object, match: str) -> None:
        with pytest.raises((RuleError, RuleTypeError), match=match):
            make()  # type: ignore[operator]


class TestRuleObjects:
    def test_frozen_and_evolve(self) -> None:
        c = Criterion("x", 1, scale=LIN)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            c.points = 2  # type: ignore[misc]
        c2 = attrs.evolve(c, points=3)
        assert c2.points == 3
        assert c.points == 1

    def test_reprs_read_as_code(self) -> None:
        import emulation_rules as er

        card = Scorecard(
            [
                Group("g", [Criterion("x", 1, scale=LIN, label="a")], cap=1),
                Bonus("k", 0.5, cap=2),
                Penalty("v", 1),
            ],
            resolution=0.5,
        )
        assert eval(repr(card), vars(er)) == card
        assert repr(Bonus("k", 0.5, cap=2)) == "Bonus('k', 0.5, cap=2.0)"

    def test_fields_and_criteria(self) -> None:
        card = Scorecard([Group("g", [Criterion("x", 1, scale=LIN)]), Bonus("k", 1)])
        assert card.fields == ("g", "x", "k", "base", "bonus", "penalty", "total")
        assert [c.name for c in card.criteria] == ["x"]
        with pytest.raises(UnknownNameError, match="did you mean 'x'"):
            card.max_points_of("xx")


class TestScores:
    def test_getitem_unknown_suggests(self) -> None:
        s = Scorecard([Criterion("clearance", 1, scale=LIN)]).score(table(clearance=[1.0]))
        with pytest.raises(UnknownNameError, match="did you mean 'clearance'"):
            s["clearence"]
        assert "clearance" in s
        assert "nope" not in s

    def test_points_are_decimal_exact(self) -> None:
        s = Scorecard([Criterion("x", 100, scale=LIN)]).score(table(x=[0.1234]))
        assert s.total[0] == 12.34

    def test_arrays_read_only(self) -> None:
        s = Scorecard([Criterion("x", 1, scale=LIN)]).score(table(x=[1.0]))
        with pytest.raises(ValueError, match="read-only"):
            s.total_ticks[0] = 0

    def test_to_pandas(self) -> None:
        pytest.importorskip("pandas")
        s = Scorecard([Criterion("x", 1, scale=LIN)]).score(table(x=[1.0, 0.5]))
        df = s.to_pandas()
        assert df["total"].tolist() == [1.0, 0.5]
        assert list(df.index) == ["U0", "U1"]

    def test_explain_dict_matches_arrays(self) -> None:
        t = table(a=[0.3, 0.9], b=[0.5, np.nan], k=[3, 0])
        card = Scorecard(
            [
                Group(
                    "g",
                    [Criterion("a", 10, scale=LIN), Criterion("b", 5, scale=MinMax(), missing=0.5)],
                    cap=10,
                ),
                Bonus("k", 1, cap=2),
            ]
        )
        s = card.score(t)
        for unit in t.units:
            d = s.explain(unit).to_dict()
            i = t.index(unit)
            assert d["total"] == s.total[i]
            g = d["items"][0]
            assert g["points"] == s["g"][i]
            assert [c["points"] for c in g["items"]] == [s["a"][i], s["b"][i]]
            assert d["bonus"] == s["bonus"][i]
        d1 = s.explain("U1").to_dict()
        assert d1["items"][0]["items"][1]["raw"] is None
        assert d1["items"][0]["items"][1]["fraction"] == 0.5
        text = str(s.explain("U1"))
        assert "missing (policy 0.5)" in text
        assert "11.5, capped at 10 -> 10" in text

    def test_explain_scenario(self) -> None:
        t = ScoreTable({"x": np.array([[0.0, 1.0], [1.0, 0.0]])}, units=["A", "B"])
        s = Scorecard([Criterion("x", 2, scale=LIN)]).score(t)
        assert s.explain("A", scenario=1).to_dict()["total"] == 2
        assert "scenario (1,)" in str(s.explain("A", scenario=1))
        with pytest.raises(DataError, match="scenario="):
            s.explain("A")
