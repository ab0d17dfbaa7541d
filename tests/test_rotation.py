"""Leader rotation: policies, membership changes, overrides, base vs effective, public records.

Golden data come from the public record only (``docs/sources.md``, which cites them; three further
public reports are cited where they are used). Facts marked [I] are inferred there, not read.
Recorded hand-overs that no rule produced by itself are expressed as overrides: the tests
check that the base holder, the effective holder and the reason are reported, never that a
configuration reproduces its own input.
"""

from __future__ import annotations

import itertools

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import (
    DataError,
    DataTypeError,
    History,
    Lot,
    Ranking,
    RuleError,
    RuleTypeError,
    ScoreTable,
    Standing,
    UnknownNameError,
    desc,
    holds,
)
from emulation_rules.examples import cluster7
from emulation_rules.rotation import (
    BestRanked,
    ClusterId,
    Elected,
    FixedCycle,
    Handover,
    Join,
    Leave,
    Merge,
    Override,
    Rename,
    Rotation,
    Schedule,
)

MPS = ClusterId("Bộ Công an", 7)
UNITS = [f"u{i}" for i in range(9)]


def leaders(s: Schedule) -> list[str]:
    return [t.leader for t in s]


# -- public record ------------------------------------------------------------------------

# Cụm thi đua số 7 - Bộ Công an, 2023: members as the news report of 2023-11-23 lists them
# (source named there: bocongan.gov.vn); leader in 2023 Khánh Hòa; at the 2023 year-end review
# (held 2023-11-21 in Khánh Hòa) the role for 2024 was handed to Bình Thuận.
CUM7_2023 = (
    "Quảng Nam",
    "Quảng Ngãi",
    "Bình Định",
    "Phú Yên",
    "Khánh Hòa",
    "Ninh Thuận",
    "Bình Thuận",
)
HANDOVER_2023 = "handed over at the 2023 year-end review (Khánh Hòa, 2023-11-21)"
# 2024 re-forming: Cụm 7 = Quảng Trị, Thừa Thiên Huế, Quảng Nam, Quảng Ngãi, Bình Định; Quảng Trị
# "được Bộ Công an phân công" (assigned by the ministry) as leader, Thừa Thiên Huế deputy.
# https://cadn.com.vn/print/cong-an-5-tinh-cum-thi-dua-so-7-ky-ket-giao-uoc-thi-dua-vi-an-ninh-to-quoc-post293214.html
# https://baoquangnam.vn/cong-an-quang-nam-va-cac-tinh-ky-giao-uoc-thi-dua-vi-an-ninh-to-quoc-3132469.html
CUM7_2024 = ("Quảng Trị", "Thừa Thiên Huế", "Quảng Nam", "Quảng Ngãi", "Bình Định")
ASSIGNED = "assigned by the Ministry of Public Security"
# Cụm 8 in 2024 (https://plo.vn/cum-thi-dua-so-8-bo-cong-an-triet-pha-nhieu-chuyen-an-lon-post821510.html);
# its 2024 review was held at Bình Thuận police headquarters, consistent with Bình Thuận leading
# it in 2024 [I].
CUM8_2024 = ("Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Bà Rịa–Vũng Tàu")
MERGED = "2025-07-01"  # Resolution 60-NQ/TW list, enacted by the National Assembly


def cum7_reformed(*, merged_from: int = 2025, extra: tuple[Override, ...] = ()) -> Rotation:
    """Ministry cluster 7 from 2023, through the 2024 re-forming and the 2025 changes.

    The cycle order (the 2023 listing, newcomers last) is an assumption: no rotation order is
    on record [U]; the recorded 2024 leaders are an override.
    """
    return Rotation(
        CUM7_2023,
        FixedCycle(2023, "Khánh Hòa"),
        since=2023,
        cluster=MPS,
        changes=[
            *(Leave(u, 2024) for u in ("Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận")),
            Join("Quảng Trị", 2024, goes="last"),
            Join("Thừa Thiên Huế", 2024, goes="last"),
            # Thừa Thiên Huế became Huế city from 2025-01-01 (Resolution 175/2024/QH15):
            # https://ngoisao.vn/theo-dong-su-kien/kien-thuc/viet-nam-lan-dau-tien-co-2-thanh-pho-truc-thuoc-trung-uong-lien-ke-nhau-do-la-449752.htm
            Rename("Thừa Thiên Huế", "Huế", date="2025-01-01"),
            Merge(["Quảng Nam"], "Đà Nẵng", merged_from, date=MERGED),  # [V]
            Merge(
                ["Quảng Ngãi"], "Quảng Ngãi", merged_from, date=MERGED, partners=["Kon Tum"]
            ),  # [I]
            Merge(["Bình Định"], "Gia Lai", merged_from, date=MERGED),  # [I]
            # Quảng Bình + Quảng Trị -> Quảng Trị (Resolution 60-NQ/TW):
            # https://beta.baoquangbinh.vn/chinh-tri/202505/dat-quang-binh-nghia-tinh-quang-tri-bai-1-nghia-nang-tinh-sau-2226576
            Merge(["Quảng Trị"], "Quảng Trị", merged_from, date=MERGED, partners=["Quảng Bình"]),
        ],
        overrides=[
            Override(2024, leader="Quảng Trị", deputy="Thừa Thiên Huế", reason=ASSIGNED),
            *extra,
        ],
    )


def cum8(*, cooldown: int = 2) -> Rotation:
    """Ministry cluster 8 from its 2024 re-forming through the 2025 mergers (no deputy on record)."""
    return Rotation(
        CUM8_2024,
        FixedCycle(2024, "Phú Yên"),  # assumed order: the listing; nothing is on record [U]
        since=2024,
        deputy=False,
        cooldown=cooldown,
        cluster=ClusterId("Bộ Công an", 8),
        led_before={"Khánh Hòa": [2023]},  # led cluster 7, the predecessor, in 2023
        changes=[
            Merge(["Khánh Hòa", "Ninh Thuận"], "Khánh Hòa", 2025, date=MERGED),  # [V]
            Merge(["Bình Thuận"], "Lâm Đồng", 2025, date=MERGED, partners=["Đắk Nông"]),  # [V]
            Merge(["Phú Yên"], "Đắk Lắk", 2025, date=MERGED),  # [I]
            # Bà Rịa - Vũng Tàu + Bình Dương + TP Hồ Chí Minh -> TP Hồ Chí Minh (Resolution 60):
            # https://news.laodong.vn/kinh-doanh/quy-mo-kinh-te-tphcm-binh-duong-ba-ria-vung-tau-sap-ve-chung-mot-nha-1493087.ldo
            Merge(
                ["Bà Rịa–Vũng Tàu"], "TP Hồ Chí Minh", 2025, date=MERGED, partners=["Bình Dương"]
            ),
        ],
        overrides=[Override(2024, leader="Bình Thuận", reason=HANDOVER_2023 + " [I]")],
    )


class TestPublicRecord:
    def test_cum7_2023_handover_is_an_election_reported_against_the_policy(self) -> None:
        # The policy here is an illustrative standing (unit scores are not public) with a
        # cooldown of one year; the hand-over to Bình Thuận was decided at the review.
        standing = cluster7.ranking().rank(cluster7.scorecard().score(cluster7.table()))
        rot = Rotation(
            CUM7_2023,
            BestRanked(),
            since=2024,
            cooldown=1,
            led_before={"Khánh Hòa": [2023]},
            overrides=[Override(2024, leader="Bình Thuận", reason=HANDOVER_2023)],
        )
        t = rot.term(2024, standings={2024: standing})
        assert (t.base_leader, t.leader) == ("Bình Định", "Bình Thuận")
        assert t.base_skipped == (("Khánh Hòa", "led in 2023, cooldown 1"),)
        assert t.reasons[0] == (
            f"leader Bình Thuận instead of Bình Định: override ({HANDOVER_2023})"
        )
        assert t.deputy != t.leader

    def test_membership_per_year_as_recorded(self) -> None:
        rot = cum7_reformed()
        assert set(rot.members_at(2023)) == set(CUM7_2023)
        assert set(rot.members_at(2024)) == set(CUM7_2024)
        assert set(rot.members_at(2025)) == {"Quảng Trị", "Huế", "Đà Nẵng", "Quảng Ngãi", "Gia Lai"}
        assert set(cum8().members_at(2024)) == set(CUM8_2024)
        assert set(cum8().members_at(2025)) == {
            "Khánh Hòa",
            "Lâm Đồng",
            "Đắk Lắk",
            "TP Hồ Chí Minh",
        }

    def test_ministry_assignment_of_2024_is_an_override_with_its_reason(self) -> None:
        s = cum7_reformed().schedule(2023, 2025)
        t = s[2024]
        assert (t.leader, t.deputy) == ("Quảng Trị", "Thừa Thiên Huế")
        assert (t.base_leader, t.base_deputy) == ("Quảng Nam", "Quảng Ngãi")
        assert t.reasons == (
            f"leader Quảng Trị instead of Quảng Nam: override ({ASSIGNED})",
            f"deputy Thừa Thiên Huế instead of Quảng Ngãi: override ({ASSIGNED})",
        )
        assert s[2023].leader == s[2023].base_leader == "Khánh Hòa"
        # A pure cycle: the override changes its own period only.
        assert not s[2025].differs

    def test_the_2023_election_cannot_stand_in_the_reformed_cluster_7(self) -> None:
        with pytest.raises(
            RuleError, match=r"'Bình Thuận' is not a member in 2024 \(it left in 2024\)"
        ):
            cum7_reformed(extra=(Override(2024, leader="Bình Thuận", reason=HANDOVER_2023),))

    def test_two_recorded_decisions_for_one_period_conflict(self) -> None:
        with pytest.raises(RuleError, match="conflicting overrides for the leader of 2024"):
            cum7_reformed(extra=(Override(2024, leader="Quảng Nam", reason="elected"),))

    def test_mergers_of_2025_carry_the_absorbed_records(self) -> None:
        s = cum8().schedule(2024, 2026)
        lam_dong = s.record("Lâm Đồng")
        assert (lam_dong.times_led, lam_dong.last_led) == (1, 2024)
        assert lam_dong.led == ((2024, "Bình Thuận"),)
        assert lam_dong.absorbed == ("Bình Thuận",)
        assert s.record("Bình Thuận") is lam_dong
        khanh_hoa = s.record("Khánh Hòa")
        assert khanh_hoa.absorbed == ("Ninh Thuận",)
        assert (2023, "Khánh Hòa") in khanh_hoa.led
        assert s.record("Phú Yên").unit == "Đắk Lắk"
        total = sum(r.times_led for r in s.records.values())
        assert total == len(s) + 1  # every period led, plus 2023 recorded before

    def test_an_inherited_record_counts_for_the_cooldown(self) -> None:
        # Lâm Đồng never led, but Bình Thuận, which it absorbed, led in 2024.
        s = cum8(cooldown=2).schedule(2024, 2026)
        t = s[2025]
        assert t.base_leader == "Lâm Đồng"
        assert t.leader == "TP Hồ Chí Minh"
        assert ("Lâm Đồng", "led in 2024 as Bình Thuận, cooldown 2") in t.skipped
        assert ("Khánh Hòa", "led in 2023, cooldown 2") in t.skipped
        assert "because of the override of 2024" in t.reasons[0]

    def test_mid_year_merger_counts_from_its_period_unless_told_otherwise(self) -> None:
        assert Merge(["Bình Thuận"], "Lâm Đồng", date=MERGED).period == 2025
        later = cum7_reformed(merged_from=2026)
        assert "Quảng Nam" in later.members_at(2025)
        assert "Đà Nẵng" in later.members_at(2026)
        with pytest.raises(RuleError, match="cannot count from period 2027"):
            Merge(["Bình Thuận"], "Lâm Đồng", 2027, date=MERGED)
        # A change dated at the start of a period counts from that period only.
        assert Rename("Thừa Thiên Huế", "Huế", date="2025-01-01").period == 2025
        with pytest.raises(RuleError, match="from period 2025$"):
            Rename("Thừa Thiên Huế", "Huế", 2026, date="2025-01-01")

    def test_cum5_2017_election_with_a_deputy(self) -> None:
        # Cụm 5 (Thanh Hóa ... Thừa Thiên Huế, 6 provinces; the list is [I] from geography),
        # leader 2017 Quảng Bình; the review elected Quảng Trị for 2018, Thừa Thiên Huế deputy.
        # http://cand.com.vn/Hoat-dong-LL-CAND/Cum-thi-dua-so-5-Bo-Cong-an-tong-ket-phong-trao-thi-dua-Vi-ANTQ-nam-2017-465497/
        rot = Rotation(
            ["Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế"],
            FixedCycle(2017, "Quảng Bình"),
            since=2017,
            overrides=[
                Override(
                    2018,
                    leader="Quảng Trị",
                    deputy="Thừa Thiên Huế",
                    reason="elected at the 2017 year-end review",
                )
            ],
        )
        t = rot.schedule(2017, 2018)[2018]
        assert (t.base_leader, t.base_deputy) == ("Quảng Trị", "Thừa Thiên Huế")
        # The cycle in the listed order happens to agree: nothing to explain.
        assert (t.leader, t.deputy, t.reasons) == ("Quảng Trị", "Thừa Thiên Huế", ())
        assert t.how == "override (elected at the 2017 year-end review)"


# -- policies -----------------------------------------------------------------------------


class TestFixedCycle:
    def test_turns_from_the_anchor_wrap_round(self) -> None:
        rot = Rotation(["A", "B", "C"], FixedCycle(2020, "B"), since=2020)
        s = rot.schedule(2020, 2025)
        assert leaders(s) == ["B", "C", "A", "B", "C", "A"]
        assert [t.deputy for t in s] == ["C", "A", "B", "C", "A", "B"]
        assert s[2020].how == "anchor of the cycle"

    def test_anchor_before_or_after_the_start(self) -> None:
        before = Rotation(["A", "B", "C"], FixedCycle(2018, "A"), since=2020)
        assert leaders(before.schedule(2020, 2022)) == ["C", "A", "B"]
        after = Rotation(["A", "B", "C"], FixedCycle(2022, "A"), since=2020)
        assert leaders(after.schedule(2020, 2022)) == ["B", "C", "A"]

    def test_anchor_after_a_membership_change_is_refused(self) -> None:
        with pytest.raises(RuleError, match="anchored after the membership changes of 2021"):
            Rotation(["A", "B"], FixedCycle(2022, "A"), since=2020, changes=[Leave("B", 2021)])

    def test_skipped_member_loses_its_turn(self) -> None:
        h = History.from_records(
            [
                {"unit": u, "period": p, "titles": ["kỷ luật"] if (u, p) == ("B", 2021) else []}
                for u in "ABC"
                for p in range(2020, 2024)
            ]
        )
        rot = Rotation(
            ["A", "B", "C"], FixedCycle(2020, "A"), since=2020, eligible=~holds("kỷ luật")
        )
        s = rot.schedule(2020, 2023, history=h)
        assert leaders(s) == ["A", "C", "A", "B"]
        assert s[2021].skipped == (("B", "not eligible: not holds('kỷ luật') (it holds)"),)
        assert s[2021].deputy == "A"  # B may not deputise either

    def test_a_single_member_leads_every_period_without_deputy(self) -> None:
        s = Rotation(["A"], FixedCycle(2020, "A"), since=2020).schedule(2020, 2021)
        assert leaders(s) == ["A", "A"]
        assert s[2020].deputy is None
        assert "no other member may deputise" in s[2020].explain()


class TestBestRanked:
    def standing(self, points: dict[str, int], *, lot: bool = True) -> Standing:
        t = ScoreTable({"unit": list(points), "x": list(points.values())})
        steps = (desc("x"), Lot(seed="t")) if lot else (desc("x"),)
        return Ranking(*steps).rank(t)

    def test_best_not_in_cooldown_leads_and_the_next_deputises(self) -> None:
        rot = Rotation(
            ["A", "B", "C"], BestRanked(), since=2024, cooldown=1, led_before={"A": 2023}
        )
        t = rot.term(2024, standings={2024: self.standing({"A": 9, "B": 7, "C": 5})})
        assert (t.leader, t.deputy) == ("B", "A")  # the cooldown bars leading, not deputising
        assert t.how == "rank 2 of the standing used for 2024"
        assert t.skipped == (("A", "led in 2023, cooldown 1"),)

    def test_a_tie_that_decides_the_lead_is_an_error(self) -> None:
        rot = Rotation(["A", "B", "C"], BestRanked(), since=2024)
        tied = self.standing({"A": 9, "B": 9, "C": 5}, lot=False)
        with pytest.raises(DataError, match=r"'A', 'B' are tied for the lead in 2024 .* Lot"):
            rot.term(2024, standings={2024: tied})
        # ... and is not, when a cooldown already settled it.
        rot = Rotation(
            ["A", "B", "C"], BestRanked(), since=2024, cooldown=1, led_before={"A": 2023}
        )
        assert rot.term(2024, standings={2024: tied}).leader == "B"

    def test_missing_standing_is_an_error_unless_an_override_decides(self) -> None:
        rot = Rotation(["A", "B"], BestRanked(), since=2024, deputy=False)
        with pytest.raises(DataError, match="no standing given for 2025"):
            rot.schedule(2024, 2025, standings={2024: self.standing({"A": 1, "B": 2})})
        rot = attrs.evolve(rot, overrides=(Override(2025, leader="A", reason="assigned"),))
        s = rot.schedule(2024, 2025, standings={2024: self.standing({"A": 1, "B": 2})})
        assert s[2025].leader == "A"
        assert s[2025].base_leader is None
        assert "no standing given for 2025" in s[2025].base_how

    def test_standing_must_rank_every_member(self) -> None:
        rot = Rotation(["A", "B", "C"], BestRanked(), since=2024)
        with pytest.raises(DataError, match="does not rank 'C'"):
            rot.term(2024, standings={2024: self.standing({"A": 1, "B": 2})})
        with pytest.raises(DataError, match="BestRanked chooses each period's leader"):
            rot.term(2024)

    def test_units_of_the_standing_that_are_not_members_are_passed_over(self) -> None:
        rot = Rotation(["A", "B"], BestRanked(), since=2024, deputy=False)
        t = rot.term(2024, standings={2024: self.standing({"Z": 9, "A": 1, "B": 2})})
        assert t.leader == "B"
        assert t.skipped == (("Z", "not a member in 2024"),)


class TestElected:
    def test_votes_then_the_chain_break_ties_never_the_listing(self) -> None:
        rot = Rotation(["A", "B", "C"], Elected(Ranking(desc("votes"), Lot(seed=7))), since=2024)
        votes = {2024: {"A": 2, "B": 2, "C": 1}}
        t = rot.term(2024, votes=votes)
        assert {t.leader, t.deputy} == {"A", "B"}
        assert "after a lot" in t.how
        flipped = Rotation(
            ["C", "B", "A"], Elected(Ranking(desc("votes"), Lot(seed=7))), since=2024
        )
        assert flipped.term(2024, votes=votes) == t

    def test_unbroken_tie_fails_clearly(self) -> None:
        rot = Rotation(["A", "B", "C"], Elected(), since=2024)
        with pytest.raises(DataError, match=r"tied for the lead in 2024 \(2 votes"):
            rot.term(2024, votes={2024: {"A": 2, "B": 2}})

    def test_votes_table_carries_other_tie_break_columns(self) -> None:
        rot = Rotation(["A", "B"], Elected(Ranking(desc("votes"), desc("score"))), since=2024)
        table = ScoreTable({"unit": ["A", "B"], "votes": [3, 3], "score": [80.0, 91.5]})
        t = rot.term(2024, votes={2024: table})
        assert (t.leader, t.deputy) == ("B", "A")
        # The votes tied: the explanation says which key of the chain decided.
        assert t.how == (
            "3 votes, rank 1 in the election for 2024; tied with A on desc('votes'), "
            "ahead on desc('score')"
        )

    def test_bad_votes(self) -> None:
        rot = Rotation(["Khánh Hòa", "Bình Thuận"], Elected(), since=2024)
        with pytest.raises(DataError, match="not a member in 2024; did you mean 'Khánh Hòa'"):
            rot.term(2024, votes={2024: {"Khanh Hoa": 2}})
        with pytest.raises(DataError, match="votes are whole numbers >= 0"):
            rot.term(2024, votes={2024: {"Khánh Hòa": -1}})
        with pytest.raises(DataTypeError, match="mapping of member to votes"):
            rot.term(2024, votes={2024: [1, 2]})  # type: ignore[dict-item]


class TestDeputySucceeds:
    def test_deputy_of_last_period_leads(self) -> None:
        rot = Rotation(
            ["A", "B", "C", "D"], FixedCycle(2020, "A"), since=2020, deputy_succeeds=True
        )
        assert leaders(rot.schedule(2020, 2024)) == ["A", "B", "C", "D", "A"]

    def test_an_assigned_deputy_succeeds_and_the_report_says_what_else_moved(self) -> None:
        rot = Rotation(
            ["A", "B", "C", "D"],
            FixedCycle(2020, "A"),
            since=2020,
            deputy_succeeds=True,
            overrides=[Override(2021, deputy="D", reason="assigned")],
        )
        s = rot.schedule(2020, 2024)
        assert leaders(s) == ["A", "B", "D", "A", "B"]
        assert [t.base_leader for t in s] == ["A", "B", "C", "D", "A"]
        assert s[2021].reasons == ("deputy D instead of C: override (assigned)",)
        assert s[2022].how == "deputy in 2021, succeeds"
        for p in (2022, 2023, 2024):
            assert "because of the override of 2021" in s[p].reasons[0]

    def test_deputy_who_may_not_lead_gives_way_to_the_policy(self) -> None:
        rot = Rotation(
            ["A", "B", "C"],
            FixedCycle(2020, "A"),
            since=2020,
            deputy_succeeds=True,
            cooldown=2,
            overrides=[Override(2021, deputy="A", reason="assigned")],
        )
        s = rot.schedule(2020, 2022)
        assert leaders(s) == ["A", "B", "C"]
        assert s[2022].skipped == (
            ("A", "deputy in 2021, cannot succeed: led in 2020, cooldown 2"),
        )

    def test_needs_a_deputy(self) -> None:
        with pytest.raises(RuleError, match="deputy_succeeds=True needs deputy=True"):
            Rotation(["A", "B"], BestRanked(), since=2020, deputy=False, deputy_succeeds=True)


class TestEligibility:
    def test_nobody_eligible_is_an_error_that_says_what_to_do(self) -> None:
        h = History.from_records(
            [{"unit": u, "period": 2020, "titles": []} for u in "AB"]
            + [{"unit": u, "period": 2021, "titles": ["kỷ luật"] if u == "A" else []} for u in "AB"]
        )
        rot = Rotation(
            ["A", "B"], FixedCycle(2020, "B"), since=2020, cooldown=1, eligible=~holds("kỷ luật")
        )
        with pytest.raises(
            DataError,
            match=r"nobody may lead in 2021 \(A: not eligible.*B: led in 2020, cooldown 1\); lower the cooldown .* Override\(2021",
        ):
            rot.schedule(2020, 2021, history=h)
        fixed = attrs.evolve(rot, overrides=(Override(2021, leader="B", reason="assigned"),))
        t = fixed.schedule(2020, 2021, history=h)[2021]
        assert (t.leader, t.base_leader) == ("B", None)
        assert t.base_how.startswith("nobody may lead in 2021")

    def test_needs_the_history_and_every_member_in_it(self) -> None:
        rot = Rotation(["A", "B"], FixedCycle(2020, "A"), since=2020, eligible=~holds("x"))
        with pytest.raises(DataError, match="needs the history"):
            rot.schedule(2020)
        h = History.from_records([{"unit": "A", "period": 2020, "titles": []}], declared=["x"])
        with pytest.raises(DataError, match="the history has no record of 'B'"):
            rot.schedule(2020, history=h)


# -- membership changes -------------------------------------------------------------------


class TestMembership:
    def test_join_next_moves_everyone_else_by_one(self) -> None:
        rot = Rotation(
            ["A", "B", "C"],
            FixedCycle(2020, "A"),
            since=2020,
            changes=[Join("N", 2021, goes="next")],
        )
        s = rot.schedule(2020, 2024)
        assert leaders(s) == ["A", "N", "B", "C", "A"]
        (move,) = s.moves
        shifts = {x.unit: x for x in move.shifts}
        assert {u: x.by for u, x in shifts.items() if u != "N"} == {"A": 1, "B": 1, "C": 1}
        assert (shifts["N"].without, shifts["N"].with_) == (None, 2021)

    def test_join_last_moves_nobody(self) -> None:
        rot = Rotation(
            ["A", "B", "C"],
            FixedCycle(2020, "A"),
            since=2020,
            changes=[Join("N", 2021, goes="last")],
        )
        s = rot.schedule(2020, 2024)
        assert leaders(s) == ["A", "B", "C", "A", "N"]
        (move,) = s.moves
        assert [(x.unit, x.without, x.with_) for x in move.shifts] == [("N", None, 2024)]

    def test_joins_of_one_period_enter_in_the_order_listed(self) -> None:
        rot = Rotation(
            ["A", "B"],
            FixedCycle(2020, "A"),
            since=2020,
            changes=[Join("N1", 2021, goes="next"), Join("N2", 2021, goes="next")],
        )
        assert leaders(rot.schedule(2020, 2023)) == ["A", "N1", "N2", "B"]

    def test_join_in_a_cycle_must_say_where_it_goes(self) -> None:
        with pytest.raises(RuleError, match="goes='next'.*goes='last'"):
            Rotation(["A", "B"], FixedCycle(2020, "A"), since=2020, changes=[Join("N", 2021)])
        Rotation(["A", "B"], BestRanked(), since=2020, changes=[Join("N", 2021)])

    def test_leave_of_the_last_leader_passes_the_turn_on(self) -> None:
        rot = Rotation(
            ["A", "B", "C"], FixedCycle(2020, "A"), since=2020, changes=[Leave("A", 2021)]
        )
        s = rot.schedule(2020, 2023)
        assert leaders(s) == ["A", "B", "C", "B"]
        assert s.record("A").times_led == 1
        assert s.fairness().times_led == {"A": 1, "B": 2, "C": 1}

    def test_merged_unit_keeps_its_place_or_takes_the_earliest_turn(self) -> None:
        keep = Rotation(
            ["A", "B", "C", "D"],
            FixedCycle(2020, "A"),
            since=2020,
            changes=[Merge(["B", "D"], "D", 2021)],
        )
        assert leaders(keep.schedule(2020, 2023)) == ["A", "C", "D", "A"]
        new = attrs.evolve(keep, changes=(Merge(["B", "D"], "X", 2021),))
        assert leaders(new.schedule(2020, 2023)) == ["A", "X", "C", "A"]
        rec = new.schedule(2020, 2023).record("X")
        assert rec.absorbed == ("B", "D")
        assert rec.member == (2020, 2021, 2022, 2023)

    def test_rename_keeps_record_and_place(self) -> None:
        rot = Rotation(
            ["A", "B"], FixedCycle(2020, "A"), since=2020, changes=[Rename("A", "A2", 2021)]
        )
        s = rot.schedule(2020, 2023)
        assert leaders(s) == ["A", "B", "A2", "B"]
        assert s.record("A").unit == "A2"
        assert s.record("A2").led == ((2020, "A"), (2022, "A2"))
        assert s.handovers[0] == Handover(2021, "A", "B")
        assert s.moves[0].shifts == ()

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (Merge(["A", "Z"], "X", 2021), "unknown member 'Z' in 2021.*partners="),
            (Merge(["A", "C"], "X", 2022), r"'C' is not a member in 2022 \(it left in 2021\)"),
            (Join("B", 2021, goes="last"), "'B' is already a member in 2021 .*since 2020"),
            (Leave("C", 2022), r"'C' is not a member in 2022 \(it left in 2021\)"),
            (Rename("A", "B", 2022), "'B' is already a member in 2022; to combine"),
            (Merge(["A"], "X", 2022, partners=["B"]), "partner 'B' is a member"),
            (Join("Bx", 2020, goes="last"), "dated 2020, but the rotation starts in 2020"),
        ],
    )
    def test_invalid_changes(self, change: object, message: str) -> None:
        with pytest.raises((RuleError, UnknownNameError), match=message):
            Rotation(
                ["A", "B", "C"],
                FixedCycle(2020, "A"),
                since=2020,
                changes=[Leave("C", 2021), change],  # type: ignore[list-item]
            )

    def test_retired_ids_are_not_reused(self) -> None:
        with pytest.raises(RuleError, match="'A' was absorbed into 'X' in 2021; that id"):
            Rotation(
                ["A", "B"],
                BestRanked(),
                since=2020,
                changes=[Merge(["A"], "X", 2021), Join("A", 2022)],
            )

    def test_a_cluster_never_empties(self) -> None:
        with pytest.raises(RuleError, match="no members"):
            Rotation(["A"], BestRanked(), since=2020, changes=[Leave("A", 2021)])


class TestConstruction:
    def test_anchor_must_be_a_member_with_a_suggestion(self) -> None:
        with pytest.raises(UnknownNameError, match="did you mean 'Khánh Hòa'"):
            Rotation(CUM7_2023, FixedCycle(2023, "Khanh Hoa"), since=2023)

    def test_override_errors(self) -> None:
        with pytest.raises(RuleError, match="sets nobody"):
            Override(2024, reason="x")
        with pytest.raises(RuleError, match="both leader and deputy"):
            Override(2024, leader="A", deputy="A", reason="x")
        with pytest.raises(RuleError, match="give the reason"):
            Override(2024, leader="A", reason=" ")
        with pytest.raises(RuleError, match="before the rotation starts"):
            Rotation(
                ["A"], BestRanked(), since=2024, overrides=[Override(2023, leader="A", reason="x")]
            )
        with pytest.raises(RuleError, match="names none"):
            Rotation(
                ["A", "B"],
                BestRanked(),
                since=2024,
                deputy=False,
                overrides=[Override(2024, deputy="A", reason="x")],
            )

    def test_overrides_of_different_roles_combine(self) -> None:
        rot = Rotation(
            ["A", "B", "C", "D"],
            FixedCycle(2020, "A"),
            since=2020,
            overrides=[
                Override(2020, leader="C", reason="assigned"),
                Override(2020, deputy="D", reason="elected"),
            ],
        )
        t = rot.term(2020)
        assert (t.leader, t.deputy, t.base_leader, t.base_deputy) == ("C", "D", "A", "B")
        assert t.reasons == (
            "leader C instead of A: override (assigned)",
            "deputy D instead of B: override (elected)",
        )
        assert len(t.overrides) == 2
        with pytest.raises(RuleError, match="together make 'C' both leader and deputy of 2020"):
            attrs.evolve(
                rot, overrides=(*rot.overrides[:1], Override(2020, deputy="C", reason="x"))
            )

    def test_types_and_values(self) -> None:
        with pytest.raises(RuleTypeError, match="policy is"):
            Rotation(["A"], "cycle", since=2020)  # type: ignore[arg-type]
        with pytest.raises(RuleTypeError, match="whole number"):
            Rotation(["A"], BestRanked(), since=True)
        with pytest.raises(RuleError, match="cooldown"):
            Rotation(["A"], BestRanked(), since=2020, cooldown=-1)
        with pytest.raises(RuleError, match="appears at"):
            Rotation(["A", "A"], BestRanked(), since=2020)
        with pytest.raises(RuleError, match="led_before"):
            Rotation(["A"], BestRanked(), since=2020, led_before={"A": [2020]})
        with pytest.raises(RuleTypeError, match="date"):
            Leave("A", date="1 July 2025")
        with pytest.raises(RuleTypeError, match="Ranking"):
            Elected("votes")  # type: ignore[arg-type]

    def test_ids_are_nfc(self) -> None:
        decomposed = "Kha\u0301nh Ho\u0300a"
        rot = Rotation(["Khánh Hòa", "B"], FixedCycle(2020, decomposed), since=2020)
        assert rot.term(2020).leader == "Khánh Hòa"

    def test_repr_reads_as_code(self) -> None:
        rot = cum8()
        again = eval(repr(rot))
        assert again == rot
        assert repr(Elected()) == "Elected()"
        assert attrs.evolve(rot, cooldown=0).cooldown == 0

    def test_schedule_span_errors(self) -> None:
        rot = Rotation(["A", "B"], FixedCycle(2020, "A"), since=2020)
        with pytest.raises(DataError, match="before the rotation does"):
            rot.schedule(2019)
        with pytest.raises(DataError, match="first <= last"):
            rot.schedule(2021, 2020)
        s = rot.schedule(2021, 2022)
        with pytest.raises(DataError, match="outside the schedule"):
            s[2020]


class TestResults:
    def test_play_starts_at_since_and_reports_from_first(self) -> None:
        rot = Rotation(["A", "B", "C"], FixedCycle(2020, "A"), since=2020, cooldown=1)
        assert leaders(rot.schedule(2022, 2023)) == leaders(rot.schedule(2020, 2023))[2:]
        assert rot.schedule(2022, 2023).handovers[0] == Handover(2022, "B", "C")

    def test_fairness(self) -> None:
        rot = Rotation(
            ["A", "B", "C"],
            FixedCycle(2020, "A"),
            since=2020,
            overrides=[Override(2021, leader="A", reason="assigned")],
        )
        f = rot.schedule(2020, 2025).fairness()
        assert f.times_led == {"A": 3, "B": 1, "C": 2}
        assert f.longest_wait == {"A": 2, "B": 4, "C": 2}
        assert f.max_wait == ("B", 4)
        assert sum(f.times_led.values()) == 6
        assert "longest wait" in f.explain()

    def test_plain_data(self) -> None:
        s = cum7_reformed().schedule(2023, 2025)
        d = s.to_dict()
        assert d["cluster"] == "Bộ Công an, cluster 7"
        assert d["terms"][1]["leader"] == "Quảng Trị"
        assert d["terms"][1]["base_leader"] == "Quảng Nam"
        assert d["handovers"][0] == {"period": 2024, "from": "Khánh Hòa", "to": "Quảng Trị"}
        assert d["moves"][0]["period"] == 2024
        assert d["records"]["Gia Lai"]["absorbed"] == ["Bình Định"]
        assert s.fairness().to_dict()["times_led"]["Quảng Trị"] == 1
        assert "Quảng Trị leads" in s.explain()


# -- properties ---------------------------------------------------------------------------


@st.composite
def rotations(draw: st.DrawFn, *, cycle: bool | None = None, overrides: bool = True) -> Rotation:
    """A valid rotation: random members, policy options, changes and overrides."""
    n = draw(st.integers(1, 6))
    members = UNITS[:n]
    since = 2020
    use_cycle = draw(st.booleans()) if cycle is None else cycle
    policy = FixedCycle(draw(st.integers(2015, 2020)), draw(st.sampled_from(members)))
    current = list(members)
    fresh = iter(UNITS[n:] + [f"v{i}" for i in range(20)])
    changes: list[object] = []
    for p in range(since + 1, since + 8):
        kind = draw(st.sampled_from(["none", "none", "join", "leave", "merge", "rename"]))
        if kind == "join":
            u = next(fresh)
            changes.append(Join(u, p, goes=draw(st.sampled_from(["next", "last"]))))
            current.append(u)
        elif kind == "leave" and len(current) > 1:
            u = draw(st.sampled_from(current))
            changes.append(Leave(u, p))
            current.remove(u)
        elif kind == "merge" and len(current) > 1:
            absorbed = draw(st.lists(st.sampled_from(current), min_size=1, max_size=3, unique=True))
            into = draw(st.sampled_from([*absorbed, next(fresh)]))
            changes.append(Merge(absorbed, into, p))
            current = [u for u in current if u not in absorbed] + [into]
        elif kind == "rename":
            u = draw(st.sampled_from(current))
            new = next(fresh)
            changes.append(Rename(u, new, p))
            current[current.index(u)] = new
    if not use_cycle:
        changes = [attrs.evolve(c, goes=None) if isinstance(c, Join) else c for c in changes]  # type: ignore[misc]
    draft = Rotation(members, policy if use_cycle else BestRanked(), since=since, changes=changes)  # type: ignore[arg-type]
    ovs = []
    if overrides:
        for p in draw(st.lists(st.integers(since, since + 9), unique=True, max_size=3)):
            at = draft.members_at(p)
            lead = draw(st.sampled_from(at))
            dep = draw(st.sampled_from([None, *(u for u in at if u != lead)]))
            ovs.append(Override(p, leader=lead, deputy=dep, reason="r"))
    k = draw(st.integers(0, 2))
    succeeds = draw(st.booleans())
    return Rotation(
        members,
        policy if use_cycle else BestRanked(),
        since=since,
        changes=changes,  # type: ignore[arg-type]
        overrides=ovs,
        cooldown=k,
        deputy_succeeds=succeeds,
    )


def standings_for(rot: Rotation, seed: int) -> dict[int, object]:
    out: dict[int, object] = {}
    for p in range(rot.since, rot.since + 10):
        units = sorted(rot.members_at(p))
        t = ScoreTable({"unit": units, "x": [hash((u, p, seed)) % 3 for u in units]})
        out[p] = Ranking(desc("x"), Lot(seed=seed)).rank(t)
    return out


def play(rot: Rotation, seed: int = 0) -> Schedule | None:
    data = standings_for(rot, seed) if isinstance(rot.policy, BestRanked) else None
    try:
        return rot.schedule(rot.since, rot.since + 9, standings=data)  # type: ignore[arg-type]
    except DataError as exc:
        if "nobody may lead" not in str(exc):
            raise
        return None


class TestProperties:
    @given(st.integers(2, 9), st.integers(0, 8), st.integers(1990, 2030))
    def test_stable_cycle_each_leads_once_per_round_never_twice_in_a_row(
        self, n: int, anchor: int, year: int
    ) -> None:
        members = UNITS[:n]
        rot = Rotation(members, FixedCycle(year, members[anchor % n]), since=2020)
        ls = leaders(rot.schedule(2020, 2020 + 3 * n))
        for i in range(len(ls) - n + 1):
            assert sorted(ls[i : i + n]) == sorted(members)
        assert all(a != b for a, b in itertools.pairwise(ls))
        # the reference: period -> holder from the anchor
        i0 = members.index(members[anchor % n])
        assert ls == [members[(i0 + p - year) % n] for p in range(2020, 2021 + 3 * n)]

    @given(rotations(), st.integers(0, 3))
    def test_deputy_is_never_the_leader_and_every_period_is_led_by_a_member(
        self, rot: Rotation, seed: int
    ) -> None:
        s = play(rot, seed)
        if s is None:
            return
        for t in s:
            assert t.deputy != t.leader
            assert t.base_deputy is None or t.base_deputy != t.base_leader
            assert t.leader in rot.members_at(t.period)
            assert (t.leader != t.base_leader or t.deputy != t.base_deputy) == bool(t.reasons)

    @given(rotations(), st.integers(0, 3))
    def test_merges_preserve_the_count_of_periods_led(self, rot: Rotation, seed: int) -> None:
        s = play(rot, seed)
        if s is None:
            return
        assert sum(r.times_led for r in s.records.values()) == len(s)
        assert sum(s.fairness().times_led.values()) == len(s)

    @given(rotations(), st.integers(0, 3), st.randoms(use_true_random=False))
    def test_deterministic_and_independent_of_listing_order(
        self, rot: Rotation, seed: int, rnd: object
    ) -> None:
        s = play(rot, seed)
        again = play(rot, seed)
        assert (s is None) == (again is None)
        if s is not None and again is not None:
            assert s.to_dict() == again.to_dict()
        if isinstance(rot.policy, FixedCycle):
            # A cycle's order is the listing: the same cycle listed from another member
            # gives the same schedule.
            k = rnd.randrange(len(rot.members))  # type: ignore[attr-defined]
            relisted = attrs.evolve(rot, members=rot.members[k:] + rot.members[:k])
        else:
            shuffled = list(rot.members)
            rnd.shuffle(shuffled)  # type: ignore[attr-defined]
            relisted = attrs.evolve(rot, members=tuple(shuffled))
        other = play(relisted, seed)
        assert (s is None) == (other is None)
        if s is not None and other is not None:
            assert [t.to_dict() for t in s] == [t.to_dict() for t in other]
            assert s.handovers == other.handovers

    @given(rotations(cycle=True, overrides=False), st.data())
    def test_overrides_change_only_their_own_periods_in_a_plain_cycle(
        self, rot: Rotation, data: st.DataObject
    ) -> None:
        plain = attrs.evolve(rot, cooldown=0, deputy_succeeds=False)
        periods = data.draw(st.lists(st.integers(2020, 2029), unique=True, max_size=4))
        ovs = tuple(
            Override(p, leader=data.draw(st.sampled_from(plain.members_at(p))), reason="r")
            for p in periods
        )
        base = plain.schedule(2020, 2029)
        s = attrs.evolve(plain, overrides=ovs).schedule(2020, 2029)
        for t, b in zip(s, base, strict=True):
            assert (t.base_leader, t.base_deputy) == (b.leader, b.deputy)
            if t.period not in periods:
                assert (t.leader, t.deputy) == (b.leader, b.deputy)

    @given(rotations(overrides=False), st.data())
    def test_every_difference_names_an_override(self, rot: Rotation, data: st.DataObject) -> None:
        rot = attrs.evolve(rot, deputy_succeeds=True)
        ps = data.draw(st.lists(st.integers(2020, 2029), unique=True, min_size=1, max_size=3))
        ovs = []
        for p in ps:
            at = rot.members_at(p)
            if len(at) > 1:
                ovs.append(Override(p, deputy=data.draw(st.sampled_from(at)), reason="assigned"))
        s = play(attrs.evolve(rot, overrides=tuple(ovs)))
        if s is None:
            return
        for t in s:
            for r in t.reasons:
                assert "override" in r

    @given(rotations(cycle=True, overrides=False), st.sampled_from(["next", "last"]))
    def test_moves_match_the_schedule_without_the_change(self, rot: Rotation, goes: str) -> None:
        # A plain cycle with no other change: the reported shifts are exactly the difference
        # between the schedules with and without the join.
        plain = attrs.evolve(rot, changes=(), cooldown=0, deputy_succeeds=False)
        n = len(plain.members)
        joined = attrs.evolve(plain, changes=(Join("new", 2022, goes=goes),))  # type: ignore[arg-type]
        (move,) = joined.schedule(2020, 2022 + 3 * n).moves
        horizon = 2022 + move.horizon

        def first_turns(r: Rotation) -> dict[str, int]:
            out: dict[str, int] = {}
            for t in r.schedule(2022, horizon):
                out.setdefault(t.leader, t.period)
            return out

        with_, without = first_turns(joined), first_turns(plain)
        expected = {u: (without.get(u), with_.get(u)) for u in {*with_, *without}}
        reported = {x.unit: (x.without, x.with_) for x in move.shifts}
        assert reported == {u: v for u, v in expected.items() if v[0] != v[1]}
        if goes == "last":
            assert list(reported) == ["new"]
        else:
            assert all(x.by == 1 for x in move.shifts if x.unit != "new")

    @given(rotations(overrides=False), st.integers(0, 3))
    def test_no_member_leads_twice_within_the_cooldown(self, rot: Rotation, seed: int) -> None:
        rot = attrs.evolve(rot, changes=())
        s = play(rot, seed)
        if s is None:
            assert rot.cooldown >= len(rot.members) or rot.deputy_succeeds
            return
        ls = leaders(s)
        for i in range(len(ls)):
            window = ls[max(0, i - rot.cooldown) : i]
            assert ls[i] not in window

    @given(st.integers(2, 7), st.integers(0, 2), st.integers(0, 50))
    def test_best_ranked_leads_unless_skipped_with_a_reason(
        self, n: int, k: int, seed: int
    ) -> None:
        rot = Rotation(UNITS[:n], BestRanked(), since=2020, cooldown=k)
        data = standings_for(rot, seed)
        s = play(rot, seed)
        if s is None:
            assert k >= n
            return
        for t in s:
            order = data[t.period].order  # type: ignore[attr-defined]
            better = order[: order.index(t.leader)]
            assert [u for u, _ in t.skipped] == list(better)
            assert all(why.startswith("led in") for _, why in t.skipped)
            assert t.deputy == next((u for u in order if u != t.leader), None)

    @given(
        st.lists(st.integers(0, 4), min_size=2, max_size=7),
        st.integers(0, 9),
        st.randoms(use_true_random=False),
    )
    def test_elected_by_most_votes_in_any_listing_order(
        self, counts: list[int], seed: int, rnd: object
    ) -> None:
        members = UNITS[: len(counts)]
        votes = {2024: dict(zip(members, counts, strict=True))}
        ballot = Elected(Ranking(desc("votes"), Lot(seed=seed)))
        t = Rotation(members, ballot, since=2024).term(2024, votes=votes)
        assert votes[2024][t.leader] == max(counts)
        assert t.deputy is not None
        assert votes[2024][t.deputy] == sorted(counts)[-2]
        shuffled = list(members)
        rnd.shuffle(shuffled)  # type: ignore[attr-defined]
        assert Rotation(shuffled, ballot, since=2024).term(2024, votes=votes) == t

    @given(rotations(overrides=False), st.data())
    def test_an_ineligible_member_neither_leads_nor_deputises(
        self, rot: Rotation, data: st.DataObject
    ) -> None:
        units = sorted({u for p in range(2020, 2030) for u in rot.members_at(p)})
        records = [
            {"unit": u, "period": p, "titles": ["kỷ luật"] if data.draw(st.booleans()) else []}
            for u in units
            for p in range(2020, 2030)
        ]
        history = History.from_records(records, declared=["kỷ luật"])  # maybe nobody drew it
        rot = attrs.evolve(rot, eligible=~holds("kỷ luật"))
        standings = standings_for(rot, 0) if isinstance(rot.policy, BestRanked) else None
        try:
            s = rot.schedule(2020, 2029, history=history, standings=standings)  # type: ignore[arg-type]
        except DataError as exc:
            if "nobody may lead" not in str(exc):
                raise
            return
        for t in s:
            disciplined = {
                u for u in t.members if history.held("kỷ luật", t.period)[history.index(u)]
            }
            assert t.leader not in disciplined
            assert t.deputy not in disciplined
            for u, why in t.skipped:
                if u in disciplined:
                    assert "not eligible" in why


class TestEligibilityOutsideTheHistory:
    """Outside the history every title reads "not held": ~holds(...) would pass everyone."""

    def _history(self) -> History:
        return History.from_records(
            [{"unit": u, "period": 2023, "titles": ["kỷ luật"] if u == "A" else []} for u in "ABC"]
        )

    def test_a_term_past_the_record_is_refused_with_the_way_out(self) -> None:
        rot = Rotation(
            ["A", "B", "C"], FixedCycle(2024, "A"), since=2024, eligible=~holds("kỷ luật")
        )
        with pytest.raises(
            DataError, match=r"reads the record of 2024.*covers 2023-2023.*eligible_on='review'"
        ):
            rot.term(2024, history=self._history())

    def test_review_reads_the_period_before(self) -> None:
        rot = Rotation(
            ["A", "B", "C"],
            FixedCycle(2024, "A"),
            since=2024,
            eligible=~holds("kỷ luật"),
            eligible_on="review",
        )
        t = rot.term(2024, history=self._history())
        assert t.leader == "B"
        assert [r.units[0] for r in t.skipped_why] == ["A"]
        with pytest.raises(DataError, match="reads the record of 2024 .the review of 2024"):
            rot.term(2025, history=self._history())

    def test_eligible_on_is_checked(self) -> None:
        with pytest.raises(RuleError, match="eligible_on is 'term'"):
            Rotation(["A"], FixedCycle(2024, "A"), since=2024, eligible_on="before")  # type: ignore[arg-type]
