"""Membership over time: one model, used both to validate a rotation and to play it.

A :class:`Circle` is the members of one period in cycle order, where the next turn
starts, and every id's whereabouts. :meth:`Circle.apply` checks and applies the changes
of a period; :class:`Timeline` runs it once over all the changes when a rotation is built
(and keeps the members of every period), and the play runs the same method period by
period, so that what validation accepts is exactly what the play can do.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from .._names import unknown
from ..errors import RuleError, UnknownNameError
from .changes import Change, Join, Leave, Merge, Rename


def by_period(changes: Sequence[Change], since: int) -> dict[int, tuple[Change, ...]]:
    """The changes of each period, in the order they apply (renames, merges, leaves, joins);
    refused if any is dated before the first period counts."""
    out: dict[int, tuple[Change, ...]] = {}
    for ch in sorted(changes, key=lambda c: (c.period, c._rank)):
        out[ch.period] = (*out.get(ch.period, ()), ch)
    for p in sorted(out):
        if p <= since:
            first = out[p][0]
            raise RuleError(
                f"{first!r} is dated {p}, but the rotation starts in {since}; list the members "
                f"as they are in {since} and date changes after it"
            )
    return out


class Circle:
    """The members in cycle order, where the next turn starts (``gap``), and each id's
    events (for messages that say where a unit is)."""

    __slots__ = ("events", "gap", "order", "retired", "since")

    def __init__(self, members: Sequence[str], since: int) -> None:
        self.order: list[str] = list(members)
        self.gap = 0
        self.since = since
        #: Each id's events, for error messages: (period, what happened).
        self.events: dict[str, tuple[tuple[int, str], ...]] = dict.fromkeys(
            members, ((since, "member"),)
        )
        #: Ids that were renamed or absorbed away: they can never come back.
        self.retired: dict[str, str] = {}

    def clone(self) -> Circle:
        out = Circle((), self.since)
        out.order, out.gap = list(self.order), self.gap
        # The values are tuples, so sharing them is safe.
        out.events, out.retired = dict(self.events), dict(self.retired)
        return out

    def start(self) -> int:
        """The position whose turn comes next."""
        return self.gap % len(self.order)

    def members(self) -> frozenset[str]:
        return frozenset(self.order)

    # -- one period's changes -----------------------------------------------------

    def apply(self, changes: Sequence[Change], p: int) -> tuple[Change, ...]:
        """Check and apply the changes of ``p`` (in order); refused as soon as one cannot
        apply to the members as they are then. Returns the changes as applied: a merger
        given as published with its members and partners worked out."""
        nexts = 0
        applied: list[Change] = []
        for ch in changes:
            if isinstance(ch, Merge) and ch.published:
                for u in ch.published:
                    if u not in self.order:
                        self._new_id(u, repr(ch))
                ch = ch.resolve(self.order)
            applied.append(ch)
            if isinstance(ch, Rename):
                self._check_rename(ch, p)
                self.order[self.order.index(ch.old)] = ch.new
                self.retired[ch.old] = f"was renamed {ch.new!r} in {p}"
                self._note(ch.old, p, f"was renamed {ch.new!r} in {p}")
                self._note(ch.new, p, f"member (renamed from {ch.old!r})")
            elif isinstance(ch, Merge):
                self._check_merge(ch, p)
                self._merge(ch)
                for u in ch.absorbed:
                    if u != ch.into:
                        self.retired[u] = f"was absorbed into {ch.into!r} in {p}"
                        self._note(u, p, f"was absorbed into {ch.into!r} in {p}")
                self._note(ch.into, p, "member (merged)")
            elif isinstance(ch, Leave):
                self._member(ch.unit, p, repr(ch), "only a member can leave")
                self._remove_at(self.order.index(ch.unit))
                self._note(ch.unit, p, f"left in {p}")
            else:
                self._check_join(ch, p)
                if ch.goes == "next":
                    self.order.insert(self.gap + nexts, ch.unit)
                    nexts += 1
                else:
                    # "last", and the place of a newcomer where no cycle is played.
                    self.order.insert(self.gap, ch.unit)
                    self.gap += 1
                self._note(ch.unit, p, "member (joined)")
        if not self.order:
            raise RuleError(
                f"after the changes of {p} the cluster has no members; a rotation needs at "
                "least one member in every period"
            )
        return tuple(applied)

    def _merge(self, ch: Merge) -> None:
        # The result keeps its own place if it was a member, else the earliest coming turn
        # of the units it absorbed.
        n, start = len(self.order), self.start()
        pos = {u: self.order.index(u) for u in ch.absorbed}
        if ch.into in self.order:
            keep = self.order.index(ch.into)
        else:
            keep = min(pos.values(), key=lambda i: (i - start) % n)
        self.order[keep] = ch.into
        for i in sorted((i for i in pos.values() if i != keep), reverse=True):
            self._remove_at(i)

    def _remove_at(self, i: int) -> None:
        del self.order[i]
        if i < self.gap:
            self.gap -= 1

    # -- checks ---------------------------------------------------------------------

    def _check_rename(self, ch: Rename, p: int) -> None:
        self._member(ch.old, p, repr(ch), "rename a member")
        self._new_id(ch.new, repr(ch))
        if ch.new in self.order:
            raise RuleError(
                f"{ch!r}: {ch.new!r} is already a member in {p}; to combine two members use "
                f"Merge([{ch.old!r}, {ch.new!r}], {ch.new!r}, {p})"
            )
        if ch.new in self.events:
            raise RuleError(
                f"{ch!r}: {ch.new!r} was a member before ({self.whereabouts(ch.new, p)}); "
                "renaming to it would mix two units' records: choose another id, or record a "
                "Join and a Leave"
            )

    def _check_merge(self, ch: Merge, p: int) -> None:
        for u in ch.absorbed:
            self._member(
                u,
                p,
                repr(ch),
                "a merge absorbs members only; list units outside the cluster in partners=",
            )
        for u in ch.partners:
            if u in self.order:
                raise RuleError(
                    f"{ch!r}: partner {u!r} is a member in {p}; list it among the absorbed "
                    "members instead"
                )
        if ch.into not in ch.absorbed:
            self._new_id(ch.into, repr(ch))

    def _check_join(self, ch: Join, p: int) -> None:
        if ch.unit in self.order:
            since = self._since(ch.unit)
            raise RuleError(
                f"{ch!r}: {ch.unit!r} is already a member in {p} (a member since {since}); "
                "drop the Join, or date it after the unit leaves"
            )
        self._new_id(ch.unit, repr(ch))

    def _note(self, unit: str, p: int, text: str) -> None:
        self.events[unit] = (*self.events.get(unit, ()), (p, text))

    def _new_id(self, unit: str, what: str) -> None:
        if unit in self.retired:
            raise RuleError(
                f"{what}: {unit!r} {self.retired[unit]}; that id now names another unit's record, "
                "so it cannot be used again: give the unit another id"
            )

    def _since(self, unit: str) -> int:
        starts = [q for q, text in self.events.get(unit, ()) if text.startswith("member")]
        return starts[-1] if starts else self.since

    def _member(self, unit: str, p: int, what: str, advice: str) -> None:
        if unit not in self.order:
            self.not_member(unit, p, self.order, what, advice)

    # -- what the events say ----------------------------------------------------------

    def whereabouts(self, unit: str, p: int) -> str:
        """Where ``unit`` is in ``p``, as the events so far tell it."""
        events = self.events.get(unit, ())
        before = [(q, t) for q, t in events if q <= p]
        if not before:
            later = [q for q, t in events if t.startswith("member")]
            return f"it joins only in {later[0]}" if later else "it was never a member"
        q, text = before[-1]
        if text.startswith("member"):
            return f"it is a member since {q}"
        return f"it {text}"

    def not_member(self, unit: str, p: int, current: Iterable[str], what: str, advice: str) -> None:
        """Refuse ``unit``, not a member in ``p``, saying where it is (or the closest id)."""
        if unit not in self.events:
            err = unknown("member", unit, sorted(current), f"in {p}")
            raise UnknownNameError(f"{what}: {err.message}; {advice}")
        raise RuleError(
            f"{what}: {unit!r} is not a member in {p} ({self.whereabouts(unit, p)}); {advice}"
        )


class Timeline:
    """The members of every period, checked once when the rotation is built."""

    def __init__(self, members: Sequence[str], since: int, changes: Sequence[Change]) -> None:
        self.since = since
        self.by_period = by_period(changes, since)
        circle = Circle(members, since)
        self.snapshots: list[tuple[int, frozenset[str]]] = [(since, circle.members())]
        for p in sorted(self.by_period):
            # The play applies the changes as applied here (mergers worked out).
            self.by_period[p] = circle.apply(self.by_period[p], p)
            self.snapshots.append((p, circle.members()))
        self.starts = [q for q, _ in self.snapshots]
        #: The circle after every change: its events are the whole story of every id.
        self.final = circle

    def members_at(self, p: int) -> frozenset[str]:
        k = bisect.bisect_right(self.starts, p) - 1
        return self.snapshots[max(k, 0)][1]

    def require(self, unit: str, p: int, what: str, advice: str) -> None:
        current = self.members_at(p)
        if unit not in current:
            self.final.not_member(unit, p, current, what, advice)
