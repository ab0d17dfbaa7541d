"""Leader rotation: who leads a cluster (and deputises) in each period, and why.

A :class:`Rotation` is the configuration of one cluster over time:

* the members in its first period (``since``) and the dated membership
  changes after it -- :class:`Join`, :class:`Leave`, :class:`Merge` and
  :class:`Rename`;
* a policy that ranks the members for each period -- :class:`FixedCycle`
  (take turns in a given order from an anchor), :class:`BestRanked` (the best
  of a :class:`~emulation_rules.Standing`) or :class:`Elected` (the members'
  votes, ties broken by a :class:`~emulation_rules.Ranking`);
* constraints that compose with any policy -- ``cooldown`` (no one leads
  again within k periods), ``eligible`` (a
  :class:`~emulation_rules.Condition` a leader must pass, e.g. not under
  discipline), ``deputy`` (a deputy is named: the best remaining candidate)
  and ``deputy_succeeds`` (last period's deputy leads);
* overrides: a leader or deputy set by a higher authority or a vote on
  record, with the reason (:class:`Override`).

:meth:`Rotation.schedule` gives, for every period, two answers side by side:

* the **base** holders -- what the policy alone gives, as if no override
  had ever been made;
* the **effective** holders -- what happened: overrides applied, and the
  policy continuing from the leaders and deputies there actually were.

Every difference between the two comes with its reason: the override of that
period, or the earlier override it follows from (a deputy who was assigned
then succeeds; a unit assigned to lead is then in its cooldown). Membership
is a fact both share -- a unit that has left leads in neither -- so what a
membership change does is reported separately, as :class:`Move`: from the
period of the change, each member's next turn with the change and without
it, so that nobody's turn moves silently.

Periods are whole numbers (years). A change takes effect at the start of its
period. A change dated in the middle of a period (the provincial mergers of
2025-07-01) must say which period it counts from: ``period=2025`` (for the
whole of 2025) or ``period=2026`` (from the next one); giving only the date
is refused rather than guessed.

Decisions, stated once:

* A unit that merges keeps one record: the resulting unit inherits the
  periods led and deputised of every unit it absorbed (for the cooldown
  and for fairness). A renamed unit keeps its record.
* In a cycle, a skipped member (ineligible, or in its cooldown) loses that
  turn; the cycle moves on from whoever led by the cycle. An override does
  not move the cycle: the member whose turn it took loses that turn and
  the others keep theirs.
* A newcomer's place in a cycle is explicit: ``goes="next"`` (it leads at the
  next turn; everyone else's next turn moves one period later) or
  ``goes="last"`` (after every member waiting, so no member's next turn
  moves). A merged unit keeps the place of the resulting unit if that was a
  member, or else takes the earliest coming turn of the units it absorbed.
* Ties are never settled by input order: a tie in a standing or a vote that
  decides who leads is an error that says to end the ranking with a
  :class:`~emulation_rules.Lot`, or to give an override.

Examples
--------
>>> rot = Rotation(
...     ["Quảng Nam", "Bình Định", "Khánh Hòa"],
...     FixedCycle(2023, "Khánh Hòa"),
...     since=2023,
...     cooldown=1,
...     overrides=[Override(2024, leader="Bình Định", reason="elected at the 2023 review")],
... )
>>> s = rot.schedule(2023, 2025)
>>> [(t.period, t.base_leader, t.leader) for t in s]
[(2023, 'Khánh Hòa', 'Khánh Hòa'), (2024, 'Quảng Nam', 'Bình Định'), (2025, 'Bình Định', 'Khánh Hòa')]
>>> print(s.explain())
2023-2025, FixedCycle(2023, 'Khánh Hòa'), cooldown 1
2023: Khánh Hòa leads (anchor of the cycle), Quảng Nam deputises (next in the cycle)
  members: Bình Định, Khánh Hòa, Quảng Nam
2024: Bình Định leads, Khánh Hòa deputises
  policy alone: Quảng Nam leads (turn in the cycle), Bình Định deputises (next in the cycle)
  leader Bình Định instead of Quảng Nam: override (elected at the 2023 review)
  deputy Khánh Hòa instead of Bình Định: next in the cycle; the lead went to Bình Định
2025: Khánh Hòa leads, Quảng Nam deputises
  policy alone: Bình Định leads (turn in the cycle), Khánh Hòa deputises (next in the cycle)
  leader Khánh Hòa instead of Bình Định: turn in the cycle; the policy alone differs because of the override of 2024
  deputy Quảng Nam instead of Khánh Hòa: next in the cycle; the policy alone differs because of the override of 2024
  skipped: Bình Định (led in 2024, cooldown 1)

References
----------
Ministry of Public Security practice: leaders elected at the year-end review
(Cụm 5, 2017 -> 2018) or assigned by the ministry (Cụm 7, 2024); whether the
deputy succeeds, repeats and the order are not stated in any source found
(cited in ``docs/sources.md``).
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import attrs

from .._names import check_ids, closest, id_keys, listing, nfc, unknown
from ..eligibility import Condition, Context
from ..errors import DataError, DataTypeError, RuleError, RuleTypeError, UnknownNameError
from ..history import History
from ..ranking import Ranking, Standing, desc
from ..table import ScoreTable

__all__ = [
    "BestRanked",
    "ClusterId",
    "Elected",
    "Fairness",
    "FixedCycle",
    "Handover",
    "Join",
    "Leave",
    "Merge",
    "Move",
    "Override",
    "Record",
    "Rename",
    "Rotation",
    "Schedule",
    "Shift",
    "Term",
]

Goes: TypeAlias = Literal["next", "last"]


# -- validation helpers --------------------------------------------------------------


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
    if isinstance(values, str) or not isinstance(values, Iterable):
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
        if at_start:
            return d.year, iso
        raise RuleError(
            f"{what} dated {iso} falls in the middle of period {d.year} (periods are years); "
            f"say which period it counts from: period={d.year} (in force for the whole of "
            f"{d.year}) or period={d.year + 1} (from the next period)"
        )
    p = _whole(period, f"{what} period")
    if p == d.year or (p == d.year + 1 and not at_start):
        return p, iso
    allowed = f"{d.year}" if at_start else f"{d.year} or {d.year + 1}"
    raise RuleError(
        f"{what} dated {iso} cannot count from period {p}; a change of that date counts from "
        f"period {allowed}"
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


# -- membership changes ------------------------------------------------------------------


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
        The first period the resulting unit is the member in. A merger in the
        middle of a period must say which period it counts from (see the
        module documentation).
    partners
        Units outside the cluster that merged too (Đắk Nông, in the Lâm Đồng
        merger): recorded for the explanation, never members.
    date, note
        The legal date and a note (e.g. the resolution), for the record.

    Examples
    --------
    >>> Merge(["Bình Thuận"], "Lâm Đồng", 2025, date="2025-07-01", partners=["Đắk Nông"])
    Merge(['Bình Thuận'], 'Lâm Đồng', 2025, date='2025-07-01', partners=['Đắk Nông'])
    >>> Merge(["Bình Thuận"], "Lâm Đồng", date="2025-07-01")
    Traceback (most recent call last):
    ...
    emulation_rules.errors.RuleError: Merge into 'Lâm Đồng' dated 2025-07-01 falls in the middle of period 2025 (periods are years); say which period it counts from: period=2025 (in force for the whole of 2025) or period=2026 (from the next period)
    """

    _rank = 1
    absorbed: tuple[str, ...]
    into: str
    period: int
    partners: tuple[str, ...]
    date: str | None
    note: str

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

    def describe(self) -> str:
        parts = [*self.absorbed, *(f"{u} (outside)" for u in self.partners)]
        return f"merger: {' + '.join(parts)} -> {self.into}{self._dated()}"

    def __repr__(self) -> str:
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


# -- overrides, identity, policies -------------------------------------------------------


@attrs.frozen(repr=False, init=False)
class Override:
    """The leader and/or deputy of one period, set outside the policy, with the reason.

    Use it for a decision on record: an assignment by a higher authority, or
    an election whose votes are not known. The policy's own choice stays on
    record as the base holder. An override is applied even to a member in its
    cooldown or one that fails the eligibility condition; the explanation
    then says what it sets aside ("overrides the cooldown (led in 2023,
    cooldown 1)").

    Examples
    --------
    >>> Override(2024, leader="Quảng Trị", deputy="Thừa Thiên Huế",
    ...          reason="assigned by the Ministry of Public Security")
    Override(2024, leader='Quảng Trị', deputy='Thừa Thiên Huế', reason='assigned by the Ministry of Public Security')
    """

    period: int
    leader: str | None
    deputy: str | None
    reason: str
    source: str

    def __init__(
        self,
        period: int,
        *,
        leader: str | None = None,
        deputy: str | None = None,
        reason: str,
        source: str = "",
    ) -> None:
        p = _whole(period, "Override period")
        lead = None if leader is None else _id(leader, "Override leader")
        dep = None if deputy is None else _id(deputy, "Override deputy")
        if lead is None and dep is None:
            raise RuleError(f"Override({p}) sets nobody; give leader=..., deputy=... or both")
        if lead is not None and lead == dep:
            raise RuleError(
                f"Override({p}) names {lead!r} as both leader and deputy; the deputy is another "
                "member"
            )
        self.__attrs_init__(
            p,
            lead,
            dep,
            _text(reason, "reason of the override", required=True),
            _text(source, "source"),
        )

    def __repr__(self) -> str:
        return _call(
            "Override",
            [repr(self.period)],
            leader=self.leader,
            deputy=self.deputy,
            reason=self.reason,
            source=self.source,
        )


def _system(value: object) -> str:
    return _text(value, "cluster system", required=True)


@attrs.frozen(repr=False)
class ClusterId:
    """A cluster's identity across years: the system it belongs to and its number.

    Cluster numbers are reused across systems, and membership changes from
    year to year; the identity is what stays.

    Examples
    --------
    >>> ClusterId("Bộ Công an", 7)
    ClusterId('Bộ Công an', 7)
    >>> print(ClusterId("Bộ Công an", 7))
    Bộ Công an, cluster 7
    """

    system: str = attrs.field(converter=_system)
    number: int | str = attrs.field()

    @number.validator
    def _check(self, _: object, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise RuleTypeError(f"a cluster number is a whole number or a text (got {value!r})")

    def __str__(self) -> str:
        return f"{self.system}, cluster {self.number}"

    def __repr__(self) -> str:
        return f"ClusterId({self.system!r}, {self.number!r})"


@attrs.frozen(repr=False, init=False)
class FixedCycle:
    """Take turns in a fixed order, anchored by who leads in one period.

    The order is the order in which the rotation lists its members -- the one
    place where listing order matters. In the anchor period the anchor holds
    the turn; the turn then passes to the next member each period, wrapping
    round. Members who join say where they go (:class:`Join`), so that a
    change of membership never moves anyone's turn silently. The deputy is
    the next in the cycle.

    Parameters
    ----------
    period
        The anchor period.
    holder
        The member that holds the turn in the anchor period; it must be a
        member when the rotation starts.

    Examples
    --------
    >>> FixedCycle(2023, "Khánh Hòa")
    FixedCycle(2023, 'Khánh Hòa')
    """

    period: int
    holder: str

    def __init__(self, period: int, holder: str) -> None:
        self.__attrs_init__(_whole(period, "FixedCycle period"), _id(holder, "FixedCycle holder"))

    def __repr__(self) -> str:
        return f"FixedCycle({self.period!r}, {self.holder!r})"


@attrs.frozen(repr=False)
class BestRanked:
    """The best-ranked member of the standing given for the period.

    :meth:`Rotation.schedule` takes ``standings={period: standing}``: the
    standing each period's leader is chosen from (usually the previous
    year's review: the 2023 standing chooses the 2024 leader, so it is given
    as ``{2024: standing_2023}``). Members skipped by the cooldown or the
    eligibility condition give way to the next in the standing; the deputy
    is the best-ranked after the leader. Units of the standing that are not
    members that period are passed over; a member missing from it is an
    error. A tie in the standing that decides the holder is an error: end
    the ranking with a :class:`~emulation_rules.Lot`.

    Examples
    --------
    >>> BestRanked()
    BestRanked()
    """

    def __repr__(self) -> str:
        return "BestRanked()"


def _votes_ranking() -> Ranking:
    return Ranking(desc("votes"))


def _check_ranking(_: object, __: object, value: object) -> None:
    if not isinstance(value, Ranking):
        raise RuleTypeError(
            f"Elected takes a Ranking over the votes table, e.g. Ranking(desc('votes'), "
            f"Lot(seed='cluster 7 / 2024')) (got {value!r})"
        )


@attrs.frozen(repr=False)
class Elected:
    """The member with the most votes, ties broken by a ranking's chain.

    :meth:`Rotation.schedule` takes ``votes={period: ...}``: for each period,
    the votes cast for its leader -- a mapping of member to votes (members
    without votes have 0), or a :class:`~emulation_rules.ScoreTable` of the
    members with a ``votes`` column and any columns the tie-break chain uses.
    The table is ranked with ``ranking``; the deputy is the runner-up. Ties
    are never settled by the order in which members are listed: a tie the
    chain leaves at the top is an error, so end it with a
    :class:`~emulation_rules.Lot`.

    Examples
    --------
    >>> from emulation_rules import Lot
    >>> Elected(Ranking(desc("votes"), Lot(seed="Cụm 5 / 2017")))
    Elected(Ranking(desc('votes'), Lot(seed='Cụm 5 / 2017')))
    """

    ranking: Ranking = attrs.field(factory=_votes_ranking, validator=_check_ranking)

    def __repr__(self) -> str:
        return "Elected()" if self.ranking == _votes_ranking() else f"Elected({self.ranking!r})"


Policy: TypeAlias = FixedCycle | BestRanked | Elected


# -- the membership timeline ---------------------------------------------------------------


class _Plan:
    """Membership per period, validated once when the rotation is built."""

    def __init__(self, members: tuple[str, ...], since: int, changes: Sequence[Change]) -> None:
        self.since = since
        self.by_period: dict[int, tuple[Change, ...]] = {}
        for ch in sorted(changes, key=lambda c: (c.period, c._rank)):
            self.by_period.setdefault(ch.period, ())
            self.by_period[ch.period] += (ch,)
        current = set(members)
        self.snapshots: list[tuple[int, frozenset[str]]] = [(since, frozenset(current))]
        #: Each id's events, for error messages: (period, what happened).
        self.events: dict[str, list[tuple[int, str]]] = {u: [(since, "member")] for u in members}
        #: Ids that were renamed or absorbed away: they can never come back.
        self.retired: dict[str, str] = {}
        for p in sorted(self.by_period):
            if p <= since:
                first = self.by_period[p][0]
                raise RuleError(
                    f"{first!r} is dated {p}, but the rotation starts in {since}; list the members "
                    f"as they are in {since} and date changes after it"
                )
            for ch in self.by_period[p]:
                self._apply(ch, current, p)
            if not current:
                raise RuleError(
                    f"after the changes of {p} the cluster has no members; a rotation needs at "
                    "least one member in every period"
                )
            self.snapshots.append((p, frozenset(current)))
        self.starts = [q for q, _ in self.snapshots]

    def _note(self, unit: str, p: int, text: str) -> None:
        self.events.setdefault(unit, []).append((p, text))

    def _new_id(self, unit: str, current: set[str], what: str) -> None:
        if unit in self.retired:
            raise RuleError(
                f"{what}: {unit!r} {self.retired[unit]}; that id now names another unit's record, "
                "so it cannot be used again: give the unit another id"
            )

    def _apply(self, ch: Change, current: set[str], p: int) -> None:
        if isinstance(ch, Rename):
            self._member(ch.old, p, current, repr(ch), "rename a member")
            self._new_id(ch.new, current, repr(ch))
            if ch.new in current:
                raise RuleError(
                    f"{ch!r}: {ch.new!r} is already a member in {p}; to combine two members use "
                    f"Merge([{ch.old!r}, {ch.new!r}], {ch.new!r}, {p})"
                )
            if ch.new in self.events:
                raise RuleError(
                    f"{ch!r}: {ch.new!r} was a member before ({self._whereabouts(ch.new, p)}); "
                    "renaming to it would mix two units' records: choose another id, or record a "
                    "Join and a Leave"
                )
            current.discard(ch.old)
            current.add(ch.new)
            self.retired[ch.old] = f"was renamed {ch.new!r} in {p}"
            self._note(ch.old, p, f"was renamed {ch.new!r} in {p}")
            self._note(ch.new, p, f"member (renamed from {ch.old!r})")
        elif isinstance(ch, Merge):
            for u in ch.absorbed:
                self._member(
                    u,
                    p,
                    current,
                    repr(ch),
                    "a merge absorbs members only; list units outside the cluster in partners=",
                )
            for u in ch.partners:
                if u in current:
                    raise RuleError(
                        f"{ch!r}: partner {u!r} is a member in {p}; list it among the absorbed "
                        "members instead"
                    )
            if ch.into not in ch.absorbed:
                self._new_id(ch.into, current, repr(ch))
            for u in ch.absorbed:
                current.discard(u)
                if u != ch.into:
                    self.retired[u] = f"was absorbed into {ch.into!r} in {p}"
                    self._note(u, p, f"was absorbed into {ch.into!r} in {p}")
            current.add(ch.into)
            self._note(ch.into, p, "member (merged)")
        elif isinstance(ch, Leave):
            self._member(ch.unit, p, current, repr(ch), "only a member can leave")
            current.discard(ch.unit)
            self._note(ch.unit, p, f"left in {p}")
        else:
            if ch.unit in current:
                since = self._since(ch.unit)
                raise RuleError(
                    f"{ch!r}: {ch.unit!r} is already a member in {p} (a member since {since}); "
                    "drop the Join, or date it after the unit leaves"
                )
            self._new_id(ch.unit, current, repr(ch))
            current.add(ch.unit)
            self._note(ch.unit, p, "member (joined)")

    def _since(self, unit: str) -> int:
        starts = [q for q, text in self.events.get(unit, []) if text.startswith("member")]
        return starts[-1] if starts else self.since

    def _whereabouts(self, unit: str, p: int) -> str:
        events = self.events.get(unit, [])
        before = [(q, t) for q, t in events if q <= p]
        if not before:
            later = [q for q, t in events if t.startswith("member")]
            return f"it joins only in {later[0]}" if later else "it was never a member"
        q, text = before[-1]
        if text.startswith("member"):
            return f"it is a member since {q}"
        return f"it {text}"

    def _member(self, unit: str, p: int, current: set[str], what: str, advice: str) -> None:
        if unit in current:
            return
        self._not_member(unit, p, current, what, advice)

    def _not_member(
        self, unit: str, p: int, current: Iterable[str], what: str, advice: str
    ) -> None:
        if unit not in self.events:
            err = unknown("member", unit, sorted(current), f"in {p}")
            raise UnknownNameError(f"{what}: {err.message}; {advice}")
        raise RuleError(
            f"{what}: {unit!r} is not a member in {p} ({self._whereabouts(unit, p)}); {advice}"
        )

    def members_at(self, p: int) -> frozenset[str]:
        k = bisect.bisect_right(self.starts, p) - 1
        return self.snapshots[max(k, 0)][1]

    def require(self, unit: str, p: int, what: str, advice: str) -> None:
        current = self.members_at(p)
        if unit not in current:
            self._not_member(unit, p, current, what, advice)


# -- the rotation ------------------------------------------------------------------------


def _led_before(value: object) -> tuple[tuple[str, tuple[int, ...]], ...]:
    if value is None:
        return ()
    # The same unit keyed twice (NFC and NFD forms) is refused, naming both keys.
    items = id_keys(value, "led_before").items() if isinstance(value, Mapping) else value
    if isinstance(items, str) or not isinstance(items, Iterable):
        raise RuleTypeError(
            f"led_before maps each unit to the periods it led before the rotation starts, e.g. "
            f"{{'Khánh Hòa': [2023]}} (got {value!r})"
        )
    out: dict[str, tuple[int, ...]] = {}
    for item in items:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise RuleTypeError(f"led_before entries are (unit, periods) pairs (got {item!r})")
        unit = _id(item[0], "led_before unit")
        periods = item[1]
        seq = [periods] if isinstance(periods, numbers.Integral) else periods
        if isinstance(seq, str) or not isinstance(seq, Iterable):
            raise RuleTypeError(f"led_before[{unit!r}] is a list of periods (got {periods!r})")
        if unit in out:
            raise RuleError(f"led_before names {unit!r} twice; list all its periods once")
        out[unit] = tuple(sorted({_whole(q, f"a period in led_before[{unit!r}]") for q in seq}))
    return tuple(sorted(out.items()))


@attrs.frozen(repr=False, init=False)
class Rotation:
    """Who leads a cluster, and who deputises, in each period.

    Parameters
    ----------
    members
        The members in the first period. Listing order matters only to a
        :class:`FixedCycle` (it is the cycle's order).
    policy
        :class:`FixedCycle`, :class:`BestRanked` or :class:`Elected`.
    since
        The first period of the rotation.
    deputy
        Name a deputy each period: the best candidate after the leader
        (the next in a cycle, the runner-up of a standing or a vote).
    deputy_succeeds
        Last period's deputy leads, if it is still a member and may lead;
        otherwise the policy decides.
    cooldown
        A member that led in any of the last ``cooldown`` periods may not
        lead (it may deputise); periods led by units it absorbed count.
        0 = no limit.
    eligible
        A :class:`~emulation_rules.Condition` a member must pass to lead or
        deputise in a period (e.g. ``~holds("kỷ luật")``), evaluated on the
        ``history`` given to :meth:`schedule`.
    changes
        Dated :class:`Join`, :class:`Leave`, :class:`Merge` and
        :class:`Rename`. Changes of one period apply renames first, then
        merges, leaves and joins.
    overrides
        :class:`Override` of the leader and/or deputy of a period (at most
        one per period and role).
    led_before
        Periods each member led before ``since`` (for the cooldown and the
        record), e.g. ``{"Khánh Hòa": [2023]}``.
    cluster
        The cluster's :class:`ClusterId`, for the explanations.

    Raises
    ------
    UnknownNameError
        An anchor, override or change names a unit that was never a member
        (the message suggests the closest member).
    RuleError
        An anchor that is not a member when the rotation starts; a merge,
        leave or rename of a unit that is not a member at that date; a join
        of a unit that is already a member; conflicting overrides for the
        same period; a Join without ``goes`` in a fixed cycle.

    Examples
    --------
    A newcomer placed last waits behind every member, including the one that
    has just led, so no one's next turn moves:

    >>> r = Rotation(["A", "B", "C"], FixedCycle(2023, "A"), since=2023,
    ...              changes=[Join("D", 2025, goes="last")])
    >>> r.schedule(2023, 2028).leaders
    {2023: 'A', 2024: 'B', 2025: 'C', 2026: 'A', 2027: 'B', 2028: 'D'}
    >>> r.members_at(2025)
    ('A', 'B', 'C', 'D')

    An anchor must be a member:

    >>> Rotation(["A", "B"], FixedCycle(2023, "C"), since=2023)
    Traceback (most recent call last):
    ...
    emulation_rules.errors.UnknownNameError: FixedCycle(2023, 'C'): unknown member 'C' in 2023 (valid: 'A', 'B'); the anchor must be a member when the rotation starts (2023)

    References
    ----------
    Leaders elected at the year-end review (Ministry of Public Security,
    Cụm 5, 2017), assigned by the ministry (Cụm 7, 2024), handed over at the
    review (Cụm 7, 2023 -> 2024); membership re-formed in 2024 and provinces
    merged on 2025-07-01: the public reports cited in ``docs/sources.md``.
    Order, repeats and deputy
    succession are stated in no source found, hence configurable.
    """

    members: tuple[str, ...]
    policy: Policy
    since: int
    deputy: bool
    deputy_succeeds: bool
    cooldown: int
    eligible: Condition | None
    changes: tuple[Change, ...]
    overrides: tuple[Override, ...]
    led_before: tuple[tuple[str, tuple[int, ...]], ...]
    cluster: ClusterId | None
    _plan: _Plan = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __init__(
        self,
        members: Sequence[str],
        policy: Policy,
        *,
        since: int,
        deputy: bool = True,
        deputy_succeeds: bool = False,
        cooldown: int = 0,
        eligible: Condition | None = None,
        changes: Sequence[Change] = (),
        overrides: Sequence[Override] = (),
        led_before: Mapping[str, int | Iterable[int]]
        | Iterable[tuple[str, int | Iterable[int]]]
        | None = None,
        cluster: ClusterId | None = None,
    ) -> None:
        ids = _ids(members, "the members")
        if not ids:
            raise RuleError("a rotation needs at least one member")
        if not isinstance(policy, FixedCycle | BestRanked | Elected):
            raise RuleTypeError(
                f"policy is FixedCycle(period, holder), BestRanked() or Elected(ranking) "
                f"(got {policy!r})"
            )
        start = _whole(since, "since")
        for name, flag in (("deputy", deputy), ("deputy_succeeds", deputy_succeeds)):
            if not isinstance(flag, bool):
                raise RuleTypeError(f"{name} is True or False (got {flag!r})")
        if deputy_succeeds and not deputy:
            raise RuleError("deputy_succeeds=True needs deputy=True: a deputy must be named")
        k = _whole(cooldown, "cooldown")
        if k < 0:
            raise RuleError(f"cooldown is a number of periods >= 0 (got {cooldown!r})")
        if eligible is not None and not isinstance(eligible, Condition):
            raise RuleTypeError(
                f"eligible is a Condition, e.g. ~holds('kỷ luật') (got {eligible!r})"
            )
        if cluster is not None and not isinstance(cluster, ClusterId):
            raise RuleTypeError(f"cluster is a ClusterId('system', number) (got {cluster!r})")
        for ch in changes:
            if not isinstance(ch, _CHANGES):
                raise RuleTypeError(
                    f"changes are Join, Leave, Merge and Rename (got {ch!r}); an Override goes "
                    "in overrides="
                )
            if isinstance(policy, FixedCycle) and isinstance(ch, Join) and ch.goes is None:
                raise RuleError(
                    f"{ch!r}: in a fixed cycle a newcomer's place must be explicit: goes='next' "
                    "(it leads at the next turn; every other member's next turn moves one "
                    "period later) or goes='last' (after every member waiting; no member's "
                    "next turn moves)"
                )
        for o in overrides:
            if not isinstance(o, Override):
                raise RuleTypeError(f"overrides are Override(...) objects (got {o!r})")
        before = _led_before(led_before)
        self.__attrs_init__(
            ids,
            policy,
            start,
            deputy,
            deputy_succeeds,
            k,
            eligible,
            tuple(changes),
            tuple(overrides),
            before,
            cluster,
        )
        plan = _Plan(ids, start, self.changes)
        object.__setattr__(self, "_plan", plan)
        self._validate(plan)

    def _validate(self, plan: _Plan) -> None:
        pol = self.policy
        if isinstance(pol, FixedCycle):
            plan.require(
                pol.holder,
                self.since,
                repr(pol),
                f"the anchor must be a member when the rotation starts ({self.since})",
            )
            later = [p for p in plan.by_period if p <= pol.period]
            if later:
                raise RuleError(
                    f"{pol!r} is anchored after the membership changes of {min(later)}; anchor "
                    f"the cycle in a period up to {min(later) - 1}, when the cycle's members are "
                    "the members listed"
                )
        seen: dict[tuple[int, str], Override] = {}
        for o in self.overrides:
            if o.period < self.since:
                raise RuleError(
                    f"{o!r} is for {o.period}, before the rotation starts ({self.since}); record "
                    "earlier leaders with led_before="
                )
            for role, unit in (("leader", o.leader), ("deputy", o.deputy)):
                if unit is None:
                    continue
                if role == "deputy" and not self.deputy:
                    raise RuleError(
                        f"{o!r} sets a deputy, but the rotation names none (deputy=False)"
                    )
                plan.require(
                    unit,
                    o.period,
                    repr(o),
                    f"an override names a member of the cluster in {o.period}",
                )
                prior = seen.get((o.period, role))
                if prior is not None:
                    raise RuleError(
                        f"conflicting overrides for the {role} of {o.period}: {prior!r} and {o!r}; "
                        "keep the one that stands"
                    )
                seen[(o.period, role)] = o
                other = seen.get((o.period, "deputy" if role == "leader" else "leader"))
                if other is not None and unit == (
                    other.deputy if role == "leader" else other.leader
                ):
                    raise RuleError(
                        f"{other!r} and {o!r} together make {unit!r} both leader and deputy of "
                        f"{o.period}; the deputy is another member"
                    )
        for unit, periods in self.led_before:
            plan.require(
                unit,
                self.since,
                f"led_before[{unit!r}]",
                f"led_before records members as of {self.since}",
            )
            late = [q for q in periods if q >= self.since]
            if late:
                raise RuleError(
                    f"led_before[{unit!r}] has {listing(late)}, not before {self.since}; from "
                    f"{self.since} on, who leads is the rotation's to say (use an Override)"
                )

    def __repr__(self) -> str:
        opts: list[str] = [f"since={self.since!r}"]
        defaults: dict[str, object] = {
            "deputy": True,
            "deputy_succeeds": False,
            "cooldown": 0,
            "eligible": None,
            "changes": (),
            "overrides": (),
            "led_before": (),
            "cluster": None,
        }
        for name, default in defaults.items():
            value = getattr(self, name)
            if value == default:
                continue
            if name == "led_before":
                shown = repr({u: list(ps) for u, ps in value})
            elif isinstance(value, tuple):
                shown = repr(list(value))
            else:
                shown = repr(value)
            opts.append(f"{name}={shown}")
        return f"Rotation({list(self.members)!r}, {self.policy!r}, {', '.join(opts)})"

    def members_at(self, period: int) -> tuple[str, ...]:
        """The members in ``period`` (sorted by id).

        Examples
        --------
        >>> r = Rotation(["A", "B"], BestRanked(), since=2023, changes=[Leave("A", 2024)])
        >>> r.members_at(2023), r.members_at(2030)
        (('A', 'B'), ('B',))
        """
        p = _whole(period, "period")
        if p < self.since:
            raise DataError(f"period {p} is before the rotation starts ({self.since})")
        return tuple(sorted(self._plan.members_at(p)))

    def schedule(
        self,
        first: int,
        last: int | None = None,
        *,
        history: History | None = None,
        standings: Mapping[int, Standing] | None = None,
        votes: Mapping[int, Mapping[str, int] | ScoreTable] | None = None,
    ) -> Schedule:
        """Leader and deputy, base and effective, for every period ``first``..``last``.

        The rotation is played from ``since`` (what happened before
        ``first`` decides turns and cooldowns), and reported from ``first``.

        Parameters
        ----------
        first, last
            The span reported (``last`` defaults to ``first``).
        history
            For ``eligible``: the history the condition is evaluated on, in
            each period; every member must be one of its units.
        standings
            For :class:`BestRanked`: the standing each period's leader is
            chosen from, keyed by that period.
        votes
            For :class:`Elected`: the votes cast for each period's leader,
            keyed by that period.

        Raises
        ------
        DataError
            Nobody may lead in a period and no override says who does; a tie
            decides the holder; the data a policy needs for a period are
            missing, or do not cover the members.

        Examples
        --------
        >>> r = Rotation(["A", "B", "C"], FixedCycle(2020, "A"), since=2020,
        ...              overrides=[Override(2021, leader="C", reason="assigned")])
        >>> s = r.schedule(2021, 2022)
        >>> [(t.period, t.base_leader, t.leader, t.deputy) for t in s]
        [(2021, 'B', 'C', 'A'), (2022, 'C', 'C', 'A')]
        >>> s[2021].reasons
        ('leader C instead of B: override (assigned)', 'deputy A instead of C: next in the cycle; the lead went to C')
        """
        a = _whole(first, "first")
        b = a if last is None else _whole(last, "last")
        if a < self.since:
            raise DataError(
                f"the schedule starts in {a}, before the rotation does ({self.since}); start it in "
                f"{self.since} or later"
            )
        if b < a:
            raise DataError(f"the schedule runs from {a} to {b}; give first <= last")
        return _Engine(self, history, standings, votes).run(a, b)

    def term(
        self,
        period: int,
        *,
        history: History | None = None,
        standings: Mapping[int, Standing] | None = None,
        votes: Mapping[int, Mapping[str, int] | ScoreTable] | None = None,
    ) -> Term:
        """The :class:`Term` of one period (see :meth:`schedule`).

        Examples
        --------
        >>> r = Rotation(["A", "B"], Elected(), since=2024)
        >>> r.term(2024, votes={2024: {"B": 4, "A": 1}}).leader
        'B'
        """
        p = _whole(period, "period")
        return self.schedule(p, p, history=history, standings=standings, votes=votes)[p]


# -- results ---------------------------------------------------------------------------


@attrs.frozen
class Term:
    """One period: the effective leader and deputy, the base ones, and why they differ.

    ``how`` / ``deputy_how`` say how the effective holders were chosen,
    ``base_how`` / ``base_deputy_how`` how the policy alone chose; ``skipped``
    and ``base_skipped`` list the members passed over for the lead, with the
    reason. ``reasons`` has one line for every difference between base and
    effective. ``changes`` are the membership changes in force from this
    period.
    """

    period: int
    leader: str
    deputy: str | None
    base_leader: str | None
    base_deputy: str | None
    how: str
    deputy_how: str
    base_how: str
    base_deputy_how: str
    skipped: tuple[tuple[str, str], ...]
    base_skipped: tuple[tuple[str, str], ...]
    reasons: tuple[str, ...]
    changes: tuple[str, ...]
    members: tuple[str, ...]
    overrides: tuple[Override, ...]

    @property
    def differs(self) -> bool:
        """Whether the effective holders differ from the base ones."""
        return bool(self.reasons)

    def explain(self, *, members: bool = False) -> str:
        """The period in words (``members=True`` lists the members too)."""
        # A role that differs from the base is explained on its own line below.
        shown = _roles(
            self.leader,
            self.deputy,
            "" if self.leader != self.base_leader else self.how,
            "" if self.deputy != self.base_deputy else self.deputy_how,
        )
        lines = [f"{self.period}: {shown}"]
        if members or self.changes:
            lines.append(f"  members: {', '.join(self.members)}")
        if self.changes:
            lines.append(f"  changes: {'; '.join(self.changes)}")
        if self.skipped and not self.differs:
            lines.append(f"  skipped: {_skips(self.skipped)}")
        if self.differs:
            base = _roles(
                self.base_leader, self.base_deputy, self.base_how, self.base_deputy_how or "-"
            )
            lines.append(f"  policy alone: {base}")
            if self.base_skipped:
                lines.append(f"    skipped: {_skips(self.base_skipped)}")
            lines.extend(f"  {r}" for r in self.reasons)
            if self.skipped:
                lines.append(f"  skipped: {_skips(self.skipped)}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The term as plain data."""
        return {
            "period": self.period,
            "leader": self.leader,
            "deputy": self.deputy,
            "base_leader": self.base_leader,
            "base_deputy": self.base_deputy,
            "how": self.how,
            "deputy_how": self.deputy_how,
            "base_how": self.base_how,
            "base_deputy_how": self.base_deputy_how,
            "skipped": [list(s) for s in self.skipped],
            "base_skipped": [list(s) for s in self.base_skipped],
            "reasons": list(self.reasons),
            "changes": list(self.changes),
            "members": list(self.members),
            "overrides": [repr(o) for o in self.overrides],
        }


def _roles(leader: str | None, deputy: str | None, how: str, dhow: str) -> str:
    if leader is None:
        text = f"nobody leads ({how})"
    else:
        text = f"{leader} leads" + (f" ({how})" if how else "")
    if deputy is not None:
        text += f", {deputy} deputises" + (f" ({dhow})" if dhow else "")
    elif dhow and dhow != "-":
        text += f", no deputy ({dhow})"
    return text


def _skips(skipped: Sequence[tuple[str, str]]) -> str:
    return "; ".join(f"{u} ({why})" for u, why in skipped)


@attrs.frozen
class Handover:
    """The lead passing from one member to another at the start of ``period``."""

    period: int
    outgoing: str | None
    incoming: str

    def to_dict(self) -> dict[str, Any]:
        """The handover as plain data."""
        return {"period": self.period, "from": self.outgoing, "to": self.incoming}


@attrs.frozen
class Record:
    """A unit's record as of the end of a schedule, including what it absorbed.

    ``led`` and ``deputised`` are ``(period, id at the time)`` pairs, so a
    period led by an absorbed or renamed unit shows under which id it was
    led. ``member`` lists the periods it (or a unit it absorbed) was a
    member.
    """

    unit: str
    led: tuple[tuple[int, str], ...]
    deputised: tuple[tuple[int, str], ...]
    member: tuple[int, ...]
    absorbed: tuple[str, ...]
    former_ids: tuple[str, ...]

    @property
    def times_led(self) -> int:
        """How many periods it (and the units it absorbed) led."""
        return len(self.led)

    @property
    def last_led(self) -> int | None:
        """The last period it (or a unit it absorbed) led, or None."""
        return max((p for p, _ in self.led), default=None)

    def to_dict(self) -> dict[str, Any]:
        """The record as plain data."""
        return {
            "unit": self.unit,
            "times_led": self.times_led,
            "last_led": self.last_led,
            "led": [list(x) for x in self.led],
            "deputised": [list(x) for x in self.deputised],
            "member": list(self.member),
            "absorbed": list(self.absorbed),
            "former_ids": list(self.former_ids),
        }


@attrs.frozen
class Shift:
    """How one unit's next turn to lead moved with a membership change.

    ``without`` and ``with_`` are the first period from the change on in
    which it leads, without and with the change (None: not a member then,
    or no turn within the horizon compared).
    """

    unit: str
    without: int | None
    with_: int | None
    note: str = ""

    @property
    def by(self) -> int | None:
        """Periods later (positive) or earlier (negative), when both turns exist."""
        if self.without is None or self.with_ is None:
            return None
        return self.with_ - self.without

    def describe(self) -> str:
        """One line: ``unit: without -> with (+n)``."""
        a = "-" if self.without is None else str(self.without)
        b = "-" if self.with_ is None else str(self.with_)
        by = self.by
        moved = "" if by is None else f" ({by:+d})"
        note = f" [{self.note}]" if self.note else ""
        return f"{self.unit}: {a} -> {b}{moved}{note}"


@attrs.frozen
class Move:
    """Whose future turns the membership changes of one period moved, and by how much.

    From the period of the changes, the policy alone (no later change, no
    override) is played twice from the same state -- with the changes and
    without them -- until every unit had its next turn (at most ``horizon``
    periods). ``shifts`` lists the units whose next turn differs.
    """

    period: int
    changes: tuple[str, ...]
    shifts: tuple[Shift, ...]
    horizon: int
    note: str = ""

    def explain(self) -> str:
        """The move in words."""
        head = f"{self.period}: {'; '.join(self.changes)}"
        if self.note:
            return f"{head}\n  {self.note}"
        if not self.shifts:
            return f"{head}\n  no member's next turn moved"
        lines = [
            head,
            f"  next turn without -> with the changes (policy alone, within {self.horizon} periods):",
        ]
        lines.extend(f"    {s.describe()}" for s in self.shifts)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The move as plain data."""
        return {
            "period": self.period,
            "changes": list(self.changes),
            "horizon": self.horizon,
            "note": self.note,
            "shifts": [
                {"unit": s.unit, "without": s.without, "with": s.with_, "by": s.by, "note": s.note}
                for s in self.shifts
            ],
        }


@attrs.frozen
class Fairness:
    """How evenly the lead was shared over a span of periods.

    Counts are per unit as of the end of the span: a unit that absorbed
    others counts their periods too (so the counts always add up to the
    periods of the span). ``longest_wait`` is the longest run of consecutive
    periods a unit was a member without leading (a run still going at the end
    of the span counts).
    """

    first: int
    last: int
    times_led: dict[str, int]
    times_deputy: dict[str, int]
    periods_member: dict[str, int]
    longest_wait: dict[str, int]

    @property
    def max_wait(self) -> tuple[str, int] | None:
        """The unit that waited longest and for how many periods (by id on a tie)."""
        if not self.longest_wait:
            return None
        unit = min(self.longest_wait, key=lambda u: (-self.longest_wait[u], u))
        return unit, self.longest_wait[unit]

    def explain(self) -> str:
        """A small table: periods as member, times led and deputised, longest wait."""
        units = sorted(self.times_led, key=lambda u: (-self.times_led[u], u))
        width = max([len(u) for u in units] + [4])
        lines = [
            f"{self.first}-{self.last}:",
            f"  {'unit'.ljust(width)}  member  led  deputy  longest wait",
        ]
        lines.extend(
            f"  {u.ljust(width)}  {self.periods_member[u]:>6}  {self.times_led[u]:>3}  "
            f"{self.times_deputy[u]:>6}  {self.longest_wait[u]:>12}"
            for u in units
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain data."""
        return {
            "first": self.first,
            "last": self.last,
            "times_led": dict(self.times_led),
            "times_deputy": dict(self.times_deputy),
            "periods_member": dict(self.periods_member),
            "longest_wait": dict(self.longest_wait),
        }


@attrs.frozen
class Schedule:
    """The terms of a span of periods, with handovers, membership moves and records.

    Index it by period (``schedule[2024]``) or iterate over its terms.
    """

    rotation: Rotation = attrs.field(repr=False)
    terms: tuple[Term, ...]
    handovers: tuple[Handover, ...]
    moves: tuple[Move, ...]
    records: dict[str, Record] = attrs.field(repr=False)

    @property
    def first(self) -> int:
        """The first period reported."""
        return self.terms[0].period

    @property
    def last(self) -> int:
        """The last period reported."""
        return self.terms[-1].period

    def __getitem__(self, period: int) -> Term:
        p = _whole(period, "period")
        if not self.first <= p <= self.last:
            raise DataError(f"period {p} is outside the schedule ({self.first}-{self.last})")
        return self.terms[p - self.first]

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def leaders(self) -> dict[int, str]:
        """The effective leader of each period."""
        return {t.period: t.leader for t in self.terms}

    @property
    def deputies(self) -> dict[int, str | None]:
        """The effective deputy of each period."""
        return {t.period: t.deputy for t in self.terms}

    def record(self, unit: str) -> Record:
        """The record of ``unit`` as of the last period (a unit that was absorbed is found
        under the unit that absorbed it).

        Examples
        --------
        >>> r = Rotation(["A", "B", "C"], FixedCycle(2020, "A"), since=2020,
        ...              changes=[Merge(["A", "B"], "X", 2022)])
        >>> rec = r.schedule(2020, 2023).record("A")
        >>> rec.unit, rec.absorbed, rec.times_led, rec.last_led
        ('X', ('A', 'B'), 3, 2023)
        """
        key = nfc(str(unit)).strip()
        if key in self.records:
            return self.records[key]
        for rec in self.records.values():
            if key in rec.absorbed or key in rec.former_ids:
                return rec
        raise unknown("unit", str(unit), sorted(self.records), "in the schedule's records")

    def fairness(self) -> Fairness:
        """Times led and deputised and the longest wait, per unit, over the span.

        Examples
        --------
        >>> r = Rotation(["A", "B", "C"], FixedCycle(2020, "A"), since=2020,
        ...              overrides=[Override(2021, leader="A", reason="assigned")])
        >>> f = r.schedule(2020, 2025).fairness()
        >>> f.times_led, f.max_wait
        ({'A': 3, 'B': 1, 'C': 2}, ('B', 4))
        """
        a, b = self.first, self.last
        led: dict[str, int] = {}
        dep: dict[str, int] = {}
        mem: dict[str, int] = {}
        wait: dict[str, int] = {}
        for unit, rec in self.records.items():
            member = [p for p in rec.member if a <= p <= b]
            if not member:
                continue
            led_at = {p for p, _ in rec.led if a <= p <= b}
            led[unit] = len(led_at)
            dep[unit] = sum(1 for p, _ in rec.deputised if a <= p <= b)
            mem[unit] = len(member)
            longest = run = 0
            previous: int | None = None
            for p in member:
                if previous is not None and p != previous + 1:
                    run = 0
                run = 0 if p in led_at else run + 1
                longest = max(longest, run)
                previous = p
            wait[unit] = longest
        order = sorted(led)
        return Fairness(
            a,
            b,
            {u: led[u] for u in order},
            {u: dep[u] for u in order},
            {u: mem[u] for u in order},
            {u: wait[u] for u in order},
        )

    def explain(self) -> str:
        """Every term, then the membership moves, in words."""
        rot = self.rotation
        name = f"{rot.cluster}: " if rot.cluster else ""
        opts = [repr(rot.policy)]
        if rot.cooldown:
            opts.append(f"cooldown {rot.cooldown}")
        if rot.eligible is not None:
            opts.append(f"eligible {rot.eligible!r}")
        if rot.deputy_succeeds:
            opts.append("the deputy succeeds")
        elif not rot.deputy:
            opts.append("no deputy")
        span = f"{self.first}" if self.first == self.last else f"{self.first}-{self.last}"
        lines = [f"{name}{span}, {', '.join(opts)}"]
        for k, t in enumerate(self.terms):
            lines.append(t.explain(members=k == 0))
        moves = [m for m in self.moves if self.first <= m.period <= self.last]
        if moves:
            lines.append("membership changes and the turns they moved:")
            lines.extend(f"  {line}" for m in moves for line in m.explain().splitlines())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The schedule as plain data."""
        return {
            "rotation": repr(self.rotation),
            "cluster": None if self.rotation.cluster is None else str(self.rotation.cluster),
            "first": self.first,
            "last": self.last,
            "terms": [t.to_dict() for t in self.terms],
            "handovers": [h.to_dict() for h in self.handovers],
            "moves": [m.to_dict() for m in self.moves],
            "records": {u: r.to_dict() for u, r in self.records.items()},
        }


# -- the engine ----------------------------------------------------------------------------


class _Rec:
    """A unit's mutable record while a rotation is played."""

    __slots__ = ("absorbed", "deputised", "former", "led", "member")

    def __init__(self) -> None:
        self.led: list[tuple[int, str]] = []
        self.deputised: list[tuple[int, str]] = []
        self.member: list[int] = []
        self.absorbed: list[str] = []
        self.former: list[str] = []

    def copy(self) -> _Rec:
        out = _Rec()
        out.led, out.deputised, out.member = list(self.led), list(self.deputised), list(self.member)
        out.absorbed, out.former = list(self.absorbed), list(self.former)
        return out

    def take(self, other: _Rec, unit: str) -> None:
        self.led = sorted(self.led + other.led)
        self.deputised = sorted(self.deputised + other.deputised)
        self.member = sorted(set(self.member) | set(other.member))
        self.absorbed += [unit, *other.absorbed]
        self.former += other.former


class _State:
    """One play of the rotation: the cycle, where the next turn starts, the records."""

    __slots__ = ("circle", "gap", "prev", "records")

    def __init__(self) -> None:
        self.circle: list[str] = []
        self.gap = 0
        self.records: dict[str, _Rec] = {}
        self.prev: tuple[str | None, str | None] = (None, None)

    def clone(self) -> _State:
        out = _State()
        out.circle, out.gap, out.prev = list(self.circle), self.gap, self.prev
        out.records = {u: r.copy() for u, r in self.records.items()}
        return out

    def start(self) -> int:
        return self.gap % len(self.circle)

    def remove_at(self, i: int) -> None:
        del self.circle[i]
        if i < self.gap:
            self.gap -= 1

    def alias(self, old: str, new: str) -> None:
        self.prev = (
            new if self.prev[0] == old else self.prev[0],
            new if self.prev[1] == old else self.prev[1],
        )

    def apply(self, changes: Sequence[Change], p: int) -> None:
        nexts = 0
        for ch in changes:
            if isinstance(ch, Rename):
                self.circle[self.circle.index(ch.old)] = ch.new
                rec = self.records.pop(ch.old)
                rec.former.append(ch.old)
                self.records[ch.new] = rec
                self.alias(ch.old, ch.new)
            elif isinstance(ch, Merge):
                n, start = len(self.circle), self.start()
                pos = {u: self.circle.index(u) for u in ch.absorbed}
                if ch.into in self.circle:
                    keep = self.circle.index(ch.into)
                else:
                    keep = min(pos.values(), key=lambda i: (i - start) % n)
                self.circle[keep] = ch.into
                for i in sorted((i for i in pos.values() if i != keep), reverse=True):
                    self.remove_at(i)
                rec = self.records.pop(ch.into) if ch.into in self.records else _Rec()
                for u in sorted(ch.absorbed):
                    if u != ch.into:
                        rec.take(self.records.pop(u), u)
                        self.alias(u, ch.into)
                self.records[ch.into] = rec
            elif isinstance(ch, Leave):
                self.remove_at(self.circle.index(ch.unit))
            elif ch.goes == "next":
                self.circle.insert(self.gap + nexts, ch.unit)
                nexts += 1
                self.records.setdefault(ch.unit, _Rec())
            else:
                self.circle.insert(self.gap, ch.unit)
                self.gap += 1
                self.records.setdefault(ch.unit, _Rec())

    def mark(self, p: int) -> None:
        """Record that the members are members in ``p``."""
        for u in self.circle:
            self.records[u].member.append(p)

    def key(self, p: int, cooldown: int, succession: bool) -> tuple[object, ...]:
        """What the next period's choice depends on (two plays with equal keys agree)."""
        # Only the leads inside the cooldown window matter; ``led`` is in period order, so
        # read it from the end (the cost does not grow with the length of the span).
        recent = frozenset(
            (u, q)
            for u, r in self.records.items()
            for q, _ in itertools.takewhile(lambda x: x[0] > p - cooldown, reversed(r.led))
        )
        return (
            tuple(self.circle),
            self.start(),
            self.prev[1] if succession else None,
            recent,
        )


@attrs.frozen
class _Cands:
    """The policy's candidates for a period, best first, in groups of equals."""

    groups: tuple[tuple[str, ...], ...]
    why: dict[str, str]
    deputy_why: dict[str, str]
    tie_hint: str


@attrs.frozen
class _Pick:
    unit: str | None
    how: str
    skipped: tuple[tuple[str, str], ...]
    #: Why nobody was picked: "nobody", "tie" or "data".
    problem: str = ""


_NO_DATA = "data"


class _Engine:
    """Plays a rotation: the effective and the base play in lockstep, one period at a time,
    so that each difference can be traced to the overrides since the two last agreed."""

    def __init__(
        self,
        rot: Rotation,
        history: History | None,
        standings: Mapping[int, Standing] | None,
        votes: Mapping[int, Mapping[str, int] | ScoreTable] | None,
    ) -> None:
        self.rot = rot
        self.plan = rot._plan
        self.history = history
        self.standings = standings
        self.votes = votes
        self.cycle = isinstance(rot.policy, FixedCycle)
        self._eligible: dict[tuple[int, frozenset[str]], dict[str, str]] = {}
        self._cands: dict[int, _Cands | str] = {}
        if rot.eligible is not None and history is None:
            raise DataError(
                f"eligible={rot.eligible!r} needs the history it is evaluated on: "
                "schedule(..., history=h)"
            )
        if history is not None and not isinstance(history, History):
            raise DataTypeError(f"history is a History (got {type(history).__name__})")
        if isinstance(rot.policy, BestRanked) and standings is None:
            raise DataError(
                "BestRanked chooses each period's leader from a standing: schedule(..., "
                "standings={2024: standing_2023, ...})"
            )
        if isinstance(rot.policy, Elected) and votes is None:
            raise DataError(
                "Elected needs the votes cast for each period's leader: schedule(..., "
                "votes={2024: {'Bình Thuận': 5, ...}})"
            )
        for name, data in (("standings", standings), ("votes", votes)):
            if data is not None and not isinstance(data, Mapping):
                raise DataTypeError(f"{name} maps each period to its data (got {data!r})")

    # -- inputs of one period ------------------------------------------------------

    def blocked_by_eligibility(self, p: int, members: frozenset[str]) -> dict[str, str]:
        """Member -> why it may not lead in ``p`` (only the members that fail)."""
        cond = self.rot.eligible
        if cond is None:
            return {}
        key = (p, members)
        if key not in self._eligible:
            assert self.history is not None
            verdict = cond.evaluate(Context(p, history=self.history))
            missing = sorted(members - set(verdict.units))
            if missing:
                raise DataError(
                    f"the history has no record of {listing(missing)}, members in {p}; "
                    f"eligible={cond!r} is evaluated on the history: give every member at "
                    "least one record"
                )
            out: dict[str, str] = {}
            for u, ok in zip(verdict.units, verdict.passed.tolist(), strict=True):
                if u in members and not ok:
                    detail = "; ".join(
                        line.strip().removeprefix("✗ ")
                        for line in verdict.why_not(u).splitlines()[1:]
                    )
                    out[u] = f"not eligible: {detail}" if detail else f"fails {cond!r}"
            self._eligible[key] = out
        return self._eligible[key]

    def candidates(self, state: _State, p: int, members: frozenset[str]) -> _Cands | str:
        pol = self.rot.policy
        if isinstance(pol, FixedCycle):
            s = state.start()
            order = state.circle[s:] + state.circle[:s]
            why = {
                u: "anchor of the cycle"
                if (p, u) == (pol.period, pol.holder)
                else "turn in the cycle"
                for u in order
            }
            return _Cands(
                tuple((u,) for u in order), why, dict.fromkeys(order, "next in the cycle"), ""
            )
        if p not in self._cands:
            self._cands[p] = (
                self._ranked(p, members)
                if isinstance(pol, BestRanked)
                else self._elected(p, members)
            )
        return self._cands[p]

    def _groups(
        self, standing: Standing, members: frozenset[str], label: str, extra: dict[str, str]
    ) -> _Cands:
        ranks = standing.ranks("competition").tolist()
        by_rank: dict[int, list[str]] = {}
        for u, r in zip(standing.units, ranks, strict=True):
            by_rank.setdefault(int(r), []).append(u)
        groups = tuple(tuple(sorted(by_rank[r])) for r in sorted(by_rank))
        # A position the lot decided says so: it was not earned on the keys.
        broken = _tie_breaks(standing)
        why = {
            u: f"{extra[u]}rank {r} {label}"
            + (" after a lot" if u in standing.lots else "")
            + broken[u]
            for u, r in zip(standing.units, ranks, strict=True)
        }
        return _Cands(groups, why, why, "end the ranking with a Lot(seed=...)")

    def _ranked(self, p: int, members: frozenset[str]) -> _Cands | str:
        assert self.standings is not None
        s = self.standings.get(p)
        if s is None:
            return (
                f"no standing given for {p}; BestRanked chooses each period's leader from "
                f"standings[{p}] (usually the standing of the review held in {p - 1})"
            )
        if not isinstance(s, Standing):
            raise DataTypeError(
                f"standings[{p}] is a Standing (Ranking.rank(...)) (got {type(s).__name__})"
            )
        if s.batch_shape:
            raise DataError(
                f"standings[{p}] has batch axes {s.batch_shape}; give one scenario: "
                "standing.scenario(i)"
            )
        missing = sorted(members - set(s.units))
        if missing:
            raise DataError(
                f"standings[{p}] does not rank {listing(missing)}, members in {p}; rank every "
                "member (or give an Override for the period)"
            )
        return self._groups(s, members, f"of the standing used for {p}", dict.fromkeys(s.units, ""))

    def _elected(self, p: int, members: frozenset[str]) -> _Cands | str:
        assert self.votes is not None
        pol = self.rot.policy
        assert isinstance(pol, Elected)
        cast = self.votes.get(p)
        if cast is None:
            return f"no votes given for {p}; Elected needs votes[{p}]"
        if isinstance(cast, ScoreTable):
            table = cast
            outside = sorted(set(table.units) - members)
            missing = sorted(members - set(table.units))
            if outside or missing:
                raise DataError(
                    f"the votes table for {p} must list exactly the members in {p}: "
                    f"not members {listing(outside) or 'none'}; missing {listing(missing) or 'none'}"
                )
        elif isinstance(cast, Mapping):
            counts: dict[str, int] = {}
            # One id written two ways (NFC/NFD, spaces) would merge or double its votes.
            keyed: Mapping[str, object] = id_keys(cast, f"votes[{p}]")
            for unit, v in keyed.items():
                if unit not in members:
                    hint = closest(unit, members)
                    did = f"; did you mean {hint!r}?" if hint else ""
                    raise DataError(
                        f"votes[{p}] gives votes to {unit!r}, not a member in {p}{did} "
                        f"(members: {listing(sorted(members), 12)})"
                    )
                if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
                    raise DataError(f"votes[{p}][{unit!r}] is {v!r}; votes are whole numbers >= 0")
                counts[unit] = int(v)
            order = sorted(members)
            table = ScoreTable({"unit": order, "votes": [counts.get(u, 0) for u in order]})
        else:
            raise DataTypeError(
                f"votes[{p}] is a mapping of member to votes, or a ScoreTable (got "
                f"{type(cast).__name__})"
            )
        standing = pol.ranking.rank(table)
        extra = dict.fromkeys(table.units, "")
        if "votes" in table:
            col = table["votes"]
            extra = {
                u: f"{col[i]:g} vote{'' if col[i] == 1 else 's'}, "
                for i, u in enumerate(table.units)
            }
        return self._groups(standing, members, f"in the election for {p}", extra)

    # -- one choice ---------------------------------------------------------------

    def _blocked(
        self, state: _State, p: int, members: frozenset[str], u: str, lead: bool = True
    ) -> str | None:
        if u not in members:
            return f"not a member in {p}"
        why = self.blocked_by_eligibility(p, members).get(u)
        if why is not None:
            return why
        k = self.rot.cooldown
        if k and lead:
            last = _last_led_before(state.records[u].led, p)
            if last is not None and last[0] >= p - k:
                q, as_ = last
                was = f" as {as_}" if as_ != u else ""
                return f"led in {q}{was}, cooldown {k}"
        return None

    def _choose(
        self,
        cands: _Cands | str,
        state: _State,
        p: int,
        members: frozenset[str],
        exclude: frozenset[str],
        deputy: bool = False,
    ) -> _Pick:
        if isinstance(cands, str):
            return _Pick(None, cands, (), _NO_DATA)
        skipped: list[tuple[str, str]] = []
        for group in cands.groups:
            ok: list[str] = []
            for u in group:
                if u in exclude:
                    continue
                why = self._blocked(state, p, members, u, lead=not deputy)
                if why is None:
                    ok.append(u)
                else:
                    skipped.append((u, why))
            if len(ok) == 1:
                texts = cands.deputy_why if deputy else cands.why
                return _Pick(ok[0], texts[ok[0]], tuple(skipped))
            if len(ok) > 1:
                role = "deputy" if deputy else "the lead"
                return _Pick(
                    None,
                    f"{listing(ok)} are tied for {role} in {p} ({cands.why[ok[0]]}); "
                    f"{cands.tie_hint} or give an Override for {p}",
                    tuple(skipped),
                    "tie",
                )
        return _Pick(None, "", tuple(skipped), "nobody")

    def _leader(
        self,
        cands: _Cands | str,
        state: _State,
        p: int,
        members: frozenset[str],
        exclude: frozenset[str],
    ) -> _Pick:
        notes: list[tuple[str, str]] = []
        d = state.prev[1]
        if self.rot.deputy_succeeds and d is not None and d not in exclude:
            if d not in members:
                notes.append((d, f"deputy in {p - 1}, not a member in {p}"))
            else:
                why = self._blocked(state, p, members, d)
                if why is None:
                    return _Pick(d, f"deputy in {p - 1}, succeeds", ())
                notes.append((d, f"deputy in {p - 1}, cannot succeed: {why}"))
        pick = self._choose(cands, state, p, members, exclude)
        skipped = (*notes, *pick.skipped)
        if pick.problem == "nobody":
            reasons = "; ".join(f"{u}: {why}" for u, why in skipped) or "no candidate"
            return _Pick(None, f"nobody may lead in {p} ({reasons})", skipped, "nobody")
        return _Pick(pick.unit, pick.how, skipped, pick.problem)

    def _after(self, cands: _Cands | str, state: _State, unit: str | None) -> _Cands | str:
        """A cycle's deputy is the next after the cycle's own pick, whoever leads: so an
        override of the leader moves no later turn, even when the deputy succeeds."""
        if not self.cycle or unit is None or isinstance(cands, str):
            return cands
        i = state.circle.index(unit) + 1
        order = state.circle[i:] + state.circle[:i]
        return attrs.evolve(cands, groups=tuple((u,) for u in order))

    def step(
        self, state: _State, p: int, members: frozenset[str], o: _Ov | None, strict: bool
    ) -> tuple[_Pick, _Pick, _Pick]:
        """Choose and record the leader and deputy of ``p``: (rule's pick, leader, deputy)."""
        cands = self.candidates(state, p, members)
        none: frozenset[str] = frozenset()
        rule = self._leader(cands, state, p, members, none)
        if o is not None and o.leader is not None:
            # An override is a decision, so it stands; but it says what rule it sets aside.
            barred = self._blocked(state, p, members, o.leader)
            leader = _Pick(o.leader, f"override ({o.leader_reason}){_overriding(barred)}", ())
        elif o is not None and o.deputy is not None and rule.unit == o.deputy:
            alt = self._leader(cands, state, p, members, frozenset({o.deputy}))
            leader = _Pick(
                alt.unit,
                f"{alt.how}; {o.deputy} is deputy by override" if alt.unit else alt.how,
                alt.skipped,
                alt.problem,
            )
        else:
            leader = rule
        if leader.unit is None and strict:
            raise DataError(_advice(leader, p))
        deputy = _Pick(None, "", ())
        if self.rot.deputy:
            if o is not None and o.deputy is not None:
                barred = self._blocked(state, p, members, o.deputy, lead=False)
                deputy = _Pick(o.deputy, f"override ({o.deputy_reason}){_overriding(barred)}", ())
            else:
                exclude = frozenset({leader.unit}) if leader.unit else none
                after = self._after(cands, state, rule.unit)
                deputy = self._choose(after, state, p, members, exclude, deputy=True)
                if deputy.problem == "nobody":
                    deputy = _Pick(None, "no other member may deputise", deputy.skipped)
                elif deputy.problem and strict:
                    raise DataError(_advice(deputy, p, deputy=True))
                elif deputy.unit is not None and leader.unit != rule.unit:
                    deputy = _Pick(deputy.unit, f"{deputy.how}; the lead went to {leader.unit}", ())
        if leader.unit is not None:
            state.records[leader.unit].led.append((p, leader.unit))
        if deputy.unit is not None:
            state.records[deputy.unit].deputised.append((p, deputy.unit))
        if self.cycle and rule.unit is not None:
            state.gap = state.circle.index(rule.unit) + 1
        state.prev = (leader.unit, deputy.unit)
        return rule, leader, deputy

    # -- the whole play -----------------------------------------------------------

    def initial(self) -> _State:
        rot = self.rot
        state = _State()
        state.circle = list(rot.members)
        for u in rot.members:
            state.records[u] = _Rec()
        for u, periods in rot.led_before:
            state.records[u].led = [(q, u) for q in periods]
        if isinstance(rot.policy, FixedCycle):
            n = len(rot.members)
            i = rot.members.index(rot.policy.holder)
            state.gap = (i + rot.since - rot.policy.period) % n
        return state

    def run(self, first: int, last: int) -> Schedule:
        rot = self.rot
        by_period: dict[int, list[Override]] = {}
        for item in rot.overrides:
            by_period.setdefault(item.period, []).append(item)
        overrides = {p: _Ov.of(items) for p, items in by_period.items()}
        eff = self.initial()
        base = eff.clone()
        terms: list[Term] = []
        handovers: list[Handover] = []
        moves: list[Move] = []
        diverged: list[int] = []
        for p in range(rot.since, last + 1):
            changes = self.plan.by_period.get(p, ())
            outgoing = eff.prev[0]
            if changes:
                if p >= first:
                    moves.append(self.move(eff, p, changes))
                eff.apply(changes, p)
                base.apply(changes, p)
            eff.mark(p)
            base.mark(p)
            members = self.plan.members_at(p)
            previous = eff.prev[0]
            o = overrides.get(p)
            rule_e, lead_e, dep_e = self.step(eff, p, members, o, strict=True)
            _, lead_b, dep_b = self.step(base, p, members, None, strict=False)
            assert lead_e.unit is not None
            if p >= first:
                reasons = self.reasons(p, o, rule_e, lead_e, dep_e, lead_b, dep_b, diverged)
                terms.append(
                    Term(
                        p,
                        lead_e.unit,
                        dep_e.unit,
                        lead_b.unit,
                        dep_b.unit,
                        lead_e.how,
                        dep_e.how,
                        lead_b.how,
                        dep_b.how,
                        lead_e.skipped,
                        lead_b.skipped,
                        reasons,
                        tuple(ch.describe() for ch in changes),
                        tuple(sorted(members)),
                        () if o is None else o.items,
                    )
                )
                if p > rot.since and previous != lead_e.unit:
                    handovers.append(Handover(p, outgoing, lead_e.unit))
            keys = (
                eff.key(p, rot.cooldown, rot.deputy_succeeds),
                base.key(p, rot.cooldown, rot.deputy_succeeds),
            )
            if keys[0] == keys[1]:
                diverged.clear()
            elif o is not None:
                diverged.append(p)
        records = {
            u: Record(
                u,
                tuple(r.led),
                tuple(r.deputised),
                tuple(r.member),
                tuple(r.absorbed),
                tuple(r.former),
            )
            for u, r in sorted(eff.records.items())
        }
        return Schedule(rot, tuple(terms), tuple(handovers), tuple(moves), records)

    def reasons(
        self,
        p: int,
        o: _Ov | None,
        rule: _Pick,
        lead: _Pick,
        dep: _Pick,
        lead_b: _Pick,
        dep_b: _Pick,
        diverged: Sequence[int],
    ) -> tuple[str, ...]:
        out: list[str] = []
        earlier = (
            f"; the policy alone differs because of {_overrides_of(diverged)}" if diverged else ""
        )
        if lead.unit != lead_b.unit:
            base = lead_b.unit or "nobody"
            if o is not None and o.leader is not None:
                out.append(f"leader {lead.unit} instead of {base}: {lead.how}")
            else:
                out.append(f"leader {lead.unit} instead of {base}: {lead.how}{earlier}")
        if dep.unit != dep_b.unit:
            base = dep_b.unit or "nobody"
            unit = dep.unit or "none"
            if (o is not None and o.deputy is not None) or lead.unit != rule.unit:
                out.append(f"deputy {unit} instead of {base}: {dep.how}")
            else:
                out.append(f"deputy {unit} instead of {base}: {dep.how}{earlier}")
        return tuple(out)

    def move(self, state: _State, p: int, changes: Sequence[Change]) -> Move:
        texts = tuple(ch.describe() for ch in changes)
        before = self.plan.members_at(p - 1)
        after = self.plan.members_at(p)
        horizon = 2 * max(len(before), len(after)) + self.rot.cooldown
        if not self.cycle:
            name = type(self.rot.policy).__name__
            return Move(
                p,
                texts,
                (),
                0,
                f"turns under {name} are not scheduled in advance (each period's "
                f"{'standing' if name == 'BestRanked' else 'vote'} decides), so no turn moved",
            )
        with_ = state.clone()
        with_.apply(changes, p)
        without = state.clone()
        turns_with = self.project(with_, p, after, horizon)
        turns_without = self.project(without, p, before, horizon)
        # Follow each unit through the changes: a renamed or absorbed unit's turn is
        # compared with the turn of the unit it became.
        becomes: dict[str, str] = {}
        notes: dict[str, str] = {}
        for ch in changes:
            if isinstance(ch, Join):
                notes[ch.unit] = f"joins, goes {ch.goes}"
            elif isinstance(ch, Leave):
                notes[ch.unit] = "leaves"
            elif isinstance(ch, Rename):
                becomes = {u: ch.new if v == ch.old else v for u, v in becomes.items()}
                becomes[ch.old] = ch.new
                notes[ch.old] = f"renamed {ch.new}"
            else:
                for u in ch.absorbed:
                    becomes = {a: ch.into if v == u else v for a, v in becomes.items()}
                    if u != ch.into:
                        becomes[u] = ch.into
                        notes[u] = f"absorbed into {ch.into}"
        shifts = []
        followed = set()
        for u in sorted(before):
            now = becomes.get(u, u)
            followed.add(now)
            a = turns_without.get(u)
            b = turns_with.get(now) if now in after else None
            if a != b or now not in after:
                shifts.append(Shift(u, a, b, notes.get(u, "")))
        shifts.extend(
            Shift(u, None, turns_with.get(u), notes.get(u, "")) for u in sorted(after - followed)
        )
        return Move(p, texts, tuple(shifts), horizon)

    def project(
        self, state: _State, p: int, members: frozenset[str], horizon: int
    ) -> dict[str, int]:
        """First turn of each member from ``p`` on, membership fixed, no override."""
        first: dict[str, int] = {}
        for q in range(p, p + horizon):
            _, lead, _ = self.step(state, q, members, None, strict=False)
            if lead.unit is None:
                break
            first.setdefault(lead.unit, q)
            if len(first) == len(members):
                break
        return first


@attrs.frozen
class _Ov:
    """The overrides of one period, role by role."""

    leader: str | None
    deputy: str | None
    leader_reason: str
    deputy_reason: str
    items: tuple[Override, ...]

    @classmethod
    def of(cls, items: Sequence[Override]) -> _Ov:
        lead = next((o for o in items if o.leader is not None), None)
        dep = next((o for o in items if o.deputy is not None), None)
        return cls(
            None if lead is None else lead.leader,
            None if dep is None else dep.deputy,
            "" if lead is None else lead.reason,
            "" if dep is None else dep.reason,
            tuple(items),
        )


def _tie_breaks(standing: Standing) -> dict[str, str]:
    """Per unit, how a later key of the chain placed it against a neighbour it was tied
    with on the keys before, e.g. ``; tied with A on desc('votes'), ahead on
    desc('score')``. The first key and a lot are said elsewhere (the votes, "after a lot")."""
    order = standing.order_index.tolist()
    decided = standing.deciding_step.tolist()  # decided[q]: between positions q and q + 1
    units = standing.units
    out = dict.fromkeys(units, "")
    for q, k in enumerate(decided):
        if k < 1 or k == standing._lot_step:
            continue
        upper, lower = units[order[q]], units[order[q + 1]]
        tied = ", ".join(standing.steps[:k])
        out[upper] += f"; tied with {lower} on {tied}, ahead on {standing.steps[k]}"
        out[lower] += f"; tied with {upper} on {tied}, behind on {standing.steps[k]}"
    return out


def _last_led_before(led: Sequence[tuple[int, str]], p: int) -> tuple[int, str] | None:
    """The latest (period, id) in ``led`` (sorted by period) before ``p``."""
    for item in reversed(led):
        if item[0] < p:
            return item
    return None


def _overriding(barred: str | None) -> str:
    """What an override sets aside: ``; overrides the cooldown (led in 2023, cooldown 1)``."""
    if barred is None:
        return ""
    what = (
        "the eligibility condition"
        if barred.startswith(("not eligible", "fails"))
        else ("the cooldown")
    )
    return f"; overrides {what} ({barred})"


def _overrides_of(periods: Sequence[int]) -> str:
    """``the override of 2024``, ``the overrides of 2021 and 2024``, or, for many, a summary."""
    ps = sorted(set(periods))
    if len(ps) == 1:
        return f"the override of {ps[0]}"
    if len(ps) <= 3:
        return f"the overrides of {', '.join(map(str, ps[:-1]))} and {ps[-1]}"
    return f"the {len(ps)} overrides from {ps[0]} to {ps[-1]}"


def _advice(pick: _Pick, p: int, *, deputy: bool = False) -> str:
    role = "deputy" if deputy else "leader"
    if pick.problem == _NO_DATA:
        return f"{pick.how}; or give Override({p}, {role}=..., reason=...)"
    if pick.problem == "tie":
        return pick.how
    return (
        f"{pick.how}; lower the cooldown or relax the eligibility condition, or say who leads "
        f"with Override({p}, leader=..., reason=...)"
    )
