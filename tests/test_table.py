"""ScoreTable: construction, validation, normalisation of ids, interop."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import DataError, DataTypeError, ScoreTable, UnknownNameError

HOA_NFC = unicodedata.normalize("NFC", "Khánh Hòa")
HOA_NFD = unicodedata.normalize("NFD", "Khánh Hòa")


class TestConstruction:
    def test_kinds(self) -> None:
        t = ScoreTable(
            {
                "unit": ["A", "B"],
                "f": [1.5, 2.0],
                "i": [1, 2],
                "b": [True, False],
                "c": ["x", "y"],
            }
        )
        assert [t.kind(c) for c in t.columns] == ["float", "int", "bool", "category"]
        assert t.units == ("A", "B")
        assert len(t) == t.n_units == 2

    def test_units_argument(self) -> None:
        t = ScoreTable({"x": [1.0, 2.0]}, units=["A", "B"])
        assert t.units == ("A", "B")
        assert t.columns == ("x",)

    def test_integer_ids_become_text(self) -> None:
        t = ScoreTable({"x": [1.0, 2.0]}, units=np.array([10, 20]))
        assert t.units == ("10", "20")

    def test_nfc_ids_are_one_unit(self) -> None:
        assert HOA_NFC != HOA_NFD
        t = ScoreTable({"unit": [HOA_NFD, "Phú Yên"], "x": [1.0, 2.0]})
        assert t.units[0] == HOA_NFC
        assert t.index(HOA_NFC) == t.index(HOA_NFD) == 0

    def test_duplicate_after_nfc_is_refused(self) -> None:
        with pytest.raises(DataError, match=r"appears at rows 0 and 1"):
            ScoreTable({"unit": [HOA_NFC, HOA_NFD], "x": [1.0, 2.0]})

    def test_missing_values_are_recorded(self) -> None:
        t = ScoreTable({"unit": ["A", "B", "C"], "x": [1.0, None, float("nan")]})
        assert t.kind("x") == "float"
        np.testing.assert_array_equal(t.missing("x"), [False, True, True])
        assert t.has_missing("x")
        t2 = ScoreTable({"unit": ["A", "B"], "c": ["x", None]})
        np.testing.assert_array_equal(t2.missing("c"), [False, True])

    def test_batch_axes(self) -> None:
        x = np.arange(12.0).reshape(3, 4)
        t = ScoreTable({"unit": list("ABCD"), "x": x, "y": [1.0, 2.0, 3.0, 4.0]})
        assert t.batch_shape == (3,)
        assert t["x"].shape == (3, 4)

    def test_columns_are_read_only_copies(self) -> None:
        x = np.array([1.0, 2.0])
        t = ScoreTable({"unit": ["A", "B"], "x": x})
        x[0] = 99.0
        assert t["x"][0] == 1.0
        with pytest.raises(ValueError, match="read-only"):
            t["x"][0] = 5.0
        assert x.flags.writeable

    def test_copy_false_shares_memory_and_leaves_caller_writeable(self) -> None:
        x = np.array([1.0, 2.0])
        t = ScoreTable({"unit": ["A", "B"], "x": x}, copy=False)
        assert np.shares_memory(t["x"], x)
        assert x.flags.writeable
        assert not t["x"].flags.writeable

    def test_with_columns_leaves_original(self) -> None:
        t = ScoreTable({"unit": ["A", "B"], "x": [1.0, 2.0]})
        t2 = t.with_columns(y=[3, 4], x=[5.0, 6.0])
        assert t.columns == ("x",)
        assert t2.columns == ("x", "y")
        assert t2["x"][0] == 5.0

    def test_repr(self) -> None:
        t = ScoreTable({"unit": ["A", "B"], "x": [1.0, 2.0]})
        assert repr(t) == "ScoreTable(2 units: 'A', 'B'; columns: x (float))"


class TestValidation:
    def test_all_problems_reported_at_once(self) -> None:
        with pytest.raises(DataError) as info:
            ScoreTable(
                {
                    "unit": ["A", "A", ""],
                    "short": [1.0, 2.0],
                    "inf": [1.0, float("inf"), 2.0],
                    "mixed": [1, "x", 2.0],
                }
            )
        problems = info.value.problems
        assert len(problems) == 5
        text = str(info.value)
        assert "5 problems in the score table" in text
        assert "unit id 'A' appears at rows 0 and 1" in text
        assert "unit id at row 2 is empty" in text
        assert "column 'short' has 2 values but there are 3 units" in text
        assert "column 'inf' holds infinity at unit 'A'" in text
        assert "column 'mixed' mixes values of types" in text

    def test_infinity_names_the_unit_and_scenario(self) -> None:
        x = np.ones((2, 3))
        x[1, 2] = -np.inf
        with pytest.raises(DataError, match=r"infinity at unit 'C' \(scenario \(1,\)\)"):
            ScoreTable({"unit": ["A", "B", "C"], "x": x})

    def test_bool_with_missing_is_refused(self) -> None:
        with pytest.raises(DataError, match=r"flag column 'ok' has missing values at units 'B'"):
            ScoreTable({"unit": ["A", "B"], "ok": [True, None]})

    def test_unknown_unit_column_suggests(self) -> None:
        with pytest.raises(UnknownNameError, match=r"did you mean 'Unit'"):
            ScoreTable({"Unit": ["A"], "x": [1.0]})

    def test_unknown_column_suggests(self) -> None:
        t = ScoreTable({"unit": ["A"], "clearance": [1.0]})
        with pytest.raises(UnknownNameError, match=r"unknown column 'clearence'.*'clearance'"):
            t["clearence"]
        with pytest.raises(KeyError):
            t["clearence"]

    def test_unknown_unit_suggests(self) -> None:
        t = ScoreTable({"unit": ["Phú Yên", "Khánh Hòa"], "x": [1.0, 2.0]})
        with pytest.raises(UnknownNameError, match=r"did you mean 'Khánh Hòa'"):
            t.index("Khanh Hoa")

    def test_batch_shapes_must_broadcast(self) -> None:
        with pytest.raises(DataError, match="do not broadcast"):
            ScoreTable({"unit": ["A", "B"], "x": np.ones((3, 2)), "y": np.ones((4, 2))})

    def test_text_where_numbers_needed(self) -> None:
        t = ScoreTable({"unit": ["A", "B"], "rate": ["86,2", "90,1"]})
        with pytest.raises(DataTypeError, match=r"'86,2' at unit 'A'.*decimal point"):
            t.numeric("rate")

    def test_not_a_mapping(self) -> None:
        with pytest.raises(DataTypeError, match="from_records"):
            ScoreTable([{"unit": "A"}])  # type: ignore[arg-type]

    def test_scalar_column(self) -> None:
        with pytest.raises(DataError, match="not a sequence"):
            ScoreTable({"unit": ["A"], "x": 3.0})

    def test_ragged_nested(self) -> None:
        with pytest.raises(DataError, match="ragged"):
            ScoreTable({"unit": ["A", "B"], "x": [[1.0, 2.0], [1.0]]})

    def test_unsupported_dtype(self) -> None:
        with pytest.raises(DataError, match="dtype complex128"):
            ScoreTable({"unit": ["A"], "z": np.array([1j])})

    def test_spaces_around_ids(self) -> None:
        with pytest.raises(DataError, match="leading or trailing spaces"):
            ScoreTable({"unit": ["A ", "B"], "x": [1.0, 2.0]})


class TestRecordsAndFrames:
    def test_records_missing_key_is_missing_value(self) -> None:
        t = ScoreTable.from_records([{"unit": "A", "x": 1.0}, {"unit": "B"}])
        assert t.units == ("A", "B")
        np.testing.assert_array_equal(t.missing("x"), [False, True])

    def test_records_must_be_mappings(self) -> None:
        with pytest.raises(DataTypeError, match="record 1"):
            ScoreTable.from_records([{"unit": "A"}, ("B",)])  # type: ignore[list-item]

    def test_pandas_round_trip(self) -> None:
        pd = pytest.importorskip("pandas")
        df = pd.DataFrame(
            {"x": [1.5, None], "n": [1, 2], "ok": [True, False], "c": ["a", None]},
            index=pd.Index(["A", "B"], name="unit"),
        )
        t = ScoreTable.from_dataframe(df)
        assert t.units == ("A", "B")
        assert [t.kind(c) for c in t.columns] == ["float", "int", "bool", "category"]
        back = t.to_pandas()
        assert list(back.index) == ["A", "B"]
        assert back["n"].tolist() == [1, 2]
        assert np.isnan(back["x"].iloc[1])

    def test_pandas_nullable_int(self) -> None:
        pd = pytest.importorskip("pandas")
        df = pd.DataFrame({"unit": ["A", "B"], "n": pd.array([1, None], dtype="Int64")})
        t = ScoreTable.from_dataframe(df, unit="unit")
        np.testing.assert_array_equal(t.missing("n"), [False, True])

    def test_pandas_range_index_needs_unit(self) -> None:
        pd = pytest.importorskip("pandas")
        with pytest.raises(DataError, match="unit="):
            ScoreTable.from_dataframe(pd.DataFrame({"x": [1.0]}))

    def test_polars(self) -> None:
        pl = pytest.importorskip("polars")
        df = pl.DataFrame({"unit": ["A", "B"], "x": [1.0, None], "c": ["u", "v"]})
        t = ScoreTable.from_dataframe(df)
        assert t.kind("x") == "float"
        np.testing.assert_array_equal(t.missing("x"), [False, True])
        assert t.kind("c") == "category"

    def test_arrow(self) -> None:
        pa = pytest.importorskip("pyarrow")
        tbl = pa.table({"unit": ["A", "B"], "x": [1, 2]})
        t = ScoreTable.from_dataframe(tbl)
        assert t.kind("x") == "int"

    def test_unknown_frame(self) -> None:
        with pytest.raises(DataTypeError, match="pandas or polars"):
            ScoreTable.from_dataframe({"x": [1]})

    def test_to_pandas_batch_needs_scenario(self) -> None:
        pytest.importorskip("pandas")
        t = ScoreTable({"unit": ["A", "B"], "x": np.ones((2, 2))})
        with pytest.raises(DataError, match="scenario"):
            t.to_pandas()
        assert t.to_pandas(scenario=1)["x"].tolist() == [1.0, 1.0]


class TestPairwise:
    def test_sparse_and_dense_agree(self) -> None:
        dense = np.full((3, 3), np.nan)
        dense[0, 1], dense[2, 0] = 3.0, 1.0
        a = ScoreTable({"unit": list("ABC"), "x": [1.0, 2.0, 3.0]}, pairwise={"p": dense})
        b = ScoreTable(
            {"unit": list("ABC"), "x": [1.0, 2.0, 3.0]},
            pairwise={"p": (["A", "C"], ["B", "A"], [3.0, 1.0])},
        )
        for t in (a, b):
            pw = t.pairwise("p")
            got = sorted(
                zip(pw.earner.tolist(), pw.opponent.tolist(), pw.value.tolist(), strict=True)
            )
            assert got == [(0, 1, 3.0), (2, 0, 1.0)]

    def test_self_entry_refused(self) -> None:
        with pytest.raises(DataError, match="against itself"):
            ScoreTable({"unit": ["A", "B"]}, pairwise={"p": (["A"], ["A"], [1.0])})

    def test_unknown_metric_suggests(self) -> None:
        t = ScoreTable({"unit": ["A", "B"]}, pairwise={"points": (["A"], ["B"], [3.0])})
        with pytest.raises(UnknownNameError, match="did you mean 'points'"):
            t.pairwise("point")

    def test_with_columns_keeps_pairwise(self) -> None:
        t = ScoreTable({"unit": ["A", "B"]}, pairwise={"points": (["A"], ["B"], [3.0])})
        assert t.with_columns(x=[1, 2]).pairwise_metrics == ("points",)


@given(
    st.lists(st.text(min_size=1, max_size=6).map(str.strip).filter(bool), min_size=1, unique=True)
)
def test_ids_normalised_and_looked_up(ids: list[str]) -> None:
    nfc_ids = [unicodedata.normalize("NFC", u) for u in ids]
    if len(set(nfc_ids)) != len(nfc_ids):
        with pytest.raises(DataError):
            ScoreTable({"x": [0.0] * len(ids)}, units=ids)
        return
    t = ScoreTable({"x": [0.0] * len(ids)}, units=ids)
    assert t.units == tuple(nfc_ids)
    for k, u in enumerate(ids):
        assert t.index(unicodedata.normalize("NFD", u)) == k


class TestPairwiseInstances:
    def test_instance_is_validated(self) -> None:
        from emulation_rules import Pairwise

        with pytest.raises(DataError, match="outside the table's 2 units"):
            ScoreTable({"unit": ["A", "B"]}, pairwise={"p": Pairwise([0], [5], [1.0])})
        with pytest.raises(DataError, match="against itself"):
            ScoreTable({"unit": ["A", "B"]}, pairwise={"p": Pairwise([1], [1], [1.0])})
        with pytest.raises(DataError, match="NaN or infinity"):
            ScoreTable({"unit": ["A", "B"]}, pairwise={"p": Pairwise([0], [1], [np.nan])})
        with pytest.raises(DataError, match="same length"):
            Pairwise([0, 1], [1], [1.0])

    def test_instance_copies_the_callers_arrays(self) -> None:
        from emulation_rules import Pairwise

        values = np.array([3.0])
        pw = Pairwise(np.array([0]), np.array([1]), values)
        values[0] = 99.0
        assert pw.value[0] == 3.0
        assert not pw.value.flags.writeable
