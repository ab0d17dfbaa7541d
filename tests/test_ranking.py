"""Rankings: keys, head-to-head restart rules, lots, standings, cut-offs, golden groups."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference as R
from emulation_rules import (
    Criterion,
    DataError,
    DataTypeError,
    Linear,
    RuleError,
    RuleTypeError,
    Scorecard,
    ScoreTable,
    UnknownNameError,
)
from emulation_rules.ranking import HeadToHead, Key, Lot, Ranking, asc, desc

H2H = (desc("points"), desc("goal_difference"), desc("goals_for"))


def uefa(restart: str = "after_block") -> Ranking:
    return Ranking(
        desc("points"),
        HeadToHead(*H2H, restart=restart),  # type: ignore[arg-type]
        desc("goal_difference"),
        desc("goals_for"),
    )


def fifa() -> Ranking:
    return Ranking(
        desc("points"),
        desc("goal_difference"),
        desc("goals_for"),
        HeadToHead(*H2H),
        desc("fair_play"),
    )


class TestGoldenGroups:
    """Real groups, from the published results of each tournament."""

    # UEFA Euro 2012, Group A (results as published by UEFA). Greece and Russia
    # finished level on 4 points; Greece went through on the head-to-head win
    # (1-0), although Russia had the better overall goal difference (+2 vs 0).
    EURO_2012_A = (
        ("Poland", "Greece", 1, 1),
        ("Russia", "Czech Republic", 4, 1),
        ("Greece", "Czech Republic", 1, 2),
        ("Poland", "Russia", 1, 1),
        ("Czech Republic", "Poland", 1, 0),
        ("Greece", "Russia", 1, 0),
    )

    def test_euro_2012_a_head_to_head_under_uefa_rules(self) -> None:
        t = ScoreTable.from_matches(self.EURO_2012_A)
        s = uefa().rank(t)
        assert s.order == ("Czech Republic", "Greece", "Russia", "Poland")
        text = str(s.explain())
        assert (
            "3. Russia  (below Greece by head-to-head desc('points') among 2 tied units: 0 vs 3;"
            " level on desc('points'))" in text
        )

    def test_euro_2012_a_other_order_under_fifa_rules(self) -> None:
        t = ScoreTable.from_matches(self.EURO_2012_A).with_columns(fair_play=[0, 0, 0, 0])
        s = fifa().rank(t)
        assert s.order == ("Czech Republic", "Russia", "Greece", "Poland")
        assert "by desc('goal_difference'): 0 vs 2" in str(s.explain())

    # FIFA World Cup 2014, Group A (results as published by FIFA): Brazil and Mexico
    # level on 7 points, drew 0-0; Brazil first on goal difference (+5 vs +3).
    WC_2014_A = (
        ("Brazil", "Croatia", 3, 1),
        ("Mexico", "Cameroon", 1, 0),
        ("Brazil", "Mexico", 0, 0),
        ("Cameroon", "Croatia", 0, 4),
        ("Cameroon", "Brazil", 1, 4),
        ("Croatia", "Mexico", 1, 3),
    )

    def test_wc_2014_a_goal_difference(self) -> None:
        t = ScoreTable.from_matches(self.WC_2014_A).with_columns(fair_play=[0, 0, 0, 0])
        for r in (fifa(), uefa()):
            s = r.rank(t)
            assert s.order == ("Brazil", "Mexico", "Croatia", "Cameroon")
        s = fifa().rank(t)
        assert s.explain().to_dict()["rows"][1]["step"] == "desc('goal_difference')"

    # FIFA World Cup 2018, Group H (results and fair-play points as published by
    # FIFA): Japan and Senegal level on points, goal difference, goals and their
    # 2-2 draw; Japan went through on fair-play points (-4 against -6), the first
    # time the criterion decided a World Cup place.
    WC_2018_H = (
        ("Colombia", "Japan", 1, 2),
        ("Poland", "Senegal", 1, 2),
        ("Japan", "Senegal", 2, 2),
        ("Poland", "Colombia", 0, 3),
        ("Japan", "Poland", 0, 1),
        ("Senegal", "Colombia", 0, 1),
    )

    def test_wc_2018_h_fair_play(self) -> None:
        t = ScoreTable.from_matches(self.WC_2018_H)
        fair = {"Colombia": -5, "Japan": -4, "Poland": -5, "Senegal": -6}
        t = t.with_columns(fair_play=[fair[u] for u in t.units])
        s = fifa().rank(t)
        assert s.order == ("Colombia", "Japan", "Senegal", "Poland")
        row = s.explain().to_dict()["rows"][2]
        assert row["unit"] == "Senegal"
        assert row["step"] == "desc('fair_play')"
        assert (row["value"], row["above_value"]) == (-6, -4)

    # FIFA World Cup 2018, Group B: Spain and Portugal level on points and goal
    # difference, drew 3-3; Spain first on goals scored (6 vs 5).
    WC_2018_B = (
        ("Morocco", "Iran", 0, 1),
        ("Portugal", "Spain", 3, 3),
        ("Portugal", "Morocco", 1, 0),
        ("Iran", "Spain", 0, 1),
        ("Iran", "Portugal", 1, 1),
        ("Spain", "Morocco", 2, 2),
    )

    def test_wc_2018_b_goals_scored(self) -> None:
        t = ScoreTable.from_matches(self.WC_2018_B).with_columns(fair_play=[0, 0, 0, 0])
        s = fifa().rank(t)
        assert s.order == ("Spain", "Portugal", "Iran", "Morocco")
        assert s.explain().to_dict()["rows"][1]["step"] == "desc('goals_for')"


class TestRestartRules:
    # A synthetic group (not a real one) on which the three rules differ: all five
    # teams finish on 6 points. Among all five, E leads on goal difference (+1),
    # A is last (-1), B leads B, C, D on goals scored (9), C and D stay level.
    MATCHES = (
        ("A", "B", 3, 2),
        ("A", "C", 1, 3),
        ("A", "D", 2, 3),
        ("A", "E", 3, 2),
        ("B", "C", 2, 3),
        ("B", "D", 2, 1),
        ("B", "E", 3, 2),
        ("C", "D", 2, 3),
        ("C", "E", 0, 2),
        ("D", "E", 1, 2),
    )

    @pytest.mark.parametrize(
        ("restart", "order", "ties"),
        [
            # Re-applied among C and D alone: D beat C.
            ("after_block", ("E", "B", "D", "C", "A"), ()),
            # Goal difference splits {B, C, D} off; among them points and goal
            # difference are level, goals scored puts C first; then B beat D.
            ("on_separation", ("E", "C", "B", "D", "A"), ()),
            # Applied once: C and D stay tied.
            ("never", ("E", "B", "C", "D", "A"), (("C", "D"),)),
        ],
    )
    def test_rules_differ_on_a_five_way_tie(
        self, restart: str, order: tuple[str, ...], ties: tuple[tuple[str, ...], ...]
    ) -> None:
        t = ScoreTable.from_matches(self.MATCHES)
        assert set(t["points"].tolist()) == {6}
        r = Ranking(desc("points"), HeadToHead(*H2H, restart=restart))  # type: ignore[arg-type]
        s = r.rank(t)
        assert (s.order, s.ties) == (order, ties)
        assert R.standing_groups(s) == R.rank_groups(t, r.steps, _table_values(t))

    def test_reapplication_on_a_subset(self) -> None:
        # Four-way tie on points; head-to-head points split {W} from {X, Y, Z}, and
        # inside {X, Y, Z} only a re-application among the three decides.
        m = [
            ("W", "X", 1, 0),
            ("W", "Y", 1, 0),
            ("Z", "W", 1, 0),
            ("X", "Y", 2, 0),
            ("Y", "Z", 1, 0),
            ("Z", "X", 1, 0),
            ("X", "V", 1, 0),
            ("Y", "V", 1, 0),
            ("W", "V", 0, 1),
            ("Z", "V", 0, 1),
        ]
        t = ScoreTable.from_matches(m)
        block = (desc("points"), desc("goal_difference"))
        ref = {}
        for restart in ("after_block", "on_separation", "never"):
            r = Ranking(desc("points"), HeadToHead(*block, restart=restart))  # type: ignore[arg-type]
            s = r.rank(t)
            ref[restart] = s.order
            expected = R.rank_groups(t, r.steps, _table_values(t))
            assert R.standing_groups(s) == expected, restart
        assert len(set(ref.values())) >= 2


def _table_values(t: ScoreTable):  # type: ignore[no-untyped-def]
    def values(key: Key, u: int) -> float:
        return float(t[key.name][u])

    return values


# -- properties ----------------------------------------------------------------------


@st.composite
def round_robins(draw: st.DrawFn) -> ScoreTable:
    n = draw(st.integers(2, 7))
    names = [f"T{i}" for i in range(n)]
    goals = st.integers(0, 2)
    matches = [(a, b, draw(goals), draw(goals)) for a, b in itertools.combinations(names, 2)]
    order = draw(st.permutations(range(len(matches))))
    t = ScoreTable.from_matches([matches[i] for i in order])
    fair = draw(st.lists(st.integers(-2, 0), min_size=n, max_size=n))
    return t.with_columns(fair_play=fair)


CHAINS = [
    uefa("after_block"),
    uefa("on_separation"),
    uefa("never"),
    fifa(),
    Ranking(
        desc("points"), HeadToHead(desc("points"), restart="on_separation"), asc("goals_against")
    ),
    Ranking(desc("points"), HeadToHead(*H2H), desc("goal_difference"), Lot(seed=7)),
]


@given(round_robins(), st.sampled_from(CHAINS))
def test_engine_equals_reference(t: ScoreTable, ranking: Ranking) -> None:
    s = ranking.rank(t)
    assert R.standing_groups(s) == R.rank_groups(t, ranking.steps, _table_values(t))


@given(round_robins(), st.sampled_from(CHAINS), st.randoms(use_true_random=False))
def test_permuting_input_permutes_nothing(t: ScoreTable, ranking: Ranking, rnd) -> None:  # type: ignore[no-untyped-def]
    perm = list(range(t.n_units))
    rnd.shuffle(perm)
    cols = {c: np.asarray(t[c])[perm] for c in t.columns}
    inv = np.argsort(perm)
    pw = {}
    for m in t.pairwise_metrics:
        p = t.pairwise(m)
        pw[m] = ([t.units[i] for i in p.earner], [t.units[i] for i in p.opponent], p.value)
    t2 = ScoreTable(cols, units=[t.units[i] for i in perm], pairwise=pw)
    a, b = ranking.rank(t), ranking.rank(t2)
    assert a.order == b.order
    assert a.ties == b.ties
    assert a.lots == b.lots
    np.testing.assert_array_equal(a.rank, b.rank[inv])
    assert str(a.explain()) == str(b.explain())


@given(round_robins(), st.sampled_from(CHAINS))
def test_order_is_a_permutation_and_ranks_consistent(t: ScoreTable, ranking: Ranking) -> None:
    s = ranking.rank(t)
    assert sorted(s.order) == sorted(t.units)
    comp, dense, ordinal = s.ranks("competition"), s.ranks("dense"), s.ranks("ordinal")
    assert sorted(ordinal.tolist()) == list(range(1, t.n_units + 1))
    pos = {u: p for p, u in enumerate(s.order)}
    for i, u in enumerate(t.units):
        assert ordinal[i] == pos[u] + 1
        assert comp[i] <= ordinal[i]
        assert dense[i] <= comp[i]
    # The first key is respected everywhere.
    pts = [int(t["points"][t.index(u)]) for u in s.order]
    assert pts == sorted(pts, reverse=True)


@given(round_robins())
def test_adding_a_key_only_refines(t: ScoreTable) -> None:
    steps = list(fifa().steps)
    previous = None
    for k in range(1, len(steps) + 1):
        groups = R.standing_groups(Ranking(*steps[:k]).rank(t))
        if previous is not None:
            flat = [u for g in groups for u in g]
            prev_flat_groups = [set(g) for g in previous]
            # Every new group lies inside one old group, and old groups keep their order.
            it = iter(prev_flat_groups)
            current = next(it)
            seen: set[str] = set()
            for g in groups:
                while not set(g) <= current:
                    assert seen == current
                    current, seen = next(it), set()
                seen |= set(g)
            assert len(flat) == t.n_units
        previous = groups


@given(
    st.lists(st.integers(0, 3), min_size=1, max_size=30),
    st.lists(st.integers(0, 2), min_size=30, max_size=30),
    st.integers(1, 4),
)
def test_batch_equals_loop(x: list[int], y: list[int], s: int) -> None:
    n = len(x)
    rng = np.random.default_rng(len(x) * 7 + s)
    xb = rng.integers(0, 3, size=(s, n))
    t = ScoreTable({"x": xb, "y": np.array(y[:n])}, units=[f"u{i}" for i in range(n)])
    r = Ranking(desc("x"), asc("y"), Lot(seed="b"))
    batch = r.rank(t)
    for k in range(s):
        one = ScoreTable({"x": xb[k], "y": np.array(y[:n])}, units=t.units)
        single = r.rank(one)
        assert batch.scenario(k).order == single.order
        np.testing.assert_array_equal(batch.rank[k], single.rank)
        assert batch.scenario(k).ties == single.ties


@settings(max_examples=30)
@given(st.lists(st.integers(0, 3), min_size=2, max_size=12), st.text(min_size=1, max_size=5))
def test_lot_is_the_documented_digest(points: list[int], seed: str) -> None:
    units = [f"đơn vị {i}" for i in range(len(points))]
    t = ScoreTable({"x": points}, units=units)
    s = Ranking(desc("x"), Lot(seed=seed)).rank(t)
    for u, v in s.lots.items():
        assert v == R.lot_value(Lot(seed=seed).seed, u)
    # Lots are drawn only for units tied when the chain reaches the draw.
    tied_units = {u for u, p in zip(units, points, strict=True) if points.count(p) > 1}
    assert set(s.lots) == tied_units


# -- keys, errors and results ----------------------------------------------------------


class TestKeys:
    def test_score_fields_rank_by_exact_ticks(self) -> None:
        t = ScoreTable({"unit": ["A", "B"], "x": [0.1234, 0.12344]})
        scores = Scorecard([Criterion("x", 100, scale=Linear(0, 1), name="pts")]).score(t)
        # Both round to 12.34 points: an exact tie, whatever the raw floats.
        s = Ranking(desc("total")).rank(scores)
        assert s.ties == (("A", "B"),)
        s2 = Ranking(desc("total"), desc("x")).rank(scores)
        assert s2.order == ("B", "A")

    def test_ambiguous_name_says_how_to_be_explicit(self) -> None:
        t = ScoreTable({"unit": ["A", "B"], "rate": [0.8, 0.9]})
        scores = Scorecard([Criterion("rate", 10, scale=Linear(0, 1))]).score(t)
        with pytest.raises(UnknownNameError, match=r"ambiguous.*of='scores'.*of='table'"):
            Ranking(desc("rate")).rank(scores)
        assert Ranking(desc("rate", of="table")).rank(scores).order == ("B", "A")
        assert Ranking(desc("rate", of="scores")).rank(scores).order == ("B", "A")

    def test_resolution_quantises(self) -> None:
        t = ScoreTable({"unit": ["A", "B", "C"], "x": [0.8614, 0.8606, 0.85]})
        s = Ranking(desc("x", resolution=0.001)).rank(t)
        assert s.ties == (("A", "B"),)

    def test_unknown_key_suggests(self) -> None:
        t = ScoreTable({"unit": ["A"], "points": [1]})
        with pytest.raises(UnknownNameError, match="did you mean 'points'"):
            Ranking(desc("pionts")).rank(t)

    def test_unknown_pairwise_metric(self) -> None:
        t = ScoreTable({"unit": ["A", "B"], "points": [1, 1]})
        with pytest.raises(UnknownNameError, match="pairwise metric 'points'"):
            Ranking(desc("points"), HeadToHead(desc("points"))).rank(t)

    def test_nan_key(self) -> None:
        t = ScoreTable({"unit": ["A", "B"], "x": [1.0, np.nan]})
        with pytest.raises(DataError, match=r"missing for 'B'"):
            Ranking(desc("x")).rank(t)

    def test_text_key(self) -> None:
        t = ScoreTable({"unit": ["A"], "c": ["x"]})
        with pytest.raises(DataTypeError, match="holds text"):
            Ranking(desc("c")).rank(t)

    def test_score_field_on_a_table(self) -> None:
        t = ScoreTable({"unit": ["A"], "x": [1.0]})
        with pytest.raises(UnknownNameError, match="rank the Scores"):
            Ranking(desc("total", of="scores")).rank(t)


class TestConstruction:
    @pytest.mark.parametrize(
        ("make", "match"),
        [
            (lambda: Ranking(), "at least one step"),
            (lambda: Ranking("total"), "desc"),
            (lambda: Ranking(Lot(seed=1), desc("x")), "must be the last step"),
            (lambda: Ranking(desc("x"), style="fractional"), "rank style"),
            (lambda: HeadToHead(), "at least one key"),
            (lambda: HeadToHead(HeadToHead(desc("x"))), "cannot contain another block"),
            (lambda: HeadToHead(desc("x", of="table")), "drop of="),
            (lambda: HeadToHead(desc("x"), restart="always"), "restart must be one of"),
            (lambda: desc("x", resolution=0), "resolution must be a positive"),
            (lambda: desc(""), "non-empty name"),
            (lambda: Lot(seed=1.5), "int or a text"),
        ],
    )
    def test_errors(self, make, match: str) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises((RuleError, RuleTypeError), match=match):
            make()

    def test_reprs_read_as_code(self) -> None:
        import emulation_rules.ranking as rk

        r = Ranking(
            desc("points"),
            HeadToHead(desc("points"), asc("goals_against", resolution=1.0), restart="never"),
            Lot(seed="x"),
            style="dense",
        )
        assert eval(repr(r), vars(rk)) == r


class TestStanding:
    T = ScoreTable({"unit": list("ABCDE"), "x": [9, 7, 7, 7, 1]})

    def test_top_policies(self) -> None:
        s = Ranking(desc("x")).rank(self.T)
        assert s.top(1).selected == ("A",)
        assert s.top(4).selected == ("A", "B", "C", "D")
        cut = s.top(2, ties="include")
        assert cut.selected == ("A", "B", "C", "D")
        assert cut.exceeded_by == 2
        assert cut.tied_at_cutoff == ("B", "C", "D")
        assert s.top(2, ties="exclude").selected == ("A",)
        lot = s.top(2, ties=Lot(seed=3))
        assert len(lot.selected) == 2
        assert lot.selected[0] == "A"
        assert lot.mask.sum() == 2
        with pytest.raises(DataError, match=r"'B', 'C', 'D' are still tied across the cut-off"):
            s.top(2)

    def test_top_share_exact(self) -> None:
        t = ScoreTable({"x": list(range(50))}, units=[f"u{i}" for i in range(50)])
        s = Ranking(desc("x")).rank(t)
        # 14 % of 50 is exactly 7 (ceil(0.14 * 50) is 8 in floating point).
        assert len(s.top_share(0.14, rounding="ceil").selected) == 7
        with pytest.raises(RuleError, match=r"\(0, 1\]"):
            s.top_share(1.5)

    def test_explain_dict(self) -> None:
        s = Ranking(desc("x")).rank(self.T)
        rows = s.explain().to_dict()["rows"]
        assert rows[0] == {"position": 1, "unit": "A", "rank": 1}
        assert rows[1]["step"] == "desc('x')"
        assert rows[2]["tied_with_above"] is True
        assert [r["rank"] for r in rows] == [1, 2, 2, 2, 5]

    def test_batch_needs_scenario(self) -> None:
        t = ScoreTable({"x": np.array([[1, 2], [2, 1]])}, units=["A", "B"])
        s = Ranking(desc("x")).rank(t)
        with pytest.raises(DataError, match=r"scenario\(i\)"):
            s.order  # noqa: B018
        assert s.scenario(1).order == ("A", "B")
        np.testing.assert_array_equal(s.rank, [[2, 1], [1, 2]])

    def test_arrays_read_only(self) -> None:
        s = Ranking(desc("x")).rank(self.T)
        with pytest.raises(ValueError, match="read-only"):
            s.order_index[0] = 3


@given(
    round_robins(),
    st.sampled_from(CHAINS),
    st.integers(0, 8),
    st.sampled_from(["include", "exclude", "lot"]),
)
def test_top_without_full_sort_equals_full_standing(
    t: ScoreTable, ranking: Ranking, k: int, policy: str
) -> None:
    ties = Lot(seed=5) if policy == "lot" else policy
    full = ranking.rank(t).top(k, ties=ties)  # type: ignore[arg-type]
    fast = ranking.top(t, k, ties=ties)  # type: ignore[arg-type]
    assert fast.selected == full.selected
    assert fast.tied_at_cutoff == full.tied_at_cutoff


def test_top_refuses_batch_and_bad_k() -> None:
    t = ScoreTable({"x": np.ones((2, 3))}, units=["A", "B", "C"])
    with pytest.raises(DataError, match="per scenario"):
        Ranking(desc("x")).top(t, 1)
    with pytest.raises(RuleError, match="whole number"):
        Ranking(desc("x")).top(t, -1)


@given(st.lists(st.integers(0, 4), min_size=1, max_size=12), st.integers(0, 13))
def test_ranking_top_cut_mask_is_aligned_with_every_unit(xs: list[int], k: int) -> None:
    from emulation_rules import Lot, Ranking, ScoreTable, desc

    t = ScoreTable({"x": xs}, units=[f"u{i}" for i in range(len(xs))])
    r = Ranking(desc("x"), Lot(seed=3))
    fast, full = r.top(t, k), r.rank(t).top(k)
    assert fast.selected == full.selected
    assert fast.mask.tolist() == full.mask.tolist()
    assert len(fast.mask) == len(xs)
