"""Checks shared by the rotation's rule objects: whole numbers, unit ids, texts, dates,
and the ``Name(a, key=value)`` repr they all print."""

from __future__ import annotations

import datetime
import numbers
from collections.abc import Iterable, Sequence

from .._names import check_ids, nfc
from ..errors import RuleError, RuleTypeError


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise RuleTypeError(f"{what} is a whole number, e.g. the year 2024 (got {value!r})")
    return int(value)


def _id(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | numbers.Integral):
        raise RuleTypeError(
            f"{what} is a unit id (a text) (got {value!r} of type {type(value).__name__})"
        )
    if not isinstance(value, str):
        return str(int(value))
    text = nfc(value).strip()
    if not text:
        raise RuleError(f"{what} is empty; give the unit's id")
    if text != nfc(value):
        raise RuleError(f"{what} {value!r} has leading or trailing spaces; strip them")
    return text


def _ids(values: object, what: str) -> tuple[str, ...]:
    # A 0-d or 2-d array is not a list of ids, though iterating it may look like one.
    if (
        isinstance(values, str)
        or not isinstance(values, Iterable)
        or getattr(values, "ndim", 1) != 1
    ):
        raise RuleTypeError(f"{what} is a list of unit ids, e.g. ['Bình Thuận'] (got {values!r})")
    ids, problems = check_ids(list(values), kind="unit", where=f"{what} position")
    if problems:
        head = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {what}:"
        raise RuleError("\n".join([head, *(f"- {p}" for p in problems)]))
    return tuple(ids)


def _text(value: object, what: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RuleTypeError(f"{what} is a text (got {value!r})")
    text = nfc(value).strip()
    if required and not text:
        raise RuleError(f"give the {what}: say why, e.g. 'assigned by the ministry'")
    return text


def _date(value: object, what: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise RuleTypeError(
        f"{what}: a date is a datetime.date or an ISO text like '2025-07-01' (got {value!r})"
    )


def _call(name: str, positional: Sequence[str], **options: object) -> str:
    """``Name(a, b, key=value)`` with the options that are set."""
    parts = list(positional)
    for key, value in options.items():
        if value is None or value == "" or value == ():
            continue
        shown = repr(list(value)) if isinstance(value, tuple) else repr(value)
        parts.append(f"{key}={shown}")
    return f"{name}({', '.join(parts)})"
