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


# -- 3, 4. one prerequisite rule; cascade without repeated checks or rebuilds --------------


def _chain() -> tuple[AwardScheme, History]:
    scheme = AwardScheme(
        [
            Award("LĐTT"),
            Award("CSTĐCS", requires="LĐTT"),
            Award("CSTĐ_BO", er.streak("CSTĐCS", n=3, fresh_after="CSTĐ_BO")),
        ]
    )
    h = History.from_records(
        [
            {
                "unit": u,
                "period": y,
                "titles": ["LĐTT", "CSTĐCS"] + ["CSTĐ_BO"] * (y == 2011),
            }
            for u in ("X", "Y")
            for y in range(2009, 2013)
        ]
    )
    return scheme, h


def test_cascade_neither_rechecks_names_nor_rebuilds_the_history(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scheme, h = _chain()
    revoked = h.revoke("X", "LĐTT", 2010, reason="forged dossier")
    calls = {"check": 0, "init": 0}
    check, init = er.eligibility._check_names, History.__init__

    def counting_check(*a, **k):  # type: ignore[no-untyped-def]
        calls["check"] += 1
        return check(*a, **k)

    def counting_init(self, *a, **k):  # type: ignore[no-untyped-def]
        calls["init"] += 1
        return init(self, *a, **k)

    monkeypatch.setattr(er.eligibility, "_check_names", counting_check)
    monkeypatch.setattr(History, "__init__", counting_init)
    out = er.cascade(h, revoked, scheme)
    assert [(d.unit, d.award, d.period) for d in out] == [
        ("X", "CSTĐCS", 2010),
        ("X", "CSTĐ_BO", 2011),
    ]
    assert calls == {"check": 0, "init": 0}


def test_withdrawn_awards_are_revoked_with_their_reason() -> None:
    _scheme, h = _chain()
    revoked = h.revoke("X", "LĐTT", 2010, reason="forged dossier")
    current = er.awards._withdraw(
        revoked, "units", [er.awards.Dependent("X", "CSTĐCS", 2010, "prerequisite LĐTT")]
    )
    assert not current.held("CSTĐCS", 2010)[0]
    assert current.held("CSTĐCS", 2010)[1]
    assert current.granted("CSTĐCS")[1, 0]  # the grant stays on record
    assert current.revocations[-1].reason == "no longer stands: prerequisite LĐTT"
    assert revoked.held("CSTĐCS", 2010)[0]  # the history given is not changed


def test_prerequisites_are_one_rule_for_allocation_and_cascade() -> None:
    # An equivalent title stands for the prerequisite in allocation and in cascade alike.
    scheme = AwardScheme([Award("B", requires="A")], equivalent=[("A", "A2")], declared=["A", "A2"])
    h = History.from_records(
        [{"unit": "X", "period": P, "titles": ["A", "A2", "B"]}, {"unit": "Y", "period": P}]
    )
    held = er.awards._prerequisites_held(scheme, scheme.award("B"), h, P)
    assert held["A"].tolist() == [True, False]
    alloc = scheme.allocate(Context(P, history=h))
    assert alloc.awarded("B") == ("X",)
    # Revoking A leaves A2: B still stands.
    assert er.cascade(h, h.revoke("X", "A", P, reason="r"), scheme) == []
    both = h.revoke("X", "A", P, reason="r").revoke("X", "A2", P, reason="r")
    (d,) = er.cascade(h, both, scheme)
    assert d.why == "prerequisite A no longer held"


# -- 5. the effective levels are read-only ------------------------------------------------


def test_effective_level_is_read_only() -> None:
    scheme = AwardScheme(
        [Award("L", level=1), Award("F", requires="L", level=9)],
    )
    assert scheme.effective_level["L"] == 9
    with pytest.raises(TypeError):
        scheme.effective_level["L"] = 1  # type: ignore[index]
    assert scheme.order == ("L", "F")


# -- 6. an override's wording follows the kind of bar --------------------------------------


def _bars() -> list[object]:
    from emulation_rules.rotation import reasons

    return [
        reasons.not_member("A", 2024),
        reasons.in_cooldown(2023, "A", "A", 1),
        reasons.in_cooldown(2023, "B", "A", 2),
    ]


@given(st.sampled_from(["member", "eligibility", "cooldown"]), st.integers(0, 2))
def test_an_override_says_what_it_sets_aside_by_kind_not_by_wording(kind: str, k: int) -> None:
    from emulation_rules.rotation import reasons

    bar = _bars()[k]
    said = reasons.override("A", "assigned", (kind, bar))  # type: ignore[arg-type]
    expected = {
        "member": "membership",
        "eligibility": "the eligibility condition",
        "cooldown": "the cooldown",
    }[kind]
    assert said.values["sets_aside"] == kind
    assert said.parts == (bar,)
    assert str(said) == f"override (assigned); overrides {expected} ({bar})"


def test_a_non_member_reason_is_not_called_a_cooldown() -> None:
    from emulation_rules.rotation import reasons

    said = str(reasons.override("A", "merger", ("member", reasons.not_member("A", 2024))))
    assert "cooldown" not in said
    assert "overrides membership (not a member in 2024)" in said
