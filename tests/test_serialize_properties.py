"""Properties of rules as JSON: every generated rule round-trips, and decides the same.

``loads(dumps(x)) == x`` for any rule object the strategies of
``emulation_rules.testing`` draw; and the reloaded rule gives identical results
on generated data -- scores, standings, verdicts, allocations, rotation
schedules -- or fails with the identical error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import emulation_rules as er
from emulation_rules import testing as ert
from emulation_rules.errors import EmulationRulesError


def reload(rule: Any) -> Any:
    return er.loads(er.dumps(rule))


def outcome(run: Callable[[], Any]) -> tuple[Any, ...]:
    """What ``run`` gives, as comparable text, or the error it raises (type and words)."""
    try:
        return ("ok", run())
    except EmulationRulesError as exc:
        return ("error", type(exc).__name__, str(exc))


def text(x: Any) -> str:
    """Arrays as text: NaN equals NaN, and -0.0 is told from 0.0."""
    return repr(np.asarray(x).tolist())


try:
    import jsonschema

    SCHEMA: Any = jsonschema.Draft202012Validator(er.schema())
except ImportError:  # pragma: no cover - jsonschema comes with the test extra
    SCHEMA = None


@given(ert.rules())
def test_every_rule_round_trips(rule: Any) -> None:
    written = er.dumps(rule)
    if SCHEMA is not None:
        SCHEMA.validate(json.loads(written))  # the published schema admits what is written
    back = er.loads(written)
    assert type(back) is type(rule)
    assert back == rule
    assert repr(back) == repr(rule)
    assert er.dumps(back) == written


COLS = ("x", "y")


@given(ert.score_tables(COLS), ert.scorecards(COLS))
def test_reloaded_scorecards_score_the_same(table: er.ScoreTable, card: er.Scorecard) -> None:
    back = reload(card)
    assert back == card

    def run(c: er.Scorecard) -> Any:
        s = c.score(table)
        return text(s.total), [text(s[f]) for f in s.fields], str(s.explain(s.units[0]))

    assert outcome(lambda: run(back)) == outcome(lambda: run(card))


@given(ert.score_tables(COLS), ert.rankings(COLS))
def test_reloaded_rankings_rank_the_same(table: er.ScoreTable, ranking: er.Ranking) -> None:
    back = reload(ranking)
    assert back == ranking

    def run(r: er.Ranking) -> Any:
        s = r.rank(table)
        return text(s.rank), s.order, s.ties

    assert outcome(lambda: run(back)) == outcome(lambda: run(ranking))


TITLES = ("LĐTT", "CSTĐCS", "BK")
FACTS = ("months",)
ORDINALS = {"rating": ("KHTNV", "HTNV", "HTTNV", "HTXSNV")}


def verdict(condition: er.Condition, context: er.Context) -> Any:
    v = condition.evaluate(context)
    return text(v.passed), text(v.failed_clauses), [v.why_not(u) for u in v.units]


@given(
    ert.histories(titles=TITLES, facts=FACTS, ordinals=ORDINALS),
    ert.conditions(titles=TITLES, facts=FACTS, ordinals=ORDINALS),
    st.integers(2019, 2025),
)
def test_reloaded_conditions_decide_the_same(
    history: er.History, condition: er.Condition, period: int
) -> None:
    back = reload(condition)
    assert back == condition
    ctx = er.Context(period, history=history)
    assert outcome(lambda: verdict(back, ctx)) == outcome(lambda: verdict(condition, ctx))


@given(
    ert.histories(titles=("LĐTT", "CSTĐCS"), collectives=("Phòng 1", "Phòng 2", "Phòng 3")),
    ert.conditions(titles=("LĐTT",), members_of={"titles": ("LĐTT", "CSTĐCS")}),
    st.integers(2019, 2024),
)
def test_reloaded_member_conditions_decide_the_same(
    history: er.History, condition: er.Condition, period: int
) -> None:
    back = reload(condition)
    assert back == condition
    ctx = er.Context(period, history=history, level="collectives")
    assert outcome(lambda: verdict(back, ctx)) == outcome(lambda: verdict(condition, ctx))


@given(
    ert.histories(titles=TITLES, facts=FACTS, periods=(2019, 2024)),
    ert.award_schemes(titles=TITLES, facts=FACTS, scores=("total",)),
    st.data(),
)
def test_reloaded_award_schemes_allocate_the_same(
    history: er.History, scheme: er.AwardScheme, data: st.DataObject
) -> None:
    back = reload(scheme)
    assert back == scheme
    totals = data.draw(
        st.lists(
            st.integers(0, 5).map(float), min_size=len(history.units), max_size=len(history.units)
        )
    )
    table = er.ScoreTable({"unit": list(history.units), "total": totals})
    ctx = er.Context(2024, history=history, table=table)

    def run(s: er.AwardScheme) -> Any:
        a = s.allocate(ctx)
        return [(n, a.awarded(n), text(a.reasons(n)), a.limit(n)) for n in a.awards]

    assert outcome(lambda: run(back)) == outcome(lambda: run(scheme))


UNITS = ("A", "B", "C", "D")


@given(
    ert.rotations(
        units=st.lists(st.sampled_from(UNITS), min_size=2, max_size=4, unique=True),
        eligible=ert.conditions(titles=("KL",), max_leaves=2),
    ),
    st.data(),
)
def test_reloaded_rotations_schedule_the_same(rotation: er.Rotation, data: st.DataObject) -> None:
    back = reload(rotation)
    assert back == rotation
    first, last = rotation.since, rotation.since + 5
    everyone = sorted({*UNITS, *ert._FRESH_IDS})
    n = len(everyone)
    years = range(first, last + 1)
    # Discipline (KL) is rare: a period where nobody may lead says little.
    rare = st.integers(0, 5).map(lambda k: k == 0)
    kl = data.draw(st.lists(rare, min_size=n * len(years), max_size=n * len(years)))
    history = er.History(
        everyone,
        (first, last),
        titles={"KL": np.array(kl, dtype=bool).reshape(len(years), n)},
    )
    # Votes and standings are of each period's members, without ties.
    votes: dict[int, dict[str, int]] = {}
    standings: dict[int, er.Standing] = {}
    top = er.Ranking(er.desc("votes"))
    for y in years:
        members = rotation.members_at(y)
        order = data.draw(st.permutations(range(len(members))))
        votes[y] = dict(zip(members, order, strict=True))
        table = er.ScoreTable({"unit": list(members), "votes": [float(v) for v in order]})
        standings[y] = top.rank(table)

    def run(r: er.Rotation) -> Any:
        s = r.schedule(first, last, history=history, standings=standings, votes=votes)
        return s.terms, s.explain()

    assert outcome(lambda: run(back)) == outcome(lambda: run(rotation))
