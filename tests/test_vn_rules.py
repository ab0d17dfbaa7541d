"""The Vietnamese pack: golden cases from the research's worked examples, boundaries,
regimes by date, citations.

Each golden test names its source: ``vn-emulation-law.md`` section (c), example k.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import attrs
import pytest

import emulation_rules as er
from emulation_rules import Context, DataError, RuleError, ScoreTable, UnknownNameError, vn
from emulation_rules.vn import cluster

# -- helpers -------------------------------------------------------------------------


def person(
    unit: str, year: int, titles: tuple[str, ...] = (), **facts: object
) -> dict[str, object]:
    rec: dict[str, object] = {
        "unit": unit,
        "period": year,
        "titles": list(titles),
        "rating": "HTTNV",
        "months": 12,
        "initiative": "none",
        "discipline": "none",
    }
    rec.update(facts)
    return rec


def team_history(
    n: int, ldtt: int, *, cstdcs: int = 1, year: int = 2024, rating: str = "HTXSNV", **facts: object
) -> er.History:
    people = [
        person(
            f"cb{i:02}",
            year,
            ("LĐTT",) * (i < ldtt) + ("CSTĐCS",) * (i < cstdcs),
            team="T",
            **facts,
        )
        for i in range(n)
    ]
    teams = [{"unit": "T", "period": year, "rating": rating, "leading": 0}]
    return vn.history(people, collectives=teams, member_of="team")


def passes(regime: vn.Regime, award: str, h: er.History, year: int, unit: str) -> bool:
    a = regime.award(award)
    assert a.condition is not None
    level = a.subject
    v = a.condition.evaluate(Context(year, history=h, level=level))
    return unit in v.eligible


# -- regimes by date --------------------------------------------------------------------


def test_each_achievement_year_gets_its_regime() -> None:
    assert vn.rules(at=2018).name == "2003"
    assert vn.rules(at=2023).name == "2003"
    assert vn.rules(at=2024).name == "2022/98"
    assert vn.rules(at=2026).name == "2022/152"
    assert vn.rules(at=date(2025, 6, 30), by="decision").decree == "Nghị định 98/2023/NĐ-CP"
    assert vn.rules(at=date(2025, 7, 1), by="decision").decree == "Nghị định 152/2025/NĐ-CP"


def test_the_year_of_decree_152_must_say_which_rules_apply() -> None:
    with pytest.raises(DataError, match=r"change inside the assessment period 2025-01-01"):
        vn.rules(at=2025)
    with pytest.warns(er.VersionChangeWarning):
        assert vn.rules(at=2025, on_change="warn").name == "2022/152"
    # Years before Decree 91/2017 are not encoded: refused, not guessed.
    with pytest.raises(DataError, match="no rules"):
        vn.rules(at=2016)
    with pytest.raises(DataError, match="no rules .* in force on 2017-01-01"):
        vn.rules(at=2017)


def test_book_diff_names_what_the_2022_law_changed() -> None:
    book = vn.book()
    lines = book.diff(2023, 2024)
    text = "\n".join(lines)
    assert "grassroots.awards['LĐTT'].condition: " in text
    assert "fact('months') < 10" in text
    assert "fact('months') < 6" in text
    assert "decree: 'Nghị định 91/2017/NĐ-CP' -> 'Nghị định 98/2023/NĐ-CP'" in lines
    assert any(line.startswith("national.awards['HCLĐ3']: added") for line in lines)
    later = book.diff(book.versions[1], book.versions[2])
    assert "decree: 'Nghị định 98/2023/NĐ-CP' -> 'Nghị định 152/2025/NĐ-CP'" in later
    # Decree 152 restates the conditions: no condition changes between 98 and 152.
    assert not any(".condition" in line for line in later)


def test_every_award_cites_its_article() -> None:
    for version in vn.book():
        regime = version.rules
        for scheme in regime.schemes.values():
            for a in scheme.awards:
                assert a.source, a.name
                assert any(
                    k in a.source for k in ("Luật", "Nghị định", "Thông tư", "Bộ", "Đại hội")
                ), a
                assert "[" in a.source, f"{a.name} does not say how sure its source is"
                if a.quota is not None:
                    assert a.quota.source, a.name
                assert a.name in vn.TITLES


def test_titles_have_vietnamese_names_and_glosses() -> None:
    assert vn.title_name("CSTĐCS") == "Chiến sĩ thi đua cơ sở"
    assert vn.title_name("ĐVQT", "en").startswith("determined-to-win")
    with pytest.raises(UnknownNameError, match="did you mean 'LĐTT'"):
        vn.title_name("LDTT")
    with pytest.raises(RuleError):
        vn.title_name("LĐTT", "fr")  # type: ignore[arg-type]


def test_lazy_attribute_and_params_validation() -> None:
    assert er.vn is vn
    with pytest.raises(AttributeError):
        _ = er.nonexistent  # type: ignore[attr-defined]
    with pytest.raises(RuleError, match="quota_rounding"):
        vn.Params(quota_rounding="up")  # type: ignore[arg-type]
    with pytest.raises(RuleError, match="not verified"):
        vn.Params(amendments_2026=True)
    with pytest.raises(er.RuleTypeError, match="council_votes"):
        vn.Params(council_votes=("yes",))  # type: ignore[arg-type]
    with pytest.raises(er.RuleTypeError, match="vn.Params"):
        vn.rules(at=2024, params={"quota_rounding": "ceil"})  # type: ignore[arg-type]


# -- (c)1 bonus amounts ------------------------------------------------------------------


def test_c1_bonus_amounts_and_their_rounding() -> None:
    """vn-emulation-law.md (c) example 1 and table A.4."""
    on = date(2024, 12, 20)  # base 2,340,000
    assert vn.amount("TTLĐTT", on=on, rounding="nearest_10000") == 1_870_000
    assert vn.amount("TTLĐTT", on=on, rounding="up_10000") == 1_880_000
    assert vn.amount("TTLĐTT", on=on) == 1_880_000  # the default reading: "làm tròn số lên"
    assert vn.amount("LĐTT", on=on, rounding="none") == 702_000  # as printed by laodong.vn
    # Decree 91/2017 practice: to the nearest 10,000 (1,192,000 -> 1,190,000; 447,000 -> 450,000).
    assert vn.amount("TTLĐTT", on=date(2021, 12, 20)) == 1_190_000
    assert vn.amount("LĐTT", on=date(2021, 12, 20)) == 450_000
    # The 1,800,000 column of table A.4, decided in the first half of 2024.
    h1 = date(2024, 3, 1)
    expected = {
        "CSTĐTQ": 8_100_000,
        "CSTĐ_BO": 5_400_000,
        "CSTĐCS": 1_800_000,
        "LĐTT": 540_000,
        "TTLĐXS": 2_700_000,
        "TTLĐTT": 1_440_000,
        "CTĐCP": 21_600_000,
        "CTĐ_BO": 14_400_000,
    }
    assert {k: vn.amount(k, on=h1) for k in expected} == expected
    assert vn.amount(vn.rules(at=2024).award("CSTĐCS"), on=on) == 2_340_000


def test_base_salary_boundaries_and_unknown_amounts() -> None:
    assert vn.amount("CSTĐCS", on=date(2024, 6, 30)) == 1_800_000
    assert vn.amount("CSTĐCS", on=date(2024, 7, 1)) == 2_340_000
    assert vn.amount("CSTĐCS", on=date(2023, 6, 30)) == 1_490_000
    assert vn.amount("CSTĐCS", on=date(2023, 7, 1)) == 1_800_000
    with pytest.raises(DataError, match="no value is in force on 2019-06-30"):
        vn.amount("CSTĐCS", on=date(2019, 6, 30))
    with pytest.raises(UnknownNameError, match="no multiplier is on record"):
        vn.amount("BK_TTG", on=date(2024, 12, 20))
    with pytest.raises(er.DataTypeError):
        vn.amount("CSTĐCS", on=2024)  # type: ignore[arg-type]


# -- (c)2 TTLĐXS: 70 % of 23 -------------------------------------------------------------


@pytest.mark.parametrize(("ldtt", "ok"), [(17, True), (16, False)])
def test_c2_excellent_collective_needs_70_percent(ldtt: int, ok: bool) -> None:
    """vn-emulation-law.md (c) example 2: 23 members need ceil(0.7 x 23) = 17 LĐTT."""
    h = team_history(23, ldtt)
    assert passes(vn.rules(at=2024), "TTLĐXS", h, 2024, "T") is ok


@pytest.mark.parametrize(("ldtt", "ok"), [(7, True), (6, False)])
def test_exactly_70_percent_passes(ldtt: int, ok: bool) -> None:
    assert passes(vn.rules(at=2024), "TTLĐXS", team_history(10, ldtt), 2024, "T") is ok


def test_excellent_collective_needs_a_cstdcs_and_everybody_htnv() -> None:
    regime = vn.rules(at=2024)
    assert not passes(regime, "TTLĐXS", team_history(10, 10, cstdcs=0), 2024, "T")
    h = team_history(10, 10, rating="HTTNV")
    assert not passes(regime, "TTLĐXS", h, 2024, "T")


# -- (c)3 TTLĐTT: strictly more than half ----------------------------------------------


@pytest.mark.parametrize(("ldtt", "ok"), [(6, True), (5, False)])
def test_c3_advanced_collective_needs_more_than_half(ldtt: int, ok: bool) -> None:
    """vn-emulation-law.md (c) example 3 [V-old]: 10 members need 6 LĐTT; exactly half fails."""
    h = team_history(10, ldtt, year=2023, rating="HTTNV")
    assert passes(vn.rules(at=2023), "TTLĐTT", h, 2023, "T") is ok


def test_c3_a_member_warned_bars_the_advanced_collective() -> None:
    people = [person(f"p{i}", 2023, ("LĐTT",), team="T") for i in range(10)]
    people[3]["discipline"] = "canh_cao"
    h = vn.history(
        people, collectives=[{"unit": "T", "period": 2023, "rating": "HTTNV"}], member_of="team"
    )
    assert not passes(vn.rules(at=2023), "TTLĐTT", h, 2023, "T")
    people[3]["discipline"] = "khien_trach"  # a reprimand is below "cảnh cáo"
    h = vn.history(
        people, collectives=[{"unit": "T", "period": 2023, "rating": "HTTNV"}], member_of="team"
    )
    assert passes(vn.rules(at=2023), "TTLĐTT", h, 2023, "T")


def test_carry_forward_can_be_turned_off() -> None:
    strict = vn.rules(at=2024, params=vn.Params(carry_forward_unverified=False))
    assert "TTLĐTT" not in strict.awards
    assert "HCLĐ2" not in strict.awards
    assert "TTLĐTT" in vn.rules(at=2024).awards


# -- (c)4 CSTĐCS quota on 33 LĐTT ------------------------------------------------------


def test_c4_cstdcs_quota_rounding_is_a_parameter() -> None:
    """vn-emulation-law.md (c) example 4: 33 x 15 % = 4.95 -> 4 (floor) or 5 (ceil)."""
    quota = vn.rules(at=2023).award("CSTĐCS").quota
    assert quota is not None
    assert quota.limit(33) == 4
    ceil = vn.rules(at=2023, params=vn.Params(quota_rounding="ceil")).award("CSTĐCS").quota
    assert ceil is not None
    assert ceil.limit(33) == 5
    # In an allocation: 33 LĐTT, 8 excellent candidates, points decide.
    people = [person(f"p{i:02}", 2023, rating="HTXSNV" if i < 8 else "HTTNV") for i in range(33)]
    h = vn.history(people)
    table = ScoreTable(
        {"unit": [p["unit"] for p in people], "points": [100 - i for i in range(33)]}
    )
    scheme = vn.rules(at=2023).scheme("grassroots", subject="units")
    alloc = scheme.allocate(Context(2023, history=h, table=table))
    assert alloc.awarded("LĐTT") == tuple(p["unit"] for p in people)
    assert alloc.awarded("CSTĐCS") == ("p00", "p01", "p02", "p03")
    assert (
        "15 % of 33 = 4.95 -> 4 (floor) [Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3 [V-old]]"
        in alloc.why("p05")
    )


def test_no_cstdcs_quota_when_asked() -> None:
    regime = vn.rules(at=2024, params=vn.Params(cstdcs_share=None))
    assert regime.award("CSTĐCS").quota is None


# -- (c)5 the CSTĐ toàn quốc chain ------------------------------------------------------


def test_c5_six_cstdcs_years_give_two_ministry_titles_then_the_national_one() -> None:
    """vn-emulation-law.md (c) example 5 [V-old]: CSTĐCS 2009-2014 -> CSTĐ tỉnh 2011 and
    2014 (non-overlapping three-year windows) -> CSTĐ toàn quốc with the 2014 results."""
    recs = [
        person("Lan", y, ("LĐTT", "CSTĐCS"), rating="HTXSNV", initiative="toan_quoc")
        for y in range(2009, 2015)
    ]
    h = vn.history(recs)
    regime = vn.rules(at=2023)  # the old regime's rules, applied to the years they describe
    ministry = regime.scheme("ministry", subject="units")
    given = []
    for year in range(2009, 2015):
        alloc = ministry.allocate(Context(year, history=h))
        if "Lan" in alloc.awarded("CSTĐ_BO"):
            given.append(year)
        h = alloc.history
    assert given == [2011, 2014]
    national = regime.award("CSTĐTQ")
    assert national.condition is not None
    assert national.condition.evaluate(Context(2014, history=h)).eligible == ("Lan",)
    assert national.condition.evaluate(Context(2013, history=h)).eligible == ()


# -- (c)6 Bằng khen Thủ tướng: only two CSTĐCS ----------------------------------------


def test_c6_prime_ministers_certificate_needs_three_cstdcs() -> None:
    """vn-emulation-law.md (c) example 6 (MoHA Q&A, 2024): BK Bộ 2019, 2021, 2023;
    HTXSNV 2019-2023; CSTĐCS 2019 and 2022; CSTĐ cấp Bộ 2022 -> not eligible."""
    titles = {
        2019: ("BK_BO", "LĐTT", "CSTĐCS"),
        2020: ("LĐTT",),
        2021: ("BK_BO", "LĐTT"),
        2022: ("LĐTT", "CSTĐCS", "CSTĐ_BO"),
        2023: ("BK_BO", "LĐTT"),
    }
    recs = [person("X", y, t, rating="HTXSNV") for y, t in titles.items()]
    bk = vn.rules(at=2024).award("BK_TTG")
    assert bk.condition is not None
    v = bk.condition.evaluate(Context(2023, history=vn.history(recs)))
    assert v.eligible == ()
    assert "count_in_window(holds('CSTĐCS'), at_least=3, window=Window(5)): 2 of 5" in v.why_not(
        "X"
    )
    recs[1]["titles"] = ["LĐTT", "CSTĐCS"]  # a third CSTĐCS in the window makes it
    assert bk.condition.evaluate(Context(2023, history=vn.history(recs))).eligible == ("X",)


# -- (c)7, (c)8 cluster outcomes and hand-overs -----------------------------------------


CUM8_2020 = (
    "Bà Rịa–Vũng Tàu",
    "Bến Tre",
    "Bình Dương",
    "Đồng Nai",
    "Đồng Tháp",
    "Long An",
    "Tây Ninh",
    "Tiền Giang",
)


def _cluster_table(order: tuple[str, ...], members: tuple[str, ...]) -> ScoreTable:
    # Scores are not public: a table whose order is the published outcome.
    good = {u: 9.9 - 0.1 * k for k, u in enumerate(order)}
    return ScoreTable(
        {
            "unit": list(members),
            "clearance_rate": [0.80] * len(members),
            "serious_clearance_rate": [0.95] * len(members),
            "drug_cases": [100] * len(members),
            "corruption_cases": [10] * len(members),
            "movement_score": [good.get(u, 6.0) for u in members],
            "training_pass_rate": [0.9] * len(members),
            "initiatives": [0] * len(members),
            "violations": [0] * len(members),
            "votes": [0] * len(members),
        }
    )


def test_c7_cluster8_2020_one_government_flag_three_ministry_flags() -> None:
    """vn-emulation-law.md (c) example 7: Cụm 8, 2020 -- Gov flag Đồng Nai; MPS flags
    BR-VT, Đồng Tháp, Tây Ninh; leader 2020 BR-VT -> 2021 Đồng Tháp."""
    c8 = cluster.police_cluster(
        8, CUM8_2020, year=2020, leader="Bà Rịa–Vũng Tàu", next_leader="Đồng Tháp"
    )
    order = ("Đồng Nai", "Bà Rịa–Vũng Tàu", "Đồng Tháp", "Tây Ninh")
    season = c8.run(_cluster_table(order, CUM8_2020))
    assert season.flags.awarded("CTĐCP") == ("Đồng Nai",)
    # Half of the 7 other members, rounded down: 3 -- the published count.
    assert set(season.flags.awarded("CTĐ_BCA")) == {"Bà Rịa–Vũng Tàu", "Đồng Tháp", "Tây Ninh"}
    assert season.next_term.leader == "Đồng Tháp"
    # The leader of the year is not the flag's winner.
    assert season.standing.order[0] != "Bà Rịa–Vũng Tàu"


def test_c8_elected_handover_with_deputy() -> None:
    """vn-emulation-law.md (c) example 8, B.3: Cụm 5, 2017 Quảng Bình -> 2018 Quảng Trị,
    deputy Thừa Thiên Huế (elected)."""
    members = ("Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế")
    c5 = cluster.police_cluster(
        5,
        members,
        year=2017,
        leader="Quảng Bình",
        next_leader="Quảng Trị",
        next_deputy="Thừa Thiên Huế",
        handover="elected at the 2017 review",
    )
    term = c5.run(_cluster_table(members, members)).next_term
    assert (term.leader, term.deputy) == ("Quảng Trị", "Thừa Thiên Huế")


# -- (c)9 the Government-flag quota --------------------------------------------------------


def test_c9_government_flag_quota_of_17_leading_collectives() -> None:
    """vn-emulation-law.md (c) example 9 [I]: 17 x 20 % = 3.4 -> 3 (floor)."""
    q = vn.rules(at=2024).award("CTĐCP").quota
    assert q is not None
    assert q.limit(17) == 3
    q = vn.rules(at=2024, params=vn.Params(quota_rounding="ceil")).award("CTĐCP").quota
    assert q is not None
    assert q.limit(17) == 4


def test_government_flag_allocated_among_leading_collectives() -> None:
    colls = [
        {"unit": f"K{i:02}", "period": 2024, "rating": "HTXSNV", "leading": int(i < 17)}
        for i in range(25)
    ]
    h = vn.history([person("p", 2024)], collectives=colls, member_of="team")
    table = ScoreTable({"unit": [c["unit"] for c in colls], "points": list(range(25))})
    scheme = vn.rules(at=2024).scheme("national", subject="collectives")
    alloc = scheme.allocate(Context(2024, history=h, table=table))
    assert alloc.awarded("CTĐCP") == ("K14", "K15", "K16")


# -- boundaries: tenure, the regime change -----------------------------------------------


@pytest.mark.parametrize(
    ("months", "in_2023", "in_2024"),
    [(5, False, False), (6, False, True), (9, False, True), (10, True, True)],
)
def test_tenure_6_vs_10_months(months: int, in_2023: bool, in_2024: bool) -> None:
    """LĐTT: not assessed under 10 months (Decree 91/2017) / 6 months (Circular 01/2024)."""
    for year, ok in ((2023, in_2023), (2024, in_2024)):
        h = vn.history([person("A", year, months=months)])
        assert passes(vn.rules(at=year), "LĐTT", h, year, "A") is ok, (year, months)


def test_reprimand_bars_ldtt_only_in_the_old_regime_unless_asked() -> None:
    for year, ok in ((2023, False), (2024, True)):
        h = vn.history([person("A", year, discipline="khien_trach")])
        assert passes(vn.rules(at=year), "LĐTT", h, year, "A") is ok
    strict = vn.rules(at=2024, params=vn.Params(ldtt_discipline=True))
    assert not passes(
        strict, "LĐTT", vn.history([person("A", 2024, discipline="khien_trach")]), 2024, "A"
    )


def test_excellent_rating_can_stand_in_for_an_initiative_unless_required() -> None:
    h = vn.history([person("A", 2024, ("LĐTT",), rating="HTXSNV")])
    assert passes(vn.rules(at=2024), "CSTĐCS", h, 2024, "A")
    draft = vn.rules(at=2024, params=vn.Params(cstdcs_initiative_required=True))
    assert not passes(draft, "CSTĐCS", h, 2024, "A")


def test_council_vote_is_added_when_columns_are_named() -> None:
    p = vn.Params(council_votes=("yes", "council"))
    regime = vn.rules(at=2024, params=p)
    cond = regime.award("CSTĐ_BO").condition
    assert "vote_share('yes', of='council') >= 0.9" in repr(cond)
    assert "AHLĐ" in regime.awards
    assert "AHLĐ" not in vn.rules(at=2024).awards


def test_window_start_parameter() -> None:
    p = vn.Params(window_start="previous_award")
    assert "Window(since='BK_TTG', min_length=5)" in repr(
        vn.rules(at=2024, params=p).award("BK_TTG").condition
    )


# -- the cluster template ----------------------------------------------------------------


def test_cluster7_2023_reproduces_the_public_facts() -> None:
    f = cluster.CLUSTER7_2023
    c7 = cluster.cluster7_2023()
    table = cluster.cluster7_table()
    assert c7.members == f.members
    assert len(f.members) == 7
    assert int(table["solved_cases"].sum()) == f.solved_cases == 3264
    assert int(table["drug_cases"].sum()) == f.drug_cases == 1252
    assert int(table["corruption_cases"].sum()) == f.corruption_cases == 144
    season = c7.run(table)
    assert season.next_term.leader == "Bình Thuận"  # the hand-over on record
    assert season.next_term.base_leader != "Khánh Hòa"  # the 2023 leader may not lead again
    assert len(season.flags.awarded("CTĐCP")) == 1
    # The published cluster-wide rates meet both targets.
    assert f.clearance_rate >= c7.clearance_target
    assert f.serious_clearance_rate >= c7.serious_target
    assert "Nghị định 91/2017/NĐ-CP" in c7.flags.award("CTĐCP").source  # 2023: the old regime


def test_rate_targets_are_inclusive_at_exactly_75_and_90_percent() -> None:
    c = cluster.police_cluster(1, ("A", "B", "C"), year=2024)
    t = ScoreTable(
        {
            "unit": ["A", "B", "C"],
            "clearance_rate": [0.75, 0.7499, 0.80],
            "serious_clearance_rate": [0.90, 0.95, 0.8999],
        }
    )
    assert c.targets.evaluate(Context(2024, table=t)).eligible == ("A",)
    with pytest.raises(RuleError):
        cluster.police_cluster(0, ("A",), year=2024)
    with pytest.raises(RuleError):
        cluster.police_cluster(1, ("A",), year=2024, clearance_target=75)


def test_quota_source_and_cited_reasons() -> None:
    q = er.Quota(share=0.15, of="LĐTT", source="Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3")
    assert q.describe(33).endswith("[Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3]")
    assert "source=" in repr(q)
    assert attrs.evolve(q, source=None).describe(33) == "15 % of 33 = 4.95 -> 4 (floor)"
    with pytest.raises(er.RuleTypeError):
        er.Quota(3, source=5)  # type: ignore[arg-type]
    assert Fraction(3, 20) == vn.Params().cstdcs_share


def test_every_title_is_in_the_glossary() -> None:
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "glossary.md").read_text(encoding="utf-8")
    for code, (vi, en) in vn.TITLES.items():
        assert f"| `{code}` | {vi} | {en} |" in text, code


def test_vietnamese_wording_covers_every_reason_and_rating() -> None:
    # The wording of reasons lives with the reasons (emulation_rules.reasons), in both
    # languages; the pack adds the names of ratings.
    from emulation_rules.reasons import AWARD_CODES

    for code in AWARD_CODES:
        r = er.Reason(code, values={"award": "LĐTT", "period": 2024})
        assert r.render("vi") != r.render("en")
    assert set(vn.RATING_NAMES) == set(vn.RATING)


@pytest.mark.parametrize(("years", "ok"), [(2, False), (3, True), (4.5, True), (5, False)])
def test_decree_152_long_contribution_branch(years: float, ok: bool) -> None:
    """Decree 152/2025 Art. 21 [V partial]: Director-General 3 to under 5 years."""
    p = vn.Params(long_service_orders=True)
    assert "HCLĐ3_CH" not in vn.rules(at=2026).awards
    assert "HCLĐ3_CH" not in vn.rules(at=2024, params=p).awards
    regime = vn.rules(at=2026, params=p)
    h = vn.history([person("A", 2026, position="tong_cuc_truong", years_in_position=years)])
    assert passes(regime, "HCLĐ3_CH", h, 2026, "A") is ok
    lines = vn.book(p).diff(date(2025, 6, 30), date(2025, 7, 1))
    assert any(line.startswith("national.awards['HCLĐ3_CH']: added") for line in lines)


def test_armed_forces_grassroots_year() -> None:
    """CSTT / ĐVQT (Art. 24(1), 27(2)): the armed forces' variants, CSTĐCS on CSTT."""
    people = [
        person(
            f"cs{i}",
            2024,
            rating="HTXSNV" if i == 0 else "HTTNV",
            team="Đội 1",
            initiative="co_so" if i == 0 else "none",
            months=12 if i < 8 else 3,
        )
        for i in range(10)
    ]
    h = vn.history(
        people,
        collectives=[{"unit": "Đội 1", "period": 2024, "rating": "HTXSNV"}],
        member_of="team",
    )
    table = ScoreTable({"unit": [p["unit"] for p in people], "points": list(range(10, 0, -1))})
    alloc = vn.rules(at=2024).grassroots_armed.allocate(Context(2024, history=h, table=table))
    assert len(alloc.awarded("CSTT")) == 8
    assert alloc.awarded("CSTĐCS") == ("cs0",)  # 15 % of 8 = 1.2 -> 1
    assert alloc.awarded("ĐVQT") == ("Đội 1",)  # 8 of 10 CSTT >= 70 %, one CSTĐCS
    assert alloc.awarded("ĐVTT") == ()  # one achievement, one form


def test_scheme_by_level_and_subject() -> None:
    regime = vn.rules(at=2024)
    units = regime.scheme("grassroots", subject="units")
    assert units.order == ("LĐTT", "CSTĐCS")
    assert regime.scheme("grassroots", subject="collectives").order == ("TTLĐXS", "TTLĐTT")
    assert regime.scheme("ministry") is regime.ministry
    with pytest.raises(UnknownNameError, match="did you mean 'national'"):
        regime.scheme("nationl")
    with pytest.raises(RuleError, match="subject"):
        regime.scheme("national", subject="people")  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match="did you mean 'CSTĐCS'"):
        regime.award("CSTDCS")


def test_pack_all_is_complete() -> None:
    import types

    public = {
        name
        for name, value in vars(vn).items()
        if not name.startswith("_")
        and (not isinstance(value, types.ModuleType) or name == "cluster")
        and name != "annotations"
    }
    assert len(set(vn.__all__)) == len(vn.__all__)
    assert set(vn.__all__) == public - {"amounts", "params", "regimes"}


def test_army_quota_is_a_share_of_total_strength() -> None:
    """Circular 151/2018/TT-BQP [V-old]: CSTĐCS no more than 10 % of total strength."""
    army = vn.rules(at=2023, params=vn.Params(armed_cstdcs_quota="army"))
    q = army.grassroots_armed.award("CSTĐCS").quota
    assert q is not None
    assert q.of == "units"
    assert q.limit(25) == 2
    # The civil scheme keeps the decree's base.
    civil = army.grassroots.award("CSTĐCS").quota
    assert civil is not None
    assert civil.of == "LĐTT"
    people = [person(f"s{i:02}", 2023, rating="HTXSNV") for i in range(25)]
    table = ScoreTable({"unit": [p["unit"] for p in people], "points": list(range(25, 0, -1))})
    alloc = army.scheme("grassroots_armed", subject="units").allocate(
        Context(2023, history=vn.history(people), table=table)
    )
    assert alloc.awarded("CSTĐCS") == ("s00", "s01")
