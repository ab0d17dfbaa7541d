"""Float keys without a resolution on the fast path: codes that order as the floats do
(``_kernels.float_order``), and standings equal to the reference's."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference as R
from emulation_rules import DataError, Key, Lot, Ranking, ScoreTable, asc, desc
from emulation_rules import _kernels as K
from emulation_rules import ranking as ranking_module

finite = st.floats(allow_nan=False, allow_infinity=False)
# Few distinct values, both zeros, and extremes: ties on every key are common.
tie_heavy = st.sampled_from([0.0, -0.0, 1.5, -1.5, 2.0, 5e-324, -5e-324, 1e308, -1e308, 0.1])


@given(st.lists(st.one_of(finite, tie_heavy, st.just(math.inf), st.just(-math.inf)), max_size=20))
def test_float_order_codes_order_as_the_floats(xs: list[float]) -> None:
    x = np.array(xs, dtype=np.float64)
    before = x.copy()
    c = K.float_order(x)
    assert np.array_equal(x, before, equal_nan=True)  # the input is not written to
    assert c.dtype == np.int64
    lt = x[:, None] < x[None, :]
    eq = x[:, None] == x[None, :]  # -0.0 == 0.0
    assert np.array_equal(c[:, None] < c[None, :], lt)
    assert np.array_equal(c[:, None] == c[None, :], eq)


def test_zeros_of_both_signs_are_one_value_for_a_key() -> None:
    t = ScoreTable({"x": [0.0, -0.0, -1.0]}, units=["A", "B", "C"])
    s = Ranking(desc("x")).rank(t)
    assert s.ties == (("A", "B"),)
    assert s.ranks().tolist() == [1, 1, 3]


def test_missing_float_keys_are_still_refused() -> None:
    t = ScoreTable({"x": [1.0, math.nan]}, units=["A", "B"])
    with pytest.raises(DataError, match="missing for 'B'"):
        Ranking(desc("x")).rank(t)


@st.composite
def float_tables(draw: st.DrawFn) -> ScoreTable:
    n = draw(st.integers(1, 9))
    cols = {
        name: draw(st.lists(st.one_of(tie_heavy, finite), min_size=n, max_size=n))
        for name in ("a", "b", "c")
    }
    cols["k"] = draw(st.lists(st.integers(-2, 2), min_size=n, max_size=n))
    units = draw(st.permutations([f"U{i}" for i in range(n)]))
    return ScoreTable(cols, units=units)


def _keys(draw: st.DrawFn) -> list[Key]:
    names = draw(st.lists(st.sampled_from(["a", "b", "c", "k"]), min_size=1, max_size=4))
    return [(desc if draw(st.booleans()) else asc)(name) for name in names]


@st.composite
def chains(draw: st.DrawFn) -> Ranking:
    keys = _keys(draw)
    if draw(st.booleans()):
        return Ranking(*keys, Lot(seed=draw(st.integers(0, 3))))
    return Ranking(*keys)


@given(float_tables(), chains(), st.booleans())
def test_float_key_chains_equal_the_reference(t: ScoreTable, ranking: Ranking, pack: bool) -> None:
    # Without packing (as when keys span more than an int64 holds, on large tables),
    # a block of keys is sorted one key at a time, float keys inside the ties left.
    with pytest.MonkeyPatch.context() as mp:
        if not pack:
            mp.setattr(ranking_module, "_dense_pack", lambda *a, **k: None)
        s = ranking.rank(t)

    def values(key: Key, u: int) -> float:
        return float(t[key.name][u])

    assert R.standing_groups(s) == R.rank_groups(t, ranking.steps, values)
    # And by hand: sort by the key tuple (ties by id, as a standing lists them).
    keys = [st_ for st_ in ranking.steps if isinstance(st_, Key)]
    if len(keys) == len(ranking.steps):

        def tup(u: int) -> tuple[float, ...]:
            return tuple((-1 if k.descending else 1) * float(t[k.name][u]) + 0.0 for k in keys)

        want = sorted(range(t.n_units), key=lambda u: (tup(u), t.units[u]))
        assert s.order == tuple(t.units[u] for u in want)
        # Each adjacent pair is separated by the first key on which they differ.
        steps = []
        for u, v in itertools.pairwise(want):
            differ = [i for i, (x, y) in enumerate(zip(tup(u), tup(v), strict=True)) if x != y]
            steps.append(differ[0] if differ else -1)
        assert s.deciding_step.tolist() == steps


@given(float_tables(), chains())
def test_top_with_float_keys_is_the_standings_top(t: ScoreTable, ranking: Ranking) -> None:
    k = max(1, t.n_units // 2)
    full = ranking.rank(t).top(k, ties="include").selected
    assert set(ranking.top(t, k, ties="include").selected) == set(full)


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=20))
def test_dense_codes_keep_the_order_in_a_narrow_range(xs: list[int]) -> None:
    c = np.array(xs, dtype=np.int64)
    d = K.dense_codes(c)
    assert np.array_equal(d[:, None] < d[None, :], c[:, None] < c[None, :])
    assert np.array_equal(d[:, None] == d[None, :], c[:, None] == c[None, :])
    assert sorted(set(d.tolist())) == list(range(len(set(xs))))


@given(float_tables(), float_tables(), chains())
def test_batched_float_keys_rank_each_scenario_alone(
    t1: ScoreTable, t2: ScoreTable, ranking: Ranking
) -> None:
    n = min(t1.n_units, t2.n_units)
    units = [f"U{i}" for i in range(n)]
    cols = {c: np.stack([t1[c][:n], t2[c][:n]]) for c in ("a", "b", "c", "k")}
    both = ranking.rank(ScoreTable(cols, units=units))
    for i in range(2):
        alone = ranking.rank(ScoreTable({c: v[i] for c, v in cols.items()}, units=units))
        assert both.scenario(i).order == alone.order
        assert both.scenario(i).ranks().tolist() == alone.ranks().tolist()


@given(
    st.sampled_from([3, 50, 10**6]).flatmap(
        lambda k: st.lists(st.integers(-k, k), min_size=1, max_size=300)
    )
)
def test_dense_ranks_by_hashing_or_sorting_agree(xs: list[int]) -> None:
    # Few distinct codes go through Arrow's dictionary encoding, many through a sort.
    from emulation_rules.ranking import _dense

    c = np.array(xs, dtype=np.int64)
    assert np.array_equal(_dense(c), K.dense_codes(c))


@given(
    st.integers(2, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 2), min_size=n, max_size=n),
            st.lists(st.one_of(tie_heavy, finite), min_size=n, max_size=n),
        )
    ),
    st.booleans(),
)
def test_a_wide_float_key_inside_ties_of_a_first_key(data: tuple, descending: bool) -> None:
    # The float key spans more than an int64 can pack beside the groups of the first:
    # it is sorted inside them (by itself), and decides only pairs the first key tied.
    ks, xs = data
    xs = [*xs[:-1], 1e308] if len(set(xs)) < 2 else xs
    units = [f"U{i}" for i in range(len(ks))]
    t = ScoreTable({"k": ks, "x": xs}, units=units)
    key = desc("x") if descending else asc("x")
    sign = -1.0 if descending else 1.0
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ranking_module, "_dense_pack", lambda *a, **k: None)
        s = Ranking(desc("k"), key).rank(t)
    want = sorted(range(len(ks)), key=lambda u: (-ks[u], sign * xs[u] + 0.0, units[u]))
    assert s.order == tuple(units[u] for u in want)
    steps = []
    for u, v in itertools.pairwise(want):
        if ks[u] != ks[v]:
            steps.append(0)
        else:
            steps.append(1 if xs[u] + 0.0 != xs[v] + 0.0 else -1)
    assert s.deciding_step.tolist() == steps
