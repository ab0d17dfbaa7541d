"""Names: Unicode normalisation of ids, closest-name suggestions, short lists in messages."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence

from .errors import UnknownNameError

#: How many offending units an error message lists before it says "and N more".
SHOW = 5


def nfc(text: str) -> str:
    """``text`` in Unicode NFC, so "Hòa" typed composed or decomposed is one id."""
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
