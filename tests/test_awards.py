"""Awards: exact quotas, schemes, allocation reasons, revocation cascade, amounts."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference as R
from emulation_rules import (
    Context,
    DataError,
    History,
    Lot,
    Ranking,
    RuleError,
    RuleTypeError,
    ScoreTable,
    UnknownNameError,
    column,
    desc,
    fact,
    holds,
    streak,
)
from emulation_rules.awards import (
    REASONS,
    Amount,
    Award,
    AwardScheme,
    Dated,
    Quota,
    cascade,
)

RATING = ["KHTNV", "HTNV", "HTTNV", "HTXSNV"]


class TestQuotaGolden:
    def test_cstdcs_15_percent_of_33(self) -> None:
        """Worked example 4 (vn-emulation-law.md c.4) [V-old rule; I reading]: 33 LĐTT x 15 %
        = 4.95; "no more than" gives 4, a school's published plan shows 5 (rounded up)."""
        assert Quota(share=0.15, of="LĐTT").limit(33) == 4
        assert Quota(share=0.15, of="LĐTT", rounding="ceil").limit(33) == 5
        assert Quota(share=0.15, of="LĐTT", rounding="half_up").limit(33) == 5
        assert Quota(share=0.15).describe(33) == "15 % of 33 = 4.95 -> 4 (floor)"

    def test_government_flag_20_percent_of_17(self) -> None:
        """Worked example 9 [I]: 20 % of 17 leading collectives = 3.4 -> 3 (MoHA 5007/BNV-TĐKT)."""
        assert Quota(share=0.2, of="leading").limit(17) == 3

    def test_exact_where_floats_are_not(self) -> None:
        import math

        assert math.ceil(0.14 * 50) == 8  # the floating-point trap
        assert Quota(share=0.14, rounding="ceil").limit(50) == 7
        assert Quota(share=Fraction(1, 3), rounding="half_even").limit(3) == 1
        assert Quota(share=0.5, rounding="half_even").limit(5) == 2  # 2.5 -> 2
        assert Quota(share=0.5, rounding="half_up").limit(5) == 3

    def test_bounds(self) -> None:
        assert Quota(share=0.1, minimum=1).limit(4) == 1
        assert Quota(share=0.9, maximum=3).limit(10) == 3

    @pytest.mark.parametrize(
        ("make", "match"),
        [
            (lambda: Quota(), "a count"),
            (lambda: Quota(2, share=0.1), "a count"),
            (lambda: Quota(-1), "whole number >= 0"),
            (lambda: Quota(share=1.5), r"\(0, 1\]"),
            (lambda: Quota(share=0), r"\(0, 1\]"),
            (lambda: Quota(share=0.1, rounding="nearest"), "rounding"),
            (lambda: Quota(share=0.1, minimum=3, maximum=2), "below its minimum"),
            (lambda: Quota(share=0.1, ties="random"), "ties"),
            (lambda: Quota(share=0.1, of=3), "of="),
        ],
    )
    def test_errors(self, make, match: str) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises((RuleError, RuleTypeError), match=match):
            make()


class TestAmounts:
    BASE = Dated({date(2023, 7, 1): 1_800_000, date(2024, 7, 1): 2_340_000})

    def test_decree_98_multipliers(self) -> None:
        """Decree 98/2023 Art. 54 multipliers [V]; rounding "làm tròn số lên hàng chục nghìn"
        read as up or as nearest -- the user's choice (vn-emulation-law.md A.4)."""
        d = date(2024, 12, 1)
        assert Amount(0.8, self.BASE, rounding="nearest_10000").on(d) == 1_870_000
        assert Amount(0.8, self.BASE, rounding="up_10000").on(d) == 1_880_000
        assert Amount(0.3, self.BASE).on(d) == 702_000
        assert Amount(12, self.BASE).on(d) == 28_080_000
        assert Amount(4.5, self.BASE).on(date(2024, 1, 1)) == 8_100_000

    def test_decree_91_practice_rounds_to_nearest(self) -> None:
        """Decree 91/2017 Art. 68-69 practice [V-old]: 0.8 x 1,490,000 = 1,192,000 -> 1,190,000;
        0.3 x 1,490,000 = 447,000 -> 450,000."""
        base = Dated({date(2019, 7, 1): 1_490_000})
        assert Amount(0.8, base, rounding="nearest_10000").on(date(2020, 1, 1)) == 1_190_000
        assert Amount(0.3, base, rounding="nearest_10000").on(date(2020, 1, 1)) == 450_000

    def test_no_base_in_force(self) -> None:
        with pytest.raises(DataError, match="no value is in force"):
            self.BASE.at(date(2020, 1, 1))


def people(n: int, rng: np.random.Generator) -> tuple[History, ScoreTable]:
    ids = [f"p{i:03}" for i in range(n)]
    recs = [
        {
            "unit": u,
            "period": 2024,
            "rating": RATING[int(rng.integers(1, 4))],
            "dept": f"D{int(rng.integers(0, 3))}",
        }
        for u in ids
    ]
    h = History.from_records(recs, ordinals={"rating": RATING})
    t = ScoreTable(
        {"unit": ids, "points": rng.integers(70, 80, n), "dept": [r["dept"] for r in recs]}
    )
    return h, t


def year_scheme(ties: object = "include") -> AwardScheme:
    return AwardScheme(
        [
            Award(
                "CSTĐCS",
                fact("rating") == "HTXSNV",
                requires="LĐTT",
                quota=Quota(share=0.15, of="LĐTT", ties=ties),
                ranking=Ranking(desc("points")),
                level=2,
            ),
            Award("LĐTT", fact("rating") >= "HTTNV", level=1),
            Award(
                "BK",
                fact("rating") == "HTXSNV",
                quota=Quota(1, per="dept", ties=ties),
                ranking=Ranking(desc("points")),
                level=3,
            ),
        ],
        exclusive=[("BK", "CSTĐCS")],
    )


class TestScheme:
    def test_dependency_order_then_level(self) -> None:
        assert year_scheme().order == ("BK", "LĐTT", "CSTĐCS")

    def test_cycle_refused(self) -> None:
        with pytest.raises(RuleError, match="cycle"):
            AwardScheme([Award("A", holds("B")), Award("B", requires="A")])

    def test_duplicate_and_unknown_names(self) -> None:
        with pytest.raises(RuleError, match="unique"):
            AwardScheme([Award("A"), Award("A")])
        with pytest.raises(UnknownNameError, match="did you mean 'Flag'"):
            AwardScheme([Award("Flag"), Award("B")], exclusive=[("B", "Flg")])

    def test_allocation_reasons(self) -> None:
        h, t = people(60, np.random.default_rng(3))
        alloc = year_scheme().allocate(Context(2024, history=h, table=t))
        ldtt = alloc.mask("LĐTT")
        cstdcs = alloc.mask("CSTĐCS")
        bk = alloc.mask("BK")
        assert not (cstdcs & ~ldtt).any()  # prerequisite
        assert not (cstdcs & bk).any()  # exclusive
        codes = alloc.reasons("CSTĐCS")
        assert set(np.unique(codes).tolist()) <= set(REASONS)
        limit = Quota(share=0.15).limit(int(ldtt.sum()))
        assert cstdcs.sum() - alloc.exceeded_by("CSTĐCS") <= limit
        # Every unit has words for every award.
        for u in t.units[:5]:
            assert alloc.why(u).count("\n") >= 3
        assert set(alloc.limit("BK")) == {"D0", "D1", "D2"}

    def test_equivalent_titles_satisfy_requires(self) -> None:
        h = History.from_records(
            [
                {"unit": "soldier", "period": 2024, "titles": ["CSTT"], "rating": "HTXSNV"},
                {"unit": "clerk", "period": 2024, "titles": [], "rating": "HTXSNV"},
            ],
            ordinals={"rating": RATING},
        )
        scheme = AwardScheme(
            [Award("CSTĐCS", fact("rating") == "HTXSNV", requires="LĐTT")],
            equivalent=[("LĐTT", "CSTT")],
            declared=["LĐTT"],  # a police history records only CSTT
        )
        alloc = scheme.allocate(Context(2024, history=h))
        assert alloc.awarded("CSTĐCS") == ("soldier",)
        assert "prerequisite missing" in alloc.why("clerk")

    def test_tie_at_cutoff_needs_a_policy(self) -> None:
        t = ScoreTable({"unit": list("ABCD"), "points": [9, 7, 7, 1]})
        award = Award("X", quota=Quota(2), ranking=Ranking(desc("points")))
        with pytest.raises(DataError, match="'B', 'C' are tied at the quota's cut-off"):
            AwardScheme([award]).allocate(Context(2024, table=t))
        for ties, expected in (("include", ("A", "B", "C")), ("exclude", ("A",))):
            a = Award("X", quota=Quota(2, ties=ties), ranking=Ranking(desc("points")))
            assert AwardScheme([a]).allocate(Context(2024, table=t)).awarded("X") == expected
        lot = Award("X", quota=Quota(2, ties=Lot(seed=1)), ranking=Ranking(desc("points")))
        got = AwardScheme([lot]).allocate(Context(2024, table=t))
        assert len(got.awarded("X")) == 2
        assert "A" in got.awarded("X")

    def test_quota_of_a_column_sum(self) -> None:
        """Army rule [V-old]: CSTĐCS no more than 10 % of total strength (a headcount column)."""
        t = ScoreTable({"unit": ["u1", "u2", "u3"], "strength": [12, 9, 9], "points": [3, 2, 1]})
        a = Award(
            "CSTĐCS", quota=Quota(share=0.1, of=column("strength")), ranking=Ranking(desc("points"))
        )
        alloc = AwardScheme([a]).allocate(Context(2024, table=t))
        assert alloc.awarded("CSTĐCS") == ("u1", "u2", "u3")  # 10 % of 30 = 3

    def test_unknown_base_title(self) -> None:
        h = History.from_records([{"unit": "A", "period": 2024, "titles": ["LĐTT"]}])
        a = Award("X", quota=Quota(share=0.5, of="LDTT"))
        with pytest.raises(UnknownNameError, match="did you mean 'LĐTT'"):
            AwardScheme([a]).allocate(Context(2024, history=h))

    def test_ranking_needs_columns_the_table_lacks(self) -> None:
        t = ScoreTable({"unit": ["A", "B"], "points": [1, 2]})
        a = Award("X", quota=Quota(1), ranking=Ranking(desc("pionts")))
        with pytest.raises(UnknownNameError, match="award 'X'.*did you mean 'points'"):
            AwardScheme([a]).allocate(Context(2024, table=t))

    def test_allocation_feeds_the_next_period(self) -> None:
        h, t = people(20, np.random.default_rng(5))
        alloc = year_scheme().allocate(Context(2024, history=h, table=t))
        np.testing.assert_array_equal(alloc.history.held("LĐTT", 2024), alloc.mask("LĐTT"))


class TestCascade:
    def test_revoked_cstdcs_breaks_a_later_cstd_bo(self) -> None:
        """Law 06/2022 ch. VII [V] with the cascade [I]: a CSTĐ cấp bộ built on three
        consecutive CSTĐCS no longer stands when one of them is revoked."""
        recs = [
            {"unit": "X", "period": y, "titles": ["CSTĐCS"] + (["CSTĐ_BO"] if y == 2023 else [])}
            for y in (2021, 2022, 2023)
        ]
        h = History.from_records(recs)
        scheme = AwardScheme(
            [Award("CSTĐ_BO", streak("CSTĐCS", n=3, fresh_after="CSTĐ_BO")), Award("CSTĐCS")]
        )
        revoked = h.revoke("X", "CSTĐCS", 2022, reason="forged dossier")
        found = cascade(h, revoked, scheme)
        assert [(d.unit, d.award, d.period) for d in found] == [("X", "CSTĐ_BO", 2023)]
        assert "1 consecutive" in found[0].why
        assert cascade(h, h, scheme) == []


# -- properties against the pure-Python reference (tests/reference.py) ---------------------------------------


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.booleans(), st.integers(0, 2)), min_size=1, max_size=25
    ),
    st.sampled_from([Fraction(1, 5), Fraction(1, 2), Fraction(3, 10), Fraction(1, 1)]),
    st.sampled_from(["include", "exclude"]),
    st.randoms(use_true_random=False),
)
def test_allocation_equals_reference(rows, share, ties, rnd) -> None:  # type: ignore[no-untyped-def]
    points = [r[0] for r in rows]
    eligible = [r[1] for r in rows]
    groups = [r[2] for r in rows]
    units = [f"u{i}" for i in range(len(rows))]
    award = Award(
        "X",
        column("ok") >= 1,
        quota=Quota(share=share, of="eligible", per="g", ties=ties),
        ranking=Ranking(desc("points")),
    )
    t = ScoreTable(
        {
            "unit": units,
            "points": points,
            "ok": [int(e) for e in eligible],
            "g": [f"G{g}" for g in groups],
        }
    )
    alloc = AwardScheme([award]).allocate(Context(2024, table=t))
    want = R.quota_choice(points, eligible, groups, share, ties)
    assert set(np.flatnonzero(alloc.mask("X")).tolist()) == want
    winners = alloc.mask("X")
    assert not (winners & ~np.array(eligible)).any()  # winners are eligible
    # Strict quotas are never exceeded; include exceeds only by tied units.
    for g in set(groups):
        in_g = np.array(groups) == g
        k = (share * int((in_g & np.array(eligible)).sum())).__floor__()
        extra = int(((alloc.reasons("X") == 6) & in_g).sum())
        assert int((winners & in_g).sum()) - extra <= k
        if ties == "exclude":
            assert extra == 0
    # Permuting the units permutes nothing in the result.
    perm = list(range(len(rows)))
    rnd.shuffle(perm)
    t2 = ScoreTable({c: [t[c][i] for i in perm] for c in t.columns}, units=[units[i] for i in perm])
    alloc2 = AwardScheme([award]).allocate(Context(2024, table=t2))
    assert set(alloc2.awarded("X")) == set(alloc.awarded("X"))
    # Removing an ineligible unit changes nothing else.
    out = [i for i in range(len(rows)) if not eligible[i]]
    if out:
        keep = [i for i in range(len(rows)) if i != out[0]]
        t3 = ScoreTable(
            {c: [t[c][i] for i in keep] for c in t.columns}, units=[units[i] for i in keep]
        )
        alloc3 = AwardScheme([award]).allocate(Context(2024, table=t3))
        assert set(alloc3.awarded("X")) == set(alloc.awarded("X"))


@settings(max_examples=40)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.booleans(), st.booleans()), min_size=1, max_size=20),
    st.integers(0, 3),
    st.integers(0, 3),
)
def test_exclusions_are_never_violated(rows, k_high, k_low) -> None:  # type: ignore[no-untyped-def]
    units = [f"u{i}" for i in range(len(rows))]
    t = ScoreTable(
        {
            "unit": units,
            "points": [r[0] for r in rows],
            "a": [int(r[1]) for r in rows],
            "b": [int(r[2]) for r in rows],
        }
    )
    scheme = AwardScheme(
        [
            Award(
                "Low",
                column("b") >= 1,
                quota=Quota(k_low, ties="include"),
                ranking=Ranking(desc("points")),
                level=1,
            ),
            Award(
                "High",
                column("a") >= 1,
                quota=Quota(k_high, ties="exclude"),
                ranking=Ranking(desc("points")),
                level=2,
            ),
        ],
        exclusive=[("High", "Low")],
    )
    alloc = scheme.allocate(Context(2024, table=t))
    assert not (alloc.mask("High") & alloc.mask("Low")).any()
    assert scheme.order == ("High", "Low")  # the higher level is decided first
    # Strict: the exclude policy never exceeds its quota.
    assert int(alloc.mask("High").sum()) <= k_high
