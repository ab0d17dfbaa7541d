"""Argument checks shared by the public entry points: types, scenario indexes, optional imports.

Each check raises the library's own error (see :mod:`emulation_rules.errors`)
naming the parameter, what it expected and what it got, so that a misuse never
surfaces as a bare ``AttributeError`` or ``IndexError`` from deep inside numpy.
"""

from __future__ import annotations

import importlib
import numbers
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any, TypeGuard

import numpy as np

from .errors import DataTypeError, OutOfRangeError, RuleTypeError

__all__ = ["expect", "iterable", "missing", "records", "require", "scenario_index"]

#: The extra of ``pyproject.toml`` that installs each optional module.
EXTRAS = {
    "pandas": "pandas",
    "polars": "polars",
    "pyarrow": "arrow",
    "hypothesis": "test",
    "click": "cli",
    "rich": "rich",
    "cattrs": "json",
    "dask": "dask",
    "distributed": "dask",
    "matplotlib": "plot",
}


def expect(
    value: object,
    kind: type | tuple[type, ...],
    param: str,
    where: str,
    *,
    data: bool = False,
    expected: str | None = None,
) -> None:
    """Refuse ``value`` unless it is an instance of ``kind``.

    A rule argument raises :class:`RuleTypeError`, a data argument (``data=True``)
    :class:`DataTypeError`; the message names ``where`` and ``param``, the type
    expected and the type given.
    """
    if isinstance(value, kind):
        return
    if expected is None:
        kinds = kind if isinstance(kind, tuple) else (kind,)
        expected = " or ".join("None" if k is type(None) else f"a {k.__name__}" for k in kinds)
    error = DataTypeError if data else RuleTypeError
    raise error(
        f"{where}: {param} must be {expected} (got {_shown(value)} of type {type(value).__name__})"
    )


def iterable(value: object) -> TypeGuard[Iterable[Any]]:
    """Whether ``value`` can be iterated over (a 0-d array claims it, then refuses)."""
    return isinstance(value, Iterable) and not (isinstance(value, np.ndarray) and value.ndim == 0)


def records(value: object, where: str, what: str = "records") -> list[Any]:
    """``value`` as a list of its items, refusing what is not a sequence of records
    (a number, a text, a single mapping) with :class:`DataTypeError`."""
    if isinstance(value, str | bytes | Mapping) or not iterable(value):
        raise DataTypeError(
            f"{where} takes a sequence of {what} (got {_shown(value)} of type "
            f"{type(value).__name__})"
        )
    return list(value)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def scenario_index(index: object, batch_shape: tuple[int, ...], where: str) -> tuple[int, ...]:
    """``index`` as one whole number per batch axis, each within its axis.

    Negative indexes count from the end, as in numpy (``-1`` is the last
    scenario). Anything else -- an index out of range, a float, a bool, a
    tuple of the wrong length -- raises :class:`OutOfRangeError` (also an
    ``IndexError``) naming the valid range.
    """
    if batch_shape:
        valid = " x ".join(f"0..{n - 1}" for n in batch_shape)
        ndim = len(batch_shape)
        need = f"{ndim} whole number{'s' if ndim > 1 else ''} in {valid}"
    else:
        need = "() or leave it out (there are no batch axes)"
    raw = index if isinstance(index, tuple) else (index,)
    ok = len(raw) == len(batch_shape) and all(
        isinstance(i, numbers.Integral) and not isinstance(i, bool | np.bool_) for i in raw
    )
    if ok:
        out = tuple(int(i) for i in raw)
        if all(-n <= i < n for i, n in zip(out, batch_shape, strict=True)):
            return tuple(i % n for i, n in zip(out, batch_shape, strict=True))
    raise OutOfRangeError(
        f"{where}: scenario={index!r} is not a scenario of batch axes {batch_shape}; give "
        f"scenario= as {need}"
        + ("" if not batch_shape else " (negative indexes count from the end)")
    )


def require(module: str, feature: str) -> ModuleType:
    """Import the optional ``module`` needed by ``feature``, or say what to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise missing(module, feature) from exc


def missing(module: str, feature: str) -> ModuleNotFoundError:
    """The error for an optional ``module`` that ``feature`` needs and cannot import:
    a ``ModuleNotFoundError`` whose message says which extra to install."""
    top = module.split(".")[0]
    extra = EXTRAS.get(top)
    how = f"pip install 'emulation_rules[{extra}]'" if extra else f"pip install {top}"
    return ModuleNotFoundError(f"{feature} needs {top}, which is not installed: {how}", name=top)


#: Whole numbers up to this magnitude convert to float64 exactly.
FLOAT_EXACT = 2**53
INT64_MAX = int(np.iinfo(np.int64).max)


def past_float(values: Any) -> int | None:
    """The whole number of ``values`` farthest past 2**53 in magnitude, or None.

    An integer array is judged by its min and max as Python ints (``np.abs`` of
    the smallest int64 wraps to itself); other sequences by their integer items.
    """
    if isinstance(values, np.ndarray):
        if values.dtype.kind not in "iu" or not values.size:
            if values.dtype != object:
                return None
            values = values.ravel().tolist()
        else:
            lo, hi = int(values.min()), int(values.max())
            worst = lo if -lo > hi else hi
            return worst if abs(worst) > FLOAT_EXACT else None
    # True is an Integral, but a flag here, not a whole number.
    whole = [int(v) for v in values if isinstance(v, numbers.Integral) and not _flag(v)]
    if not whole:
        return None
    worst = max(whole, key=abs)
    return worst if abs(worst) > FLOAT_EXACT else None


def float_exact(values: Any, what: str) -> str | None:
    """The problem with ``values`` as floats (a whole number past 2**53), or None."""
    worst = past_float(values)
    if worst is None:
        return None
    return (
        f"{what} holds the whole number {worst}, past 2**53 ({FLOAT_EXACT}), the largest "
        "whole number a float holds exactly: rescale it (e.g. to thousands)"
    )


def _flag(value: object) -> bool:
    return isinstance(value, bool | np.bool_)
