"""Awards and names, exactly: a quota's base summed without float rounding, one check
for title names, and the rotation's wording of what an override sets aside."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import emulation_rules as er
from emulation_rules import AwardScheme, Context, History, ScoreTable
from emulation_rules.awards import Award, Quota, _exact_text, _round
from emulation_rules.errors import DataError, RuleError, RuleTypeError

P = 2023


def _allocate(xs: list[float], quota: Quota) -> er.awards.Allocation:
    units = [f"u{i}" for i in range(len(xs))]
    h = History.from_records([{"unit": u, "period": P} for u in units])
    t = ScoreTable({"x": xs}, units=units)
    scheme = AwardScheme([Award("A", quota=quota)])
    return scheme.allocate(Context(P, history=h, table=t))


# -- 1. a quota's base is summed exactly --------------------------------------------------


def test_ten_tenths_make_one_whole_award() -> None:
    q = Quota(share=1.0, of=er.column("x"), rounding="floor", ties="include")
    alloc = _allocate([0.1] * 10, q)
    assert alloc.limit("A") == {"": 1}
    assert "100 % of 1 = 1 -> 1 (floor)" in alloc.why("u0")


def test_the_explanation_shows_the_exact_base() -> None:
    q = Quota(share=0.5, of=er.column("x"), ties="include")
    alloc = _allocate([1234567.25, 0.5], q)
    # 6-digit formatting would show 1.23457e+06.
    assert "50 % of 1234567.75 = 617283.875 -> 617283 (floor)" in alloc.why("u0")
    assert Quota(share=0.1).describe(0.1 + 0.2).startswith("10 % of 0.30000000000000004 = ")


def test_exact_text_writes_every_fraction_exactly() -> None:
    for f in (Fraction(75, 2), Fraction(1, 1000), Fraction(10, 3), Fraction(7)):
        text = _exact_text(f)
        assert Fraction(text) == f


decimals = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False)


@given(
    st.lists(st.one_of(decimals.map(float), st.floats(0, 1e6)), min_size=1, max_size=12),
    st.decimals(min_value="0.001", max_value=1, places=3).map(float),
    st.sampled_from(["floor", "ceil", "half_up", "half_even"]),
)
def test_the_limit_is_the_exact_fraction_of_the_decimal_sum(
    xs: list[float], share: float, rounding: str
) -> None:
    q = Quota(share=share, of=er.column("x"), rounding=rounding, ties="include")  # type: ignore[arg-type]
    alloc = _allocate(xs, q)
    exact = Fraction(repr(share)) * sum((Fraction(repr(x)) for x in xs), Fraction(0))
    assert alloc.limit("A") == {"": _round(exact, rounding)}


# -- 2. one check for title names ---------------------------------------------------------


@pytest.mark.parametrize("bad", [" LDTT", "LDTT ", "\tX", ""])
@pytest.mark.parametrize(
    "build",
    [
        lambda n: AwardScheme([Award("X")], declared=[n]),
        lambda n: Award(n),
        lambda n: Award("X", requires=n),
        lambda n: Award("X", excludes=n),
        lambda n: AwardScheme([Award("X"), Award("Y")], exclusive=[("X", n)]),
        lambda n: AwardScheme([Award("X")], equivalent=[("X", n)]),
        lambda n: Quota(share=0.1, of=n),
    ],
)
def test_award_names_with_spaces_or_empty_are_refused_when_built(build, bad: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((RuleError, RuleTypeError), match="title name|Quota of="):
        build(bad)


def test_declared_titles_on_a_history_share_the_check() -> None:
    with pytest.raises(DataError, match="declared titles: the title name ' X'"):
        History.from_records([{"unit": "A", "period": P}], declared=[" X"])
    with pytest.raises(RuleTypeError, match="title names are texts"):
        AwardScheme([Award("X")], declared=[3])  # type: ignore[list-item]


@given(
    st.text(" \t", min_size=1, max_size=2), st.text("ABĐ", min_size=1, max_size=3), st.booleans()
)
def test_any_spaces_around_any_name_are_refused(space: str, name: str, before: bool) -> None:
    bad = space + name if before else name + space
    with pytest.raises(RuleError, match=f"write {name!r}"):
        Award("X", requires=bad)
    assert Award("X", requires=name).requires == (name,)
