"""Rule books: dated versions, lookup by achievement period or decision date, diffs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import (
    Award,
    AwardScheme,
    DataError,
    DataTypeError,
    Quota,
    RuleBook,
    RuleError,
    RuleTypeError,
    RuleVersion,
    Version,
    VersionChangeWarning,
    fact,
)

D = date


def _book() -> RuleBook:
    return RuleBook(
        [
            Version("v98", D(2024, 1, 1), D(2025, 6, 30), instrument="Decree 98/2023"),
            Version("v91", D(2017, 10, 1), D(2023, 12, 31), instrument="Decree 91/2017"),
            Version("v152", D(2025, 7, 1), instrument="Decree 152/2025"),
        ],
        name="vn",
    )


# -- construction ----------------------------------------------------------------------


def test_versions_are_sorted_and_rule_version_is_an_alias() -> None:
    book = _book()
    assert [v.rules for v in book] == ["v91", "v98", "v152"]
    assert RuleVersion is Version
    assert book.effective_from == D(2017, 10, 1)
    assert book.effective_to is None
    assert len(book) == 3


def test_a_gap_is_refused_naming_the_missing_days() -> None:
    with pytest.raises(
        RuleError, match=r"gap with no rules in force from 2024-01-01 to 2024-01-09"
    ):
        RuleBook([Version(1, D(2023, 1, 1), D(2023, 12, 31)), Version(2, D(2024, 1, 10))])


def test_an_overlap_is_refused_naming_the_days() -> None:
    with pytest.raises(RuleError, match=r"overlap from 2023-07-01 to 2023-12-31"):
        RuleBook([Version(1, D(2023, 1, 1), D(2023, 12, 31)), Version(2, D(2023, 7, 1))])


def test_an_open_ended_version_before_another_is_refused() -> None:
    with pytest.raises(RuleError, match=r"open-ended.*end the first on 2023-12-31"):
        RuleBook([Version(1, D(2023, 1, 1)), Version(2, D(2024, 1, 1))])


def test_bad_versions_are_refused() -> None:
    with pytest.raises(RuleError, match="ends before it starts"):
        Version(1, D(2024, 1, 1), D(2023, 1, 1))
    with pytest.raises(RuleTypeError, match="is a date"):
        Version(1, datetime(2024, 1, 1, 10))
    with pytest.raises(RuleTypeError, match="is a date"):
        Version(1, 2024)  # type: ignore[arg-type]
    with pytest.raises(RuleError, match="at least one Version"):
        RuleBook([])
    with pytest.raises(RuleTypeError, match="not a Version"):
        RuleBook([Version(1, D(2024, 1, 1)), "x"])  # type: ignore[list-item]
    with pytest.raises(RuleTypeError, match="list of Version"):
        RuleBook(Version(1, D(2024, 1, 1)))  # type: ignore[arg-type]


# -- lookup ----------------------------------------------------------------------------


def test_lookup_by_year_date_and_pair() -> None:
    book = _book()
    assert book.at(2023) == "v91"
    assert book.at(2024) == "v98"
    assert book.at(D(2025, 6, 30)) == "v98"
    assert book.at(D(2025, 7, 1)) == "v152"
    assert book.at((D(2025, 7, 1), D(2025, 12, 31))) == "v152"
    assert book.at(2026) == "v152"
    assert book.version_at(2024).instrument == "Decree 98/2023"


def test_the_year_a_regime_changes_is_refused_unless_asked_to_warn() -> None:
    book = _book()
    with pytest.raises(
        DataError,
        match=r"change inside the assessment period 2025-01-01 \.\. 2025-12-31: from 2025-07-01 \(Decree 152/2025\)",
    ):
        book.at(2025)
    with pytest.warns(VersionChangeWarning, match="using the version in force on 2025-12-31"):
        assert book.at(2025, on_change="warn") == "v152"
    # A change exactly on the first day of the year is no change inside it.
    assert book.at(2024) == "v98"
    with pytest.raises(DataError, match="change inside"):
        book.at((D(2023, 12, 31), D(2024, 1, 1)))


def test_decision_date_decides_only_with_a_date() -> None:
    book = _book()
    assert book.at(D(2025, 7, 1), by="decision") == "v152"
    assert book.at(D(2025, 6, 30), by="decision") == "v98"
    with pytest.raises(DataTypeError, match="date of the decision"):
        book.at(2025, by="decision")
    with pytest.raises(RuleError, match="by is 'achievement'"):
        book.at(2025, by="signing")  # type: ignore[arg-type]
    with pytest.raises(RuleError, match="on_change is"):
        book.at(2024, on_change="ignore")  # type: ignore[arg-type]


def test_dates_outside_the_book_are_refused() -> None:
    book = _book()
    with pytest.raises(DataError, match=r"no rules of rule book 'vn' are in force on 2017-01-01"):
        book.at(2017)
    closed = RuleBook([Version(1, D(2020, 1, 1), D(2020, 12, 31))])
    with pytest.raises(DataError, match="in force on 2021-01-01"):
        closed.at(2021)
    with pytest.raises(DataTypeError):
        book.at(True)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="ends before it starts"):
        book.at((D(2024, 2, 1), D(2024, 1, 1)))


# -- diff -------------------------------------------------------------------------------


def test_diff_reports_each_rule_that_changed() -> None:
    old = AwardScheme(
        [
            Award("LĐTT", ~(fact("months") < 10), source="Nghị định 91/2017/NĐ-CP"),
            Award("CSTĐCS", requires="LĐTT", quota=Quota(share=0.15, of="LĐTT")),
            Award("TTLĐTT", subject="collectives"),
        ]
    )
    new = AwardScheme(
        [
            Award("LĐTT", ~(fact("months") < 6), source="Thông tư 01/2024/TT-BNV"),
            Award("CSTĐCS", requires="LĐTT", quota=Quota(share=0.1, of="LĐTT", rounding="ceil")),
        ]
    )
    book = RuleBook([Version(old, D(2017, 10, 1), D(2023, 12, 31)), Version(new, D(2024, 1, 1))])
    lines = book.diff(book.versions[0], book.versions[1])
    assert lines == (
        "awards['TTLĐTT']: removed (was Award('TTLĐTT', subject='collectives'))",
        "awards['LĐTT'].condition: ~(fact('months') < 10) -> ~(fact('months') < 6)",
        "awards['LĐTT'].source: 'Nghị định 91/2017/NĐ-CP' -> 'Thông tư 01/2024/TT-BNV'",
        "awards['CSTĐCS'].quota.share: 0.15 -> 0.1",
        "awards['CSTĐCS'].quota.rounding: 'floor' -> 'ceil'",
    )
    assert book.diff(2024, 2024) == ()
    assert book.diff(D(2023, 5, 1), 2024) == lines


def test_diff_of_plain_values_and_mappings() -> None:
    book = RuleBook(
        [
            Version({"a": 1, "b": (1, 2)}, D(2020, 1, 1), D(2020, 12, 31)),
            Version({"a": 2, "b": (1, 2, 3), "c": 1}, D(2021, 1, 1)),
        ]
    )
    assert book.diff(2020, 2021) == (
        "['a']: 1 -> 2",
        "['b']: (1, 2) -> (1, 2, 3)",
        "['c']: added 1",
    )
    with pytest.raises(DataTypeError, match="diff compares two versions"):
        book.diff("2020", 2021)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="not a version"):
        book.diff(Version(1, D(2020, 1, 1)), 2021)


# -- property: the lookup is piecewise constant ----------------------------------------


@st.composite
def books(draw: st.DrawFn) -> tuple[RuleBook, list[date]]:
    start = D(2000, 1, 1) + timedelta(days=draw(st.integers(0, 3000)))
    gaps = draw(st.lists(st.integers(1, 900), min_size=0, max_size=5))
    starts = [start]
    for g in gaps:
        starts.append(starts[-1] + timedelta(days=g))
    open_end = draw(st.booleans())
    versions = []
    for k, s in enumerate(starts):
        last = k == len(starts) - 1
        end = (
            None
            if last and open_end
            else (
                starts[k + 1] - timedelta(days=1)
                if not last
                else s + timedelta(days=draw(st.integers(0, 400)))
            )
        )
        versions.append(Version(k, s, end))
    return RuleBook(versions), starts


@given(books(), st.lists(st.integers(-50, 6000), min_size=1, max_size=8))
def test_lookup_is_piecewise_constant(
    drawn: tuple[RuleBook, list[date]], offsets: list[int]
) -> None:
    book, starts = drawn
    days = sorted(book.effective_from + timedelta(days=o) for o in offsets)
    for day in days:
        inside = day >= book.effective_from and (
            book.effective_to is None or day <= book.effective_to
        )
        if not inside:
            with pytest.raises(DataError):
                book.at(day, by="decision")
            continue
        k = book.at(day, by="decision")
        # The version in force is the one with the last start on or before the day ...
        assert k == max(i for i, s in enumerate(starts) if s <= day)
        # ... achievement lookup of the same single day agrees ...
        assert book.at(day) == k
        # ... and a period lies within one version exactly when no start falls inside it.
        for other in days:
            if day < other and book.versions[k].covers(other):
                assert book.at((day, other)) == k
            elif day < other and other in [v.effective_from for v in book.versions]:
                with pytest.raises(DataError, match="change inside"):
                    book.at((day, other))
