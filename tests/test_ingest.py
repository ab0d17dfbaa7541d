"""Data frames into a ScoreTable: Arrow and polars memory viewed, pandas copied unless
``copy=False``, nulls as NaN, any Arrow exporter accepted -- and the same table as
from records, whatever the source."""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import DataError, RuleTypeError, ScoreTable

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")


class _Exporter:
    """An object that only speaks the Arrow PyCapsule interface (as a DuckDB result does)."""

    def __init__(self, table: object) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self._table.__arrow_c_stream__(requested_schema)  # type: ignore[attr-defined]


def _arrow() -> object:
    return pa.table({"unit": ["Hòa", "B", "C"], "x": [1.5, None, 2.5], "n": [1, 2, 3]})


def test_arrow_columns_are_viewed_not_copied() -> None:
    tbl = _arrow()
    t = ScoreTable.from_dataframe(tbl)
    assert np.shares_memory(t["n"], tbl.column("n").chunk(0).to_numpy())
    assert not t["n"].flags.writeable
    assert t.units == ("Hòa", "B", "C")


def test_polars_columns_are_viewed_not_copied() -> None:
    df = pl.DataFrame({"unit": ["A", "B"], "x": [0.5, 0.25]})
    t = ScoreTable.from_dataframe(df)
    assert np.shares_memory(t["x"], df.get_column("x").to_numpy())
    assert t["x"].tolist() == [0.5, 0.25]


def test_nulls_become_nan() -> None:
    t = ScoreTable.from_dataframe(_arrow())
    assert t["x"][0] == 1.5
    assert math.isnan(t["x"][1])
    assert t.has_missing("x")
    assert ScoreTable.from_dataframe(pl.from_arrow(_arrow())).has_missing("x")


def test_pandas_is_copied_unless_copy_false() -> None:
    df = pd.DataFrame({"unit": ["A", "B"], "x": [1.0, 2.0]})
    t = ScoreTable.from_dataframe(df)
    view = ScoreTable.from_dataframe(df, copy=False)
    assert not np.shares_memory(t["x"], df["x"].to_numpy())
    assert np.shares_memory(view["x"], df["x"].to_numpy())
    assert not view["x"].flags.writeable
    with pytest.raises(RuleTypeError, match="copy must be True, False or None"):
        ScoreTable.from_dataframe(df, copy="no")  # type: ignore[arg-type]


def test_any_arrow_exporter_enters_the_same_way() -> None:
    t = ScoreTable.from_dataframe(_Exporter(_arrow()))
    want = ScoreTable.from_dataframe(_arrow())
    assert t.units == want.units
    assert np.array_equal(t["x"], want["x"], equal_nan=True)
    assert t["n"].tolist() == [1, 2, 3]


def test_problems_in_arrow_ids_are_named() -> None:
    with pytest.raises(DataError, match="one id written two ways"):
        ScoreTable.from_dataframe(pa.table({"unit": ["Hòa", "Ho\u0300a"], "x": [1.0, 2.0]}))
    with pytest.raises(DataError, match="leading or trailing spaces"):
        ScoreTable.from_dataframe(pl.DataFrame({"unit": ["A", "B\u00a0"], "x": [1.0, 2.0]}))


_IDS = st.lists(
    st.sampled_from(["A", "Hòa", "Ho\u0300a", "7", "Đà Nẵng", "b", "Z9"]), min_size=1, unique=True
)
_X = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False))


@given(
    _IDS.flatmap(
        lambda ids: st.tuples(st.just(ids), st.lists(_X, min_size=len(ids), max_size=len(ids)))
    )
)
def test_every_source_gives_the_table_records_give(
    case: tuple[list[str], list[float | None]],
) -> None:
    ids, xs = case
    records = [{"unit": u, "x": x} for u, x in zip(ids, xs, strict=True)]
    tbl = pa.table({"unit": ids, "x": pa.array(xs, pa.float64())})
    if len({unicodedata.normalize("NFC", u) for u in ids}) < len(ids):
        with pytest.raises(DataError) as want_error:
            ScoreTable.from_records(records)
        with pytest.raises(DataError) as got_error:
            ScoreTable.from_dataframe(tbl)
        assert str(got_error.value) == str(want_error.value)
        return
    want = ScoreTable.from_records(records)
    for src in (tbl, pl.from_arrow(tbl), tbl.to_pandas(), _Exporter(tbl)):
        got = ScoreTable.from_dataframe(src)
        assert got.units == want.units
        assert np.array_equal(got["x"], want["x"], equal_nan=True)
        assert got.has_missing("x") == want.has_missing("x")


class _ArrayExporter:
    """An object exporting one record batch as an Arrow C array (``__arrow_c_array__``)."""

    def __init__(self, batch: object) -> None:
        self._batch = batch

    def __arrow_c_array__(self, requested_schema: object = None) -> object:
        return self._batch.__arrow_c_array__(requested_schema)  # type: ignore[attr-defined]


def test_an_arrow_c_array_exporter_enters_too() -> None:
    batch = pa.record_batch({"unit": ["A", "B"], "x": [1.0, None]})
    t = ScoreTable.from_dataframe(_ArrayExporter(batch))
    assert t.units == ("A", "B")
    assert t["x"][0] == 1.0
    assert math.isnan(t["x"][1])
