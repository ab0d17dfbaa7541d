"""Awards and history: the gaps of issue 9 section 5 (decision order, alignment by id,
exclusion reasons, the transitive cascade, history from data frames, appending with
collectives, units with no record, rotation explanations)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import (
    Context,
    DataError,
    History,
    Ranking,
    ScoreTable,
    column,
    desc,
    fact,
)
from emulation_rules.awards import Award, AwardScheme, Quota

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
