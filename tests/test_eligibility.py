"""Conditions over histories: combinators, titles over time, windows, members, why-not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference as R
from emulation_rules import (
    Condition,
    Context,
    Criterion,
    DataError,
    History,
    Linear,
    Ranking,
    RuleError,
    RuleTypeError,
    Scorecard,
    ScoreTable,
    UnknownNameError,
    Window,
    all_in_window,
    all_of,
    any_of,
    column,
    consecutive,
    count_in_window,
    desc,
    ever,
    fact,
    holds,
    members,
    no_member,
    not_,
    rank,
    score,
    streak,
    vote_share,
)

RATING = ["KHTNV", "HTNV", "HTTNV", "HTXSNV"]
TITLES = ("A", "B", "C")
FIRST = 2015


# -- random histories (the reference is tests/reference.py) ----------------------------------


@st.composite
def histories(draw: st.DrawFn, max_units: int = 6, max_periods: int = 7) -> History:
    n = draw(st.integers(1, max_units))
    p = draw(st.integers(1, max_periods))
    records = []
    for u in range(n):
        for q in range(p):
            if draw(st.integers(0, 9)) == 0:
                continue  # no record this period
            held = [t for t in TITLES if draw(st.booleans())]
            rating = draw(st.sampled_from([*RATING, None]))
            months = draw(st.sampled_from([3.0, 6.0, 12.0, None]))
            records.append(
                {
                    "unit": f"u{u}",
                    "period": FIRST + q,
                    "titles": held,
                    "rating": rating,
                    "months": months,
                }
            )
    h = (
        History.from_records(
            records,
            ordinals={"rating": RATING},
            periods=(FIRST, FIRST + p - 1),
            declared=TITLES,  # rules may name a title nobody drew
        )
        if records
        else History.from_records(
            [{"unit": "u0", "period": FIRST, "titles": [], "rating": None, "months": None}],
            ordinals={"rating": RATING},
            periods=(FIRST, FIRST + p - 1),
            declared=TITLES,
        )
    )
    # A few revocations.
    for t in TITLES:
        if t not in h.titles:
            continue
        g = np.argwhere(h.granted(t))
        if len(g) and draw(st.booleans()):
            q, u = g[draw(st.integers(0, len(g) - 1))]
            h = h.revoke(h.units[u], t, FIRST + int(q), reason="test")
    return h


conditions_leaf = st.one_of(
    st.builds(holds, st.sampled_from(TITLES)),
    st.builds(lambda t: ever(t), st.sampled_from(TITLES)),
    st.builds(lambda t, b: ever(t, before=b), st.sampled_from(TITLES), st.booleans()),
    st.builds(lambda lvl: fact("rating") >= lvl, st.sampled_from(RATING)),
    st.builds(lambda m: fact("months") < m, st.sampled_from([6, 12])),
    st.builds(
        lambda t, n, f: streak(t, n=n, fresh_after=f),
        st.sampled_from(TITLES),
        st.integers(1, 4),
        st.sampled_from([None, *TITLES]),
    ),
    st.builds(
        lambda t, n, e: consecutive(t, n=n, every=e),
        st.sampled_from(TITLES),
        st.integers(1, 3),
        st.integers(1, 3),
    ),
)
conditions = st.recursive(
    conditions_leaf,
    lambda kids: st.one_of(
        st.builds(lambda a, b: a & b, kids, kids),
        st.builds(lambda a, b: a | b, kids, kids),
        st.builds(lambda a: ~a, kids),
        st.builds(
            # at_least > window is refused when built: draw it within the window
            lambda a, k, n: count_in_window(a, at_least=min(k, n), window=n),
            kids,
            st.integers(1, 3),
            st.integers(1, 4),
        ),
        st.builds(lambda a, n: all_in_window(a, window=n), kids, st.integers(1, 3)),
        st.builds(
            lambda a, t, m: all_in_window(a, window=Window(since=t, min_length=m)),
            kids,
            st.sampled_from(TITLES),
            st.integers(1, 3),
        ),
    ),
    max_leaves=5,
)


@settings(max_examples=80)
@given(histories(), conditions, st.integers(0, 8))
def test_engine_equals_reference(h: History, c: Condition, dp: int) -> None:
    period = h.first + dp % (h.last - h.first + 1)
    got = c.evaluate(Context(period, history=h)).passed
    want = [R.eligible(c, h, u, period) for u in range(h.n_units)]
    assert got.tolist() == want


@given(histories(), conditions, conditions, st.integers(0, 8))
def test_boolean_algebra(h: History, p: Condition, q: Condition, dp: int) -> None:
    ctx = Context(h.first + dp % (h.last - h.first + 1), history=h)
    mp, mq = p.mask(ctx), q.mask(ctx)
    np.testing.assert_array_equal((p & q).mask(ctx), mp & mq)
    np.testing.assert_array_equal((p | q).mask(ctx), mp | mq)
    np.testing.assert_array_equal((~(p & q)).mask(ctx), (~p | ~q).mask(ctx))  # De Morgan
    np.testing.assert_array_equal((~(p | q)).mask(ctx), (~p & ~q).mask(ctx))
    assert ~~p == p
    np.testing.assert_array_equal(p.evaluate(ctx).passed, mp)


@given(histories(), st.sampled_from(TITLES), st.integers(2, 4), st.integers(0, 8))
def test_streak_of_n_implies_streak_of_n_minus_1(h: History, t: str, n: int, dp: int) -> None:
    ctx = Context(h.first + dp % (h.last - h.first + 1), history=h)
    longer = streak(t, n=n).mask(ctx)
    shorter = streak(t, n=n - 1).mask(ctx)
    assert not (longer & ~shorter).any()


positive_leaf = st.one_of(
    st.builds(holds, st.sampled_from(TITLES)),
    st.builds(lambda t: ever(t), st.sampled_from(TITLES)),
    st.builds(lambda t, n: streak(t, n=n), st.sampled_from(TITLES), st.integers(1, 3)),
    st.builds(
        lambda t, n: consecutive(t, n=n, every=2), st.sampled_from(TITLES), st.integers(1, 2)
    ),
)
positive = st.recursive(
    positive_leaf,
    lambda kids: st.one_of(
        st.builds(lambda a, b: a & b, kids, kids),
        st.builds(lambda a, b: a | b, kids, kids),
        st.builds(lambda a, k: count_in_window(a, at_least=k, window=3), kids, st.integers(1, 2)),
    ),
    max_leaves=4,
)


@given(histories(), positive, st.integers(0, 8), st.data())
def test_revoking_never_makes_anyone_newly_eligible(
    h: History, c: Condition, dp: int, data: st.DataObject
) -> None:
    period = h.first + dp % (h.last - h.first + 1)
    held = [(t, q, u) for t in h.titles for q, u in np.argwhere(h.held_all(t)).tolist()]
    if not held:
        return
    t, q, u = data.draw(st.sampled_from(held))
    after = h.revoke(h.units[u], t, h.first + q, reason="test")
    before_mask = c.mask(Context(period, history=h))
    after_mask = c.mask(Context(period, history=after))
    assert not (after_mask & ~before_mask).any()


@given(histories(), conditions, st.integers(0, 8), st.randoms(use_true_random=False))
def test_permuting_units_permutes_the_verdict(h: History, c: Condition, dp: int, rnd) -> None:  # type: ignore[no-untyped-def]
    period = h.first + dp % (h.last - h.first + 1)
    perm = list(range(h.n_units))
    rnd.shuffle(perm)
    titles = {t: h.granted(t)[:, perm] for t in h.titles}
    facts = {f: h.fact_all(f)[:, perm] for f in h.facts}
    h2 = History(
        [h.units[i] for i in perm],
        (h.first, h.last),
        titles=titles,
        facts=facts,
        ordinals=h.ordinals,
        revocations=h.revocations,
        declared=h.declared,
    )
    a = c.mask(Context(period, history=h))
    b = c.mask(Context(period, history=h2))
    np.testing.assert_array_equal(a[perm], b)


# -- golden: worked examples of the law (docs/sources.md) -------------------------


def individual(years: dict[int, dict[str, object]], unit: str = "X") -> History:
    return History.from_records(
        [{"unit": unit, "period": y, **rec} for y, rec in years.items()],
        ordinals={"rating": RATING},
    )


class TestGoldenTitles:
    def test_cstd_toan_quoc_chain(self) -> None:
        """Worked example 5 [V-old, TT 07/2014]: CSTĐCS 2009-2014 -> CSTĐ tỉnh in 2011 and
        2014 (two non-overlapping 3-year windows) -> CSTĐTQ considered with the 2014 results."""
        years = {
            y: {"titles": ["CSTĐCS"] + (["CSTĐ_BO"] if y in (2011, 2014) else [])}
            for y in range(2009, 2015)
        }
        h = individual(years)
        cstd_bo = streak("CSTĐCS", n=3, fresh_after="CSTĐ_BO")
        got = {y: bool(cstd_bo.mask(Context(y, history=h))[0]) for y in range(2009, 2015)}
        assert got == {2009: False, 2010: False, 2011: True, 2012: False, 2013: False, 2014: True}
        cstd_tq = consecutive("CSTĐ_BO", n=2, every=3)
        assert cstd_tq.mask(Context(2014, history=h)).tolist() == [True]
        assert cstd_tq.mask(Context(2013, history=h)).tolist() == [False]
        # Revoking the 2013 CSTĐCS breaks the second window (revocation cascade input).
        revoked = h.revoke("X", "CSTĐCS", 2013, reason="false dossier")
        assert cstd_bo.mask(Context(2014, history=revoked)).tolist() == [False]

    def test_bk_ttg_individual_mohA_case(self) -> None:
        """Worked example 6 [V facts, Law 06/2022 Art. 73(1)(b)]: BK Bộ 2019, 2021, 2023;
        HTXSNV 2019-2023; CSTĐCS 2019 and 2022; CSTĐ cấp Bộ 2022. Three CSTĐCS are needed
        in the five-year window; only two are there (the ministry's own conclusion was cut
        off in the source: this is the predicates' answer)."""
        years = {
            2019: {"titles": ["BK_BO", "CSTĐCS"], "rating": "HTXSNV"},
            2020: {"titles": [], "rating": "HTXSNV"},
            2021: {"titles": ["BK_BO"], "rating": "HTXSNV"},
            2022: {"titles": ["CSTĐCS", "CSTĐ_BO"], "rating": "HTXSNV"},
            2023: {"titles": ["BK_BO"], "rating": "HTXSNV"},
        }
        h = individual(years)
        bk_ttg = (
            ever("BK_BO")
            & all_in_window(fact("rating") >= "HTTNV", window=5)
            & count_in_window(holds("CSTĐCS"), at_least=3, window=5)
        )
        v = bk_ttg.evaluate(Context(2023, history=h))
        assert v.passed.tolist() == [False]
        assert v.why_not("X").splitlines()[1:] == [
            "  ✗ count_in_window(holds('CSTĐCS'), at_least=3, window=Window(5)): 2 of 5 periods"
        ]
        # Only the window count failed: clause 2 of 3.
        assert v.failure_codes().tolist() == [1 << 2]

    def test_lao_dong_tien_tien_and_cstdcs(self) -> None:
        """Law 06/2022 Art. 24(1) and Art. 23 [V]; TT 01/2024: not assessed with fewer than
        6 months in post."""
        h = History.from_records(
            [
                {"unit": "An", "period": 2024, "rating": "HTXSNV", "months": 12, "initiative": 0},
                {"unit": "Bình", "period": 2024, "rating": "HTTNV", "months": 12, "initiative": 1},
                {"unit": "Chi", "period": 2024, "rating": "HTXSNV", "months": 5, "initiative": 0},
                {"unit": "Dũng", "period": 2024, "rating": "HTNV", "months": 12, "initiative": 1},
            ],
            ordinals={"rating": RATING},
        )
        ldtt = (fact("rating") >= "HTTNV") & ~(fact("months") < 6)
        ctx = Context(2024, history=h)
        assert ldtt.evaluate(ctx).eligible == ("An", "Bình")
        with_ldtt = History.concat(
            History.from_records([{"unit": "An", "period": 2023}], periods=(2023, 2023)), h
        )
        assert with_ldtt.first == 2023
        # CSTĐCS: the title this year plus HTXSNV or a recognised initiative.
        cstdcs_rule = ldtt & ((fact("rating") == "HTXSNV") | (fact("initiative") >= 1))
        assert cstdcs_rule.evaluate(ctx).eligible == ("An", "Bình")
        assert "months" in cstdcs_rule.evaluate(ctx).why_not("Chi")


class TestGoldenCollectives:
    @staticmethod
    def unit_of(size: int, ldtt: int, cstdcs: int, rating: str = "HTTNV") -> History:
        people = [
            {
                "unit": f"p{i}",
                "period": 2024,
                "member_of": "Team",
                "titles": (["LĐTT"] if i < ldtt else []) + (["CSTĐCS"] if i < cstdcs else []),
                "rating": rating,
            }
            for i in range(size)
        ]
        return History.from_records(
            people,
            ordinals={"rating": RATING},
            member_of="member_of",
            collectives=[{"unit": "Team", "period": 2024, "rating": "HTXSNV"}],
            declared=["LĐTT", "CSTĐCS"],  # a team may have no holder of either
        )

    TTLDXS = (
        (fact("rating") == "HTXSNV")
        & (members(fact("rating") >= "HTNV").share() == 1)
        & (members(holds("LĐTT")).share() >= 0.7)
        & (members(holds("CSTĐCS")).count() >= 1)
    )

    def test_ttldxs_membership_boundary(self) -> None:
        """Worked example 2 [I from V rule, Law 06/2022 Art. 27(1)]: a collective of 23 needs
        ceil(0.70 x 23) = 17 LĐTT; 16 (69.6 %) fails."""
        ctx16 = Context(2024, history=self.unit_of(23, 16, 1), level="collectives")
        ctx17 = Context(2024, history=self.unit_of(23, 17, 1), level="collectives")
        assert self.TTLDXS.mask(ctx17).tolist() == [True]
        v = self.TTLDXS.evaluate(ctx16)
        assert v.passed.tolist() == [False]
        assert "members(holds('LĐTT')).share() >= 0.7: 16 of 23 members" in v.why_not("Team")

    def test_ttldtt_strictly_more_than_half(self) -> None:
        """Worked example 3 [V-old rule]: 10 members need at least 6 LĐTT (> 50 %, strict)."""
        rule = (members(holds("LĐTT")).share() > 0.5) & no_member(fact("discipline") >= 2)
        for ldtt, expected in ((5, False), (6, True)):
            h = self.unit_of(10, ldtt, 0)
            assert rule.mask(
                Context(2024, history=_with_discipline(h, 0), level="collectives")
            ).tolist() == [expected]
        h = _with_discipline(self.unit_of(10, 6, 0), 2)
        assert rule.mask(Context(2024, history=h, level="collectives")).tolist() == [False]

    def test_no_cstdcs_member(self) -> None:
        v = self.TTLDXS.evaluate(Context(2024, history=self.unit_of(5, 5, 0), level="collectives"))
        assert "count() >= 1: 0" in v.why_not("Team")


def _with_discipline(h: History, level: int) -> History:
    facts = {f: h.fact_all(f) for f in h.facts}
    facts["discipline"] = np.zeros(h.fact_all("rating").shape)
    facts["discipline"][0, 0] = level
    return History(
        h.units,
        (h.first, h.last),
        titles={t: h.granted(t) for t in h.titles},
        facts=facts,
        ordinals=h.ordinals,
        member_of=h.member_of,
        collectives=h.collectives,
    )


# -- context, table conditions, errors --------------------------------------------------


class TestTableConditions:
    T = ScoreTable(
        {
            "unit": ["A", "B", "C"],
            "x": [0.5, 0.9, np.nan],
            "yes": [9, 8, 10],
            "council": [10, 10, 10],
        }
    )

    def test_column_compare_and_missing(self) -> None:
        v = (column("x") > 0.5).evaluate(Context(2024, table=self.T))
        assert v.passed.tolist() == [False, True, False]
        assert v.explain("C").endswith("missing")

    def test_score_and_rank(self) -> None:
        t = self.T.with_columns(x=[0.5, 0.9, 0.1])
        s = Scorecard([Criterion("x", 10, scale=Linear(0, 1))]).score(t)
        st_ = Ranking(desc("total")).rank(s)
        ctx = Context(2024, scores=s, standing=st_)
        assert (score() >= 5).mask(ctx).tolist() == [True, True, False]
        assert (rank() <= 2).mask(ctx).tolist() == [True, True, False]

    def test_vote_share_is_exact(self) -> None:
        rule = vote_share("yes", of="council") >= 0.9
        assert rule.mask(Context(2024, table=self.T)).tolist() == [True, False, True]
        bad = self.T.with_columns(yes=[11, 8, 10])
        with pytest.raises(DataError, match="votes must be whole numbers"):
            rule.mask(Context(2024, table=bad))

    def test_table_aligned_with_history_by_id(self) -> None:
        h = History.from_records([{"unit": u, "period": 2024} for u in ("C", "A", "B")])
        ctx = Context(2024, history=h, table=self.T)
        assert (column("yes") >= 9).mask(ctx).tolist() == [True, True, False]


class TestErrors:
    def test_bool_use_is_refused(self) -> None:
        with pytest.raises(TypeError, match="combine conditions with &"):
            bool(holds("A"))
        with pytest.raises(RuleTypeError, match="combine conditions with &"):
            _ = holds("A") and holds("B")

    def test_empty_and_wrong_combinators(self) -> None:
        with pytest.raises(RuleError, match="at least one condition"):
            all_of()
        with pytest.raises(RuleTypeError, match="takes conditions"):
            any_of(holds("A"), "B")  # type: ignore[arg-type]

    def test_flattening_and_reprs(self) -> None:
        c = (holds("A") & holds("B")) & (holds("C") | ~holds("A"))
        assert repr(c) == "holds('A') & holds('B') & (holds('C') | ~holds('A'))"
        assert all_of(c) == c
        assert all_of(holds("A")) == holds("A")
        assert not_(~holds("A")) == ~~holds("A") == holds("A")

    def test_unknown_fact_and_title(self) -> None:
        h = History.from_records([{"unit": "A", "period": 2024, "months": 3}])
        with pytest.raises(UnknownNameError, match="did you mean 'months'"):
            (fact("month") >= 6).mask(Context(2024, history=h))
        # A title the history does not know is an error, not "nobody holds it"...
        with pytest.raises(UnknownNameError, match=r"holds\('HCLĐ3'\).*declare"):
            holds("HCLĐ3").mask(Context(2024, history=h))
        # ...until it is declared: then it is known and held nowhere.
        assert holds("HCLĐ3").mask(Context(2024, history=h.declare("HCLĐ3"))).tolist() == [False]

    def test_ordinal_level_checked(self) -> None:
        h = History.from_records(
            [{"unit": "A", "period": 2024, "rating": "HTNV"}], ordinals={"rating": RATING}
        )
        with pytest.raises(UnknownNameError, match="did you mean 'HTXSNV'"):
            (fact("rating") >= "HTXSN").mask(Context(2024, history=h))
        with pytest.raises(RuleError, match="not an ordinal fact"):
            (fact("months") >= "HTNV").mask(
                Context(
                    2024, history=History.from_records([{"unit": "A", "period": 2024, "months": 3}])
                )
            )

    def test_context_needs(self) -> None:
        with pytest.raises(DataError, match="needs a history"):
            holds("A").mask(Context(2024, table=ScoreTable({"unit": ["A"]})))
        with pytest.raises(DataError, match="needs a table"):
            (column("x") > 1).mask(
                Context(2024, history=History.from_records([{"unit": "A", "period": 2024}]))
            )
        with pytest.raises(DataError, match="level='collectives' needs"):
            Context(
                2024,
                history=History.from_records([{"unit": "A", "period": 2024}]),
                level="collectives",
            )
        with pytest.raises(DataError, match="level='collectives'"):
            (members(holds("A")).count() >= 1).mask(
                Context(2024, history=History.from_records([{"unit": "A", "period": 2024}]))
            )

    @pytest.mark.parametrize(
        ("make", "match"),
        [
            (lambda: streak("A", n=0), "streak n must be a whole number >= 1"),
            (lambda: streak(n=2), "at least one title"),
            (lambda: consecutive("A", n=2, every=0), "every"),
            (lambda: Window(), "fixed length"),
            (lambda: Window(3, since="A"), "fixed length"),
            (lambda: count_in_window(holds("A"), at_least=0, window=3), "at_least"),
            (lambda: count_in_window("A", at_least=1, window=3), "takes a condition"),
            (lambda: members(holds("A")).share() >= 1.5, r"in \[0, 1\]"),
            (lambda: fact("x") >= float("nan"), "finite"),
            (lambda: fact("x").between(1, 2, closed="open"), "closed must be"),
        ],
    )
    def test_construction_errors(self, make, match: str) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises((RuleError, RuleTypeError), match=match):
            make()


class TestHistory:
    def test_records_validation(self) -> None:
        with pytest.raises(DataError) as info:
            History.from_records(
                [
                    {"unit": "A", "period": 2024},
                    {"unit": "A", "period": 2024},
                    {"unit": "B", "period": "2024"},
                    {"period": 2024},
                ]
            )
        text = str(info.value)
        assert "has no 'unit'" in text
        assert "periods are whole numbers" in text

    def test_duplicate_record(self) -> None:
        with pytest.raises(DataError, match="two records for period 2024"):
            History.from_records([{"unit": "A", "period": 2024}, {"unit": "A", "period": 2024}])

    def test_append_never_rewrites(self) -> None:
        h = History.from_records([{"unit": "A", "period": 2023, "titles": ["X"]}])
        h2 = h.append(
            [
                {"unit": "A", "period": 2024, "titles": ["Y"]},
                {"unit": "B", "period": 2024, "titles": ["X"]},
            ]
        )
        assert h2.periods == (2023, 2024)
        assert h2.units == ("A", "B")
        assert h2.held("X", 2023).tolist() == [True, False]
        assert h2.held("Y", 2024).tolist() == [True, False]
        assert h.periods == (2023,)
        with pytest.raises(DataError, match="never rewritten"):
            h2.append([{"unit": "A", "period": 2024}])

    def test_revocation_is_recorded_not_deleted(self) -> None:
        h = History.from_records([{"unit": "A", "period": 2023, "titles": ["X"]}])
        r = h.revoke("A", "X", 2023, reason="fraudulent declaration")
        assert r.granted("X").tolist() == [[True]]
        assert r.held("X", 2023).tolist() == [False]
        assert r.revocations[0].reason == "fraudulent declaration"
        assert h.held("X", 2023).tolist() == [True]
        with pytest.raises(DataError, match="already revoked.*fraudulent declaration"):
            r.revoke("A", "X", 2023, reason="again")
        with pytest.raises(UnknownNameError, match="unknown title 'Y'"):
            h.revoke("A", "Y", 2023, reason="no")
        h2 = History.from_records(
            [{"unit": "A", "period": 2023, "titles": ["X"]}, {"unit": "B", "period": 2023}]
        )
        with pytest.raises(DataError, match="did not hold 'X' for 2023; nothing to revoke"):
            h2.revoke("B", "X", 2023, reason="no")

    def test_unknown_collective(self) -> None:
        with pytest.raises(DataError, match="not a collective of the history"):
            History.from_records(
                [{"unit": "p", "period": 2024, "team": "Nope"}],
                member_of="team",
                collectives=[{"unit": "Team", "period": 2024}],
            )

    def test_level_not_on_scale(self) -> None:
        with pytest.raises(DataError, match="not a level of"):
            History.from_records(
                [{"unit": "A", "period": 2024, "rating": "good"}], ordinals={"rating": RATING}
            )

    def test_nfc_ids(self) -> None:
        import unicodedata

        h = History.from_records([{"unit": unicodedata.normalize("NFD", "Hòa"), "period": 2024}])
        assert h.index("Hòa") == 0


@given(histories(), st.sampled_from(TITLES), st.integers(1, 5), st.integers(0, 8))
def test_windows_since_an_award_equal_reference(h: History, t: str, m: int, dp: int) -> None:
    period = h.first + dp % (h.last - h.first + 1)
    for c in (
        all_in_window(
            holds("A") | (fact("rating") >= "HTNV"), window=Window(since=t, min_length=m)
        ),
        count_in_window(holds("B"), at_least=1, window=Window(since=t, min_length=m)),
        count_in_window(holds("C"), at_least=2, window=Window(since=t)),
    ):
        got = c.mask(Context(period, history=h)).tolist()
        assert got == [R.eligible(c, h, u, period) for u in range(h.n_units)]


def test_window_shorter_than_required_fails_and_says_so() -> None:
    h = individual(
        {2021: {"titles": ["BK_BO"]}, 2022: {"titles": ["CSTĐCS"]}, 2023: {"titles": ["CSTĐCS"]}}
    )
    c = count_in_window(holds("CSTĐCS"), at_least=2, window=Window(since="BK_BO", min_length=5))
    v = c.evaluate(Context(2023, history=h))
    assert v.passed.tolist() == [False]
    assert "2 of 2 periods; the window is shorter than the 5 periods required" in v.why_not("X")


@given(histories(), conditions, st.integers(0, 8))
def test_blame_is_consistent(h: History, c: Condition, dp: int) -> None:
    v = c.evaluate(Context(h.first + dp % (h.last - h.first + 1), history=h))
    blamed = v.blamed_clauses()
    # A unit that passes is never blamed; a unit that fails is blamed for something.
    assert not blamed[:, v.passed].any()
    assert blamed[:, ~v.passed].any(axis=0).all()
    if len(v.clauses) <= 64:
        codes = v.failure_codes()
        assert ((codes != 0) == ~v.passed).all()


def test_blame_under_negation() -> None:
    h = History.from_records(
        [
            {"unit": "A", "period": 2024, "titles": ["X"]},
            {"unit": "B", "period": 2024, "titles": []},
        ],
        declared=["Y"],
    )
    v = (~holds("X") & ~holds("Y")).evaluate(Context(2024, history=h))
    assert v.passed.tolist() == [False, True]
    assert v.failure_codes().tolist() == [1, 0]  # A fails because it holds X
    assert "✗ not holds('X') (it holds)" in v.why_not("A")
