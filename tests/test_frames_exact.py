"""Data frames and History entry points never wrap, round or guess (issue 9).

uint64 past int64, nullable integers past 2**53, float ids, padded collective ids,
mistyped ``periods=``/``title=``, non-flag title grids and fractional memberships
are refused naming what is wrong; nullable integers are read exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import History
from emulation_rules._checks import FLOAT_EXACT, float_exact, past_float
from emulation_rules.errors import DataError, DataTypeError, EmulationRulesError, RuleTypeError

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

BIG_U = 2**64 - 1
INT64_MAX = 2**63 - 1


def _frames(data: dict[str, object], dtypes: dict[str, str]) -> list[object]:
    """The same columns as pandas (numpy or nullable dtype), polars and Arrow."""
    out: list[object] = []

    def pandas_col(k: str, v: object) -> object:
        dt = dtypes.get(k)
        # np.array: pd.array([2**64 - 1], dtype="uint64") itself wraps to 0.
        return np.array(v, dtype=dt) if dt in ("uint64", "int64") else pd.array(v, dtype=dt)

    pdf = pd.DataFrame({k: pandas_col(k, v) for k, v in data.items()})
    out.append(pdf)
    pl_types = {"UInt64": pl.UInt64, "Int64": pl.Int64, "uint64": pl.UInt64, "int64": pl.Int64}
    out.append(
        pl.DataFrame(
            {k: pl.Series(k, v, dtype=pl_types.get(dtypes.get(k, ""))) for k, v in data.items()}
        )
    )
    pa_types = {
        "UInt64": pa.uint64(),
        "Int64": pa.int64(),
        "uint64": pa.uint64(),
        "int64": pa.int64(),
    }
    out.append(
        pa.table({k: pa.array(v, type=pa_types.get(dtypes.get(k, ""))) for k, v in data.items()})
    )
    return out


# -- 1. uint64 and nullable integers ------------------------------------------------


@pytest.mark.parametrize("col", ["rating", "unit", "period"])
def test_uint64_past_int64_is_refused_naming_the_column(col: str) -> None:
    data: dict[str, object] = {"unit": [1, 2], "period": [2023, 2023], "rating": [1, 2]}
    data[col] = [BIG_U, 2023 if col == "period" else 2]
    for df in _frames(data, {col: "uint64"}):
        with pytest.raises(DataError, match=rf"column '{col}'.*{BIG_U}"):
            History.from_dataframe(df)


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_nullable_int_fact_past_2_53_is_refused_not_rounded(kind: str) -> None:
    data = {"unit": ["A", "B"], "period": [2023, 2023], "n": [2**53 + 1, None]}
    df = _frames(data, {"n": "Int64"})[["pandas", "polars", "arrow"].index(kind)]
    with pytest.raises(DataError, match=r"fact 'n'.*9007199254740993"):
        History.from_dataframe(df)


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_nullable_int_ids_and_periods_are_read_exactly(kind: str) -> None:
    data = {"unit": [2**53 + 1, 2**60 + 3], "period": [2023, None], "n": [7, None]}
    df = _frames(data, {"unit": "Int64", "period": "Int64", "n": "Int64"})
    frame = df[["pandas", "polars", "arrow"].index(kind)]
    with pytest.raises(DataError, match=r"row 1.*period"):
        History.from_dataframe(frame)
    data["period"] = [2023, 2024]
    frame = _frames(data, {"unit": "Int64", "period": "Int64", "n": "Int64"})[
        ["pandas", "polars", "arrow"].index(kind)
    ]
    h = History.from_dataframe(frame)
    assert h.units == (str(2**53 + 1), str(2**60 + 3))
    assert (h.first, h.last) == (2023, 2024)
    assert h.fact("n", 2023)[0] == 7.0
    assert np.isnan(h.fact("n", 2024)[1])


@given(st.lists(st.integers(-(2**63), 2**63 - 1) | st.none(), min_size=1, max_size=6))
def test_nullable_int_facts_are_exact_or_refused(values: list[int | None]) -> None:
    n = len(values)
    df = pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(n)],
            "period": [2023] * n,
            "f": pd.array(values, dtype="Int64"),
        }
    )
    present = [v for v in values if v is not None]
    if any(abs(v) > FLOAT_EXACT for v in present):
        with pytest.raises(DataError, match="fact 'f'"):
            History.from_dataframe(df)
        return
    got = History.from_dataframe(df).fact("f", 2023)
    for v, g in zip(values, got.tolist(), strict=True):
        assert np.isnan(g) if v is None else int(g) == v and float(v) == g


@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=5))
def test_uint64_columns_never_wrap(values: list[int]) -> None:
    n = len(values)
    df = pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(n)],
            "period": [2023] * n,
            "f": np.array(values, dtype=np.uint64),
        }
    )
    if max(values) > FLOAT_EXACT:
        with pytest.raises(DataError, match="'f'"):
            History.from_dataframe(df)
        return
    got = History.from_dataframe(df).fact("f", 2023)
    assert [int(g) for g in got.tolist()] == values


# -- 2. one float-exactness helper --------------------------------------------------


def test_past_float_does_not_wrap_at_int64_min() -> None:
    arr = np.array([-(2**63), 1], dtype=np.int64)
    assert np.abs(arr).min() < 0  # the wrap the helper must avoid
    assert past_float(arr) == -(2**63)
    assert past_float(np.array([2**53, -(2**53)], dtype=np.int64)) is None
    text = float_exact(np.array([2**64 - 1], dtype=np.uint64), "column 'x'")
    assert text is not None
    assert "column 'x'" in text
    assert str(2**64 - 1) in text


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=6))
def test_past_float_agrees_with_exact_python(values: list[int]) -> None:
    worst = max(values, key=abs, default=0)
    expected = worst if abs(worst) > FLOAT_EXACT else None
    assert past_float(values) == expected
    arr = np.array(values, dtype=np.int64)
    assert (past_float(arr) is None) == (expected is None)
    if expected is not None:
        assert abs(past_float(arr) or 0) == abs(expected)


# -- 3. the constructor casts nothing silently -------------------------------------


def _coll() -> History:
    return History.from_records([{"unit": "T1", "period": 2023}, {"unit": "T2", "period": 2023}])


@pytest.mark.parametrize("grid", [[[0.7]], [[2**64 - 1]], [["0"]], [[None]]])
def test_member_of_must_be_whole_positions(grid: list[list[object]]) -> None:
    m = np.array(grid, dtype=np.uint64) if grid == [[2**64 - 1]] else grid
    with pytest.raises(EmulationRulesError, match="member_of"):
        History(["A"], (2023, 2023), member_of=m, collectives=_coll())  # type: ignore[arg-type]


def test_member_of_accepts_whole_positions() -> None:
    h = History(["A"], (2023, 2023), member_of=np.array([[1]]), collectives=_coll())
    assert h.collectives is not None


@pytest.mark.parametrize("cell", ["False", 0.5, None, 2, "yes"])
def test_title_grid_holds_flags_only(cell: object) -> None:
    with pytest.raises(DataTypeError, match="title 'T'"):
        History(["A"], (2023, 2023), titles={"T": [[cell]]})  # type: ignore[dict-item]


@given(st.lists(st.sampled_from([True, False, 0, 1, 0.0, 1.0]), min_size=1, max_size=4))
def test_title_grid_reads_flags_and_zero_one_exactly(cells: list[object]) -> None:
    h = History([f"u{i}" for i in range(len(cells))], (2023, 2023), titles={"T": [cells]})  # type: ignore[dict-item]
    assert h.held("T", 2023).tolist() == [bool(c) for c in cells]


@given(st.one_of(st.text(max_size=3), st.floats(allow_nan=True), st.none()))
def test_title_grid_refuses_non_flags(cell: object) -> None:
    if isinstance(cell, float) and cell in (0.0, 1.0):
        return
    with pytest.raises(DataTypeError):
        History(["A"], (2023, 2023), titles={"T": [[cell]]})  # type: ignore[dict-item]


# -- 4. ids and parameters ----------------------------------------------------------


def test_float_unit_id_is_refused_as_in_from_records() -> None:
    df = pd.DataFrame({"unit": [1.0, 2.0], "period": [2023, 2023]})
    with pytest.raises(DataError, match=r"unit id at row 0 is 1\.0"):
        History.from_dataframe(df)
    with pytest.raises(DataError):
        History.from_records([{"unit": 1.0, "period": 2023}])


def test_padded_member_of_is_refused() -> None:
    df = pd.DataFrame({"unit": ["A"], "period": [2023], "coll": [" T1"]})
    with pytest.raises(DataError, match="spaces"):
        History.from_dataframe(df, member_of="coll", collectives=_coll())


@pytest.mark.parametrize("periods", [5, ("a", 1), (2020,), "2020", (2020.0, 2021), (True, 2)])
def test_periods_must_be_two_whole_numbers(periods: object) -> None:
    with pytest.raises(DataTypeError, match="periods="):
        History.from_records([{"unit": "A", "period": 2023}], periods=periods)  # type: ignore[arg-type]
    with pytest.raises(DataTypeError, match="periods="):
        History(["A"], periods)  # type: ignore[arg-type]
    df = pd.DataFrame({"unit": ["A"], "period": [2023]})
    with pytest.raises(DataTypeError, match="periods="):
        History.from_dataframe(df, periods=periods)  # type: ignore[arg-type]


@pytest.mark.parametrize("param", ["title", "titles", "member_of"])
def test_column_parameters_are_names(param: str) -> None:
    df = pd.DataFrame({"unit": ["A"], "period": [2023], "x": ["T"]})
    with pytest.raises(RuleTypeError, match=f"{param}="):
        History.from_dataframe(df, **{param: ["x"]})


# -- 5. titles checked where the row is known ---------------------------------------


@pytest.mark.parametrize("bad", [" LĐTT", "LĐTT ", "   "])
def test_padded_title_names_row_and_column(bad: str) -> None:
    df = pd.DataFrame({"unit": ["A", "B"], "period": [2023, 2023], "t": ["CSTĐCS", bad]})
    with pytest.raises(DataError, match=r"row 1 of column 't'"):
        History.from_dataframe(df, title="t")
    lists = pd.DataFrame(
        {"unit": ["A", "B"], "period": [2023, 2023], "titles": [["CSTĐCS"], ["X", bad]]}
    )
    with pytest.raises(DataError, match=r"row 1 of column 'titles'"):
        History.from_dataframe(lists)


# -- 6. found by the misuse module ----------------------------------------------------


def test_complex_column_is_refused_not_truncated() -> None:
    df = pd.DataFrame({"unit": ["A", "B"], "period": [2023, 2023], "f": [1 + 2j, 3 + 0j]})
    with pytest.raises(DataError, match="fact 'f'"):
        History.from_dataframe(df)


def test_fact_mixing_numbers_and_texts_is_refused() -> None:
    df = pd.DataFrame({"unit": ["A", "B"], "period": [2023, 2023], "f": [1, "x"]})
    with pytest.raises(DataError, match="mixes numbers and texts"):
        History.from_dataframe(df)


@pytest.mark.parametrize("ids", [None, 5, 1.5])
def test_lot_draw_refuses_what_is_not_a_list_of_ids(ids: object) -> None:
    from emulation_rules import Lot

    with pytest.raises(DataTypeError, match=r"Lot\.draw"):
        Lot(seed=1).draw(ids)  # type: ignore[arg-type]


# -- 1b. ScoreTable.from_dataframe reads columns as History.from_dataframe does ------


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_score_table_refuses_uint64_past_int64_naming_the_column(kind: str) -> None:
    from emulation_rules import ScoreTable

    data = {"unit": ["A", "B"], "y": [BIG_U, 1]}
    df = _frames(data, {"y": "uint64"})[["pandas", "polars", "arrow"].index(kind)]
    with pytest.raises(DataError, match=rf"column 'y'.*{BIG_U}"):
        ScoreTable.from_dataframe(df, unit="unit")


@given(
    st.lists(st.integers(-(2**63), 2**63 - 1) | st.none(), min_size=1, max_size=5),
    st.sampled_from(["pandas", "polars", "arrow"]),
)
def test_score_table_nullable_ints_exact_or_refused(values: list[int | None], kind: str) -> None:
    from emulation_rules import ScoreTable

    data = {"unit": [f"u{i}" for i in range(len(values))], "y": values}
    df = _frames(data, {"y": "Int64"})[["pandas", "polars", "arrow"].index(kind)]
    present = [v for v in values if v is not None]
    if len(present) < len(values) and any(abs(v) > FLOAT_EXACT for v in present):
        with pytest.raises(DataError, match="'y'"):
            ScoreTable.from_dataframe(df, unit="unit")
        return
    got = ScoreTable.from_dataframe(df, unit="unit")["y"].tolist()
    for v, g in zip(values, got, strict=True):
        assert np.isnan(g) if v is None else int(g) == v


# -- 4b. ids are factorised by type too: True is not unit 1 ---------------------------


def test_true_is_not_merged_into_unit_one() -> None:
    df = pd.DataFrame({"unit": [1, True], "period": [2023, 2023]})
    with pytest.raises(DataError, match="row 1 is True"):
        History.from_dataframe(df)
    df = pd.DataFrame({"unit": ["A", "B"], "period": [2023, 2023], "m": [1, True]})
    coll = History.from_records([{"unit": "1", "period": 2023}])
    with pytest.raises(DataError, match="row 1 of column 'm' is True"):
        History.from_dataframe(df, member_of="m", collectives=coll)


@pytest.mark.parametrize("kw", [{}, {"title": "t"}])
def test_unhashable_titles_are_refused(kw: dict[str, str]) -> None:
    col = "t" if kw else "titles"
    df = pd.DataFrame({"unit": ["A"], "period": [2023], col: [[["x"]] if not kw else ["x"]]})
    with pytest.raises(DataTypeError, match=f"title column '{col}'"):
        History.from_dataframe(df, **kw)


@given(
    st.lists(
        st.one_of(st.integers(-3, 3), st.booleans(), st.sampled_from(["1", "a"])),
        min_size=1,
        max_size=5,
    )
)
def test_unit_ids_are_read_as_from_records_reads_them(ids: list[object]) -> None:
    n = len(ids)
    periods = [2023 + k for k in range(n)]  # one record per row: no repeated cells
    df = pd.DataFrame({"unit": pd.Series(ids, dtype=object), "period": periods})
    records = [{"unit": u, "period": p} for u, p in zip(ids, periods, strict=True)]
    try:
        expected = History.from_records(records).units
    except DataError:
        with pytest.raises(DataError):
            History.from_dataframe(df)
        return
    assert History.from_dataframe(df).units == expected


@pytest.mark.parametrize("p", [1e20, -1e300, 2.0**53 + 2, 2**70, -(2**64)])
def test_periods_past_exact_range_are_refused_not_wrapped(p: object) -> None:
    df = pd.DataFrame(
        {"unit": ["A"], "period": pd.Series([p], dtype=object if isinstance(p, int) else float)}
    )
    with pytest.raises(DataError, match="whole-number period"):
        History.from_dataframe(df)


def test_from_dataframe_declares_titles_as_from_records_does() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"unit": ["A"], "period": [2024], "title": ["LĐTT"]})
    h = History.from_dataframe(df, title="title", declared=["CSTĐ_BO"])
    assert h.known_titles == ("CSTĐ_BO", "LĐTT")
    assert not h.held("CSTĐ_BO", 2024).any()
    with pytest.raises(DataError, match="leading or trailing spaces"):
        History.from_dataframe(df, title="title", declared=[" X"])
