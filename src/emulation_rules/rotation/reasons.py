"""The wording of the rotation's reasons: how a term, a skip, an override and a refusal
are said. The play decides; these only put its decisions into words."""

from __future__ import annotations

from collections.abc import Sequence

from .._names import listing
from .candidates import _NO_DATA, _Pick


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


def not_eligible(detail: str, cond: object) -> str:
    """Why a member fails the eligibility condition (``detail``: the verdict's lines)."""
    return f"not eligible: {detail}" if detail else f"fails {cond!r}"


def in_cooldown(q: int, as_: str, unit: str, k: int) -> str:
    """Why a member may not lead: it led in ``q`` (as ``as_``), within the cooldown."""
    was = f" as {as_}" if as_ != unit else ""
    return f"led in {q}{was}, cooldown {k}"


NOBODY_DEPUTISES = "no other member may deputise"


def not_member(p: int) -> str:
    return f"not a member in {p}"


def tied(units: Sequence[str], p: int, why: str, hint: str, *, deputy: bool) -> str:
    """Why nobody was picked: a tie the data leave, with how to break it."""
    role = "deputy" if deputy else "the lead"
    return (
        f"{listing(units)} are tied for {role} in {p} ({why}); {hint} or give an Override for {p}"
    )


def deputy_gone(p: int) -> str:
    return f"deputy in {p - 1}, not a member in {p}"


def deputy_succeeds(p: int) -> str:
    return f"deputy in {p - 1}, succeeds"


def deputy_cannot_succeed(p: int, why: str) -> str:
    return f"deputy in {p - 1}, cannot succeed: {why}"


def nobody_leads(p: int, skipped: Sequence[tuple[str, str]]) -> str:
    reasons = "; ".join(f"{u}: {why}" for u, why in skipped) or "no candidate"
    return f"nobody may lead in {p} ({reasons})"


def override(reason: str, barred: tuple[str, str] | None) -> str:
    """How an override holder was chosen, and what rule it sets aside."""
    return f"override ({reason}){_overriding(barred)}"


def passed_for_deputy(how: str, deputy: str) -> str:
    """The leader when the rules' pick is made deputy by an override."""
    return f"{how}; {deputy} is deputy by override"


def lead_went_to(how: str, leader: str | None) -> str:
    """The deputy when the lead went to another unit than the rules' pick."""
    return f"{how}; the lead went to {leader}"


def unnamed_deputy(p: int, tied: Sequence[str]) -> str:
    """Why a period has no deputy: its vote named only the leader."""
    return f"the vote for {p} names no deputy: {listing(tied)} have no votes"


def no_deputy_required(p: int, skipped: Sequence[tuple[str, str]]) -> str:
    """The refusal of a period without a deputy when one is required."""
    why = "; ".join(f"{u}: {w}" for u, w in skipped) or "no other member"
    return (
        f"nobody may deputise in {p} ({why}), and the rotation requires a deputy "
        f"(deputy='required'); say who does with Override({p}, deputy=..., reason=...)"
    )


#: What an override sets aside, by the kind of bar (the engine's ``barred``).
_SET_ASIDE = {
    "member": "membership",
    "eligibility": "the eligibility condition",
    "cooldown": "the cooldown",
}


def _overriding(barred: tuple[str, str] | None) -> str:
    """What an override sets aside: ``; overrides the cooldown (led in 2023, cooldown 1)``.

    Chosen by the kind of bar, never by the wording of its text.
    """
    if barred is None:
        return ""
    kind, text = barred
    return f"; overrides {_SET_ASIDE[kind]} ({text})"


def _overrides_of(periods: Sequence[int]) -> str:
    """``the override of 2024``, ``the overrides of 2021 and 2024``, or, for many, a summary."""
    ps = sorted(set(periods))
    if len(ps) == 1:
        return f"the override of {ps[0]}"
    if len(ps) <= 3:
        return f"the overrides of {', '.join(map(str, ps[:-1]))} and {ps[-1]}"
    return f"the {len(ps)} overrides from {ps[0]} to {ps[-1]}"


def advice(pick: _Pick, p: int, *, deputy: bool = False) -> str:
    role = "deputy" if deputy else "leader"
    if pick.problem == _NO_DATA:
        return f"{pick.how}; or give Override({p}, {role}=..., reason=...)"
    if pick.problem == "tie":
        return pick.how
    return (
        f"{pick.how}; lower the cooldown or relax the eligibility condition, or say who leads "
        f"with Override({p}, leader=..., reason=...)"
    )


def differences(
    lead: _Pick,
    dep: _Pick,
    lead_b: _Pick,
    dep_b: _Pick,
    *,
    leader_overridden: bool,
    deputy_set_here: bool,
    diverged: Sequence[int],
) -> tuple[str, ...]:
    """One line for each role whose effective holder differs from the base one.

    ``deputy_set_here``: the deputy was set by this period's override, or follows from
    its leader override; ``diverged``: the earlier overrides the base differs by.
    """
    out: list[str] = []
    earlier = f"; the policy alone differs because of {_overrides_of(diverged)}" if diverged else ""
    if lead.unit != lead_b.unit:
        base = lead_b.unit or "nobody"
        cause = "" if leader_overridden else earlier
        out.append(f"leader {lead.unit} instead of {base}: {lead.how}{cause}")
    if dep.unit != dep_b.unit:
        base = dep_b.unit or "nobody"
        unit = dep.unit or "none"
        cause = "" if deputy_set_here else earlier
        out.append(f"deputy {unit} instead of {base}: {dep.how}{cause}")
    return tuple(out)
