"""Validation and play share one membership model.

A rotation's changes are checked once when it is built (``Timeline``) and applied again,
period by period, when it is played (the engine's state). Both run ``Circle.apply``; these
properties hunt for a change sequence on which the two would disagree: one that validation
accepts and the play cannot play, or one refused for different reasons.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from emulation_rules import RuleError, UnknownNameError
from emulation_rules.rotation import FixedCycle, Join, Leave, Merge, Rename, Rotation
from emulation_rules.rotation.changes import Change
from emulation_rules.rotation.membership import Circle, by_period
from emulation_rules.rotation.state import _State

POOL = ("A", "B", "C", "D", "E", "F")
SINCE = 2020


@st.composite
def changes(draw: st.DrawFn) -> Change:
    """Any one change over a small pool of ids, sensible or not, dated from ``SINCE`` on
    (a change dated ``SINCE`` itself is refused: the members listed are those of ``SINCE``)."""
    p = draw(st.integers(SINCE, SINCE + 3))
    kind = draw(st.sampled_from(["join", "leave", "merge", "rename", "published"]))
    if kind == "join":
        return Join(draw(st.sampled_from(POOL)), p, goes=draw(st.sampled_from(["next", "last"])))
    if kind == "leave":
        return Leave(draw(st.sampled_from(POOL)), p)
    if kind == "rename":
        old, new = draw(st.lists(st.sampled_from(POOL), min_size=2, max_size=2, unique=True))
        return Rename(old, new, p)
    if kind == "published":
        parts = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=3, unique=True))
        return Merge.parse(f"{' + '.join(parts)} -> {draw(st.sampled_from(POOL))}", p)
    absorbed = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=3, unique=True))
    into = draw(st.sampled_from(POOL))
    rest = [u for u in POOL if u not in absorbed and u != into]
    partners = draw(st.lists(st.sampled_from(rest), max_size=1)) if rest else []
    return Merge(absorbed, into, p, partners=partners)


members_st = st.lists(st.sampled_from(POOL[:4]), min_size=1, max_size=4, unique=True)


def validate(members: Sequence[str], chs: Sequence[Change]) -> Rotation:
    # Anchored in the first period, with no override or led_before, so that every refusal
    # is about membership.
    return Rotation(members, FixedCycle(SINCE, members[0]), since=SINCE, changes=chs)


def play_membership(members: Sequence[str], chs: Sequence[Change]) -> None:
    """The play's own steps over the changes, without validation first."""
    state = _State(Circle(members, SINCE))
    plan = by_period(chs, SINCE)
    for p in sorted(plan):
        state.apply(plan[p], p)


@given(members_st, st.lists(changes(), max_size=6))
def test_validation_and_play_accept_and_refuse_alike(members: list[str], chs: list[Change]) -> None:
    refused: Exception | None = None
    try:
        rot = validate(members, chs)
    except (RuleError, UnknownNameError) as exc:
        refused = exc
    if refused is not None:
        event("refused")
        # Refused: the play refuses too, with the same error and the same words.
        with pytest.raises(type(refused)) as played:
            play_membership(members, chs)
        assert str(played.value) == str(refused)
        return
    event("accepted")
    play_membership(members, chs)
    # Accepted: the whole rotation plays, and the play's members are the validated ones.
    last = SINCE + 5
    s = rot.schedule(SINCE, last)
    for t in s:
        assert t.members == rot.members_at(t.period)
        assert t.leader in t.members
        assert t.deputy is None or t.deputy in t.members
    # Every id that was ever a member leads to a record (its own, or the one of the unit
    # it was renamed or absorbed into), and the records count every period led.
    ever = {u for p in range(SINCE, last + 1) for u in rot.members_at(p)}
    for u in ever:
        s.record(u)
    assert sum(r.times_led for r in s.records.values()) == len(s)


def test_a_refusal_names_the_same_reason_in_both() -> None:
    chs = [Leave("B", 2021), Rename("B", "X", 2022)]
    with pytest.raises(RuleError, match="not a member in 2022") as validated:
        validate(["A", "B"], chs)
    with pytest.raises(RuleError) as played:
        play_membership(["A", "B"], chs)
    assert str(played.value) == str(validated.value)
