"""Awards and history: the gaps of issue 9 section 5 (decision order, alignment by id,
exclusion reasons, the transitive cascade, history from data frames, appending with
collectives, units with no record, rotation explanations)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import (
    BestRanked,
    Context,
    DataError,
    DataTypeError,
    Elected,
    FixedCycle,
    History,
    Lot,
    Override,
    Ranking,
    Rotation,
    RuleTypeError,
    ScoreTable,
    UnknownNameError,
    column,
    consecutive,
    desc,
    fact,
    holds,
    members,
    streak,
)
from emulation_rules.awards import Award, AwardScheme, Quota, cascade

RATING = ["KHTNV", "HTNV", "HTTNV", "HTXSNV"]


# -- decision order ----------------------------------------------------------------------


def flags_scheme() -> AwardScheme:
    """The example of the issue: LEADER (1) -> CTĐCP (9, requires LEADER, 20 %) and CTĐ_BO
    (5), exclusive with CTĐCP."""
    return AwardScheme(
        [
            Award("LEADER", column("points") >= 50, level=1),
            Award(
                "CTĐ_BO",
                quota=Quota(1),
                ranking=Ranking(desc("points")),
                level=5,
            ),
            Award(
                "CTĐCP",
                requires="LEADER",
                quota=Quota(share=0.2, of="LEADER"),
                ranking=Ranking(desc("points")),
                level=9,
            ),
        ],
        exclusive=[("CTĐCP", "CTĐ_BO")],
    )


class TestDecisionOrder:
    def test_a_prerequisite_of_a_higher_award_is_decided_before_a_lower_rival(self) -> None:
        scheme = flags_scheme()
        assert scheme.order == ("LEADER", "CTĐCP", "CTĐ_BO")
        assert scheme.effective_level == {"LEADER": 9, "CTĐ_BO": 5, "CTĐCP": 9}
        units = [f"u{i}" for i in range(10)]
        t = ScoreTable({"unit": units, "points": [99, 90, 80, 70, 60, 40, 30, 20, 10, 5]})
        alloc = scheme.allocate(Context(2024, table=t))
        # 5 leaders, 20 % -> one Government flag: the top unit, not the fifth.
        assert alloc.awarded("CTĐCP") == ("u0",)
        assert alloc.awarded("CTĐ_BO") == ("u1",)


def _ancestors(deps: dict[str, set[str]], name: str) -> set[str]:
    out: set[str] = set()
    stack = list(deps[name])
    while stack:
        d = stack.pop()
        if d not in out:
            out.add(d)
            stack.extend(deps[d])
    return out


@st.composite
def dag_schemes(draw: st.DrawFn) -> AwardScheme:
    n = draw(st.integers(1, 6))
    names = [f"A{i}" for i in range(n)]
    awards = []
    for i, name in enumerate(names):
        # Dependencies point to earlier awards only: never a cycle.
        req = draw(st.lists(st.sampled_from(names[:i]), unique=True, max_size=2)) if i else []
        awards.append(Award(name, requires=req, level=draw(st.integers(0, 5))))
    awards = draw(st.permutations(awards))
    return AwardScheme(awards)


@given(dag_schemes())
def test_decision_order_law(scheme: AwardScheme) -> None:
    """Dependencies come first; and an award of higher effective level is decided before
    any award that is not one of its (transitive) prerequisites. The effective level is
    recomputed here from its definition: the highest level among the award and every
    award that depends on it, directly or not."""
    deps = {a.name: set(a.requires) for a in scheme.awards}
    level = {a.name: a.level for a in scheme.awards}
    effective = {
        x: max([level[x]] + [level[y] for y in deps if x in _ancestors(deps, y)]) for x in deps
    }
    assert scheme.effective_level == effective
    pos = {name: k for k, name in enumerate(scheme.order)}
    for x in deps:
        assert all(pos[d] < pos[x] for d in deps[x])
        for y in deps:
            if effective[x] > effective[y] and y not in _ancestors(deps, x):
                assert pos[x] < pos[y], (x, y, scheme.order)


# -- alignment of scores with the history by unit id -------------------------------------


def _alloc_history(n: int, rng: np.random.Generator) -> tuple[History, list[int], list[str]]:
    ids = [f"p{i:02}" for i in range(n)]
    ratings = rng.integers(1, 4, n).tolist()
    h = History.from_records(
        [
            {"unit": u, "period": 2024, "rating": RATING[r], "dept": f"D{i % 3}"}
            for i, (u, r) in enumerate(zip(ids, ratings, strict=True))
        ],
        ordinals={"rating": RATING},
    )
    return h, ratings, ids


def _year_scheme() -> AwardScheme:
    return AwardScheme(
        [
            Award("LĐTT", fact("rating") >= "HTTNV", level=1),
            Award(
                "CSTĐCS",
                fact("rating") == "HTXSNV",
                requires="LĐTT",
                quota=Quota(share=0.3, of="LĐTT", ties="include"),
                ranking=Ranking(desc("points")),
                level=2,
            ),
            Award(
                "BK",
                column("points") >= 3,
                quota=Quota(1, per="group", ties="include"),
                ranking=Ranking(desc("points")),
                level=3,
            ),
        ],
        exclusive=[("BK", "CSTĐCS")],
    )


class TestAlignment:
    def test_table_in_another_row_order(self) -> None:
        h, _, ids = _alloc_history(6, np.random.default_rng(0))
        points = [5, 1, 4, 2, 6, 3]
        groups = ["g1", "g2", "g1", "g2", "g1", "g2"]
        t = ScoreTable({"unit": ids, "points": points, "group": groups})
        rev = ScoreTable({"unit": ids[::-1], "points": points[::-1], "group": groups[::-1]})
        a = _year_scheme().allocate(Context(2024, history=h, table=t))
        b = _year_scheme().allocate(Context(2024, history=h, table=rev))
        for award in a.awards:
            assert a.awarded(award) == b.awarded(award)
            np.testing.assert_array_equal(a.reasons(award), b.reasons(award))
        assert a.awarded("BK") == ("p04", "p05")  # the best of g1 and of g2

    def test_missing_and_extra_units_are_named(self) -> None:
        h, _, ids = _alloc_history(4, np.random.default_rng(0))
        short = ScoreTable({"unit": ids[1:], "points": [1, 2, 3], "group": ["g"] * 3})
        with pytest.raises(DataError, match=r"missing 'p00'; not assessed none"):
            _year_scheme().allocate(Context(2024, history=h, table=short))
        more = ScoreTable({"unit": [*ids, "zz"], "points": [1, 2, 3, 4, 5], "group": ["g"] * 5})
        with pytest.raises(DataError, match=r"missing none; not assessed 'zz'"):
            _year_scheme().allocate(Context(2024, history=h, table=more))


@given(st.integers(1, 12), st.randoms(use_true_random=False), st.integers(0, 2**32 - 1))
def test_allocation_is_invariant_under_row_permutation(n: int, rnd, seed: int) -> None:  # type: ignore[no-untyped-def]
    h, _, ids = _alloc_history(n, np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    points = rng.integers(0, 5, n).tolist()
    groups = [f"g{int(g)}" for g in rng.integers(0, 2, n)]
    perm = list(range(n))
    rnd.shuffle(perm)
    t = ScoreTable({"unit": ids, "points": points, "group": groups})
    shuffled = ScoreTable(
        {
            "unit": [ids[i] for i in perm],
            "points": [points[i] for i in perm],
            "group": [groups[i] for i in perm],
        }
    )
    a = _year_scheme().allocate(Context(2024, history=h, table=t))
    b = _year_scheme().allocate(Context(2024, history=h, table=shuffled))
    for award in a.awards:
        assert a.awarded(award) == b.awarded(award)
        np.testing.assert_array_equal(a.reasons(award), b.reasons(award))
        for u in ids:
            assert a.why(u, award) == b.why(u, award)


# -- the exclusion reason -----------------------------------------------------------------


class TestExclusionReason:
    def test_names_only_the_awards_that_exclude(self) -> None:
        h = History.from_records(
            [{"unit": u, "period": 2024, "rating": "HTXSNV"} for u in ("A", "B")],
            ordinals={"rating": RATING},
        )
        scheme = AwardScheme(
            [
                Award("LĐTT", level=1),
                Award("TOP", level=3),
                Award("GOOD", level=2),
                Award("OTHER", level=0),
            ],
            exclusive=[("TOP", "GOOD")],
        )
        alloc = scheme.allocate(Context(2024, history=h))
        text = alloc.why("A", "GOOD")
        assert "already receives TOP for 2024" in text
        assert "LĐTT" not in text
        assert "OTHER" not in text


# -- the revocation cascade ----------------------------------------------------------------


LADDER = AwardScheme(
    [
        Award("LĐTT", level=1),
        Award("CSTĐCS", requires="LĐTT", level=2),
        Award("CSTĐ_BO", streak("CSTĐCS", n=3, fresh_after="CSTĐ_BO"), level=3),
        Award("CSTĐ_TQ", consecutive("CSTĐ_BO", n=2, every=3), level=4),
    ]
)


class TestCascadeRipples:
    def ladder(self) -> History:
        return History.from_records(
            [
                {
                    "unit": u,
                    "period": y,
                    "titles": ["LĐTT", "CSTĐCS"]
                    + ["CSTĐ_BO"] * (y in (2011, 2014))
                    + ["CSTĐ_TQ"] * (y == 2014),
                }
                for u in ("X", "Y")
                for y in range(2009, 2015)
            ]
        )

    def test_revoking_ldtt_brings_down_everything_built_on_it(self) -> None:
        """Law 06/2022 ch. VII [V] with the cascade [I]: LĐTT 2010 revoked -> CSTĐCS 2010
        (its prerequisite) -> CSTĐ cấp bộ 2011 (its streak) -> CSTĐ toàn quốc 2014 (two
        consecutive CSTĐ cấp bộ). The CSTĐ cấp bộ of 2014 still stands: its streak
        2011-2014 is no longer used by an earlier one."""
        h = self.ladder()
        revoked = h.revoke("X", "LĐTT", 2010, reason="forged dossier")
        found = cascade(h, revoked, LADDER)
        assert [(d.unit, d.award, d.period) for d in found] == [
            ("X", "CSTĐCS", 2010),
            ("X", "CSTĐ_BO", 2011),
            ("X", "CSTĐ_TQ", 2014),
        ]
        assert found[0].why == "prerequisite LĐTT no longer held"
        assert "streak('CSTĐCS', n=3, fresh_after='CSTĐ_BO'): 1 consecutive" in found[1].why
        assert "consecutive('CSTĐ_BO', n=2, every=3): 1 in a row" in found[2].why

    def test_score_conditions_take_the_tables_by_period(self) -> None:
        h = History.from_records(
            [{"unit": u, "period": 2023, "titles": ["LĐTT", "BK"]} for u in ("A", "B", "C")]
        )
        scheme = AwardScheme(
            [Award("LĐTT", level=1), Award("BK", column("points") >= 80, requires="LĐTT")]
        )
        revoked = h.revoke("A", "LĐTT", 2023, reason="error").revoke("C", "LĐTT", 2023, reason="e")
        with pytest.raises(
            DataError, match=r"award 'BK' for 2023.*column\('points'\) >= 80.*tables=\{2023"
        ):
            cascade(h, revoked, scheme)
        t = ScoreTable({"unit": ["C", "B", "A"], "points": [70, 90, 85]})
        found = cascade(h, revoked, scheme, tables={2023: t})
        # C never met the condition: its BK did not stand on it before the revocation.
        assert [(d.unit, d.award) for d in found] == [("A", "BK")]

    @pytest.mark.parametrize(
        ("args", "kwargs", "error", "match"),
        [
            (("h", "not a history", LADDER), {}, DataTypeError, "revoked is str"),
            (("not a history", "h", LADDER), {}, DataTypeError, "history is str"),
            (("h", "h", "scheme"), {}, RuleTypeError, "AwardScheme"),
            (("h", "h", LADDER), {"tables": [1]}, DataTypeError, "maps each period"),
            (("h", "h", LADDER), {"tables": {"2023": 1}}, DataTypeError, "keyed by period"),
            (("h", "h", LADDER), {"scores": {2023: 1}}, DataTypeError, r"scores\[2023\] is Scores"),
        ],
    )
    def test_wrong_arguments(self, args, kwargs, error, match) -> None:  # type: ignore[no-untyped-def]
        h = self.ladder()
        real = tuple(h if a == "h" else a for a in args)
        with pytest.raises(error, match=match):
            cascade(*real, **kwargs)

    def test_another_history_is_refused(self) -> None:
        h = self.ladder()
        other = History.from_records([{"unit": "X", "period": 2009, "titles": ["LĐTT"]}])
        with pytest.raises(DataError, match="same history after revocations"):
            cascade(h, other, LADDER)


SCORED = AwardScheme(
    [
        *LADDER.awards,
        # A score-based award built on this year's CSTĐCS: the cascade needs the tables.
        Award("BK", (column("points") >= 2) & holds("CSTĐCS"), level=5),
    ]
)


def _stood(h: History, award: Award, period: int, table: ScoreTable | None) -> np.ndarray:
    ok = np.ones(h.n_units, dtype=bool)
    if award.condition is not None:
        ok &= award.condition.evaluate(Context(period, history=h, table=table)).passed
    for t in award.requires:
        ok &= h.held(t, period)
    return ok


Case = tuple[History, History, AwardScheme, dict[int, ScoreTable]]


@st.composite
def ladder_histories(draw: st.DrawFn) -> Case:
    """A history in which every award stood when granted (allocated year by year from
    random wishes), the same history with one to three titles revoked, the scheme, and
    the tables of the score-based scheme by period."""
    n = draw(st.integers(1, 3))
    years = draw(st.integers(3, 7))
    scheme = draw(st.sampled_from([LADDER, SCORED]))
    names = [a.name for a in scheme.awards]
    recs = [
        {"unit": f"u{i}", "period": 2010 + k}
        | {f"want_{a}": float(draw(st.integers(0, 4)) > 0) for a in names}
        for i in range(n)
        for k in range(years)
    ]
    h = History.from_records(recs)
    tables = {}
    if scheme is SCORED:
        for p in h.periods:
            points = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
            # Rows in another order than the history's: matched by unit id.
            tables[p] = ScoreTable({"unit": list(h.units)[::-1], "points": points})
    wishes = AwardScheme([_and(a, fact(f"want_{a.name}") == 1) for a in scheme.awards])
    for p in h.periods:
        h = wishes.allocate(Context(p, history=h, table=tables.get(p))).history
    held = [
        (u, t, p) for u in h.units for t in h.titles for p in h.periods if h.held(t, p)[h.index(u)]
    ]
    if not held:
        return h, h, scheme, tables
    picks = draw(st.lists(st.sampled_from(held), unique=True, min_size=1, max_size=3))
    revoked = h
    for u, t, p in picks:
        revoked = revoked.revoke(u, t, p, reason="test")
    return h, revoked, scheme, tables


@given(ladder_histories())
def test_cascade_equals_reallocation_of_what_stood(case: Case) -> None:
    """The law: what the cascade leaves standing is what allocating the scheme again, year
    by year from the first revocation, gives when each award may only go to a unit that
    held it after the revocation and satisfied its conditions before it."""
    h, revoked, scheme, tables = case
    found = cascade(h, revoked, scheme, tables=tables)
    new = [r for r in revoked.revocations if r not in h.revocations]
    if not new:
        assert found == []
        return
    start = min(r.period for r in new)
    names = [a.name for a in scheme.awards]
    # Facts "may_<award>": held after the revocation and stood before it.
    may = {
        (a.name, p): revoked.held(a.name, p) & _stood(h, a, p, tables.get(p))
        for a in scheme.awards
        for p in h.periods
    }
    recs = []
    for i, u in enumerate(h.units):
        for p in h.periods:
            titles = [t for t in names if p < start and revoked.held(t, p)[i]]
            rec = {"unit": u, "period": p, "titles": titles}
            rec.update({f"may_{a}": float(may[a, p][i]) for a in names})
            recs.append(rec)
    base = History.from_records(recs, periods=(h.first, h.last))
    again = AwardScheme([_and(a, fact(f"may_{a.name}") == 1) for a in scheme.awards])
    for p in range(start, h.last + 1):
        base = again.allocate(Context(p, history=base, table=tables.get(p))).history
    expected = [
        (u, a, p)
        for p in range(start, h.last + 1)
        for a in scheme.order
        for i, u in enumerate(h.units)
        if may[a, p][i] and not base.held(a, p)[i]
    ]
    assert [(d.unit, d.award, d.period) for d in found] == expected


def _and(award: Award, extra):  # type: ignore[no-untyped-def]
    import attrs

    cond = extra if award.condition is None else award.condition & extra
    return attrs.evolve(award, condition=cond)


# -- appending a year at a time, with collectives -----------------------------------------


TEAM_SCHEME = AwardScheme(
    [
        Award("LĐTT", fact("rating") >= "HTTNV", level=1),
        Award("TTLĐTT", members(holds("LĐTT")).share() > 0.5, subject="collectives", level=1),
        Award("TT2", streak("TTLĐTT", n=2), subject="collectives", level=2),
    ]
)


def _year(year: int, rows: list[tuple[str, str, int]]) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    people = [{"unit": u, "period": year, "team": team, "rating": RATING[r]} for u, team, r in rows]
    teams = [{"unit": t, "period": year} for t in sorted({team for _, team, _ in rows})]
    return people, teams


def _loop(years: dict[int, list[tuple[str, str, int]]]) -> History:
    """Decide year after year, appending each year's records to the last allocation."""
    h: History | None = None
    for year, rows in years.items():
        people, teams = _year(year, rows)
        if h is None:
            h = History.from_records(
                people, ordinals={"rating": RATING}, member_of="team", collectives=teams
            )
        else:
            h = h.append(people, member_of="team", collectives=teams)
        h = TEAM_SCHEME.allocate(Context(year, history=h)).history
    assert h is not None
    return h


class TestAppendWithCollectives:
    YEARS: ClassVar[dict[int, list[tuple[str, str, int]]]] = {
        2022: [("An", "T1", 3), ("Bình", "T1", 2), ("Chi", "T2", 1)],
        2023: [("An", "T1", 3), ("Bình", "T2", 3), ("Chi", "T2", 2), ("Dũng", "T3", 3)],
        2024: [("An", "T1", 2), ("Bình", "T2", 0), ("Chi", "T2", 3), ("Dũng", "T3", 3)],
    }

    def test_three_years_one_at_a_time(self) -> None:
        h = _loop(self.YEARS)
        assert (h.first, h.last) == (2022, 2024)
        assert h.collectives is not None
        assert h.collectives.units == ("T1", "T2", "T3")
        assert h.member_of is not None
        assert h.member_of.tolist() == [[0, 0, 1, -1], [0, 1, 1, 2], [0, 1, 1, 2]]
        c = h.collectives
        assert c.held("TTLĐTT", 2022).tolist() == [True, False, False]
        assert c.held("TTLĐTT", 2023).tolist() == [True, True, True]
        # Two years in a row: T1 in 2023; T1 again and T3 in 2024 (T2 had 1 of 2 in 2024).
        assert c.held("TT2", 2023).tolist() == [True, False, False]
        assert c.held("TT2", 2024).tolist() == [True, False, True]

    def test_a_year_without_memberships_is_refused(self) -> None:
        people, teams = _year(2022, self.YEARS[2022])
        h = History.from_records(
            people, ordinals={"rating": RATING}, member_of="team", collectives=teams
        )
        later, _ = _year(2023, self.YEARS[2023])
        for p in later:
            del p["team"]
        with pytest.raises(DataError, match="has collectives.*member_of="):
            h.append(later)


@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from("ABCDE"), st.sampled_from(["T1", "T2", "T3"]), st.integers(0, 3)
            ),
            min_size=1,
            max_size=5,
            unique_by=lambda r: r[0],
        ),
        min_size=1,
        max_size=3,
    )
)
def test_appending_a_year_at_a_time_equals_loading_all_years(years_rows) -> None:  # type: ignore[no-untyped-def]
    years = {2020 + k: rows for k, rows in enumerate(years_rows)}
    stepwise = _loop(years)
    people: list[dict] = []  # type: ignore[type-arg]
    teams: list[dict] = []  # type: ignore[type-arg]
    for year, rows in years.items():
        p, t = _year(year, rows)
        people += p
        teams += t
    h = History.from_records(
        people, ordinals={"rating": RATING}, member_of="team", collectives=teams
    )
    for year in years:
        h = TEAM_SCHEME.allocate(Context(year, history=h)).history
    assert h.collectives is not None
    assert stepwise.collectives is not None
    # Same units (ids; the order may differ) and the same titles and memberships by id.
    assert set(stepwise.units) == set(h.units)
    assert set(stepwise.collectives.units) == set(h.collectives.units)
    for year in years:
        for u in h.units:
            i, j = h.index(u), stepwise.index(u)
            assert h.held("LĐTT", year)[i] == stepwise.held("LĐTT", year)[j]
            mi, mj = h.member_of[year - 2020, i], stepwise.member_of[year - 2020, j]
            assert (h.collectives.units[mi] if mi >= 0 else None) == (
                stepwise.collectives.units[mj] if mj >= 0 else None
            )
        for c in h.collectives.units:
            i, j = h.collectives.index(c), stepwise.collectives.index(c)
            for t in ("TTLĐTT", "TT2"):
                assert h.collectives.held(t, year)[i] == stepwise.collectives.held(t, year)[j]


# -- units with no record yet ---------------------------------------------------------------


class TestContextUnits:
    def history(self) -> History:
        return History.from_records(
            [
                {"unit": u, "period": y, "team": t, "titles": ["LĐTT"], "rating": "HTXSNV"}
                for u, t in (("A", "T1"), ("B", "T1"), ("C", "T2"))
                for y in (2023, 2024)
            ],
            ordinals={"rating": RATING},
            member_of="team",
            collectives=[{"unit": t, "period": y} for t in ("T1", "T2") for y in (2023, 2024)],
        )

    def test_a_merged_unit_has_no_titles_and_missing_facts(self) -> None:
        h = self.history()
        ctx = Context(2024, history=h, units=["C", "A+B", "A"])
        assert ctx.units == ("C", "A+B", "A")
        cond = streak("LĐTT", n=2) & (fact("rating") >= "HTTNV")
        v = cond.evaluate(ctx)
        assert v.passed.tolist() == [True, False, True]
        assert "0 consecutive" in v.why_not("A+B")
        assert "missing" in v.why_not("A+B")

    def test_allocation_records_the_new_unit_for_next_year(self) -> None:
        h = self.history()
        t = ScoreTable({"unit": ["A+B", "C"], "points": [9, 8]})
        scheme = AwardScheme(
            [Award("BK", column("points") >= 5, quota=Quota(1), ranking=Ranking(desc("points")))]
        )
        alloc = scheme.allocate(Context(2024, history=h, table=t, units=["C", "A+B"]))
        assert alloc.awarded("BK") == ("A+B",)
        assert alloc.history.units == ("C", "A+B")
        assert alloc.history.held("BK", 2024).tolist() == [False, True]

    def test_a_new_collective_has_no_members(self) -> None:
        h = self.history()
        ctx = Context(2024, history=h, level="collectives", units=["T2", "T9"])
        v = (members(holds("LĐTT")).share() >= 0.5).evaluate(ctx)
        assert v.passed.tolist() == [True, False]
        assert "no members" in v.why_not("T9")

    @pytest.mark.parametrize(
        ("units", "error", "match"),
        [
            (["A", "A"], DataError, "appears at positions 0 and 1"),
            (["A", None], DataError, "None"),
            (["Hòa", "Ho\u0300a"], DataError, "unique"),
            (["A", ""], DataError, "empty"),
            ("AB", DataTypeError, "sequence of unit ids"),
        ],
    )
    def test_ids_are_checked(self, units, error, match) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(error, match=match):
            Context(2024, history=self.history(), units=units)


@given(st.permutations(["A", "B", "C"]), st.integers(0, 3))
def test_listed_units_evaluate_as_in_the_history(order: list[str], extra: int) -> None:
    """Listing the history's units in any order, plus units with no record, changes
    nothing for the units of the history."""
    h = TestContextUnits().history()
    new = [f"N{k}" for k in range(extra)]
    ctx = Context(2024, history=h, units=[*order, *new])
    cond = streak("LĐTT", n=2) | (fact("rating") >= "HTTNV")
    got = dict(zip(ctx.units, cond.evaluate(ctx).passed.tolist(), strict=True))
    plain = dict(zip(h.units, cond.evaluate(Context(2024, history=h)).passed.tolist(), strict=True))
    assert {u: got[u] for u in h.units} == plain
    # A unit with no record: no streak, a missing rating -- fails both alternatives.
    assert [got[u] for u in new] == [False] * extra


# -- rotation: which key broke the tie; what an override sets aside ------------------------


class TestRotationExplanations:
    def test_the_key_that_broke_a_tie_in_the_election(self) -> None:
        rot = Rotation(
            ["A", "B", "C"],
            Elected(Ranking(desc("votes"), desc("seniority"), Lot(seed=1))),
            since=2024,
        )
        table = ScoreTable({"unit": ["A", "B", "C"], "votes": [5, 5, 2], "seniority": [3, 9, 9]})
        t = rot.term(2024, votes={2024: table})
        assert t.leader == "B"
        assert t.how.endswith("tied with A on desc('votes'), ahead on desc('seniority')")
        assert t.deputy_how.endswith("tied with B on desc('votes'), behind on desc('seniority')")
        # Decided on the votes alone: nothing about a tie.
        clear = {"unit": ["A", "B", "C"], "votes": [4, 5, 2], "seniority": [3, 9, 9]}
        t2 = rot.term(2024, votes={2024: ScoreTable(clear)})
        assert "tied" not in t2.how
        assert "tied" not in t2.deputy_how

    def test_an_override_says_it_sets_aside_the_cooldown(self) -> None:
        rot = Rotation(
            ["A", "B", "C"],
            FixedCycle(2020, "A"),
            since=2020,
            cooldown=2,
            overrides=[Override(2021, leader="A", reason="assigned by the ministry")],
        )
        t = rot.schedule(2020, 2021)[2021]
        assert t.leader == "A"
        assert t.how == (
            "override (assigned by the ministry); overrides the cooldown (led in 2020, cooldown 2)"
        )
        assert "overrides the cooldown" in t.explain()

    def test_an_override_says_it_sets_aside_eligibility(self) -> None:
        h = History.from_records(
            [
                {"unit": "A", "period": 2024, "titles": []},
                {"unit": "B", "period": 2024, "titles": ["kỷ luật"]},
                {"unit": "C", "period": 2024, "titles": []},
            ]
        )
        rot = Rotation(
            ["A", "B", "C"],
            BestRanked(),
            since=2024,
            eligible=~holds("kỷ luật"),
            overrides=[Override(2024, leader="B", deputy="C", reason="elected at the congress")],
        )
        standing = Ranking(desc("x")).rank(ScoreTable({"unit": ["A", "B", "C"], "x": [3, 2, 1]}))
        t = rot.term(2024, history=h, standings={2024: standing})
        assert t.leader == "B"
        assert "overrides the eligibility condition (not eligible: not holds('kỷ luật')" in t.how
        assert "overrides" not in t.deputy_how  # C is eligible: nothing set aside
        rot2 = attrs_evolve_rot(rot, [Override(2024, deputy="B", reason="congress")])
        t2 = rot2.term(2024, history=h, standings={2024: standing})
        assert t2.deputy == "B"
        assert "overrides the eligibility condition" in t2.deputy_how


def attrs_evolve_rot(rot: Rotation, overrides: list[Override]) -> Rotation:
    import attrs

    return attrs.evolve(rot, overrides=overrides)


@given(
    st.lists(st.integers(0, 3), min_size=2, max_size=5),
    st.lists(st.integers(0, 3), min_size=5, max_size=5),
)
def test_a_leader_tied_on_votes_says_which_key_decided(
    votes: list[int], seniority: list[int]
) -> None:
    units = [f"M{i}" for i in range(len(votes))]
    rot = Rotation(
        units, Elected(Ranking(desc("votes"), desc("seniority"), Lot(seed=3))), since=2024
    )
    table = ScoreTable({"unit": units, "votes": votes, "seniority": seniority[: len(units)]})
    t = rot.term(2024, votes={2024: table})
    i = units.index(t.leader)
    rivals = [j for j in range(len(units)) if j != i and votes[j] == votes[i]]
    by_seniority = [j for j in rivals if seniority[j] != seniority[i]]
    # Tied on votes with someone it beat on seniority: the explanation says so; a leader
    # with no rival on votes says nothing about a tie.
    if not rivals:
        assert "tied" not in t.how
    if by_seniority and all(seniority[j] < seniority[i] for j in rivals):
        assert "ahead on desc('seniority')" in t.how


@given(st.integers(2, 4), st.integers(0, 3), st.integers(0, 3), st.integers(2021, 2024))
def test_an_override_into_the_cooldown_always_says_so(
    n: int, cooldown: int, who: int, year: int
) -> None:
    units = [f"M{i}" for i in range(n)]
    cooldown = min(cooldown, n - 1)  # a cycle that can always go on without an override
    chosen = units[who % n]
    rot = Rotation(
        units,
        FixedCycle(2020, units[0]),
        since=2020,
        cooldown=cooldown,
        overrides=[Override(year, leader=chosen, reason="assigned")],
    )
    s = rot.schedule(2020, year)
    led = [s[p].leader for p in range(max(2020, year - cooldown), year)]
    t = s[year]
    assert t.leader == chosen
    assert ("overrides the cooldown" in t.how) == (chosen in led)


# -- History.from_dataframe ----------------------------------------------------------------

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

FRAMES = {
    "pandas": lambda cols: pd.DataFrame(cols),
    "polars": lambda cols: pl.DataFrame(cols),
    "arrow": lambda cols: pa.table(cols),
}


def _same(a: History, b: History) -> None:
    assert a.units == b.units
    assert (a.first, a.last) == (b.first, b.last)
    assert a.titles == b.titles
    for t in a.titles:
        np.testing.assert_array_equal(a.granted(t), b.granted(t))
    assert a.facts == b.facts
    for f in a.facts:
        x, y = a.fact_all(f), b.fact_all(f)
        assert x.dtype.kind == y.dtype.kind, f
        if x.dtype == object:
            assert x.tolist() == y.tolist()
        else:
            np.testing.assert_array_equal(x, y)
    if a.member_of is None:
        assert b.member_of is None
    else:
        assert b.member_of is not None
        assert a.collectives is not None
        assert b.collectives is not None
        assert a.collectives.units == b.collectives.units
        np.testing.assert_array_equal(a.member_of, b.member_of)


def _long(records: list[dict], *, per_title: bool) -> dict[str, list]:  # type: ignore[type-arg]
    rows: list[dict] = []  # type: ignore[type-arg]
    for r in records:
        facts = {k: v for k, v in r.items() if k != "titles"}
        if not per_title:
            rows.append({**facts, "titles": list(r["titles"])})
        else:
            rows.extend({**facts, "title": t} for t in r["titles"] or [None])
    keys = list(rows[0])
    return {k: [row[k] for row in rows] for k in keys}


record_lists = st.lists(
    st.fixed_dictionaries(
        {
            "unit": st.sampled_from(["An", "Bình", "Chi", "Dũng"]),
            "period": st.integers(2020, 2022),
            "titles": st.lists(st.sampled_from(["LĐTT", "CSTĐCS"]), unique=True),
            "rating": st.sampled_from([*RATING, None]),
            "months": st.sampled_from([3.0, 12.0, None]),
            "team": st.sampled_from(["T1", "T2"]),
        }
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda r: (r["unit"], r["period"]),
)


@pytest.mark.parametrize("kind", list(FRAMES))
@pytest.mark.parametrize("per_title", [False, True])
@given(records=record_lists)
def test_from_dataframe_equals_from_records(kind: str, per_title: bool, records) -> None:  # type: ignore[no-untyped-def]
    teams = [{"unit": t, "period": p} for t in ("T1", "T2") for p in (2020, 2021, 2022)]
    expected = History.from_records(
        records,
        ordinals={"rating": RATING},
        member_of="team",
        collectives=teams,
        periods=(2020, 2022),
    )
    df = FRAMES[kind](_long(records, per_title=per_title))
    got = History.from_dataframe(
        df,
        ordinals={"rating": RATING},
        member_of="team",
        collectives=FRAMES[kind]({k: [r[k] for r in teams] for k in ("unit", "period")}),
        periods=(2020, 2022),
        **({"title": "title"} if per_title else {}),
    )
    _same(expected, got)


class TestFromDataFrameErrors:
    def test_null_unit_is_refused(self) -> None:
        df = pd.DataFrame({"unit": ["A", None], "period": [2024, 2024]})
        with pytest.raises(DataError, match="unit id at row 1 is None"):
            History.from_dataframe(df)

    def test_two_rows_for_one_cell_with_a_list_column(self) -> None:
        df = pd.DataFrame(
            {"unit": ["A", "A"], "period": [2024, 2024], "titles": [["LĐTT"], ["CSTĐCS"]]}
        )
        with pytest.raises(DataError, match=r"'A' has two rows for period 2024 \(rows 0 and 1\)"):
            History.from_dataframe(df)

    def test_rows_of_one_cell_must_agree(self) -> None:
        df = pl.DataFrame(
            {
                "unit": ["A", "A"],
                "period": [2024, 2024],
                "title": ["LĐTT", "CSTĐCS"],
                "months": [12.0, 6.0],
            }
        )
        with pytest.raises(
            DataError, match=r"fact 'months' of unit 'A' in 2024 differs between rows 0 and 1"
        ):
            History.from_dataframe(df, title="title")

    def test_names_and_types(self) -> None:
        df = pa.table({"unit": ["A"], "year": [2024]})
        with pytest.raises(
            UnknownNameError, match="unknown period column 'period'.*valid: 'unit', 'year'"
        ):
            History.from_dataframe(df)
        assert History.from_dataframe(df, period="year").periods == (2024,)
        with pytest.raises(DataTypeError, match="from_records"):
            History.from_dataframe([{"unit": "A", "period": 2024}])
        with pytest.raises(RuleTypeError, match="not both"):
            History.from_dataframe(df, period="year", title="a", titles="b")
        with pytest.raises(DataError, match="not a level"):
            History.from_dataframe(
                pd.DataFrame({"unit": ["A"], "period": [2024], "rating": ["great"]}),
                ordinals={"rating": RATING},
            )
        with pytest.raises(DataError, match="whole-number period"):
            History.from_dataframe(pd.DataFrame({"unit": ["A"], "period": [2024.5]}))

    def test_whole_number_ids_and_a_list_column_from_arrow(self) -> None:
        df = pa.table(
            {
                "unit": [1001, 1002, 1001],
                "period": [2023, 2023, 2024],
                "titles": [["LĐTT"], [], ["LĐTT", "CSTĐCS"]],
            }
        )
        h = History.from_dataframe(df)
        assert h.units == ("1001", "1002")
        assert h.held("LĐTT", 2024).tolist() == [True, False]
        assert h.held("CSTĐCS", 2023).tolist() == [False, False]


@st.composite
def exclusive_schemes(draw: st.DrawFn) -> tuple[AwardScheme, History]:
    names = ["A0", "A1", "A2", "A3"][: draw(st.integers(2, 4))]
    awards = [Award(name, fact(f"ok_{name}") == 1, level=draw(st.integers(0, 3))) for name in names]
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(
                lambda p: p[0] != p[1]
            ),
            max_size=4,
        )
    )
    units = ["x", "y", "z"]
    h = History.from_records(
        [
            {"unit": u, "period": 2024} | {f"ok_{a}": float(draw(st.booleans())) for a in names}
            for u in units
        ]
    )
    return AwardScheme(awards, exclusive=pairs), h


@given(exclusive_schemes())
def test_the_exclusion_reason_names_exactly_the_excluding_awards(
    case: tuple[AwardScheme, History],
) -> None:
    scheme, h = case
    alloc = scheme.allocate(Context(2024, history=h))
    rivals = {a: {b for g in scheme.exclusive if a in g for b in g if b != a} for a in alloc.awards}
    decided = list(alloc.awards)
    for k, name in enumerate(decided):
        for i, u in enumerate(h.units):
            if alloc.reasons(name)[i] != 3:  # REASONS[3]: excluded by another award
                continue
            line = alloc.why(u, name).splitlines()[-1]
            named = set(line.split("already receives ")[1].split(" for ")[0].split(", "))
            expected = {o for o in decided[:k] if o in rivals[name] and u in alloc.awarded(o)}
            assert named == expected
            assert named


class TestStandingAlignment:
    def test_rank_conditions_match_the_standing_by_id(self) -> None:
        from emulation_rules import rank

        h = History.from_records([{"unit": u, "period": 2024} for u in ("A", "B", "C")])
        t = ScoreTable({"unit": ["C", "B", "A"], "x": [1, 9, 5]})
        standing = Ranking(desc("x")).rank(t)
        scheme = AwardScheme([Award("FLAG", rank() == 1)])
        alloc = scheme.allocate(Context(2024, history=h, standing=standing))
        assert alloc.awarded("FLAG") == ("B",)
        wider = Ranking(desc("x")).rank(
            ScoreTable({"unit": ["A", "B", "C", "D"], "x": [1, 2, 3, 4]})
        )
        with pytest.raises(DataError, match="not assessed 'D'"):
            scheme.allocate(Context(2024, history=h, standing=wider))
