"""Reasons as data: every explanation is rendered from Reason objects that say the truth.

The laws: each reason's code is documented; reasons round-trip through plain data
(and JSON); the values a reason carries agree with what the engines computed (a
clause's ``passed`` is the clause's own verdict, an award's code is the allocation's
code, a term's difference names the holders it reports); the words of ``explain``,
``why_not``, ``why`` and the rotation's reports are the rendered reasons.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import (
    Award,
    AwardScheme,
    Condition,
    Context,
    History,
    Quota,
    Ranking,
    Reason,
    ScoreTable,
    asc,
    column,
    consecutive,
    count_in_window,
    desc,
    ever,
    fact,
    holds,
    streak,
)
from emulation_rules.errors import RuleError, RuleTypeError
from emulation_rules.reasons import CODES, codes_table
from emulation_rules.rotation import BestRanked, FixedCycle, Override, Rotation

DOCS = Path(__file__).resolve().parents[1] / "docs" / "reasons.md"
TITLES = ("LĐTT", "CSTĐCS")
UNITS = ("A", "B", "C", "D")


# -- the catalogue ---------------------------------------------------------------------


def test_the_docs_table_lists_every_code_as_generated() -> None:
    assert codes_table() in DOCS.read_text(encoding="utf-8")


def test_an_unknown_code_or_value_is_refused() -> None:
    with pytest.raises(RuleError, match="unknown reason code 'rank.frist'"):
        Reason("rank.frist")
    with pytest.raises(RuleTypeError, match="values\\['x'\\]"):
        Reason("rank.first", values={"x": object()}, units=("A",))
    with pytest.raises(RuleError, match="language"):
        Reason("rotation.next_in_cycle").render("fr")  # type: ignore[arg-type]


def test_reasons_are_immutable() -> None:
    r = Reason("condition.streak", values={"run": 1, "needed": 2, "on": [1, 2]})
    with pytest.raises(TypeError):
        r.values["run"] = 5  # type: ignore[index]
    assert r.values["on"] == (1, 2)
    assert r.to_dict()["values"]["on"] == [1, 2]


# -- eligibility ------------------------------------------------------------------------


@st.composite
def histories(draw: st.DrawFn) -> History:
    records = []
    for u in UNITS:
        for p in range(2019, 2024):
            titles = draw(st.lists(st.sampled_from(TITLES), unique=True, max_size=2))
            records.append(
                {"unit": u, "period": p, "titles": titles, "months": draw(st.integers(0, 12))}
            )
    return History.from_records(records, declared=TITLES)


def _leaves() -> st.SearchStrategy[Condition]:
    title = st.sampled_from(TITLES)
    return st.one_of(
        title.map(holds),
        st.builds(lambda t, b: ever(t, before=b), title, st.booleans()),
        st.builds(lambda t, n: streak(t, n=n), title, st.integers(1, 3)),
        st.builds(lambda t, n: consecutive(t, n=n), title, st.integers(1, 2)),
        st.builds(lambda m: fact("months") >= m, st.integers(0, 12)),
        st.builds(
            lambda t, k: count_in_window(holds(t), at_least=k, window=3),
            title,
            st.integers(1, 3),
        ),
    )


conditions = st.recursive(
    _leaves(),
    lambda kids: st.one_of(
        st.builds(lambda a, b: a & b, kids, kids),
        st.builds(lambda a, b: a | b, kids, kids),
        kids.map(lambda a: ~a),
    ),
    max_leaves=5,
)


def _nodes(r: Reason) -> list[Reason]:
    out = [r]
    for p in r.parts:
        out.extend(_nodes(p))
    return out


@given(histories(), conditions)
def test_every_clause_reason_is_the_clause_s_own_verdict(h: History, cond: Condition) -> None:
    ctx = Context(2023, history=h)
    verdict = cond.evaluate(ctx)
    clauses = {}
    for u in UNITS:
        root = verdict.reason(u)
        assert root.code == "eligibility.verdict"
        assert root.units == (u,)
        assert root.values["passed"] == bool(verdict.passed[verdict.units.index(u)])
        for node in _nodes(root.parts[0]):
            assert node.code in CODES
            # The clause evaluated alone gives the value its reason carries.
            sub = clauses.setdefault(node.rule, _find(cond, node.rule).evaluate(ctx))
            assert node.values["passed"] == bool(sub.passed[sub.units.index(u)]), node
        assert Reason.from_dict(json.loads(json.dumps(root.to_dict()))) == root


def _find(cond: Condition, rule: str) -> Condition:
    from emulation_rules.eligibility import _nodes as walk

    for node, _ in walk(cond):
        if repr(node) == rule:
            return node
    raise AssertionError(f"{rule} is not a clause of {cond!r}")


@given(histories(), conditions)
def test_why_not_names_every_blamed_clause_in_both_languages(h: History, cond: Condition) -> None:
    verdict = cond.evaluate(Context(2023, history=h))
    blamed = verdict.blamed_clauses()
    for j, u in enumerate(verdict.units):
        for language in ("en", "vi"):
            text = verdict.why_not(u, language=language)
            head = text.splitlines()[0]
            assert head.startswith(u)
            for k, clause in enumerate(verdict.clauses):
                if blamed[k, j]:
                    assert clause in text
            explained = verdict.explain(u, language=language)
            marks = explained.count("✓") + explained.count("✗")
            assert marks == len(_nodes(verdict.reason(u))) - 1  # every clause; not the root
    assert not [u for u in verdict.units if "passes" in verdict.why_not(u)] or verdict.passed.any()


def test_a_verdict_in_vietnamese() -> None:
    h = History.from_records(
        [{"unit": "An", "period": p, "titles": ["LĐTT"]} for p in (2021, 2022, 2023)]
        + [{"unit": "Bình", "period": 2023, "titles": ["LĐTT"]}]
    )
    v = streak("LĐTT", n=3).evaluate(Context(2023, history=h))
    assert v.why_not("Bình", language="vi") == (
        "Bình không đạt streak('LĐTT', n=3):\n  ✗ streak('LĐTT', n=3): 1 năm liên tục"
    )
    assert v.why_not("Bình") == (
        "Bình fails streak('LĐTT', n=3):\n  ✗ streak('LĐTT', n=3): 1 consecutive"
    )
    leaf = v.reason("Bình").parts[0]
    assert (leaf.code, leaf.values["run"], leaf.values["needed"]) == ("condition.streak", 1, 3)


# -- standings ---------------------------------------------------------------------------


@given(
    st.lists(st.integers(0, 3), min_size=2, max_size=7),
    st.lists(st.integers(0, 3), min_size=7, max_size=7),
)
def test_standing_reasons_agree_with_the_standing(a: list[int], b: list[int]) -> None:
    units = [f"u{i}" for i in range(len(a))]
    t = ScoreTable({"x": a, "y": b[: len(a)]}, units=units)
    s = Ranking(desc("x"), asc("y")).rank(t)
    e = s.explain()
    reasons = e.reasons()
    assert str(e) == "\n".join(str(r) for r in reasons)
    assert [r.units[0] for r in reasons] == list(s.order)
    for r in reasons:
        i = units.index(r.units[0])
        assert r.values["rank"] == int(s.rank[i])
        if r.code == "rank.step":
            above = units.index(r.units[1])
            col = "x" if r.rule == "desc('x')" else "y"
            assert (r.values["value"], r.values["above_value"]) == (
                t[col][i],
                t[col][above],
            )
        if r.code == "rank.tied":
            assert s.rank[i] == s.rank[units.index(r.units[1])]
        assert Reason.from_dict(r.to_dict()) == r
    assert "\n" in e.render("vi") or len(units) == 1


# -- awards ------------------------------------------------------------------------------


@given(
    st.lists(st.integers(0, 9), min_size=1, max_size=8),
    st.sampled_from([0.15, 0.5, 1 / 3, 0.25]),
    st.sampled_from(["floor", "ceil", "half_up"]),
    st.integers(0, 9),
    st.sampled_from(["include", "exclude"]),
)
def test_award_reasons_agree_with_the_allocation(
    xs: list[int], share: float, rounding: Any, cut: int, ties: Any
) -> None:
    units = [f"u{i}" for i in range(len(xs))]
    t = ScoreTable({"x": xs}, units=units)
    scheme = AwardScheme(
        [
            Award(
                "Flag",
                column("x") >= cut,
                quota=Quota(share=share, of="units", rounding=rounding, ties=ties),
                ranking=Ranking(desc("x")),
            ),
            Award("Cert", excludes=("Flag",)),
        ]
    )
    alloc = scheme.allocate(Context(2023, table=t))
    codes = alloc.reasons("Flag")
    for i, u in enumerate(units):
        r = alloc.reason(u, "Flag")
        from emulation_rules.reasons import AWARD_CODES

        assert r.code == AWARD_CODES[int(codes[i])]
        quota = [p for p in r.parts if p.code == "quota.limit"]
        if quota:
            assert quota[0].values["limit"] == alloc.limit("Flag")[""]
            assert r.values["position"] >= 1
        assert alloc.why(u, "Flag").splitlines()[1].strip() == str(r)
        assert alloc.why(u, "Flag", language="vi").splitlines()[1].strip() == r.render("vi")
        c = alloc.reason(u, "Cert")
        assert (c.code == "award.excluded") == bool(alloc.mask("Flag")[i])
        if c.code == "award.excluded":
            assert c.parts[0].units == ("Flag",)
        json.dumps(r.to_dict())


def test_quota_describe_is_its_reason_rendered() -> None:
    q = Quota(share=0.15, of="units", rounding="ceil", maximum=3)
    r = q.reason(33)
    assert q.describe(33) == str(r) == "15 % of 33 = 4.95 -> 5 (ceil), bounded to 3"
    assert dict(r.values) == {
        "count": None,
        "rounding": "ceil",
        "percent": "15",
        "share": "0.15",
        "base": "33",
        "exact": "4.95",
        "rounded": 5,
        "limit": 3,
        "bounded": True,
    }
    assert (
        q.describe(33, language="vi")
        == "15 % của 33 = 4.95 -> 5 (làm tròn lên), theo mức tối thiểu/tối đa: 3"
    )


# -- rotation ----------------------------------------------------------------------------


@given(
    st.integers(0, 2),
    st.lists(st.sampled_from(["A", "B", "C", "D", None]), min_size=6, max_size=6),
)
def test_term_reasons_agree_with_the_term(cooldown: int, forced: list[str | None]) -> None:
    overrides = [Override(2020 + k, leader=u, reason="assigned") for k, u in enumerate(forced) if u]
    rot = Rotation(
        ["A", "B", "C", "D"],
        FixedCycle(2020, "A"),
        since=2020,
        cooldown=cooldown,
        overrides=overrides,
    )
    for term in rot.schedule(2020, 2025):
        assert term.reasons == tuple(str(r) for r in term.why)
        assert term.how == (str(term.leader_why) if term.leader_why else "")
        assert [u for u, _ in term.skipped] == [r.units[0] for r in term.skipped_why]
        for r in term.why:
            role = r.values["role"]
            held = term.leader if role == "leader" else term.deputy
            base = term.base_leader if role == "leader" else term.base_deputy
            assert (r.values["unit"], r.values["base"]) == (held, base)
        for r in term.skipped_why:
            if r.code == "rotation.cooldown":
                assert r.values["cooldown"] == cooldown
                assert term.period - cooldown <= r.values["last"] < term.period
        if term.leader_why is not None and term.leader_why.code == "rotation.override":
            assert term.leader_why.values["reason"] == "assigned"
        json.dumps(term.to_dict())
        assert term.explain(language="vi").startswith(f"{term.period}: ")


def test_best_ranked_reasons_carry_the_rank_and_the_tie_breaks() -> None:
    t = ScoreTable({"unit": ["A", "B", "C"], "x": [5, 5, 4], "y": [1, 2, 9]})
    s = Ranking(desc("x"), desc("y")).rank(t)
    term = Rotation(["A", "B", "C"], BestRanked(), since=2024).term(2024, standings={2024: s})
    why = term.leader_why
    assert why is not None
    assert (why.code, why.values["rank"], why.units) == ("rotation.ranked", 1, ("B",))
    (brk,) = why.values["tie_breaks"]
    assert dict(brk) == {"with": "A", "on": ("desc('x')",), "by": "desc('y')", "ahead": True}
    assert term.how == (
        "rank 1 of the standing used for 2024; tied with A on desc('x'), ahead on desc('y')"
    )
    assert "hạng 1" in why.render("vi")


def test_every_code_is_said_in_both_languages() -> None:
    # Sample values for every code, so a new code without wording fails here.
    seen: dict[str, Reason] = {}
    h = History.from_records(
        [{"unit": u, "period": 2023, "titles": ["LĐTT"], "months": 3} for u in UNITS],
        declared=TITLES,
    )
    for cond in (
        holds("LĐTT") & ~(fact("months") >= 6) | ever("CSTĐCS"),
        streak("LĐTT", n=2) & consecutive("LĐTT", n=2),
        count_in_window(holds("LĐTT"), at_least=1, window=2),
    ):
        for r in _nodes(cond.evaluate(Context(2023, history=h)).reason("A")):
            seen.setdefault(r.code, r)
    for code, r in seen.items():
        en, vi = r.render("en"), r.render("vi")
        assert isinstance(en, str)
        assert isinstance(vi, str)
        if en and not any(ch.isdigit() for ch in en):
            assert en != vi, code
    assert np.all([c in CODES for c in seen])


# -- results as plain data -----------------------------------------------------------------


@given(histories(), conditions)
def test_a_whole_verdict_as_data(h: History, cond: Condition) -> None:
    v = cond.evaluate(Context(2023, history=h))
    d = json.loads(json.dumps(v.to_dict()))
    assert d["passed"] == dict(zip(v.units, v.passed.tolist(), strict=True))
    assert {u: Reason.from_dict(r) for u, r in d["reasons"].items()} == {
        u: v.reason(u) for u in v.units
    }


@given(st.lists(st.integers(0, 5), min_size=1, max_size=6))
def test_standing_allocation_and_scores_as_data(xs: list[int]) -> None:
    from emulation_rules import Criterion, Linear, Scorecard

    units = [f"u{i}" for i in range(len(xs))]
    t = ScoreTable({"x": xs}, units=units)
    scores = Scorecard([Criterion("x", 10, scale=Linear(0, 5))]).score(t)
    d = json.loads(json.dumps(scores.to_dict()))
    assert d["fields"]["total"] == scores.total.tolist()
    s = Ranking(desc("x")).rank(t)
    d = json.loads(json.dumps(s.to_dict()))
    assert d["order"] == list(s.order)
    assert [Reason.from_dict(r) for r in d["reasons"]] == list(s.explain().reasons())
    scheme = AwardScheme([Award("Top", quota=Quota(1, ties="include"), ranking=Ranking(desc("x")))])
    alloc = scheme.allocate(Context(2023, table=t))
    d = json.loads(json.dumps(alloc.to_dict()))
    assert d["awards"]["Top"]["awarded"] == list(alloc.awarded("Top"))
    assert d["awards"]["Top"]["limit"] == {"": 1}
    for u in units:
        assert Reason.from_dict(d["awards"]["Top"]["reasons"][u]) == alloc.reason(u, "Top")


# -- regressions found in review -------------------------------------------------------------


def test_citations_survive_json_and_show_in_why_not_of_a_cited_group() -> None:
    import emulation_rules as er

    group = ((fact("months") >= 6) & (fact("d") < 1)).cite("Điều 24")
    cond = er.all_of(group, holds("LĐTT").cite("Điều 23"))
    again = er.loads(er.dumps(cond))
    assert [p.source for p in again.parts] == ["Điều 24", "Điều 23"]  # type: ignore[attr-defined]
    h = History.from_records(
        [{"unit": "A", "period": 2023, "titles": ["LĐTT"], "months": 3, "d": 0}]
    )
    text = again.evaluate(Context(2023, history=h)).why_not("A")
    assert "✗ fact('months') >= 6: 3 [Điều 24]" in text


def test_reasons_and_terms_hash_by_value() -> None:
    a = Reason("condition.streak", values={"run": 1, "needed": 2, "on": {"x": [1]}})
    b = Reason("condition.streak", values={"run": 1, "needed": 2, "on": {"x": [1]}})
    assert a == b
    assert hash(a) == hash(b)
    term = Rotation(["A", "B"], FixedCycle(2024, "A"), since=2024).term(2024)
    assert {term, term} == {term}


def test_a_reason_lacking_its_values_is_refused_when_said() -> None:
    for code in ("condition.window", "rank.tied", "rotation.deputy_gone", "award.awarded"):
        with pytest.raises(RuleError, match=f"reason '{code}' cannot be said"):
            Reason(code).render()


def test_term_explain_refuses_an_unknown_language() -> None:
    term = Rotation(["A", "B"], FixedCycle(2024, "A"), since=2024).term(2024)
    with pytest.raises(RuleError, match="language"):
        term.explain(language="fr")  # type: ignore[arg-type]


def test_non_finite_values_of_results_survive_json() -> None:
    import emulation_rules as er

    h = History.from_records(
        [{"unit": "A", "period": 2024, "x": float("inf")}, {"unit": "B", "period": 2024, "x": 1}]
    )
    v = (fact("x") > 3).evaluate(Context(2024, history=h))
    data = er.loads(er.dumps(v))
    assert Reason.from_dict(data["reasons"]["A"]) == v.reason("A")


def test_season_reports_keep_every_digit() -> None:
    import emulation_rules as er

    comp = er.Competition(
        "Sales",
        scorecard=er.Scorecard([er.Criterion("s", 10_000_000, scale=er.Linear(0, 10_000_000))]),
        ranking=er.Ranking(er.desc("total")),
    )
    season = comp.run(2024, ScoreTable({"unit": ["A", "B"], "s": [1234567, 1234564]}))
    assert "1234564" in season.to_text()
    assert "total 1234564 points" in str(season.explain("B"))
