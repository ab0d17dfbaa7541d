"""What a played rotation reports: each period's :class:`Term`, the :class:`Handover` of
the lead, the :class:`Move` of turns by membership changes, each unit's :class:`Record`,
and the :class:`Fairness` of a span, gathered in a :class:`Schedule`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import attrs

from .._names import nfc, unknown
from ..errors import DataError, RuleError
from ..reasons import Language, Reason
from ._checks import _whole
from .policies import Override
from .reasons import _roles, _skips

if TYPE_CHECKING:
    from .config import Rotation


@attrs.frozen
class Term:
    """One period: the effective leader and deputy, the base ones, and why they differ.

    The reasons are data (:class:`~emulation_rules.Reason`): ``leader_why`` /
    ``deputy_why`` say how the effective holders were chosen, ``base_leader_why`` /
    ``base_deputy_why`` how the policy alone chose; ``skipped_why`` and
    ``base_skipped_why`` the members passed over for the lead (each reason names
    its unit); ``why`` one reason for every difference between base and effective
    (code ``rotation.differs``). ``how``, ``skipped``, ``reasons`` and the like
    give the same in English words. ``changes`` are the membership changes in
    force from this period.
    """

    period: int
    leader: str
    deputy: str | None
    base_leader: str | None
    base_deputy: str | None
    leader_why: Reason | None
    deputy_why: Reason | None
    base_leader_why: Reason | None
    base_deputy_why: Reason | None
    skipped_why: tuple[Reason, ...]
    base_skipped_why: tuple[Reason, ...]
    why: tuple[Reason, ...]
    changes: tuple[str, ...]
    members: tuple[str, ...]
    overrides: tuple[Override, ...]

    @property
    def how(self) -> str:
        """How the leader was chosen, in words."""
        return _said(self.leader_why)

    @property
    def deputy_how(self) -> str:
        """How the deputy was chosen (or why there is none), in words."""
        return _said(self.deputy_why)

    @property
    def base_how(self) -> str:
        """How the policy alone chose the leader, in words."""
        return _said(self.base_leader_why)

    @property
    def base_deputy_how(self) -> str:
        """How the policy alone chose the deputy, in words."""
        return _said(self.base_deputy_why)

    @property
    def skipped(self) -> tuple[tuple[str, str], ...]:
        """The members passed over for the lead, ``(unit, why in words)``."""
        return tuple((r.units[0], str(r)) for r in self.skipped_why)

    @property
    def base_skipped(self) -> tuple[tuple[str, str], ...]:
        """The members the policy alone passed over, ``(unit, why in words)``."""
        return tuple((r.units[0], str(r)) for r in self.base_skipped_why)

    @property
    def reasons(self) -> tuple[str, ...]:
        """One line for every difference between base and effective, in words."""
        return tuple(str(r) for r in self.why)

    @property
    def differs(self) -> bool:
        """Whether the effective holders differ from the base ones."""
        return bool(self.why)

    def explain(self, *, members: bool = False, language: Language = "en") -> str:
        """The period in words (``members=True`` lists the members too; ``language``
        ``"en"`` or ``"vi"``)."""
        if language not in _TERM_WORDS:
            raise RuleError(f"language must be 'en' or 'vi' (got {language!r})")
        lang = language
        w = _TERM_WORDS[lang]
        # A role that differs from the base is explained on its own line below.
        shown = _roles(
            self.leader,
            self.deputy,
            "" if self.leader != self.base_leader else _said(self.leader_why, lang),
            "" if self.deputy != self.base_deputy else _said(self.deputy_why, lang),
            lang,
        )
        lines = [f"{self.period}: {shown}"]
        if members or self.changes:
            lines.append(f"  {w['members']}: {', '.join(self.members)}")
        if self.changes:
            lines.append(f"  {w['changes']}: {'; '.join(self.changes)}")
        if self.skipped_why and not self.differs:
            lines.append(f"  {w['skipped']}: {_skips(self.skipped_why, lang)}")
        if self.differs:
            base = _roles(
                self.base_leader,
                self.base_deputy,
                _said(self.base_leader_why, lang),
                _said(self.base_deputy_why, lang) or "-",
                lang,
            )
            lines.append(f"  {w['alone']}: {base}")
            if self.base_skipped_why:
                lines.append(f"    {w['skipped']}: {_skips(self.base_skipped_why, lang)}")
            lines.extend(f"  {r.render(lang)}" for r in self.why)
            if self.skipped_why:
                lines.append(f"  {w['skipped']}: {_skips(self.skipped_why, lang)}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The term as plain data: the words, and the reasons as data under ``"why"``."""

        def data(r: Reason | None) -> dict[str, Any] | None:
            return None if r is None else r.to_dict()

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
            "why": {
                "leader": data(self.leader_why),
                "deputy": data(self.deputy_why),
                "base_leader": data(self.base_leader_why),
                "base_deputy": data(self.base_deputy_why),
                "skipped": [r.to_dict() for r in self.skipped_why],
                "base_skipped": [r.to_dict() for r in self.base_skipped_why],
                "differences": [r.to_dict() for r in self.why],
            },
        }


def _said(r: Reason | None, language: Language = "en") -> str:
    return "" if r is None else r.render(language)


_TERM_WORDS = {
    "en": {
        "members": "members",
        "changes": "changes",
        "skipped": "skipped",
        "alone": "policy alone",
    },
    "vi": {
        "members": "thành viên",
        "changes": "thay đổi",
        "skipped": "không được xét",
        "alone": "theo quy tắc",
    },
}


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
    member, and ``member_as`` the same as ``(period, id at the time)`` pairs.
    """

    unit: str
    led: tuple[tuple[int, str], ...]
    deputised: tuple[tuple[int, str], ...]
    member: tuple[int, ...]
    absorbed: tuple[str, ...]
    former_ids: tuple[str, ...]
    member_as: tuple[tuple[int, str], ...] = ()

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
            "member_as": [list(x) for x in self.member_as],
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
    #: "final": a row per unit under its id at the end of the span, counting the units
    #: it absorbed; "then": a row per id, counting only the periods under that id.
    ids: Literal["final", "then"] = "final"

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
            f"{self.first}-{self.last}{' (ids at the time)' if self.ids == 'then' else ''}:",
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
            "ids": self.ids,
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
        >>> from emulation_rules.rotation import FixedCycle, Merge, Rotation
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

    def fairness(self, *, ids: Literal["final", "then"] = "final") -> Fairness:
        """Times led and deputised and the longest wait, per unit, over the span.

        ``ids="final"`` (the default) gives a row per unit under its id at the end of
        the span, counting what the units it absorbed did; ``ids="then"`` a row per id
        the units had at the time, each counting only the periods under that id (a
        renamed unit has a row under each name).

        Examples
        --------
        >>> from emulation_rules.rotation import FixedCycle, Merge, Override, Rotation
        >>> r = Rotation(["A", "B", "C"], FixedCycle(2020, "A"), since=2020,
        ...              overrides=[Override(2021, leader="A", reason="assigned")])
        >>> f = r.schedule(2020, 2025).fairness()
        >>> f.times_led, f.max_wait
        ({'A': 3, 'B': 1, 'C': 2}, ('B', 4))
        >>> merged = Rotation(["A", "B", "C"], FixedCycle(2020, "A"), since=2020,
        ...                   changes=[Merge(["A", "B"], "X", 2022)]).schedule(2020, 2023)
        >>> merged.fairness().times_led, merged.fairness(ids="then").times_led
        ({'C': 1, 'X': 3}, {'A': 1, 'B': 1, 'C': 1, 'X': 1})
        """
        a, b = self.first, self.last
        if ids not in ("final", "then"):
            raise DataError(
                f"ids is 'final' (a row per unit under its last id) or 'then' (a row per id "
                f"at the time) (got {ids!r})"
            )
        # Per row: member periods, periods led, periods deputised.
        rows: dict[str, tuple[list[int], set[int], set[int]]] = {}
        for unit, rec in self.records.items():
            if ids == "final":
                rows[unit] = (
                    list(rec.member),
                    {p for p, _ in rec.led},
                    {p for p, _ in rec.deputised},
                )
                continue
            for p, u in rec.member_as:
                rows.setdefault(u, ([], set(), set()))[0].append(p)
            for p, u in rec.led:
                rows.setdefault(u, ([], set(), set()))[1].add(p)
            for p, u in rec.deputised:
                rows.setdefault(u, ([], set(), set()))[2].add(p)
        led: dict[str, int] = {}
        dep: dict[str, int] = {}
        mem: dict[str, int] = {}
        wait: dict[str, int] = {}
        for unit, (member_all, led_all, dep_all) in rows.items():
            member = sorted(p for p in member_all if a <= p <= b)
            if not member:
                continue
            led_at = {p for p in led_all if a <= p <= b}
            led[unit] = len(led_at)
            dep[unit] = sum(1 for p in dep_all if a <= p <= b)
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
            ids,
        )

    def explain(self, *, language: Language = "en") -> str:
        """Every term, then the membership moves, in words (the terms in ``language``,
        ``"en"`` or ``"vi"``; the moves and the header in English)."""
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
            lines.append(t.explain(members=k == 0, language=language))
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
