"""Names: Unicode normalisation of ids, closest-name suggestions, short lists in messages."""

from __future__ import annotations

import difflib
import numbers
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from .errors import DataError, DataTypeError, RuleError, RuleTypeError, UnknownNameError

V = TypeVar("V")

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


def fold(text: str) -> str:
    """``text`` for closeness only: no accents, đ as d, case folded, no spaces around.

    "LĐTT", "LDTT" and "ldtt" all fold to "ldtt"; "CSTĐCS" and "cstdcs" to
    "cstdcs". Used to *suggest* a name, never to accept one.

    >>> fold("Lao động tiên tiến "), fold("LĐTT")
    ('lao dong tien tien', 'ldtt')
    """
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().replace("đ", "d").strip()


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The valid name closest to ``name``, or None when nothing is close.

    Closeness ignores Unicode form, accents, đ/d, case and surrounding spaces,
    so "LDTT" suggests "LĐTT". A name equal to a choice only after folding is
    still unknown: it is suggested, never accepted.
    """
    folded: dict[str, str] = {}
    for c in sorted({str(c) for c in choices}):
        folded.setdefault(fold(c), c)
    key = fold(str(name))  # a message about a bad name must not fail on it
    if key in folded:
        return folded[key]
    hits = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    return folded[hits[0]] if hits else None


def unknown(
    kind: str, name: str, choices: Sequence[str], where: str = "", advice: str = ""
) -> UnknownNameError:
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
    if advice:
        msg += f"; {advice}"
    return UnknownNameError(msg)


#: What to do about a title that is spelt right but that nobody holds yet.
DECLARE = (
    "a title nobody holds yet must be declared: History.from_records(..., declared=[...]), "
    "history.declare(...) or AwardScheme(..., declared=[...])"
)


def resolve(
    uses: Iterable[tuple[str, str]],
    known: Iterable[str],
    kind: str = "title",
    advice: str = DECLARE,
) -> None:
    """Check every ``(name, where)`` against the ``known`` names; the first unknown one raises.

    The one place where a rule's names meet the names a history, a scheme or a
    declaration make known: ``where`` names the rule that used the name (e.g.
    ``"in holds('LDTT')"``), and the error suggests the closest known name.
    """
    valid = known if isinstance(known, set | frozenset) else set(known)
    for name, where in uses:
        if name not in valid:
            raise unknown(kind, name, sorted(valid), where, advice)


def id_keys(mapping: Mapping[Any, V], what: str, kind: str = "unit") -> dict[str, V]:
    """A mapping keyed by ids, rekeyed by the ids as NFC text; clashing keys are refused.

    Two keys that are the same id once normalised (NFC and NFD forms of
    "Hòa", or "A" and " A") would silently merge or double count, so they are
    a :class:`DataError` naming both; so is a key that is not an id (None).
    """
    keys = list(mapping)
    ids, problems = check_ids(keys, kind, "key")
    if problems:
        raise DataError.collect(problems, what)
    return dict(zip(ids, mapping.values(), strict=True))


def one_id(value: object, kind: str = "unit", where: str = "row 0") -> tuple[str, str | None]:
    """One id as NFC text without spaces around, and the problem with it (or None).

    Texts and whole numbers are ids; anything else (None, a float, a bool) is a
    problem, never turned into its text ("None").
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, str | numbers.Integral):
        return f"<{where}>", (
            f"{kind} id at {where} is {value!r} ({type(value).__name__}); {kind} ids must be "
            f"texts (or whole numbers): give every {kind} a name"
        )
    text = nfc(value).strip() if isinstance(value, str) else str(int(value))
    if not text:
        return text, f"{kind} id at {where} is empty; give every {kind} a name"
    return text, None


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
        text, problem = one_id(v, kind, f"{where} {pos}")
        ids.append(text)
        if problem is not None:
            problems.append(problem)
            continue
        if isinstance(v, str) and text != nfc(v):
            problems.append(
                f"{kind} id {v!r} at {where} {pos} has leading or trailing spaces; strip them"
            )
        if text in first:
            before = values[first[text]]
            # NFC and NFD forms print alike: show the code points that differ.
            forms = (
                f" (given as {before!a} and {v!a}, one id written two ways)" if before != v else ""
            )
            problems.append(
                f"{kind} id {text!r} appears at {where}s {first[text]} and {pos}; {kind} ids must "
                f"be unique (after Unicode NFC normalisation): rename or merge the {kind}s{forms}"
            )
        else:
            first[text] = pos
    return ids, problems


def title_name(value: object, where: str, *, rule: bool = False) -> str:
    """One title (or award) name as NFC text; anything that is not a clean name is refused.

    The one check for every way a title name enters -- a history's grids and
    records, a declaration, an award and the names a scheme's rules use -- so
    that "LĐTT " never becomes a second title beside "LĐTT" that nobody was
    meant to declare. ``where`` says where the name was given (e.g.
    ``"declared="``); ``rule``: the name belongs to a rule being built, so the
    error is a :class:`~emulation_rules.errors.RuleError` (else a
    :class:`~emulation_rules.errors.DataError`).

    >>> title_name("LĐTT", "declared=")
    'LĐTT'
    >>> title_name(" LĐTT", "declared=")
    Traceback (most recent call last):
    ...
    emulation_rules.errors.DataError: declared=: the title name ' LĐTT' has leading or trailing spaces; strip them (write 'LĐTT')
    """
    error, type_error = (RuleError, RuleTypeError) if rule else (DataError, DataTypeError)
    if not isinstance(value, str):
        raise type_error(
            f"{where}: title names are texts, e.g. 'LĐTT' (got {value!r} of type "
            f"{type(value).__name__}); give the name as text"
        )
    if not value.strip():
        raise error(f"{where}: a title name is empty ({value!r}); give the title's name")
    if value != value.strip():
        raise error(
            f"{where}: the title name {value!r} has leading or trailing spaces; strip them "
            f"(write {value.strip()!r})"
        )
    return nfc(value)
