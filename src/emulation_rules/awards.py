"""Awards: quotas, award schemes, allocation with reasons, revocation, amounts.

An :class:`Award` is a condition (who is eligible), a :class:`Quota` (how many
may receive it) and a :class:`~emulation_rules.Ranking` (in which order the
eligible are considered). An :class:`AwardScheme` decides a period's awards in
dependency order -- an award comes after every award it depends on -- and,
among awards ready to be decided, the higher effective level first (an award
ranks as high as the highest award built on it; see :class:`AwardScheme`); it
applies mutual exclusions ("one achievement, one form", Law 06/2022 Art.
5(2)) and equivalent titles. The :class:`Allocation` says who received what
and, for every unit considered and not given an award, why.

Quotas are computed exactly: a share is read as the decimal it was written as
(``0.15`` is 15/100) and multiplied as a fraction, so ``33 x 15 %`` is exactly
4.95 -- 4 rounded down, 5 rounded up -- and ``ceil(0.14 * 50)`` is 7, not the 8
that floating point gives.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Literal

import attrs
import numpy as np

from . import _exact
from ._checks import expect, iterable
from ._names import listing, nfc, resolve, title_name, unknown
from .eligibility import (
    Condition,
    Context,
    Verdict,
    _check_names,
    _Column,
    _Compare,
    _Consecutive,
    _Eval,
    _Ever,
    _Holds,
    _nodes,
    _Rank,
    _Score,
    _Streak,
)
from .errors import DataError, DataTypeError, RuleError, RuleTypeError
from .history import History, Revocation
from .ranking import Lot, Ranking, Standing, _Engine
from .reasons import AWARD_CODES, Language, Reason, render_failed
from .scoring import Scores
from .table import ScoreTable, none_mask
from .types import AnyArray, BoolArray, IntArray

__all__ = [
    "REASONS",
    "Allocation",
    "Amount",
    "Award",
    "AwardScheme",
    "Dated",
    "Dependent",
    "Quota",
    "cascade",
]

Rounding = Literal["floor", "ceil", "half_up", "half_even"]
_ROUNDINGS = ("floor", "ceil", "half_up", "half_even")

#: Reason codes of :attr:`Allocation.reasons`, one per unit and award.
REASONS: dict[int, str] = {
    0: "awarded",
    1: "failed the condition",
    2: "prerequisite missing",
    3: "excluded by another award",
    4: "quota reached",
    5: "tied at the cut-off and excluded",
    6: "awarded above the quota (tied at the cut-off)",
}
AWARDED, FAILED, PREREQUISITE, EXCLUDED, QUOTA, TIE_OUT, TIE_IN = range(7)


def _exact_share(value: object, what: str = "share") -> Fraction:
    return _exact.share(value, f"a quota {what}")


def _maybe_share(value: object) -> Fraction | None:
    return None if value is None else _exact_share(value)


def _round(x: Fraction, rounding: Rounding) -> int:
    if rounding == "floor":
        return math.floor(x)
    if rounding == "ceil":
        return math.ceil(x)
    if rounding == "half_up":
        return math.floor(x + Fraction(1, 2))
    return round(x)  # Fraction.__round__ rounds half to even


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise RuleError(f"{what} must be a whole number >= 0 (got {value!r})")
    return int(value)


@attrs.frozen(repr=False)
class Quota:
    """How many units may receive an award: a count, or a share of a base.

    Parameters
    ----------
    count
        A fixed number (``Quota(1)``: one Government flag per cluster).
    share
        A share in (0, 1] of ``of``, computed exactly and rounded by ``rounding``.
    of
        The base of the share: ``"units"`` (all units assessed, e.g. headcount
        of individuals), ``"eligible"`` (those who meet the award's
        condition), the name of a title (its holders in the same period, e.g.
        ``"LĐTT"``, including titles decided earlier in the same scheme), a
        :class:`~emulation_rules.Condition` (how many units satisfy it, e.g.
        the leading units), or ``column("strength")`` (the sum of a column,
        e.g. total strength).
    rounding
        ``"floor"`` (default: "no more than"), ``"ceil"``, ``"half_up"`` or
        ``"half_even"`` -- sources disagree, so it is declared.
    minimum, maximum
        Bounds on the computed number.
    per
        A column (or history fact) naming each unit's group; the quota then
        applies in each group separately (per department, per cluster).
    ties
        Units tied exactly at the cut-off after the award's whole ranking:
        ``"chain"`` (an error saying what to choose), ``"include"`` (all of
        them, exceeding the quota, reported), ``"exclude"`` (none of them) or a
        :class:`~emulation_rules.Lot`.
    source
        The instrument and article the quota encodes (shown by :meth:`describe`,
        and so in an allocation's reasons).

    Examples
    --------
    CSTĐ cơ sở: no more than 15 % of the holders of Lao động tiên tiến
    (Decree 91/2017 Art. 9(3)) [V-old]:

    >>> q = Quota(share=0.15, of="LĐTT")
    >>> q.limit(33), Quota(share=0.15, of="LĐTT", rounding="ceil").limit(33)
    (4, 5)
    >>> Quota(share=0.14, rounding="ceil").limit(50)
    7
    >>> Quota(share=0.15, of="LĐTT", source="Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3").describe(33)
    '15 % of 33 = 4.95 -> 4 (floor) [Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3]'
    """

    count: int | None = None
    share: Fraction | None = attrs.field(default=None, kw_only=True, converter=_maybe_share)
    # A column value overloads == to build conditions, so compare bases by their repr.
    of: Any = attrs.field(
        default="units",
        kw_only=True,
        eq=attrs.cmp_using(eq=lambda a, b: type(a) is type(b) and repr(a) == repr(b)),
        hash=False,
    )
    rounding: Rounding = attrs.field(default="floor", kw_only=True)
    minimum: int = attrs.field(default=0, kw_only=True)
    maximum: int | None = attrs.field(default=None, kw_only=True)
    per: str | None = attrs.field(default=None, kw_only=True)
    ties: Any = attrs.field(default="chain", kw_only=True)
    source: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.source is not None and not isinstance(self.source, str):
            raise RuleTypeError(f"Quota source is a text citation (got {self.source!r})")
        if (self.count is None) == (self.share is None):
            raise RuleError("a Quota is a count (Quota(3)) or a share (Quota(share=0.2, of=...))")
        if self.count is not None:
            object.__setattr__(self, "count", _whole(self.count, "Quota count"))
        if not (
            isinstance(self.of, Condition | _Column)
            or (isinstance(self.of, str) and self.of.strip())
        ):
            raise RuleTypeError(
                "Quota of= is 'units', 'eligible', a title name, a condition or column(name) "
                f"(got {self.of!r})"
            )
        if isinstance(self.of, str) and self.of not in ("units", "eligible"):
            object.__setattr__(self, "of", title_name(self.of, "Quota of=", rule=True))
        if not isinstance(self.rounding, str) or self.rounding not in _ROUNDINGS:
            raise RuleError(
                f"Quota rounding must be one of {', '.join(_ROUNDINGS)} (got {self.rounding!r})"
            )
        object.__setattr__(self, "minimum", _whole(self.minimum, "Quota minimum"))
        if self.maximum is not None:
            object.__setattr__(self, "maximum", _whole(self.maximum, "Quota maximum"))
            if self.maximum < self.minimum:
                raise RuleError(f"Quota maximum {self.maximum} is below its minimum {self.minimum}")
        if self.count is not None and (
            self.minimum > self.count or (self.maximum is not None and self.maximum < self.count)
        ):
            # Bounds only make sense on a computed share; on a fixed count they contradict it.
            raise RuleError(
                f"Quota({self.count}) is a fixed count, but minimum={self.minimum} / "
                f"maximum={self.maximum} contradict it; give the count alone, or a share "
                "with its bounds"
            )
        if not (
            (isinstance(self.ties, str) and self.ties in ("chain", "include", "exclude"))
            or isinstance(self.ties, Lot)
        ):
            raise RuleError(
                f"Quota ties must be 'chain', 'include', 'exclude' or a Lot (got {self.ties!r})"
            )
        if self.per is not None:
            if not isinstance(self.per, str) or not self.per.strip():
                raise RuleTypeError(f"Quota per= names a column (got {self.per!r})")
            object.__setattr__(self, "per", nfc(self.per))

    def limit(self, base: int | float | Fraction) -> int:
        """The number of awards a base of ``base`` allows (exact)."""
        if self.count is not None:
            k = self.count
        else:
            assert self.share is not None
            k = _round(self.share * _base(base, self), self.rounding)
        k = max(k, self.minimum)
        return min(k, self.maximum) if self.maximum is not None else k

    def describe(self, base: int | float | Fraction, *, language: Language = "en") -> str:
        """The computation of the limit in words, e.g. ``15 % of 33 = 4.95 -> 4 (floor)``."""
        return self.reason(base).render(language)

    def reason(self, base: int | float | Fraction) -> Reason:
        """The computation of the limit as data (code ``quota.limit``).

        Exact figures are kept as text (``"4.95"``, ``"10/3"``): a rounded
        ``= 1 -> 0 (floor)`` would contradict itself.

        >>> Quota(share=0.15, of="units").reason(33).values["exact"]
        '4.95'
        """
        values: dict[str, Any] = {"count": self.count, "rounding": self.rounding}
        if self.count is None:
            assert self.share is not None
            b = _base(base, self)
            exact = self.share * b
            values.update(
                percent=_pct(self.share).removesuffix(" %"),
                share=_exact_text(self.share),
                base=_exact_text(b),
                exact=_exact_text(exact),
                rounded=_round(exact, self.rounding),
            )
        values["limit"] = self.limit(base)
        values["bounded"] = bool(self.minimum or self.maximum is not None)
        return Reason("quota.limit", rule=repr(self), values=values, source=self.source)

    def __repr__(self) -> str:
        parts = [] if self.count is None else [str(self.count)]
        if self.share is not None:
            parts.append(f"share={_exact.share_repr(self.share)}")
            parts.append(f"of={self.of!r}")
        for name, default in (
            ("rounding", "floor"),
            ("minimum", 0),
            ("maximum", None),
            ("per", None),
            ("ties", "chain"),
            ("source", None),
        ):
            v = getattr(self, name)
            if v != default:
                parts.append(f"{name}={v!r}")
        return f"Quota({', '.join(parts)})"


def _base(base: object, quota: Quota) -> Fraction:
    """The base of a share, exactly; a base that is not a finite number >= 0 is refused."""
    if isinstance(base, bool) or not isinstance(
        base, int | float | Fraction | np.integer | np.floating
    ):
        raise RuleTypeError(f"{quota!r}: the base is a number (got {base!r})")
    if not math.isfinite(base) or base < 0:
        raise DataError(
            f"{quota!r}: the base is {base!r}; a share is taken of a finite number >= 0 "
            "(a count of units, a sum of a column of non-negative values)"
        )
    return (
        Fraction(repr(float(base)))
        if isinstance(base, float | np.floating)
        else Fraction(int(base) if isinstance(base, np.integer) else base)
    )


def _pct(f: Fraction) -> str:
    p = f * 100
    return f"{float(p):g} %"


def _exact_text(x: Fraction) -> str:
    """``x`` written exactly: ``37.5``, ``0.30000000000000004``, or ``10/3``."""
    if x.denominator == 1:
        return str(x.numerator)
    rest, k2, k5 = x.denominator, 0, 0
    while rest % 2 == 0:
        rest, k2 = rest // 2, k2 + 1
    while rest % 5 == 0:
        rest, k5 = rest // 5, k5 + 1
    if rest != 1:
        return f"{x.numerator}/{x.denominator}"
    k = max(k2, k5)
    digits = str(abs(x.numerator) * 10**k // x.denominator).rjust(k + 1, "0")
    sign = "-" if x < 0 else ""
    return f"{sign}{digits[:-k]}.{digits[-k:]}".rstrip("0")


def _names(value: object, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, str) and (
        not isinstance(value, Iterable) or (isinstance(value, np.ndarray) and value.ndim == 0)
    ):
        raise RuleTypeError(f"{what} are award or title names (got {value!r})")
    items = (value,) if isinstance(value, str) else tuple(value)
    # The same check as a history's titles: " LĐTT" would be a name nobody declared.
    return tuple(title_name(v, what, rule=True) for v in items)


def _award_name(value: object) -> str:
    # One name: a list would silently name the award after its first element.
    if not isinstance(value, str):
        raise RuleTypeError(f"an Award's name is a text (got {value!r})")
    return _names(value, "Award name")[0]


def _requires(value: object) -> tuple[str, ...]:
    return _names(value, "Award requires=")


def _excludes(value: object) -> tuple[str, ...]:
    return _names(value, "Award excludes=")


def _exclusive_groups(value: Iterable[object]) -> tuple[tuple[str, ...], ...]:
    return tuple(_names(g, "AwardScheme exclusive=") for g in _groups_of(value, "exclusive"))


def _equivalent_groups(value: Iterable[object]) -> tuple[tuple[str, ...], ...]:
    return tuple(_names(g, "AwardScheme equivalent=") for g in _groups_of(value, "equivalent"))


def _groups_of(value: object, what: str) -> list[object]:
    if isinstance(value, str) or not iterable(value):
        raise RuleTypeError(
            f"{what}= is a list of groups of award names, e.g. [('CTĐCP', 'CTĐ_BO')] "
            f"(got {value!r})"
        )
    groups = list(value)
    for g in groups:
        if isinstance(g, str) or not iterable(g):
            raise RuleTypeError(
                f"{what}= is a list of groups of award names, e.g. [('CTĐCP', 'CTĐ_BO')] "
                f"(got the group {g!r})"
            )
    return groups


def _declared_titles(value: object) -> tuple[str, ...]:
    return tuple(sorted(set(_names(value, "AwardScheme declared="))))


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise RuleTypeError(f"an Amount multiplier is a number, e.g. 0.8 (got {value!r})")
    try:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except ArithmeticError as exc:
        raise RuleError(f"an Amount multiplier is a number, e.g. 0.8 (got {value!r})") from exc


@attrs.frozen(repr=False)
class Award:
    """An award: who is eligible, how many may receive it, and in which order.

    Parameters
    ----------
    name
        The title or award name, as recorded in the history when granted.
    condition
        Who is eligible (everybody when omitted).
    quota
        How many may receive it (no limit when omitted).
    ranking
        The order in which the eligible are considered when the quota binds;
        ranked on the context's scores (or table).
    level
        Among awards that do not depend on each other, higher levels are
        decided first (e.g. a Government flag before a ministry flag).
    subject
        ``"units"`` (the history's own units) or ``"collectives"``.
    requires
        Awards or titles the unit must hold in the same period (e.g. CSTĐ cơ
        sở requires Lao động tiên tiến). Decided first when in the scheme.
    excludes
        Awards a recipient of this one may not also receive for the same
        period (one achievement, one form).
    source
        The instrument and article the award encodes.

    Examples
    --------
    >>> from emulation_rules import holds, fact
    >>> Award("CSTĐCS", fact("rating") == "HTXSNV", requires="LĐTT",
    ...       quota=Quota(share=0.15, of="LĐTT"), source="Law 06/2022 Art. 23")
    Award('CSTĐCS', fact('rating') == 'HTXSNV', quota=Quota(share=0.15, of='LĐTT'), requires=('LĐTT',), source='Law 06/2022 Art. 23')
    """

    name: str = attrs.field(converter=_award_name)
    condition: Condition | None = None
    quota: Quota | None = attrs.field(default=None, kw_only=True)
    ranking: Ranking | None = attrs.field(default=None, kw_only=True)
    level: int = attrs.field(default=0, kw_only=True)
    subject: Literal["units", "collectives"] = attrs.field(default="units", kw_only=True)
    requires: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_requires)
    excludes: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_excludes)
    source: str = attrs.field(default="", kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        where = f"award {self.name!r}"
        if self.condition is not None and not isinstance(self.condition, Condition):
            raise RuleTypeError(f"{where}: condition must be a Condition (got {self.condition!r})")
        if self.quota is not None and not isinstance(self.quota, Quota):
            raise RuleTypeError(f"{where}: quota must be a Quota (got {self.quota!r})")
        if self.ranking is not None and not isinstance(self.ranking, Ranking):
            raise RuleTypeError(f"{where}: ranking must be a Ranking (got {self.ranking!r})")
        if isinstance(self.level, bool) or not isinstance(self.level, int):
            raise RuleTypeError(f"{where}: level is a whole number (got {self.level!r})")
        if not isinstance(self.subject, str) or self.subject not in ("units", "collectives"):
            raise RuleError(
                f"{where}: subject must be 'units' or 'collectives' (got {self.subject!r})"
            )
        if self.name in self.requires or self.name in self.excludes:
            raise RuleError(f"{where} cannot require or exclude itself")
        both = sorted(set(self.requires) & set(self.excludes))
        if both:
            raise RuleError(
                f"{where} both requires and excludes {listing(both)}: nobody could receive it"
            )
        expect(self.source, str, "source", where, expected="a text")
        expect(self.label, str, "label", where, expected="a text")

    def depends_on(self) -> set[str]:
        """Names this award needs decided first: prerequisites, a quota base, titles its
        condition asks about this period."""
        deps = set(self.requires)
        of = self.quota.of if self.quota is not None else None
        if isinstance(of, str) and of not in ("units", "eligible"):
            deps.add(of)
        if self.condition is not None:
            deps |= _held_titles(self.condition)
        deps.discard(self.name)
        return deps

    def __repr__(self) -> str:
        parts = [repr(self.name)]
        if self.condition is not None:
            parts.append(repr(self.condition))
        for name, default in (
            ("quota", None),
            ("ranking", None),
            ("level", 0),
            ("subject", "units"),
            ("requires", ()),
            ("excludes", ()),
            ("source", ""),
            ("label", ""),
        ):
            v = getattr(self, name)
            if v != default:
                parts.append(f"{name}={v!r}")
        return f"Award({', '.join(parts)})"


def _held_titles(c: Condition) -> set[str]:
    """The titles a condition asks about in the assessed period."""
    out: set[str] = set()
    for node, _ in _nodes(c):
        # Titles looked at in the assessed period itself: holds(), a streak or a
        # consecutive run ending now, ever() unless strictly before.
        if isinstance(node, _Holds | _Streak) or (isinstance(node, _Ever) and not node.before):
            out |= set(node.titles)
        elif isinstance(node, _Consecutive):
            out.add(node.title)
    return out


def _award_list(value: object) -> tuple[Award, ...]:
    if (
        isinstance(value, Award | str)
        or not isinstance(value, Iterable)
        or (isinstance(value, np.ndarray) and value.ndim == 0)
    ):
        raise RuleTypeError(f"an AwardScheme takes a list of Awards (got {value!r})")
    out = tuple(value)
    for a in out:
        if not isinstance(a, Award):
            raise RuleTypeError(f"an AwardScheme takes Awards (got {a!r})")
    return out


@attrs.frozen(repr=False)
class AwardScheme:
    """A period's awards, decided in dependency order, with exclusions and equivalents.

    Parameters
    ----------
    awards
        The awards. Names must be unique.
    exclusive
        Groups of awards of which a unit receives at most one (the first
        decided): ``[("CTĐCP", "CTĐ_BO")]`` -- the unit given the Government
        flag is not also given the ministry flag for the same achievement.
        A tier ("at most one award per unit per tier") is one such group.
    equivalent
        Groups of titles that satisfy each other's ``requires``:
        ``[("LĐTT", "CSTT")]`` (Chiến sĩ tiên tiến is the armed forces'
        Lao động tiên tiến).
    declared
        Titles the scheme's rules name that are awarded elsewhere and that
        nobody may hold yet (a prerequisite from another scheme): allocation
        treats them as known, held nowhere until granted.

    Notes
    -----
    Every title the scheme's rules name (conditions, ``requires=``, quota
    bases, ``equivalent=``) must be known when it is allocated: granted in the
    history, declared (on the history or here), or an award of the scheme;
    otherwise :meth:`allocate` raises
    :class:`~emulation_rules.UnknownNameError` before deciding anything.

    Attributes
    ----------
    order
        The order in which the awards are decided. An award comes after every
        award it depends on (``requires=``, a quota's base title, ``holds()``,
        a streak or ``ever()`` of this period in its condition). Among the
        awards whose dependencies are decided, the one of highest *effective
        level* goes first, then the higher own ``level``, then the order
        listed. An award's effective level is the highest ``level`` among
        itself and every award that (transitively) depends on it: a
        prerequisite is decided as early as the highest award built on it, so
        a lower award that excludes that higher one never takes its
        candidates first.
    effective_level
        Award name to its effective level.

    Raises
    ------
    RuleError
        Duplicate names, a cycle of dependencies.
    UnknownNameError
        An ``exclusive`` group or an award's ``excludes=`` naming an award
        that is not in the scheme.

    Examples
    --------
    The Government flag (level 9) needs the leading units, decided by a
    level-1 award; the ministry flag (level 5) excludes it. LEADER takes the
    flag's effective level, so the Government flag is decided before the
    ministry flag:

    >>> from emulation_rules import holds
    >>> scheme = AwardScheme(
    ...     [Award("LEADER", level=1),
    ...      Award("CTĐ_BO", level=5),
    ...      Award("CTĐCP", requires="LEADER", quota=Quota(share=0.2), level=9)],
    ...     exclusive=[("CTĐCP", "CTĐ_BO")],
    ... )
    >>> scheme.order
    ('LEADER', 'CTĐCP', 'CTĐ_BO')
    >>> dict(scheme.effective_level)
    {'LEADER': 9, 'CTĐ_BO': 5, 'CTĐCP': 9}
    >>> scheme.effective_level["LEADER"]
    9
    """

    awards: tuple[Award, ...] = attrs.field(converter=_award_list)
    exclusive: tuple[tuple[str, ...], ...] = attrs.field(
        default=(), kw_only=True, converter=_exclusive_groups
    )
    equivalent: tuple[tuple[str, ...], ...] = attrs.field(
        default=(), kw_only=True, converter=_equivalent_groups
    )
    declared: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_declared_titles)
    order: tuple[str, ...] = attrs.field(init=False, eq=False)
    effective_level: Mapping[str, int] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not self.awards:
            raise RuleError("an AwardScheme needs at least one award")
        names = [a.name for a in self.awards]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise RuleError(f"award names must be unique in a scheme; repeated: {listing(dupes)}")
        # Exclusions are between awards of this scheme: a name outside it could never
        # exclude anybody, so it is a typo, not a rule.
        resolve(
            [(x, f"in Award {a.name!r} excludes=") for a in self.awards for x in a.excludes]
            + [(x, f"in an exclusive group {g!r}") for g in self.exclusive for x in g],
            names,
            kind="award",
            advice="exclusions name awards of this scheme",
        )
        object.__setattr__(self, "order", self._decide_order())

    def _decide_order(self) -> tuple[str, ...]:
        by_name = {a.name: a for a in self.awards}
        position = {a.name: k for k, a in enumerate(self.awards)}
        deps = {
            a.name: {d for d in self._expand(a.depends_on()) if d in by_name} for a in self.awards
        }
        # An award's effective level is at least that of every award built on it
        # (transitively): a prerequisite of a Government flag is decided as early as the
        # flag would be, so a lower award that excludes the flag cannot take its holders
        # first. Raising along every edge len(awards) times reaches the fixed point on a
        # DAG (a cycle is refused below).
        effective = {a.name: a.level for a in self.awards}
        for _ in range(len(self.awards)):
            changed = False
            for name, needs in deps.items():
                for d in needs:
                    if effective[d] < effective[name]:
                        effective[d] = effective[name]
                        changed = True
            if not changed:
                break
        # Read-only: the scheme is frozen, and the order was decided from these levels.
        object.__setattr__(self, "effective_level", MappingProxyType(effective))
        done: list[str] = []
        remaining = dict(deps)
        while remaining:
            ready = [n for n, d in remaining.items() if not (d - set(done))]
            if not ready:
                cycle = sorted(remaining)
                raise RuleError(
                    f"the awards {listing(cycle)} depend on each other in a cycle (through "
                    "requires=, a quota's base or holds() in a condition); break the cycle"
                )
            ready.sort(key=lambda n: (-effective[n], -by_name[n].level, position[n]))
            done.append(ready[0])
            del remaining[ready[0]]
        return tuple(done)

    def _expand(self, titles: Iterable[str]) -> set[str]:
        out = set(titles)
        for group in self.equivalent:
            if out & set(group):
                out |= set(group)
        return out

    def __repr__(self) -> str:
        extra = "".join(
            f", {k}={getattr(self, k)!r}"
            for k in ("exclusive", "equivalent", "declared")
            if getattr(self, k)
        )
        return f"AwardScheme({list(self.awards)!r}{extra})"

    def _known(self, history: History) -> History:
        """``history`` with the scheme's awards (at their level) and declared titles known."""
        units = {a.name for a in self.awards if a.subject == "units"} | set(self.declared)
        out = history.declare(*units)
        if out.collectives is not None:
            coll = {a.name for a in self.awards if a.subject == "collectives"}
            out = out.with_collectives(out.collectives.declare(*coll, *self.declared))
        return out

    def _check_names(self, context: Context) -> None:
        """Every title the scheme's rules name is known to ``context``'s history, or an error.

        ``context.history`` already knows the scheme's own awards (:meth:`_known`).
        Checked once, before anything is decided.
        """
        history = context.history
        assert history is not None
        for a in self.awards:
            if a.subject == "collectives" and history.collectives is None:
                continue  # deciding it says that it needs collectives
            ctx = attrs.evolve(context, level=a.subject)
            subjects = ctx.subjects
            assert subjects is not None
            of = a.quota.of if a.quota is not None else None
            uses = [(t, f"in Award {a.name!r} requires=") for t in a.requires]
            if isinstance(of, str) and of not in ("units", "eligible"):
                uses.append((of, f"as the base of {a.quota!r} of Award {a.name!r}"))
            resolve(uses, subjects.known_titles)
            if a.condition is not None:
                _check_names(a.condition, ctx)
            if isinstance(of, Condition):
                _check_names(of, ctx)
        known = set(history.known_titles)
        if history.collectives is not None:
            known |= set(history.collectives.known_titles)
        resolve(
            [(t, f"in AwardScheme equivalent={g!r}") for g in self.equivalent for t in g], known
        )

    def award(self, name: str) -> Award:
        """The award called ``name``."""
        expect(name, str, "name", "AwardScheme.award", expected="an award name (text)")
        for a in self.awards:
            if a.name == nfc(name):
                return a
        raise unknown("award", name, [a.name for a in self.awards], "in the scheme")

    # -- allocation --------------------------------------------------------------------

    def allocate(self, context: Context) -> Allocation:
        """Decide every award for ``context.period``.

        The titles decided are added to the context's history for that period
        as they are decided, so a later award sees them (a prerequisite, a
        quota's base, ``holds()`` in its condition).
        """
        if not isinstance(context, Context):
            raise RuleTypeError(f"allocate takes a Context (got {context!r})")
        history = context.history
        if history is None:
            history = History(context.units, (context.period, context.period))
        elif not history.first <= context.period <= history.last:
            raise DataError(
                f"the history covers {history.first}-{history.last}; add the facts of "
                f"{context.period} (History.append) before allocating its awards"
            )
        given = history
        history = self._known(history)
        self._check_names(attrs.evolve(context, history=history))
        results: dict[str, _AwardResult] = {}
        groups: dict[Any, Any] = {}  # each unit's group, found once per column
        for name in self.order:
            award = self.award(name)
            # The history is already read through the context's units= (if any), which
            # name units of the context's level only.
            ctx = attrs.evolve(context, history=history, level=award.subject, units=None)
            res = self._decide(award, ctx, results, groups)
            results[name] = res
            history = _grant(history, award.subject, context.period, name, res.awarded)
        history = _declared_as(history, given)
        return Allocation(self, context, history, [results[n] for n in self.order])

    def _decide(
        self,
        award: Award,
        ctx: Context,
        done: Mapping[str, _AwardResult],
        groups: dict[Any, Any] | None = None,
    ) -> _AwardResult:
        units = ctx.units
        n = len(units)
        # Names were checked for the whole scheme before the first award was decided.
        verdict = award.condition._verdict(ctx) if award.condition is not None else None
        eligible = verdict.passed if verdict is not None else np.ones(n, dtype=bool)
        subjects = ctx.subjects
        prereq = np.ones(n, dtype=bool)
        if subjects is not None:
            for held in _prerequisites_held(self, award, subjects, ctx.period).values():
                prereq &= held
        elif award.requires:
            prereq[:] = False
        excluded = np.zeros(n, dtype=bool)
        rivals = set(award.excludes)
        for group in self.exclusive:
            if award.name in group:
                rivals |= set(group) - {award.name}
        excluders: list[str] = []
        for other in done.values():
            if other.award.subject == award.subject and (
                other.award.name in rivals or award.name in other.award.excludes
            ):
                excluded |= other.awarded
                excluders.append(other.award.name)
        reasons = np.full(n, AWARDED, dtype=np.int8)
        reasons[~eligible] = FAILED
        reasons[eligible & ~prereq] = PREREQUISITE
        reasons[eligible & prereq & excluded] = EXCLUDED
        candidates = eligible & prereq & ~excluded
        result = _AwardResult(award, units, verdict, eligible, candidates, reasons)
        result.excluders = tuple(excluders)
        if award.quota is None:
            result.awarded = candidates.copy()
            return result
        _apply_quota(result, award, ctx, groups)
        return result


def _declared_as(history: History, given: History) -> History:
    """``history`` declaring what ``given`` declared, no more (the scheme's declarations
    were for its own allocation)."""
    out = history._redeclared(given.declared)
    if out.collectives is not None and given.collectives is not None:
        out = out.with_collectives(out.collectives._redeclared(given.collectives.declared))
    return out


def _grant(history: History, subject: str, period: int, name: str, mask: BoolArray) -> History:
    if subject == "collectives":
        assert history.collectives is not None
        return history.with_collectives(history.collectives.with_granted(period, {name: mask}))
    return history.with_granted(period, {name: mask})


class _AwardResult:
    """One award's decision, kept whole for explanations."""

    def __init__(
        self,
        award: Award,
        units: tuple[str, ...],
        verdict: Verdict | None,
        eligible: BoolArray,
        candidates: BoolArray,
        reasons: AnyArray,
    ) -> None:
        self.award = award
        self.units = units
        self.verdict = verdict
        self.eligible = eligible
        self.candidates = candidates
        self.reasons = reasons
        self.awarded = np.zeros(len(units), dtype=bool)
        self.position = np.full(len(units), -1, dtype=np.int64)  # 1-based among candidates
        self.limits: dict[str, tuple[int, Fraction]] = {}  # group -> (limit, its base)
        self.group_of = np.zeros(len(units), dtype=np.int64)
        self.group_names: tuple[str, ...] = ("",)
        #: The awards decided earlier that exclude this one (exclusive groups, excludes=).
        self.excluders: tuple[str, ...] = ()


def _groups(
    quota: Quota, ctx: Context, n: int, cache: dict[Any, Any] | None = None
) -> tuple[IntArray, tuple[str, ...]]:
    if quota.per is None:
        return np.zeros(n, dtype=np.int64), ("",)
    key = (quota.per, ctx.level)
    if cache is not None and key in cache:
        found: tuple[IntArray, tuple[str, ...]] = cache[key]
        return found
    out = _find_groups(quota, ctx, n)
    if cache is not None:
        cache[key] = out
    return out


def _find_groups(quota: Quota, ctx: Context, n: int) -> tuple[IntArray, tuple[str, ...]]:
    assert quota.per is not None
    t = ctx.table
    values: AnyArray
    if t is not None and quota.per in t:
        rows = _Eval(ctx).table_rows(t)
        values = t[quota.per] if rows is None else t[quota.per][rows]
    elif ctx.subjects is not None and quota.per in ctx.subjects.facts:
        values = ctx.subjects.fact(quota.per, ctx.period)
    else:
        raise DataError(
            f"{quota!r}: per={quota.per!r} names neither a column of the table nor a fact of the "
            "history; give each unit's group"
        )
    if values.dtype == object:
        missing = none_mask(values)
        values = np.where(missing, "", values).astype(str)
    else:
        missing = np.isnan(values) if values.dtype.kind == "f" else np.zeros(n, dtype=bool)
    if missing.any():
        who = [ctx.units[int(i)] for i in np.flatnonzero(missing)]
        raise DataError(f"{quota!r}: {listing(who)} have no {quota.per!r}; give every unit a group")
    if values.dtype.kind in "iu" and values.size:
        # Whole-number groups in a modest range: a counting pass instead of a sort.
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * values.size + 1024:
            present = np.flatnonzero(np.bincount(values - low))
            lookup = np.full(high - low + 1, -1, dtype=np.int64)
            lookup[present] = np.arange(present.size)
            return lookup[values - low], tuple(str(v + low) for v in present.tolist())
    uniq, codes = np.unique(values, return_inverse=True)
    return codes.astype(np.int64).reshape(-1), tuple(str(u) for u in uniq.tolist())


def _base_counts(
    quota: Quota, res: _AwardResult, ctx: Context, group: IntArray, n_groups: int
) -> list[Fraction]:
    of = quota.of
    counted: BoolArray
    if isinstance(of, str) and of == "units":
        counted = np.ones(len(group), dtype=bool)
    elif isinstance(of, str) and of == "eligible":
        counted = res.eligible
    elif isinstance(of, str):
        h = ctx.subjects
        assert h is not None  # allocate always has a history, whose names it checked
        counted = h.held(of, ctx.period)
    elif isinstance(of, _Column):
        vals, missing = of.values(_Eval(ctx))
        if missing.any():
            raise DataError(f"{quota!r}: the base column has missing values; fill them")
        if (vals < 0).any():
            # A negative strength would shrink the quota below what the others earn.
            who = [ctx.units[int(i)] for i in np.flatnonzero(vals < 0)]
            raise DataError(
                f"{quota!r}: the base column holds negative values for {listing(who)}; "
                "a quota's base counts or sums non-negative amounts: fix those values"
            )
        return _exact_sums(np.asarray(vals, dtype=np.float64), group, n_groups)
    else:
        counted = of._mask(_Eval(ctx))[0]
    # Counts are whole numbers: an integer bincount is exact.
    return [Fraction(int(c)) for c in np.bincount(group[counted], minlength=n_groups)]


#: Whole numbers below this have exactly one decimal of at most 15 digits per double.
_DIGITS15 = 10.0**15


def _exact_sums(vals: AnyArray, group: IntArray, n_groups: int) -> list[Fraction]:
    """Each group's sum of ``vals`` (>= 0), exactly, each value read as the decimal it
    prints as (``Fraction(repr(x))``, as shares are read): ten 0.1 sum to 1, not to
    0.9999999999999999, so float rounding never decides a quota.

    Vectorised: the values are scaled by the smallest power of ten that makes them all
    whole numbers of at most 15 digits (a decimal of <= 15 significant digits is the
    only one of its length that rounds to its double, so it is the one ``repr`` prints);
    whole numbers then sum exactly in integer arithmetic. Values printed with more
    digits (0.30000000000000004) take an exact per-value path.
    """
    if vals.size == 0:
        return [Fraction(0)] * n_groups
    for d in range(16):
        scale = 10.0**d
        m = np.rint(vals * scale)
        ok = (m == vals) & (m <= 2.0**53) if d == 0 else (m < _DIGITS15) & (m / scale == vals)
        if ok.all():
            return [Fraction(s, 10**d) for s in _int_sums(m.astype(np.int64), group, n_groups)]
    sums = [Fraction(0)] * n_groups
    for g, v in zip(group.tolist(), vals.tolist(), strict=True):
        sums[g] += Fraction(repr(v))
    return sums


def _int_sums(m: IntArray, group: IntArray, n_groups: int) -> list[int]:
    """Each group's sum of the whole numbers ``0 <= m < 2**53``, exactly: split in 26-bit
    halves whose float sums stay below 2**53 (exact) for up to 2**26 values per part."""
    out = [0] * n_groups
    for start in range(0, m.size, 2**26):
        part, g = m[start : start + 2**26], group[start : start + 2**26]
        lo = np.bincount(g, weights=part & (2**26 - 1), minlength=n_groups)
        hi = np.bincount(g, weights=part >> 26, minlength=n_groups)
        for k in range(n_groups):
            out[k] += (int(hi[k]) << 26) + int(lo[k])
    return out


def _ranking_source(ctx: Context, award: Award) -> tuple[Scores | ScoreTable, IntArray | None]:
    """The scores (or table) ranked, and the row of each assessed unit in it (None when
    the rows are the units in order): rows are matched by unit id, in any order."""
    src: Scores | ScoreTable | None = ctx.scores if ctx.scores is not None else ctx.table
    if src is None:
        raise DataError(
            f"award {award.name!r} ranks its candidates, so the context needs scores or a table"
        )
    table = src.table if isinstance(src, Scores) else src
    try:
        rows = _Eval(ctx).table_rows(table)
    except DataError as exc:
        what = "scores" if isinstance(src, Scores) else "table"
        raise DataError(f"award {award.name!r} ranks its candidates on the {what}: {exc}") from None
    return src, rows


def _apply_quota(
    res: _AwardResult, award: Award, ctx: Context, groups: dict[Any, Any] | None = None
) -> None:
    quota = award.quota
    assert quota is not None
    n = len(res.units)
    group, names = _groups(quota, ctx, n, groups)
    res.group_of, res.group_names = group, names
    bases = _base_counts(quota, res, ctx, group, len(names))
    limits = [quota.limit(b) for b in bases]
    res.limits = dict(zip(names, zip(limits, bases, strict=True), strict=True))
    cand = np.flatnonzero(res.candidates)
    if cand.size == 0:
        return
    cg = group[cand]
    if award.ranking is not None:
        src, rows = _ranking_source(ctx, award)
        try:
            st = _Engine(award.ranking, src, cand if rows is None else rows[cand]).run()
        except KeyError as exc:
            raise type(exc)(f"award {award.name!r}: {exc}") from None
        order_local = st.order_index.astype(np.int64)
        boundary = st._boundary.copy()
    else:
        order_local = np.arange(cand.size)
        boundary = np.zeros(cand.size, dtype=bool)
        if cand.size:
            boundary[0] = True
    block = np.cumsum(boundary) - 1  # tie block of each position in the ranked order
    # Stable sort by group keeps each tie block contiguous within its group; a tie
    # block is then identified by (group, block), since ties never cross groups.
    by_group = np.argsort(cg[order_local], kind="stable")
    ordered = order_local[by_group]
    blk = cg[ordered] * (int(block.max()) + 1 if block.size else 1) + block[by_group]
    g_sorted = cg[ordered]
    starts = np.searchsorted(g_sorted, np.arange(len(names)))
    pos = np.arange(cand.size) - starts[g_sorted]
    k = np.asarray(limits, dtype=np.int64)[g_sorted]
    selected = pos < k
    res.position[cand[ordered]] = pos + 1
    # A tie block that crosses a group's cut-off.
    first_out = (
        selected[:-1] & ~selected[1:] & (g_sorted[:-1] == g_sorted[1:]) & (blk[:-1] == blk[1:])
    )
    crossing_blocks = set(blk[:-1][first_out].tolist())
    in_cross = np.isin(blk, list(crossing_blocks)) if crossing_blocks else np.zeros(cand.size, bool)
    if in_cross.any():
        ties = quota.ties
        if ties == "chain":
            tied = [res.units[cand[i]] for i in ordered[in_cross]]
            if award.ranking is None:
                raise DataError(
                    f"award {award.name!r}: {listing(tied)} compete for its quota and it has no "
                    "ranking to choose among them; give the Award ranking=Ranking(...), or "
                    "the Quota ties='include', 'exclude' or a Lot"
                )
            raise DataError(
                f"award {award.name!r}: {listing(tied)} are tied at the quota's cut-off after "
                f"the whole ranking {award.ranking!r}; give the Quota ties='include', "
                "'exclude' or a Lot, or end the ranking with a Lot"
            )
        if ties == "include":
            newly = in_cross & ~selected
            selected |= in_cross
            res.reasons[cand[ordered[newly]]] = TIE_IN
        elif ties == "exclude":
            dropped = in_cross & selected
            selected &= ~in_cross
            res.reasons[cand[ordered[in_cross]]] = TIE_OUT
            del dropped
        else:
            for b in crossing_blocks:
                members_pos = np.flatnonzero(blk == b)
                room = int(k[members_pos[0]] - pos[members_pos[0]])
                ids = [res.units[cand[ordered[i]]] for i in members_pos]
                draw = ties.draw(ids)
                keep = members_pos[np.argsort(draw, kind="stable")[:room]]
                selected[members_pos] = False
                selected[keep] = True
                lost = np.setdiff1d(members_pos, keep)
                res.reasons[cand[ordered[lost]]] = TIE_OUT
    chosen = cand[ordered[selected]]
    res.awarded[chosen] = True
    over = cand[ordered[~selected]]
    still = res.reasons[over] == AWARDED
    res.reasons[over[still]] = QUOTA


class Allocation:
    """Who received what in a period, and why every other unit considered did not.

    Attributes
    ----------
    scheme
        The scheme allocated.
    history
        The history with the awarded titles added for the period (use it as
        the next period's starting point).
    """

    def __init__(
        self,
        scheme: AwardScheme,
        context: Context,
        history: History,
        results: Sequence[_AwardResult],
    ) -> None:
        self.scheme = scheme
        self.context = context
        self.period = context.period
        self.history = history
        self._results = {r.award.name: r for r in results}

    @property
    def awards(self) -> tuple[str, ...]:
        """The awards, in the order they were decided."""
        return tuple(self._results)

    def _r(self, award: str) -> _AwardResult:
        expect(award, str, "award", "Allocation", expected="an award name (text)")
        key = nfc(award)
        if key not in self._results:
            raise unknown("award", award, list(self._results), "in this allocation")
        return self._results[key]

    def mask(self, award: str) -> BoolArray:
        """Who received ``award``, aligned with the award's units."""
        return self._r(award).awarded

    def awarded(self, award: str) -> tuple[str, ...]:
        """The ids of the recipients of ``award``."""
        r = self._r(award)
        return tuple(u for u, ok in zip(r.units, r.awarded.tolist(), strict=True) if ok)

    def reasons(self, award: str) -> AnyArray:
        """Per unit, the reason code (see :data:`REASONS`) for ``award``."""
        return self._r(award).reasons

    def limit(self, award: str) -> dict[str, int]:
        """The quota's limit per group ("" when the quota has no groups)."""
        return {g: k for g, (k, _) in self._r(award).limits.items()}

    def exceeded_by(self, award: str) -> int:
        """How many recipients were added above the quota by ties='include'."""
        return int((self._r(award).reasons == TIE_IN).sum())

    def reason(self, unit: str, award: str) -> Reason:
        """Why ``unit`` received ``award`` or not, as data (codes ``award.*``).

        Values: the award, the period, and under a quota the unit's position among
        the candidates, their number and the group; parts: the quota's computation
        (``quota.limit``), the failed clauses (``eligibility.verdict``), the missing
        prerequisites (``award.needs``) or the excluding awards (``award.excluded_by``).
        """
        expect(unit, str, "unit", "Allocation.reason", expected="a unit id (text)")
        name = nfc(award) if isinstance(award, str) else award
        r = self._r(name)
        key = nfc(unit)
        if key not in r.units:
            raise unknown("unit", unit, r.units, f"among the units of {name!r}")
        return self._reason(r, r.units.index(key))

    def _reason(self, r: _AwardResult, i: int) -> Reason:
        code = int(r.reasons[i])
        name = r.award.name
        values: dict[str, Any] = {"award": name, "period": self.period}
        parts: list[Reason] = []
        if code in (AWARDED, TIE_IN, QUOTA, TIE_OUT) and r.award.quota is not None:
            g = r.group_names[r.group_of[i]]
            in_group = r.candidates & (r.group_of == r.group_of[i])
            values.update(position=int(r.position[i]), candidates=int(in_group.sum()), group=g)
            parts.append(r.award.quota.reason(r.limits[g][1]))
        if code == FAILED and r.verdict is not None:
            parts.append(r.verdict.reason(r.units[i]))
        elif code == PREREQUISITE:
            parts.append(
                Reason("award.needs", values={"period": self.period}, units=r.award.requires)
            )
        elif code == EXCLUDED:
            # Only the awards that exclude this one, not everything the unit received.
            others = [o for o in r.excluders if self._results[o].awarded[i]]
            parts.append(Reason("award.excluded_by", values={"period": self.period}, units=others))
        return Reason(
            AWARD_CODES[code],
            rule=repr(r.award),
            values=values,
            units=(r.units[i],),
            parts=tuple(parts),
            source=r.award.source or None,
        )

    def why(
        self,
        unit: str,
        award: str | None = None,
        *,
        cite: bool = False,
        language: Language = "en",
    ) -> str:
        """In words: what ``unit`` received, or why not -- for one award or all of them.

        ``cite=True`` adds each award's ``source`` (the article it encodes) to its line.
        """
        expect(unit, str, "unit", "Allocation.why", expected="a unit id (text)")
        names = [nfc(award)] if award is not None else list(self._results)
        lines = []
        for name in names:
            r = self._r(name)
            if nfc(unit) not in r.units:
                continue
            reason = self._reason(r, r.units.index(nfc(unit)))
            cited = f" [{reason.source}]" if cite and reason.source else ""
            lines.append(reason.render(language) + cited)
            for part in reason.parts:
                if part.code == "eligibility.verdict":
                    failed = render_failed(part, language).splitlines()[1:]
                    lines += ["  " + line for line in failed]
                elif part.code != "quota.limit":
                    lines.append("  " + part.render(language))
        if not lines:
            raise unknown(
                "unit",
                unit,
                sorted({u for r in self._results.values() for u in r.units}),
                "in this allocation",
            )
        return f"{nfc(unit)}, {self.period}:\n" + "\n".join("  " + x for x in lines)

    def to_dict(self) -> dict[str, Any]:
        """The allocation as plain data: per award, the recipients, the limits, and every
        unit's reason (:meth:`reason`) as data."""
        out: dict[str, Any] = {"period": self.period, "awards": {}}
        for name, r in self._results.items():
            out["awards"][name] = {
                "awarded": list(self.awarded(name)),
                "limit": self.limit(name) if r.award.quota is not None else None,
                "reasons": {u: self._reason(r, i).to_dict() for i, u in enumerate(r.units)},
            }
        return out

    def summary(self) -> str:
        """One line per award: how many were eligible, considered and awarded."""
        out = []
        for name, r in self._results.items():
            q = ""
            quota = r.award.quota
            if quota is not None and len(r.limits) == 1:
                q = f"; quota {quota.describe(next(iter(r.limits.values()))[1])}"
            elif quota is not None:
                ks = [k for k, _ in r.limits.values()]
                q = (
                    f"; quota per {quota.per} in {len(ks)} groups: {min(ks)}-{max(ks)} each, "
                    f"{sum(ks)} in all"
                )
            extra = f" (+{self.exceeded_by(name)} tied)" if self.exceeded_by(name) else ""
            out.append(
                f"{name}: {int(r.awarded.sum())} awarded{extra} of {int(r.eligible.sum())} "
                f"eligible{q}"
            )
        return "\n".join(out)

    def __repr__(self) -> str:
        return (
            f"<Allocation {self.period}: "
            + ", ".join(f"{n} {int(r.awarded.sum())}" for n, r in self._results.items())
            + ">"
        )


# -- revocation cascade ---------------------------------------------------------------


@attrs.frozen
class Dependent:
    """An award that no longer stands after a revocation: who, what, when, and why."""

    unit: str
    award: str
    period: int
    why: str


def cascade(
    history: History,
    revoked: History,
    scheme: AwardScheme,
    *,
    tables: Mapping[int, ScoreTable] | None = None,
    scores: Mapping[int, Scores] | None = None,
    standings: Mapping[int, Standing] | None = None,
) -> list[Dependent]:
    """Every award that no longer stands once titles are revoked, however indirectly.

    ``history`` is before the revocation, ``revoked`` after it
    (:meth:`History.revoke`; revocations of collectives count too). From the
    earliest new revocation on, period by period and in the scheme's
    decision order, every award of ``scheme`` held in the period has its
    condition and prerequisites re-evaluated on what still stands: the
    revoked titles *and every award already found to fall* are no longer
    held. So the cascade ripples: revoking a Lao động tiên tiến of 2010
    brings down the CSTĐ cơ sở of 2010 that required it, the CSTĐ cấp bộ
    of 2011 whose streak counted that CSTĐ cơ sở, and the CSTĐ toàn quốc
    built on that CSTĐ cấp bộ -- each reported once, in dependency order
    (period, then the scheme's order, then unit order), with its reason.
    An award that did not satisfy its condition before the revocation
    either is not reported (the cascade reports what the revocation
    changed). Quotas are not re-run: they decide between units, not whether
    an achievement stands.

    Parameters
    ----------
    tables, scores, standings
        By period, the score table, scores and standing the conditions on
        :func:`~emulation_rules.column`, :func:`~emulation_rules.score` and
        :func:`~emulation_rules.rank` read (``tables={2023: table_2023}``),
        each matched with the history by unit id. Needed only for the
        periods in which such an award is re-examined.

    Returns
    -------
    list of Dependent
        Who, which award, for which period, and the clause that now fails
        (or the prerequisite no longer held).

    Examples
    --------
    >>> from emulation_rules import consecutive, streak
    >>> scheme = AwardScheme([
    ...     Award("LĐTT"),
    ...     Award("CSTĐCS", requires="LĐTT"),
    ...     Award("CSTĐ_BO", streak("CSTĐCS", n=3, fresh_after="CSTĐ_BO")),
    ...     Award("CSTĐ_TQ", consecutive("CSTĐ_BO", n=2, every=3)),
    ... ])
    >>> h = History.from_records([
    ...     {"unit": "X", "period": y, "titles": ["LĐTT", "CSTĐCS"]
    ...      + ["CSTĐ_BO"] * (y in (2011, 2014)) + ["CSTĐ_TQ"] * (y == 2014)}
    ...     for y in range(2009, 2015)])
    >>> revoked = h.revoke("X", "LĐTT", 2010, reason="forged dossier")
    >>> for d in cascade(h, revoked, scheme):
    ...     print(d.period, d.award, "-", d.why)
    2010 CSTĐCS - prerequisite LĐTT no longer held
    2011 CSTĐ_BO - ✗ streak('CSTĐCS', n=3, fresh_after='CSTĐ_BO'): 1 consecutive
    2014 CSTĐ_TQ - ✗ consecutive('CSTĐ_BO', n=2, every=3): 1 in a row

    Raises
    ------
    DataTypeError
        ``history`` or ``revoked`` is not a History, or a mapping holds
        something else than tables, scores or standings by period.
    RuleTypeError
        ``scheme`` is not an AwardScheme.
    DataError
        ``revoked`` is not the same units and periods as ``history``; an
        award re-examined in a period needs a table (scores, standing) that
        is not given for that period.
    """
    pair: tuple[tuple[str, object], ...] = (("history", history), ("revoked", revoked))
    for what, value in pair:
        if not isinstance(value, History):
            raise DataTypeError(
                "cascade(history, revoked, scheme) takes the history before and after the "
                f"revocation, two History objects ({what} is {type(value).__name__})"
            )
    if not isinstance(scheme, AwardScheme):
        raise RuleTypeError(f"cascade takes an AwardScheme as scheme (got {type(scheme).__name__})")
    if revoked.units != history.units or revoked.periods != history.periods:
        raise DataError(
            "cascade compares a history with the same history after revocations: revoked has "
            f"{revoked.n_units} units over {revoked.first}-{revoked.last}, history "
            f"{history.n_units} over {history.first}-{history.last}; pass "
            "history.revoke(...) as revoked"
        )
    data = {
        "table": _by_period("tables", tables, ScoreTable, "a ScoreTable"),
        "scores": _by_period("scores", scores, Scores, "Scores"),
        "standing": _by_period("standings", standings, Standing, "a Standing"),
    }
    new = [r for r in revoked.revocations if r not in history.revocations]
    if history.collectives is not None and revoked.collectives is not None:
        new += [
            r for r in revoked.collectives.revocations if r not in history.collectives.revocations
        ]
    if not new:
        return []
    history, revoked = scheme._known(history), scheme._known(revoked)
    scheme._check_names(Context(revoked.last, history=revoked))
    start = min(r.period for r in new)
    current = revoked
    out: list[Dependent] = []
    for period in range(start, revoked.last + 1):
        for name in scheme.order:
            award = scheme.award(name)
            subjects = current if award.subject == "units" else current.collectives
            if subjects is None or name not in subjects.titles:
                continue
            holders = subjects.held(name, period)
            if not holders.any():
                continue
            given = _period_data(award, period, data)
            try:
                ok_before, _ = _stands(scheme, award, history, period, given)
                ok_after, verdict = _stands(scheme, award, current, period, given)
            except DataError as exc:
                raise type(exc)(
                    f"cascade re-examining award {award.name!r} for {period}: {exc}"
                ) from None
            fallen = np.flatnonzero(holders & ok_before & ~ok_after)
            if not fallen.size:
                continue
            prereqs = _prerequisites_held(scheme, award, subjects, period)
            found = []
            for i in fallen.tolist():
                unit = subjects.units[i]
                if verdict is not None and not verdict.passed[i]:
                    why = verdict.why_not(unit).splitlines()[1].strip()
                else:
                    missing = [t for t, held in prereqs.items() if not held[i]]
                    why = f"prerequisite {', '.join(missing)} no longer held"
                found.append(Dependent(unit, name, period, why))
            out.extend(found)
            # What fell is no longer held: later awards built on it fall in turn.
            current = _withdraw(current, award.subject, found)
    return out


def _by_period(what: str, value: object, kind: type, name: str) -> Mapping[int, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise DataTypeError(
            f"cascade {what}= maps each period to its data, e.g. {what}={{2023: ...}} "
            f"(got {type(value).__name__})"
        )
    for p, v in value.items():
        if isinstance(p, bool) or not isinstance(p, int | np.integer):
            raise DataTypeError(f"cascade {what}= is keyed by period, a whole number (got {p!r})")
        if not isinstance(v, kind):
            raise DataTypeError(f"cascade {what}[{p}] is {name} (got {type(v).__name__})")
    return {int(p): v for p, v in value.items()}


def _data_needed(condition: Condition | None) -> dict[str, str]:
    """What a condition reads besides the history: 'table', 'scores', 'standing' -> the
    clause that reads it."""
    kinds = {_Column: "table", _Score: "scores", _Rank: "standing"}
    out: dict[str, str] = {}
    for node, _ in () if condition is None else _nodes(condition):
        if isinstance(node, _Compare) and type(node.value) in kinds:
            out.setdefault(kinds[type(node.value)], repr(node))
    return out


_KEYWORD = {"table": "tables", "scores": "scores", "standing": "standings"}


def _period_data(
    award: Award, period: int, data: Mapping[str, Mapping[int, Any]]
) -> dict[str, Any]:
    """The table, scores and standing of ``period`` the award's condition needs."""
    given: dict[str, Any] = {k: v.get(period) for k, v in data.items()}
    for kind, clause in _data_needed(award.condition).items():
        if given[kind] is None:
            kw = _KEYWORD[kind]
            raise DataError(
                f"cascade re-examines award {award.name!r} for {period}, and its clause "
                f"{clause} reads the {kind} of {period}, which is not given: pass "
                f"{kw}={{{period}: ...}} (the {kind} the award was decided on)"
            )
    return given


def _withdraw(history: History, subject: str, fallen: Sequence[Dependent]) -> History:
    """``history`` in which the fallen awards are revoked, each with its reason."""
    h = history if subject == "units" else history.collectives
    assert h is not None
    # Only the revocations change: no rebuild (and copy) of every title and fact grid.
    out = h._with_revocations(
        [Revocation(d.unit, d.award, d.period, f"no longer stands: {d.why}") for d in fallen]
    )
    return out if subject == "units" else history.with_collectives(out)


def _stands(
    scheme: AwardScheme,
    award: Award,
    history: History,
    period: int,
    given: Mapping[str, Any] | None = None,
) -> tuple[BoolArray, Verdict | None]:
    """Where ``award``'s condition and prerequisites hold on ``history`` in ``period``."""
    subjects = history if award.subject == "units" else history.collectives
    assert subjects is not None
    data = dict(given or {})
    ctx = Context(
        period,
        history=history,
        level=award.subject,
        table=data.get("table"),
        scores=data.get("scores"),
        standing=data.get("standing"),
    )
    ok = np.ones(len(subjects.units), dtype=bool)
    # cascade checked the scheme's names once: no check per period and award.
    verdict = award.condition._verdict(ctx) if award.condition is not None else None
    if verdict is not None:
        ok &= verdict.passed
    for held in _prerequisites_held(scheme, award, subjects, period).values():
        ok &= held
    return ok, verdict


def _prerequisites_held(
    scheme: AwardScheme, award: Award, subjects: History, period: int
) -> dict[str, BoolArray]:
    """Each title ``award`` requires -> where it (or a title equivalent to it) is held in
    ``period``: the one prerequisite rule of allocation, re-examination and cascade.

    A title is looked up among the titles ``subjects`` know (held or declared); an
    equivalent title of the other level is not a title of these units, so it is skipped.
    """
    known = set(subjects.known_titles)
    n = len(subjects.units)
    out: dict[str, BoolArray] = {}
    for title in award.requires:
        held = np.zeros(n, dtype=bool)
        for t in sorted(scheme._expand((title,))):
            if t in known:
                held |= subjects.held(t, period)
        out[title] = held
    return out


# -- amounts -----------------------------------------------------------------------------


def _dated(value: object) -> tuple[tuple[date, int], ...]:
    if not isinstance(value, Mapping) or not value:
        raise RuleTypeError(
            "Dated takes a mapping of date to amount, e.g. {date(2024, 7, 1): 2_340_000}"
        )
    items = []
    for d, v in value.items():
        if not isinstance(d, date):
            raise RuleTypeError(f"Dated keys are dates (got {d!r})")
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise RuleError(f"Dated amounts are whole numbers >= 0 (got {v!r} from {d})")
        items.append((d, v))
    return tuple(sorted(items))


@attrs.frozen(repr=False)
class Dated:
    """An amount that changes over time, each value in force from its date.

    Examples
    --------
    The base salary (mức lương cơ sở):

    >>> base = Dated({date(2023, 7, 1): 1_800_000, date(2024, 7, 1): 2_340_000})
    >>> base.at(date(2024, 1, 15)), base.at(date(2024, 7, 1))
    (1800000, 2340000)
    """

    values: tuple[tuple[date, int], ...] = attrs.field(converter=_dated)

    def at(self, when: date) -> int:
        """The value in force on ``when``."""
        if not isinstance(when, date):
            raise RuleTypeError(f"give a date (got {when!r})")
        current = None
        for d, v in self.values:
            if d <= when:
                current = v
        if current is None:
            raise DataError(
                f"no value is in force on {when}; the first starts on {self.values[0][0]}"
            )
        return current

    def __repr__(self) -> str:
        return f"Dated({dict(self.values)!r})"


@attrs.frozen(repr=False)
class Amount:
    """A bonus amount: a multiplier of a dated base, with declared rounding.

    ``rounding``: ``"up_10000"`` (up to the next 10,000 đồng), ``"nearest_10000"``
    (half up to the nearest 10,000) or ``"none"``. Decree 98/2023 Art. 54 says
    "làm tròn số lên hàng chục nghìn đồng", read both ways in practice, so the
    choice is the user's. Computed exactly in decimal.

    Examples
    --------
    Tập thể lao động tiên tiến, 0.8 x the base salary of 2,340,000:

    >>> base = Dated({date(2024, 7, 1): 2_340_000})
    >>> Amount(0.8, base, rounding="nearest_10000").on(date(2024, 12, 20))
    1870000
    >>> Amount(0.8, base, rounding="up_10000").on(date(2024, 12, 20))
    1880000
    >>> Amount(0.3, base).on(date(2024, 12, 20))
    702000
    """

    multiplier: Decimal = attrs.field(converter=_decimal)
    base: Dated
    rounding: Literal["none", "up_10000", "nearest_10000"] = attrs.field(
        default="none", kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        if not self.multiplier.is_finite() or self.multiplier < 0:
            raise RuleError(f"Amount multiplier must be >= 0 (got {self.multiplier})")
        if not isinstance(self.base, Dated):
            raise RuleTypeError(f"Amount base is a Dated value (got {self.base!r})")
        if not isinstance(self.rounding, str) or self.rounding not in (
            "none",
            "up_10000",
            "nearest_10000",
        ):
            raise RuleError(
                f"Amount rounding must be 'none', 'up_10000' or 'nearest_10000' (got {self.rounding!r})"
            )

    def on(self, decision_date: date) -> int:
        """The amount for a decision dated ``decision_date`` (base in force that day)."""
        raw = self.multiplier * self.base.at(decision_date)
        if self.rounding == "none":
            return int(raw.to_integral_value(rounding=ROUND_HALF_UP))
        mode = ROUND_CEILING if self.rounding == "up_10000" else ROUND_HALF_UP
        return int((raw / 10_000).to_integral_value(rounding=mode) * 10_000)

    def __repr__(self) -> str:
        extra = f", rounding={self.rounding!r}" if self.rounding != "none" else ""
        return f"Amount({float(self.multiplier)!r}, {self.base!r}{extra})"
