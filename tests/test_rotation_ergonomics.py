"""Rotation ergonomics found in use: changes given as published, dates that imply their
period, repeated overrides, votes that name only a leader, fairness under former ids."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import DataError, RuleError, RuleTypeError
from emulation_rules.rotation import (
    Elected,
    FixedCycle,
    Join,
    Leave,
    Merge,
    Override,
    Rename,
    Rotation,
)

MERGED = "2025-07-01"


@st.composite
def rotations_with_changes(draw: st.DrawFn) -> Rotation:
    """A fixed cycle of A..C from 2020 with a few valid renames and merges."""
    current = ["A", "B", "C"]
    fresh = iter(["D", "E", "F", "G", "H", "I"])
    changes: list[Rename | Merge] = []
    for p in range(2021, 2025):
        kind = draw(st.sampled_from(["none", "rename", "merge"]))
        if kind == "rename":
            old, new = draw(st.sampled_from(current)), next(fresh)
            changes.append(Rename(old, new, p))
            current[current.index(old)] = new
        elif kind == "merge" and len(current) > 1:
            absorbed = draw(st.lists(st.sampled_from(current), min_size=1, max_size=2, unique=True))
            into = draw(st.sampled_from([*absorbed, next(fresh)]))
            changes.append(Merge(absorbed, into, p))
            current = [u for u in current if u not in absorbed] + [into]
    return Rotation(["A", "B", "C"], FixedCycle(2020, "A"), since=2020, changes=changes)


class TestDateImpliesPeriod:
    def test_mid_year_date_counts_from_its_own_period(self) -> None:
        assert Merge(["Bình Thuận"], "Lâm Đồng", date=MERGED).period == 2025
        assert Leave("Phú Yên", date=datetime.date(2025, 7, 1)).period == 2025
        # ... unless the user says it counts from the next period.
        assert Merge(["Bình Thuận"], "Lâm Đồng", 2026, date=MERGED).period == 2026
        with pytest.raises(RuleError, match="counts from period 2025 or 2026$"):
            Leave("Phú Yên", 2024, date=MERGED)

    @given(st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)), st.integers(-2, 2))
    def test_a_date_alone_is_its_period_and_only_the_next_may_be_chosen(
        self, d: datetime.date, shift: int
    ) -> None:
        assert Rename("A", "B", date=d).period == d.year
        assert Join("A", date=d.isoformat()).period == d.year
        allowed = shift == 0 or (shift == 1 and (d.month, d.day) != (1, 1))
        if allowed:
            assert Leave("A", d.year + shift, date=d).period == d.year + shift
        else:
            with pytest.raises(RuleError, match="cannot count from period"):
                Leave("A", d.year + shift, date=d)


class TestIdenticalOverrides:
    def test_the_same_override_twice_is_one_override(self) -> None:
        o = Override(2021, leader="B", deputy="C", reason="elected at the review")
        once = Rotation(["A", "B", "C"], FixedCycle(2020, "A"), since=2020, overrides=[o])
        twice = Rotation(
            ["A", "B", "C"],
            FixedCycle(2020, "A"),
            since=2020,
            overrides=[o, Override(2021, leader="B", deputy="C", reason="elected at the review")],
        )
        assert twice == once
        assert twice.overrides == (o,)
        t = twice.schedule(2021)[2021]
        assert (t.leader, t.deputy, t.overrides) == ("B", "C", (o,))

    def test_different_overrides_of_one_role_still_conflict(self) -> None:
        # Same holder, another reason: which reason stands is the user's to say.
        with pytest.raises(RuleError, match="conflicting overrides for the leader of 2021"):
            Rotation(
                ["A", "B"],
                FixedCycle(2020, "A"),
                since=2020,
                overrides=[
                    Override(2021, leader="B", reason="elected"),
                    Override(2021, leader="B", reason="assigned"),
                ],
            )

    @given(st.lists(st.sampled_from([0, 1, 2]), min_size=1, max_size=6))
    def test_repeats_never_change_the_schedule(self, picks: list[int]) -> None:
        pool = [
            Override(2021, leader="B", reason="r"),
            Override(2022, deputy="A", reason="r"),
            Override(2023, leader="C", deputy="B", reason="r"),
        ]
        given_ = [pool[i] for i in picks]
        unique = list(dict.fromkeys(given_))
        a = Rotation(["A", "B", "C"], FixedCycle(2020, "A"), since=2020, overrides=given_)
        b = Rotation(["A", "B", "C"], FixedCycle(2020, "A"), since=2020, overrides=unique)
        assert a.schedule(2020, 2024).to_dict() == b.schedule(2020, 2024).to_dict()


class TestPublishedMerger:
    def test_a_published_list_is_worked_out_per_cluster(self) -> None:
        # Cluster 8's 2025 mergers, as published (Resolution 202/2025/QH15 [V]).
        published = [
            Merge.parse("Khánh Hòa + Ninh Thuận -> Khánh Hòa", date=MERGED),
            Merge.parse("Lâm Đồng + Đắk Nông + Bình Thuận -> Lâm Đồng", date=MERGED),
            Merge.parse("Đắk Lắk + Phú Yên -> Đắk Lắk", date=MERGED),
            Merge.parse(
                "Bà Rịa–Vũng Tàu + Bình Dương + TP Hồ Chí Minh -> TP Hồ Chí Minh", date=MERGED
            ),
        ]
        by_hand = [
            Merge(["Khánh Hòa", "Ninh Thuận"], "Khánh Hòa", 2025, date=MERGED),
            Merge(["Bình Thuận"], "Lâm Đồng", 2025, date=MERGED, partners=["Đắk Nông"]),
            Merge(["Phú Yên"], "Đắk Lắk", 2025, date=MERGED),
            Merge(
                ["Bà Rịa–Vũng Tàu"], "TP Hồ Chí Minh", 2025, date=MERGED, partners=["Bình Dương"]
            ),
        ]
        members = ["Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Bà Rịa–Vũng Tàu"]

        def rot(changes: list[Merge]) -> Rotation:
            return Rotation(
                members, FixedCycle(2024, "Phú Yên"), since=2024, cooldown=1, changes=changes
            )

        a, b = rot(published).schedule(2024, 2030), rot(by_hand).schedule(2024, 2030)
        assert [t.to_dict() for t in a] == [t.to_dict() for t in b]
        assert [m.to_dict() for m in a.moves] == [m.to_dict() for m in b.moves]
        assert a.records == b.records
        assert (
            a[2025].changes[1] == "merger: Bình Thuận + Đắk Nông (outside) -> Lâm Đồng (2025-07-01)"
        )

    def test_parse_refuses_what_it_cannot_read(self) -> None:
        with pytest.raises(RuleError, match="'->' and the resulting unit once"):
            Merge.parse("A + B", 2025)
        with pytest.raises(RuleError, match="'->' and the resulting unit once"):
            Merge.parse("A -> B -> C", 2025)
        with pytest.raises(RuleError, match="the part position"):
            Merge.parse("A + A -> A", 2025)
        with pytest.raises(RuleError, match="empty"):
            Merge.parse("A + -> A", 2025)
        # Arrows as typeset are read too.
        assert Merge.parse("A + B → A", 2025) == Merge.parse("A + B -> A", 2025)

    def test_a_merger_of_no_member_is_refused(self) -> None:
        with pytest.raises(RuleError, match="none of 'X', 'Y' is a member in 2025"):
            Rotation(
                ["A"], FixedCycle(2024, "A"), since=2024, changes=[Merge.parse("X + Y -> X", 2025)]
            )

    def test_an_id_absorbed_earlier_is_refused_not_taken_as_outside(self) -> None:
        with pytest.raises(RuleError, match="'B' was absorbed into 'A' in 2025"):
            Rotation(
                ["A", "B"],
                FixedCycle(2024, "A"),
                since=2024,
                changes=[Merge.parse("A + B -> A", 2025), Merge.parse("A + B + C -> A", 2026)],
            )

    @given(
        st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=4, unique=True),
        st.lists(st.sampled_from("ABCDEFG"), min_size=1, max_size=4, unique=True),
        st.sampled_from("ABCDEFGX"),
    )
    def test_parsed_is_the_by_hand_merger(
        self, members: list[str], parts: list[str], into: str
    ) -> None:
        """Against the rule stated by hand: members among the parts (and the result, if a
        member) are absorbed; the other parts, except the result, are partners."""
        absorbed = [u for u in [*parts, *([] if into in parts else [into])] if u in members]
        partners = [u for u in parts if u not in members and u != into]
        text = f"{' + '.join(parts)} -> {into}"

        def play(change: Merge) -> object:
            r = Rotation(members, FixedCycle(2024, members[0]), since=2024, changes=[change])
            return r.schedule(2024, 2028).to_dict()["terms"]

        if not absorbed:
            with pytest.raises(RuleError, match="none of"):
                play(Merge.parse(text, 2025))
            return
        assert play(Merge.parse(text, 2025)) == play(Merge(absorbed, into, 2025, partners=partners))


class TestVoteForTheLeaderOnly:
    MEMBERS = ("A", "B", "C", "D")

    def test_no_deputy_and_the_reason_unless_one_is_required(self) -> None:
        votes = {2024: {"B": 3}}
        t = Rotation(self.MEMBERS, Elected(), since=2024).term(2024, votes=votes)
        assert (t.leader, t.deputy) == ("B", None)
        assert t.deputy_how == "the vote for 2024 names no deputy: 'A', 'C', 'D' have no votes"
        strict = Rotation(self.MEMBERS, Elected(), since=2024, deputy="required")
        with pytest.raises(DataError, match="tied for deputy in 2024"):
            strict.term(2024, votes=votes)

    def test_a_runner_up_with_votes_still_deputises(self) -> None:
        t = Rotation(self.MEMBERS, Elected(), since=2024).term(2024, votes={2024: {"B": 3, "C": 1}})
        assert (t.leader, t.deputy) == ("B", "C")

    def test_a_real_tie_for_deputy_is_still_an_error(self) -> None:
        rot = Rotation(self.MEMBERS, Elected(), since=2024)
        with pytest.raises(DataError, match="'A', 'C' are tied for deputy in 2024"):
            rot.term(2024, votes={2024: {"B": 3, "A": 1, "C": 1}})

    def test_an_override_of_the_leader_alone_needs_no_votes_for_the_deputy(self) -> None:
        o = Override(2024, leader="C", reason="elected at the review, votes not published")
        t = Rotation(self.MEMBERS, Elected(), since=2024, overrides=[o]).term(2024, votes={})
        assert (t.leader, t.deputy) == ("C", None)
        assert "no votes given for 2024" in t.deputy_how
        strict = Rotation(self.MEMBERS, Elected(), since=2024, deputy="required", overrides=[o])
        with pytest.raises(DataError, match=r"Override\(2024, deputy=\.\.\., reason=\.\.\.\)"):
            strict.term(2024, votes={})

    def test_required_refuses_a_period_nobody_may_deputise(self) -> None:
        assert Rotation(["A"], FixedCycle(2024, "A"), since=2024).term(2024).deputy is None
        with pytest.raises(DataError, match="requires a deputy"):
            Rotation(["A"], FixedCycle(2024, "A"), since=2024, deputy="required").term(2024)
        with pytest.raises(RuleTypeError, match="deputy is True, False or 'required'"):
            Rotation(["A"], FixedCycle(2024, "A"), since=2024, deputy="yes")  # type: ignore[arg-type]

    @given(st.dictionaries(st.sampled_from("ABCD"), st.integers(0, 3), min_size=1))
    def test_a_deputy_is_named_exactly_when_the_vote_tells_who(self, votes: dict[str, int]) -> None:
        """Against a count by hand: the leader is the unique top; the deputy the unique
        runner-up if it has votes, none if every other member has none."""
        counts = sorted((votes.get(u, 0) for u in self.MEMBERS), reverse=True)
        rot = Rotation(self.MEMBERS, Elected(), since=2024)
        if counts[0] == counts[1]:
            with pytest.raises(DataError, match="tied for the lead"):
                rot.term(2024, votes={2024: votes})
            return
        if counts[1] > 0 and counts[1] == counts[2]:
            with pytest.raises(DataError, match="tied for deputy"):
                rot.term(2024, votes={2024: votes})
            return
        t = rot.term(2024, votes={2024: votes})
        assert votes[t.leader] == counts[0]
        if counts[1] == 0:
            assert t.deputy is None
        else:
            assert t.deputy is not None
            assert votes[t.deputy] == counts[1]


class TestFairnessUnderIdsOfTheTime:
    def test_rows_under_the_ids_of_the_time_and_the_final_ids(self) -> None:
        rot = Rotation(
            ["A", "B", "C"],
            FixedCycle(2020, "A"),
            since=2020,
            changes=[Rename("C", "C2", 2022), Merge(["A", "B"], "X", 2023)],
        )
        s = rot.schedule(2020, 2025)
        final, then = s.fairness(), s.fairness(ids="then")
        # Led: A 2020, B 2021, C2 2022, then X and C2 alternate.
        assert s.leaders == {2020: "A", 2021: "B", 2022: "C2", 2023: "X", 2024: "C2", 2025: "X"}
        assert final.times_led == {"C2": 2, "X": 4}
        assert then.times_led == {"A": 1, "B": 1, "C": 0, "C2": 2, "X": 2}
        assert then.periods_member == {"A": 3, "B": 3, "C": 2, "C2": 4, "X": 3}
        assert then.ids == "then"
        assert "(ids at the time)" in then.explain().splitlines()[0]
        with pytest.raises(DataError, match="ids is 'final'"):
            s.fairness(ids="now")  # type: ignore[arg-type]

    @given(rotations_with_changes())
    def test_then_rows_add_up_to_the_final_rows(self, rot: Rotation) -> None:
        """Each final row is the sum of the rows of the ids it was at the time."""
        s = rot.schedule(rot.since, rot.since + 6)
        final, then = s.fairness(), s.fairness(ids="then")
        assert sum(then.times_led.values()) == sum(final.times_led.values()) == len(s)
        assert sum(then.times_deputy.values()) == sum(final.times_deputy.values())
        for unit in final.times_led:
            rec = s.records[unit]
            ids = {u for p, u in rec.member_as if s.first <= p <= s.last}
            assert final.times_led[unit] == sum(then.times_led[u] for u in ids)
            assert final.times_deputy[unit] == sum(then.times_deputy[u] for u in ids)
            # Periods overlap only where merged units were members in the same period.
            assert final.periods_member[unit] <= sum(then.periods_member[u] for u in ids)
