"""Long-format data frames (pandas, polars, Arrow) into a :class:`History`.

One row per unit and period (titles listed in a list column), or one row per title
(the unit's facts repeated on each of its rows). Columns are read once into numpy
arrays or lists; cells, titles and memberships are then placed with array indexing.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._checks import FLOAT_EXACT, INT64_MAX, float_exact
from ._names import listing, nfc, one_id, unknown
from .errors import DataError, DataTypeError, RuleTypeError
from .types import AnyArray, IntArray

if TYPE_CHECKING:
    from .history import History, Ordinal

#: How many offending rows an error names before it says "and N more".
_ROWS = 5


def columns_of(df: Any, what: str = "History.from_dataframe") -> dict[str, Any]:
    """The columns of a pandas or polars DataFrame or a pyarrow Table: numeric columns
    as float arrays (NaN where missing), booleans as bool arrays, the rest as lists
    (None where missing; a list column as lists)."""
    module = type(df).__module__.split(".")[0]
    if module == "pandas":
        return _pandas_columns(df)
    if module == "polars":
        return {str(c): _polars_column(str(c), df.get_column(c)) for c in df.columns}
    if module == "pyarrow" and hasattr(df, "column_names"):
        return {str(c): _arrow_column(str(c), df.column(c)) for c in df.column_names}
    raise DataTypeError(
        f"{what} takes a pandas or polars DataFrame or a pyarrow Table "
        f"(got {type(df).__module__}.{type(df).__name__}); for a list of dicts use "
        "History.from_records"
    )


def whole_column(name: str, values: Any) -> Any:
    """An integer column read exactly: int64 when it fits, else refused naming the column.

    ``values`` is a numpy integer array (no missing values) or a list of Python
    ints and None (a nullable integer column, never routed through float).
    """
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "u" and values.size and int(values.max()) > INT64_MAX:
            raise DataError(
                f"column {name!r} holds the whole number {int(values.max())}, past the int64 "
                f"limit of 2**63 - 1 ({INT64_MAX}); it cannot be held exactly: rescale the column"
            )
        return values.astype(np.int64)
    out = [None if _missing(v) else int(v) for v in values]
    big = [v for v in out if v is not None and not -INT64_MAX - 1 <= v <= INT64_MAX]
    if big:
        raise DataError(
            f"column {name!r} holds the whole number {big[0]}, past the int64 limit of "
            f"2**63 - 1 ({INT64_MAX}); it cannot be held exactly: rescale the column"
        )
    return out


def _pandas_columns(df: Any) -> dict[str, Any]:
    import pandas as pd

    out: dict[str, Any] = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_bool_dtype(s.dtype) and not s.isna().any():
            out[str(c)] = s.to_numpy(dtype=bool)
        elif pd.api.types.is_integer_dtype(s.dtype):
            # Exact: the column's own dtype, or Python ints and None where missing.
            if isinstance(s.dtype, np.dtype):
                out[str(c)] = whole_column(str(c), s.to_numpy())
            else:
                out[str(c)] = whole_column(str(c), s.tolist())
        elif (
            pd.api.types.is_numeric_dtype(s.dtype)
            and not pd.api.types.is_bool_dtype(s.dtype)
            and not pd.api.types.is_complex_dtype(s.dtype)  # as floats: imaginary parts lost
        ):
            out[str(c)] = s.to_numpy(dtype=float, na_value=np.nan)
        else:
            out[str(c)] = [None if _missing(v) else v for v in s.tolist()]
    return out


def _polars_column(name: str, s: Any) -> Any:
    if s.dtype.is_integer():
        # Exact: never through float, never wrapped (see whole_column).
        return whole_column(name, s.to_numpy() if s.null_count() == 0 else s.to_list())
    if s.dtype.is_numeric():
        return s.cast(float).to_numpy()  # nulls become NaN
    if str(s.dtype) == "Boolean" and s.null_count() == 0:
        return s.to_numpy()
    return s.to_list()


def _arrow_column(name: str, col: Any) -> Any:
    import pyarrow as pa

    t = col.type
    if pa.types.is_integer(t):
        # Exact: never through float, never wrapped (see whole_column).
        return whole_column(name, col.to_numpy() if col.null_count == 0 else col.to_pylist())
    if pa.types.is_floating(t):
        return np.asarray(col.cast(pa.float64()).to_numpy(), dtype=float)
    if pa.types.is_boolean(t) and col.null_count == 0:
        return np.asarray(col.to_numpy(), dtype=bool)
    return col.to_pylist()


def _missing(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    return type(v).__name__ in ("NAType", "NaTType")


def _int64_whole(x: object) -> bool:
    """Whether ``x`` is a whole number (not a flag) within int64: astype(int64) overflows past."""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        return False
    return -INT64_MAX - 1 <= int(x) <= INT64_MAX


def _key(v: object) -> tuple[type, object]:
    """The key a raw id is factorised under: its type too, so True is not 1, nor 1.0."""
    return type(v), v


def _rows(rows: Sequence[int] | AnyArray) -> str:
    return listing([int(r) for r in rows], _ROWS)


def build(
    cols: dict[str, Any],
    *,
    unit: str,
    period: str,
    title: str | None,
    titles: str | None,
    facts: Sequence[str] | None,
    ordinals: Mapping[str, Any] | None,
    member_of: str | None,
    collectives: Any,
    periods: tuple[int, int] | None,
) -> History:
    """The history of long-format columns (see :meth:`History.from_dataframe`)."""
    from .history import History, Ordinal

    if title is not None and titles is not None:
        raise RuleTypeError("give title= (one title per row) or titles= (a list column), not both")
    if title is None and titles is None and "titles" in cols:
        titles = "titles"
    names = [str(c) for c in cols]
    for key, role in (
        (unit, "unit"),
        (period, "period"),
        (title, "title"),
        (titles, "titles"),
        (member_of, "member_of"),
    ):
        if key is not None and key not in cols:
            raise unknown(f"{role} column", key, names, "in the data frame")
    used = {unit, period, title, titles, member_of} - {None}
    if facts is None:
        fact_names = [c for c in cols if c not in used]
    else:
        if isinstance(facts, str):
            raise RuleTypeError(
                f"facts= lists column names (got {facts!r}); write facts=[{facts!r}]"
            )
        fact_names = list(facts)
        for f in fact_names:
            if f not in cols or f in used:
                raise unknown(
                    "fact column", str(f), [c for c in names if c not in used], "in the data frame"
                )
    scales = {
        nfc(k): v if isinstance(v, Ordinal) else Ordinal(v) for k, v in (ordinals or {}).items()
    }
    n = len(cols[unit])
    problems: list[str] = []

    # -- units: factorised once (one hash lookup per row), each distinct id checked once.
    raw_units = cols[unit]
    raw_units = raw_units.tolist() if isinstance(raw_units, np.ndarray) else list(raw_units)
    first_row: dict[tuple[type, object], int] = {}
    try:
        for k, v in enumerate(raw_units):
            first_row.setdefault(_key(v), k)
    except TypeError:
        raise DataTypeError(
            f"the unit column {unit!r} holds unhashable values (lists?); give one id per row"
        ) from None
    ids: list[str] = []
    id_code: dict[str, int] = {}
    raw_code: dict[object, int] = {}
    for (_, v), k in first_row.items():
        # The same rules as from_records and ScoreTable: texts or whole numbers, no
        # float (1.0 is not unit "1"), no None, no spaces around.
        text, bad = one_id(v, "unit", f"row {k}")
        if bad is None and isinstance(v, str) and text != nfc(v):
            bad = f"unit id {v!r} at row {k} has leading or trailing spaces; strip them"
        if bad is not None:
            problems.append(bad)
            continue
        # Texts equal after NFC are one unit, as in from_records.
        raw_code[_key(v)] = id_code.setdefault(text, len(ids))
        if id_code[text] == len(ids):
            ids.append(text)

    # -- periods
    p_raw = cols[period]
    p_arr = np.asarray(p_raw, dtype=object) if not isinstance(p_raw, np.ndarray) else p_raw
    if p_arr.dtype.kind in "iu":
        p_int = p_arr.astype(np.int64)
        bad_p = np.zeros(n, dtype=bool)
    elif p_arr.dtype.kind == "f":
        # Whole floats (a period column read as float) within 2**53, where they are exact:
        # past it astype(int64) would wrap.
        with np.errstate(invalid="ignore"):
            bad_p = ~(
                np.isfinite(p_arr) & (p_arr == np.round(p_arr)) & (np.abs(p_arr) <= FLOAT_EXACT)
            )
        p_int = np.where(bad_p, 0, p_arr).astype(np.int64)
    else:
        ok = np.fromiter(
            (_int64_whole(x) for x in p_arr),
            dtype=bool,
            count=n,
        )
        bad_p = ~ok
        p_int = np.where(ok, p_arr, 0).astype(np.int64)
    if bad_p.any():
        rows = np.flatnonzero(bad_p)
        problems.append(
            f"rows {_rows(rows)} have no whole-number period (row {int(rows[0])}: "
            f"{p_arr[rows[0]]!r}); periods are whole numbers, e.g. the year"
        )
    if problems:
        raise DataError.collect(problems, "the history data frame")
    if n == 0 and periods is None:
        raise DataError("the data frame has no rows and no periods= is given")
    first, last = (
        (int(periods[0]), int(periods[1]))
        if periods is not None
        else (int(p_int.min()), int(p_int.max()))
    )
    outside = (p_int < first) | (p_int > last)
    if outside.any():
        rows = np.flatnonzero(outside)
        raise DataError(
            f"rows {_rows(rows)} are for periods outside {first}-{last} (e.g. "
            f"{int(p_int[rows[0]])}); widen periods= or drop them"
        )
    n_units = len(ids)
    u_code = np.fromiter((raw_code[_key(v)] for v in raw_units), dtype=np.int64, count=n)
    shape = (last - first + 1, n_units)
    cell = (p_int - first) * n_units + u_code

    # -- cells: in one-row-per-title form a cell may repeat; everything else must agree.
    order = np.argsort(cell, kind="stable")
    sorted_cell = cell[order]
    repeat = sorted_cell[1:] == sorted_cell[:-1]  # row order[k + 1] repeats order[k]'s cell
    if titles is not None and repeat.any():
        k = int(np.flatnonzero(repeat)[0])
        a, b = sorted((int(order[k]), int(order[k + 1])))
        raise DataError(
            f"unit {ids[int(u_code[a])]!r} has two rows for period {int(p_int[a])} (rows {a} and "
            f"{b}); with a list column of titles give one row per unit and period (or one row "
            "per title with title=...)"
        )

    def agree(values: AnyArray, what: str) -> None:
        """Rows of the same cell carry the same value of ``what``."""
        if not repeat.any():
            return
        v = values[order]
        same = v[1:] == v[:-1]
        if v.dtype.kind == "f":
            same |= np.isnan(v[1:]) & np.isnan(v[:-1])
        clash = repeat & ~np.asarray(same, dtype=bool)
        if clash.any():
            k = int(np.flatnonzero(clash)[0])
            a, b = int(order[k]), int(order[k + 1])
            problems.append(
                f"{what} of unit {ids[int(u_code[a])]!r} in {int(p_int[a])} differs between rows "
                f"{min(a, b)} and {max(a, b)} ({values[a]!r} and {values[b]!r}); the rows of one "
                "unit and period repeat the same facts"
            )

    # -- titles
    granted: dict[str, AnyArray] = {}
    if titles is not None or title is not None:
        col = cols[titles if titles is not None else title]  # type: ignore[index]
        items = col.tolist() if isinstance(col, np.ndarray) else list(col)
        if titles is not None:
            flat: list[object] = []
            lengths = np.zeros(n, dtype=np.int64)
            for k, x in enumerate(items):
                if x is None or (isinstance(x, float) and math.isnan(x)):
                    continue
                if isinstance(x, str):
                    problems.append(
                        f"row {k} has titles {x!r}, a text; the titles column {titles!r} lists "
                        "titles (or use title= for one title per row)"
                    )
                    continue
                got = list(x)
                lengths[k] = len(got)
                flat.extend(got)
            title_cells = np.repeat(cell, lengths)
            flat_rows = np.repeat(np.arange(n), lengths)
        else:
            keep = np.fromiter((not _missing(x) for x in items), dtype=bool, count=n)
            flat = [x for x, ok in zip(items, keep.tolist(), strict=True) if ok]
            title_cells = cell[keep]
            flat_rows = np.flatnonzero(keep)
        codes: dict[object, int] = {}
        names_t: list[str] = []
        tcol = titles if titles is not None else title
        try:
            distinct = list(dict.fromkeys(flat))
        except TypeError:
            raise DataTypeError(
                f"the title column {tcol!r} holds unhashable values (lists in lists?); titles "
                "are names"
            ) from None
        for x in distinct:
            if not isinstance(x, str) or not x.strip() or x != x.strip():
                # Named here with its row and column, not later by the History constructor.
                row = int(flat_rows[flat.index(x)])
                what = "has spaces around" if isinstance(x, str) and x.strip() else "is not a name"
                problems.append(
                    f"title {x!r} at row {row} of column {tcol!r} {what}; titles are names "
                    "without spaces around: fix the title"
                )
                continue
            key = nfc(x)
            codes[x] = len(names_t) if key not in names_t else names_t.index(key)
            if key not in names_t:
                names_t.append(key)
        if not problems:
            t_code = np.fromiter((codes[x] for x in flat), dtype=np.int64, count=len(flat))
            for j, name in enumerate(names_t):
                g = np.zeros(shape[0] * shape[1], dtype=bool)
                g[title_cells[t_code == j]] = True
                granted[name] = g.reshape(shape)

    # -- facts
    fact_arrays: dict[str, AnyArray] = {}
    for name in fact_names:
        key = nfc(str(name))
        arr = _fact(key, cols[name], scales.get(key), problems)
        if arr is None:
            continue
        agree(arr, f"fact {key!r}")
        fill: Any = -1 if key in scales else None if arr.dtype == object else np.nan
        out = np.full(shape[0] * shape[1], fill, dtype=arr.dtype)
        out[cell] = arr
        fact_arrays[key] = out.reshape(shape)

    # -- memberships
    coll: History | None = None
    member: IntArray | None = None
    if member_of is not None:
        if collectives is None:
            raise DataError("member_of= needs collectives= (their history, data frame or records)")
        if isinstance(collectives, History):
            coll = collectives
        elif isinstance(collectives, Sequence | list):
            coll = History.from_records(
                collectives, unit=unit, period=period, ordinals=ordinals, periods=(first, last)
            )
        else:
            coll = History.from_dataframe(
                collectives, unit=unit, period=period, ordinals=ordinals, periods=(first, last)
            )
        cpos = {c: i for i, c in enumerate(coll.units)}
        raw = cols[member_of]
        raw = raw.tolist() if isinstance(raw, np.ndarray) else list(raw)
        where: dict[object, int] = {}
        try:
            first_at = {_key(v): k for k, v in reversed(list(enumerate(raw)))}
        except TypeError:
            raise DataTypeError(
                f"the member_of column {member_of!r} holds unhashable values (lists?); give "
                "one collective id per row"
            ) from None
        for (_, v), k in first_at.items():
            if _missing(v):
                where[_key(v)] = -1
                continue
            c, bad = one_id(v, "collective", f"row {k} of column {member_of!r}")
            if bad is None and isinstance(v, str) and c != nfc(v):
                bad = f"member_of {v!r} at row {k} has leading or trailing spaces; strip them"
            if bad is not None:
                problems.append(bad)
                where[_key(v)] = -1
                continue
            if c not in cpos:
                problems.append(
                    f"member_of {v!r} is not a collective of the history; known: "
                    f"{listing(sorted(cpos))}"
                )
            where[_key(v)] = cpos.get(c, -1)
        if not problems:
            m = np.fromiter((where[_key(v)] for v in raw), dtype=np.int64, count=n)
            agree(m, "the collective")
            flat_m = np.full(shape[0] * shape[1], -1, dtype=np.int64)
            flat_m[cell] = m
            member = flat_m.reshape(shape)
    if problems:
        raise DataError.collect(problems, "the history data frame")
    return History(
        ids,
        (first, last),
        titles=granted,
        facts=fact_arrays,
        ordinals=scales,
        member_of=member,
        collectives=coll,
    )


def _fact(name: str, values: Any, scale: Ordinal | None, problems: list[str]) -> AnyArray | None:
    """A fact column as float (NaN missing), int16 level codes (-1 missing) or text."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        if scale is not None:
            problems.append(f"fact {name!r} holds numbers, not levels of {scale!r}")
            return None
        bad = float_exact(values, f"fact {name!r}")
        if bad is not None:
            problems.append(bad)
            return None
        return values.astype(np.float64)
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    present = [v for v in items if not _missing(v)]
    if scale is not None:
        levels = {lv: k for k, lv in enumerate(scale.levels)}
        code: dict[object, int] = {}
        for v in dict.fromkeys(present):
            key = nfc(str(v))
            if key not in levels:
                problems.append(f"fact {name!r} holds {v!r}, not a level of {scale!r}")
            code[v] = levels.get(key, -1)
        return np.fromiter(
            (-1 if _missing(v) else code[v] for v in items), dtype=np.int16, count=len(items)
        )
    if present and all(isinstance(v, str) for v in present):
        out = np.empty(len(items), dtype=object)
        out[:] = [None if _missing(v) else nfc(v) for v in items]
        return out
    bad = float_exact(present, f"fact {name!r}")
    if bad is not None:
        problems.append(bad)
        return None
    if all(isinstance(v, bool | np.bool_ | numbers.Real) for v in present):
        return np.array([np.nan if _missing(v) else float(v) for v in items], dtype=np.float64)
    bad = next(
        (v for v in present if not isinstance(v, bool | np.bool_ | numbers.Real | str)), None
    )
    if bad is None:  # numbers and texts in one column
        bad = next(v for v in present if isinstance(v, str))
        problems.append(
            f"fact {name!r} mixes numbers and texts (e.g. {bad!r}); a fact column holds one "
            "kind: numbers or flags, texts, or levels of a scale declared with ordinals={...}"
        )
        return None
    problems.append(
        f"fact {name!r} holds {bad!r}; facts are numbers or flags, texts, or levels of a scale "
        "declared with ordinals={...}"
    )
    return None
