"""`History`: titles, awards and facts by unit and period.

A history is what eligibility rules look back on: which titles each unit held
in each period, the facts recorded for it (yearly task ratings, months in
post, initiatives and their scope), and, for individuals, the collective they
belonged to. It is stored as arrays shaped ``(periods, units)`` so that a
streak over a million people is a handful of array operations.

Periods are whole numbers (years, usually) forming a contiguous range; a unit
with no record in a period has no title and missing facts there. A history is
never edited in place: :meth:`History.append` adds a later period and
:meth:`History.revoke` records a revocation, each returning a new history. A
revoked title stays recorded (with its reason) but is no longer *held*, so
every streak and window that counted it breaks.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from ._checks import FLOAT_EXACT, iterable
from ._checks import records as _records
from ._names import DECLARE, check_ids, listing, nfc, one_id, title_name, unknown
from .errors import DataError, DataTypeError, RuleError, RuleTypeError
from .types import AnyArray, BoolArray, IntArray

__all__ = ["History", "Ordinal", "Revocation"]


def _readonly(a: AnyArray) -> AnyArray:
    a.flags.writeable = False
    return a


def _declared(value: object) -> frozenset[str]:
    """Declared title names as NFC text (one name, or a list of them)."""
    items = (value,) if isinstance(value, str) else value
    if not isinstance(items, Iterable):
        raise DataTypeError(f"declared= is a list of title names, e.g. ['CSTĐ_BO'] (got {value!r})")
    return frozenset(title_name(t, "declared titles") for t in items)


def _levels(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise RuleTypeError(f"Ordinal takes a sequence of levels, worst first (got {value!r})")
    out = tuple(nfc(str(v)) for v in value)
    if len(out) < 2:
        raise RuleError(f"an Ordinal scale needs at least two levels, worst first (got {out!r})")
    if len(set(out)) != len(out):
        raise RuleError(f"Ordinal levels must be distinct (got {out!r})")
    return out


@attrs.frozen(repr=False)
class Ordinal:
    """An ordered scale of levels, listed from worst to best.

    Examples
    --------
    The yearly task ratings of Vietnamese civil servants:

    >>> rating = Ordinal(["KHTNV", "HTNV", "HTTNV", "HTXSNV"])
    >>> rating.code("HTTNV")
    2
    """

    levels: tuple[str, ...] = attrs.field(converter=_levels)

    def code(self, level: str) -> int:
        """The position of ``level`` on the scale (0 = worst)."""
        key = nfc(str(level))
        if key not in self.levels:
            raise unknown("level", str(level), list(self.levels), "on this ordinal scale")
        return self.levels.index(key)

    def __repr__(self) -> str:
        return f"Ordinal({list(self.levels)!r})"


@attrs.frozen
class Revocation:
    """A title withdrawn from a unit for a period, and why (Law 06/2022, ch. VII)."""

    unit: str
    title: str
    period: int
    reason: str


class History:
    """Titles and facts by unit and period, for one level of subjects.

    Build one with :meth:`from_records`. Arrays are shaped ``(periods, units)``.

    Parameters
    ----------
    units
        The subjects' ids (individuals, or collectives).
    periods
        The first and last period covered; every period in between exists.
    titles
        Title name to a bool array: granted for the achievement of that period.
    facts
        Fact name to a float array (NaN = missing) or, for ordinal facts, an
        int array of level codes (-1 = missing).
    ordinals
        Fact name to its :class:`Ordinal` scale.
    member_of
        For individuals: an int array, the position of the collective each
        belongs to in each period (-1 = none), in ``collectives``.
    collectives
        The history of the collectives the individuals belong to.
    declared
        Titles that rules may name although nobody holds them yet (a title in
        its first year): known, and held nowhere. Every other title a rule
        names must appear in the history, or the rule raises
        :class:`~emulation_rules.UnknownNameError` (see :attr:`known_titles`).

    Examples
    --------
    >>> h = History.from_records([
    ...     {"unit": "An", "period": 2022, "titles": ["LĐTT"], "rating": "HTTNV"},
    ...     {"unit": "An", "period": 2023, "titles": ["LĐTT", "CSTĐCS"], "rating": "HTXSNV"},
    ...     {"unit": "Bình", "period": 2023, "titles": [], "rating": "HTNV"},
    ... ], ordinals={"rating": Ordinal(["KHTNV", "HTNV", "HTTNV", "HTXSNV"])})
    >>> h
    History(2 units, periods 2022-2023; titles: CSTĐCS, LĐTT; facts: rating)
    >>> h.held("LĐTT", 2023)
    array([ True, False])
    """

    __slots__ = (
        "_declared",
        "_facts",
        "_granted",
        "_index",
        "_member_of",
        "_revoked",
        "collectives",
        "first",
        "last",
        "ordinals",
        "revocations",
        "units",
    )

    units: tuple[str, ...]
    first: int
    last: int
    ordinals: dict[str, Ordinal]
    revocations: tuple[Revocation, ...]
    collectives: History | None
    _granted: dict[str, BoolArray]
    _declared: frozenset[str]
    _revoked: dict[str, BoolArray]
    _facts: dict[str, AnyArray]
    _member_of: IntArray | None
    _index: dict[str, int] | None

    def __init__(
        self,
        units: Sequence[str],
        periods: tuple[int, int],
        *,
        titles: Mapping[str, BoolArray] | None = None,
        facts: Mapping[str, AnyArray] | None = None,
        ordinals: Mapping[str, Ordinal] | None = None,
        member_of: IntArray | None = None,
        collectives: History | None = None,
        revocations: Sequence[Revocation] = (),
        declared: Iterable[str] = (),
    ) -> None:
        ids, problems = check_ids(_records(units, "History", "unit ids"))
        if problems:
            raise DataError.collect(problems, "the history's units")
        first, last = period_pair(periods, "History")
        if last < first:
            raise DataError(
                f"periods run from {first} to {last}; periods must be in increasing order"
            )
        self.units = tuple(ids)
        self._index = None
        self._declared = _declared(declared)
        self.first, self.last = first, last
        shape = (last - first + 1, len(ids))
        self.ordinals = dict(ordinals or {})
        self._granted = {}
        for name, arr in (titles or {}).items():
            key = title_name(name, "History(titles=)")
            a = _flag_grid(arr, f"title {key!r}")
            if a.shape != shape:
                raise DataError(f"title {key!r} has shape {a.shape}; expected {shape}")
            if key in self._granted:
                raise DataError(f"title {key!r} is given twice (after Unicode NFC normalisation)")
            self._granted[key] = _readonly(a.copy())
        self._facts = {}
        for name, arr in (facts or {}).items():
            a = _grid(arr, None, f"fact {name!r}")
            if a.shape != shape:
                raise DataError(f"fact {name!r} has shape {a.shape}; expected {shape}")
            if nfc(name) in self._facts:
                raise DataError(f"fact {name!r} is given twice (after Unicode NFC normalisation)")
            self._facts[nfc(name)] = _readonly(a)
        self.revocations = tuple(revocations)
        self._revoked = {}
        for r in self.revocations:
            arr = self._revoked.setdefault(r.title, np.zeros(shape, dtype=bool))
            arr[r.period - first, self.index(r.unit)] = True
        for arr in self._revoked.values():
            _readonly(arr)
        if (member_of is None) != (collectives is None):
            raise DataError("give member_of and collectives together")
        if member_of is not None:
            m = _member_grid(member_of)
            if m.shape != shape:
                raise DataError(f"member_of has shape {m.shape}; expected {shape}")
            assert collectives is not None
            if ((m < -1) | (m >= len(collectives.units))).any():
                raise DataError("member_of holds positions outside the collectives")
            m = _readonly(m.copy())
        else:
            m = None
        self._member_of = m
        self.collectives = collectives

    # -- construction -----------------------------------------------------------------

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        unit: str = "unit",
        period: str = "period",
        titles: str = "titles",
        ordinals: Mapping[str, Ordinal | Sequence[str]] | None = None,
        member_of: str | None = None,
        collectives: History | Iterable[Mapping[str, Any]] | None = None,
        periods: tuple[int, int] | None = None,
        declared: Iterable[str] = (),
    ) -> History:
        """A history from one record per unit and period.

        Each record names its unit and period, lists the titles held for that
        period's achievement under ``titles``, and may carry any other facts
        (numbers, flags, or levels of a declared ordinal scale). A unit with
        no record in a period has no title and missing facts there.

        Parameters
        ----------
        ordinals
            Fact name to its scale (an :class:`Ordinal` or its levels, worst
            first). Values of these facts must be levels of the scale.
        member_of
            The key naming the collective an individual belongs to in that
            period; needs ``collectives``.
        collectives
            The collectives' history (or its records).
        periods
            The first and last period to cover (default: those seen).
        declared
            Titles that rules may name although no record lists them yet
            (see :meth:`declare`).
        """
        rows = _records(records, "History.from_records")
        scales = {
            nfc(k): v if isinstance(v, Ordinal) else Ordinal(v) for k, v in (ordinals or {}).items()
        }
        problems: list[str] = []
        unit_ids: dict[str, None] = {}
        seen_periods: set[int] = set()
        for k, r in enumerate(rows):
            if not isinstance(r, Mapping):
                raise DataTypeError(
                    f"record {k} is {type(r).__name__}; give one dict per unit and period"
                )
            problems.extend(
                f"record {k} has no {key!r}; every record names its {key}"
                for key in (unit, period)
                if key not in r
            )
            p = r.get(period)
            if period in r and (isinstance(p, bool) or not isinstance(p, numbers.Integral)):
                problems.append(
                    f"record {k} has period {p!r}; periods are whole numbers (e.g. the year)"
                )
            elif p is not None:
                seen_periods.add(int(p))
            if unit in r:
                # One id check for every way ids enter: None is not the text "None".
                uid, bad = one_id(r[unit], "unit", f"record {k}")
                if bad is not None:
                    problems.append(bad)
                else:
                    unit_ids.setdefault(uid, None)
            # "LĐTT " would be a second title beside "LĐTT", held by nobody a rule asks about.
            for t in _listed(r.get(titles)):
                try:
                    title_name(t, f"record {k}, {titles}=")
                except (DataError, DataTypeError) as exc:
                    problems.append(str(exc))
        if problems:
            raise DataError.collect(problems, "the history records")
        if not rows and periods is None:
            raise DataError("no records and no periods=; give at least one record")
        first, last = (
            period_pair(periods, "History.from_records")
            if periods is not None
            else (min(seen_periods), max(seen_periods))
        )
        ids = list(unit_ids)
        index = {u: i for i, u in enumerate(ids)}
        shape = (last - first + 1, len(ids))
        granted: dict[str, BoolArray] = {}
        fact_values: dict[str, dict[tuple[int, int], object]] = {}
        memberships: dict[tuple[int, int], str] = {}
        seen: dict[tuple[int, int], int] = {}
        for k, r in enumerate(rows):
            p = int(r[period])
            if not first <= p <= last:
                problems.append(f"record {k} is for period {p}, outside {first}-{last}")
                continue
            u = index[one_id(r[unit])[0]]
            cell = (p - first, u)
            if cell in seen:
                problems.append(
                    f"unit {ids[u]!r} has two records for period {p} (records {seen[cell]} and {k}); "
                    "merge them"
                )
                continue
            seen[cell] = k
            for t in _listed(r.get(titles)):
                name = nfc(str(t))  # every title was checked to be a name above
                granted.setdefault(name, np.zeros(shape, dtype=bool))[cell] = True
            for key, v in r.items():
                if key in (unit, period, titles) or key == member_of:
                    continue
                cells = fact_values.setdefault(nfc(key), {})
                if cell in cells:  # the same fact keyed in two Unicode forms
                    problems.append(f"record {k} gives the fact {nfc(key)!r} twice; give it once")
                cells[cell] = v
            if member_of is not None and r.get(member_of) is not None:
                memberships[cell] = nfc(str(r[member_of]))
        facts: dict[str, AnyArray] = {}
        for name, cells in fact_values.items():
            facts[name] = _fact_array(name, cells, shape, scales.get(name), ids, first, problems)
        coll: History | None = None
        member_arr = None
        if member_of is not None:
            if collectives is None:
                raise DataError("member_of= needs collectives= (their history or records)")
            coll = (
                collectives
                if isinstance(collectives, History)
                else History.from_records(
                    collectives,
                    unit=unit,
                    period=period,
                    titles=titles,
                    ordinals=ordinals,
                    periods=(first, last),
                )
            )
            member_arr = np.full(shape, -1, dtype=np.int64)
            cidx = {c: i for i, c in enumerate(coll.units)}
            for (pp, u), c in memberships.items():
                if c not in cidx:
                    problems.append(
                        f"unit {ids[u]!r} is a member of {c!r} in {pp + first}, which is not a "
                        f"collective of the history; known: {listing(sorted(cidx))}"
                    )
                    continue
                member_arr[pp, u] = cidx[c]
        if problems:
            raise DataError.collect(problems, "the history records")
        return cls(
            ids,
            (first, last),
            titles=granted,
            facts=facts,
            ordinals=scales,
            member_of=member_arr,
            collectives=coll,
            declared=declared,
        )

    # -- growing ----------------------------------------------------------------------

    def append(self, records: Iterable[Mapping[str, Any]], **options: Any) -> History:
        """A new history with the periods of ``records`` added after the last one.

        Earlier periods are never rewritten: a record for a period already
        covered is refused. New units are added (with no record before).
        A history with collectives takes the new periods' memberships and
        collectives the way :meth:`from_records` does
        (``append(records, member_of="team", collectives=team_records)``);
        new collectives are added too. So a year is decided as soon as its
        records are in: append it, allocate it, and append the next year to
        the allocation's history.

        Examples
        --------
        >>> h = History.from_records(
        ...     [{"unit": "An", "period": 2023, "team": "T1", "titles": ["LĐTT"]}],
        ...     member_of="team", collectives=[{"unit": "T1", "period": 2023}])
        >>> h2 = h.append([{"unit": "An", "period": 2024, "team": "T2"}],
        ...               member_of="team", collectives=[{"unit": "T2", "period": 2024}])
        >>> h2.collectives.units, h2.member_of.tolist()
        (('T1', 'T2'), [[0], [1]])
        """
        new = History.from_records(records, ordinals=self.ordinals, **options)
        if new.first <= self.last:
            raise DataError(
                f"append adds periods after {self.last}; the records start at {new.first}. "
                "Earlier periods are never rewritten: record a revocation with revoke() instead"
            )
        return History.concat(self, new)

    @staticmethod
    def concat(old: History, new: History) -> History:
        """``old`` followed by the later periods of ``new`` (units merged by id; their
        collectives too, and each membership re-pointed at the merged collectives)."""
        if not isinstance(old, History) or not isinstance(new, History):
            raise DataTypeError("concat joins two History objects")
        if new.first <= old.last:
            raise DataError(
                f"concat adds the periods of a later history: {new.first}-{new.last} does not "
                f"start after {old.last}"
            )
        units = list(old.units) + [u for u in new.units if u not in set(old.units)]
        first, last = old.first, new.last
        shape = (last - first + 1, len(units))
        pos_old = np.arange(len(old.units))
        idx = {u: i for i, u in enumerate(units)}
        pos_new = np.array([idx[u] for u in new.units], dtype=np.int64)
        off = new.first - first

        def place(
            a_old: AnyArray | None, a_new: AnyArray | None, fill: Any, dtype: Any
        ) -> AnyArray:
            out = np.full(shape, fill, dtype=dtype)
            if a_old is not None:
                out[: old.last - first + 1, pos_old] = a_old
            if a_new is not None:
                out[off:, pos_new] = a_new
            return out

        titles = {
            t: place(old._granted.get(t), new._granted.get(t), False, bool)
            for t in {*old._granted, *new._granted}
        }
        facts: dict[str, AnyArray] = {}
        for f in {*old._facts, *new._facts}:
            ordinal = f in old.ordinals or f in new.ordinals
            text = any(x._facts[f].dtype == object for x in (old, new) if f in x._facts)
            fill, dtype = (
                (-1, np.int16) if ordinal else (None, object) if text else (np.nan, np.float64)
            )
            facts[f] = place(old._facts.get(f), new._facts.get(f), fill, dtype)
        coll, member = History._concat_collectives(old, new, place)
        return History(
            units,
            (first, last),
            titles=titles,
            facts=facts,
            ordinals={**old.ordinals, **new.ordinals},
            member_of=member,
            collectives=coll,
            revocations=old.revocations,
            declared=old._declared | new._declared,
        )

    @staticmethod
    def _concat_collectives(
        old: History, new: History, place: Any
    ) -> tuple[History | None, IntArray | None]:
        """The collectives of ``old`` followed by those of ``new``, and the memberships
        re-pointed at the merged collectives."""
        if old.collectives is None and new.collectives is None:
            return None, None
        if new.collectives is None:
            raise DataError(
                f"the history has collectives, and the periods appended after {old.last} have "
                "none: give append(..., member_of='team', collectives=[...]) with the "
                "collectives' records of the new periods (a year without memberships would "
                "silently leave every collective without members)"
            )
        old_c = old.collectives
        if old_c is None:  # memberships start being recorded with the new periods
            old_c = History((), (old.first, old.last))
        coll = History.concat(old_c, new.collectives)
        position = {c: i for i, c in enumerate(coll.units)}
        moved = np.array([position[c] for c in new.collectives.units], dtype=np.int64)
        assert new._member_of is not None
        m_new = new._member_of
        # Old collectives keep their positions (concat lists them first).
        m_new = (
            np.where(m_new >= 0, moved[np.maximum(m_new, 0)], -1)
            if moved.size
            else np.full(m_new.shape, -1, dtype=np.int64)
        )
        member: IntArray = place(old._member_of, m_new, -1, np.int64)
        return coll, member

    def revoke(self, unit: str, title: str, period: int, *, reason: str) -> History:
        """A new history in which ``unit``'s ``title`` for ``period`` is revoked.

        The grant stays on record; the title is no longer held, so streaks and
        windows that counted it break.
        """
        t = self._known_key(title, "in the history")
        if t not in self._granted:
            raise DataError(f"{t!r} is declared but nobody was granted it; nothing to revoke")
        i = self.index(unit)
        p = self._period_index(period)
        if not self._granted[t][p, i]:
            raise DataError(f"{self.units[i]!r} did not hold {t!r} for {period}; nothing to revoke")
        for r in self.revocations:
            if (r.unit, r.title, r.period) == (self.units[i], t, int(period)):
                raise DataError(
                    f"{t!r} of {self.units[i]!r} for {period} is already revoked "
                    f"(reason: {r.reason})"
                )
        if not isinstance(reason, str) or not reason.strip():
            raise RuleError("give the reason for the revocation (reason='...')")
        rev = (*self.revocations, Revocation(self.units[i], t, int(period), reason))
        return History(
            self.units,
            (self.first, self.last),
            titles=self._granted,
            facts=self._facts,
            ordinals=self.ordinals,
            member_of=self._member_of,
            collectives=self.collectives,
            revocations=rev,
            declared=self._declared,
        )

    def with_granted(self, period: int, grants: Mapping[str, BoolArray]) -> History:
        """A new history in which ``grants`` (title to a mask over the units) are added
        for ``period`` -- how an allocation records the titles it decides.

        Grants are only ever added: a title already held stays held.
        """
        p = self._period_index(period)
        titles = dict(self._granted)
        shape = (self.last - self.first + 1, len(self.units))
        for name, mask in grants.items():
            key = nfc(name)
            m = _grid(mask, bool, f"grants of {key!r}")
            if m.shape != (len(self.units),):
                raise DataError(
                    f"grants of {key!r} have shape {m.shape}; expected ({len(self.units)},)"
                )
            arr = titles[key].copy() if key in titles else np.zeros(shape, dtype=bool)
            arr[p] |= m
            titles[key] = _readonly(arr)
        return self._replace(_granted=titles)

    def _replace(self, **slots: Any) -> History:
        """A copy of this history with ``slots`` set to new values (arrays are shared:
        they are read-only)."""
        out = object.__new__(History)
        for slot in History.__slots__:
            setattr(out, slot, slots.pop(slot) if slot in slots else getattr(self, slot))
        if slots:
            raise AttributeError(f"History has no slot {sorted(slots)}")  # a typo of ours
        return out

    def declare(self, *titles: str) -> History:
        """A new history in which ``titles`` are known although nobody holds them yet.

        Rules may then name them (a title in its first year, a prerequisite
        awarded elsewhere): they are held nowhere until granted. Nothing else
        changes, and the declaration survives :meth:`append`, :meth:`revoke`
        and :meth:`with_granted`. A title that no rule may name unless declared
        guards against typos: ``holds("LDTT")`` is an error, not "nobody holds
        it".

        Examples
        --------
        >>> h = History.from_records([{"unit": "An", "period": 2023, "titles": ["LĐTT"]}])
        >>> h2 = h.declare("CSTĐ_BO")
        >>> h2.titles, h2.known_titles
        (('LĐTT',), ('CSTĐ_BO', 'LĐTT'))
        >>> h2.held("CSTĐ_BO", 2023)
        array([False])
        """
        return self._replace(_declared=self._declared | _declared(titles))

    def _redeclared(self, titles: Iterable[str]) -> History:
        """The same history declaring exactly ``titles`` (for internal bookkeeping)."""
        return self._replace(_declared=frozenset(titles))

    def with_collectives(self, collectives: History) -> History:
        """A new history whose collectives are ``collectives`` (same units and periods)."""
        if self.collectives is None or collectives.units != self.collectives.units:
            raise DataError("with_collectives needs the same collectives as the history has")
        return self._replace(collectives=collectives)

    @classmethod
    def from_dataframe(
        cls,
        df: Any,
        *,
        unit: str = "unit",
        period: str = "period",
        title: str | None = None,
        titles: str | None = None,
        facts: Sequence[str] | None = None,
        ordinals: Mapping[str, Ordinal | Sequence[str]] | None = None,
        member_of: str | None = None,
        collectives: History | Any | None = None,
        periods: tuple[int, int] | None = None,
        declared: Iterable[str] = (),
    ) -> History:
        """A history from a long-format pandas or polars DataFrame or pyarrow Table.

        Two layouts are read:

        * one row per unit and period, its titles in a list column named by
          ``titles=`` (default: a column called ``"titles"``, if any) -- two
          rows for the same unit and period are refused;
        * one row per title, named by ``title=`` (a row with no title --
          null -- records the unit's facts only); the rows of one unit and
          period repeat the same facts, and a row that disagrees is an error.

        Every other column is a fact (or only those listed in ``facts=``):
        numbers and flags (null is missing), texts, or levels of a scale
        declared in ``ordinals=``. Unit ids are texts or whole numbers --
        null, empty or space-padded ids are refused, and ids that are equal
        after Unicode NFC normalisation are one unit, as in
        :meth:`from_records`. ``member_of=`` names the column of each row's
        collective, found in ``collectives=`` (their history, data frame or
        records). Columns are read once and placed with array indexing, by
        the reader :meth:`ScoreTable.from_dataframe` uses: integers exactly
        (an unsigned integer past int64, or a whole number past 2**53 that
        would become a float, is refused naming the column), a float id
        such as ``1.0`` is refused as in :meth:`from_records`, and
        ``periods=`` is two whole numbers. ``declared=`` names titles rules
        may ask about although no row lists them yet, as in
        :meth:`from_records`.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({
        ...     "unit": ["An", "An", "Bình"], "period": [2023, 2023, 2023],
        ...     "title": ["LĐTT", "CSTĐCS", None], "rating": ["HTXSNV", "HTXSNV", "HTNV"],
        ... })
        >>> h = History.from_dataframe(df, title="title",
        ...                            ordinals={"rating": ["KHTNV", "HTNV", "HTTNV", "HTXSNV"]})
        >>> h
        History(2 units, periods 2023-2023; titles: CSTĐCS, LĐTT; facts: rating)
        >>> h.held("CSTĐCS", 2023)
        array([ True, False])
        """
        from ._frames import build, columns_of

        for key, what in ((unit, "unit"), (period, "period")):
            if not isinstance(key, str):
                raise RuleTypeError(f"{what}= names a column (got {key!r})")
        for opt, what in ((title, "title"), (titles, "titles"), (member_of, "member_of")):
            if opt is not None and not isinstance(opt, str):
                raise RuleTypeError(
                    f"History.from_dataframe: {what}= names a column (got {opt!r} of type "
                    f"{type(opt).__name__})"
                )
        if periods is not None:
            periods = period_pair(periods, "History.from_dataframe")
        history = build(
            columns_of(df),
            unit=unit,
            period=period,
            title=title,
            titles=titles,
            facts=facts,
            ordinals=ordinals,
            member_of=member_of,
            collectives=collectives,
            periods=periods,
        )
        return history.declare(*declared) if declared else history

    def _reindexed(self, units: Sequence[str]) -> History:
        """The history read through ``units`` (checked ids): a unit it lacks has no record
        (no title, missing facts, no collective); a unit not listed is left out."""
        position = {u: i for i, u in enumerate(self.units)}
        src = np.fromiter((position.get(u, -1) for u in units), dtype=np.int64, count=len(units))
        have = src >= 0
        shape = (self.last - self.first + 1, len(units))

        def take(a: AnyArray, fill: Any) -> AnyArray:
            out = np.full(shape, fill, dtype=a.dtype)
            out[:, have] = a[:, src[have]]
            return out

        facts = {
            f: take(a, -1 if f in self.ordinals else None if a.dtype == object else np.nan)
            for f, a in self._facts.items()
        }
        kept = set(units)
        out = History(
            units,
            (self.first, self.last),
            titles={t: take(g, False) for t, g in self._granted.items()},
            facts=facts,
            ordinals=self.ordinals,
            member_of=None if self._member_of is None else take(self._member_of, -1),
            collectives=self.collectives,
            revocations=[r for r in self.revocations if r.unit in kept],
            declared=self._declared,
        )
        return out

    def _with_collectives_reindexed(self, units: Sequence[str]) -> History:
        """This history with its collectives read through ``units`` (see
        :meth:`_reindexed`), every membership re-pointed at them."""
        assert self.collectives is not None
        assert self._member_of is not None
        coll = self.collectives._reindexed(units)
        position = {c: i for i, c in enumerate(units)}
        moved = np.array([position.get(c, -1) for c in self.collectives.units], dtype=np.int64)
        m = self._member_of
        member = (
            np.where(m >= 0, moved[np.maximum(m, 0)], -1)
            if moved.size
            else np.full(m.shape, -1, dtype=np.int64)
        )
        return self._replace(collectives=coll, _member_of=_readonly(member))

    # -- access -----------------------------------------------------------------------

    @property
    def periods(self) -> tuple[int, ...]:
        """Every period covered, in order."""
        return tuple(range(self.first, self.last + 1))

    @property
    def titles(self) -> tuple[str, ...]:
        """The titles that appear in the history, sorted."""
        return tuple(sorted(self._granted))

    @property
    def declared(self) -> tuple[str, ...]:
        """The titles declared (see :meth:`declare`), sorted."""
        return tuple(sorted(self._declared))

    @property
    def known_titles(self) -> tuple[str, ...]:
        """The titles rules may name: granted in any period (revoked or not) or declared."""
        return tuple(sorted(self._declared.union(self._granted)))

    @property
    def facts(self) -> tuple[str, ...]:
        """The facts recorded, sorted."""
        return tuple(sorted(self._facts))

    @property
    def n_units(self) -> int:
        """How many units."""
        return len(self.units)

    def index(self, unit: str) -> int:
        """The position of ``unit`` (compared after NFC normalisation)."""
        if self._index is None:
            self._index = {u: i for i, u in enumerate(self.units)}
        key = nfc(str(unit)).strip()
        if key not in self._index:
            raise unknown("unit", str(unit), self.units, "in the history")
        return self._index[key]

    def _period_index(self, period: object) -> int:
        if isinstance(period, bool) or not isinstance(period, int | np.integer):
            raise DataTypeError(f"a period is a whole number (got {period!r})")
        if not self.first <= period <= self.last:
            raise DataError(f"period {period} is outside the history ({self.first}-{self.last})")
        return int(period) - self.first

    def _known_key(self, title: str, where: str) -> str:
        if not isinstance(title, str):
            raise DataTypeError(f"a title is a name, e.g. 'LĐTT' (got {title!r})")
        key = nfc(title)
        if key not in self._granted and key not in self._declared:
            raise unknown("title", title, self.known_titles, where, DECLARE)
        return key

    def _nowhere(self) -> BoolArray:
        shape = (self.last - self.first + 1, len(self.units))
        return _readonly(np.zeros(shape, dtype=bool))

    def granted(self, title: str) -> BoolArray:
        """Where ``title`` was granted, revoked or not: shape ``(periods, units)``.

        A declared title nobody has been granted is granted nowhere.
        """
        key = self._known_key(title, "in the history")
        g = self._granted.get(key)
        return self._nowhere() if g is None else g

    def held_all(self, title: str) -> BoolArray:
        """Where ``title`` is held (granted and not revoked): ``(periods, units)``.

        A declared title nobody has been granted is held nowhere. Any other
        title the history does not know is an
        :class:`~emulation_rules.UnknownNameError` suggesting the closest known
        one: a misspelt title must not read as "nobody holds it".
        """
        key = self._known_key(title, "in the history")
        g = self._granted.get(key)
        if g is None:
            return self._nowhere()
        r = self._revoked.get(key)
        out: BoolArray = g if r is None else g & ~r
        return out

    def held(self, title: str, period: int) -> BoolArray:
        """Whether each unit holds ``title`` for ``period``."""
        row: BoolArray = self.held_all(title)[self._period_index(period)]
        return row

    def fact_all(self, name: str) -> AnyArray:
        """The fact ``name`` for every period and unit."""
        key = nfc(name)
        if key not in self._facts:
            raise unknown("fact", name, list(self._facts), "in the history")
        out: AnyArray = self._facts[key]
        return out

    def fact(self, name: str, period: int) -> AnyArray:
        """The fact ``name`` in ``period`` (NaN, or -1 for ordinal facts, where missing)."""
        row: AnyArray = self.fact_all(name)[self._period_index(period)]
        return row

    @property
    def member_of(self) -> IntArray | None:
        """Each individual's collective per period (-1 = none), or None."""
        return self._member_of

    def __repr__(self) -> str:
        titles = ", ".join(self.titles) or "none"
        facts = ", ".join(self.facts) or "none"
        coll = f"; {len(self.collectives.units)} collectives" if self.collectives else ""
        return (
            f"History({len(self.units)} units, periods {self.first}-{self.last}; "
            f"titles: {titles}; facts: {facts}{coll})"
        )

    def _with_revocations(self, revocations: Sequence[Revocation]) -> History:
        """The same history with ``revocations`` (of grants it records) added; only the
        revoked grids of their titles are copied (cascade withdraws fallen awards)."""
        revoked = dict(self._revoked)
        for r in revocations:
            if r.title not in revoked or not revoked[r.title].flags.writeable:
                base = revoked.get(r.title)
                revoked[r.title] = base.copy() if base is not None else self._nowhere().copy()
            revoked[r.title][r.period - self.first, self.index(r.unit)] = True
        for arr in revoked.values():
            _readonly(arr)
        return self._replace(revocations=(*self.revocations, *revocations), _revoked=revoked)


def _listed(value: object) -> tuple[object, ...]:
    """The titles a record lists: none, one name, or a list of names."""
    if value is None or (isinstance(value, str | list | tuple) and not value):
        return ()
    if isinstance(value, str | Mapping) or not iterable(value):
        return (value,)  # one name, or one value that is not a name (refused as such)
    return tuple(value)


def _fact_array(
    name: str,
    cells: Mapping[tuple[int, int], object],
    shape: tuple[int, int],
    scale: Ordinal | None,
    ids: Sequence[str],
    first: int,
    problems: list[str],
) -> AnyArray:
    if scale is not None:
        out = np.full(shape, -1, dtype=np.int16)
        for (p, u), v in cells.items():
            if v is None:
                continue
            key = nfc(str(v))
            if key not in scale.levels:
                problems.append(
                    f"fact {name!r} of {ids[u]!r} in {p + first} is {v!r}, not a level of {scale!r}"
                )
                continue
            out[p, u] = scale.levels.index(key)
        return out
    present = [v for v in cells.values() if v is not None]
    if present and all(isinstance(v, str) for v in present):
        # Text facts (a department, a category): compared with == and != only.
        out_o = np.full(shape, None, dtype=object)
        for (p, u), v in cells.items():
            out_o[p, u] = None if v is None else nfc(str(v))
        return out_o
    out_f = np.full(shape, np.nan)
    for (p, u), v in cells.items():
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, numbers.Integral) and abs(int(v)) > FLOAT_EXACT:
            # A float fact would round it to a neighbour, and a comparison with it could
            # then go either way.
            problems.append(
                f"fact {name!r} of {ids[u]!r} in {p + first} is {v}, past 2**53, the largest "
                "whole number a fact holds exactly: rescale the fact (e.g. to thousands)"
            )
        elif isinstance(v, bool | np.bool_ | numbers.Real):
            out_f[p, u] = float(v)
        else:
            problems.append(
                f"fact {name!r} of {ids[u]!r} in {p + first} is {v!r}; facts are numbers or "
                "flags, or levels of a scale declared with ordinals={...}"
            )
    return out_f


def _grid(values: object, dtype: type | None, what: str) -> AnyArray:
    """A new array (periods x units) of ``values``; ragged or non-numeric input refused."""
    try:
        return np.array(values, dtype=dtype)
    except (TypeError, ValueError):
        raise DataError(
            f"{what} is not a (periods x units) grid of values (got {type(values).__name__}); "
            "give one row per period and one value per unit"
        ) from None


def period_pair(periods: object, where: str) -> tuple[int, int]:
    """``periods`` as ``(first, last)`` whole numbers, or a :class:`DataTypeError`."""
    ok = (
        isinstance(periods, Sequence)
        and not isinstance(periods, str)
        and len(periods) == 2
        and all(
            isinstance(p, numbers.Integral) and not isinstance(p, bool | np.bool_) for p in periods
        )
    )
    if not ok:
        raise DataTypeError(
            f"{where}: periods= is (first, last), two whole numbers such as (2020, 2024) "
            f"(got {periods!r})"
        )
    first, last = int(periods[0]), int(periods[1])  # type: ignore[index]
    return first, last


def _flag_grid(values: object, what: str) -> BoolArray:
    """A new bool grid of ``values``: bools or the numbers 0 and 1, nothing else.

    ``np.array(x, dtype=bool)`` reads "False" and 0.5 as True and None as False:
    a title granted by a typo. Refuse instead.
    """
    a = _grid(values, None, what)
    if a.dtype.kind == "b":
        return a
    if a.dtype.kind in "iuf" and bool(np.isin(a, (0, 1)).all()):
        return a.astype(bool)
    if a.size == 0 and a.dtype.kind in "iufO":
        return a.astype(bool)
    raise DataTypeError(
        f"{what} holds {a.dtype} values; a title grid holds True/False (or 0/1) per period and unit"
    )


def _member_grid(values: object) -> IntArray:
    """A new int64 grid of collective positions: whole numbers within int64, -1 for none."""
    a = _grid(values, None, "member_of")
    if a.dtype.kind == "u" and a.size and int(a.max()) > np.iinfo(np.int64).max:
        raise DataError(
            f"member_of holds {int(a.max())}, not the position of a collective; give positions "
            "0..C-1, or -1 for no collective"
        )
    if (
        a.dtype.kind == "f"
        and a.size
        and bool((np.isfinite(a) & (a == np.round(a)) & (np.abs(a) < FLOAT_EXACT)).all())
    ):
        # Whole floats (a numeric column read as float) are exact positions.
        return a.astype(np.int64)
    if a.dtype.kind not in "iu" and not (a.size == 0 and a.dtype.kind in "fO"):
        raise DataTypeError(
            f"member_of holds {a.dtype} values (e.g. {a.ravel()[0]!r}); it holds the position "
            "of each unit's collective, a whole number (-1 for none)"
        )
    return a.astype(np.int64)
