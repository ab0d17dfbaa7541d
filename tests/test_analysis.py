"""emulation_rules.analysis: Monte Carlo, weight sensitivity, rank comparison, objective
weights. Properties check each against a slow, obvious reading of its definition."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emulation_rules as er
from emulation_rules.analysis import (
    Noise,
    Sheets,
    critic_weights,
    entropy_weights,
    kendall_tau_b,
    monte_carlo,
    objective_weights,
    rank_reversal,
    spearman,
    stability_radius,
    std_weights,
    top_k_overlap,
    top_k_weight_ranges,
    weighted_spearman,
    with_weights,
    ws_similarity,
)
from emulation_rules.analysis.montecarlo import _plan, _run_chunk
from emulation_rules.examples import cluster7


def small(n: int = 12, seed: int = 0) -> tuple[er.Scorecard, er.ScoreTable, er.Ranking]:
    rng = np.random.default_rng(seed)
    t = er.ScoreTable(
        {
            "unit": [f"u{i}" for i in range(n)],
            "x": rng.random(n).round(3),
            "y": (rng.random(n) * 10).round(2),
        }
    )
    card = er.Scorecard(
        [er.Criterion("x", 60, scale=er.Linear(0, 1)), er.Criterion("y", 40, scale=er.MinMax())],
        resolution=0.01,
    )
    return card, t, er.Ranking(er.desc("total"), er.Lot(seed=2))


# -- Monte Carlo ----------------------------------------------------------------------


class TestMonteCarlo:
    def test_same_seed_same_result_other_seed_other_draws(self) -> None:
        card, t, r = small()
        a = monte_carlo(card, t, r, Noise(points=3.0), scenarios=200, seed=1, chunk=50)
        b = monte_carlo(card, t, r, Noise(points=3.0), scenarios=200, seed=1, chunk=50)
        c = monte_carlo(card, t, r, Noise(points=3.0), scenarios=200, seed=2, chunk=50)
        assert a == b
        assert a != c

    def test_chunks_are_the_streams_of_the_root_seed(self) -> None:
        card, t, r = small()
        plan = _plan(card, t, r, Noise(points=3.0), None, None, None, None, None, None, 100, 40, 9)
        parts = [_run_chunk(plan, i) for i in range(plan.n_chunks)]
        # The chunks are independent of the order they run in.
        total = parts[2] + parts[0] + parts[1]
        mc = monte_carlo(card, t, r, Noise(points=3.0), scenarios=100, seed=9, chunk=40)
        assert np.array_equal(total.ranks, mc.rank_counts)

    def test_counts_are_distributions(self) -> None:
        card, t, r = small()
        mc = monte_carlo(card, t, r, Noise(points=5.0, distribution="normal"), scenarios=150)
        assert (mc.rank_counts.sum(axis=1) == 150).all()
        assert (mc.rank_counts.sum(axis=0) == 150).all()  # ordinal: one unit per rank (lot)
        lo, hi = mc.rank_interval
        assert (lo <= hi).all()
        assert np.allclose(mc.rank_probabilities.sum(axis=1), 1.0)

    def test_without_noise_every_scenario_is_the_standing(self) -> None:
        card, t, r = small()
        standing = r.rank(card.score(t))
        mc = monte_carlo(card, t, r, Noise(), scenarios=30)
        assert mc.rank_counts[np.arange(12), standing.ranks() - 1].tolist() == [30] * 12

    def test_noise_on_points_matches_a_direct_simulation(self) -> None:
        # One criterion: the points are the fraction times 10, plus U(-1, 1), clipped.
        t = er.ScoreTable({"unit": ["A", "B"], "x": [0.9, 0.85]})
        card = er.Scorecard([er.Criterion("x", 10, scale=er.Linear(0, 1))], resolution=0.01)
        mc = monte_carlo(
            card,
            t,
            er.Ranking(er.desc("total"), er.Lot(seed=1)),
            Noise(points=1.0),
            scenarios=4000,
            seed=3,
        )
        # P(B ahead) = P(U_B - U_A > 0.5) = 1.5**2 / 8 for the difference of two U(-1, 1).
        assert abs(mc.p_first[1] - 1.5**2 / 8) < 0.03

    def test_batched_awards_equal_the_allocation_of_each_scenario(self) -> None:
        card, t, r = small(20, 4)
        plain = er.AwardScheme([er.Award("flag", quota=er.Quota(share=0.25), ranking=r)])
        # A condition every unit meets makes the scheme go scenario by scenario.
        general = er.AwardScheme(
            [er.Award("flag", er.rank() <= 20, quota=er.Quota(share=0.25), ranking=r)]
        )
        kw = {"scenarios": 60, "seed": 5, "chunk": 25, "period": 2024}
        a = monte_carlo(card, t, r, Noise(points=4.0), awards=plain, **kw)
        b = monte_carlo(card, t, r, Noise(points=4.0), awards=general, **kw)
        assert _plan(
            card, t, r, Noise(), plain, 2024, None, None, None, None, 1, 1, 0
        ).batched_awards
        assert np.array_equal(a.award_counts["flag"], b.award_counts["flag"])
        assert a.award_counts["flag"].sum() == 60 * 5

    def test_ties_at_the_cut_off_follow_the_quota(self) -> None:
        t = er.ScoreTable({"unit": list("ABC"), "x": [1.0, 1.0, 0.0]})
        card = er.Scorecard([er.Criterion("x", 10, scale=er.Linear(0, 1))])
        r = er.Ranking(er.desc("total"))
        scheme = er.AwardScheme([er.Award("flag", quota=er.Quota(1, ties="include"), ranking=r)])
        mc = monte_carlo(
            card, t, r, Noise(columns={"x": 0.0}), awards=scheme, period=1, scenarios=5
        )
        assert mc.award_counts["flag"].tolist() == [5, 5, 0]
        chain = er.AwardScheme([er.Award("flag", quota=er.Quota(1), ranking=r)])
        with pytest.raises(er.DataError, match="tied at the quota's cut-off"):
            monte_carlo(card, t, r, Noise(points=0.0), awards=chain, period=1, scenarios=5)

    def test_weights_and_missing_and_judges(self) -> None:
        card, t, r = small(8, 1)
        card = attrs_missing(card)
        for noise in (Noise(weights=0.2), Noise(dirichlet=50.0), Noise(missing={"y": 0.3})):
            mc = monte_carlo(card, t, r, noise, scenarios=40, seed=1, chunk=16)
            assert (mc.rank_counts.sum(axis=1) == 40).all()
        sheets = np.random.default_rng(0).random((3, 8, 1)) * 10
        panel = er.Panel("median")
        s = Sheets(panel, sheets, ["y"])
        mc = monte_carlo(card, t, r, Noise(judges=1.0), sheets=s, scenarios=40, chunk=16)
        assert (mc.rank_counts.sum(axis=1) == 40).all()

    def test_sheets_aggregate_each_scenario_on_its_own(self) -> None:
        rng = np.random.default_rng(2)
        sheets = rng.random((4, 5, 2)) * 10
        noise = rng.normal(0, 1, (3, 4, 5, 2))
        s = Sheets(er.Panel("trimmed", trim=1), sheets, ["a", "b"])
        units = [f"u{i}" for i in range(5)]
        got = s.aggregate(units, noise)
        for k in range(3):
            one = er.Panel("trimmed", trim=1).aggregate(sheets + noise[k], units=units).values
            assert np.array_equal(got[:, k, :], np.asarray(one).T)

    def test_refusals(self) -> None:
        card, t, r = small()
        with pytest.raises(er.RuleError, match=r"criterion 'x' refuses missing values"):
            monte_carlo(card, t, r, Noise(missing=0.1))
        with pytest.raises(er.UnknownNameError, match="nope"):
            monte_carlo(card, t, r, Noise(points={"nope": 1.0}))
        with pytest.raises(er.RuleError, match="not both"):
            Noise(weights=0.1, dirichlet=3)
        with pytest.raises(er.RuleError, match="give period="):
            monte_carlo(card, t, r, Noise(), awards=cluster7.flags())
        with pytest.raises(er.RuleError, match="sheets"):
            monte_carlo(card, t, r, Noise(judges=1.0))

    def test_cluster7_rotation_and_flags(self) -> None:
        rot = er.Rotation(
            cluster7.MEMBERS,
            er.BestRanked(),
            since=2024,
            cooldown=1,
            led_before={cluster7.LEADER: [2023]},
        )
        mc = monte_carlo(
            cluster7.scorecard(),
            cluster7.table(),
            cluster7.ranking(),
            Noise(points=1.0),
            scenarios=60,
            seed=3,
            awards=cluster7.flags(),
            period=2023,
            rotation=rot,
            lead_period=2024,
        )
        gov = mc.award_counts["Cờ thi đua của Chính phủ"]
        assert np.array_equal(gov, mc.rank_counts[:, 0])  # the flag goes to the first
        assert mc.lead_counts is not None
        assert mc.lead_counts.sum() == 60
        # The 2023 leader may not lead again in 2024 (cooldown).
        assert mc.lead_counts[cluster7.MEMBERS.index(cluster7.LEADER)] == 0

    def test_rank_quantile_boundaries(self) -> None:
        card, t, r = small(3)
        mc = monte_carlo(card, t, r, Noise(points=30.0), scenarios=40, seed=0)
        cum = np.cumsum(mc.rank_counts, axis=1)
        for q in (0.05, 0.5, 0.95, 1.0):
            got = mc.rank_quantile(q)
            for u in range(3):
                want = next(k + 1 for k in range(3) if cum[u, k] * 100 >= q * 100 * 40)
                assert got[u] == want


def attrs_missing(card: er.Scorecard) -> er.Scorecard:
    import attrs

    items = [attrs.evolve(c, missing="zero") for c in card.items]
    return attrs.evolve(card, items=items)


# -- rank comparison ------------------------------------------------------------------


def tau_b_oracle(x: list[int], y: list[int]) -> float:
    p = q = tx = ty = 0
    for i, j in itertools.combinations(range(len(x)), 2):
        a, b = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
        if a * b > 0:
            p += 1
        elif a * b < 0:
            q += 1
        elif a == 0 and b != 0:
            tx += 1
        elif b == 0 and a != 0:
            ty += 1
    return (p - q) / math.sqrt((p + q + tx) * (p + q + ty))


ranks = st.integers(2, 9).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(1, n), min_size=n, max_size=n),
        st.lists(st.integers(1, n), min_size=n, max_size=n),
    )
)


class TestCompare:
    @given(ranks)
    def test_tau_b_against_its_definition(self, xy: tuple[list[int], list[int]]) -> None:
        x, y = xy
        if len(set(x)) == 1 or len(set(y)) == 1:
            with pytest.raises(er.DataError):
                kendall_tau_b(x, y)
            return
        assert kendall_tau_b(x, y) == pytest.approx(tau_b_oracle(x, y))
        assert kendall_tau_b(x, y) == pytest.approx(kendall_tau_b(y, x))

    @given(st.permutations(list(range(1, 8))))
    def test_spearman_without_ties(self, y: list[int]) -> None:
        x = list(range(1, 8))
        d2 = sum((a - b) ** 2 for a, b in zip(x, y, strict=True))
        assert spearman(x, y) == pytest.approx(1 - 6 * d2 / (7 * (49 - 1)))

    @given(st.permutations(list(range(1, 7))))
    def test_bounds(self, y: list[int]) -> None:
        x = list(range(1, 7))
        for f in (weighted_spearman, spearman, kendall_tau_b):
            assert -1 - 1e-12 <= f(x, y) <= 1 + 1e-12
        assert 0 <= ws_similarity(x, y) <= 1
        assert (ws_similarity(x, y) == 1) == (y == x)

    def test_published_examples(self) -> None:
        # Sałabun & Urbaniak (2020): WS is asymmetric; a swap at the top costs more.
        assert ws_similarity([1, 2, 3, 4, 5], [2, 1, 3, 4, 5]) < ws_similarity(
            [1, 2, 3, 4, 5], [1, 2, 3, 5, 4]
        )
        assert weighted_spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)

    def test_standings_are_matched_by_unit(self) -> None:
        card, t, r = small(6)
        a = r.rank(card.score(t))
        shuffled = er.ScoreTable(
            {"unit": list(reversed(t.units)), "x": t["x"][::-1], "y": t["y"][::-1]}
        )
        b = r.rank(card.score(shuffled))
        assert kendall_tau_b(a, b) == 1.0
        assert top_k_overlap(a, b, 3) == 1.0

    def test_rank_reversal_needs_a_relative_scale(self) -> None:
        card, t, r = small(6)
        absolute = er.Scorecard([er.Criterion("x", 60, scale=er.Linear(0, 1))])
        for u in t.units:
            assert not rank_reversal(absolute, t, r, remove=u).reversed
        clone = rank_reversal(card, t, r, clone="u0")
        assert clone.after.units[-1] == "u0 (clone)"


# -- weight sensitivity ------------------------------------------------------------


def linear_case(seed: int, n: int = 5, c: int = 3) -> tuple[er.Scorecard, er.ScoreTable]:
    rng = np.random.default_rng(seed)
    cols = {f"c{j}": rng.random(n).round(4) for j in range(c)}
    t = er.ScoreTable({"unit": [f"u{i}" for i in range(n)], **cols})
    points = (rng.integers(5, 40, c)).tolist()
    card = er.Scorecard(
        [er.Criterion(f"c{j}", points[j], scale=er.Linear(0, 1)) for j in range(c)],
        resolution=0.0001,
    )
    return card, t


def model_totals(
    card: er.Scorecard, t: er.ScoreTable, points: dict[str, float] | None = None
) -> np.ndarray:
    p = {c.name: c.points for c in card.criteria} | (points or {})
    return sum(p[c.name] * t[c.column] for c in card.criteria)  # type: ignore[return-value]


class TestSensitivity:
    @settings(max_examples=30)
    @given(st.integers(0, 10**6))
    def test_each_change_ties_the_pair(self, seed: int) -> None:
        card, t = linear_case(seed)
        order = np.argsort(-model_totals(card, t), kind="stable")
        a, b = t.units[order[0]], t.units[order[1]]
        r = stability_radius(card, t, first=a, second=b)
        for name, change in r.per_weight.items():
            if math.isinf(change):
                continue
            m = model_totals(card, t, {name: card.max_points_of(name) + change})
            assert m[t.index(a)] == pytest.approx(m[t.index(b)], abs=1e-9)
        finite = [abs(v) for v in r.per_weight.values() if not math.isinf(v)]
        assert r.l1 <= min(finite, default=math.inf) + 1e-12
        m = model_totals(card, t, {k: card.max_points_of(k) + v for k, v in r.l1_changes.items()})
        assert m[t.index(a)] == pytest.approx(m[t.index(b)], abs=1e-9)

    @settings(max_examples=20)
    @given(st.integers(0, 10**6), st.integers(1, 3))
    def test_top_k_ranges_hold_inside_and_break_outside(self, seed: int, k: int) -> None:
        card, t = linear_case(seed, n=6)
        r = er.Ranking(er.desc("total"))
        try:
            ranges = top_k_weight_ranges(card, t, r, k)
        except er.DataError:
            return  # tied at the cut-off
        top = set(r.rank(card.score(t)).order[:k])
        for name, w in ranges.items():
            for p, inside in ((w.low, True), (w.high, True)):
                if math.isinf(p):
                    continue
                for eps, expect_same in ((1e-6, inside), (-1e-6, not inside)):
                    q = p + eps if p == w.low else p - eps
                    if p == w.high:
                        q = p - eps
                    if q <= 0:
                        continue
                    m = model_totals(card, t, {name: q})
                    got = {t.units[i] for i in np.argsort(-m, kind="stable")[:k]}
                    if expect_same:
                        assert got == top


# -- objective weights --------------------------------------------------------------

# Published test values of the ``mcdm`` package (D.-G. Akestoridis,
# mcdm/tests/test_weigh.py: methods "EM", "SD" and "CRITIC").
LINEAR = [[0.0, 0.0, 1.0], [0.1, 0.2, 0.8], [0.2, 0.4, 0.6], [0.3, 0.7, 0.3],
          [0.6, 0.8, 0.2], [0.8, 0.9, 0.1], [1.0, 1.0, 0.0]]  # fmt: skip
NONLINEAR = [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.2, 0.5, 0.0], [0.2, 0.5, 1.0],
             [0.4, 1.0, 0.0], [0.4, 1.0, 1.0], [0.6, 1.0, 0.0], [0.6, 1.0, 1.0],
             [0.8, 0.5, 0.0], [0.8, 0.5, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 1.0]]  # fmt: skip
SUM_NORMALISED = [[0.000, 0.000, 0.333], [0.033, 0.050, 0.267], [0.067, 0.100, 0.200],
                  [0.100, 0.175, 0.100], [0.200, 0.200, 0.067], [0.267, 0.225, 0.033],
                  [0.333, 0.250, 0.000]]  # fmt: skip


class TestObjectiveWeights:
    def test_published_values(self) -> None:
        assert entropy_weights(SUM_NORMALISED) == pytest.approx(
            [0.37406776, 0.25186448, 0.37406776]
        )
        assert std_weights(LINEAR) == pytest.approx([1 / 3] * 3)
        assert std_weights(NONLINEAR) == pytest.approx([0.27329284, 0.32664742, 0.40005975])
        assert critic_weights(LINEAR) == pytest.approx([0.25, 0.25857023, 0.49142977])
        assert critic_weights(NONLINEAR) == pytest.approx([0.27329284, 0.32664742, 0.40005975])

    def test_published_critic_of_a_min_max_normalised_matrix(self) -> None:
        # The Rust crate mcdm 0.4.0, tests/weighting.rs (critic_tests): min-max normalised.
        m = np.array([[2.9, 2.31, 0.56, 1.89], [1.2, 1.34, 0.21, 2.48], [0.3, 2.48, 1.75, 1.69]])
        n = (m - m.min(axis=0)) / (m.max(axis=0) - m.min(axis=0))
        want = [0.22514451, 0.21769531, 0.24375671, 0.31340347]
        assert critic_weights(n) == pytest.approx(want, abs=1e-8)

    @given(st.lists(st.lists(st.floats(0.01, 100), min_size=3, max_size=3), min_size=3, max_size=8))
    def test_weights_sum_to_one_and_ignore_scale(self, rows: list[list[float]]) -> None:
        x = np.array(rows)
        if (x.std(axis=0) == 0).any():
            return
        for f in (entropy_weights, std_weights, critic_weights):
            if f is critic_weights and (np.abs(1 - np.corrcoef(x, rowvar=False)) < 1e-12).all():
                with pytest.raises(er.DataError, match="repeats the others"):
                    f(x)
                continue
            w = f(x)
            assert w.sum() == pytest.approx(1.0)
            assert (w >= 0).all()
        # Entropy does not change when a column is multiplied by a constant.
        y = x.copy()
        y[:, 0] *= 7.0
        assert entropy_weights(y) == pytest.approx(entropy_weights(x))

    def test_refusals(self) -> None:
        with pytest.raises(er.DataError, match="constant"):
            critic_weights([[1.0, 2.0], [1.0, 3.0]])
        with pytest.raises(er.DataError, match=">= 0"):
            entropy_weights([[-1.0], [2.0]])
        with pytest.raises(er.DataError, match="at least 2 units"):
            std_weights([[1.0, 2.0]])

    def test_from_a_scorecard(self) -> None:
        with pytest.raises(
            er.DataError, match=r"criterion 'clearance_rate', 'serious_clearance_rate'.*'entropy'"
        ):
            objective_weights(cluster7.scorecard(), cluster7.table(), "critic")
        w = objective_weights(cluster7.scorecard(), cluster7.table(), "std")
        assert set(w) == {c.name for c in cluster7.scorecard().criteria}
        assert sum(w.values()) == pytest.approx(1.0)
        assert w["clearance_rate"] == 0.0  # every province meets the 75 % target
        with pytest.raises(er.RuleError, match="leave it out"):
            with_weights(cluster7.scorecard(), w)
        w = {k: v for k, v in w.items() if v > 0} | {"clearance_rate": 0.05}
        card = with_weights(cluster7.scorecard(), w)
        assert card.criteria[0].points == pytest.approx(5.0)


class TestProgress:
    def test_callable_sees_every_chunk(self) -> None:
        card, t, r = small()
        seen: list[tuple[int, int]] = []
        monte_carlo(card, t, r, Noise(points=1.0), scenarios=50, chunk=20,
                    progress=lambda done, total: seen.append((done, total)))  # fmt: skip
        assert seen == [(1, 3), (2, 3), (3, 3)]

    def test_rich_bar(self) -> None:
        pytest.importorskip("rich")
        card, t, r = small()
        a = monte_carlo(card, t, r, Noise(points=1.0), scenarios=50, chunk=20, progress=True)
        assert a == monte_carlo(card, t, r, Noise(points=1.0), scenarios=50, chunk=20)


class TestResultsAndPlots:
    def test_to_pandas_and_refusals(self) -> None:
        pytest.importorskip("pandas")
        card, t, r = small(5)
        mc = monte_carlo(card, t, r, Noise(points=2.0), scenarios=20)
        df = mc.to_pandas()
        assert list(df.index) == list(t.units)
        assert df["p_first"].sum() == pytest.approx(1.0)
        with pytest.raises(er.DataError, match="no rotation"):
            _ = mc.p_lead
        with pytest.raises(er.UnknownNameError):
            mc.p_award("flag")
        batched = er.ScoreTable({"unit": ["A", "B"], "x": [[0.1, 0.2], [0.3, 0.4]]})
        with pytest.raises(er.DataError, match="without batch axes"):
            monte_carlo(card, batched, r, Noise())

    def test_plots(self) -> None:
        pytest.importorskip("matplotlib")
        from emulation_rules.analysis.plots import rank_fan, rotation_timeline, tornado

        card, t, r = small(5)
        mc = monte_carlo(card, t, r, Noise(points=2.0), scenarios=20)
        fig = rank_fan(mc, units=["u3", "u1"])
        assert [x.get_text() for x in fig.axes[0].get_yticklabels()] == ["u3", "u1"]
        with pytest.raises(er.DataError, match="nope"):
            rank_fan(mc, units=["nope"])
        ranges = top_k_weight_ranges(card, t, r, 2)
        assert len(tornado(ranges).axes[0].patches) == 2
        with pytest.raises(er.RuleTypeError):
            tornado({"x": 1})  # type: ignore[dict-item]
        with pytest.raises(er.RuleTypeError, match="Schedule"):
            rotation_timeline(mc)  # type: ignore[arg-type]


def test_comparisons_across_scenarios() -> None:
    card, t, r = small(8, 3)
    base = r.rank(card.score(t))
    rng = np.random.default_rng(1)
    noisy = t.with_columns(x=t["x"] + rng.normal(0, 0.1, (5, 8)))
    batched = r.rank(card.score(noisy))
    for f in (kendall_tau_b, spearman, weighted_spearman, ws_similarity):
        got = f(base, batched)
        assert isinstance(got, np.ndarray)
        assert got.shape == (5,)
        want = [f(base, batched.scenario(i)) for i in range(5)]
        assert got.tolist() == pytest.approx(want)
    assert top_k_overlap(base, batched, 3).shape == (5,)  # type: ignore[union-attr]


@pytest.mark.parametrize("noise", [Noise(weights=0.3), Noise(dirichlet=20.0)])
def test_batched_weight_draws_equal_one_scorecard_per_scenario(noise: Noise) -> None:
    import attrs

    from emulation_rules.analysis.montecarlo import _rng

    card, t, r = small(10, 7)
    mc = monte_carlo(card, t, r, noise, scenarios=40, seed=4, chunk=40)
    assert _plan(card, t, r, noise, None, None, None, None, None, None, 40, 40, 4).batch_weights
    # The definition: scenario i scores with each criterion's points times its factor.
    rng = _rng(4, 0)
    points = np.array([c.points for c in card.criteria])
    if noise.weights is not None:
        factors = rng.uniform(1 - noise.weights, 1 + noise.weights, (40, 2))
    else:
        share = rng.dirichlet(noise.dirichlet * points / points.sum(), size=40)  # type: ignore[operator]
        factors = share * (points.sum() / points)
    want = np.zeros((10, 10), dtype=np.int64)
    for f in factors:
        items = [
            attrs.evolve(c, points=float(c.points * k))
            for c, k in zip(card.criteria, f, strict=True)
        ]
        ranks = r.rank(attrs.evolve(card, items=items).score(t)).ranks()
        want[np.arange(10), ranks - 1] += 1
    assert np.array_equal(mc.rank_counts, want)


def test_weights_under_rescaling_groups_go_scenario_by_scenario() -> None:
    card, t, r = small(6, 2)
    weighted = er.Scorecard([er.Group("g", list(card.items), points=100)], resolution=0.01)
    plan = _plan(weighted, t, r, Noise(weights=0.1), None, None, None, None, None, None, 8, 8, 0)
    assert not plan.batch_weights
    mc = monte_carlo(weighted, t, r, Noise(weights=0.1), scenarios=8)
    assert (mc.rank_counts.sum(axis=1) == 8).all()


def test_a_plan_travels_to_a_worker_process() -> None:
    import pickle

    from emulation_rules.analysis.montecarlo import _run_chunk

    rot = er.Rotation(
        cluster7.MEMBERS, er.BestRanked(), since=2024, cooldown=1,
        led_before={cluster7.LEADER: [2023]},
    )  # fmt: skip
    plan = _plan(
        cluster7.scorecard(), cluster7.table(), cluster7.ranking(), Noise(points=1.0, weights=0.1),
        cluster7.flags(), 2023, None, rot, 2024, None, 40, 20, 1,
    )  # fmt: skip
    copy = pickle.loads(pickle.dumps(plan))
    a, b = _run_chunk(plan, 1), _run_chunk(copy, 1)
    assert np.array_equal(a.ranks, b.ranks)
    assert a.awards.keys() == b.awards.keys()
    assert all(np.array_equal(a.awards[k], b.awards[k]) for k in a.awards)


@settings(max_examples=15)
@given(
    st.integers(3, 12),
    st.integers(0, 10**6),
    st.sampled_from([0.1, 0.25, 0.5, 1.0]),
    st.sampled_from(["include", "exclude", er.Lot(seed=9)]),
)
def test_batched_cut_equals_the_allocation_property(
    n: int, seed: int, share: float, ties: object
) -> None:
    # Coarse points (resolution 1) make ties at the cut-off common.
    rng = np.random.default_rng(seed)
    t = er.ScoreTable({"unit": [f"u{i}" for i in range(n)], "x": rng.integers(0, 4, n) / 4})
    card = er.Scorecard([er.Criterion("x", 4, scale=er.Linear(0, 1))], resolution=1)
    r = er.Ranking(er.desc("total"))
    quota = er.Quota(share=share, ties=ties)
    plain = er.AwardScheme([er.Award("a", quota=quota, ranking=r)])
    general = er.AwardScheme([er.Award("a", er.rank() <= n, quota=quota, ranking=r)])
    kw = {"scenarios": 12, "seed": seed, "chunk": 5, "period": 1}
    a = monte_carlo(card, t, r, Noise(points=1.0), awards=plain, **kw)
    b = monte_carlo(card, t, r, Noise(points=1.0), awards=general, **kw)
    assert np.array_equal(a.award_counts["a"], b.award_counts["a"])


def test_rank_fan_of_a_large_field_shows_the_best() -> None:
    pytest.importorskip("matplotlib")
    from emulation_rules.analysis.plots import rank_fan

    card, t, r = small(60, 5)
    mc = monte_carlo(card, t, r, Noise(points=1.0), scenarios=10)
    fig = rank_fan(mc)
    assert len(fig.axes[0].get_yticklabels()) == 30
    assert fig.get_size_inches()[0] <= 16


def test_max_rank_keeps_the_top_of_the_histogram_and_exact_means() -> None:
    card, t, r = small(20, 6)
    full = monte_carlo(card, t, r, Noise(points=5.0), scenarios=50, seed=2)
    top = monte_carlo(card, t, r, Noise(points=5.0), scenarios=50, seed=2, max_rank=3)
    assert top.rank_counts.shape == (20, 4)
    assert np.array_equal(top.rank_counts[:, :3], full.rank_counts[:, :3])
    assert np.array_equal(top.rank_counts[:, 3], full.rank_counts[:, 3:].sum(axis=1))
    assert np.array_equal(top.mean_rank, full.mean_rank)
    _, hi = top.rank_interval
    assert (hi <= 4).all()
    assert np.array_equal(np.minimum(full.rank_interval[1], 4), hi)


def test_a_large_field_needs_max_rank() -> None:
    n = 4097
    t = er.ScoreTable({"unit": [str(i) for i in range(n)], "x": np.linspace(0, 1, n)})
    card = er.Scorecard([er.Criterion("x", 10, scale=er.Linear(0, 1))])
    with pytest.raises(er.DataError, match="give max_rank="):
        monte_carlo(card, t, er.Ranking(er.desc("total")), Noise(points=1.0), scenarios=2)
