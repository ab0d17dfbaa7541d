"""The slow, obviously-correct pure-Python oracle the property tests compare against.

Every engine of the library has a twin here, written from the documented
semantics (module and class docstrings), never from the vectorized code: plain
loops over scenarios and units, exact ``fractions.Fraction`` arithmetic, and
``decimal`` at :data:`DIGITS` significant digits for the few irrational steps
(square roots, powers), brought back as fractions. numpy is only used to read
a :class:`~emulation_rules.ScoreTable`'s columns into Python lists.

Numbers are read as the decimals they print as (``0.1`` is one tenth): that is
what a rulebook means, and the engine's rounding tolerance (:func:`tolerance`)
exists to honour it. The only things taken from the library's internals are
the two constants of that tolerance.

One section per module of the library; each section lists what it covers.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import statistics
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from itertools import groupby
from typing import Any

import numpy as np

from emulation_rules import (
    Bonus,
    ByRank,
    Condition,
    Criterion,
    DataError,
    Group,
    History,
    Linear,
    MinMax,
    MissingValueError,
    Penalty,
    PiecewiseLinear,
    Scale,
    Scorecard,
    ScoreTable,
    Steps,
    Sum,
    Target,
    Vector,
    ZScore,
)
from emulation_rules._kernels import TICK_EPS, TICK_REL
from emulation_rules.judging import Panel
from emulation_rules.ranking import HeadToHead, Key, Lot

#: Significant digits of the decimal steps (square roots, powers).
DIGITS = 80

#: The engine's rounding tolerance, in ticks, as an exact number (2**-30) ...
EPS = Fraction(TICK_EPS)
#: ... plus this much of the size of the numbers rounded (2**-44).
REL = Fraction(TICK_REL)

#: Under model="product" a fraction within this of 1 counts as exactly 1, and within
#: this of 0 as exactly 0 for the scales that compute it as a difference from a
#: constant; for the others only 0 is 0 (the scoring module docstring).
SNAP = Fraction(1, 2**48)


def snap_zero(scale: Scale, lower: bool) -> Fraction:
    """How close to 0 a fraction of ``scale`` counts as 0 under model="product"."""
    noisy = isinstance(scale, ZScore | PiecewiseLinear) or (isinstance(scale, Vector) and lower)
    return SNAP if noisy else Fraction(0)


Number = Fraction
Scenario = tuple[int, ...]


class Refused(Exception):
    """The reference refuses the input: the engine must raise ``error``."""

    def __init__(self, error: type[Exception], reason: str) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason


# == numbers ========================================================================


def exact(x: float) -> Fraction:
    """The decimal a float prints as, exactly (``exact(0.1) == Fraction(1, 10)``)."""
    return Fraction(repr(float(x)))


def _dec(x: Fraction) -> Decimal:
    return Decimal(x.numerator) / Decimal(x.denominator)


def sqrt(x: Fraction) -> Fraction:
    """``sqrt(x)`` to :data:`DIGITS` digits (exact when the root is a short decimal)."""
    if x < 0:
        raise ValueError("sqrt of a negative number")
    with localcontext() as ctx:
        ctx.prec = DIGITS
        return Fraction(_dec(x).sqrt())


def power(base: Fraction, exponent: Fraction) -> Fraction:
    """``base ** exponent`` for ``base >= 0``, ``exponent > 0``, to :data:`DIGITS` digits."""
    if base == 0 or base == 1:
        return base
    with localcontext() as ctx:
        ctx.prec = DIGITS
        return Fraction(_dec(base) ** _dec(exponent))


def clip01(x: Fraction) -> Fraction:
    return min(max(x, Fraction(0)), Fraction(1))


def tolerance(bound: Fraction) -> Fraction:
    """How close to a rounding boundary counts as on it, for numbers of up to ``bound`` ticks."""
    return EPS + abs(bound) * REL


def round_ticks(v: Fraction, mode: str, bound: Fraction) -> int:
    """Round ``v`` (in ticks) to a whole tick; within ``tolerance(bound)`` of a boundary is on it.

    ``bound`` is the most the rounded item can reach: its maximum for a criterion,
    its cap (else the value itself) for a bonus or penalty item.
    """
    eps = tolerance(bound)
    if mode == "half_up":
        return math.floor(v + Fraction(1, 2) + eps)
    if mode == "down":
        return math.floor(v + eps)
    if mode == "up":
        return math.ceil(v - eps)
    if mode == "half_even":
        f = math.floor(v)
        if abs(v - f - Fraction(1, 2)) <= eps:
            return f if f % 2 == 0 else f + 1
        return f if v - f < Fraction(1, 2) else f + 1
    raise ValueError(f"unknown rounding mode {mode!r}")


# == scales =========================================================================
#
# Covers every built-in scale in both directions, the population of the relative
# scales (units with a missing value left out) and the values they refuse.


def _absolute(scale: Scale, x: Fraction, lower: bool) -> Fraction:
    if isinstance(scale, Linear):
        lo, hi = exact(scale.low), exact(scale.high)
        return clip01((hi - x) / (hi - lo) if lower else (x - lo) / (hi - lo))
    if isinstance(scale, Target):
        t = exact(scale.target)
        if scale.below == "zero":
            if lower:
                met = x < t if scale.strict else x <= t
            else:
                met = x > t if scale.strict else x >= t
            return Fraction(int(met))
        if lower:
            assert scale.zero_at is not None
            z = exact(scale.zero_at)
            return Fraction(1) if x <= t else clip01((z - x) / (z - t))
        z = Fraction(0) if scale.zero_at is None else exact(scale.zero_at)
        return Fraction(1) if x >= t else clip01((x - z) / (t - z))
    if isinstance(scale, Steps):
        frac = exact(scale.otherwise)
        for threshold, f in scale.bands:
            t = exact(threshold)
            if lower:
                reached = x < t if scale.strict else x <= t
            else:
                reached = x > t if scale.strict else x >= t
            if reached:
                frac = exact(f)
        return frac
    if isinstance(scale, PiecewiseLinear):
        pts = [(exact(a), exact(b)) for a, b in scale.points]
        if x <= pts[0][0]:
            return pts[0][1]
        if x >= pts[-1][0]:
            return pts[-1][1]
        for (x0, f0), (x1, f1) in itertools.pairwise(pts):
            if x0 <= x <= x1:
                return f0 + (x - x0) * (f1 - f0) / (x1 - x0)
    raise TypeError(f"not an absolute scale: {scale!r}")  # pragma: no cover


def _relative(scale: Scale, pop: list[Fraction], x: Fraction, lower: bool) -> Fraction:
    if isinstance(scale, MinMax):
        lo, hi = min(pop), max(pop)
        if lo == hi:
            return Fraction(1)
        return (hi - x) / (hi - lo) if lower else (x - lo) / (hi - lo)
    if isinstance(scale, Vector):
        norm = sqrt(sum((v * v for v in pop), Fraction(0)))
        share = x / norm if norm > 0 else Fraction(0)
        return 1 - share if lower else share
    if isinstance(scale, Sum):
        if lower:
            return (1 / x) / sum((1 / v for v in pop), Fraction(0))
        total = sum(pop, Fraction(0))
        return x / total if total > 0 else Fraction(0)
    if isinstance(scale, ZScore):
        n = len(pop)
        mean = sum(pop, Fraction(0)) / n
        std = sqrt(sum(((v - mean) ** 2 for v in pop), Fraction(0)) / n)
        if std == 0:
            return Fraction(1, 2)
        z = (x - mean) / std
        return clip01(Fraction(1, 2) + (-z if lower else z) / (2 * exact(scale.spread)))
    if isinstance(scale, ByRank):

        def better(v: Fraction) -> bool:
            return v < x if lower else v > x

        first = 1 + sum(1 for v in pop if better(v))
        last = first + sum(1 for v in pop if v == x) - 1

        def at(place: int) -> Fraction:
            fr = scale.fractions
            return exact(fr[place - 1]) if place <= len(fr) else exact(scale.rest)

        if scale.ties == "share_best":
            return at(first)
        places = range(first, last + 1)
        return sum((at(p) for p in places), Fraction(0)) / len(places)
    raise TypeError(f"not a relative scale: {scale!r}")  # pragma: no cover


def check_population(scale: Scale, pop: Sequence[Fraction], lower: bool) -> str | None:
    """Why ``scale`` cannot take these (present) values, or None."""
    if isinstance(scale, Vector) and any(v < 0 for v in pop):
        return "Vector needs non-negative values"
    if isinstance(scale, Sum):
        if lower and any(v <= 0 for v in pop):
            return "Sum (lower is better) needs positive values"
        if not lower and any(v < 0 for v in pop):
            return "Sum needs non-negative values"
    return None


def scale_fractions(
    scale: Scale, values: Sequence[Fraction | None], *, lower_is_better: bool = False
) -> list[Fraction | None]:
    """The fraction each unit of one population earns (None for a missing value).

    Raises :class:`Refused` (``DataError``) for values the scale cannot take.
    """
    pop = [v for v in values if v is not None]
    why = check_population(scale, pop, lower_is_better)
    if why is not None:
        raise Refused(DataError, why)
    out: list[Fraction | None] = []
    for v in values:
        if v is None:
            out.append(None)
        elif scale.relative:
            out.append(_relative(scale, pop, v, lower_is_better))
        else:
            out.append(_absolute(scale, v, lower_is_better))
    return out


# == table (reading only) ============================================================


def scenarios(batch: tuple[int, ...]) -> Iterator[Scenario]:
    """Every index into the batch axes, in C order (``()`` when there are none)."""
    return itertools.product(*(range(b) for b in batch))


def column_values(
    table: ScoreTable, name: str, batch: tuple[int, ...]
) -> dict[Scenario, list[Fraction | None]]:
    """Column ``name`` per scenario, as exact numbers (None where missing)."""
    n = table.n_units
    x = np.broadcast_to(table.numeric(name), (*batch, n)).tolist()
    miss = np.broadcast_to(table.missing(name), (*batch, n)).tolist()
    out: dict[Scenario, list[Fraction | None]] = {}
    for sc in scenarios(batch):
        row: Any = x
        mrow: Any = miss
        for i in sc:
            row, mrow = row[i], mrow[i]
        out[sc] = [None if m else exact(v) for v, m in zip(row, mrow, strict=True)]
    return out


# == scoring ========================================================================
#
# Covers Scorecard.score for both models: criteria with their missing policies,
# weights (Scorecard total= and Group points=), nested groups with caps, bonus
# and deductions with their caps, the total cap and floor, all rounding modes.
#
# Weights: an item's weight is its ``points`` (a group without ``points``
# weighs the sum of its items' weights). A group with ``points`` shares them
# among its items in proportion to their weights; the card's ``total`` is shared
# the same way among the top-level criteria and groups. Caps are points, so a
# weighted part of a card has none (the library refuses them there too).


@dataclass
class ReferenceScores:
    """Ticks of every field, per scenario and unit: ``ticks[scenario][field][unit]``."""

    units: tuple[str, ...]
    batch: tuple[int, ...]
    fields: tuple[str, ...]
    ticks: dict[Scenario, dict[str, list[int]]] = field(default_factory=dict)
    #: The fraction each criterion earned (after the missing policy).
    fractions: dict[Scenario, dict[str, list[Fraction]]] = field(default_factory=dict)

    def array(self, name: str) -> list[Any]:
        """Field ``name`` as nested lists shaped ``(*batch, n_units)``."""

        def build(prefix: Scenario, depth: int) -> list[Any]:
            if depth == len(self.batch):
                return list(self.ticks[prefix][name])
            return [build((*prefix, i), depth + 1) for i in range(self.batch[depth])]

        return build((), 0)


def _weight(item: Criterion | Group) -> Fraction:
    if isinstance(item, Criterion):
        return exact(item.points)
    if item.points is not None:
        return exact(item.points)
    return sum((_weight(it) for it in item.items), Fraction(0))


def _has_cap_below(item: Criterion | Group) -> bool:
    if isinstance(item, Criterion):
        return False
    return item.cap is not None or any(_has_cap_below(it) for it in item.items)


def budgets(card: Scorecard) -> dict[str, Fraction]:
    """The maximum points of every criterion, by name, after weights."""
    out: dict[str, Fraction] = {}

    def share(items: Sequence[Criterion | Group], budget: Fraction | None) -> None:
        scoring = [it for it in items if isinstance(it, Criterion | Group)]
        total_w = sum((_weight(it) for it in scoring), Fraction(0))
        for it in scoring:
            own = _weight(it) if budget is None else budget * _weight(it) / total_w
            if budget is not None and _has_cap_below(it):
                raise NotImplementedError(
                    f"{it.name!r}: a cap inside a weighted part of the card (Scorecard and "
                    "Group refuse it: there the points are weights)"
                )
            if isinstance(it, Criterion):
                out[it.name] = own
            else:
                weighted = it.points is not None or budget is not None
                share(it.items, own if weighted else None)

    top = [it for it in card.items if isinstance(it, Criterion | Group)]
    share(top, None if card.total is None else exact(card.total))
    return out


def _fill(policy: object) -> Fraction:
    return Fraction(0) if policy in ("zero", "error") else exact(policy)  # type: ignore[arg-type]


def _leaves(items: Sequence[Any]) -> Iterator[Criterion | Bonus | Penalty]:
    for it in items:
        if isinstance(it, Group):
            yield from _leaves(it.items)
        else:
            yield it


def _groups(items: Sequence[Any]) -> Iterator[Group]:
    for it in items:
        if isinstance(it, Group):
            yield it
            yield from _groups(it.items)


def score(card: Scorecard, table: ScoreTable) -> ReferenceScores:
    """Score ``table`` with ``card`` the slow way.

    The result carries the table's batch axes (as :class:`~emulation_rules.Scores`
    documents). Raises :class:`Refused` with the library's exception class
    when the engine must refuse: ``DataError`` for values a rule cannot take,
    ``MissingValueError`` for a missing value under the ``"error"`` policy.
    """
    res = exact(card.resolution)
    tpp = 1 / res
    batch = table.batch_shape
    n = table.n_units
    leaves = list(_leaves(card.items))
    groups = list(_groups(card.items))
    cols = {lf.column: column_values(table, lf.column, batch) for lf in leaves}

    def cap_ticks(cap: float) -> int:
        t = exact(cap) * tpp
        assert t.denominator == 1, f"cap {cap} is not on the grid of {card.resolution}"
        return int(t)

    # Refusals: a value no rule can take wins over a missing value under "error".
    data_problems: list[str] = []
    missing_problems: list[str] = []
    for lf in leaves:
        per_sc = cols[lf.column]
        if any(v is None for vals in per_sc.values() for v in vals) and lf.missing == "error":
            missing_problems.append(f"{lf.name}: missing values")
        for vals in per_sc.values():
            present = [v for v in vals if v is not None]
            if isinstance(lf, Criterion):
                why = check_population(lf.scale, present, lf.lower_is_better)
            else:
                why = "negative count" if any(v < 0 for v in present) else None
            if why is not None:
                data_problems.append(f"{lf.name}: {why}")
    if data_problems:
        raise Refused(DataError, "; ".join(data_problems))
    if missing_problems:
        raise Refused(MissingValueError, "; ".join(missing_problems))

    names = [lf.name for lf in leaves if isinstance(lf, Criterion)]
    out = ReferenceScores(table.units, batch, card.fields)
    for sc in scenarios(batch):
        fractions: dict[str, list[Fraction]] = {}
        for lf in leaves:
            if isinstance(lf, Criterion):
                got = scale_fractions(
                    lf.scale, cols[lf.column][sc], lower_is_better=lf.lower_is_better
                )
                fractions[lf.name] = [_fill(lf.missing) if f is None else f for f in got]
        out.fractions[sc] = fractions
        if card.model == "product":
            out.ticks[sc] = _product(card, fractions, names, n, tpp)
        else:
            out.ticks[sc] = _sum(card, fractions, cols, sc, n, tpp, groups, cap_ticks)
        total = out.ticks[sc]["total"]
        for u in range(n):
            if card.cap is not None:
                total[u] = min(total[u], cap_ticks(card.cap))
            if card.floor is not None:
                total[u] = max(total[u], cap_ticks(card.floor))
    return out


def _sum(
    card: Scorecard,
    fractions: dict[str, list[Fraction]],
    cols: dict[str, dict[Scenario, list[Fraction | None]]],
    sc: Scenario,
    n: int,
    tpp: Fraction,
    groups: list[Group],
    cap_ticks: Any,
) -> dict[str, list[int]]:
    mode = card.rounding
    maxima = budgets(card)
    ticks: dict[str, list[int]] = {}
    for lf in _leaves(card.items):
        if isinstance(lf, Criterion):
            m = maxima[lf.name] * tpp
            ticks[lf.name] = [round_ticks(f * m, mode, m) for f in fractions[lf.name]]
        else:
            vals = cols[lf.column][sc]
            row = []
            for v in vals:
                amount = Fraction(0) if v is None else exact(lf.per) * v * tpp
                top = amount if lf.cap is None else exact(lf.cap) * tpp
                t = round_ticks(amount, mode, top)
                if lf.cap is not None:
                    t = min(t, cap_ticks(lf.cap))
                row.append(t)
            ticks[lf.name] = row

    def subtotal(item: Criterion | Group, u: int) -> int:
        if isinstance(item, Criterion):
            return ticks[item.name][u]
        s = sum(subtotal(it, u) for it in item.items)
        return min(s, cap_ticks(item.cap)) if item.cap is not None else s

    for g in groups:
        ticks[g.name] = [subtotal(g, u) for u in range(n)]
    base, bonus, penalty, total = [], [], [], []
    for u in range(n):
        b = sum(subtotal(it, u) for it in card.items if isinstance(it, Criterion | Group))
        plus = sum(ticks[it.name][u] for it in card.items if isinstance(it, Bonus))
        minus = sum(ticks[it.name][u] for it in card.items if isinstance(it, Penalty))
        if card.bonus_cap is not None:
            plus = min(plus, cap_ticks(card.bonus_cap))
        if card.penalty_cap is not None:
            minus = min(minus, cap_ticks(card.penalty_cap))
        base.append(b)
        bonus.append(plus)
        penalty.append(minus)
        total.append(b + plus - minus)
    ticks.update(base=base, bonus=bonus, penalty=penalty, total=total)
    return ticks


def _product(
    card: Scorecard, fractions: dict[str, list[Fraction]], names: list[str], n: int, tpp: Fraction
) -> dict[str, list[int]]:
    # Criterion points under model="product" are not documented; the reference
    # takes them as each criterion's factor (fraction ** weight) of the maximum.
    crits = [it for it in card.items if isinstance(it, Criterion)]
    points = {c.name: exact(c.points) for c in crits}
    w_sum = sum(points.values(), Fraction(0))
    top = exact(card.total) if card.total is not None else w_sum
    m = top * tpp
    mode = card.rounding
    ticks: dict[str, list[int]] = {name: [] for name in names}
    total = []
    for u in range(n):
        prod = Fraction(1)
        for c in crits:
            f = fractions[c.name][u]
            f = Fraction(0) if f <= snap_zero(c.scale, c.lower_is_better) else f
            f = Fraction(1) if f > 1 - SNAP else f
            factor = power(f, points[c.name] / w_sum)
            ticks[c.name].append(round_ticks(factor * m, mode, m))
            prod *= factor
        total.append(round_ticks(prod * m, mode, m))
    ticks.update(base=list(total), bonus=[0] * n, penalty=[0] * n, total=total)
    return ticks


# -- ranking ------------------------------------------------------------------------
# Recursion over tie groups: plain keys split a group by their value; a HeadToHead
# block sums pairwise values among the members of the set being split, with the three
# documented restart rules; a Lot sorts by its published digest; remaining ties are
# listed by unit id.

Value = Callable[[int], object]


def _split(group: list[int], value: Value) -> list[list[int]]:
    """Ordered parts of ``group`` with equal ``value`` (ascending)."""
    ordered = sorted(group, key=value)  # type: ignore[arg-type, return-value]
    return [list(g) for _, g in groupby(ordered, key=value)]


def _code(key: Key, raw: float) -> float | Fraction:
    """Half up (towards +infinity) to whole ticks, as the value is written, with the
    tolerance of its own size -- as scoring rounds a bonus (the scoring module docstring)."""
    code: float | Fraction = raw
    if key.resolution is not None:
        v = exact(raw) / exact(key.resolution)
        code = Fraction(round_ticks(v, "half_up", v))
    return -code if key.descending else code


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


def standing_groups(standing: Any) -> list[list[str]]:
    """A standing's order read as :func:`rank_groups` gives it: consecutive units the
    standing reports as tied form one group, each group's ids sorted."""
    order = standing.order
    tied = standing.tied.tolist()
    groups = [[order[0]]] if order else []
    for p in range(1, len(order)):
        if tied[p - 1]:
            groups[-1].append(order[p])
        else:
            groups.append([order[p]])
    return [sorted(g) for g in groups]


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


# -- eligibility ----------------------------------------------------------------------
# Conditions over a History (holds, ever, streak, consecutive, windows, facts,
# &, |, ~), one unit and one period at a time, from the eligibility module's
# documented semantics.


def held(h: History, title: str, u: int, period: int) -> bool:
    """Unit ``u`` holds ``title`` for ``period``: granted and not revoked."""
    if not h.first <= period <= h.last or title not in h.titles:
        return False
    revoked = any(
        r.unit == h.units[u] and r.title == title and r.period == period for r in h.revocations
    )
    return bool(h.granted(title)[period - h.first, u]) and not revoked


def fact_value(h: History, name: str, u: int, period: int) -> float | int | None:
    """A fact of one unit in one period: a level's position on its ordinal scale, or a
    number; None where missing."""
    if not h.first <= period <= h.last or name not in h.facts:
        return None
    raw = h.fact(name, period)[u]
    if name in h.ordinals:
        return None if int(raw) < 0 else int(raw)
    return None if math.isnan(float(raw)) else float(raw)


def streak_length(h: History, titles: Sequence[str], u: int, p: int, fresh: str | None) -> int:
    """Consecutive periods ending at ``p`` holding any of ``titles``, counted only after
    the last period before ``p`` in which ``fresh`` was held."""
    used = None
    if fresh is not None:
        earlier = [q for q in range(h.first, p) if held(h, fresh, u, q)]
        used = max(earlier) if earlier else None
    run, q = 0, p
    while q >= h.first and any(held(h, t, u, q) for t in titles):
        if used is not None and q <= used:
            break
        run, q = run + 1, q - 1
    return run


def eligible(c: Condition, h: History, u: int, p: int) -> bool:
    """Whether unit ``u`` satisfies ``c`` in period ``p``: the documented semantics."""
    import emulation_rules.eligibility as el

    if isinstance(c, el._AllOf):
        return all(eligible(k, h, u, p) for k in c.parts)
    if isinstance(c, el._AnyOf):
        return any(eligible(k, h, u, p) for k in c.parts)
    if isinstance(c, el._Not):
        return not eligible(c.part, h, u, p)
    if isinstance(c, el._Holds):
        return any(held(h, t, u, p) for t in c.titles)
    if isinstance(c, el._Ever):
        last = p - 1 if c.before else p
        return any(held(h, t, u, q) for t in c.titles for q in range(h.first, last + 1))
    if isinstance(c, el._Streak):
        return streak_length(h, c.titles, u, p, c.fresh_after) >= c.n
    if isinstance(c, el._Consecutive):
        return all(held(h, c.title, u, p - k * c.every) for k in range(c.n))
    if isinstance(c, el._Compare) and isinstance(c.value, el._Fact):
        name = c.value.name
        v = fact_value(h, name, u, p)
        t = c.threshold
        if isinstance(t, str):
            t = h.ordinals[name].levels.index(t)
        return v is not None and _COMPARE[c.op](Fraction(v), Fraction(t))
    if isinstance(c, el._InWindow):
        w = c.window
        if w.length is not None:
            start = p - w.length + 1
        else:
            earlier = [q for q in range(h.first, p) if held(h, w.since, u, q)]
            start = max(earlier) + 1 if earlier else h.first
        periods = list(range(start, p + 1))
        hits = sum(eligible(c.condition, h, u, q) for q in periods if h.first <= q <= h.last)
        if len(periods) < (w.min_length or 0):
            return False
        return hits >= (len(periods) if c.at_least is None else c.at_least)
    raise AssertionError(f"no reference for {c!r}")


_COMPARE: dict[str, Callable[[Fraction, Fraction], bool]] = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


# -- awards ---------------------------------------------------------------------------
# A share quota per group over the eligible units, in points order, with the
# declared tie policy at the boundary.


def quota_choice(
    points: list[int], eligible: list[bool], groups: list[int], share: Fraction, ties: str
) -> set[int]:
    """Per group: rank eligible units by points (desc), take floor(share x eligible) with
    the declared tie policy."""
    chosen: set[int] = set()
    for g in set(groups):
        members = [i for i in range(len(points)) if groups[i] == g and eligible[i]]
        k = (share * len(members)).__floor__()
        members.sort(key=lambda i: -points[i])
        if k == 0 or not members:
            continue
        if k >= len(members):
            chosen |= set(members)
            continue
        cut = points[members[k - 1]]
        above = [i for i in members if points[i] > cut]
        at = [i for i in members if points[i] == cut]
        if len(above) + len(at) <= k or ties == "include":
            chosen |= set(above) | set(at)
        else:
            chosen |= set(above)
    return chosen


# -- judging --------------------------------------------------------------------------
# Panel: mean, weighted mean, median, trimmed mean, self-scores left out, minimum
# number of scores, deviation of each judge from the consensus.


def panel(
    sheets: np.ndarray,
    rule: Panel,
    judge_unit: list[int],
    weights: list[float] | None,
) -> dict[str, Any]:
    """A Panel's result computed with loops, sorted() and statistics.median on (J, N, C)
    sheets: values, score counts, each judge's deviation and flags."""
    n_judges, n_units, n_crit = sheets.shape
    s = sheets.tolist()
    w = weights if weights is not None else [1.0] * n_judges
    trim = rule.trim or 0

    def counts(j: int, i: int, c: int) -> bool:
        """Judge j's score of unit i on criterion c is given and not a self-score."""
        if math.isnan(s[j][i][c]):
            return False
        return not (rule.exclude_self and judge_unit[j] == i)

    values = [[math.nan] * n_crit for _ in range(n_units)]
    n_scores = [[0] * n_crit for _ in range(n_units)]
    n_used = [[0] * n_crit for _ in range(n_units)]
    for i in range(n_units):
        for c in range(n_crit):
            pairs = sorted(
                (s[j][i][c], w[j]) for j in range(n_judges) if counts(j, i, c) and w[j] > 0
            )
            vals = [v for v, _ in pairs]
            n = len(vals)
            used = max(n - 2 * trim, 0) if rule.method == "trimmed" else n
            n_scores[i][c], n_used[i][c] = n, used
            if used < rule.min_scores:
                continue
            if rule.method == "median":
                values[i][c] = statistics.median(vals)
            elif rule.method == "trimmed":
                kept = vals[trim : n - trim]
                values[i][c] = sum(kept) / len(kept)
            elif weights is not None:
                values[i][c] = sum(v * x for v, x in pairs) / sum(x for _, x in pairs)
            else:
                values[i][c] = sum(vals) / n

    dev = [[math.nan] * n_crit for _ in range(n_judges)]
    dev_n = [[0] * n_crit for _ in range(n_judges)]
    for j in range(n_judges):
        for c in range(n_crit):
            if rule.deviation == "mad":
                terms = [
                    abs(s[j][i][c] - values[i][c])
                    for i in range(n_units)
                    if counts(j, i, c) and not math.isnan(values[i][c])
                ]
                if terms:
                    dev[j][c] = sum(sorted(terms)) / len(terms)
            else:
                outside = []
                for i in range(n_units):
                    if not counts(j, i, c):
                        continue
                    others = [s[k][i][c] for k in range(n_judges) if k != j and counts(k, i, c)]
                    if others:
                        outside.append(not min(others) <= s[j][i][c] <= max(others))
                terms = outside
                if outside:
                    dev[j][c] = sum(outside) / len(outside)
            dev_n[j][c] = len(terms)
    threshold = rule.threshold
    flagged = [
        [threshold is not None and dev_n[j][c] > 0 and dev[j][c] > threshold for c in range(n_crit)]
        for j in range(n_judges)
    ]
    return {
        "values": values,
        "n_scores": n_scores,
        "n_used": n_used,
        "deviation": dev,
        "deviation_n": dev_n,
        "flagged": flagged,
    }
