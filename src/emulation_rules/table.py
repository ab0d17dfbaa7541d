"""`ScoreTable`: the units of a competition and what is known about each of them.

A table holds N units, each with a unique text id, and named columns of one
value per unit: floats, ints, bools or categories (text). Numeric columns may
carry leading batch axes ``(..., N)``: one row per scenario, for simulations.

Validation happens once, on construction, and reports every problem at once.
Missing values (NaN / None) are recorded, not rejected: the rule that uses a
column decides what a missing value means.
"""

from __future__ import annotations

import math
import numbers
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from . import _threads
from ._checks import FLOAT_EXACT, expect, past_float, require, scenario_index
from ._checks import records as _records
from ._ids import UnitIds, parse_ids
from ._names import check_ids, listing, nfc, one_id, unknown
from .errors import DataError, DataTypeError
from .types import AnyArray, BoolArray, ColumnKind, FloatArray, IntArray

__all__ = ["Pairwise", "ScoreTable"]


#: The arrays this library made and made read-only, by id (a weak map: an entry goes
#: with its array). Only these, Arrow memory and read-only buffers are safe to view
#: without a copy: a caller's read-only array that owns its data can be made writable
#: again by its owner.
_OWNED: weakref.WeakValueDictionary[int, AnyArray] = weakref.WeakValueDictionary()


def _readonly(a: AnyArray) -> AnyArray:
    a.flags.writeable = False
    if a.base is None:
        _OWNED[id(a)] = a
    return a


class _Problems:
    """Collects validation problems so that all of them are reported together."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, msg: str) -> None:
        self.items.append(msg)

    def raise_if_any(self, what: str) -> None:
        if self.items:
            raise DataError.collect(self.items, what)


def _is_missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _classify_objects(values: Sequence[object]) -> str:
    """The kind of a list of Python objects: 'number', 'bool', 'text', 'mixed' or 'empty'."""
    seen: set[str] = set()
    for v in values:
        if _is_missing(v):
            continue
        if isinstance(v, bool | np.bool_):
            seen.add("bool")
        elif isinstance(v, numbers.Real):
            seen.add("number")
        elif isinstance(v, str):
            seen.add("text")
        else:
            seen.add("other")
        if len(seen) > 1:
            return "mixed"
    return seen.pop() if seen else "empty"


_INT64_MIN, _INT64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)
#: Whole numbers up to this convert to float64 exactly (the one bound, in _checks).
_FLOAT_EXACT = FLOAT_EXACT


def _biggest(whole: Sequence[int]) -> str:
    text = str(max(whole, key=abs))
    return text if len(text) <= 30 else f"{text[:6]}...{text[-3:]} ({len(text)} digits)"


def _rounded_ints(seq: object, arr: AnyArray) -> bool:
    """Whether numpy made a float array of a list holding whole numbers past 2**53."""
    if arr.dtype.kind != "f" or not arr.size:
        return False
    # Not nanmax: on all-NaN input it warns even with an initial value.
    big = np.abs(arr[~np.isnan(arr)])
    if not big.size or not float(big.max()) >= _FLOAT_EXACT:
        return False
    return past_float(np.array(seq, dtype=object).ravel().tolist()) is not None


def _int_copy(a: Any) -> IntArray:
    # Positions: whole numbers only, never a float truncated to the unit next to it.
    try:
        arr = np.array(a)
    except ValueError:
        arr = np.array(None)
    whole = arr.dtype.kind in "iu" or arr.size == 0
    if arr.dtype.kind == "f" and arr.size:
        whole = bool(
            np.isfinite(arr).all()
            and (arr == np.round(arr)).all()
            and (abs(arr) < _FLOAT_EXACT).all()
        )
    if not whole or arr.ndim != 1:
        raise DataTypeError(
            f"Pairwise earner and opponent are 1-D sequences of unit positions (whole "
            f"numbers); got {arr.dtype} values of shape {arr.shape}"
        )
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
        raise DataError("Pairwise positions are too large for int64")
    return _readonly(arr.astype(np.int64))


def _float_copy(a: Any) -> FloatArray:
    try:
        if np.asarray(a).dtype.kind not in "biufO":  # not complex, text or dates
            raise TypeError
        return _readonly(np.array(a, dtype=np.float64))
    except (TypeError, ValueError):
        raise DataTypeError(
            f"Pairwise values are numbers (got {type(a).__name__}: {a!r:.60})"
        ) from None


@attrs.frozen(eq=False)
class Pairwise:
    """Sparse pairwise results of one metric: unit ``earner[k]`` got ``value[k]`` against
    unit ``opponent[k]`` (a match's points, goals; or the points judge-unit ``opponent[k]``
    gave unit ``earner[k]``).

    Entries are positions in the table's units. A pair may appear several times
    (several matches); sub-tables add them up. Memory grows with the number of
    entries, never with N².
    """

    earner: IntArray = attrs.field(converter=_int_copy)
    opponent: IntArray = attrs.field(converter=_int_copy)
    value: FloatArray = attrs.field(converter=_float_copy)

    def __attrs_post_init__(self) -> None:
        shapes = {self.earner.shape, self.opponent.shape, self.value.shape}
        if len(shapes) != 1 or self.value.ndim != 1:
            raise DataError(
                "Pairwise needs three 1-D arrays of the same length (earner, opponent, value); "
                f"got shapes {self.earner.shape}, {self.opponent.shape}, {self.value.shape}"
            )

    @property
    def n_entries(self) -> int:
        """How many (earner, opponent, value) entries are stored."""
        return int(self.value.shape[0])


def _id_text(value: object) -> str:
    """A validated id as NFC text, spaces kept (the table refuses them, naming the id)."""
    return nfc(value) if isinstance(value, str) else str(value)


def _pairwise(
    name: str, spec: object, ids: Sequence[str], index: Mapping[str, int], problems: _Problems
) -> Pairwise | None:
    """Validate one pairwise metric: a dense N x N array (NaN = no result) or three
    sequences (earner ids, opponent ids, values)."""
    n = len(ids)
    if isinstance(spec, Pairwise):
        i, j, vals = spec.earner, spec.opponent, spec.value
        out_of_range = (i < 0) | (i >= n) | (j < 0) | (j >= n)
        if out_of_range.any():
            k = int(np.flatnonzero(out_of_range)[0])
            problems.add(
                f"pairwise metric {name!r} has entry {k} ({int(i[k])}, {int(j[k])}) outside the "
                f"table's {n} units; a Pairwise holds positions 0..{n - 1} of this table's units"
            )
            return None
    else:
        return _pairwise_spec(name, spec, ids, index, problems)
    if (i == j).any():
        k = int(np.flatnonzero(i == j)[0])
        problems.add(
            f"pairwise metric {name!r} has an entry of unit {ids[i[k]]!r} against itself; remove it"
        )
        return None
    if not np.isfinite(vals).all():
        problems.add(f"pairwise metric {name!r} holds NaN or infinity; give finite values")
        return None
    return spec


def _pairwise_spec(
    name: str, spec: object, ids: Sequence[str], index: Mapping[str, int], problems: _Problems
) -> Pairwise | None:
    """A dense array or three sequences, validated and turned into a :class:`Pairwise`."""
    n = len(ids)
    if isinstance(spec, np.ndarray) and spec.ndim == 2:
        if spec.shape != (n, n):
            problems.add(
                f"pairwise metric {name!r} is a {spec.shape} array; a dense pairwise array must "
                f"be {n} x {n} (row: the earning unit, column: the opponent), NaN for no result"
            )
            return None
        if past_float(spec) is not None:  # min/max: np.abs wraps at the smallest int64
            problems.add(
                f"pairwise metric {name!r} holds whole numbers past 2**53 ({_FLOAT_EXACT}), "
                "which a float would round; rescale the values"
            )
            return None
        dense = np.asarray(spec, dtype=np.float64)
        if np.isinf(dense).any():
            problems.add(f"pairwise metric {name!r} holds infinity; give finite values")
            return None
        off = ~np.isnan(dense)
        np.fill_diagonal(off, False)
        if (~np.isnan(np.diag(dense))).any():
            problems.add(
                f"pairwise metric {name!r} has values on the diagonal (a unit against itself); "
                "set them to NaN"
            )
            return None
        i, j = np.nonzero(off)
        return Pairwise(i, j, dense[i, j])
    earners: Iterable[object]
    opponents: Iterable[object]
    values: object
    try:
        if isinstance(spec, str | bytes):
            raise TypeError  # three letters are not three sequences
        earners, opponents, values = spec  # type: ignore[misc]
    except (TypeError, ValueError):
        problems.add(
            f"pairwise metric {name!r} must be an N x N array or three sequences "
            "(earner ids, opponent ids, values)"
        )
        return None
    try:
        earner_ids, opponent_ids = list(earners), list(opponents)
        vals = np.asarray(values, dtype=np.float64)
        inexact = _rounded_ints(values, vals)
    except OverflowError:
        inexact = True
    except (TypeError, ValueError):
        problems.add(
            f"pairwise metric {name!r} must be an N x N array or three sequences "
            "(earner ids, opponent ids, numeric values)"
        )
        return None
    if inexact:
        problems.add(
            f"pairwise metric {name!r} holds a number past the float limit or a whole number "
            f"past 2**53 ({_FLOAT_EXACT}), which a float would round; rescale the values"
        )
        return None
    if vals.ndim != 1 or not len(earner_ids) == len(opponent_ids) == vals.shape[0]:
        problems.add(
            f"pairwise metric {name!r}: earners, opponents and values must have the same length "
            f"(got {len(earner_ids)}, {len(opponent_ids)}, {vals.size if vals.ndim else 'one'})"
        )
        return None
    for side, given in (("earner", earner_ids), ("opponent", opponent_ids)):
        for k, u in enumerate(given):
            if one_id(u)[1] is not None:
                problems.add(
                    f"pairwise metric {name!r} has {side} {u!r} at entry {k}; name every unit "
                    "by its id (a text)"
                )
                return None
    bad = sorted({str(u) for u in (*earner_ids, *opponent_ids) if _id_text(u) not in index})
    if bad:
        problems.add(
            f"pairwise metric {name!r} names units that are not in the table: {listing(bad)}; "
            "add them to the table or fix the ids"
        )
        return None
    i = np.array([index[_id_text(u)] for u in earner_ids], dtype=np.int64)
    j = np.array([index[_id_text(u)] for u in opponent_ids], dtype=np.int64)
    return _pairwise(name, Pairwise(i, j, vals), ids, index, problems)


class ScoreTable:
    """N units with unique ids and named columns of values, validated once.

    Parameters
    ----------
    data
        A mapping of column name to values. Values are sequences or numpy
        arrays; numeric arrays may be shaped ``(..., N)`` (leading batch axes
        for scenarios).
    unit
        The column of ``data`` that holds the unit ids (default ``"unit"``).
        Ignored when ``units`` is given.
    units
        The unit ids, when they are not a column of ``data``. An integer array
        (or a range) is kept as int64 and an Arrow string array as it is: their
        texts are made when :attr:`units` is read. Integer ids are copied unless
        ``copy=False``, as columns are.
    pairwise
        Pairwise results by metric name (for head-to-head tie-breaks): a dense
        ``N x N`` array (row: the earning unit, column: the opponent; NaN for
        no result) or three sequences ``(earner ids, opponent ids, values)``.
    copy
        Copy the caller's arrays (default), so that changing them afterwards
        never changes the table. With ``copy=False`` arrays that already have
        the column's dtype (float64, int64, bool) are kept as read-only views:
        the table never writes to them, and the caller promises not to change
        them either. Memory nobody can write to (a read-only array that owns
        its data, an Arrow buffer) is viewed without a copy either way.

    Notes
    -----
    Unit ids are text compared after Unicode NFC normalisation, so "Khánh Hòa"
    typed with a composed or a decomposed "ò" is one unit. Integer ids are
    accepted and turned into their decimal text.

    Column kinds: ``"float"`` (NaN marks a missing value), ``"int"``,
    ``"bool"`` and ``"category"`` (text, ``None`` marks a missing value).
    Infinity is refused. Text where numbers are needed is refused by the rule
    that needs numbers, naming the unit.

    Examples
    --------
    >>> t = ScoreTable({"unit": ["Quảng Nam", "Khánh Hòa"], "rate": [0.84, 0.91]})
    >>> t
    ScoreTable(2 units: 'Quảng Nam', 'Khánh Hòa'; columns: rate (float))
    >>> t["rate"]
    array([0.84, 0.91])
    >>> t.index("Khánh Hòa")
    1
    """

    __slots__ = (
        "_batch_shape",
        "_columns",
        "_digests",
        "_has_missing",
        "_ids",
        "_index",
        "_kinds",
        "_pairwise",
    )

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        unit: str = "unit",
        units: Iterable[object] | None = None,
        pairwise: Mapping[str, Any] | None = None,
        copy: bool = True,
    ) -> None:
        if not isinstance(data, Mapping):
            raise DataTypeError(
                f"ScoreTable takes a mapping of column name to values (got {type(data).__name__}); "
                "use ScoreTable.from_records for a list of dicts or "
                "ScoreTable.from_dataframe for a DataFrame"
            )
        expect(unit, str, "unit", "ScoreTable", data=True, expected="a column name (text)")
        expect(copy, bool, "copy", "ScoreTable", expected="True or False")
        if pairwise is not None and not isinstance(pairwise, Mapping):
            raise DataTypeError(
                "ScoreTable pairwise= takes a mapping of metric name to results "
                f"(got {type(pairwise).__name__})"
            )
        problems = _Problems()
        cols = dict(data)
        if units is None:
            if unit not in cols:
                raise unknown(
                    "unit column",
                    unit,
                    [str(c) for c in cols],
                    "(name the column of unit ids with unit=..., or pass units=...)",
                )
            raw_units = cols.pop(unit)
        else:
            raw_units = units
        ids = self._validate_units(raw_units, problems, copy)
        # Integer ids stay an int64 array, text ids an Arrow array: texts are made
        # when somebody reads ``units`` (see _ids).
        self._ids: UnitIds = ids
        self._index: dict[str, int] | None = None
        # Filled on first use by a Lot (a cache of per-id digests; the ids never change).
        self._digests: object = None
        self._columns: dict[str, AnyArray] = {}
        self._kinds: dict[str, ColumnKind] = {}
        self._has_missing: dict[str, bool] = {}
        # Names are checked first; the columns are then converted and checked on
        # several threads when they are large, their problems kept in column order.
        todo: list[tuple[str, object] | str] = []  # (key, values), or a problem
        seen: set[str] = set()
        for name, values in cols.items():
            if not isinstance(name, str) or not name.strip():
                todo.append(f"column name {name!r} is not a non-empty text; name every column")
                continue
            key = nfc(name)
            if key in seen:
                todo.append(f"column {name!r} is given twice (after Unicode NFC normalisation)")
                continue
            seen.add(key)
            todo.append((key, values))

        def convert(item: tuple[str, object] | str) -> tuple[Any, list[str], bool]:
            if isinstance(item, str):
                return None, [item], False
            key, values = item
            own = _Problems()
            complete: set[str] = set()  # float columns one pass found free of NaN
            got = self._convert(key, values, ids, own, copy=copy, complete=complete)
            missing = got is not None and key not in complete and _any_missing(*got)
            return got, own.items, missing

        done = _threads.run(convert, todo, elements=len(ids) * len(todo))
        for item, (got, found, missing) in zip(todo, done, strict=True):
            for msg in found:
                problems.add(msg)
            if got is not None and not isinstance(item, str):
                key = item[0]
                self._columns[key], self._kinds[key] = got
                self._has_missing[key] = missing
        self._batch_shape = self._validate_batch(problems)
        self._pairwise: dict[str, Pairwise] = {}
        if pairwise:
            index = {u: k for k, u in enumerate(ids.texts())}
            for name, spec in pairwise.items():
                if nfc(str(name)) in self._pairwise:
                    problems.add(
                        f"pairwise metric {name!r} is given twice (after Unicode NFC normalisation)"
                    )
                    continue
                pw = _pairwise(str(name), spec, ids, index, problems)
                if pw is not None:
                    self._pairwise[nfc(str(name))] = pw
        problems.raise_if_any("the score table")

    # -- construction helpers -------------------------------------------------

    def _validate_units(self, raw: object, problems: _Problems, copy: bool) -> UnitIds:
        if (
            isinstance(raw, str)
            or not isinstance(raw, Iterable)
            or (isinstance(raw, np.ndarray) and raw.ndim != 1)
        ):
            raise DataTypeError(f"unit ids must be a sequence of texts (got {type(raw).__name__})")
        ids, found = parse_ids(raw, copy=copy)
        for msg in found:
            problems.add(msg)
        return ids

    @staticmethod
    def _convert(
        name: str,
        values: object,
        ids: Sequence[str],
        problems: _Problems,
        *,
        copy: bool,
        complete: set[str] | None = None,
    ) -> tuple[AnyArray, ColumnKind] | None:
        n = len(ids)
        if isinstance(values, np.ndarray):
            arr = values
        elif isinstance(values, str | bytes) or not isinstance(values, Iterable):
            problems.add(
                f"column {name!r} is {type(values).__name__}, not a sequence of values; "
                "give one value per unit"
            )
            return None
        elif isinstance(values, Mapping | set | frozenset):
            # Their order is not the units' order: reading them in it would misalign values.
            problems.add(
                f"column {name!r} is a {type(values).__name__}, whose order is not the units' "
                "order; give a list or an array with one value per unit, in table order"
            )
            return None
        else:
            seq = values if isinstance(values, Sequence) else list(values)
            try:
                arr = np.asarray(seq)
            except ValueError:
                problems.add(
                    f"column {name!r} is ragged (its rows have different lengths); "
                    "give one value per unit in every scenario"
                )
                return None
            if arr.dtype.kind in "OUS" and arr.ndim == 1:
                return ScoreTable._convert_objects(name, list(seq), ids, problems)
            if _rounded_ints(seq, arr):
                # numpy reads [2**63, 1] as floats: judge the Python numbers themselves.
                if arr.ndim == 1:
                    return ScoreTable._convert_objects(name, list(seq), ids, problems)
                problems.add(
                    f"column {name!r} holds whole numbers past 2**53 ({_FLOAT_EXACT}) that "
                    "numpy reads as floats, rounding them: give an int64 array, or rescale"
                )
                return None
        if arr.ndim == 0 or arr.shape[-1] != n:
            got = "a single value" if arr.ndim == 0 else f"{arr.shape[-1]} values"
            problems.add(
                f"column {name!r} has {got} but there are {n} units; give one value per unit "
                f"(the last axis must have length {n})"
            )
            return None
        kind = arr.dtype.kind
        if kind == "b":
            return _readonly(_own(arr, np.bool_, copy)), "bool"
        if kind in "iu":
            if kind == "u" and arr.size and int(arr.max()) > _INT64_MAX:
                problems.add(
                    f"column {name!r} holds whole numbers up to {int(arr.max())}, past the "
                    f"int64 limit of 2**63 - 1 ({_INT64_MAX}); a score table cannot hold them "
                    "exactly: rescale the column (e.g. to thousands)"
                )
                return None
            return _readonly(_own(arr, np.int64, copy)), "int"
        if kind == "f":
            out = _own(arr, np.float64, copy)
            # One sum (a fast pass) is finite when no value is NaN or infinite.
            with np.errstate(over="ignore", invalid="ignore"):
                finite = bool(np.isfinite(out.sum()))
            if finite and complete is not None:
                complete.add(name)
            if not finite:
                inf = np.isinf(out)
                if inf.any():
                    where = np.argwhere(inf)
                    problems.add(
                        f"column {name!r} holds infinity at {_positions(where, ids)}; "
                        "give a finite number, or NaN for a missing value"
                    )
            return _readonly(out), "float"
        if kind in "OUS":
            if arr.ndim != 1:
                problems.add(
                    f"column {name!r} holds text with batch axes {arr.shape[:-1]}; "
                    "only numeric columns may vary by scenario"
                )
                return None
            return ScoreTable._convert_objects(name, arr.tolist(), ids, problems)
        problems.add(
            f"column {name!r} has dtype {arr.dtype}, which a score table cannot hold; "
            "give floats, ints, bools or text"
        )
        return None

    @staticmethod
    def _convert_objects(
        name: str, values: list[object], ids: Sequence[str], problems: _Problems
    ) -> tuple[AnyArray, ColumnKind] | None:
        n = len(ids)
        if len(values) != n:
            problems.add(
                f"column {name!r} has {len(values)} values but there are {n} units; "
                "give one value per unit"
            )
            return None
        what = _classify_objects(values)
        if what in ("number", "empty"):
            whole = [
                int(v) for v in values if isinstance(v, numbers.Integral) and not _is_missing(v)
            ]
            all_int = what == "number" and len(whole) == len(values)
            if all_int and not _INT64_MIN <= min(whole) <= max(whole) <= _INT64_MAX:
                problems.add(
                    f"column {name!r} holds the whole number {_biggest(whole)}, past the int64 "
                    f"limit of 2**63 - 1 ({_INT64_MAX}); a score table cannot hold it exactly: "
                    "rescale the column (e.g. to thousands)"
                )
                return None
            if all_int:
                return _readonly(np.array(whole, dtype=np.int64)), "int"
            if past_float(whole) is not None:
                # Mixed with decimals or missing values the column becomes float, where
                # whole numbers past 2**53 are silently rounded to a neighbour.
                problems.add(
                    f"column {name!r} holds the whole number {_biggest(whole)}, past 2**53 "
                    f"({_FLOAT_EXACT}), the largest a float column holds exactly (the column "
                    "has decimals or missing values, so it is a float column): rescale it"
                )
                return None
            try:
                out = np.array([math.nan if _is_missing(v) else v for v in values], dtype=float)
            except OverflowError:
                problems.add(
                    f"column {name!r} holds a number past the float limit "
                    f"({np.finfo(np.float64).max:.4g}); rescale the column"
                )
                return None
            if np.isinf(out).any():
                problems.add(
                    f"column {name!r} holds infinity at {_positions(np.argwhere(np.isinf(out)), ids)}; "
                    "give a finite number, or NaN for a missing value"
                )
            return _readonly(out), "float"
        if what == "bool":
            missing = [i for i, v in enumerate(values) if _is_missing(v)]
            if missing:
                problems.add(
                    f"flag column {name!r} has missing values at units "
                    f"{listing([ids[i] for i in missing])}; "
                    "give True or False for every unit"
                )
                return None
            return _readonly(np.array(values, dtype=np.bool_)), "bool"
        if what == "text":
            out_obj = np.empty(n, dtype=object)
            out_obj[:] = [None if _is_missing(v) else nfc(str(v)) for v in values]
            return _readonly(out_obj), "category"
        kinds = sorted({type(v).__name__ for v in values if not _is_missing(v)})
        problems.add(
            f"column {name!r} mixes values of types {', '.join(kinds)}; "
            "a column holds numbers, flags or text, not a mixture: convert it first"
        )
        return None

    def _validate_batch(self, problems: _Problems) -> tuple[int, ...]:
        shape: tuple[int, ...] = ()
        first: dict[tuple[int, ...], str] = {}
        for name, arr in self._columns.items():
            b = arr.shape[:-1]
            if not b:
                continue
            first.setdefault(b, name)
            try:
                shape = np.broadcast_shapes(shape, b)
            except ValueError:
                other = next(iter(first.items()))
                problems.add(
                    f"column {name!r} has batch axes {b} that do not broadcast with "
                    f"{other[1]!r}'s {other[0]}; give every scenario column the same leading axes"
                )
        return shape

    # -- alternative constructors --------------------------------------------

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, Any]], *, unit: str = "unit"
    ) -> ScoreTable:
        """A table from a list of dicts, one per unit.

        A key missing from a record is a missing value for that unit, never a
        dropped row.

        Examples
        --------
        >>> t = ScoreTable.from_records([
        ...     {"unit": "Phú Yên", "cases": 410},
        ...     {"unit": "Bình Định", "cases": 560, "note": "leader"},
        ... ])
        >>> t["cases"], t["note"]
        (array([410, 560]), array([None, 'leader'], dtype=object))
        """
        rows = _records(records, "ScoreTable.from_records", "dicts (one per unit)")
        names: dict[str, None] = {}
        for i, r in enumerate(rows):
            if not isinstance(r, Mapping):
                raise DataTypeError(
                    f"record {i} is {type(r).__name__}, not a mapping; give one dict per unit"
                )
            names.update(dict.fromkeys(r))
        data = {k: [r.get(k) for r in rows] for k in names}
        return cls(data, unit=unit)

    @classmethod
    def from_matches(
        cls,
        matches: Iterable[Sequence[Any]],
        *,
        win: float = 3,
        draw: float = 1,
        loss: float = 0,
        units: Iterable[str] | None = None,
    ) -> ScoreTable:
        """A league table from match results ``(home, away, home_goals, away_goals)``.

        Columns and pairwise metrics (what a unit earned against each opponent)
        are both named ``points``, ``goal_difference``, ``goals_for``,
        ``goals_against``, ``wins``, ``draws``, ``losses`` and ``played``, so a
        ranking can use a name overall and inside a
        :class:`~emulation_rules.HeadToHead` block alike. Units appear in the
        order of ``units`` if given, else in order of first appearance.

        Examples
        --------
        >>> t = ScoreTable.from_matches([("A", "B", 2, 1), ("B", "C", 0, 0), ("C", "A", 1, 3)])
        >>> t.units, t["points"], t["goal_difference"]
        (('A', 'B', 'C'), array([6, 1, 1]), array([ 3, -1, -2]))
        """
        rows = []
        for k, m in enumerate(_records(matches, "ScoreTable.from_matches", "matches")):
            try:
                home, away, hg, ag = m
            except (TypeError, ValueError):
                raise DataError(
                    f"match {k} is {m!r}; give (home, away, home_goals, away_goals)"
                ) from None
            for g in (hg, ag):
                if (
                    isinstance(g, bool)
                    or not isinstance(g, numbers.Integral)
                    or not 0 <= int(g) < 2**31
                ):
                    raise DataError(
                        f"match {k} ({home!r} v {away!r}) has goals {g!r}; goals are whole "
                        "numbers >= 0 (and below 2**31)"
                    )
            for x in (home, away):
                bad = one_id(x, "team", f"match {k}")[1]
                if bad is not None:
                    raise DataError(f"{bad} (the match is {m!r})")
            h, a = _id_text(home), _id_text(away)
            if h == a:
                raise DataError(f"match {k} has {h!r} playing itself; fix the teams")
            rows.append((h, a, int(hg), int(ag)))
        # Totals are summed as floats (exact up to 2**53) and kept as int64: past that
        # they would be rounded, or wrap.
        if sum(r[2] + r[3] for r in rows) > _FLOAT_EXACT:
            raise DataError(
                f"the matches hold more than 2**53 ({_FLOAT_EXACT}) goals in all; the goal "
                "totals would not be exact: check the scores"
            )
        order: dict[str, None] = {}
        if units is not None:
            if isinstance(units, str) or not isinstance(units, Iterable):
                raise DataTypeError(f"units is a list of team ids (got {units!r})")
            listed, problems = check_ids(list(units), "team", "units position")
            if problems:
                raise DataError.collect(problems, "units=")
            order.update(dict.fromkeys(listed))
            extra = sorted({t for r in rows for t in r[:2]} - set(order))
            if extra:
                raise DataError(
                    f"matches name teams that are not in units: {listing(extra)}; add them"
                )
        for h, a, _, _ in rows:
            order.update(dict.fromkeys((h, a)))
        ids = list(order)
        idx = {u: i for i, u in enumerate(ids)}
        n = len(ids)
        earner, opponent, gf, ga = [], [], [], []
        for h, a, hg, ag in rows:
            earner += [idx[h], idx[a]]
            opponent += [idx[a], idx[h]]
            gf += [hg, ag]
            ga += [ag, hg]
        e, o = np.array(earner, dtype=np.int64), np.array(opponent, dtype=np.int64)
        f, g = np.array(gf, dtype=np.int64), np.array(ga, dtype=np.int64)
        per_match = {
            "points": np.where(f > g, win, np.where(f == g, draw, loss)),
            "goal_difference": f - g,
            "goals_for": f,
            "goals_against": g,
            "wins": (f > g).astype(np.int64),
            "draws": (f == g).astype(np.int64),
            "losses": (f < g).astype(np.int64),
            "played": np.ones_like(f),
        }
        columns: dict[str, Any] = {}
        pairwise: dict[str, Any] = {}
        for name, v in per_match.items():
            total = np.bincount(e, weights=v, minlength=n) if e.size else np.zeros(n)
            is_int = all(float(x).is_integer() for x in (win, draw, loss))
            with np.errstate(invalid="ignore"):
                inexact = not bool(np.abs(total).max(initial=0.0) <= _FLOAT_EXACT)
            if inexact:
                # Sums past 2**53 are rounded as floats and would wrap as int64.
                raise DataError(
                    f"from_matches: the {name} of a team reach {np.abs(total).max():.4g}, past "
                    f"2**53 ({_FLOAT_EXACT}), where they are no longer exact (win={win!r}, "
                    f"draw={draw!r}, loss={loss!r}); give smaller points per match"
                )
            columns[name] = total.astype(np.int64) if is_int or name != "points" else total
            pairwise[name] = Pairwise(e, o, v)
        return cls(columns, units=ids, pairwise=pairwise)

    @classmethod
    def from_dataframe(
        cls, df: Any, *, unit: str | None = None, copy: bool | None = None
    ) -> ScoreTable:
        """A table from a pandas or polars DataFrame, a pyarrow Table, or any object
        that exports Arrow data (``__arrow_c_stream__`` / ``__arrow_c_array__``, e.g. a
        DuckDB result).

        Parameters
        ----------
        df
            The frame, one row per unit.
        unit
            The column of unit ids. For pandas, the index is used when
            ``unit`` is not given and the index is not a plain 0..N-1 range.
        copy
            Whether the table copies the frame's columns. By default (None)
            memory nobody can change -- Arrow buffers, polars columns -- is
            viewed without a copy, and a pandas frame, which its owner can
            change, is copied. ``copy=False`` keeps float64, int64 and bool
            columns of a pandas frame as read-only views (the caller promises
            not to change them); ``copy=True`` copies a pandas frame too
            (Arrow memory is never copied: nothing can change it). Missing
            values become NaN in one pass per column.

        Examples
        --------
        >>> import pyarrow as pa
        >>> tbl = pa.table({"unit": ["Khánh Hòa", "Phú Yên"], "rate": [0.91, None]})
        >>> t = ScoreTable.from_dataframe(tbl)
        >>> t.units, t["rate"]
        (('Khánh Hòa', 'Phú Yên'), array([0.91,  nan]))
        """
        expect(copy, (bool, type(None)), "copy", "from_dataframe", expected="True, False or None")
        module = type(df).__module__.split(".")[0]
        if module == "pandas":
            return cls._from_pandas(df, unit, copy=copy is not False)
        if module == "polars" and hasattr(df, "to_arrow"):
            # polars columns are Arrow memory: exported without a copy.
            return cls._from_arrow(df.to_arrow(), unit)
        if module == "pyarrow" and hasattr(df, "column_names"):
            return cls._from_arrow(df, unit)
        if hasattr(df, "__arrow_c_stream__") or hasattr(df, "__arrow_c_array__"):
            pa = require("pyarrow", "ScoreTable.from_dataframe() of an Arrow-exporting object")
            return cls._from_arrow(pa.table(df), unit)
        raise DataTypeError(
            f"from_dataframe takes a pandas or polars DataFrame, a pyarrow Table or an "
            f"object that exports Arrow data (got {type(df).__module__}.{type(df).__name__})"
        )

    @classmethod
    def _from_arrow(cls, tbl: Any, unit: str | None) -> ScoreTable:
        """Arrow columns as the table's columns: numbers viewed where Arrow's layout is
        numpy's (no copy; Arrow memory is immutable), nulls as NaN in one pass; the
        unit column handed over as an Arrow array (see ``_ids``)."""
        from ._frames import columns_of

        key = unit if unit is not None else "unit"
        cols: dict[str, Any] = {}
        slow: list[str] = []
        for name in tbl.column_names:
            c = str(name)
            col = tbl.column(name)
            got = _arrow_numbers(col) if c != key else _arrow_ids(col)
            if got is None:
                slow.append(c)
            else:
                cols[c] = got
        if slow:
            # Everything else by the reader History.from_dataframe uses (exact whole
            # numbers, text and null handling), the few columns that need it.
            rest = columns_of(tbl.select(slow), "ScoreTable.from_dataframe")
            cols = {
                str(c): cols[str(c)] if str(c) in cols else rest[str(c)] for c in tbl.column_names
            }
        return cls(cols, unit=key)

    @classmethod
    def _from_pandas(cls, df: Any, unit: str | None, *, copy: bool = True) -> ScoreTable:
        import pandas as pd

        from ._frames import whole_column

        cols: dict[str, Any] = {}
        key = unit if unit is not None else "unit"
        for c in df.columns:
            s = df[c]
            if str(c) == key and not s.isna().any():
                cols[str(c)] = _pandas_ids(s)
            elif pd.api.types.is_bool_dtype(s.dtype) and not s.isna().any():
                cols[str(c)] = s.to_numpy(dtype=bool)
            elif pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
                if pd.api.types.is_float_dtype(s.dtype):
                    # A numpy float64 column as it is (the table copies it unless
                    # copy=False); other floats and masked ones: NaN for NA, one pass.
                    if s.dtype == np.float64:
                        cols[str(c)] = s.to_numpy()
                    else:
                        cols[str(c)] = s.to_numpy(dtype=float, na_value=np.nan)
                elif not pd.api.types.is_integer_dtype(s.dtype):
                    cols[str(c)] = s.to_numpy()  # e.g. complex: judged (refused) by the table
                elif isinstance(s.dtype, np.dtype):
                    cols[str(c)] = s.to_numpy()  # judged exactly by the table (uint64 too)
                else:
                    # Nullable integers as Python ints (None where missing), as
                    # History.from_dataframe reads them, never through float.
                    cols[str(c)] = whole_column(str(c), s.tolist())
            else:
                cols[str(c)] = [None if v is pd.NA else v for v in s.tolist()]
        if unit is None and "unit" not in cols:
            if isinstance(df.index, pd.RangeIndex):
                raise DataError(
                    "the DataFrame has no 'unit' column and a plain 0..N-1 index; "
                    "name the column of unit ids with unit=..., or set it as the index"
                )
            index = df.index
            ids = index.tolist() if index.hasnans else _pandas_ids(index)
            return cls(cols, units=ids, copy=copy)
        return cls(cols, unit=key, copy=copy)

    # -- access ---------------------------------------------------------------

    @property
    def units(self) -> tuple[str, ...]:
        """The unit ids (NFC-normalised), in table order.

        Integer ids read as their decimal text. The texts are made on the first
        read (a table of integer or Arrow ids holds them as an array until then).
        """
        return self._ids.texts()

    @property
    def n_units(self) -> int:
        """The number of units N."""
        return len(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in the order given."""
        return tuple(self._columns)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The leading (scenario) axes shared by the numeric columns; ``()`` if none."""
        return self._batch_shape

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and nfc(name) in self._columns

    def __getitem__(self, name: str) -> AnyArray:
        """The column ``name`` as a read-only array."""
        return self._columns[self._column_key(name)]

    def _column_key(self, name: str) -> str:
        if not isinstance(name, str):  # not text (maybe not even hashable): unknown
            raise unknown("column", repr(name), list(self._columns), "in the score table")
        key = nfc(name)
        if key not in self._columns:
            raise unknown("column", str(name), list(self._columns), "in the score table")
        return key

    @property
    def pairwise_metrics(self) -> tuple[str, ...]:
        """The names of the pairwise metrics the table carries."""
        return tuple(self._pairwise)

    def pairwise(self, name: str) -> Pairwise:
        """The sparse pairwise results of metric ``name``."""
        key = nfc(name)
        if key not in self._pairwise:
            raise unknown("pairwise metric", name, list(self._pairwise), "in the score table")
        return self._pairwise[key]

    def kind(self, name: str) -> ColumnKind:
        """The kind of column ``name``: ``"float"``, ``"int"``, ``"bool"`` or ``"category"``."""
        return self._kinds[self._column_key(name)]

    def has_missing(self, name: str) -> bool:
        """Whether column ``name`` has any missing value (known since construction)."""
        return self._has_missing[self._column_key(name)]

    def missing(self, name: str) -> BoolArray:
        """Where column ``name`` has a missing value (NaN or None)."""
        arr = self[name]
        if arr.dtype == object:
            return none_mask(arr)
        if arr.dtype.kind == "f":
            return np.isnan(arr)
        return np.zeros(arr.shape, dtype=np.bool_)

    def numeric(self, name: str, *, needed_by: str = "") -> FloatArray:
        """Column ``name`` as float64 (bools as 0/1); text is refused naming the unit.

        Float columns are returned without a copy (read-only).
        """
        key = self._column_key(name)
        arr = self._columns[key]
        if self._kinds[key] == "category":
            bad = next((i for i, v in enumerate(arr) if v is not None), 0)
            who = f" (needed by {needed_by})" if needed_by else ""
            raise DataTypeError(
                f"column {key!r} holds text, not numbers{who}: e.g. {arr[bad]!r} at unit "
                f"{self._ids[bad]!r}; convert the column to numbers "
                "(a decimal point, not a comma) before building the table"
            )
        if arr.dtype == np.float64:
            return arr
        if arr.dtype.kind == "i" and arr.size:
            # Whole numbers past 2**53 have no exact float: refuse rather than round them.
            worst = past_float(arr)
            if worst is not None:
                who = f" (needed by {needed_by})" if needed_by else ""
                raise DataError(
                    f"column {key!r}{who} holds the whole number {worst}, "
                    f"past 2**53 ({_FLOAT_EXACT}), the largest that converts to a float "
                    "exactly; rescale the column, or rank on it without a resolution "
                    "(integer keys are compared exactly)"
                )
        return _readonly(arr.astype(np.float64))

    def index(self, unit: str) -> int:
        """The row of ``unit`` (compared after NFC normalisation)."""
        if self._index is None:
            self._index = {u: i for i, u in enumerate(self._ids.texts())}
        key = nfc(unit) if isinstance(unit, str) else str(unit)
        try:
            return self._index[key]
        except KeyError:
            raise unknown("unit", str(unit), self.units, "in the score table") from None

    # -- derived tables -------------------------------------------------------

    def with_columns(
        self, columns: Mapping[str, Any] | None = None, /, *, copy: bool = True, **more: Any
    ) -> ScoreTable:
        """A new table with columns added or replaced; this table is unchanged.

        Parameters
        ----------
        columns, **more
            The new columns, by name (a column called ``copy`` goes in the mapping).
        copy
            Copy the caller's arrays (default), as the constructor does: changing
            an array afterwards never changes the table. With ``copy=False``
            arrays that already have the column's dtype are kept as read-only
            views: the caller promises not to change them. Columns of this
            table (and other read-only data nobody can write to) are shared
            without a copy either way.

        Examples
        --------
        >>> import numpy as np
        >>> t = ScoreTable({"unit": ["A", "B"], "x": [1.0, 2.0]})
        >>> y = np.array([0.5, 0.25])
        >>> t2 = t.with_columns(fair_play=[-1, 0], y=y)
        >>> t2.columns
        ('x', 'fair_play', 'y')
        >>> y[0] = 99.0  # the table holds its own copy
        >>> t2["y"]
        array([0.5 , 0.25])
        """
        expect(copy, bool, "copy", "with_columns", expected="True or False")
        if columns is not None and not isinstance(columns, Mapping):
            raise DataTypeError(
                "with_columns takes a mapping of column name to values, or name=values "
                f"(got {type(columns).__name__})"
            )
        data = _replaced(self._columns, columns, more, "column")
        return ScoreTable(data, units=self._ids, pairwise=self._pairwise, copy=copy)

    def with_pairwise(self, metrics: Mapping[str, Any] | None = None, /, **more: Any) -> ScoreTable:
        """A new table with pairwise metrics added or replaced; this table is unchanged.

        The metrics are copied (a :class:`Pairwise` holds its own read-only arrays).
        """
        if metrics is not None and not isinstance(metrics, Mapping):
            raise DataTypeError(
                "with_pairwise takes a mapping of metric name to results, or name=results "
                f"(got {type(metrics).__name__})"
            )
        pw = _replaced(self._pairwise, metrics, more, "pairwise metric")
        return ScoreTable(dict(self._columns), units=self._ids, pairwise=pw, copy=False)

    # -- export ---------------------------------------------------------------

    def to_pandas(self, *, scenario: tuple[int, ...] | int | None = None) -> Any:
        """The table as a pandas DataFrame indexed by unit id.

        Columns with batch axes need ``scenario=`` (one index per batch axis;
        an index outside them raises :class:`~emulation_rules.OutOfRangeError`).
        """
        pd = require("pandas", "ScoreTable.to_pandas()")
        batch = self._batch_shape
        if batch and scenario is None:
            name = next(c for c, a in self._columns.items() if a.ndim > 1)
            raise DataError(
                f"column {name!r} has batch axes {self._columns[name].shape[:-1]}; pick one "
                "scenario with to_pandas(scenario=i)"
            )
        sc = scenario_index(() if scenario is None else scenario, batch, "ScoreTable.to_pandas")
        data: dict[str, Any] = {}
        for name, arr in self._columns.items():
            b = arr.shape[:-1]
            # A column with fewer batch axes (or size-1 ones) broadcasts over the scenarios.
            at = sc[len(sc) - len(b) :] if b else ()
            data[name] = arr[tuple(0 if d == 1 else i for i, d in zip(at, b, strict=True))]
        return pd.DataFrame(data, index=pd.Index(self.units, name="unit"))

    def __repr__(self) -> str:
        cols = ", ".join(f"{c} ({k})" for c, k in self._kinds.items()) or "none"
        batch = f", batch {self._batch_shape}" if self._batch_shape else ""
        n = len(self._ids)
        shown = listing(self._ids.take(np.arange(min(n, 3))), 3)  # three texts, not every one
        if n > 3:
            shown = f"{shown} and {n - 3} more"
        return f"ScoreTable({n} unit{'s' if n != 1 else ''}: {shown}; columns: {cols}{batch})"


def _own(arr: AnyArray, dtype: type[np.generic], copy: bool) -> AnyArray:
    """``arr`` as ``dtype``: a copy, or a view where the dtype already matches and either
    ``copy=False`` was asked or nobody can write to ``arr`` -- a view, so that marking it
    read-only leaves the caller's own flag alone."""
    out = np.array(arr, dtype=dtype, copy=True if copy and not _immutable(arr) else None)
    return arr.view() if out is arr else out


def _replaced(
    old: Mapping[str, Any], given: Mapping[Any, Any] | None, more: Mapping[str, Any], what: str
) -> dict[Any, Any]:
    """``old`` with the entries ``given`` and ``more`` add or replace, names matched after
    NFC (a name typed decomposed replaces its column, it does not add a second one). A
    name given both in the mapping and as a keyword is refused: neither silently wins."""
    out: dict[Any, Any] = dict(old)
    first: dict[Any, object] = {}
    for source in (given or {}, more):
        for key, value in source.items():
            name = nfc(key) if isinstance(key, str) else key
            if name in first:
                raise DataError(
                    f"{what} {name!r} is given twice ({first[name]!r} and {key!r}; names are "
                    "compared after Unicode NFC normalisation): give it once"
                )
            first[name] = key
            out[name] = value
    return out


def _immutable(arr: AnyArray) -> bool:
    """Whether nobody can write to ``arr``'s memory: read-only all the way down to a
    read-only buffer (an Arrow buffer, bytes) or to an array this library made read-only
    (a column of another table). A read-only view of a writable array is not, and
    neither is a caller's read-only array that owns its data: its owner may set
    ``flags.writeable = True`` again."""
    base: object = arr
    while isinstance(base, np.ndarray):
        if base.flags.writeable:
            return False
        if base.base is None:
            return _OWNED.get(id(base)) is base
        base = base.base
    if type(base).__module__.split(".")[0] == "pyarrow":
        return True  # Arrow arrays and buffers are immutable
    try:
        return memoryview(base).readonly  # type: ignore[arg-type]
    except TypeError:
        return False


def _arrow_numbers(col: Any) -> AnyArray | None:
    """A numeric Arrow column as numpy without a copy where the layouts agree (float64,
    int64, no nulls); floats with nulls filled with NaN in one pass; None for any
    other column (read by the exact reader)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = col.type
    if pa.types.is_floating(t):
        if t != pa.float64():
            col = col.cast(pa.float64())
        if col.null_count:
            col = pc.fill_null(col, math.nan)
        return _arrow_view(col)
    if pa.types.is_integer(t) and col.null_count == 0 and t == pa.int64():
        return _arrow_view(col)
    if pa.types.is_boolean(t) and col.null_count == 0:
        return np.asarray(col.to_numpy(), dtype=np.bool_)
    return None


def _arrow_view(col: Any) -> AnyArray:
    """One chunk's buffer seen as numpy (read-only; a second chunk is joined first)."""
    if hasattr(col, "num_chunks"):
        # combine_chunks copies even a single chunk
        col = col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    return np.asarray(col.to_numpy(zero_copy_only=True))


def _arrow_ids(col: Any) -> Any:
    """The unit column as an Arrow array for the id checks, or None for the exact
    reader (ids with nulls, or of a type that is neither text nor whole numbers)."""
    import pyarrow as pa

    t = col.type
    if col.null_count:
        return None
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    if pa.types.is_integer(t):
        return col.combine_chunks().to_numpy()  # uint64 past int64: the per-id rule
    return None


def _pandas_ids(s: Any) -> Any:
    """A pandas column or index of ids without a Python object per id where it can:
    integers as their array, Arrow-backed text as Arrow, other text as an object array
    (the id checks read it through Arrow when pyarrow is installed)."""
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in "iuO":
        return s.to_numpy()
    arrow = getattr(s.array, "_pa_array", None)  # pandas' Arrow-backed strings
    if arrow is not None:
        return arrow
    return s.tolist()


def none_mask(arr: AnyArray) -> BoolArray:
    """Where an object array holds None (a missing text value), without a loop per unit."""
    return np.asarray(np.equal(arr, None), dtype=np.bool_)  # type: ignore[call-overload]


def _any_missing(arr: AnyArray, kind: ColumnKind) -> bool:
    if kind == "category":
        return bool(none_mask(arr).any())
    # A sum is one fast pass and is NaN when some value is NaN (no infinities here). Near
    # the float limits it can overflow to inf - inf = NaN too: only then look at each value.
    if kind != "float":
        return False
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isnan(arr.sum())) and bool(np.isnan(arr).any())


def _positions(where: AnyArray, ids: Sequence[str]) -> str:
    """ "unit 'A', unit 'B' (scenario (0,))" for an argwhere result."""
    parts = []
    for idx in where[:5].tolist():
        unit = f"unit {ids[idx[-1]]!r}"
        parts.append(f"{unit} (scenario {tuple(idx[:-1])})" if len(idx) > 1 else unit)
    more = len(where) - 5
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")
