"""Properties of scoring: the engine against the reference, and the laws a points table obeys.

The oracle is ``tests/reference.py`` (exact arithmetic, loops over units); the
random inputs come from the public strategies of :mod:`emulation_rules.testing`.

The bugs these properties found (fixed in 89793ee) each keep a minimal case
at the end of the file, ``test_regression_*``. A bug still open has a
``test_bug_*`` case marked ``xfail(strict=True)``.

Two kinds of input are not compared with the reference, and they are not bugs:
their exact result hangs on the last bit of a raw value, where no float engine
can follow an exact oracle -- a ZScore population whose values differ by less
than 1e-12 of their size (``_zscore_tiny_spread``), and a product-model unit
next to a scale's zero (``_product_ill_conditioned``).
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import assume, event, given, note
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import reference as R
from emulation_rules import (
    Bonus,
    Criterion,
    DataError,
    Group,
    Linear,
    MinMax,
    Penalty,
    PiecewiseLinear,
    RuleError,
    Scorecard,
    Scores,
    ScoreTable,
    Sum,
    Target,
    Vector,
    ZScore,
)
from emulation_rules.testing import metric_values, scales, score_tables, scorecards, unit_ids

COLUMNS = ("x", "tỷ lệ", "số vụ")
BATCHES = st.sampled_from([(), (2,), (3,), (2, 2)])
#: Ranges of the data, and so of the scales' thresholds: non-negative (every
#: scale), positive (Sum when lower is better), and around zero (no Vector or
#: Sum, no bonus or penalty).
RANGES = {"nonneg": (0.0, 100.0), "positive": (0.5, 100.0), "signed": (-50.0, 50.0)}
NO_ERROR_POLICY = st.sampled_from(["zero", 0.0, 0.25, 0.5, 1.0])


# -- helpers -------------------------------------------------------------------------


def _show(table: ScoreTable) -> None:
    note(f"units: {table.units!r}")
    for c in table.columns:
        note(f"{c}: {table[c].tolist()!r}")


def _leaves(card: Scorecard) -> list[Criterion | Bonus | Penalty]:
    return list(R._leaves(card.items))


def _full(scores: Scores, name: str, batch: tuple[int, ...]) -> np.ndarray:
    """Field ``name``, checked to carry the table's batch axes."""
    ticks = scores.ticks(name)
    assert ticks.shape == (*batch, len(scores.units)), (name, ticks.shape)
    return ticks


def _zscore_rows(card: Scorecard, table: ScoreTable) -> list[np.ndarray]:
    """Every scenario's column (NaN where missing) of every ZScore criterion."""
    batch, n = table.batch_shape, table.n_units
    out: list[np.ndarray] = []
    for c in card.criteria:
        if isinstance(c.scale, ZScore):
            out.extend(np.broadcast_to(table.numeric(c.column), (*batch, n)).reshape(-1, n))
    return out


def _zscore_tiny_spread(row: np.ndarray) -> bool:
    """Values that differ by less than 1e-12 of their size (a few thousand ulps).

    Not a bug: the exact z-scores of such a population hang on the last bits of
    the values (0.3 and 0.1 + 0.2 are -1 and +1 standard deviations), beyond
    what float statistics resolve, so they are not compared with the reference.
    """
    pop = row[~np.isnan(row)]
    if pop.size < 2:
        return False
    lo, hi = float(pop.min()), float(pop.max())
    return lo != hi and hi - lo <= 1e-12 * max(abs(lo), abs(hi))


CONTINUOUS = (Linear, Target, PiecewiseLinear, MinMax, Vector, Sum, ZScore)


def _product_ill_conditioned(card: Scorecard, table: ScoreTable, ref: Any) -> bool:
    """Under model="product", a unit whose fraction moves by more than 1e-9 of itself
    when its raw value moves by one ulp (a value within ~1e-7 of where a scale gives 0).

    Not a bug: ``fraction ** weight`` turns that into visible points, and the exact
    answer then hangs on the last bit of the value (99.99999999999999 read as a
    decimal or as its binary value gives 317 or 323 ticks out of 2000 in
    ``PiecewiseLinear([(0, 1), (100, 0)])`` with weight 1/20).
    """
    if card.model != "product":
        return False
    batch, n = table.batch_shape, table.n_units
    for c in card.criteria:
        if not isinstance(c.scale, CONTINUOUS):
            continue
        x = np.broadcast_to(table.numeric(c.column), (*batch, n))
        for sc in R.scenarios(batch):
            row = x[sc].tolist()
            for u, f in enumerate(ref.fractions[sc][c.name]):
                if math.isnan(row[u]) or not 0 < f < 1:
                    continue
                for step in (-math.inf, math.inf):
                    moved = [R.exact(v) if not math.isnan(v) else None for v in row]
                    moved[u] = R.exact(math.nextafter(row[u], step))
                    g = R.scale_fractions(c.scale, moved, lower_is_better=c.lower_is_better)[u]
                    if abs(g - f) > f / 10**9:
                        return True
    return False


def _out_of_reach(card: Scorecard, table: ScoreTable, ref: Any) -> bool:
    return any(_zscore_tiny_spread(row) for row in _zscore_rows(card, table)) or (
        _product_ill_conditioned(card, table, ref)
    )


def assert_matches_reference(scores: Scores, ref: Any, card: Scorecard) -> None:
    batch, n = ref.batch, len(ref.units)
    assert scores.fields == ref.fields
    for name in ref.fields:
        got = _full(scores, name, batch)
        want = np.array(ref.array(name), dtype=np.int64).reshape((*batch, n))
        if not np.array_equal(got, want):
            bad = np.argwhere(got != want)[:5].tolist()
            raise AssertionError(
                f"field {name!r} differs at {bad}:\nengine    {got.tolist()}\n"
                f"reference {want.tolist()}"
            )


def _check_against_reference(card: Scorecard, table: ScoreTable) -> None:
    _show(table)
    try:
        ref = R.score(card, table)
    except R.Refused as refused:
        event(f"refused: {refused.error.__name__}")
        with pytest.raises(refused.error):
            card.score(table)
        return
    assume(not _out_of_reach(card, table, ref))
    event("compared with the reference")
    assert_matches_reference(card.score(table), ref, card)


def _rebuild(table: ScoreTable, **columns: np.ndarray) -> ScoreTable:
    data = {c: np.array(table[c]) for c in table.columns}
    data.update(columns)
    return ScoreTable(data, units=table.units)


# -- the engine equals the reference ---------------------------------------------------


@pytest.mark.parametrize("data_range", RANGES.values(), ids=RANGES.keys())
@given(data=st.data())
def test_engine_equals_reference(data: st.DataObject, data_range: tuple[float, float]) -> None:
    lo, hi = data_range
    table = data.draw(
        score_tables(
            COLUMNS,
            elements=metric_values(lo, hi),
            missing=data.draw(st.booleans()),
            batch_shape=BATCHES,
        )
    )
    card = data.draw(scorecards(COLUMNS, min_value=lo, max_value=hi))
    _check_against_reference(card, table)


@given(data=st.data())
def test_engine_refuses_what_the_reference_refuses(data: st.DataObject) -> None:
    # Scales drawn for non-negative data, given some negative values: Vector,
    # Sum, bonus and penalty must refuse them; "error" policies meet NaN.
    table = data.draw(
        score_tables(COLUMNS, elements=metric_values(-5, 100), missing=True, batch_shape=BATCHES)
    )
    card = data.draw(scorecards(COLUMNS, relative=data.draw(st.none() | st.just(True))))
    _check_against_reference(card, table)


@pytest.mark.parametrize("data_range", RANGES.values(), ids=RANGES.keys())
@given(data=st.data())
def test_product_model_equals_reference(
    data: st.DataObject, data_range: tuple[float, float]
) -> None:
    lo, hi = data_range
    table = data.draw(
        score_tables(
            COLUMNS,
            elements=metric_values(lo, hi),
            missing=data.draw(st.booleans()),
            batch_shape=BATCHES,
        )
    )
    card = data.draw(scorecards(COLUMNS, model="product", min_value=lo, max_value=hi))
    _check_against_reference(card, table)


@pytest.mark.parametrize("data_range", RANGES.values(), ids=RANGES.keys())
@given(data=st.data())
def test_every_fraction_lies_in_unit_interval(
    data: st.DataObject, data_range: tuple[float, float]
) -> None:
    lo, hi = data_range
    lower = data.draw(st.booleans())
    scale = data.draw(scales(lower_is_better=lower, min_value=lo, max_value=hi))
    x = data.draw(
        arrays(
            np.float64,
            array_shapes(min_dims=1, max_dims=2, max_side=6),
            elements=metric_values(lo, hi) | st.just(math.nan),
        )
    )
    rows = x.reshape(-1, x.shape[-1])
    if isinstance(scale, ZScore):
        assume(not any(_zscore_tiny_spread(r) for r in rows))
    got = scale.fraction(x, lower_is_better=lower)
    assert got.shape == x.shape
    assert np.array_equal(np.isnan(got), np.isnan(x))
    finite = got[~np.isnan(got)]
    assert ((finite >= 0) & (finite <= 1)).all(), finite
    for row, out in zip(rows, got.reshape(rows.shape), strict=True):
        values = [None if math.isnan(v) else R.exact(v) for v in row.tolist()]
        want = R.scale_fractions(scale, values, lower_is_better=lower)
        for w, g in zip(want, out.tolist(), strict=True):
            assert (w is None) == math.isnan(g)
            if w is not None:
                assert abs(Fraction(g) - w) <= Fraction(1, 10**9), (g, float(w))


# -- invariances ---------------------------------------------------------------------


@given(data=st.data())
def test_permuting_units_permutes_every_field(data: st.DataObject) -> None:
    table = data.draw(score_tables(COLUMNS, missing=True, batch_shape=BATCHES))
    card = data.draw(scorecards(COLUMNS, model=None, missing=NO_ERROR_POLICY))
    _show(table)
    perm = data.draw(st.permutations(range(table.n_units)))
    moved = ScoreTable(
        {c: np.array(table[c])[..., perm] for c in table.columns},
        units=[table.units[i] for i in perm],
    )
    before, after = card.score(table), card.score(moved)
    batch = table.batch_shape
    for name in card.fields:
        np.testing.assert_array_equal(
            _full(after, name, batch), _full(before, name, batch)[..., perm], err_msg=name
        )


def _shuffled(data: st.DataObject, items: tuple[Any, ...]) -> list[Any]:
    return [
        attrs.evolve(it, items=_shuffled(data, it.items)) if isinstance(it, Group) else it
        for it in data.draw(st.permutations(items))
    ]


@given(data=st.data())
def test_reordering_criteria_changes_no_tick(data: st.DataObject) -> None:
    table = data.draw(score_tables(COLUMNS, missing=True, batch_shape=BATCHES))
    card = data.draw(scorecards(COLUMNS, model=None, missing=NO_ERROR_POLICY))
    _show(table)
    reordered = attrs.evolve(card, items=_shuffled(data, card.items))
    a, b = card.score(table), reordered.score(table)
    assert set(a.fields) == set(b.fields)
    for name in card.fields:
        np.testing.assert_array_equal(a.ticks(name), b.ticks(name), err_msg=name)


@given(data=st.data())
def test_identical_rows_tie(data: st.DataObject) -> None:
    table = data.draw(
        score_tables(COLUMNS, units=unit_ids(min_size=2), missing=True, batch_shape=BATCHES)
    )
    card = data.draw(scorecards(COLUMNS, model=None, missing=NO_ERROR_POLICY))
    i, j = data.draw(st.permutations(range(table.n_units)))[:2]
    copied = {}
    for c in table.columns:
        a = np.array(table[c])
        a[..., j] = a[..., i]
        copied[c] = a
    twin = _rebuild(table, **copied)
    _show(twin)
    scores = card.score(twin)
    for name in card.fields:
        t = scores.ticks(name)
        np.testing.assert_array_equal(t[..., i], t[..., j], err_msg=name)


@given(data=st.data())
def test_batch_equals_loop_over_scenarios(data: st.DataObject) -> None:
    batch_shapes = st.sampled_from([(2,), (3,), (2, 3)])
    table = data.draw(score_tables(COLUMNS, missing=True, batch_shape=batch_shapes))
    card = data.draw(scorecards(COLUMNS, model=None, missing=NO_ERROR_POLICY))
    _show(table)
    batch, n = table.batch_shape, table.n_units
    whole = card.score(table)
    for sc in R.scenarios(batch):
        one = ScoreTable(
            {c: np.broadcast_to(table[c], (*batch, n))[sc] for c in table.columns},
            units=table.units,
        )
        alone = card.score(one)
        for name in card.fields:
            np.testing.assert_array_equal(
                _full(whole, name, batch)[sc], alone.ticks(name), err_msg=f"{name} in scenario {sc}"
            )


@pytest.mark.parametrize("copy", [True, False])
@given(data=st.data())
def test_callers_arrays_are_never_mutated(data: st.DataObject, copy: bool) -> None:
    table = data.draw(score_tables(COLUMNS[:2], missing=True, batch_shape=BATCHES))
    n = table.n_units
    given_arrays: dict[str, np.ndarray] = {c: np.array(table[c]) for c in table.columns}
    given_arrays["số vụ"] = data.draw(arrays(np.int64, (n,), elements=st.integers(0, 20)))
    given_arrays["đạt"] = data.draw(arrays(np.bool_, (n,)))
    pristine = {c: a.copy() for c, a in given_arrays.items()}
    card = data.draw(scorecards(list(given_arrays), model=None, missing=NO_ERROR_POLICY))
    card.score(ScoreTable(given_arrays, units=table.units, copy=copy))
    for c, a in given_arrays.items():
        assert a.dtype == pristine[c].dtype
        assert a.shape == pristine[c].shape
        np.testing.assert_array_equal(a, pristine[c], err_msg=c)
        assert a.flags.writeable, f"the table made the caller's {c!r} read-only"


# -- monotonicity and weights ---------------------------------------------------------


@given(data=st.data())
def test_improving_a_raw_value_never_lowers_the_total(data: st.DataObject) -> None:
    table = data.draw(score_tables(COLUMNS, missing=True))
    card = data.draw(scorecards(COLUMNS, relative=False, missing=NO_ERROR_POLICY))
    leaves = _leaves(card)
    moves = []
    for c in table.columns:
        users = [lf for lf in leaves if lf.column == c]
        if not users:
            continue
        if all(
            isinstance(lf, Bonus) or (isinstance(lf, Criterion) and not lf.lower_is_better)
            for lf in users
        ):
            moves.append((c, 1.0))
        if all(
            isinstance(lf, Penalty) or (isinstance(lf, Criterion) and lf.lower_is_better)
            for lf in users
        ):
            moves.append((c, -1.0))
    assume(moves)
    column, sign = data.draw(st.sampled_from(moves))
    x = np.array(table[column])
    present = np.flatnonzero(~np.isnan(x)).tolist()
    assume(present)
    u = data.draw(st.sampled_from(present))
    delta = data.draw(metric_values(0, 100))
    x[u] = x[u] + delta if sign > 0 else max(x[u] - delta, 0.0)
    moved = _rebuild(table, **{column: x})
    _show(moved)
    before, after = card.score(table), card.score(moved)
    assert after.total_ticks[u] >= before.total_ticks[u]
    others = [k for k in range(table.n_units) if k != u]
    for name in card.fields:  # absolute scales: nobody else moves
        np.testing.assert_array_equal(after.ticks(name)[others], before.ticks(name)[others])


def _scale_weights(item: Any, c: float) -> Any:
    if isinstance(item, Criterion):
        return attrs.evolve(item, points=item.points * c)
    if isinstance(item, Group):
        return attrs.evolve(
            item,
            items=[_scale_weights(it, c) for it in item.items],
            points=None if item.points is None else item.points * c,
        )
    return item


FACTORS = st.sampled_from([0.1, 0.5, 2.0, 3.0, 7.5, 100.0]) | st.floats(0.01, 100)


@given(data=st.data())
def test_weights_are_scale_free_under_total(data: st.DataObject) -> None:
    table = data.draw(score_tables(COLUMNS, missing=True, batch_shape=BATCHES))
    card = data.draw(scorecards(COLUMNS, model=None, weighted=True, missing=NO_ERROR_POLICY))
    c = data.draw(FACTORS)
    scaled = attrs.evolve(card, items=[_scale_weights(it, c) for it in card.items])
    _show(table)
    a, b = card.score(table), scaled.score(table)
    for name in card.fields:
        np.testing.assert_array_equal(a.ticks(name), b.ticks(name), err_msg=name)


@given(data=st.data())
def test_points_are_linear_up_to_rounding(data: st.DataObject) -> None:
    """Scaling every criterion's points by c scales its ticks by c, give or take rounding.

    Rounding puts an item of at most ``m`` ticks within ``d + tolerance(m)`` of
    its exact value (``d = 1/2`` for the half modes, 1 for ``down`` and ``up``),
    so ``|ticks(c * p) - c * ticks(p)| <= d + tolerance(c * m) + c * (d + tolerance(m))``
    per criterion, and the sum of those for the total.
    """
    table = data.draw(score_tables(COLUMNS, missing=True, batch_shape=BATCHES))
    card = data.draw(
        scorecards(
            COLUMNS,
            weighted=False,
            groups=False,
            caps=False,
            adjustments=False,
            missing=NO_ERROR_POLICY,
        )
    )
    c = data.draw(FACTORS)
    scaled = attrs.evolve(card, items=[_scale_weights(it, c) for it in card.items])
    _show(table)
    a, b = card.score(table), scaled.score(table)
    d = Fraction(1, 2) if card.rounding.startswith("half") else Fraction(1)
    k = R.exact(c)
    tpp = 1 / R.exact(card.resolution)
    slacks = {}
    for cr in card.criteria:
        m = R.exact(cr.points) * tpp
        slacks[cr.name] = d + R.tolerance(k * m) + k * (d + R.tolerance(m))
    slacks["total"] = sum(slacks.values(), Fraction(0))
    for name, slack in slacks.items():
        for t1, tc in zip(
            a.ticks(name).ravel().tolist(), b.ticks(name).ravel().tolist(), strict=True
        ):
            assert abs(tc - k * t1) <= slack, (name, t1, tc, c)


@given(data=st.data())
def test_ticks_never_wrap_around_near_integer_limits(data: st.DataObject) -> None:
    """Maxima just below 2**15 or 2**31 ticks, every unit near full marks.

    Each item rounds on its own, so a subtotal may exceed the sum of the maxima
    by up to one tick per item; the result arrays must still hold it.
    """
    k = data.draw(st.integers(2, 6), label="criteria")
    limit = data.draw(st.sampled_from([2**15 - 1, 2**31 - 1]), label="limit")
    below = data.draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0]) | st.floats(0.01, 4), label="gap")
    weights = data.draw(st.lists(st.integers(1, 100), min_size=k, max_size=k), label="weights")
    items: list[Any] = [
        Criterion("x", w, scale=Linear(0, 1), name=f"c{i}") for i, w in enumerate(weights)
    ]
    if data.draw(st.booleans(), label="grouped"):
        items = [Group("g", items)]
    card = Scorecard(
        items,
        resolution=1,
        total=limit - below,
        rounding=data.draw(st.sampled_from(["half_up", "half_even", "down", "up"])),
    )
    x = data.draw(st.lists(metric_values(0.95, 1), min_size=1, max_size=3), label="x")
    table = ScoreTable({"x": x}, units=[f"u{i}" for i in range(len(x))])
    ref = R.score(card, table)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = card.score(table)
    assert not caught, [str(w.message) for w in caught]
    assert_matches_reference(scores, ref, card)


# -- regressions: the bugs these properties found, as minimal cases --------------------


def test_regression_zscore_of_a_constant_population_is_one_half() -> None:
    # mean([0.1, 0.1, 0.1]) is 0.10000000000000002 in floats, so std > 0.
    np.testing.assert_array_equal(ZScore().fraction(np.array([0.1, 0.1, 0.1])), [0.5] * 3)


def test_regression_product_base_is_before_the_cap() -> None:
    table = ScoreTable({"unit": ["A"], "x": [1.0]})
    card = Scorecard([Criterion("x", 10, scale=Linear(0, 1))], model="product", cap=5)
    scores = card.score(table)
    assert scores.ticks("total").tolist() == [500]
    assert scores.ticks("base").tolist() == [1000]  # as in the sum model


def test_regression_scores_carry_the_tables_batch_axes() -> None:
    table = ScoreTable({"unit": ["A", "B"], "x": [0.5, 0.2], "y": np.ones((3, 2))})
    scores = Scorecard([Criterion("x", 10, scale=Linear(0, 1))]).score(table)
    assert scores.total_ticks.shape == (3, 2)


def test_regression_copy_false_leaves_callers_int_arrays_writeable() -> None:
    counts, flags = np.array([1, 2]), np.array([True, False])
    ScoreTable({"unit": ["A", "B"], "n": counts, "ok": flags}, copy=False)
    assert counts.flags.writeable
    assert flags.flags.writeable


@pytest.mark.parametrize("target", [0.0, -5.0])
def test_regression_target_at_or_below_zero_without_zero_at(target: float) -> None:
    # Either refuse it when building the criterion, or give full points at x >= target.
    try:
        Criterion("x", 10, scale=Target(target))
    except RuleError:
        return
    np.testing.assert_array_equal(Target(target).fraction(np.array([target, 10.0])), [1.0, 1.0])


def test_regression_floor_above_cap_is_refused() -> None:
    with pytest.raises(RuleError):
        Scorecard([Criterion("x", 10, scale=Linear(0, 1))], cap=5, floor=8)


@pytest.mark.parametrize("where", ["card total", "grandchild of Group(points=)"])
def test_regression_caps_under_weights_are_refused(where: str) -> None:
    x = Criterion("x", 10, scale=Linear(0, 1))

    def build() -> object:
        if where == "card total":
            return Scorecard([Group("g", [x], cap=8), attrs.evolve(x, name="y")], total=40)
        return Group("outer", [Group("mid", [Group("inner", [x], cap=1)])], points=10)

    with pytest.raises(RuleError):
        build()


def test_regression_minmax_of_a_tiny_spread() -> None:
    np.testing.assert_array_equal(MinMax().fraction(np.array([0.0, 5e-324])), [0.0, 1.0])


def test_regression_worst_unit_scores_zero_under_product() -> None:
    # MinMax gives the worst unit 1.1e-16, not 0; a weight of 1/20 makes it 0.16.
    table = ScoreTable({"unit": ["A", "B"], "x": [-1.27, 0.0], "y": [1.0, 1.0]})
    card = Scorecard(
        [Criterion("x", 1, scale=MinMax()), Criterion("y", 19, scale=Linear(0, 1))],
        model="product",
    )
    assert card.score(table).ticks("total").tolist() == [0, 2000]


def test_regression_base_fits_its_dtype() -> None:
    # Maxima 327.65 points at 0.01: int16 ticks; rounding up adds 3 ticks.
    table = ScoreTable({"unit": ["A"], "x": [1.0]})
    points = [109.2101, 109.2201, 109.2201]
    card = Scorecard(
        [Criterion("x", p, scale=Linear(0, 1), name=f"c{i}") for i, p in enumerate(points)],
        rounding="up",
    )
    assert card.score(table).ticks("base").tolist() == [32768]


def test_regression_bonus_depends_only_on_the_units_own_value() -> None:
    """Once BUG 11: an uncapped bonus rounded with a tolerance set by the column's maximum."""
    # 2.99999999 is 1e-8 below 3: outside the tolerance of a column whose largest
    # value is 3, inside that of a column holding 1e6 (2**-44 of it is 5.7e-8).
    card = Scorecard(
        [Criterion("x", 1, scale=Linear(0, 1)), Bonus("n", 1)], resolution=1, rounding="down"
    )
    alone = ScoreTable({"unit": ["A"], "x": [0.0], "n": [2.99999999]})
    beside = ScoreTable({"unit": ["A", "B"], "x": [0.0, 0.0], "n": [2.99999999, 1e6]})
    batch = ScoreTable({"unit": ["A"], "x": [0.0], "n": np.array([[2.99999999], [1e6]])})
    assert card.score(alone).ticks("n").tolist() == [2]
    assert card.score(beside).ticks("n").tolist() == [2, 1_000_000]
    assert card.score(batch).ticks("n").tolist() == [[2], [1_000_000]]  # batch equals loop


def test_reference_refuses_negative_counts() -> None:
    # A sanity check of the oracle itself on a hand-made case.
    table = ScoreTable({"unit": ["A"], "x": [0.5], "n": [-1.0]})
    card = Scorecard([Criterion("x", 1, scale=Linear(0, 1)), Bonus("n", 1)])
    with pytest.raises(R.Refused):
        R.score(card, table)
    with pytest.raises(DataError):
        card.score(table)
