"""The state of one play of a rotation: the membership circle (shared with validation),
last period's holders, and each unit's record as it is being written."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from .changes import Change, Join, Merge, Rename
from .membership import Circle


class _Rec:
    """A unit's mutable record while a rotation is played."""

    __slots__ = ("absorbed", "deputised", "former", "led", "member", "member_as")

    def __init__(self) -> None:
        self.led: list[tuple[int, str]] = []
        self.deputised: list[tuple[int, str]] = []
        self.member: list[int] = []
        self.member_as: list[tuple[int, str]] = []
        self.absorbed: list[str] = []
        self.former: list[str] = []

    def copy(self) -> _Rec:
        out = _Rec()
        out.led, out.deputised, out.member = list(self.led), list(self.deputised), list(self.member)
        out.absorbed, out.former = list(self.absorbed), list(self.former)
        out.member_as = list(self.member_as)
        return out

    def take(self, other: _Rec, unit: str) -> None:
        self.led = sorted(self.led + other.led)
        self.deputised = sorted(self.deputised + other.deputised)
        self.member = sorted(set(self.member) | set(other.member))
        self.member_as = sorted(self.member_as + other.member_as)
        self.absorbed += [unit, *other.absorbed]
        self.former += other.former


class _State:
    """One play of the rotation: the membership circle, last period's holders, the records."""

    __slots__ = ("circle", "prev", "records")

    def __init__(self, circle: Circle) -> None:
        self.circle = circle
        self.records: dict[str, _Rec] = {u: _Rec() for u in circle.order}
        self.prev: tuple[str | None, str | None] = (None, None)

    def clone(self) -> _State:
        out = _State(self.circle.clone())
        out.prev = self.prev
        out.records = {u: r.copy() for u, r in self.records.items()}
        return out

    def alias(self, old: str, new: str) -> None:
        self.prev = (
            new if self.prev[0] == old else self.prev[0],
            new if self.prev[1] == old else self.prev[1],
        )

    def apply(self, changes: Sequence[Change], p: int) -> None:
        """The changes of ``p``: the circle checks and applies them (as validation did),
        then the records follow the ids."""
        for ch in self.circle.apply(changes, p):
            if isinstance(ch, Rename):
                rec = self.records.pop(ch.old)
                rec.former.append(ch.old)
                self.records[ch.new] = rec
                self.alias(ch.old, ch.new)
            elif isinstance(ch, Merge):
                rec = self.records.pop(ch.into) if ch.into in self.records else _Rec()
                for u in sorted(ch.absorbed):
                    if u != ch.into:
                        rec.take(self.records.pop(u), u)
                        self.alias(u, ch.into)
                self.records[ch.into] = rec
            elif isinstance(ch, Join):
                self.records.setdefault(ch.unit, _Rec())

    def mark(self, p: int) -> None:
        """Record that the members are members in ``p``."""
        for u in self.circle.order:
            self.records[u].member.append(p)
            self.records[u].member_as.append((p, u))

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
            tuple(self.circle.order),
            self.circle.start(),
            self.prev[1] if succession else None,
            recent,
        )
