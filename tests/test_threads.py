"""Large passes on several threads (``_threads``): the same results as on one, the
same errors in the same order, and a clear refusal of a bad thread count."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import DataError, RuleError, ScoreTable, _kernels, _threads
from emulation_rules.testing import score_tables, scorecards

COLUMNS = ("x", "tỷ lệ", "số vụ")


@pytest.fixture
def every_pass_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads for any size, and chunks of 2 units: small tables split into parts."""
    monkeypatch.setattr(_threads, "MIN_ELEMENTS", 0)
    monkeypatch.setattr(_kernels, "CHUNK", 2)
    monkeypatch.setenv("EMULATION_RULES_THREADS", "3")


@given(st.integers(0, 50), st.integers(1, 9), st.integers(1, 5))
def test_parts_cover_the_range_once_at_step_multiples(n: int, step: int, k: int) -> None:
    got = _threads.parts(n, step, k)
    assert len(got) <= k
    covered = [i for lo, hi in got for i in range(lo, hi)]
    assert covered == list(range(n))
    assert all(lo % step == 0 for lo, _ in got)


@given(data=st.data())
def test_scores_on_threads_equal_scores_on_one(data: st.DataObject) -> None:
    table = data.draw(score_tables(COLUMNS, missing=True, batch_shape=st.sampled_from([(), (2,)])))
    card = data.draw(scorecards(COLUMNS, missing=st.sampled_from(["zero", 0.5])))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EMULATION_RULES_THREADS", "1")
        one = card.score(table)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_threads, "MIN_ELEMENTS", 0)
        mp.setattr(_kernels, "CHUNK", 2)
        mp.setenv("EMULATION_RULES_THREADS", "3")
        many = card.score(table)
    for name in card.fields:
        np.testing.assert_array_equal(one.ticks(name), many.ticks(name), err_msg=name)
    np.testing.assert_array_equal(one.total_ticks, many.total_ticks)


def test_a_table_built_on_threads_names_the_same_problems_in_order(
    every_pass_threaded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cols = {
        "a": [1.0, np.inf, 3.0],
        "": [1.0, 2.0, 3.0],
        "b": [1.0, 2.0],
        "c": np.array([np.nan, 2.0, -np.inf]),
    }
    with pytest.raises(DataError) as threaded:
        ScoreTable(cols, units=["A", "B", "C"])
    monkeypatch.setenv("EMULATION_RULES_THREADS", "1")
    with pytest.raises(DataError) as serial:
        ScoreTable(cols, units=["A", "B", "C"])
    assert str(threaded.value) == str(serial.value)
    text = str(threaded.value)
    order = [text.index(s) for s in ("'a' holds infinity", "''", "'b' has 2 values", "'c' holds")]
    assert order == sorted(order)


def test_a_table_built_on_threads_keeps_what_it_found(every_pass_threaded: None) -> None:
    t = ScoreTable({"x": [1.0, np.nan], "y": [1, 2], "z": ["p", None]}, units=["A", "B"])
    assert [t.has_missing(c) for c in "xyz"] == [True, False, True]
    assert t.columns == ("x", "y", "z")


def test_tasks_see_the_callers_numpy_errstate(every_pass_threaded: None) -> None:
    def overflow(_: int) -> float:
        return float(np.float64(1e308) * 10)

    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        _threads.run(overflow, range(4), elements=10**9)
    with np.errstate(over="ignore"):
        assert _threads.run(overflow, range(4), elements=10**9) == [np.inf] * 4


def test_the_first_error_in_order_is_raised(every_pass_threaded: None) -> None:
    def fail(i: int) -> int:
        if i >= 2:
            raise ValueError(f"task {i}")
        return i

    with pytest.raises(ValueError, match="task 2"):
        _threads.run(fail, range(6), elements=10**9)


def test_nested_passes_stay_on_the_task_thread(every_pass_threaded: None) -> None:
    # A task that starts a pass itself must not wait on a pool it occupies.
    def outer(i: int) -> list[int]:
        return _threads.run(lambda j: i * 10 + j, range(3), elements=10**9)

    assert _threads.run(outer, range(4), elements=10**9) == [
        [0, 1, 2],
        [10, 11, 12],
        [20, 21, 22],
        [30, 31, 32],
    ]


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_thread_count_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("EMULATION_RULES_THREADS", value)
    with pytest.raises(RuleError, match="EMULATION_RULES_THREADS"):
        _threads.threads()


def test_one_thread_runs_on_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setenv("EMULATION_RULES_THREADS", "1")
    monkeypatch.setattr(_threads, "MIN_ELEMENTS", 0)
    me = threading.get_ident()
    assert _threads.run(lambda _: threading.get_ident(), range(3), elements=10**9) == [me] * 3


@given(
    st.integers(2, 40).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 3), min_size=n, max_size=n),
            st.lists(
                st.sampled_from([0.0, -0.0, 1.5, -1.5, 5e-324, 1e308, -1e308, 0.1]),
                min_size=n,
                max_size=n,
            ),
            st.lists(st.integers(0, 1), min_size=n, max_size=n),
        )
    )
)
def test_rankings_on_threads_equal_rankings_on_one(data: tuple) -> None:
    # Groups of ties sorted by a wide float key in parts of whole groups, on threads.
    from emulation_rules import Ranking, asc, desc, ranking

    ks, xs, ps = data
    table = ScoreTable({"k": ks, "x": xs, "p": ps}, units=[f"U{i:02d}" for i in range(len(ks))])
    chain = Ranking(desc("k"), desc("x"), asc("p"))
    with pytest.MonkeyPatch.context() as mp:
        # No dense ranks: the float key is sorted inside the ties of the first, as on
        # large tables where it cannot pack.
        mp.setattr(ranking, "_dense_pack", lambda *a, **k: None)
        mp.setenv("EMULATION_RULES_THREADS", "1")
        one = chain.rank(table)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ranking, "_dense_pack", lambda *a, **k: None)
        mp.setattr(_threads, "MIN_ELEMENTS", 0)
        mp.setenv("EMULATION_RULES_THREADS", "3")
        many = chain.rank(table)
    assert many.order == one.order
    assert many.deciding_step.tolist() == one.deciding_step.tolist()
    assert many.ranks().tolist() == one.ranks().tolist()
