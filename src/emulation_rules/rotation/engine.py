"""The play: the effective and the base rotation, period by period, in lockstep.

Each period is decided in named steps -- who may not hold a role (:meth:`_Engine.barred`),
who leads (:meth:`_Engine.decide_leader`), who deputises (:meth:`_Engine.decide_deputy`) --
and recorded (:meth:`_Engine.record`); :meth:`_Engine.run` plays every period and
reports the terms, the handovers and what each membership change moved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from .._names import listing
from ..eligibility import Context
from ..errors import DataError, DataTypeError
from ..history import History
from ..ranking import Standing
from ..reasons import Reason
from ..table import ScoreTable
from . import reasons as words
from .candidates import _NO_DATA, _Cands, _Pick, after, from_standing, from_votes, in_turn
from .membership import Circle
from .moves import membership_move
from .policies import BestRanked, Elected, FixedCycle, Override
from .results import Handover, Move, Record, Schedule, Term
from .state import _State

if TYPE_CHECKING:
    from .config import Rotation


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


def _last_led_before(led: Sequence[tuple[int, str]], p: int) -> tuple[int, str] | None:
    """The latest (period, id) in ``led`` (sorted by period) before ``p``."""
    for item in reversed(led):
        if item[0] < p:
            return item
    return None


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
        self._eligible: dict[tuple[int, frozenset[str]], dict[str, Reason]] = {}
        self._cands: dict[int, _Cands | Reason] = {}
        #: Set while projecting future turns (see moves.next_turns).
        self.projecting = False
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

    # -- who is put forward, who is barred -------------------------------------------

    def candidates(self, state: _State, p: int, members: frozenset[str]) -> _Cands | Reason:
        """The policy's candidates for ``p`` (or why there are none)."""
        pol = self.rot.policy
        if isinstance(pol, FixedCycle):
            s, order = state.circle.start(), state.circle.order
            return in_turn(order[s:] + order[:s], p, pol)
        if p not in self._cands:
            if isinstance(pol, BestRanked):
                assert self.standings is not None
                self._cands[p] = from_standing(self.standings, p, members)
            else:
                assert self.votes is not None
                self._cands[p] = from_votes(self.votes, p, members, pol)
        return self._cands[p]

    def ineligible(self, p: int, members: frozenset[str]) -> dict[str, Reason]:
        """Member -> why it fails the eligibility condition in ``p`` (only those that fail)."""
        cond = self.rot.eligible
        if cond is None:
            return {}
        key = (p, members)
        if key not in self._eligible:
            h = self.history
            assert h is not None
            q = p if self.rot.eligible_on == "term" else p - 1
            if q > h.last and self.projecting:
                return {}  # a projection of turns past the record: nobody is barred yet
            if not h.first <= q <= h.last:
                # Outside the history every title reads "not held": ~holds(...) would pass
                # everyone, silently.
                which = "" if q == p else f" (the review of {q}, eligible_on='review')"
                if q < h.first:
                    hint = (
                        f" (the rotation plays every period from since={self.rot.since}), or "
                        "start it later with since= and led_before="
                    )
                elif q == h.last + 1 and self.rot.eligible_on == "term":
                    hint = (
                        "; if the leader of a period is chosen on the record of the period "
                        "before, say eligible_on='review'"
                    )
                else:
                    hint = ""
                raise DataError(
                    f"eligible={cond!r} for the term of {p} reads the record of {q}{which}, "
                    f"but the history covers {h.first}-{h.last}; give the records of {q}{hint}"
                )
            verdict = cond.evaluate(Context(q, history=h))
            missing = sorted(members - set(verdict.units))
            if missing:
                raise DataError(
                    f"the history has no record of {listing(missing)}, members in {p}; "
                    f"eligible={cond!r} is evaluated on the history: give every member at "
                    "least one record"
                )
            out: dict[str, Reason] = {}
            for u, ok in zip(verdict.units, verdict.passed.tolist(), strict=True):
                if u in members and not ok:
                    out[u] = words.not_eligible(u, p, verdict.reason(u), cond)
            self._eligible[key] = out
        return self._eligible[key]

    def barred(
        self, state: _State, p: int, members: frozenset[str], u: str, lead: bool = True
    ) -> tuple[str, Reason] | None:
        """Why ``u`` may not hold the role in ``p``, as (kind, text) with kind "member",
        "eligibility" or "cooldown" (None: it may). The kind, not the text, says what an
        override sets aside."""
        if u not in members:
            return "member", words.not_member(u, p)
        why = self.ineligible(p, members).get(u)
        if why is not None:
            return "eligibility", why
        k = self.rot.cooldown
        if k and lead:
            last = _last_led_before(state.records[u].led, p)
            if last is not None and last[0] >= p - k:
                return "cooldown", words.in_cooldown(last[0], last[1], u, k)
        return None

    # -- who holds a role -------------------------------------------------------------

    def first_allowed(
        self,
        cands: _Cands | Reason,
        state: _State,
        p: int,
        members: frozenset[str],
        exclude: frozenset[str],
        deputy: bool = False,
    ) -> _Pick:
        """The best candidate not barred, or why there is none (a tie, no data, nobody)."""
        if isinstance(cands, Reason):
            return _Pick(None, cands, (), _NO_DATA)
        skipped: list[Reason] = []
        for group in cands.groups:
            ok: list[str] = []
            for u in group:
                if u in exclude:
                    continue
                why = self.barred(state, p, members, u, lead=not deputy)
                if why is None:
                    ok.append(u)
                else:
                    skipped.append(why[1])
            if len(ok) == 1:
                texts = cands.deputy_why if deputy else cands.why
                return _Pick(ok[0], texts[ok[0]], tuple(skipped))
            if len(ok) > 1:
                return _Pick(
                    None,
                    words.tied(ok, p, cands.why[ok[0]], cands.tie_hint, deputy=deputy),
                    tuple(skipped),
                    "tie",
                    tuple(ok),
                )
        return _Pick(None, None, tuple(skipped), "nobody")

    def policy_leader(
        self,
        cands: _Cands | Reason,
        state: _State,
        p: int,
        members: frozenset[str],
        exclude: frozenset[str],
    ) -> _Pick:
        """The leader by the rules alone: last period's deputy if it succeeds, else the
        best candidate allowed to lead."""
        notes: list[Reason] = []
        d = state.prev[1]
        if self.rot.deputy_succeeds and d is not None and d not in exclude:
            if d not in members:
                notes.append(words.deputy_gone(d, p))
            else:
                why = self.barred(state, p, members, d)
                if why is None:
                    return _Pick(d, words.deputy_succeeds(d, p), ())
                notes.append(words.deputy_cannot_succeed(d, p, why[1]))
        pick = self.first_allowed(cands, state, p, members, exclude)
        skipped = (*notes, *pick.skipped)
        if pick.problem == "nobody":
            return _Pick(None, words.nobody_leads(p, skipped), skipped, "nobody")
        return _Pick(pick.unit, pick.how, skipped, pick.problem)

    def decide_leader(
        self,
        cands: _Cands | Reason,
        state: _State,
        p: int,
        members: frozenset[str],
        o: _Ov | None,
        rule: _Pick,
    ) -> _Pick:
        """The effective leader: the override's, else the rules' pick (passing over a unit
        the override makes deputy)."""
        if o is not None and o.leader is not None:
            # An override is a decision, so it stands; but it says what rule it sets aside.
            barred = self.barred(state, p, members, o.leader)
            return _Pick(o.leader, words.override(o.leader, o.leader_reason, barred), ())
        if o is not None and o.deputy is not None and rule.unit == o.deputy:
            alt = self.policy_leader(cands, state, p, members, frozenset({o.deputy}))
            return _Pick(
                alt.unit,
                words.passed_for_deputy(alt.how, o.deputy)
                if alt.unit and alt.how is not None
                else alt.how,
                alt.skipped,
                alt.problem,
            )
        return rule

    def decide_deputy(
        self,
        cands: _Cands | Reason,
        state: _State,
        p: int,
        members: frozenset[str],
        o: _Ov | None,
        rule: _Pick,
        leader: _Pick,
        strict: bool,
    ) -> _Pick:
        """The effective deputy: the override's, else the best candidate after the leader
        (in a cycle: after the cycle's own pick, so an override of the leader moves no
        later turn, even when the deputy succeeds)."""
        if not self.rot.deputy:
            return _Pick(None, None, ())
        if o is not None and o.deputy is not None:
            barred = self.barred(state, p, members, o.deputy, lead=False)
            return _Pick(o.deputy, words.override(o.deputy, o.deputy_reason, barred), ())
        exclude = frozenset({leader.unit}) if leader.unit else frozenset()
        if self.cycle and rule.unit is not None and not isinstance(cands, Reason):
            cands = after(cands, state.circle.order, rule.unit)
        deputy = self.first_allowed(cands, state, p, members, exclude, deputy=True)
        required = self.rot.deputy == "required"
        if deputy.problem == "nobody":
            if required and strict:
                raise DataError(words.no_deputy_required(p, deputy.skipped))
            return _Pick(None, words.NOBODY_DEPUTISES, deputy.skipped)
        if (
            not required
            and deputy.problem == "tie"
            and not isinstance(cands, Reason)
            and set(deputy.tied) <= cands.unnamed
        ):
            # A vote that names only the leader decides no deputy: that is not a tie to break.
            return _Pick(None, words.unnamed_deputy(p, deputy.tied), deputy.skipped)
        if not required and deputy.problem == _NO_DATA:
            return _Pick(None, deputy.how, deputy.skipped)
        if deputy.problem and strict:
            raise DataError(words.advice(deputy, p, deputy=True))
        if deputy.unit is not None and deputy.how is not None and leader.unit != rule.unit:
            return _Pick(deputy.unit, words.lead_went_to(deputy.how, leader.unit), ())
        return deputy

    def record(self, state: _State, p: int, rule: _Pick, leader: _Pick, deputy: _Pick) -> None:
        """Write the period into the records, and move the cycle past the rules' pick."""
        if leader.unit is not None:
            state.records[leader.unit].led.append((p, leader.unit))
        if deputy.unit is not None:
            state.records[deputy.unit].deputised.append((p, deputy.unit))
        if self.cycle and rule.unit is not None:
            state.circle.gap = state.circle.order.index(rule.unit) + 1
        state.prev = (leader.unit, deputy.unit)

    def step(
        self, state: _State, p: int, members: frozenset[str], o: _Ov | None, strict: bool
    ) -> tuple[_Pick, _Pick, _Pick]:
        """Decide and record the leader and deputy of ``p``: (rules' pick, leader, deputy)."""
        cands = self.candidates(state, p, members)
        rule = self.policy_leader(cands, state, p, members, frozenset())
        leader = self.decide_leader(cands, state, p, members, o, rule)
        if leader.unit is None and strict:
            raise DataError(words.advice(leader, p))
        deputy = self.decide_deputy(cands, state, p, members, o, rule, leader, strict)
        self.record(state, p, rule, leader, deputy)
        return rule, leader, deputy

    # -- the whole play -----------------------------------------------------------------

    def initial(self) -> _State:
        rot = self.rot
        state = _State(Circle(rot.members, rot.since))
        for u, periods in rot.led_before:
            state.records[u].led = [(q, u) for q in periods]
        if isinstance(rot.policy, FixedCycle):
            n = len(rot.members)
            i = rot.members.index(rot.policy.holder)
            state.circle.gap = (i + rot.since - rot.policy.period) % n
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
                    moves.append(membership_move(self, eff, p, changes))
                eff.apply(changes, p)
                base.apply(changes, p)
            eff.mark(p)
            base.mark(p)
            members = eff.circle.members()
            previous = eff.prev[0]
            o = overrides.get(p)
            rule_e, lead_e, dep_e = self.step(eff, p, members, o, strict=True)
            _, lead_b, dep_b = self.step(base, p, members, None, strict=False)
            assert lead_e.unit is not None
            if p >= first:
                reasons = words.differences(
                    lead_e,
                    dep_e,
                    lead_b,
                    dep_b,
                    leader_overridden=o is not None and o.leader is not None,
                    deputy_set_here=(o is not None and o.deputy is not None)
                    or lead_e.unit != rule_e.unit,
                    diverged=diverged,
                )
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
                tuple(r.member_as),
            )
            for u, r in sorted(eff.records.items())
        }
        return Schedule(rot, tuple(terms), tuple(handovers), tuple(moves), records)
