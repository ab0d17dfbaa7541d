"""The configuration of one cluster's rotation over time -- :class:`Rotation` -- and its
validation when it is built."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import attrs

from .._checks import iterable
from .._names import id_keys, listing
from ..eligibility import Condition
from ..errors import DataError, RuleError, RuleTypeError
from ..history import History
from ..ranking import Standing
from ..table import ScoreTable
from ._checks import _id, _ids, _whole
from .changes import _CHANGES, Change, Join
from .engine import _Engine
from .membership import Timeline
from .policies import BestRanked, ClusterId, Elected, FixedCycle, Override, Policy
from .results import Schedule, Term


def _led_before(value: object) -> tuple[tuple[str, tuple[int, ...]], ...]:
    if value is None:
        return ()
    # The same unit keyed twice (NFC and NFD forms) is refused, naming both keys.
    items = id_keys(value, "led_before").items() if isinstance(value, Mapping) else value
    if isinstance(items, str) or not iterable(items):
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
        if isinstance(seq, str) or not iterable(seq):
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
        ``True`` names one where the data can tell who: a period whose vote
        names only a leader (the others tied without votes), or that has no
        votes or standing because an override sets its leader, has no
        deputy, and says why. ``"required"`` makes those an error, as well
        as a period in which no other member may deputise.
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
    eligible_on
        Which period's record ``eligible`` reads for the term of period ``P``:
        ``"term"`` (``P`` itself, the default) or ``"review"`` (``P - 1``, the
        period whose year-end review chooses the leader of ``P``). The history
        must hold that period: outside it every title would read "not held" and
        ``~holds(...)`` pass everyone, so that is refused.
    changes
        Dated :class:`Join`, :class:`Leave`, :class:`Merge` and
        :class:`Rename`. Changes of one period apply renames first, then
        merges, leaves and joins.
    overrides
        :class:`Override` of the leader and/or deputy of a period (at most
        one per period and role; the same override listed twice is kept once).
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
    deputy: bool | Literal["required"]
    deputy_succeeds: bool
    cooldown: int
    eligible: Condition | None
    changes: tuple[Change, ...]
    overrides: tuple[Override, ...]
    led_before: tuple[tuple[str, tuple[int, ...]], ...]
    cluster: ClusterId | None
    eligible_on: Literal["term", "review"]
    _plan: Timeline = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __init__(
        self,
        members: Sequence[str],
        policy: Policy,
        *,
        since: int,
        deputy: bool | Literal["required"] = True,
        deputy_succeeds: bool = False,
        cooldown: int = 0,
        eligible: Condition | None = None,
        changes: Sequence[Change] = (),
        overrides: Sequence[Override] = (),
        led_before: Mapping[str, int | Iterable[int]]
        | Iterable[tuple[str, int | Iterable[int]]]
        | None = None,
        cluster: ClusterId | None = None,
        eligible_on: Literal["term", "review"] = "term",
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
        if not isinstance(deputy, bool) and deputy != "required":
            raise RuleTypeError(f"deputy is True, False or 'required' (got {deputy!r})")
        if not isinstance(deputy_succeeds, bool):
            raise RuleTypeError(f"deputy_succeeds is True or False (got {deputy_succeeds!r})")
        if deputy_succeeds and not deputy:
            raise RuleError("deputy_succeeds=True needs deputy=True: a deputy must be named")
        k = _whole(cooldown, "cooldown")
        if k < 0:
            raise RuleError(f"cooldown is a number of periods >= 0 (got {cooldown!r})")
        if eligible is not None and not isinstance(eligible, Condition):
            raise RuleTypeError(
                f"eligible is a Condition, e.g. ~holds('kỷ luật') (got {eligible!r})"
            )
        if not isinstance(eligible_on, str) or eligible_on not in ("term", "review"):
            raise RuleError(
                f"eligible_on is 'term' (the record of the period led) or 'review' (the record "
                f"of the period before, whose review chooses the leader) (got {eligible_on!r})"
            )
        if cluster is not None and not isinstance(cluster, ClusterId):
            raise RuleTypeError(f"cluster is a ClusterId('system', number) (got {cluster!r})")
        seqs: tuple[tuple[str, object], ...] = (("changes", changes), ("overrides", overrides))
        for what, seq in seqs:
            if isinstance(seq, str) or not iterable(seq):
                raise RuleTypeError(f"{what} is a list (got {seq!r})")
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
            # The same decision listed twice (e.g. from two sources) is one decision.
            tuple(dict.fromkeys(overrides)),
            before,
            cluster,
            eligible_on,
        )
        plan = Timeline(ids, start, self.changes)
        object.__setattr__(self, "_plan", plan)
        self._validate(plan)

    def _validate(self, plan: Timeline) -> None:
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
            "eligible_on": "term",
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
        >>> from emulation_rules.rotation import Leave
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
