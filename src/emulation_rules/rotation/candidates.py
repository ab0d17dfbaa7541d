"""Who the policy puts forward for a period, best first: the turn order of a cycle, the
order of a standing, or the result of a vote (ties kept together, never settled by the
order units are listed in)."""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import attrs

from .._names import closest, id_keys, listing
from ..errors import DataError, DataTypeError
from ..ranking import Standing
from ..reasons import Reason
from ..table import ScoreTable
from .policies import Elected, FixedCycle

#: ``_Pick.problem`` when the data for the period are missing.
_NO_DATA = "data"


@attrs.frozen
class _Cands:
    """The policy's candidates for a period, best first, in groups of equals."""

    groups: tuple[tuple[str, ...], ...]
    why: dict[str, Reason]
    deputy_why: dict[str, Reason]
    #: How to break a tie among them (see ``rotation.tied``), or None.
    tie_hint: str | None
    #: Members the data give nothing (no votes): a tie among them is not a decision.
    unnamed: frozenset[str] = frozenset()


@attrs.frozen
class _Pick:
    unit: str | None
    how: Reason | None
    #: The members passed over, each reason naming its unit.
    skipped: tuple[Reason, ...]
    #: Why nobody was picked: "nobody", "tie" or "data".
    problem: str = ""
    #: The members tied, when ``problem`` is "tie".
    tied: tuple[str, ...] = ()


def in_turn(order: list[str], p: int, pol: FixedCycle) -> _Cands:
    """A cycle's candidates: every member, in turn from the one whose turn it is."""
    why = {
        u: Reason("rotation.turn", values={"anchor": (p, u) == (pol.period, pol.holder)})
        for u in order
    }
    nxt = Reason("rotation.next_in_cycle")
    return _Cands(tuple((u,) for u in order), why, dict.fromkeys(order, nxt), None)


def after(cands: _Cands, order: list[str], unit: str) -> _Cands:
    """A cycle's candidates to deputise: the members after ``unit`` in the cycle."""
    i = order.index(unit) + 1
    return attrs.evolve(cands, groups=tuple((u,) for u in order[i:] + order[:i]))


def from_standing(
    standings: Mapping[int, Standing], p: int, members: frozenset[str]
) -> _Cands | Reason:
    """:class:`BestRanked`'s candidates: the standing given for ``p`` (or why there are none)."""
    s = standings.get(p)
    if s is None:
        return Reason("rotation.no_standing", values={"period": p})
    if not isinstance(s, Standing):
        raise DataTypeError(
            f"standings[{p}] is a Standing (Ranking.rank(...)) (got {type(s).__name__})"
        )
    if s.batch_shape:
        raise DataError(
            f"standings[{p}] has batch axes {s.batch_shape}; give one scenario: "
            "standing.scenario(i)"
        )
    missing = sorted(members - set(s.units))
    if missing:
        raise DataError(
            f"standings[{p}] does not rank {listing(missing)}, members in {p}; rank every "
            "member (or give an Override for the period)"
        )
    return _groups(s, p, "standing", dict.fromkeys(s.units))


def from_votes(
    votes: Mapping[int, Mapping[str, int] | ScoreTable],
    p: int,
    members: frozenset[str],
    pol: Elected,
) -> _Cands | Reason:
    """:class:`Elected`'s candidates: the votes cast for ``p``, ranked (or why there are
    none)."""
    cast = votes.get(p)
    if cast is None:
        return Reason("rotation.no_votes", values={"period": p})
    if isinstance(cast, ScoreTable):
        table = cast
        outside = sorted(set(table.units) - members)
        missing = sorted(members - set(table.units))
        if outside or missing:
            raise DataError(
                f"the votes table for {p} must list exactly the members in {p}: "
                f"not members {listing(outside) or 'none'}; missing {listing(missing) or 'none'}"
            )
    elif isinstance(cast, Mapping):
        table = _vote_table(cast, p, members)
    else:
        raise DataTypeError(
            f"votes[{p}] is a mapping of member to votes, or a ScoreTable (got "
            f"{type(cast).__name__})"
        )
    standing = pol.ranking.rank(table)
    votes_of: dict[str, float | None] = dict.fromkeys(table.units)
    unnamed: frozenset[str] = frozenset()
    if "votes" in table:
        col = table["votes"]
        votes_of = {u: float(col[i]) for i, u in enumerate(table.units)}
        unnamed = frozenset(u for i, u in enumerate(table.units) if col[i] == 0)
    return attrs.evolve(_groups(standing, p, "election", votes_of), unnamed=unnamed)


def _vote_table(cast: Mapping[str, object], p: int, members: frozenset[str]) -> ScoreTable:
    counts: dict[str, int] = {}
    # One id written two ways (NFC/NFD, spaces) would merge or double its votes.
    keyed: Mapping[str, object] = id_keys(cast, f"votes[{p}]")
    for unit, v in keyed.items():
        if unit not in members:
            hint = closest(unit, members)
            did = f"; did you mean {hint!r}?" if hint else ""
            raise DataError(
                f"votes[{p}] gives votes to {unit!r}, not a member in {p}{did} "
                f"(members: {listing(sorted(members), 12)})"
            )
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
            raise DataError(f"votes[{p}][{unit!r}] is {v!r}; votes are whole numbers >= 0")
        counts[unit] = int(v)
    order = sorted(members)
    return ScoreTable({"unit": order, "votes": [counts.get(u, 0) for u in order]})


def _groups(standing: Standing, p: int, source: str, votes: dict[str, float | None]) -> _Cands:
    ranks = standing.ranks("competition").tolist()
    by_rank: dict[int, list[str]] = {}
    for u, r in zip(standing.units, ranks, strict=True):
        by_rank.setdefault(int(r), []).append(u)
    groups = tuple(tuple(sorted(by_rank[r])) for r in sorted(by_rank))
    # A position the lot decided says so: it was not earned on the keys.
    broken = _tie_breaks(standing)
    why = {
        u: Reason(
            "rotation.ranked",
            values={
                "rank": int(r),
                "period": p,
                "source": source,
                "votes": votes[u],
                "lot": u in standing.lots,
                "tie_breaks": broken[u],
            },
            units=(u,),
        )
        for u, r in zip(standing.units, ranks, strict=True)
    }
    return _Cands(groups, why, why, "lot")


def _tie_breaks(standing: Standing) -> dict[str, list[dict[str, object]]]:
    """Per unit, how a later key of the chain placed it against a neighbour it was tied
    with on the keys before (``with``, the keys it was level ``on``, the key it was
    separated ``by``, ``ahead`` or not). The first key and a lot are said elsewhere."""
    order = standing.order_index.tolist()
    decided = standing.deciding_step.tolist()  # decided[q]: between positions q and q + 1
    units = standing.units
    out: dict[str, list[dict[str, object]]] = {u: [] for u in units}
    for q, k in enumerate(decided):
        if k < 1 or k == standing._lot_step:
            continue
        upper, lower = units[order[q]], units[order[q + 1]]
        on, by = list(standing.steps[:k]), standing.steps[k]
        out[upper].append({"with": lower, "on": on, "by": by, "ahead": True})
        out[lower].append({"with": upper, "on": on, "by": by, "ahead": False})
    return out
