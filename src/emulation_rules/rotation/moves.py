"""Whose next turn a membership change moves: the policy alone played on from the period
of the changes, once with them and once without, and the first turns compared."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .changes import Change, Join, Leave, Rename
from .results import Move, Shift

if TYPE_CHECKING:
    from .engine import _Engine
    from .state import _State


def membership_move(engine: _Engine, state: _State, p: int, changes: Sequence[Change]) -> Move:
    """The :class:`Move` of the changes of ``p``, from ``state`` (the play before them)."""
    texts = tuple(ch.describe() for ch in changes)
    before = engine.plan.members_at(p - 1)
    after = engine.plan.members_at(p)
    horizon = 2 * max(len(before), len(after)) + engine.rot.cooldown
    if not engine.cycle:
        name = type(engine.rot.policy).__name__
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
    turns_with = next_turns(engine, with_, p, after, horizon)
    turns_without = next_turns(engine, without, p, before, horizon)
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


def next_turns(
    engine: _Engine, state: _State, p: int, members: frozenset[str], horizon: int
) -> dict[str, int]:
    """First turn of each member from ``p`` on, membership fixed, no override.

    A projection: past the history, the eligibility condition bars nobody (the record
    that would decide is not known yet)."""
    first: dict[str, int] = {}
    engine.projecting = True
    try:
        for q in range(p, p + horizon):
            _, lead, _ = engine.step(state, q, members, None, strict=False)
            if lead.unit is None:
                break
            first.setdefault(lead.unit, q)
            if len(first) == len(members):
                break
    finally:
        engine.projecting = False
    return first
