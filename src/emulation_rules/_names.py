"""Names: Unicode normalisation of ids, closest-name suggestions, short lists in messages."""

from __future__ import annotations

import difflib
import numbers
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np

from .errors import DataTypeError, UnknownNameError

#: How many offending units an error message lists before it says "and N more".
SHOW = 5


def nfc(text: str) -> str:
    """``text`` in Unicode NFC, so "Hòa" typed composed or decomposed is one id."""
    if not isinstance(text, str):
        raise DataTypeError(f"names and ids are texts (got {text!r} of type {type(text).__name__})")
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def listing(items: Sequence[object], limit: int = SHOW) -> str:
    """``'A', 'B', 'C' and 4 more`` -- a bounded list for error messages."""
    shown = ", ".join(repr(x) for x in items[:limit])
    rest = len(items) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The valid name closest to ``name``, or None when nothing is close."""
    choices = list(choices)
    folded = {c.casefold(): c for c in choices}
    if name.casefold() in folded:
        return folded[name.casefold()]
    hits = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return hits[0] if hits else None


def unknown(kind: str, name: str, choices: Sequence[str], where: str = "") -> UnknownNameError:
    """An :class:`UnknownNameError` that suggests the closest valid name."""
    hint = closest(name, choices)
    place = f" {where}" if where else ""
    msg = f"unknown {kind} {name!r}{place}"
    if hint is not None:
        msg += f"; did you mean {hint!r}?"
    if choices:
        msg += f" (valid: {listing(sorted(choices), 12)})"
    else:
        msg += f" (there are no {kind}s)"
    return UnknownNameError(msg)


def check_ids(
    values: Sequence[object], kind: str = "unit", where: str = "row"
) -> tuple[list[str], list[str]]:
    """Ids as NFC text, and every problem found: not text, spaces around, empty, repeated.

    Whole numbers are accepted and turned into their decimal text.
    """
    ids: list[str] = []
    problems: list[str] = []
    first: dict[str, int] = {}
    for pos, v in enumerate(values):
        if isinstance(v, bool | np.bool_) or not isinstance(v, str | numbers.Integral):
            problems.append(
                f"{kind} id at {where} {pos} is {v!r} ({type(v).__name__}); {kind} ids must be "
                f"texts (or whole numbers): give every {kind} a name"
            )
            ids.append(f"<{where} {pos}>")
            continue
        text = nfc(v).strip() if isinstance(v, str) else str(int(v))
        if isinstance(v, str) and text and text != nfc(v):
            problems.append(
                f"{kind} id {v!r} at {where} {pos} has leading or trailing spaces; strip them"
            )
        if not text:
            problems.append(f"{kind} id at {where} {pos} is empty; give every {kind} a name")
        elif text in first:
            problems.append(
                f"{kind} id {text!r} appears at {where}s {first[text]} and {pos}; {kind} ids must "
                f"be unique (after Unicode NFC normalisation): rename or merge the {kind}s"
            )
        else:
            first[text] = pos
        ids.append(text)
    return ids, problems
