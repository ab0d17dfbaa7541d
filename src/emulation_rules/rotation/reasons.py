"""The rotation's reasons as data: why a member holds a role, was passed over, or why a
term differs from the policy's own. The play decides; these record its decisions as
:class:`~emulation_rules.Reason` objects (codes ``rotation.*``), and the results render
them into words."""

from __future__ import annotations

from collections.abc import Sequence

from ..reasons import Language, Reason
from .candidates import _NO_DATA, _Pick


def _roles(
    leader: str | None, deputy: str | None, how: str, dhow: str, language: Language = "en"
) -> str:
    vi = language == "vi"
    if leader is None:
        text = f"không có Cụm trưởng ({how})" if vi else f"nobody leads ({how})"
    else:
        text = f"{leader} " + ("làm Cụm trưởng" if vi else "leads") + (f" ({how})" if how else "")
    if deputy is not None:
        text += (
            f", {deputy} " + ("làm Cụm phó" if vi else "deputises") + (f" ({dhow})" if dhow else "")
        )
    elif dhow and dhow != "-":
        text += (", không có Cụm phó" if vi else ", no deputy") + f" ({dhow})"
    return text


def _skips(skipped: Sequence[Reason], language: Language = "en") -> str:
    return "; ".join(f"{r.units[0]} ({r.render(language)})" for r in skipped)


def not_eligible(unit: str, p: int, verdict: Reason, cond: object) -> Reason:
    """Why a member fails the eligibility condition (``verdict``: its verdict's reason)."""
    return Reason("rotation.not_eligible", repr(cond), {"period": p}, (unit,), (verdict,))


def in_cooldown(q: int, as_: str, unit: str, k: int) -> Reason:
    """Why a member may not lead: it led in ``q`` (as ``as_``), within the cooldown."""
    return Reason("rotation.cooldown", values={"last": q, "as": as_, "cooldown": k}, units=(unit,))


NOBODY_DEPUTISES = Reason("rotation.nobody_deputises")


def not_member(unit: str, p: int) -> Reason:
    return Reason("rotation.not_member", values={"period": p}, units=(unit,))


def tied(units: Sequence[str], p: int, why: Reason, hint: str | None, *, deputy: bool) -> Reason:
    """Why nobody was picked: a tie the data leave, with how to break it."""
    values = {"period": p, "role": "deputy" if deputy else "leader", "hint": hint}
    return Reason("rotation.tied", values=values, units=tuple(units), parts=(why,))


def deputy_gone(unit: str, p: int) -> Reason:
    return Reason("rotation.deputy_gone", values={"period": p}, units=(unit,))


def deputy_succeeds(unit: str, p: int) -> Reason:
    return Reason("rotation.deputy_succeeds", values={"period": p}, units=(unit,))


def deputy_cannot_succeed(unit: str, p: int, why: Reason) -> Reason:
    return Reason(
        "rotation.deputy_cannot_succeed", values={"period": p}, units=(unit,), parts=(why,)
    )


def nobody_leads(p: int, skipped: Sequence[Reason]) -> Reason:
    return Reason("rotation.nobody_leads", values={"period": p}, parts=tuple(skipped))


def override(unit: str, reason: str, barred: tuple[str, Reason] | None) -> Reason:
    """How an override holder was chosen, and what rule it sets aside (by the kind of bar,
    never by the wording of its text)."""
    kind, parts = (None, ()) if barred is None else (barred[0], (barred[1],))
    values = {"reason": reason, "sets_aside": kind}
    return Reason("rotation.override", values=values, units=(unit,), parts=parts)


def passed_for_deputy(how: Reason, deputy: str) -> Reason:
    """The leader when the rules' pick is made deputy by an override."""
    return Reason("rotation.passed_for_deputy", values={"deputy": deputy}, parts=(how,))


def lead_went_to(how: Reason, leader: str | None) -> Reason:
    """The deputy when the lead went to another unit than the rules' pick."""
    return Reason("rotation.lead_went_to", values={"leader": leader}, parts=(how,))


def unnamed_deputy(p: int, tied: Sequence[str]) -> Reason:
    """Why a period has no deputy: its vote named only the leader."""
    return Reason("rotation.unnamed_deputy", values={"period": p}, units=tuple(tied))


def no_deputy_required(p: int, skipped: Sequence[Reason]) -> str:
    """The refusal of a period without a deputy when one is required (an error message)."""
    why = "; ".join(f"{r.units[0]}: {r}" for r in skipped) or "no other member"
    return (
        f"nobody may deputise in {p} ({why}), and the rotation requires a deputy "
        f"(deputy='required'); say who does with Override({p}, deputy=..., reason=...)"
    )


def advice(pick: _Pick, p: int, *, deputy: bool = False) -> str:
    """The error message of a period the rules cannot decide."""
    role = "deputy" if deputy else "leader"
    how = "" if pick.how is None else str(pick.how)
    if pick.problem == _NO_DATA:
        return f"{how}; or give Override({p}, {role}=..., reason=...)"
    if pick.problem == "tie":
        return how
    return (
        f"{how}; lower the cooldown or relax the eligibility condition, or say who leads "
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
) -> tuple[Reason, ...]:
    """One reason for each role whose effective holder differs from the base one.

    ``deputy_set_here``: the deputy was set by this period's override, or follows from
    its leader override; ``diverged``: the earlier overrides the base differs by.
    """
    out: list[Reason] = []
    earlier = sorted(set(diverged))
    for role, pick, base, here in (
        ("leader", lead, lead_b, leader_overridden),
        ("deputy", dep, dep_b, deputy_set_here),
    ):
        if pick.unit != base.unit:
            values = {
                "role": role,
                "unit": pick.unit,
                "base": base.unit,
                "earlier_overrides": [] if here else earlier,
            }
            parts = () if pick.how is None else (pick.how,)
            out.append(Reason("rotation.differs", values=values, parts=parts))
    return tuple(out)
