"""Rotation ergonomics found in use: changes given as published, dates that imply their
period, repeated overrides, votes that name only a leader, fairness under former ids."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import RuleError
from emulation_rules.rotation import Join, Leave, Merge, Rename

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
