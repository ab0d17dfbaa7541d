"""Nothing the caller can still write to is shared with a table, and names of new columns
are matched as every name is (after NFC).

A read-only array that owns its data is not immutable: its owner may set
``flags.writeable = True`` again and write. Only the library's own read-only
arrays, Arrow memory and read-only buffers are viewed without a copy.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import emulation_rules as er

UNITS = ["A", "B", "C"]


def _owned_read_only(values: np.ndarray) -> np.ndarray:
    a = np.array(values)  # owns its data
    a.flags.writeable = False
    return a


class TestReadOnlyCallers:
    def test_constructor_copies_a_read_only_array_its_owner_can_unlock(self) -> None:
        a = _owned_read_only(np.array([1.0, 2.0, 3.0]))
        t = er.ScoreTable({"x": a}, units=UNITS)
        a.flags.writeable = True
        a[0] = 99.0
        assert t["x"].tolist() == [1.0, 2.0, 3.0]

    def test_with_columns_copies_it(self) -> None:
        base = er.ScoreTable({"x": [1.0, 2.0, 3.0]}, units=UNITS)
        a = _owned_read_only(np.array([4.0, 5.0, 6.0]))
        t = base.with_columns(y=a)
        a.flags.writeable = True
        a[1] = -1.0
        assert t["y"].tolist() == [4.0, 5.0, 6.0]

    def test_another_tables_column_is_shared_without_a_copy(self) -> None:
        t = er.ScoreTable({"x": [1.0, 2.0, 3.0]}, units=UNITS)
        t2 = er.ScoreTable({"x": t["x"]}, units=UNITS)
        assert np.shares_memory(t2["x"], t["x"])

    def test_arrow_memory_is_viewed_without_a_copy(self) -> None:
        pa = pytest.importorskip("pyarrow")
        arr = pa.array([1.0, 2.0, 3.0])
        view = arr.to_numpy(zero_copy_only=True)
        t = er.ScoreTable({"x": view}, units=UNITS)
        assert np.shares_memory(t["x"], view)


@given(arrays(np.float64, 3, elements=st.floats(-1e6, 1e6)), st.floats(-1e6, 1e6))
def test_unlocking_and_writing_the_callers_array_never_changes_a_table(
    values: np.ndarray, new: float
) -> None:
    a = _owned_read_only(values)
    before = a.copy()
    # copy=False is the caller's promise not to change the array: not asked here.
    tables = [
        er.ScoreTable({"x": a}, units=UNITS),
        er.ScoreTable({"z": [0.0, 0.0, 0.0]}, units=UNITS).with_columns(x=a),
    ]
    a.flags.writeable = True
    a[:] = new
    for t in tables:
        np.testing.assert_array_equal(t["x"], before)


class TestColumnNames:
    def test_a_decomposed_name_replaces_its_column(self) -> None:
        t = er.ScoreTable({"unit": ["a", "b"], "Hòa": [1, 2]})
        t2 = t.with_columns({unicodedata.normalize("NFD", "Hòa"): [3, 4]})
        assert t2.columns == ("Hòa",)
        assert t2["Hòa"].tolist() == [3, 4]

    def test_a_name_given_in_the_mapping_and_as_a_keyword_is_refused(self) -> None:
        t = er.ScoreTable({"unit": ["a", "b"], "x": [1, 2]})
        with pytest.raises(er.DataError, match=r"column 'y' is given twice.*give it once"):
            t.with_columns({"y": [1, 2]}, y=[3, 4])

    def test_two_spellings_of_one_pairwise_metric_are_refused(self) -> None:
        t = er.ScoreTable({"unit": ["a", "b"], "x": [1, 2]})
        nfc, nfd = "Điểm hòa", unicodedata.normalize("NFD", "Điểm hòa")
        grid = [[0.0, 1.0], [0.0, 0.0]]
        with pytest.raises(er.DataError, match=r"pairwise metric 'Điểm hòa' is given twice"):
            t.with_pairwise({nfc: grid}, **{nfd: grid})
