"""Rule books: the versions of a set of rules, each in force over a span of dates.

Laws and regulations change: the Vietnamese Law on Emulation and Commendation of
2003 (amended 2013, detailed by Decree 91/2017) applied to achievements up to
2023; Law 06/2022/QH15 with Decree 98/2023/NĐ-CP from 2024-01-01; Decree
152/2025/NĐ-CP from 2025-07-01. A :class:`RuleBook` holds such versions of any
rule object -- an award scheme, a scorecard, a whole regime -- and answers
"which rules applied": :meth:`RuleBook.at` for a date or an assessment
period, with the date that decides stated explicitly (``by="achievement"``: the
period the achievement belongs to; ``by="decision"``: the date of the
decision). :meth:`RuleBook.diff` says, rule by rule, what changed between two
versions.

Dates are inclusive at both ends (``effective_to=date(2023, 12, 31)`` is the
last day in force). Consecutive versions must meet exactly: a gap (days with
no rules in force) or an overlap (days with two) is refused when the book is
built. Only the last version may be open-ended (``effective_to=None``).

Examples
--------
>>> from datetime import date
>>> from emulation_rules import Quota, RuleBook, Version
>>> book = RuleBook([
...     Version(Quota(share=0.15, of="LĐTT"), date(2017, 10, 1), date(2023, 12, 31),
...             instrument="Nghị định 91/2017/NĐ-CP"),
...     Version(Quota(share=0.10, of="LĐTT"), date(2024, 1, 1),
...             instrument="(an illustrative stricter quota)"),
... ])
>>> book.at(2023)
Quota(share=0.15, of='LĐTT')
>>> book.at(date(2024, 3, 1), by="decision")
Quota(share=0.1, of='LĐTT')
>>> for line in book.diff(2023, 2024):
...     print(line)
share: 0.15 -> 0.1
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from ._names import nfc
from .eligibility import Condition
from .errors import DataError, DataTypeError, RuleError, RuleTypeError

__all__ = ["RuleBook", "RuleVersion", "Version", "VersionChangeWarning"]

By = Literal["achievement", "decision"]
OnChange = Literal["error", "warn"]
_ONE_DAY = timedelta(days=1)


class VersionChangeWarning(UserWarning):
    """An assessment period spans a change of the rules (``on_change="warn"``)."""


def _day(value: object, what: str) -> date:
    # A datetime is a date too, but "in force from 10:00" is not how instruments are
    # dated: refuse it rather than drop the time silently.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise RuleTypeError(f"{what} is a date, e.g. date(2024, 1, 1) (got {value!r})")
    return value


def _from_day(value: object) -> date:
    return _day(value, "effective_from")


def _maybe_day(value: object) -> date | None:
    return None if value is None else _day(value, "effective_to")


@attrs.frozen(repr=False)
class Version:
    """One version of a set of rules, and the dates it is in force.

    Parameters
    ----------
    rules
        The rule object in force (any object: an ``AwardScheme``, a
        ``Scorecard``, a regime bundling several).
    effective_from
        The first day in force.
    effective_to
        The last day in force (inclusive); ``None`` while no later version is
        known (only the last version of a book may be open-ended).
    instrument
        The instrument that made this version, e.g. ``"Nghị định 98/2023/NĐ-CP"``.
    note
        Anything a reader should know (what is uncertain, what it replaced).

    Examples
    --------
    >>> from datetime import date
    >>> v = Version("rules", date(2024, 1, 1), date(2025, 6, 30), instrument="Decree 98/2023")
    >>> v
    Version('rules', 2024-01-01 .. 2025-06-30, instrument='Decree 98/2023')
    >>> v.covers(date(2025, 6, 30)), v.covers(date(2025, 7, 1))
    (True, False)
    """

    rules: Any
    effective_from: date = attrs.field(converter=_from_day)
    effective_to: date | None = attrs.field(default=None, converter=_maybe_day)
    instrument: str = attrs.field(default="", kw_only=True)
    note: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        for name in ("instrument", "note"):
            if not isinstance(getattr(self, name), str):
                raise RuleTypeError(f"Version {name} is a text (got {getattr(self, name)!r})")
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise RuleError(
                f"version {self._label()} ends before it starts: effective_to "
                f"{self.effective_to} is earlier than effective_from {self.effective_from}"
            )

    def covers(self, day: date) -> bool:
        """Whether this version is in force on ``day``."""
        day = _day(day, "the day")
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def _span(self) -> str:
        return f"{self.effective_from} .. {self.effective_to or 'open'}"

    def _label(self) -> str:
        who = f" ({self.instrument})" if self.instrument else ""
        return f"{self._span()}{who}"

    def __repr__(self) -> str:
        extra = "".join(
            f", {k}={getattr(self, k)!r}" for k in ("instrument", "note") if getattr(self, k)
        )
        return f"Version({self.rules!r}, {self._span()}{extra})"


#: Another name for :class:`Version`.
RuleVersion = Version


def _versions(value: object) -> tuple[Version, ...]:
    if isinstance(value, Version | str | bytes | Mapping) or not isinstance(value, Sequence):
        raise RuleTypeError(f"a RuleBook takes a list of Version(...) objects (got {value!r})")
    items = list(value)
    if not items:
        raise RuleError("a RuleBook needs at least one Version")
    for k, v in enumerate(items):
        if not isinstance(v, Version):
            raise RuleTypeError(f"RuleBook version {k} is not a Version (got {v!r})")
    return tuple(sorted(items, key=lambda v: v.effective_from))


@attrs.frozen(repr=False)
class RuleBook:
    """Versions of a set of rules, each in force over a span of dates, without gaps.

    Parameters
    ----------
    versions
        :class:`Version` objects, in any order; sorted by ``effective_from``.
        Consecutive versions must meet exactly (the day after one ends, the
        next starts): gaps and overlaps are refused. Only the last may be
        open-ended.
    name
        What the book is of (shown in errors).

    Examples
    --------
    >>> from datetime import date
    >>> RuleBook([Version("old", date(2017, 10, 1), date(2023, 12, 30)),
    ...           Version("new", date(2024, 1, 1))])
    Traceback (most recent call last):
    ...
    emulation_rules.errors.RuleError: rule book: a gap with no rules in force from 2023-12-31 to 2023-12-31, between version 2017-10-01 .. 2023-12-30 and version 2024-01-01 .. open; end the first on 2023-12-31 or start the second on 2023-12-31
    """

    versions: tuple[Version, ...] = attrs.field(converter=_versions)
    name: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise RuleTypeError(f"RuleBook name is a text (got {self.name!r})")
        where = f"rule book {self.name!r}" if self.name else "rule book"
        for a, b in zip(self.versions, self.versions[1:], strict=False):
            if a.effective_to is None:
                raise RuleError(
                    f"{where}: version {a._label()} is open-ended but version {b._label()} "
                    f"starts after it; end the first on {b.effective_from - _ONE_DAY}"
                )
            if a.effective_to >= b.effective_from:
                raise RuleError(
                    f"{where}: versions overlap from {b.effective_from} to "
                    f"{min(a.effective_to, b.effective_to or a.effective_to)}: "
                    f"{a._label()} and {b._label()}; each day must have exactly one version "
                    f"in force (end the first on {b.effective_from - _ONE_DAY})"
                )
            if a.effective_to + _ONE_DAY != b.effective_from:
                raise RuleError(
                    f"{where}: a gap with no rules in force from {a.effective_to + _ONE_DAY} "
                    f"to {b.effective_from - _ONE_DAY}, between version {a._label()} and "
                    f"version {b._label()}; end the first on {b.effective_from - _ONE_DAY} "
                    f"or start the second on {a.effective_to + _ONE_DAY}"
                )

    # -- lookup ------------------------------------------------------------------------

    @property
    def effective_from(self) -> date:
        """The first day any version is in force."""
        return self.versions[0].effective_from

    @property
    def effective_to(self) -> date | None:
        """The last day any version is in force (``None``: open-ended)."""
        return self.versions[-1].effective_to

    def _where(self) -> str:
        return f"rule book {self.name!r}" if self.name else "the rule book"

    def _on(self, day: date) -> int:
        for k, v in enumerate(self.versions):
            if v.covers(day):
                return k
        end = self.effective_to
        raise DataError(
            f"no rules of {self._where()} are in force on {day}: it covers "
            f"{self.effective_from} .. {end or 'open'}; add a version for that date"
        )

    def version_at(
        self,
        when: date | int | tuple[date, date],
        *,
        by: By = "achievement",
        on_change: OnChange = "error",
    ) -> Version:
        """The :class:`Version` in force; see :meth:`at`."""
        if not isinstance(by, str) or by not in ("achievement", "decision"):
            raise RuleError(
                f"by is 'achievement' (the period the achievement belongs to decides) or "
                f"'decision' (the date of the decision decides) (got {by!r})"
            )
        if not isinstance(on_change, str) or on_change not in ("error", "warn"):
            raise RuleError(f"on_change is 'error' or 'warn' (got {on_change!r})")
        if by == "decision":
            if isinstance(when, datetime) or not isinstance(when, date):
                raise DataTypeError(
                    f"by='decision' looks up the rules on the date of the decision: give that "
                    f"date, e.g. date(2024, 12, 20) (got {when!r}); for an achievement period "
                    f"use by='achievement'"
                )
            return self.versions[self._on(when)]
        start, end = _period(when)
        first, last = self._on(start), self._on(end)
        if first != last:
            changes = ", ".join(
                f"{v.effective_from} ({v.instrument or 'a new version'})"
                for v in self.versions[first + 1 : last + 1]
            )
            text = (
                f"the rules of {self._where()} change inside the assessment period "
                f"{start} .. {end}: from {changes}"
            )
            if on_change == "error":
                raise DataError(
                    f"{text}; say which rules apply: look up by the decision date "
                    f"(by='decision'), split the period, or pass on_change='warn' to use "
                    f"the version in force on the last day of the period"
                )
            warnings.warn(
                f"{text}; using the version in force on {end}",
                VersionChangeWarning,
                stacklevel=3,
            )
        return self.versions[last]

    def at(
        self,
        when: date | int | tuple[date, date],
        *,
        by: By = "achievement",
        on_change: OnChange = "error",
    ) -> Any:
        """The rules in force.

        Parameters
        ----------
        when
            With ``by="achievement"``: the assessment period -- a year (the
            calendar year), a ``(first_day, last_day)`` pair, or one date.
            With ``by="decision"``: the date of the decision.
        by
            Which date decides: ``"achievement"`` (the rules in force during
            the period the achievement belongs to) or ``"decision"`` (the
            rules in force on the day the decision is signed -- e.g. the base
            salary a bonus is computed on).
        on_change
            When the rules change inside the assessment period: ``"error"``
            (default) refuses, naming the change; ``"warn"`` warns
            (:class:`VersionChangeWarning`) and uses the version in force on
            the last day of the period (the one the year-end review is held
            under).

        Examples
        --------
        >>> from datetime import date
        >>> book = RuleBook([
        ...     Version("Decree 98", date(2024, 1, 1), date(2025, 6, 30)),
        ...     Version("Decree 152", date(2025, 7, 1)),
        ... ])
        >>> book.at(2024), book.at(date(2025, 7, 1), by="decision")
        ('Decree 98', 'Decree 152')
        >>> book.at(2025)
        Traceback (most recent call last):
        ...
        emulation_rules.errors.DataError: the rules of the rule book change inside the assessment period 2025-01-01 .. 2025-12-31: from 2025-07-01 (a new version); say which rules apply: look up by the decision date (by='decision'), split the period, or pass on_change='warn' to use the version in force on the last day of the period
        """
        return self.version_at(when, by=by, on_change=on_change).rules

    # -- differences -------------------------------------------------------------------

    def _pick(self, which: object) -> Version:
        if isinstance(which, Version):
            if which not in self.versions:
                raise DataError(f"{which!r} is not a version of {self._where()}")
            return which
        if isinstance(which, date | int | tuple) and not isinstance(which, bool):
            return self.version_at(which, by="achievement")
        raise DataTypeError(
            f"diff compares two versions: give Version objects (book.versions[k]), dates "
            f"or years (got {which!r})"
        )

    def diff(self, old: Version | date | int, new: Version | date | int) -> tuple[str, ...]:
        """What changed from ``old`` to ``new``, rule by rule, one line each.

        ``old`` and ``new`` are versions of this book, or the dates or years
        whose version is meant. Rule objects are compared field by field (any
        attrs class); sequences of named rules (awards, criteria) are matched
        by name, so an added, removed or changed award is reported as such;
        conditions are compared as the expressions they print as.

        Examples
        --------
        >>> from datetime import date
        >>> from emulation_rules import Award, AwardScheme, Quota, fact
        >>> old = AwardScheme([Award("LĐTT", ~(fact("months") < 10))])
        >>> new = AwardScheme([Award("LĐTT", ~(fact("months") < 6)),
        ...                    Award("CSTĐCS", quota=Quota(share=0.15, of="LĐTT"))])
        >>> book = RuleBook([Version(old, date(2017, 10, 1), date(2023, 12, 31)),
        ...                  Version(new, date(2024, 1, 1))])
        >>> for line in book.diff(2023, 2024):
        ...     print(line)
        awards['LĐTT'].condition: ~(fact('months') < 10) -> ~(fact('months') < 6)
        awards['CSTĐCS']: added Award('CSTĐCS', quota=Quota(share=0.15, of='LĐTT'))
        """
        a, b = self._pick(old), self._pick(new)
        out: list[str] = []
        _diff(a.rules, b.rules, "", out)
        return tuple(out)

    def __len__(self) -> int:
        return len(self.versions)

    def __iter__(self) -> Iterator[Version]:
        return iter(self.versions)

    def __repr__(self) -> str:
        name = f"{self.name!r}, " if self.name else ""
        spans = ", ".join(v._label() for v in self.versions)
        return f"RuleBook({name}{len(self.versions)} versions: {spans})"


def _period(when: object) -> tuple[date, date]:
    if isinstance(when, bool):
        raise DataTypeError(
            f"an assessment period is a year, a date or a pair of dates (got {when!r})"
        )
    if isinstance(when, int):
        if not 1 <= when <= 9999:
            raise DataError(f"a year is between 1 and 9999 (got {when})")
        return date(when, 1, 1), date(when, 12, 31)
    if isinstance(when, tuple) and len(when) == 2:
        start, end = (_day_data(d, "an assessment period's first and last day") for d in when)
        if end < start:
            raise DataError(f"the assessment period {start} .. {end} ends before it starts")
        return start, end
    return (_day_data(when, "an assessment period"),) * 2


def _day_data(value: object, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DataTypeError(
            f"{what} is a year, a date or a pair of dates, e.g. 2024 or "
            f"(date(2024, 1, 1), date(2024, 12, 31)) (got {value!r})"
        )
    return value


# -- the generic walk of diff ---------------------------------------------------------


def _same(a: object, b: object) -> bool:
    try:
        result = a == b
    except Exception:  # an object whose == raises is compared by its printed form
        return repr(a) == repr(b)
    return result if isinstance(result, bool) else repr(a) == repr(b)


def _shown(x: object) -> str:
    if isinstance(x, Fraction):
        d = x.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        if d == 1:  # a terminating decimal: show it as written, 3/20 as 0.15
            return format(Decimal(x.numerator) / Decimal(x.denominator), "f")
        return str(x)
    if isinstance(x, Decimal):
        return format(x, "f")
    if isinstance(x, date):
        return x.isoformat()
    return repr(x)


def _named(items: Sequence[object]) -> dict[str, object] | None:
    names = [getattr(x, "name", None) for x in items]
    if not items or not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        return None
    return {nfc(str(n)): x for n, x in zip(names, items, strict=True)}


def _diff(old: object, new: object, path: str, out: list[str]) -> None:
    where = path or "rules"
    if _same(old, new):
        return
    if type(old) is not type(new) or isinstance(old, Condition):
        out.append(f"{where}: {_shown(old)} -> {_shown(new)}")
        return
    if attrs.has(type(old)):
        for f in attrs.fields(type(old)):  # type: ignore[arg-type]
            if not f.init:  # derived from the others; its change is reported through them
                continue
            _diff(getattr(old, f.name), getattr(new, f.name), f"{path}.{f.name}".lstrip("."), out)
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        _diff_keyed(dict(old), dict(new), path, out)
        return
    if isinstance(old, tuple | list) and isinstance(new, tuple | list):
        a, b = _named(old), _named(new)
        if a is not None and b is not None:
            _diff_keyed(a, b, path, out)
        elif len(old) == len(new):
            for k, (x, y) in enumerate(zip(old, new, strict=True)):
                _diff(x, y, f"{path}[{k}]", out)
        else:
            out.append(f"{where}: {_shown(old)} -> {_shown(new)}")
        return
    out.append(f"{where}: {_shown(old)} -> {_shown(new)}")


def _diff_keyed(a: dict[Any, object], b: dict[Any, object], path: str, out: list[str]) -> None:
    out.extend(f"{path}[{key!r}]: removed (was {_shown(a[key])})" for key in a if key not in b)
    for key in b:
        if key not in a:
            out.append(f"{path}[{key!r}]: added {_shown(b[key])}")
        else:
            _diff(a[key], b[key], f"{path}[{key!r}]", out)
