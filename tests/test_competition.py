"""Competition and SeasonResult: one season, many seasons, membership, reports, verify."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import emulation_rules as er
from emulation_rules.examples import cluster7
from emulation_rules.testing import score_tables, scorecards, unit_ids

# -- a small league over two seasons ----------------------------------------------------

FLAG, REPEAT = "Flag", "Repeat"


def _league(**extra: object) -> er.Competition:
    card = er.Scorecard([er.Criterion("goals", 10, scale=er.Linear(0, 10))])
    scheme = er.AwardScheme(
        [
            er.Award(FLAG, er.rank() == 1, quota=er.Quota(1)),
            # Two flags in a row: reads this year's flag and last year's from the history.
            er.Award(REPEAT, er.streak(FLAG, n=2), level=-1),
        ]
    )
    rot = er.Rotation(["A", "B", "C"], er.BestRanked(), since=2024, cooldown=1)
    args: dict[str, object] = {"awards": scheme, "rotation": rot}
    args.update(extra)
    return er.Competition(
        "League",
        scorecard=card,
        ranking=er.Ranking(er.desc("total"), er.Lot(seed=1)),
        **args,  # type: ignore[arg-type]
    )


def _table(goals: dict[str, float]) -> er.ScoreTable:
    return er.ScoreTable({"unit": list(goals), "goals": list(goals.values())})


def test_two_seasons_carry_awards_and_leadership() -> None:
    comp = _league()
    t23 = _table({"A": 9, "B": 5, "C": 7})
    t24 = _table({"A": 8, "B": 6, "C": 4})
    seasons = comp.run_seasons({2023: t23, 2024: t24})
    assert list(seasons) == [2023, 2024]
    s23, s24 = seasons[2023], seasons[2024]
    # The 2023 flag is in the history the 2024 season starts from, so A's second flag in
    # a row earns the repeat award in 2024 and not in 2023.
    assert s23.awarded(FLAG) == ("A",)
    assert s23.awarded(REPEAT) == ()
    assert s24.awarded(FLAG) == ("A",)
    assert s24.awarded(REPEAT) == ("A",)
    assert s24.history.held(FLAG, 2023).tolist() == [True, False, False]
    # Leadership: A (first in 2023) leads in 2024; its cooldown passes 2025 to the next best
    # of the 2024 standing.
    assert s23.term is not None
    assert s24.term is not None
    assert (s23.term.period, s23.term.leader) == (2024, "A")
    assert (s24.term.period, s24.term.leader) == (2025, "B")
    # The same as the rotation played by hand over both standings.
    by_hand = comp.rotation.schedule(  # type: ignore[union-attr]
        2024, 2025, standings={2024: s23.standing, 2025: s24.standing}
    )
    assert by_hand.leaders == {2024: "A", 2025: "B"}
    # Explanations read the carried state.
    text = str(s24.explain("A"))
    assert "Repeat: awarded" in text
    assert "leadership: A deputises in 2025" in text


def test_run_needs_the_earlier_standings_the_rotation_replays() -> None:
    comp = _league()
    t23 = _table({"A": 9, "B": 5, "C": 7})
    t24 = _table({"A": 8, "B": 6, "C": 4})
    s23 = comp.run(2023, t23)
    alone = comp.run(2024, t24, history=s23.history, earlier=[s23])
    seasons = comp.run_seasons({2023: t23, 2024: t24})
    assert alone.term == seasons[2024].term
    with pytest.raises(er.DataError, match="2024"):
        comp.run(2024, t24, history=s23.history)  # no standing for the 2024 term


def test_a_gap_in_the_seasons_or_the_history_is_refused() -> None:
    comp = _league(rotation=None)
    t = _table({"A": 1, "B": 2, "C": 3})
    with pytest.raises(er.DataError, match="consecutive"):
        comp.run_seasons({2021: t, 2023: t})
    h = comp.run(2021, t).history
    with pytest.raises(er.DataError, match="2022-2022 are missing"):
        comp.run(2023, t, history=h)


def test_the_table_must_list_exactly_the_members() -> None:
    comp = _league()
    with pytest.raises(
        er.DataError, match=r"missing from the table: 'C'.*not members in 2023: 'D'"
    ):
        comp.run(2023, _table({"A": 1, "B": 2, "D": 3}))


def test_membership_changes_apply_to_tables_history_and_rotation() -> None:
    rot = er.Rotation(
        ["A", "B", "C"],
        er.FixedCycle(2023, "A"),
        since=2023,
        changes=[er.Rename("A", "A2", 2024), er.Join("D", 2024, goes="last")],
    )
    comp = _league(rotation=rot)
    s23 = comp.run(2023, _table({"A": 9, "B": 5, "C": 7}))
    # From 2024 the members are A2 (renamed), B, C and the newcomer D.
    assert comp.members_at(2024) == ("A2", "B", "C", "D")
    with pytest.raises(er.DataError, match="'A2', 'D'"):
        comp.run(2024, _table({"A": 9, "B": 5, "C": 7}), history=s23.history, earlier=[s23])
    s24 = comp.run(
        2024,
        _table({"A2": 9, "B": 5, "C": 7, "D": 1}),
        history=s23.history,
        earlier=[s23],
    )
    # The rename carried A's 2023 flag: A2's streak of two flags earns the repeat award.
    assert s24.awarded(REPEAT) == ("A2",)
    assert s24.term is not None
    assert s23.term is not None
    assert (s23.term.leader, s24.term.leader) == ("B", "C")  # the cycle goes on


def test_a_member_that_leaves_keeps_its_record() -> None:
    rot = er.Rotation(
        ["A", "B", "C"], er.FixedCycle(2023, "A"), since=2023, changes=[er.Leave("A", 2024)]
    )
    comp = _league(rotation=rot)
    seasons = comp.run_seasons(
        {2023: _table({"A": 9, "B": 5, "C": 7}), 2024: _table({"B": 5, "C": 7})}
    )
    h = seasons[2024].history
    assert set(h.units) == {"A", "B", "C"}
    assert h.held(FLAG, 2023)[h.index("A")]
    assert h.held(FLAG, 2024).tolist() == [False, False, True]
    # The 2024 season assessed its members only.
    assert seasons[2024].units == ("B", "C")
    assert seasons[2024].allocation is not None
    assert seasons[2024].allocation.history.units == ("B", "C")


def test_a_merger_starts_the_new_unit_without_titles_and_keeps_the_old_records() -> None:
    rot = er.Rotation(
        ["A", "B", "C"],
        er.FixedCycle(2023, "A"),
        since=2023,
        changes=[er.Merge(["B", "C"], "BC", 2024)],
    )
    comp = _league(rotation=rot)
    seasons = comp.run_seasons(
        {2023: _table({"A": 1, "B": 9, "C": 7}), 2024: _table({"A": 1, "BC": 9})}
    )
    s24 = seasons[2024]
    assert seasons[2023].awarded(FLAG) == ("B",)
    assert s24.awarded(FLAG) == ("BC",)
    assert s24.awarded(REPEAT) == ()  # BC has no record of 2023 (B's flag stays B's)
    assert s24.history.units == ("A", "B", "C", "BC")
    assert s24.term is not None
    assert s24.term.members == ("A", "BC")


def test_a_history_that_already_holds_the_period_takes_new_members() -> None:
    h = er.History.from_records(
        [{"unit": "A", "period": 2023, "titles": [FLAG]}, {"unit": "B", "period": 2024}]
    )
    comp = _league(rotation=None)
    s = comp.run(2024, _table({"A": 9, "B": 5, "C": 7}), history=h)
    assert s.awarded(REPEAT) == ("A",)
    assert s.history.held(FLAG, 2024).tolist() == [True, False, False]
    assert s.history.units == ("A", "B", "C")


def test_elected_leaders_follow_each_seasons_votes() -> None:
    rot = er.Rotation(["A", "B", "C"], er.Elected(), since=2024, cooldown=1)
    comp = _league(rotation=rot)
    t = _table({"A": 1, "B": 2, "C": 3})
    seasons = comp.run_seasons(
        {2023: t, 2024: t}, votes={2023: {"B": 5, "A": 2, "C": 1}, 2024: {"B": 4, "C": 3, "A": 0}}
    )
    # B won both votes; its 2024 term bars it from 2025 (cooldown 1), so C leads.
    assert {p: s.term.leader for p, s in seasons.items() if s.term} == {2023: "B", 2024: "C"}
    with pytest.raises(er.DataError, match="not seasons"):
        comp.run_seasons({2023: t}, votes={2025: {"A": 1}})


def test_votes_and_sheets_without_their_rule_are_refused() -> None:
    comp = _league(rotation=None)
    t = _table({"A": 1, "B": 2, "C": 3})
    with pytest.raises(er.DataError, match="no rotation"):
        comp.run(2023, t, votes={"A": 3})
    with pytest.raises(er.DataError, match="no judging"):
        comp.run(2023, t, panel_sheets={"sheets": [[1, 2, 3]]})
    later = _league()  # its rotation starts in 2024: the 2022 season elects nobody
    with pytest.raises(er.DataError, match="starts in 2024"):
        later.run(2022, t, votes={"A": 3})
    with pytest.raises(er.DataError, match="does not count votes"):
        later.run(2023, t, votes={"A": 3})


def test_judging_adds_the_panel_columns() -> None:
    card = er.Scorecard([er.Criterion("score", 10, scale=er.Linear(0, 10))])
    comp = er.Competition(
        "Jury", scorecard=card, ranking=er.Ranking(er.desc("total")), judging=er.Panel()
    )
    table = er.ScoreTable({"unit": ["A", "B"], "size": [1, 2]})
    sheets = np.array([[6.0, 8.0], [8.0, 6.0], [7.0, 9.0]])
    season = comp.run(2024, table, panel_sheets={"sheets": sheets, "judges": ["x", "y", "z"]})
    assert season.table["score"].tolist() == [7.0, pytest.approx(23 / 3)]
    assert season.standing.order == ("B", "A")
    with pytest.raises(er.DataError, match="judges' sheets"):
        comp.run(2024, table)


def test_construction_checks_members_and_types() -> None:
    card = er.Scorecard([er.Criterion("x", 1, scale=er.Linear(0, 1))])
    ranking = er.Ranking(er.desc("total"))
    rot = er.Rotation(["A", "B"], er.FixedCycle(2024, "A"), since=2024)
    with pytest.raises(er.RuleError, match="only in members=: 'C'"):
        er.Competition("c", scorecard=card, ranking=ranking, members=["A", "C"], rotation=rot)
    with pytest.raises(er.RuleTypeError, match="scorecard"):
        er.Competition("c", scorecard=ranking, ranking=ranking)  # type: ignore[arg-type]
    with pytest.raises(er.RuleError, match="must be unique"):
        er.Competition("c", scorecard=card, ranking=ranking, members=["A", "A"])
    comp = er.Competition("c", scorecard=card, ranking=ranking, rotation=rot)
    assert comp.members == ("A", "B")


# -- run() is the hand-wired pipeline ---------------------------------------------------


@given(
    table=score_tables(("x", "y"), units=unit_ids(min_size=1, max_size=8)),
    card=scorecards(("x", "y"), max_items=3),
    k=st.integers(0, 3),
)
def test_run_equals_the_hand_wired_pipeline(
    table: er.ScoreTable, card: er.Scorecard, k: int
) -> None:
    ranking = er.Ranking(er.desc("total"), er.asc("x"), er.Lot(seed=7))
    scheme = er.AwardScheme(
        [
            er.Award("top", quota=er.Quota(k), ranking=ranking, level=2),
            er.Award("good", er.score() >= 50, ranking=ranking, level=1),
        ],
        exclusive=[("top", "good")],
    )
    comp = er.Competition("p", scorecard=card, ranking=ranking, awards=scheme)
    season = comp.run(2024, table)

    scores = card.score(table)
    standing = ranking.rank(scores)
    alloc = scheme.allocate(er.Context(2024, scores=scores, standing=standing))
    np.testing.assert_array_equal(season.scores.total, scores.total)
    assert season.standing.order == standing.order
    assert season.history.units == alloc.history.units
    for award in ("top", "good"):
        assert season.awarded(award) == alloc.awarded(award)
        np.testing.assert_array_equal(season.history.held_all(award), alloc.history.held_all(award))
        for u in table.units:
            assert season.allocation is not None
            assert season.allocation.why(u, award) == alloc.why(u, award)


@given(
    table=score_tables(("x",), units=unit_ids(min_size=2, max_size=8)),
    k=st.integers(1, 4),
    data=st.data(),
)
def test_verify_finds_exactly_a_planted_swap(
    table: er.ScoreTable, k: int, data: st.DataObject
) -> None:
    ranking = er.Ranking(er.desc("total"), er.Lot(seed=3))
    comp = er.Competition(
        "p",
        scorecard=er.Scorecard([er.Criterion("x", 10, scale=er.Linear(0, 100))]),
        ranking=ranking,
        awards=er.AwardScheme([er.Award("prize", quota=er.Quota(k), ranking=ranking)]),
    )
    season = comp.run(2024, table)
    got = list(season.awarded("prize"))
    # The rules' own result, and any order among units they leave tied, agree.
    order = list(season.standing.order)
    assert season.verify({"ranking": order, "awards": {"prize": got[::-1]}}).ok
    others = [u for u in table.units if u not in got]
    if not got or not others:
        return
    out = data.draw(st.sampled_from(got))
    into = data.draw(st.sampled_from(others))
    planted = [into if u == out else u for u in got]
    v = season.verify({"awards": {"prize": planted}})
    assert {(d.unit, d.published, d.expected) for d in v.disagreements} == {
        (into, True, False),
        (out, False, True),
    }


# -- the Cluster 7 season ---------------------------------------------------------------


@pytest.fixture(scope="module")
def season() -> er.SeasonResult:
    return cluster7.competition().run(cluster7.YEAR, cluster7.table())


def test_cluster7_runs_in_one_call(season: er.SeasonResult) -> None:
    # The same as the stages wired by hand, as the demo did before Competition.
    scores = cluster7.scorecard().score(cluster7.table())
    standing = cluster7.ranking().rank(scores)
    assert season.standing.order == standing.order
    alloc = cluster7.flags().allocate(er.Context(2023, scores=scores, standing=standing))
    for award in alloc.awards:
        assert season.awarded(award) == alloc.awarded(award)
    term = cluster7.rotation().term(2024, standings={2024: standing})
    assert season.term == term


def test_explain_walks_every_stage_in_both_languages(season: er.SeasonResult) -> None:
    en = str(season.explain("Phú Yên"))
    lines = en.splitlines()
    assert lines[0] == "Phú Yên, 2023"
    assert lines[1] == "  points: total 68.25 points"
    assert lines[2].startswith("  place: 7 of 7 (below Ninh Thuận")
    assert "Cờ thi đua của Bộ Công an: quota reached" in en
    assert (
        lines[-1] == "  leadership: Phú Yên is a member in 2024; Bình Thuận leads, deputy Khánh Hòa"
    )
    vi = str(season.explain("Bình Thuận", language="vi"))
    assert "tổng điểm: 88.5 điểm" in vi
    assert "Cờ thi đua của Bộ Công an: được khen thưởng" in vi
    assert "Bình Thuận là Cụm trưởng năm 2024" in vi
    data = season.explain("Phú Yên").to_dict()
    json.dumps(data)
    assert [a["code"] for a in data["awards"]] == ["award.failed", "award.quota"]
    assert [str(er.Reason.from_dict(a["reason"])).split(": ")[1][:20] for a in data["awards"]] == [
        "failed the condition",
        "quota reached (ranke",
    ]
    with pytest.raises(er.UnknownNameError, match="did you mean 'Phú Yên'"):
        season.explain("Phu Yen x")
    with pytest.raises(er.RuleError, match="'en' or 'vi'"):
        season.explain("Phú Yên", language="fr")  # type: ignore[arg-type]


def test_reports_show_the_same_rows(season: er.SeasonResult) -> None:
    rows = season.rows()
    assert [r["unit"] for r in rows] == list(season.standing.order)
    text = season.to_text()
    md = season.to_markdown(language="vi")
    for u in cluster7.MEMBERS:
        assert u in text
        assert f"| {u} |" in md
    assert "Cụm trưởng 2024: Bình Thuận; Cụm phó: Khánh Hòa" in md
    frame = season.to_frame()
    assert list(frame["unit"]) == list(season.standing.order)
    assert frame["Cờ thi đua của Chính phủ"].sum() == 1
    json.dumps(season.to_dict())


def _published(season: er.SeasonResult) -> dict[str, object]:
    return {
        "ranking": list(season.standing.order),
        "awards": {a: list(season.awarded(a)) for a in season.awards},
        "leader": season.term.leader if season.term else None,
    }


def test_verify_accepts_the_rules_own_result(season: er.SeasonResult) -> None:
    v = season.verify(_published(season))
    assert v.ok
    assert "agrees" in str(v)


def test_verify_finds_a_planted_error(season: er.SeasonResult) -> None:
    pub = _published(season)
    ministry = "Cờ thi đua của Bộ Công an"
    awards = dict(pub["awards"])  # type: ignore[call-overload]
    # Planted: Quảng Nam's ministry flag given to Quảng Ngãi instead.
    awards[ministry] = [u if u != "Quảng Nam" else "Quảng Ngãi" for u in awards[ministry]]
    pub["awards"] = awards
    v = season.verify(pub)
    assert not v.ok
    got = {(d.kind, d.unit, d.published, d.expected) for d in v.disagreements}
    assert got == {("award", "Quảng Ngãi", True, False), ("award", "Quảng Nam", False, True)}
    why = {d.unit: d.reason for d in v.disagreements}
    assert why["Quảng Ngãi"].startswith(f"{ministry}: quota reached")
    assert why["Quảng Nam"].startswith(f"{ministry}: awarded")
    assert v.to_dict()["ok"] is False


def test_verify_reads_ties_and_ranks(season: er.SeasonResult) -> None:
    order = list(season.standing.order)
    swapped = [order[1], order[0], *order[2:]]
    v = season.verify({"ranking": swapped})
    assert [(d.unit, d.published, d.expected) for d in v.disagreements] == [
        (order[1], 1, 2),
        (order[0], 2, 1),
    ]
    v = season.verify({"ranking": {u: k + 1 for k, u in enumerate(order[:-1])}})
    assert [(d.unit, d.published) for d in v.disagreements] == [(order[-1], None)]
    with pytest.raises(er.UnknownNameError, match="did you mean 'awards'"):
        season.verify({"award": {}})
    with pytest.raises(er.UnknownNameError, match="unknown award"):
        season.verify({"awards": {"Cờ thi đua": []}})


def test_verify_accepts_any_order_among_units_the_rules_leave_tied() -> None:
    comp = er.Competition(
        "t",
        scorecard=er.Scorecard([er.Criterion("x", 10, scale=er.Linear(0, 10))]),
        ranking=er.Ranking(er.desc("total")),
    )
    s = comp.run(2024, er.ScoreTable({"unit": ["A", "B", "C"], "x": [5, 5, 1]}))
    assert s.verify({"ranking": ["B", "A", "C"]}).ok
    assert s.verify({"ranking": {"A": 1, "B": 2, "C": 3}}).ok
    v = s.verify({"ranking": ["C", "A", "B"]})
    assert {d.unit for d in v.disagreements} == {"C", "B"}
    assert "1-2 (tied)" in str(v)


def test_monte_carlo_of_a_competition_is_the_analysis_with_its_parts() -> None:
    from emulation_rules.analysis import Noise, monte_carlo

    comp = cluster7.competition()
    table = cluster7.table()
    mc = comp.monte_carlo(2023, table, Noise(points=1.0), scenarios=60, seed=7)
    assert comp.rotation is not None
    direct = monte_carlo(
        comp.scorecard,
        table,
        comp.ranking,
        Noise(points=1.0),
        scenarios=60,
        seed=7,
        awards=comp.awards,
        period=2023,
        rotation=comp.rotation,
        lead_period=2024,
    )
    assert mc.summary() == direct.summary()
    assert mc.p_lead.tolist() == direct.p_lead.tolist()
