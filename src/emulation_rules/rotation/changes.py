"""Dated membership changes -- :class:`Join`, :class:`Leave`, :class:`Merge`,
:class:`Rename` -- and the rule for the period a dated change counts from."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Literal, TypeAlias

import attrs

from .._names import listing
from ..errors import RuleError, RuleTypeError
from ._checks import _call, _date, _id, _ids, _text, _whole

Goes: TypeAlias = Literal["next", "last"]


def _when(what: str, period: object, date: object) -> tuple[int, str | None]:
    """The period a change counts from, and its date as ISO text (if given)."""
    if date is None:
        if period is None:
            raise RuleError(
                f"{what} needs the period it takes effect in (period=2025) or its date "
                "(date='2025-01-01')"
            )
        return _whole(period, f"{what} period"), None
    d = _date(date, what)
    iso = d.isoformat()
    at_start = (d.month, d.day) == (1, 1)
    if period is None:
        # A date implies the period it falls in; one in the middle of a period may be
        # counted from the next period instead, but only when the user says so.
        return d.year, iso
    p = _whole(period, f"{what} period")
    if p == d.year or (p == d.year + 1 and not at_start):
        return p, iso
    allowed = f"{d.year}" if at_start else f"{d.year} or {d.year + 1}"
    raise RuleError(
        f"{what} dated {iso} cannot count from period {p}; a change of that date counts from "
        f"period {allowed}"
    )


class _Change:
    """A dated membership change (base of :class:`Join`, :class:`Leave`, :class:`Merge`,
    :class:`Rename`)."""

    __slots__ = ()
    #: Changes of one period apply in this order: renames, merges, leaves, joins.
    _rank = 0
    period: int
    date: str | None
    note: str

    def describe(self) -> str:  # pragma: no cover - every change overrides it
        raise NotImplementedError

    def _dated(self) -> str:
        extra = [x for x in (self.date, self.note) if x]
        return f" ({'; '.join(extra)})" if extra else ""


@attrs.frozen(repr=False, init=False)
class Join(_Change):
    """A unit becomes a member from ``period`` on.

    Parameters
    ----------
    unit
        The newcomer's id; it must not be a member already.
    period
        The first period it is a member in (or give ``date``).
    goes
        Its place in a :class:`FixedCycle` (required there, unused by other
        policies): ``"next"`` -- it leads at the next turn, and every other
        member's next turn moves one period later; ``"last"`` -- it goes after
        every member waiting for its turn, so no member's next turn moves.
        Several newcomers of one period with the same ``goes`` enter in the
        order they are listed.
    date, note
        The date of the decision and a note (e.g. its source), for the record.

    Examples
    --------
    >>> Join("Quảng Trị", 2024, goes="last")
    Join('Quảng Trị', 2024, goes='last')
    """

    _rank = 3
    unit: str
    period: int
    goes: Goes | None
    date: str | None
    note: str

    def __init__(
        self,
        unit: str,
        period: int | None = None,
        *,
        goes: Goes | None = None,
        date: str | datetime.date | None = None,
        note: str = "",
    ) -> None:
        p, d = _when("Join", period, date)
        if goes not in (None, "next", "last"):
            raise RuleError(
                f"Join goes must be 'next' (leads at the next turn) or 'last' (after every "
                f"member waiting) (got {goes!r})"
            )
        self.__attrs_init__(_id(unit, "Join unit"), p, goes, d, _text(note, "note"))

    def describe(self) -> str:
        goes = f", goes {self.goes}" if self.goes else ""
        return f"{self.unit} joins{goes}{self._dated()}"

    def __repr__(self) -> str:
        return _call(
            "Join",
            [repr(self.unit), repr(self.period)],
            goes=self.goes,
            date=self.date,
            note=self.note,
        )


@attrs.frozen(repr=False, init=False)
class Leave(_Change):
    """A member stops being one from ``period`` on; it keeps its record.

    Examples
    --------
    >>> Leave("Phú Yên", 2024)
    Leave('Phú Yên', 2024)
    """

    _rank = 2
    unit: str
    period: int
    date: str | None
    note: str

    def __init__(
        self,
        unit: str,
        period: int | None = None,
        *,
        date: str | datetime.date | None = None,
        note: str = "",
    ) -> None:
        p, d = _when("Leave", period, date)
        self.__attrs_init__(_id(unit, "Leave unit"), p, d, _text(note, "note"))

    def describe(self) -> str:
        return f"{self.unit} leaves{self._dated()}"

    def __repr__(self) -> str:
        return _call("Leave", [repr(self.unit), repr(self.period)], date=self.date, note=self.note)


@attrs.frozen(repr=False, init=False)
class Merge(_Change):
    """Members are absorbed into one resulting unit, which carries their record.

    Parameters
    ----------
    absorbed
        The members that merge (all must be members in ``period``). The
        resulting unit may be one of them (Khánh Hòa + Ninh Thuận -> Khánh
        Hòa).
    into
        The resulting unit. It may be new to the cluster (Bình Thuận was
        absorbed into Lâm Đồng, which was not a member); it inherits the
        record of every unit it absorbed: periods led and deputised.
    period
        The first period the resulting unit is the member in. Without it, the
        period the date falls in; a merger in the middle of a period may count
        from the next one instead (``period=2026`` for a merger of 2025-07-01).
    partners
        Units outside the cluster that merged too (Đắk Nông, in the Lâm Đồng
        merger): recorded for the explanation, never members. To give a merger
        as published and let the rotation tell members from partners, use
        :meth:`Merge.parse`.
    date, note
        The legal date and a note (e.g. the resolution), for the record.

    Examples
    --------
    >>> Merge(["Bình Thuận"], "Lâm Đồng", 2025, date="2025-07-01", partners=["Đắk Nông"])
    Merge(['Bình Thuận'], 'Lâm Đồng', 2025, date='2025-07-01', partners=['Đắk Nông'])
    >>> Merge(["Bình Thuận"], "Lâm Đồng", date="2025-07-01").period
    2025
    >>> Merge(["Bình Thuận"], "Lâm Đồng", 2026, date="2025-07-01").period
    2026
    """

    _rank = 1
    absorbed: tuple[str, ...]
    into: str
    period: int
    partners: tuple[str, ...]
    date: str | None
    note: str
    #: The merger as published (:meth:`parse`): every unit that merged, members or not;
    #: empty once the rotation has worked out ``absorbed`` and ``partners`` from it.
    published: tuple[str, ...] = ()

    def __init__(
        self,
        absorbed: Sequence[str],
        into: str,
        period: int | None = None,
        *,
        date: str | datetime.date | None = None,
        partners: Sequence[str] = (),
        note: str = "",
    ) -> None:
        into_id = _id(into, "Merge into")
        p, d = _when(f"Merge into {into_id!r}", period, date)
        units = _ids(absorbed, "Merge absorbed")
        if not units:
            raise RuleError(
                f"Merge into {into_id!r} absorbs no member; list the members that merge, e.g. "
                f"Merge(['Bình Thuận'], {into_id!r}, {p})"
            )
        others = _ids(partners, "Merge partners")
        clash = sorted(set(others) & ({*units, into_id}))
        if clash:
            raise RuleError(
                f"Merge into {into_id!r}: {listing(clash)} cannot be both a partner (outside the "
                "cluster) and absorbed or the result; list each unit once"
            )
        self.__attrs_init__(units, into_id, p, others, d, _text(note, "note"))

    @classmethod
    def parse(
        cls,
        text: str,
        period: int | None = None,
        *,
        date: str | datetime.date | None = None,
        note: str = "",
    ) -> Merge:
        """A merger as it is published: ``"A + B + C -> A"``, every unit that merged on the
        left (members of the cluster or not), the resulting unit on the right.

        The rotation works out, at the merger's period, which of the units were members
        (they are absorbed) and which were outside (partners); a unit that merged must
        still be given by the id the cluster knows it by then.

        Examples
        --------
        >>> m = Merge.parse("Lâm Đồng + Đắk Nông + Bình Thuận -> Lâm Đồng", date="2025-07-01")
        >>> m
        Merge.parse('Lâm Đồng + Đắk Nông + Bình Thuận -> Lâm Đồng', 2025, date='2025-07-01')
        >>> m.resolve(["Bình Thuận", "Khánh Hòa"])
        Merge(['Bình Thuận'], 'Lâm Đồng', 2025, date='2025-07-01', partners=['Đắk Nông'])
        """
        if not isinstance(text, str):
            raise RuleTypeError(
                f"Merge.parse takes the merger as published, e.g. 'Lâm Đồng + Đắk Nông + Bình "
                f"Thuận -> Lâm Đồng' (got {text!r})"
            )
        sides = text.replace("→", "->").split("->")
        if len(sides) != 2:
            raise RuleError(
                f"Merge.parse({text!r}): write the units that merge, then '->' and the resulting "
                "unit once, e.g. 'Lâm Đồng + Đắk Nông + Bình Thuận -> Lâm Đồng'"
            )
        into = _id(sides[1].strip(), f"Merge.parse({text!r}): the resulting unit")
        parts = _ids([x.strip() for x in sides[0].split("+")], f"Merge.parse({text!r}): the part")
        p, d = _when(f"Merge into {into!r}", period, date)
        out = cls.__new__(cls)
        out.__attrs_init__((), into, p, (), d, _text(note, "note"), parts)
        return out

    def resolve(self, members: Iterable[str]) -> Merge:
        """The merger with ``absorbed`` (the units that are ``members``) and ``partners``
        (the others) worked out from the published list (itself if it was not parsed).

        The resulting unit is absorbed if it is a member; otherwise it is the unit the
        merger makes, new to the cluster (never a partner).
        """
        if not self.published:
            return self
        current = set(members)
        names = [*self.published, *([] if self.into in self.published else [self.into])]
        absorbed = [u for u in names if u in current]
        if not absorbed:
            raise RuleError(
                f"{self!r}: none of {listing(names)} is a member in {self.period} (members: "
                f"{listing(sorted(current), 12)}); a merger outside the cluster does not change "
                "it: drop it, or give the ids the cluster knows the units by"
            )
        partners = [u for u in self.published if u not in current and u != self.into]
        return Merge(
            absorbed, self.into, self.period, date=self.date, partners=partners, note=self.note
        )

    def describe(self) -> str:
        if self.published:
            return f"merger: {' + '.join(self.published)} -> {self.into}{self._dated()}"
        parts = [*self.absorbed, *(f"{u} (outside)" for u in self.partners)]
        return f"merger: {' + '.join(parts)} -> {self.into}{self._dated()}"

    def __repr__(self) -> str:
        if self.published:
            text = f"{' + '.join(self.published)} -> {self.into}"
            return _call(
                "Merge.parse", [repr(text), repr(self.period)], date=self.date, note=self.note
            )
        return _call(
            "Merge",
            [repr(list(self.absorbed)), repr(self.into), repr(self.period)],
            date=self.date,
            partners=self.partners,
            note=self.note,
        )


@attrs.frozen(repr=False, init=False)
class Rename(_Change):
    """A member takes a new id from ``period`` on, keeping its record and its place.

    Examples
    --------
    >>> Rename("Thừa Thiên Huế", "Huế", date="2025-01-01")
    Rename('Thừa Thiên Huế', 'Huế', 2025, date='2025-01-01')
    """

    _rank = 0
    old: str
    new: str
    period: int
    date: str | None
    note: str

    def __init__(
        self,
        old: str,
        new: str,
        period: int | None = None,
        *,
        date: str | datetime.date | None = None,
        note: str = "",
    ) -> None:
        a, b = _id(old, "Rename old"), _id(new, "Rename new")
        if a == b:
            raise RuleError(f"Rename of {a!r} to itself changes nothing; drop it")
        p, d = _when(f"Rename of {a!r}", period, date)
        self.__attrs_init__(a, b, p, d, _text(note, "note"))

    def describe(self) -> str:
        return f"{self.old} renamed {self.new}{self._dated()}"

    def __repr__(self) -> str:
        return _call(
            "Rename",
            [repr(self.old), repr(self.new), repr(self.period)],
            date=self.date,
            note=self.note,
        )


Change: TypeAlias = Join | Leave | Merge | Rename
_CHANGES = (Join, Leave, Merge, Rename)
