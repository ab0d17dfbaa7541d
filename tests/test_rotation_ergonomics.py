"""Rotation ergonomics found in use: changes given as published, dates that imply their
period, repeated overrides, votes that name only a leader, fairness under former ids."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import RuleError
from emulation_rules.rotation import FixedCycle, Join, Leave, Merge, Override, Rename, Rotation

MERGED = "2025-07-01"


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
