"""Regression tests of issue 9, parts 3 and 4: no shared caller memory, validated arguments.

Each class of silent wrong answer has its examples here and a property that
hunts for new members; the broad misuse sweep is ``tests/test_misuse.py``.
"""

from __future__ import annotations

import importlib
import sys
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import emulation_rules as er
from emulation_rules import (
    Context,
    Criterion,
    DataError,
    DataTypeError,
    EmulationRulesError,
    History,
    Linear,
    OutOfRangeError,
    Pairwise,
    Panel,
    Ranking,
    RuleError,
    RuleTypeError,
    Scorecard,
    ScoreTable,
    Sum,
    Vector,
    Window,
    column,
    count_in_window,
    desc,
    fact,
    holds,
    members,
    rank,
    vote_share,
)
from emulation_rules.awards import Award, AwardScheme, Quota, cascade

# -- 3. nothing shares the caller's memory unless asked -------------------------------------


def _writable_shares(stored: np.ndarray, caller: np.ndarray) -> bool:
    """Whether the library keeps memory the caller can still write to (a read-only array
    the caller owns counts: its owner can unlock it)."""
    from emulation_rules.table import _immutable

    return bool(np.shares_memory(stored, caller)) and not _immutable(caller)


class TestWithColumnsCopies:
    def test_changing_the_array_afterwards_changes_nothing(self) -> None:
        t = ScoreTable({"unit": ["A", "B"], "x": [1.0, 2.0]})
        y = np.array([3.0, 4.0])
        t2 = t.with_columns(y=y)
        card = Scorecard([Criterion("y", 10, scale=Linear(0, 4))])
        before = card.score(t2).total.copy()
        y[:] = 0.0
        assert not np.shares_memory(t2["y"], y)
        np.testing.assert_array_equal(card.score(t2).total, before)

    @pytest.mark.parametrize("dtype", [np.float64, np.int64, np.bool_])
    def test_copy_false_is_an_explicit_view(self, dtype: Any) -> None:
        t = ScoreTable({"unit": ["A", "B"], "x": [1.0, 2.0]})
        y = np.array([1, 0], dtype=dtype)
        t2 = t.with_columns(y=y, copy=False)
        assert np.shares_memory(t2["y"], y)
        assert y.flags.writeable  # the caller's own flag is left alone
        assert not t2["y"].flags.writeable

    def test_the_table_own_columns_are_shared_not_copied(self) -> None:
        t = ScoreTable({"unit": ["A", "B"], "x": np.array([1.0, 2.0])})
        assert np.shares_memory(t.with_columns(y=[1, 2])["x"], t["x"])

    def test_a_read_only_view_of_a_writable_array_is_copied(self) -> None:
        a = np.array([1.0, 2.0])
        v = a.view()
        v.flags.writeable = False
        t = ScoreTable({"unit": ["A", "B"], "x": v})
        a[0] = 9.0
        assert t["x"][0] == 1.0

    def test_an_arrow_array_is_viewed_without_a_copy(self) -> None:
        pa = pytest.importorskip("pyarrow")
        x = pa.array([1.0, 2.0]).to_numpy(zero_copy_only=True)
        t = ScoreTable({"unit": ["A", "B"], "x": x})
        assert np.shares_memory(t["x"], x)
        assert not t["x"].flags.writeable

    def test_a_column_called_copy_goes_in_the_mapping(self) -> None:
        t = ScoreTable({"unit": ["A"], "x": [1.0]}).with_columns({"copy": [2.0]})
        assert t["copy"][0] == 2.0

    def test_unordered_columns_are_refused(self) -> None:
        with pytest.raises(DataError, match="order"):
            ScoreTable({"unit": ["A", "B"], "x": {1.0, 2.0}})


@st.composite
def _columns(draw: st.DrawFn) -> tuple[int, np.ndarray]:
    n = draw(st.integers(1, 5))
    dtype = draw(st.sampled_from([np.float64, np.int64, np.bool_]))
    batch = draw(st.sampled_from([(), (2,)]))
    if dtype is np.float64:
        elements = st.floats(-1e6, 1e6, allow_nan=False)
    elif dtype is np.int64:
        elements = st.integers(-1000, 1000)
    else:
        elements = st.booleans()
    return n, draw(arrays(dtype, (*batch, n), elements=elements))


@given(_columns(), st.sampled_from(["init", "with_columns", "with_columns_map"]))
def test_property_no_entry_point_keeps_caller_memory(
    spec: tuple[int, np.ndarray], how: str
) -> None:
    n, arr = spec
    units = [f"u{i}" for i in range(n)]
    kept = arr.copy()
    if how == "init":
        t = ScoreTable({"y": arr}, units=units)
    else:
        base = ScoreTable({"x": np.zeros(n)}, units=units)
        t = base.with_columns(y=arr) if how == "with_columns" else base.with_columns({"y": arr})
    assert not _writable_shares(t["y"], arr)
    assert not t["y"].flags.writeable
    np.testing.assert_array_equal(arr, kept)  # the caller's array is untouched
    stored = t["y"].copy()
    arr[...] = np.logical_not(arr) if arr.dtype == np.bool_ else arr + 1
    np.testing.assert_array_equal(t["y"], stored)


@given(st.integers(2, 5), st.data())
def test_property_pairwise_panel_and_history_copy(n: int, data: st.DataObject) -> None:
    units = [f"u{i}" for i in range(n)]
    dense = data.draw(arrays(np.float64, (n, n), elements=st.floats(0, 9, allow_nan=False)))
    np.fill_diagonal(dense, np.nan)
    e = np.arange(n, dtype=np.int64)
    o = (e + 1) % n
    v = np.arange(n, dtype=np.float64)
    kept = [a.copy() for a in (dense, e, o, v)]
    pw = Pairwise(e, o, v)
    t = ScoreTable({"x": np.zeros(n)}, units=units, pairwise={"d": dense, "p": pw})
    sheets = data.draw(arrays(np.float64, (3, n), elements=st.floats(0, 10, allow_nan=False)))
    sheets_kept = sheets.copy()
    res = Panel().aggregate(sheets, units=units)
    titles = data.draw(arrays(np.bool_, (2, n)))
    facts = data.draw(arrays(np.float64, (2, n), elements=st.floats(0, 9, allow_nan=False)))
    h = History(units, (2023, 2024), titles={"T": titles}, facts={"f": facts})
    for a, k in zip((dense, e, o, v), kept, strict=True):
        np.testing.assert_array_equal(a, k)
    np.testing.assert_array_equal(sheets, sheets_kept)
    stored = [pw.earner, pw.opponent, pw.value, t.pairwise("d").value, res["score"]]
    stored += [h.held("T", 2023), h.fact("f", 2023)]
    for s in stored:
        for caller in (dense, e, o, v, sheets, titles, facts):
            assert not np.shares_memory(s, caller)


def test_dataframes_are_copied() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"unit": ["A", "B"], "x": [1.0, 2.0], "n": [1, 2]})
    t = ScoreTable.from_dataframe(df)
    df.loc[0, "x"] = 9.0
    df.loc[0, "n"] = 9
    assert t["x"][0] == 1.0
    assert t["n"][0] == 1
    assert not t["x"].flags.writeable


@pytest.mark.parametrize("lib", ["polars", "pyarrow"])
def test_polars_and_arrow_frames_leave_no_writable_link(lib: str) -> None:
    mod = pytest.importorskip(lib)
    data = {"unit": ["A", "B"], "x": [1.0, 2.0]}
    frame = mod.DataFrame(data) if lib == "polars" else mod.table(data)
    t = ScoreTable.from_dataframe(frame)
    assert not t["x"].flags.writeable
    np.testing.assert_array_equal(t["x"], [1.0, 2.0])


@pytest.mark.parametrize(
    ("module", "extra"),
    [("pandas", "pandas"), ("polars", "polars"), ("pyarrow", "arrow"), ("hypothesis", "test")],
)
def test_optional_imports_name_their_extra(
    monkeypatch: pytest.MonkeyPatch, module: str, extra: str
) -> None:
    from emulation_rules._checks import require

    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ModuleNotFoundError, match=rf"pip install 'emulation_rules\[{extra}\]'"):
        require(module, "this feature")


# -- 4. scenario indexes ---------------------------------------------------------------------


def _batched() -> tuple[ScoreTable, Any, Any]:
    t = ScoreTable({"x": np.arange(6.0).reshape(2, 3)}, units=["A", "B", "C"])
    scores = Scorecard([Criterion("x", 10, scale=Linear(0, 6))]).score(t)
    return t, scores, Ranking(desc("x")).rank(t)


ENTRY_POINTS = {
    "Scores.explain": lambda t, s, r, i: s.explain("A", scenario=i),
    "Scores.to_pandas": lambda t, s, r, i: s.to_pandas(scenario=i),
    "ScoreTable.to_pandas": lambda t, s, r, i: t.to_pandas(scenario=i),
    "Standing.scenario": lambda t, s, r, i: r.scenario(i),
    "Standing.explain": lambda t, s, r, i: r.explain(scenario=i),
}


@pytest.mark.parametrize("where", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("index", [5, 2, -3, 1.0, True, (0, 0), "0", (), None])
def test_scenario_out_of_range_names_the_valid_range(where: str, index: object) -> None:
    pytest.importorskip("pandas")
    t, s, r = _batched()
    call = ENTRY_POINTS[where]
    if index is None and where != "Standing.scenario":
        # No scenario at all on a batch: "pick one scenario" (a DataError, not an index).
        with pytest.raises(DataError, match="scenario"):
            call(t, s, r, index)
        return
    with pytest.raises(OutOfRangeError, match=r"0\.\.1") as info:
        call(t, s, r, index)
    assert isinstance(info.value, IndexError)
    assert isinstance(info.value, DataError)
    assert where in str(info.value)


@given(st.integers(-4, 4))
def test_property_valid_scenarios_match_numpy_indexing(i: int) -> None:
    t, s, r = _batched()
    if -2 <= i < 2:
        assert s.explain("B", scenario=i).to_dict()["total"] == s.total[i][1]
        assert r.scenario(i).order == tuple(t.units[k] for k in r.order_index[i])
    else:
        with pytest.raises(OutOfRangeError):
            r.scenario(i)
        with pytest.raises(OutOfRangeError):
            s.explain("B", scenario=i)


def test_no_scenario_on_an_unbatched_standing() -> None:
    t = ScoreTable({"x": [1.0, 2.0]}, units=["A", "B"])
    st_ = Ranking(desc("x")).rank(t)
    with pytest.raises(OutOfRangeError, match="no batch axes"):
        st_.scenario(0)
    assert st_.scenario(()).order == ("B", "A")


# -- 4. argument types ------------------------------------------------------------------------


def _history() -> History:
    return History.from_records([{"unit": u, "period": 2024, "titles": ["LĐTT"]} for u in "ABC"])


@pytest.mark.parametrize(
    ("call", "param"),
    [
        (lambda h, s: cascade(h, "not a history", s), "revoked"),  # type: ignore[arg-type]
        (lambda h, s: cascade("h", h, s), "history"),  # type: ignore[arg-type]
        (lambda h, s: cascade(h, h, "scheme"), "scheme"),  # type: ignore[arg-type]
        (lambda h, s: Context(2024, history="h"), "history"),  # type: ignore[arg-type]
        (lambda h, s: Context(2024, table=[1]), "table"),  # type: ignore[arg-type]
        (lambda h, s: Context(2024, scores="s"), "scores"),  # type: ignore[arg-type]
        (lambda h, s: Context(2024, standing=3), "standing"),  # type: ignore[arg-type]
        (lambda h, s: holds("LĐTT").mask("ctx"), "context"),  # type: ignore[arg-type]
        (lambda h, s: s.award(3), "name"),  # type: ignore[arg-type]
        (lambda h, s: ScoreTable.from_records(5), "dicts"),  # type: ignore[arg-type]
        (lambda h, s: ScoreTable.from_matches(5), "matches"),  # type: ignore[arg-type]
        (lambda h, s: History.from_records(5), "records"),  # type: ignore[arg-type]
        (lambda h, s: ScoreTable({"x": [1]}, unit=3), "unit"),  # type: ignore[arg-type]
        (lambda h, s: ScoreTable({"x": [1]}, units=["A"], pairwise=[1]), "pairwise"),  # type: ignore[arg-type]
        (lambda h, s: Pairwise([0.5], [1], [1.0]), "positions"),
        (lambda h, s: Pairwise([0], [1], ["x"]), "numbers"),
        (lambda h, s: Sum().fraction("abc"), "numbers"),  # type: ignore[arg-type]
    ],
)
def test_wrong_types_name_the_parameter(call: Any, param: str) -> None:
    scheme = AwardScheme([Award("CSTĐCS", requires="LĐTT")])
    with pytest.raises((RuleTypeError, DataTypeError), match=param):
        call(_history(), scheme)


# -- 4. impossible rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: count_in_window(holds("A"), at_least=5, window=3),
        lambda: count_in_window(holds("A"), at_least=4, window=Window(3)),
        lambda: Window(3, min_length=4),
        lambda: rank() <= 0,
        lambda: rank() < 1,
        lambda: rank() == 2.5,
        lambda: fact("x").between(5, 3),
        lambda: fact("x").between(3, 3, closed="neither"),
        lambda: Quota(3, minimum=4),
        lambda: Quota(3, maximum=2),
        lambda: Award("X", requires="A", excludes="A"),
        lambda: members(holds("A")).count() < 0,
        lambda: members(holds("A")).count() == 2.5,
        lambda: members(holds("A")).share() > 1,
        lambda: members(holds("A")).share() < 0,
        lambda: vote_share("yes", of="all") > 1,
        lambda: AwardScheme([Award("X"), Award("Y")], exclusive=("X", "Y")),
    ],
)
def test_impossible_rules_are_refused_when_built(build: Any) -> None:
    with pytest.raises((RuleError, RuleTypeError)):
        build()


@given(st.integers(1, 6), st.integers(1, 9))
def test_property_count_in_window_built_iff_possible(window: int, at_least: int) -> None:
    if at_least <= window:
        assert count_in_window(holds("A"), at_least=at_least, window=window) is not None
    else:
        with pytest.raises(RuleError, match="never"):
            count_in_window(holds("A"), at_least=at_least, window=window)
    # A window that starts after an award has no fixed length: any count may fit.
    count_in_window(holds("A"), at_least=at_least, window=Window(since="B"))


_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
}


@given(st.sampled_from(sorted(_OPS)), st.integers(-3, 12), st.sampled_from([1, 2]))
def test_property_rank_and_count_conditions_built_iff_some_value_meets_them(
    op: str, num: int, den: int
) -> None:
    t = num / den
    for value, low in ((rank(), 1), (members(holds("A")).count(), 0)):
        possible = any(_OPS[op](v, t) for v in range(low, 20))
        if possible:
            _OPS[op](value, t)
        else:
            with pytest.raises(RuleError, match="holds for no unit"):
                _OPS[op](value, t)


@given(st.sampled_from(sorted(_OPS)), st.fractions(0, 1, max_denominator=10))
def test_property_share_conditions_built_iff_some_share_meets_them(op: str, t: Fraction) -> None:
    shares = [Fraction(k, 60) for k in range(61)]
    possible = any(_OPS[op](v, t) for v in shares)
    for value in (members(holds("A")).share(), vote_share("yes", of="all")):
        if possible:
            _OPS[op](value, float(t))
        else:
            with pytest.raises(RuleError, match="holds for no unit"):
                _OPS[op](value, float(t))


def test_quota_with_a_negative_base_names_the_unit() -> None:
    h = _history()
    t = ScoreTable({"strength": [10, -45, 5], "x": [1, 2, 3]}, units=["A", "B", "C"])
    q = Quota(share=0.5, of=column("strength"))
    scheme = AwardScheme([Award("F", quota=q, ranking=Ranking(desc("x")))])
    with pytest.raises(DataError, match=r"negative values for 'B'"):
        scheme.allocate(Context(2024, history=h, table=t))


@given(st.integers(-(10**6), -1) | st.floats(-1e9, -1e-9) | st.just(float("nan")))
def test_property_quota_limit_refuses_negative_or_nan_bases(base: float) -> None:
    with pytest.raises(DataError):
        Quota(share=0.5).limit(base)
    with pytest.raises(DataError):
        Quota(share=0.5).describe(base)


# -- 4. scale errors name the units ------------------------------------------------------------


@given(
    st.lists(st.floats(-100, 100, allow_nan=False), min_size=2, max_size=6),
    st.sampled_from([(Sum(), False), (Sum(), True), (Vector(), False)]),
)
def test_property_scale_errors_name_the_units(xs: list[float], scale_dir: Any) -> None:
    scale, lower = scale_dir
    units = [f"unit{i}" for i in range(len(xs))]
    t = ScoreTable({"x": xs}, units=units)
    x = np.array(xs)
    bad = (x <= 0) if (isinstance(scale, Sum) and lower) else (x < 0)
    card = Scorecard([Criterion("x", 10, scale=scale, lower_is_better=lower)])
    if not bad.any():
        card.score(t)
        return
    with pytest.raises(DataError) as info:
        card.score(t)
    msg = str(info.value)
    assert "position" not in msg
    shown = [u for u, b in zip(units, bad.tolist(), strict=True) if b][:5]
    for u in shown:
        assert repr(u) in msg


# -- 4. optional parts say what to install -----------------------------------------------------


def test_to_pandas_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    t = ScoreTable({"x": [1.0]}, units=["A"])
    scores = Scorecard([Criterion("x", 1, scale=Linear(0, 1))]).score(t)
    monkeypatch.setitem(sys.modules, "pandas", None)
    for call in (t.to_pandas, scores.to_pandas):
        with pytest.raises(ModuleNotFoundError, match=r"pip install 'emulation_rules\[pandas\]'"):
            call()


def test_testing_without_hypothesis_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "emulation_rules.testing", raising=False)
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'emulation_rules\[test\]'"):
        importlib.import_module("emulation_rules.testing")


def test_every_error_is_a_library_error() -> None:
    assert issubclass(OutOfRangeError, EmulationRulesError)
    assert er.OutOfRangeError is OutOfRangeError


@given(
    st.tuples(st.integers(-4, 4), st.integers(-4, 4)) | st.tuples(st.integers(-4, 4)),
)
def test_property_two_batch_axes_need_one_index_each(index: tuple[int, ...]) -> None:
    t = ScoreTable({"x": np.arange(18.0).reshape(2, 3, 3)}, units=["A", "B", "C"])
    scores = Scorecard([Criterion("x", 10, scale=Linear(0, 18))]).score(t)
    standing = Ranking(desc("x")).rank(t)
    fits = len(index) == 2 and -2 <= index[0] < 2 and -3 <= index[1] < 3
    if fits:
        assert scores.explain("C", scenario=index).to_dict()["total"] == scores.total[index][2]
        assert standing.scenario(index).order_index.tolist() == standing.order_index[index].tolist()
    else:
        for call in (
            lambda: scores.explain("C", scenario=index),
            lambda: standing.scenario(index),
            lambda: standing.explain(scenario=index),
        ):
            with pytest.raises(OutOfRangeError, match=r"0\.\.1 x 0\.\.2"):
                call()
