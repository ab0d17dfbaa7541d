"""The exceptions raised by ``emulation_rules``.

One hierarchy, rooted at :class:`EmulationRulesError`. Every class also inherits
the builtin exception a caller would naturally catch (``ValueError``,
``TypeError`` or ``KeyError``), so ``except ValueError`` keeps working.

Two families are kept apart on purpose:

* :class:`RuleError` / :class:`RuleTypeError` -- a rule object that cannot be
  built (raised by constructors, before any data is seen);
* :class:`DataError` / :class:`DataTypeError` -- data that a valid rule cannot be
  evaluated on (raised when a table is built or a rule is applied to it).

:class:`UnknownNameError` (a ``KeyError``) is raised for a column, unit or field
name that does not exist; its message suggests the closest valid name.

Examples
--------
>>> from emulation_rules import ScoreTable, DataError
>>> try:
...     ScoreTable({"unit": ["A", "A"], "x": [1.0, 2.0]})
... except DataError as exc:
...     print(exc)
1 problem in the score table:
- unit id 'A' appears at rows 0 and 1; unit ids must be unique (after Unicode NFC normalisation): rename or merge the units
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "DataError",
    "DataTypeError",
    "EmulationRulesError",
    "MissingValueError",
    "OutOfRangeError",
    "RuleError",
    "RuleTypeError",
    "SerializationError",
    "UnknownNameError",
]


class EmulationRulesError(Exception):
    """Base class of every exception raised on purpose by this library."""


class RuleError(EmulationRulesError, ValueError):
    """A rule object was given parameters it cannot be built with.

    Raised by constructors, before any data is seen: a rule that cannot be
    evaluated cannot be built.
    """


class RuleTypeError(EmulationRulesError, TypeError):
    """A rule object was given an argument of the wrong type, or misused.

    Also raised when a rule object is used where Python wants a bool.
    """


class DataError(EmulationRulesError, ValueError):
    """The data cannot be evaluated: duplicate units, ragged columns, infinities...

    Where a whole table is validated, every problem found is reported at once;
    :attr:`problems` holds them one message each.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems: tuple[str, ...] = tuple(problems) if problems else (message,)

    @classmethod
    def collect(cls, problems: Sequence[str], what: str) -> DataError:
        """One error that lists every problem found while validating ``what``."""
        n = len(problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {what}:"
        return cls("\n".join([head, *(f"- {p}" for p in problems)]), problems)


class DataTypeError(EmulationRulesError, TypeError):
    """The data has the wrong type: text where numbers are needed, an unknown container..."""


class MissingValueError(DataError):
    """A value needed by a rule is missing (NaN/None) and the rule's policy is ``"error"``."""


class OutOfRangeError(DataError, IndexError):
    """An index outside what exists, e.g. a scenario beyond the batch axes.

    A :class:`DataError` (the rule is fine, the index does not fit this data)
    that is also an ``IndexError``, so code that catches ``IndexError`` keeps
    working; the message names the valid range.
    """


class SerializationError(DataError):
    """A rules file (JSON) that cannot be read back into rule objects.

    An unknown type or field, a missing field, a value a rule's constructor
    refuses, or a file of another format or a newer schema version. The message
    starts with :attr:`path`, the JSON path of the offending value (``$`` is the
    whole document, e.g. ``$.rule.items[2].scale.target``).
    """

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class UnknownNameError(EmulationRulesError, KeyError):
    """A column, unit, field or title name that does not exist.

    The message lists the valid choices (or the closest ones) so that a typo is
    easy to fix.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        # KeyError's own __str__ shows the repr of its argument, quotes and all.
        return self.message
