"""A slow, obviously-correct reference for rankings: recursion over tie groups, plain Python.

Only the documented semantics are used: plain keys split a group by their value;
a HeadToHead block sums pairwise values among the members of the set being
split, with the three documented restart rules; a Lot sorts by its published
digest; remaining ties are listed by unit id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from itertools import groupby

from emulation_rules import ScoreTable
from emulation_rules.ranking import HeadToHead, Key, Lot

Value = Callable[[int], object]


def _split(group: list[int], value: Value) -> list[list[int]]:
    """Ordered parts of ``group`` with equal ``value`` (ascending)."""
    ordered = sorted(group, key=value)  # type: ignore[arg-type, return-value]
    return [list(g) for _, g in groupby(ordered, key=value)]


def _code(key: Key, raw: float) -> float:
    if key.resolution is not None:
        import math

        raw = math.floor(raw / key.resolution + 0.5 + 2**-30)
    return -raw if key.descending else raw


def _h2h(table: ScoreTable, metric: str, members: Sequence[int]) -> dict[int, float]:
    pw = table.pairwise(metric)
    inside = set(members)
    out = dict.fromkeys(members, 0.0)
    for e, o, v in zip(pw.earner.tolist(), pw.opponent.tolist(), pw.value.tolist(), strict=True):
        if e in inside and o in inside:
            out[e] += v
    return out


def _h2h_parts(table: ScoreTable, block: HeadToHead, group: list[int]) -> list[list[int]]:
    def lexi(members: list[int]) -> list[list[int]]:
        sums = [_h2h(table, k.name, members) for k in block.keys]
        return _split(
            members, lambda u: tuple(_code(k, s[u]) for k, s in zip(block.keys, sums, strict=True))
        )

    if block.restart == "never":
        return lexi(group)
    if block.restart == "after_block":

        def rec(members: list[int]) -> list[list[int]]:
            parts = lexi(members)
            if len(parts) == 1:
                return [members]
            out: list[list[int]] = []
            for p in parts:
                out += rec(p) if len(p) > 1 else [p]
            return out

        return rec(group)

    def sep(members: list[int], k: int) -> list[list[int]]:
        if k == len(block.keys):
            return [members]
        key = block.keys[k]
        sums = _h2h(table, key.name, members)
        parts = _split(members, lambda u: _code(key, sums[u]))
        if len(parts) == 1:
            return sep(members, k + 1)
        out: list[list[int]] = []
        for p in parts:
            out += sep(p, 0) if len(p) > 1 else [p]
        return out

    return sep(group, 0)


def lot_value(seed: object, unit: str) -> int:
    """The documented lot: SplitMix64's finaliser of h(unit) ^ h(seed), h = 8-byte BLAKE2b."""

    def h(text: str) -> int:
        return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")

    mask = 2**64 - 1
    z = ((h(unit) ^ h(f"{seed}")) + 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


def rank_groups(
    table: ScoreTable, steps: Sequence[Key | HeadToHead | Lot], values: Callable[[Key, int], float]
) -> list[list[str]]:
    """The ordered partition of the units into groups the chain could not split.

    ``values(key, unit_index)`` gives the raw value of a plain key.
    """

    def chain(group: list[int], rest: Sequence[Key | HeadToHead | Lot]) -> list[list[int]]:
        if len(group) <= 1 or not rest:
            return [group]
        step, tail = rest[0], rest[1:]
        if isinstance(step, Key):
            parts = _split(group, lambda u: _code(step, values(step, u)))
        elif isinstance(step, HeadToHead):
            parts = _h2h_parts(table, step, group)
        else:
            parts = _split(group, lambda u: lot_value(step.seed, table.units[u]))
        out: list[list[int]] = []
        for p in parts:
            out += chain(p, tail)
        return out

    groups = chain(list(range(table.n_units)), list(steps))
    return [sorted(table.units[u] for u in g) for g in groups]
