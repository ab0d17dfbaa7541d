"""Citations: ``Condition.cite``, ``Quota(source=)`` and ``Allocation.why(cite=True)``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import (
    Award,
    AwardScheme,
    Context,
    History,
    Quota,
    RuleTypeError,
    UnknownNameError,
    all_of,
    any_of,
    fact,
    holds,
    members,
    not_,
)

RATING = ["KHTNV", "HTNV", "HTTNV", "HTXSNV"]


def _history() -> History:
    return History.from_records(
        [
            {"unit": "An", "period": 2024, "titles": ["LĐTT"], "rating": "HTXSNV", "months": 4},
            {"unit": "Bình", "period": 2024, "titles": [], "rating": "HTTNV", "months": 12},
        ],
        ordinals={"rating": RATING},
    )


def test_a_cited_condition_shows_its_source_in_every_explanation() -> None:
    tenure = (~(fact("months") < 6)).cite("Thông tư 01/2024/TT-BNV")
    rating = (fact("rating") >= "HTTNV").cite("Luật 06/2022/QH15, Điều 24 khoản 1")
    v = (rating & tenure).evaluate(Context(2024, history=_history()))
    assert v.why_not("An").splitlines()[1] == (
        "  ✗ not fact('months') < 6 (it holds: 4) [Thông tư 01/2024/TT-BNV]"
    )
    explained = v.explain("An")
    assert "✓ fact('rating') >= 'HTTNV': HTXSNV [Luật 06/2022/QH15, Điều 24 khoản 1]" in explained
    assert "✗ not: [Thông tư 01/2024/TT-BNV]" in explained
    d = v.to_dict("An")
    assert [p.get("source") for p in d["parts"]] == [
        "Luật 06/2022/QH15, Điều 24 khoản 1",
        "Thông tư 01/2024/TT-BNV",
    ]
    assert "source" not in d


def test_citing_changes_neither_repr_nor_equality_nor_the_original() -> None:
    plain = fact("rating") >= "HTTNV"
    cited = plain.cite("Art. 24")
    assert repr(cited) == repr(plain)
    assert cited == plain
    assert plain.source is None
    assert cited.source == "Art. 24"


def test_a_cited_group_stays_whole_when_combined() -> None:
    group = (holds("LĐTT") | (fact("rating") == "HTXSNV")).cite("Art. 23")
    combined = any_of(group, fact("months") > 12)
    v = combined.evaluate(Context(2024, history=_history()))
    assert "✗ none of: [Art. 23]" in v.why_not("Bình")
    both = all_of((holds("LĐTT") & (fact("months") >= 1)).cite("X"), fact("months") >= 0)
    assert both.evaluate(Context(2024, history=_history())).passed.tolist() == [True, False]


def test_bad_citations_are_refused() -> None:
    with pytest.raises(RuleTypeError, match="non-empty text"):
        holds("LĐTT").cite("  ")
    with pytest.raises(RuleTypeError, match="non-empty text"):
        holds("LĐTT").cite(None)  # type: ignore[arg-type]


def test_names_are_still_checked_through_a_cited_condition() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'LĐTT'"):
        holds("LDTT").cite("Art. 24").evaluate(Context(2024, history=_history()))


def test_allocation_reasons_cite_award_quota_and_clause() -> None:
    scheme = AwardScheme(
        [
            Award(
                "LĐTT",
                (~(fact("months") < 6)).cite("TT 01/2024"),
                source="Luật 06/2022/QH15, Điều 24",
            ),
            Award(
                "X",
                quota=Quota(0, source="no quota left"),
                source="Art. 99",
            ),
        ]
    )
    alloc = scheme.allocate(Context(2024, history=_history()))
    text = alloc.why("An", cite=True)
    assert "LĐTT: failed the condition [Luật 06/2022/QH15, Điều 24]" in text
    assert "(it holds: 4) [TT 01/2024]" in text
    assert "quota 0 [no quota left]) [Art. 99]" in text
    assert "[Art. 99]" not in alloc.why("An")


@st.composite
def conditions(draw: st.DrawFn, depth: int = 2) -> object:
    leaves = [
        holds("LĐTT"),
        fact("months") >= draw(st.integers(0, 12)),
        fact("rating") >= draw(st.sampled_from(RATING)),
    ]
    if depth == 0 or draw(st.booleans()):
        c = draw(st.sampled_from(leaves))
    else:
        parts = draw(st.lists(conditions(depth - 1), min_size=1, max_size=3))
        c = draw(st.sampled_from([all_of, any_of]))(*parts)
        if draw(st.booleans()):
            c = not_(c)
    return c.cite("cited") if draw(st.booleans()) else c


@given(
    conditions(),
    st.lists(
        st.tuples(st.sampled_from(RATING), st.integers(0, 12), st.booleans()),
        min_size=1,
        max_size=6,
    ),
)
def test_citing_never_changes_a_verdict(cond: object, rows: list[tuple[str, int, bool]]) -> None:
    h = History.from_records(
        [
            {"unit": f"u{i}", "period": 2024, "rating": r, "months": m, "titles": ["LĐTT"] * t}
            for i, (r, m, t) in enumerate(rows)
        ],
        ordinals={"rating": RATING},
        declared=["LĐTT"],
    )
    ctx = Context(2024, history=h)
    assert hasattr(cond, "cite")
    plain = cond.evaluate(ctx)  # type: ignore[attr-defined]
    cited = cond.cite("again").evaluate(ctx)  # type: ignore[attr-defined]
    assert plain.passed.tolist() == cited.passed.tolist()
    assert plain.failure_codes().tolist() == cited.failure_codes().tolist()


def test_member_conditions_can_be_cited() -> None:
    share = (members(holds("LĐTT")).share() >= 0.7).cite("Luật 06/2022/QH15, Điều 27 khoản 1")
    h = History.from_records(
        [
            {"unit": f"p{i}", "period": 2024, "team": "T", "titles": ["LĐTT"] * (i < 6)}
            for i in range(10)
        ],
        member_of="team",
        collectives=[{"unit": "T", "period": 2024}],
    )
    v = share.evaluate(Context(2024, history=h, level="collectives"))
    assert v.why_not("T").endswith("6 of 10 members [Luật 06/2022/QH15, Điều 27 khoản 1]")
