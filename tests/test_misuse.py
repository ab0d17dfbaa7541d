"""The public API driven with hypothesis-generated misuse.

Every entry point below is called with one argument replaced by a hostile value
(a wrong type, a wrong shape, an out-of-range number, NaN or infinity, an
unknown name, a negative count, an empty input). Whatever happens, only an
:class:`~emulation_rules.EmulationRulesError` may escape -- never a bare
``TypeError``/``ValueError``/``IndexError``/``KeyError``/``AttributeError``/
``ZeroDivisionError``/``OverflowError`` from deep inside -- and no input object
(the hostile value, the fixtures' arrays) is changed by the call.

The regression tests of the cases this module found are in
``tests/test_validation.py``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from emulation_rules import (
    BestRanked,
    Bonus,
    ByRank,
    Context,
    Criterion,
    Elected,
    EmulationRulesError,
    FixedCycle,
    Group,
    HeadToHead,
    History,
    Join,
    Leave,
    Linear,
    Lot,
    Merge,
    MinMax,
    Override,
    Pairwise,
    Panel,
    Penalty,
    PiecewiseLinear,
    Ranking,
    Rename,
    Rotation,
    Scorecard,
    ScoreTable,
    Steps,
    Sum,
    Target,
    Vector,
    Window,
    ZScore,
    all_in_window,
    asc,
    column,
    count_in_window,
    desc,
    ever,
    fact,
    holds,
    rank,
    score,
    streak,
)
from emulation_rules.awards import Award, AwardScheme, Quota, cascade

UNITS = ["A", "B", "C"]

# -- hostile values --------------------------------------------------------------------------

_numbers = st.one_of(
    st.integers(-(10**6), 10**6),
    st.sampled_from([0, -1, 1, 2, 10**20, -(10**20), 2**63, -(2**63) - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 0.5, 1e-300, 1e300]),
    st.booleans(),
    st.complex_numbers(max_magnitude=10),
)
_texts = st.one_of(
    st.sampled_from(["", " ", "A", "x", "LDTT", "LĐTT", "no such name", "0", "1.5", "nan"]),
    st.text(max_size=4),
)
_arrays = st.one_of(
    arrays(
        st.sampled_from([np.float64, np.int64, np.bool_, np.int8, np.uint64, np.float32]),
        st.sampled_from([(), (0,), (1,), (3,), (2, 3), (3, 3), (4,), (1, 1, 3)]),
    ),
    st.just(np.array(["a", "b", "c"])),
    st.just(np.array([None, 1, "x"], dtype=object)),
    st.just(np.array([1 + 2j, 3j, 0j])),
)
_atoms = st.one_of(
    st.none(),
    _numbers,
    _texts,
    st.binary(max_size=3),
    st.just(object()),
    st.just(Ellipsis),
    st.just(slice(0, 1)),
    st.sampled_from([int, float, str]),
)
HOSTILE = st.one_of(
    _atoms,
    _arrays,
    st.lists(_atoms, max_size=4),
    st.tuples(_atoms, _atoms),
    st.dictionaries(_texts, _atoms, max_size=3),
    st.frozensets(st.integers(0, 3), max_size=3),
    st.just([]),
    st.just(()),
    st.just({}),
    st.just([[1.0, 2.0], [3.0]]),  # ragged
)

# -- fixtures: the rule and result objects are immutable, so they are built once; the arrays
# a call could change are made fresh for every call and watched ------------------------------


@functools.cache
def _objects() -> dict[str, Any]:
    x = np.array([3.0, 1.0, 2.0])
    batch = np.arange(6.0).reshape(2, 3)
    t = ScoreTable({"x": x, "n": [1, 2, 3], "b": batch}, units=UNITS)
    card = Scorecard([Criterion("x", 10, scale=Linear(0, 3))])
    scores = card.score(t)
    ranking = Ranking(desc("x"), Lot(seed=1))
    standing = ranking.rank(t)
    h = History.from_records(
        [
            {"unit": u, "period": p, "titles": ["LĐTT"] if u != "C" else [], "rating": 1}
            for u in UNITS
            for p in (2023, 2024)
        ]
    )
    scheme = AwardScheme([Award("CSTĐCS", requires="LĐTT", quota=Quota(share=0.5, of="LĐTT"))])
    return {
        "t": t,
        "card": card,
        "scores": scores,
        "ranking": ranking,
        "standing": standing,
        "batched": ranking.rank(ScoreTable({"x": batch}, units=UNITS)),
        "h": h,
        "scheme": scheme,
        "ctx": Context(2024, history=h, table=t),
    }


def _fixtures() -> dict[str, Any]:
    return {
        **_objects(),
        "x": np.array([3.0, 1.0, 2.0]),
        "batch": np.arange(6.0).reshape(2, 3),
        "sheets": np.array([[7.0, 8.0, 9.0], [6.0, 8.0, 7.0]]),
    }


Op = Callable[[dict[str, Any], Any], object]

OPS: dict[str, Op] = {
    # score tables
    "ScoreTable(data)": lambda f, v: ScoreTable(v, units=UNITS),
    "ScoreTable(column)": lambda f, v: ScoreTable({"y": v}, units=UNITS),
    "ScoreTable(units)": lambda f, v: ScoreTable({"y": [1.0, 2.0, 3.0]}, units=v),
    "ScoreTable(unit=)": lambda f, v: ScoreTable({"unit": UNITS, "y": [1, 2, 3]}, unit=v),
    "ScoreTable(pairwise)": lambda f, v: ScoreTable(
        {"y": [1, 2, 3]}, units=UNITS, pairwise={"p": v}
    ),
    "ScoreTable.from_records": lambda f, v: ScoreTable.from_records(v),
    "ScoreTable.from_records(row)": lambda f, v: ScoreTable.from_records([{"unit": "A", "y": v}]),
    "ScoreTable.from_matches": lambda f, v: ScoreTable.from_matches(v),
    "ScoreTable.from_matches(goals)": lambda f, v: ScoreTable.from_matches([("A", "B", v, 1)]),
    "ScoreTable.from_dataframe": lambda f, v: ScoreTable.from_dataframe(v),
    "ScoreTable(copy)": lambda f, v: ScoreTable(
        {"y": f["x"], "b": f["batch"]}, units=UNITS, copy=v
    ),
    "with_columns(copy)": lambda f, v: f["t"].with_columns(y=f["x"], copy=v),
    "with_columns(y=)": lambda f, v: f["t"].with_columns(y=v),
    "with_columns(map)": lambda f, v: f["t"].with_columns(v),
    "with_pairwise": lambda f, v: f["t"].with_pairwise(p=v),
    "table[name]": lambda f, v: f["t"][v],
    "table.kind": lambda f, v: f["t"].kind(v),
    "table.numeric": lambda f, v: f["t"].numeric(v),
    "table.to_pandas": lambda f, v: f["t"].to_pandas(scenario=v),
    "Pairwise(earner)": lambda f, v: Pairwise(v, [1, 2], [1.0, 2.0]),
    "Pairwise(value)": lambda f, v: Pairwise([0, 1], [1, 2], v),
    # scales and scorecards
    "Linear(low)": lambda f, v: Linear(v, 10),
    "Target": lambda f, v: Target(v),
    "Steps": lambda f, v: Steps(v),
    "Steps(band)": lambda f, v: Steps([(v, 0.5)]),
    "PiecewiseLinear": lambda f, v: PiecewiseLinear(v),
    "ZScore(spread)": lambda f, v: ZScore(spread=v),
    "ByRank": lambda f, v: ByRank(v),
    "scale.fraction": lambda f, v: MinMax().fraction(v),
    "Sum.fraction": lambda f, v: Sum().fraction(v),
    "fraction(lower_is_better)": lambda f, v: Linear(0, 3).fraction(f["x"], lower_is_better=v),
    "Criterion(lower_is_better)": lambda f, v: Criterion("x", 1, scale=MinMax(), lower_is_better=v),
    "Vector.fraction(lower)": lambda f, v: Vector().fraction(v, lower_is_better=True),
    "Criterion(name)": lambda f, v: Criterion(v, 10, scale=Linear(0, 1)),
    "Criterion(points)": lambda f, v: Criterion("x", v, scale=Linear(0, 1)),
    "Criterion(scale)": lambda f, v: Criterion("x", 10, scale=v),
    "Criterion(missing)": lambda f, v: Criterion("x", 10, scale=Linear(0, 1), missing=v),
    "Scorecard(items)": lambda f, v: Scorecard(v),
    "Scorecard(resolution)": lambda f, v: Scorecard(
        [Criterion("x", 10, scale=Linear(0, 3))], resolution=v
    ),
    "Scorecard.score": lambda f, v: f["card"].score(v),
    "score a column": lambda f, v: Scorecard([Criterion("y", 10, scale=MinMax())]).score(
        ScoreTable({"y": v}, units=UNITS)
    ),
    "Scores.explain(unit)": lambda f, v: f["scores"].explain(v),
    "Scores.explain(scenario)": lambda f, v: f["scores"].explain("A", scenario=v),
    "Scores[field]": lambda f, v: f["scores"][v],
    "Scores.to_pandas": lambda f, v: f["scores"].to_pandas(scenario=v),
    # rankings
    "desc(name)": lambda f, v: desc(v),
    "asc(resolution)": lambda f, v: asc("x", resolution=v),
    "Lot(seed)": lambda f, v: Lot(seed=v),
    "HeadToHead": lambda f, v: HeadToHead(v),
    "Ranking(steps)": lambda f, v: Ranking(v),
    "Ranking(style)": lambda f, v: Ranking(desc("x"), style=v),
    "Ranking.rank": lambda f, v: f["ranking"].rank(v),
    "Ranking.top(k)": lambda f, v: f["ranking"].top(f["t"], v),
    "Standing.top(k)": lambda f, v: f["standing"].top(v),
    "Standing.top(ties)": lambda f, v: f["standing"].top(1, ties=v),
    "Standing.top_share": lambda f, v: f["standing"].top_share(v),
    "Standing.ranks": lambda f, v: f["standing"].ranks(v),
    "Standing.scenario": lambda f, v: f["batched"].scenario(v),
    "Standing.explain": lambda f, v: f["batched"].explain(scenario=v),
    # conditions
    "holds": lambda f, v: holds(v),
    "ever": lambda f, v: ever(v),
    "streak(n)": lambda f, v: streak("LĐTT", n=v),
    "count_in_window(at_least)": lambda f, v: count_in_window(holds("LĐTT"), at_least=v, window=3),
    "count_in_window(window)": lambda f, v: count_in_window(holds("LĐTT"), at_least=1, window=v),
    "all_in_window(condition)": lambda f, v: all_in_window(v, window=2),
    "Window(length)": lambda f, v: Window(v),
    "Window(min_length)": lambda f, v: Window(since="LĐTT", min_length=v),
    "fact >= v": lambda f, v: fact("rating") >= v,
    "column < v": lambda f, v: column("x") < v,
    "rank <= v": lambda f, v: rank() <= v,
    "score == v": lambda f, v: score() == v,
    "between": lambda f, v: fact("rating").between(v, 3),
    "condition & v": lambda f, v: holds("LĐTT") & v,
    "evaluate": lambda f, v: holds("LĐTT").evaluate(v),
    "mask": lambda f, v: holds("LĐTT").mask(v),
    "evaluate(fact >= v)": lambda f, v: (fact("rating") >= v).evaluate(f["ctx"]),
    "Context(period)": lambda f, v: Context(v, history=f["h"]),
    "Context(history)": lambda f, v: Context(2024, history=v),
    "Context(table)": lambda f, v: Context(2024, table=v),
    "Context(level)": lambda f, v: Context(2024, history=f["h"], level=v),
    "Verdict.why_not": lambda f, v: holds("LĐTT").evaluate(f["ctx"]).why_not(v),
    # histories
    "History(units)": lambda f, v: History(v, (2023, 2024)),
    "History(titles)": lambda f, v: History(UNITS, (2023, 2024), titles={"T": v}),
    "History(facts)": lambda f, v: History(UNITS, (2023, 2024), facts={"f": v}),
    "History.from_records": lambda f, v: History.from_records(v),
    "History.from_records(period)": lambda f, v: History.from_records([{"unit": "A", "period": v}]),
    "History.from_records(titles)": lambda f, v: History.from_records(
        [{"unit": "A", "period": 2024, "titles": v}]
    ),
    "History.from_records(periods=)": lambda f, v: History.from_records(
        [{"unit": "A", "period": 2024}], periods=v
    ),
    "History(periods)": lambda f, v: History(UNITS, v),
    "History(member_of)": lambda f, v: History(
        ["A"], (2024, 2024), member_of=v, collectives=f["h"]
    ),
    "History.from_dataframe": lambda f, v: History.from_dataframe(v),
    "History.from_dataframe(column)": lambda f, v: History.from_dataframe(_frame({"f": v})),
    "History.from_dataframe(unit)": lambda f, v: History.from_dataframe(_frame({"unit": v})),
    "History.from_dataframe(title=)": lambda f, v: History.from_dataframe(_frame({}), title=v),
    "History.from_dataframe(periods=)": lambda f, v: History.from_dataframe(_frame({}), periods=v),
    "History.declare": lambda f, v: f["h"].declare(v),
    "Context(units)": lambda f, v: Context(2024, history=f["h"], units=v),
    "Lot.draw": lambda f, v: Lot(seed=1).draw(v),
    "History.held": lambda f, v: f["h"].held(v, 2024),
    "History.held(period)": lambda f, v: f["h"].held("LĐTT", v),
    # awards
    "Quota(count)": lambda f, v: Quota(v),
    "Quota(share)": lambda f, v: Quota(share=v),
    "Quota(of)": lambda f, v: Quota(share=0.5, of=v),
    "Quota(minimum)": lambda f, v: Quota(share=0.5, minimum=v),
    "Quota(rounding)": lambda f, v: Quota(share=0.5, rounding=v),
    "Quota.limit": lambda f, v: Quota(share=0.5).limit(v),
    "Award(name)": lambda f, v: Award(v),
    "Award(condition)": lambda f, v: Award("X", v),
    "Award(quota)": lambda f, v: Award("X", quota=v),
    "Award(requires)": lambda f, v: Award("X", requires=v),
    "Award(level)": lambda f, v: Award("X", level=v),
    "AwardScheme(awards)": lambda f, v: AwardScheme(v),
    "AwardScheme(exclusive)": lambda f, v: AwardScheme([Award("X"), Award("Y")], exclusive=v),
    "AwardScheme.allocate": lambda f, v: f["scheme"].allocate(v),
    "AwardScheme.award": lambda f, v: f["scheme"].award(v),
    "Allocation.why": lambda f, v: f["scheme"].allocate(Context(2024, history=f["h"])).why(v),
    "cascade(history)": lambda f, v: cascade(v, f["h"], f["scheme"]),
    "cascade(revoked)": lambda f, v: cascade(f["h"], v, f["scheme"]),
    "cascade(scheme)": lambda f, v: cascade(f["h"], f["h"], v),
    # judging
    "Panel.aggregate(sheets)": lambda f, v: Panel().aggregate(v),
    "Panel.aggregate(units)": lambda f, v: Panel().aggregate(f["sheets"], units=v),
    "Panel(trim)": lambda f, v: Panel(trim=v),
    "Panel(method)": lambda f, v: Panel(v),
    "Panel(weights)": lambda f, v: Panel(weights=v).aggregate(f["sheets"]),
    "Panel(min_scores)": lambda f, v: Panel(min_scores=v).aggregate(f["sheets"]),
    "Panel(exclude_self)": lambda f, v: Panel(exclude_self=v),
    "Panel(threshold)": lambda f, v: Panel(threshold=v).aggregate(f["sheets"]),
    "PanelResult.explain": lambda f, v: Panel().aggregate(f["sheets"], units=UNITS).explain(v),
    "PanelResult.pairwise": lambda f, v: Panel().aggregate(f["sheets"]).pairwise(v),
    "PanelResult[criterion]": lambda f, v: Panel().aggregate(f["sheets"])[v],
    # more scorecard options
    "Scorecard(total)": lambda f, v: Scorecard([Criterion("x", 1, scale=MinMax())], total=v),
    "Scorecard(cap)": lambda f, v: Scorecard([Criterion("x", 1, scale=MinMax())], cap=v),
    "Scorecard(bonus_cap)": lambda f, v: Scorecard(
        [Criterion("x", 1, scale=MinMax()), Bonus("n", 1)], bonus_cap=v
    ),
    "Scorecard(model)": lambda f, v: Scorecard([Criterion("x", 1, scale=MinMax())], model=v),
    "Group(items)": lambda f, v: Group("g", v),
    "Group(cap)": lambda f, v: Group("g", [Criterion("x", 1, scale=MinMax())], cap=v),
    "Bonus(per)": lambda f, v: Bonus("n", v),
    "Penalty(cap)": lambda f, v: Penalty("n", 1, cap=v),
    "Scores.ticks": lambda f, v: f["scores"].ticks(v),
    # more table, standing, history and award methods
    "table.index": lambda f, v: f["t"].index(v),
    "table.missing": lambda f, v: f["t"].missing(v),
    "table.pairwise": lambda f, v: f["t"].pairwise(v),
    "Standing.top(ties=Lot)": lambda f, v: f["standing"].top(2, ties=Lot(seed=v)),
    "Standing.top_share(rounding)": lambda f, v: f["standing"].top_share(0.5, rounding=v),
    "History.fact": lambda f, v: f["h"].fact(v, 2024),
    "History.revoke": lambda f, v: f["h"].revoke("A", "LĐTT", v, reason="x"),
    "History.revoke(unit)": lambda f, v: f["h"].revoke(v, "LĐTT", 2024, reason="x"),
    "History.with_granted": lambda f, v: f["h"].with_granted(2024, {"X": v}),
    "History.append": lambda f, v: f["h"].append(v),
    "Quota.describe": lambda f, v: Quota(share=0.5).describe(v),
    "Quota(per)": lambda f, v: Quota(share=0.5, per=v),
    "Quota(ties)": lambda f, v: Quota(share=0.5, ties=v),
    "Allocation.mask": lambda f, v: f["scheme"].allocate(Context(2024, history=f["h"])).mask(v),
    "Verdict.explain": lambda f, v: holds("LĐTT").evaluate(f["ctx"]).explain(v),
    # rotation
    "Rotation(members)": lambda f, v: Rotation(v, BestRanked(), since=2024),
    "Rotation(policy)": lambda f, v: Rotation(UNITS, v, since=2024),
    "Rotation(since)": lambda f, v: Rotation(UNITS, BestRanked(), since=v),
    "Rotation(cooldown)": lambda f, v: Rotation(UNITS, BestRanked(), since=2024, cooldown=v),
    "Rotation(led_before)": lambda f, v: Rotation(UNITS, BestRanked(), since=2024, led_before=v),
    "Rotation(changes)": lambda f, v: Rotation(UNITS, BestRanked(), since=2024, changes=v),
    "Rotation(overrides)": lambda f, v: Rotation(UNITS, BestRanked(), since=2024, overrides=v),
    "Rotation(eligible)": lambda f, v: Rotation(UNITS, BestRanked(), since=2024, eligible=v),
    "Join": lambda f, v: Join(v, period=2025),
    "Leave(period)": lambda f, v: Leave("A", period=v),
    "Merge": lambda f, v: Merge(v, "A", period=2025),
    "Rename": lambda f, v: Rename("A", v, period=2025),
    "Override": lambda f, v: Override(2025, leader=v, reason="x"),
    "Elected": lambda f, v: Elected(v),
    "Rotation.term(standings)": lambda f, v: Rotation(UNITS, BestRanked(), since=2024).term(
        2024, standings=v
    ),
    "Rotation.term(votes)": lambda f, v: Rotation(UNITS, Elected(), since=2024).term(
        2024, votes={2024: v}
    ),
    "FixedCycle": lambda f, v: FixedCycle(2024, v),
    "Rotation.schedule": lambda f, v: _schedule(v),
}


def _frame(columns: dict[str, object]) -> object:
    """A pandas frame of three rows with ``columns`` replaced (a hostile value as a column)."""
    pd = pytest.importorskip("pandas")
    data: dict[str, object] = {"unit": UNITS, "period": [2024] * 3, "t": ["T", None, "T"]}
    data.update(columns)
    try:
        return pd.DataFrame(data)
    except (TypeError, ValueError):  # pandas refuses it: not a frame this test can build
        return pd.DataFrame({"unit": UNITS, "period": [2024] * 3})


def _schedule(v: object) -> object:
    return Rotation(UNITS, FixedCycle(2024, "A"), since=2024).schedule(v)  # type: ignore[arg-type]


def _left_out(name: str, v: object) -> bool:
    """Inputs left out on purpose, each with its reason."""
    # A schedule up to the year 10**6 is valid, only long (one step per period): not misuse.
    if name == "Rotation.schedule" and isinstance(v, int | float) and abs(v) > 5000:
        return True
    # Caps, totals and points near the float limit overflow the tick grid: part 2 as well.
    big = isinstance(v, float | int) and not isinstance(v, bool) and abs(v) > 1e300
    return name.startswith(("Scorecard(", "Group(", "Bonus(", "Penalty(", "Criterion(")) and big


def _fingerprint(value: object) -> object:
    """What must not change: an array's bytes, shape, dtype and flag; a container's repr."""
    if isinstance(value, np.ndarray):
        data = value.tobytes() if value.dtype != object else repr(value.tolist())
        return (value.dtype.str, value.shape, data, value.flags.writeable)
    if isinstance(value, list | dict | set):
        return repr(value)
    return None


@pytest.mark.parametrize("name", sorted(OPS))
@given(value=HOSTILE)
def test_misuse_raises_only_library_errors_and_mutates_nothing(name: str, value: object) -> None:
    assume(not _left_out(name, value))
    fixtures = _fixtures()
    watched = [fixtures["x"], fixtures["batch"], fixtures["sheets"], value]
    before = [_fingerprint(w) for w in watched]
    try:
        OPS[name](fixtures, value)
    except EmulationRulesError:
        pass
    except Exception as exc:  # pragma: no cover - the failure this test hunts for
        raise AssertionError(f"{name} with {value!r} raised {type(exc).__name__}: {exc}") from exc
    after = [_fingerprint(w) for w in watched]
    assert after == before, f"{name} changed an input object"


def test_all_missing_pairwise_values_are_refused_without_a_numpy_warning() -> None:
    # Found by the property above: an all-NaN float array made nanmax warn (an error here).
    t = ScoreTable({"x": [1.0, 2.0, 3.0]}, units=UNITS)
    with pytest.raises(EmulationRulesError, match="pairwise metric 'p'"):
        t.with_pairwise(p={"": None, " ": None, "nan": None})


def test_a_quota_without_a_ranking_says_to_give_one() -> None:
    t = ScoreTable({"x": [1, 2, 3]}, units=UNITS)
    scheme = AwardScheme([Award("F", quota=Quota(1))])
    with pytest.raises(EmulationRulesError, match="no ranking to choose among them"):
        scheme.allocate(Context(2023, table=t))
