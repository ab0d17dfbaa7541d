"""Conditions: who is eligible for what, and why not.

A :class:`Condition` is a vectorized predicate over the units being assessed,
evaluated in one explicit :class:`Context` -- the period assessed, and the
history, table, scores and standing it needs. Conditions combine with ``&``,
``|`` and ``~`` (or :func:`all_of`, :func:`any_of`, :func:`not_`); nested
combinations flatten, and the repr reads as the code that builds them.

Building blocks (all vectorized over units; loops run over periods only):

* values compared with ``>=``, ``>``, ``<=``, ``<``, ``==``, ``!=`` or
  ``.between(lo, hi)``: :func:`fact` (a history fact in the assessed period;
  ordinal facts compare with level names), :func:`column` (a table column),
  :func:`score` (a score field, in points), :func:`rank` (the standing);
* :func:`holds` (a title this period), :func:`ever` (in any period so far);
* :func:`streak` (n consecutive periods ending now; achievements already used
  by an earlier award can be left out), :func:`consecutive` (an award in
  adjacent windows, e.g. two consecutive three-year titles);
* :func:`count_in_window` / :func:`all_in_window` over a :class:`Window` of
  fixed length or one that starts after the last award of a kind;
* for collectives, :func:`members` (share or count of members satisfying a
  condition, compared exactly in integers) and :func:`no_member`;
* :func:`vote_share` (votes over a declared denominator, exact).

Names, stated once: every title a condition names must be *known* when it
is evaluated -- granted to somebody in some period of the history (revoked
or not), or declared (``History.declare``, ``declared=``); an award scheme
being allocated also knows its own award names. Any other name is an
:class:`~emulation_rules.UnknownNameError` that names the rule and suggests
the closest known title (ignoring accents and case: "LDTT" -> "LĐTT"), never
a silent "nobody holds it".

Policies, stated once: a period with no record for a unit has no title and
missing facts; a comparison on a missing value fails; periods before the
history starts count as not satisfied; a revoked title is not held, so every
streak and window that counted it breaks; an individual counts towards a
collective only in the periods it is recorded as a member.

Examples
--------
>>> from emulation_rules import History, Ordinal
>>> h = History.from_records([
...     {"unit": "An", "period": 2023, "titles": ["LĐTT"], "rating": "HTXSNV"},
...     {"unit": "Bình", "period": 2023, "titles": ["LĐTT"], "rating": "HTTNV"},
...     {"unit": "Chi", "period": 2023, "titles": [], "rating": "HTXSNV"},
... ], ordinals={"rating": ["KHTNV", "HTNV", "HTTNV", "HTXSNV"]})
>>> cstdcs = holds("LĐTT") & (fact("rating") >= "HTXSNV")
>>> cstdcs
holds('LĐTT') & (fact('rating') >= 'HTXSNV')
>>> v = cstdcs.evaluate(Context(2023, history=h))
>>> v.passed
array([ True, False, False])
>>> print(v.why_not("Bình"))
Bình fails holds('LĐTT') & (fact('rating') >= 'HTXSNV'):
  ✗ fact('rating') >= 'HTXSNV': HTTNV
"""

from __future__ import annotations

import copy
import math
import numbers
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any, ClassVar, Literal

import attrs
import numpy as np

from . import _exact
from ._checks import expect
from ._names import check_ids, listing, nfc, resolve, unknown
from .errors import DataError, DataTypeError, RuleError, RuleTypeError
from .history import History
from .ranking import Standing
from .reasons import _COMPOSITE_KIND, Language, Reason, render_failed, render_tree
from .scoring import Scores
from .table import ScoreTable, none_mask
from .types import AnyArray, BoolArray, IntArray

__all__ = [
    "Condition",
    "Context",
    "Verdict",
    "Window",
    "all_in_window",
    "all_of",
    "any_of",
    "column",
    "consecutive",
    "count_in_window",
    "ever",
    "fact",
    "holds",
    "members",
    "no_member",
    "not_",
    "rank",
    "score",
    "streak",
    "vote_share",
]

Level = Literal["units", "collectives"]


# -- the evaluation context -------------------------------------------------------


@attrs.frozen
class Context:
    """Everything a condition may look at, passed together.

    Parameters
    ----------
    period
        The period assessed (e.g. the year of the achievement).
    history
        Titles and facts by unit and period.
    table, scores, standing
        This period's score table, scores and standing, for conditions on
        columns, score fields and ranks.
    level
        ``"units"`` (the history's own units, default) or ``"collectives"``
        (the history's collectives; member conditions look at their members).
    units
        The ids of the units assessed, when they are not simply the
        history's (or the table's): a unit with no record yet -- formed by a
        merger, say -- is assessed as a unit with no title and missing facts
        in every period, and a unit of the history that is not listed is not
        assessed. The context's ``history`` is then the history read through
        these units (at the context's level; at ``"collectives"`` the
        memberships follow). Ids are checked like every id: duplicates
        (after Unicode NFC normalisation), empty ids and ``None`` are refused.

    The units assessed are ``units`` if given, else those of the history at
    that level, or, without a history, those of the table. A table, scores or
    standing must list the same units, in any order (they are matched by id).

    Examples
    --------
    >>> h = History.from_records([{"unit": "A", "period": 2024, "titles": ["LĐTT"]}])
    >>> ctx = Context(2024, history=h, units=["A", "A+B merged"])
    >>> holds("LĐTT").evaluate(ctx).passed
    array([ True, False])
    """

    period: int
    history: History | None = attrs.field(default=None, kw_only=True)
    table: ScoreTable | None = attrs.field(default=None, kw_only=True)
    scores: Scores | None = attrs.field(default=None, kw_only=True)
    standing: Standing | None = attrs.field(default=None, kw_only=True)
    level: Level = attrs.field(default="units", kw_only=True)
    _units: tuple[str, ...] | None = attrs.field(default=None, kw_only=True, alias="units")

    def __attrs_post_init__(self) -> None:
        if isinstance(self.period, bool) or not isinstance(self.period, int | np.integer):
            raise RuleTypeError(
                f"Context period is a whole number, e.g. 2023 (got {self.period!r})"
            )
        for name, kind in (
            ("history", History),
            ("table", ScoreTable),
            ("scores", Scores),
            ("standing", Standing),
        ):
            expect(getattr(self, name), (kind, type(None)), name, "Context", data=True)
        if not isinstance(self.level, str) or self.level not in ("units", "collectives"):
            raise RuleError(f"level must be 'units' or 'collectives' (got {self.level!r})")
        if self.level == "collectives" and (
            self.history is None or self.history.collectives is None
        ):
            raise DataError(
                "level='collectives' needs a history with collectives (History.from_records("
                "..., member_of=..., collectives=...))"
            )
        if self.table is None and self.scores is not None:
            object.__setattr__(self, "table", self.scores.table)
        if self._units is not None:
            self._read_through_units(self._units)

    def _read_through_units(self, given: object) -> None:
        if isinstance(given, str) or not isinstance(given, Iterable):
            raise DataTypeError(
                f"Context units= is a sequence of unit ids (got {type(given).__name__})"
            )
        ids, problems = check_ids(list(given), where="position")
        if problems:
            raise DataError.collect(problems, "the context's units")
        units = tuple(ids)
        object.__setattr__(self, "_units", units)
        h = self.history
        if h is None:
            return
        if self.level == "units":
            if h.units != units:
                object.__setattr__(self, "history", h._reindexed(units))
        else:
            assert h.collectives is not None
            if h.collectives.units != units:
                object.__setattr__(self, "history", h._with_collectives_reindexed(units))

    @property
    def subjects(self) -> History | None:
        """The history of the units assessed at this level."""
        if self.history is None:
            return None
        return self.history.collectives if self.level == "collectives" else self.history

    @property
    def units(self) -> tuple[str, ...]:
        """The ids of the units assessed."""
        if self._units is not None:
            return self._units
        h = self.subjects
        if h is not None:
            return h.units
        if self.table is not None:
            return self.table.units
        raise DataError("the context has neither a history nor a table: give one of them")

    def at(self, period: int) -> Context:
        """The same context for another period (for windows)."""
        return attrs.evolve(self, period=period)


class _Eval:
    """A context plus what evaluation derives from it (alignment, period index)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.units = ctx.units
        self.n = len(self.units)
        self._align: IntArray | None = None

    def history(self, what: str) -> History:
        h = self.ctx.subjects
        if h is None:
            raise DataError(f"{what} needs a history: give Context(..., history=...)")
        return h

    def period_index(self, period: int | None = None) -> int | None:
        """Index of the period in the history, or None if outside it."""
        h = self.history("a history condition")
        p = self.ctx.period if period is None else period
        return p - h.first if h.first <= p <= h.last else None

    def table_rows(self, table: ScoreTable) -> IntArray | None:
        """Positions in ``table`` of the assessed units (None when they are the same)."""
        if table.units == self.units:
            return None
        if self._align is None:
            self._align = align_ids(table.units, self.units, "the table")
        return self._align


def align_ids(source: Sequence[str], wanted: Sequence[str], what: str) -> IntArray:
    """Positions in ``source`` of each id of ``wanted``, in any order.

    The two must hold the same ids: a unit assessed that ``source`` lacks, or a
    unit of ``source`` that is not assessed, is an error naming them -- rows are
    never dropped or filled silently.
    """
    # One hash lookup per id (C-speed dict building and lookups): faster than sorting
    # text arrays in numpy, and exact for any id (numpy's text arrays drop trailing NULs).
    index = dict(zip(source, range(len(source)), strict=True))
    out: IntArray = np.fromiter(
        (index.get(u, -1) for u in wanted), dtype=np.int64, count=len(wanted)
    )
    if (out < 0).any() or len(source) != len(wanted):
        missing = sorted(u for u in wanted if u not in index)
        assessed = set(wanted)
        extra = sorted(u for u in source if u not in assessed)
        raise DataError(
            f"{what} does not list the units assessed: missing {listing(missing) or 'none'}; "
            f"not assessed {listing(extra) or 'none'}. Give one row per unit assessed (rows "
            "are matched by unit id, in any order)"
        )
    return out


# -- conditions ---------------------------------------------------------------------


class Condition:
    """A predicate over units; combine with ``&``, ``|``, ``~``.

    Not for subclassing outside the library: build conditions from the
    functions of this module, or wrap a function with :func:`predicate`.
    """

    precedence: ClassVar[int] = 3  # for reprs: 1 |, 2 &, 3 atoms
    #: The instrument and article this condition encodes, shown in its explanations;
    #: set with :meth:`cite`. It does not take part in equality or the repr.
    source: str | None = None

    def cite(self, source: str) -> Condition:
        """This condition, citing ``source`` (the article it encodes) in its explanations.

        >>> from emulation_rules import History
        >>> h = History.from_records([{"unit": "An", "period": 2024, "months": 4}])
        >>> tenure = (~(fact("months") < 6)).cite("Thông tư 01/2024/TT-BNV")
        >>> print(tenure.evaluate(Context(2024, history=h)).why_not("An"))
        An fails ~(fact('months') < 6):
          ✗ not fact('months') < 6 (it holds: 4) [Thông tư 01/2024/TT-BNV]
        """
        if not isinstance(source, str) or not source.strip():
            raise RuleTypeError(f"cite takes the citation as a non-empty text (got {source!r})")
        out = copy.copy(self)
        object.__setattr__(out, "source", source)
        return out

    def evaluate(self, context: Context) -> Verdict:
        """Evaluate for every unit of ``context``; the verdict explains every result."""
        if not isinstance(context, Context):
            raise RuleTypeError(
                f"evaluate takes a Context, e.g. Context(2023, history=h) (got {context!r})"
            )
        _check_names(self, context)
        return self._verdict(context)

    def _verdict(self, context: Context) -> Verdict:
        """Evaluate, names already checked."""
        ev = _Eval(context)
        nodes: list[_NodeResult] = []
        self._walk(ev, nodes)
        return Verdict(self, context, ev.units, nodes)

    def _walk(self, ev: _Eval, out: list[_NodeResult]) -> BoolArray:
        mask, detail = self._mask(ev)
        out.append(_NodeResult(self, mask, detail, ()))
        return mask

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:  # pragma: no cover
        raise NotImplementedError

    def mask(self, context: Context) -> BoolArray:
        """Only the pass/fail mask (no explanation kept)."""
        expect(context, Context, "context", f"{self!r}.mask", expected="a Context")
        _check_names(self, context)
        return self._mask(_Eval(context))[0]

    def _reason_values(self, detail: Any, i: int) -> tuple[str, dict[str, Any]]:
        """The reason code and values of this clause for unit ``i`` (see :mod:`.reasons`)."""
        if detail is None:
            return "condition.value", {}
        v = detail[i]
        return "condition.value", {"value": v.item() if isinstance(v, np.generic) else v}

    def _detail_text(self, detail: Any, i: int) -> str:
        code, values = self._reason_values(detail, i)
        return Reason(code, rule=repr(self), values=values).render()

    def __and__(self, other: Condition) -> Condition:
        return all_of(self, other)

    def __or__(self, other: Condition) -> Condition:
        return any_of(self, other)

    def __invert__(self) -> Condition:
        return not_(self)

    def __bool__(self) -> bool:
        raise RuleTypeError(
            f"{self!r} is a rule, not a truth value: combine conditions with & (and), | (or) "
            "and ~ (not) rather than 'and', 'or', 'not', and evaluate with .evaluate(Context(...))"
        )

    def _wrapped(self, parent: int) -> str:
        text = repr(self)
        comparison = isinstance(self, _Compare | _MemberShare | _VoteShare)
        return f"({text})" if self.precedence <= parent or comparison else text


def _conditions(where: str, items: Sequence[object]) -> tuple[Condition, ...]:
    if not items:
        raise RuleError(f"{where} needs at least one condition")
    for c in items:
        if not isinstance(c, Condition):
            raise RuleTypeError(f"{where} takes conditions (got {c!r})")
    return tuple(items)  # type: ignore[arg-type]


@attrs.frozen(repr=False)
class _AllOf(Condition):
    parts: tuple[Condition, ...]
    precedence: ClassVar[int] = 2

    def _walk(self, ev: _Eval, out: list[_NodeResult]) -> BoolArray:
        kids: list[_NodeResult] = []
        mask = np.ones(ev.n, dtype=bool)
        for c in self.parts:
            sub: list[_NodeResult] = []
            mask = mask & c._walk(ev, sub)
            kids.append(sub[-1])
        out.append(_NodeResult(self, mask, None, tuple(kids)))
        return mask

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        mask = np.ones(ev.n, dtype=bool)
        for c in self.parts:
            mask &= c._mask(ev)[0]
        return mask, None

    def __repr__(self) -> str:
        return " & ".join(c._wrapped(self.precedence) for c in self.parts)


@attrs.frozen(repr=False)
class _AnyOf(Condition):
    parts: tuple[Condition, ...]
    precedence: ClassVar[int] = 1

    def _walk(self, ev: _Eval, out: list[_NodeResult]) -> BoolArray:
        kids: list[_NodeResult] = []
        mask = np.zeros(ev.n, dtype=bool)
        for c in self.parts:
            sub: list[_NodeResult] = []
            mask = mask | c._walk(ev, sub)
            kids.append(sub[-1])
        out.append(_NodeResult(self, mask, None, tuple(kids)))
        return mask

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        mask = np.zeros(ev.n, dtype=bool)
        for c in self.parts:
            mask |= c._mask(ev)[0]
        return mask, None

    def __repr__(self) -> str:
        return " | ".join(c._wrapped(self.precedence) for c in self.parts)


@attrs.frozen(repr=False)
class _Not(Condition):
    part: Condition

    def _walk(self, ev: _Eval, out: list[_NodeResult]) -> BoolArray:
        sub: list[_NodeResult] = []
        mask = ~self.part._walk(ev, sub)
        out.append(_NodeResult(self, mask, None, (sub[-1],)))
        return mask

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        return ~self.part._mask(ev)[0], None

    def __repr__(self) -> str:
        inner = repr(self.part)
        simple = isinstance(self.part, _Leaf) and not isinstance(
            self.part, _Compare | _MemberShare | _VoteShare
        )
        return f"~{inner}" if simple else f"~({inner})"


def all_of(*conditions: Condition) -> Condition:
    """All of the conditions (``a & b & c``); nested ``all_of`` flatten.

    >>> all_of(holds("A"), holds("B") & holds("C"))
    holds('A') & holds('B') & holds('C')
    """
    parts: list[Condition] = []
    for c in _conditions("all_of", conditions):
        parts.extend(c.parts if isinstance(c, _AllOf) and c.source is None else (c,))
    return parts[0] if len(parts) == 1 else _AllOf(tuple(parts))


def any_of(*conditions: Condition) -> Condition:
    """Any of the conditions (``a | b | c``); nested ``any_of`` flatten.

    >>> any_of(holds("A") | holds("B"), holds("C"))
    holds('A') | holds('B') | holds('C')
    """
    parts: list[Condition] = []
    for c in _conditions("any_of", conditions):
        parts.extend(c.parts if isinstance(c, _AnyOf) and c.source is None else (c,))
    return parts[0] if len(parts) == 1 else _AnyOf(tuple(parts))


def not_(condition: Condition) -> Condition:
    """The negation (``~a``); ``~~a`` is ``a``.

    >>> not_(not_(holds("A")))
    holds('A')
    """
    (c,) = _conditions("not_", (condition,))
    return c.part if isinstance(c, _Not) else _Not(c)


class _Leaf(Condition):
    """A condition that computes a mask itself."""


# -- values and comparisons ----------------------------------------------------------

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}

_INT64 = np.iinfo(np.int64)


def _compare(op: str, vals: AnyArray, t: Any) -> BoolArray:
    """``vals OP t`` decided exactly, whatever the mix of integers and floats.

    numpy rounds the other side to the array's type: ``float64 >= 2**53 + 1``
    compares with ``2**53`` and ``int64 > 2.0**53`` compares the integers as
    floats, so a threshold and a value that differ by one could compare equal.
    Here a whole-number threshold meets float values through its nearest
    float, and only the values equal to that float are decided by Python's
    exact int/float comparison; a float threshold meets integer values as the
    whole number that decides the same comparison (``v >= 2.5`` is ``v >= 3``).
    """
    fn = _OPS[op]
    kind = vals.dtype.kind
    if isinstance(t, bool | np.bool_) or not isinstance(t, numbers.Real) or kind not in "fiu":
        return np.asarray(fn(vals, t), dtype=bool)
    if kind == "f":
        if isinstance(t, numbers.Integral):
            whole = int(t)
            try:
                near = float(whole)
            except OverflowError:
                near = math.inf if whole > 0 else -math.inf
            out = np.asarray(fn(vals, near), dtype=bool)
            if near != whole:  # only then can the float side differ from the exact one
                out[vals == near] = fn(near, whole)
            return out
        return np.asarray(fn(vals, t), dtype=bool)
    if isinstance(t, numbers.Integral):
        whole = int(t)
    else:
        x = float(t)
        if math.isnan(x):
            return np.full(vals.shape, op == "!=", dtype=bool)
        if not x.is_integer() or math.isinf(x):
            if op in ("==", "!="):
                return np.full(vals.shape, op == "!=", dtype=bool)
            if math.isinf(x):
                return np.full(vals.shape, fn(0, x), dtype=bool)
            whole = math.ceil(x) if op in (">=", "<") else math.floor(x)
        else:
            whole = int(x)
    if not int(_INT64.min) <= whole <= int(_INT64.max):
        # Every int64 value lies on the same side of a whole number past its range.
        return np.full(vals.shape, fn(0, whole), dtype=bool)
    return np.asarray(fn(vals, whole), dtype=bool)


class _Comparable:
    """``>=``, ``>``, ``<=``, ``<``, ``==`` and ``!=`` build conditions through ``_cmp``."""

    def _cmp(self, op: str, other: object) -> Condition:  # pragma: no cover - overridden
        raise NotImplementedError

    def __ge__(self, other: object) -> Condition:
        return self._cmp(">=", other)

    def __gt__(self, other: object) -> Condition:
        return self._cmp(">", other)

    def __le__(self, other: object) -> Condition:
        return self._cmp("<=", other)

    def __lt__(self, other: object) -> Condition:
        return self._cmp("<", other)

    def __eq__(self, other: object) -> Condition:  # type: ignore[override]
        return self._cmp("==", other)

    def __ne__(self, other: object) -> Condition:  # type: ignore[override]
        return self._cmp("!=", other)

    __hash__ = object.__hash__


class _Value(_Comparable):
    """Something per unit that can be compared: ``fact('x') >= 3`` is a condition."""

    def values(self, ev: _Eval) -> tuple[AnyArray, BoolArray]:  # pragma: no cover
        """The values and where they are missing."""
        raise NotImplementedError

    def threshold(self, value: object, ev: _Eval | None) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise RuleTypeError(f"compare {self!r} with a number (got {value!r})")
        if not isinstance(value, int | np.integer) and not math.isfinite(value):
            raise RuleError(f"compare {self!r} with a finite number (got {value!r})")
        return value

    def shown(self, raw: Any) -> Any:
        """The value of one unit as a reason carries it (a plain number or text)."""
        return raw.item() if isinstance(raw, np.generic) else raw

    def label_table(self, ev: _Eval) -> Sequence[str] | None:
        """Names to show for integer codes (an ordinal scale's levels), or None."""
        return None

    def _cmp(self, op: str, other: object) -> Condition:
        return _Compare(self, op, self.threshold(other, None))

    def between(
        self,
        low: object,
        high: object,
        *,
        closed: Literal["both", "left", "right", "neither"] = "both",
    ) -> Condition:
        """``low <= value <= high`` (``closed`` says which ends are included).

        >>> fact("months").between(3, 5, closed="left")
        (fact('months') >= 3) & (fact('months') < 5)
        """
        if not isinstance(closed, str) or closed not in ("both", "left", "right", "neither"):
            raise RuleError(f"closed must be 'both', 'left', 'right' or 'neither' (got {closed!r})")
        lo_t, hi_t = self.threshold(low, None), self.threshold(high, None)
        numbers_ = all(isinstance(v, int | float | np.integer | np.floating) for v in (lo_t, hi_t))
        if numbers_ and (lo_t > hi_t or (lo_t == hi_t and closed != "both")):
            raise RuleError(
                f"{self!r}.between({low!r}, {high!r}, closed={closed!r}) holds for no value: "
                "give the lower bound first, below the upper one"
            )
        lo = self >= low if closed in ("both", "left") else self > low
        hi = self <= high if closed in ("both", "right") else self < high
        return lo & hi


@attrs.frozen(repr=False, eq=False)
class _Compare(_Leaf):
    value: _Value
    op: str
    threshold: Any

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        vals, missing = self.value.values(ev)
        t = (
            self.value.threshold(self.threshold, ev)
            if isinstance(self.threshold, str)
            else self.threshold
        )
        if isinstance(t, str) and self.op not in ("==", "!="):
            raise RuleError(
                f"{self!r}: text is compared with == or != only; declare an ordinal scale "
                "(ordinals={...}) to compare levels"
            )
        with np.errstate(invalid="ignore"):
            mask = _compare(self.op, np.asarray(vals), t)
        if missing.any():
            mask &= ~missing
        # Keep the raw values; words are made for one unit only when asked.
        return mask, (vals, missing, self.value.label_table(ev))

    def _reason_values(self, detail: Any, i: int) -> tuple[str, dict[str, Any]]:
        vals, missing, table = detail
        t = self.threshold
        if missing[i]:
            return "condition.missing", {"op": self.op, "threshold": t}
        v = vals[i]
        value = str(table[int(v)]) if table is not None else self.value.shown(v)
        return "condition.compare", {"value": value, "op": self.op, "threshold": t}

    def __repr__(self) -> str:
        return f"{self.value!r} {self.op} {self.threshold!r}"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Compare)
            and repr(self.value) == repr(other.value)
            and self.op == other.op
            and self.threshold == other.threshold
        )

    def __hash__(self) -> int:
        return hash((repr(self.value), self.op, self.threshold))


def _value_name(fn: str, name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise RuleTypeError(f"{fn}() takes a name (got {name!r})")
    return nfc(name)


@attrs.frozen(repr=False, eq=False)
class _Fact(_Value):
    name: str

    def values(self, ev: _Eval) -> tuple[AnyArray, BoolArray]:
        h = ev.history(f"{self!r}")
        p = ev.period_index()
        arr = h.fact_all(self.name)
        if p is None:
            fill = -1 if self.name in h.ordinals else np.nan
            v = np.full(ev.n, fill, dtype=arr.dtype)
        else:
            v = arr[p]
        if v.dtype == object:
            return v, none_mask(v)
        missing = v < 0 if self.name in h.ordinals else np.isnan(v)
        return v, missing

    def threshold(self, value: object, ev: _Eval | None) -> Any:
        if isinstance(value, str):
            if ev is None:
                return nfc(value)  # checked against the scale when evaluated
            h = ev.history(f"{self!r}")
            if h.fact_all(self.name).dtype == object:
                return nfc(value)  # a text fact: compared for equality
            if self.name not in h.ordinals:
                raise RuleError(
                    f"{self!r} is compared with {value!r}, but {self.name!r} is not an ordinal "
                    "fact of the history; declare its scale with ordinals={...}"
                )
            return h.ordinals[self.name].code(value)
        return super().threshold(value, ev)

    def label_table(self, ev: _Eval) -> Sequence[str] | None:
        scale = ev.history(repr(self)).ordinals.get(self.name)
        return None if scale is None else scale.levels

    def __repr__(self) -> str:
        return f"fact({self.name!r})"


def fact(name: str) -> _Value:
    """A fact of the history in the assessed period (e.g. a rating, months in post).

    Ordinal facts compare with level names: ``fact("rating") >= "HTTNV"``.
    """
    return _Fact(_value_name("fact", name))


@attrs.frozen(repr=False, eq=False)
class _Column(_Value):
    name: str

    def values(self, ev: _Eval) -> tuple[AnyArray, BoolArray]:
        t = ev.ctx.table
        if t is None:
            raise DataError(f"{self!r} needs a table: give Context(..., table=...)")
        x = t.numeric(self.name, needed_by=repr(self))
        if x.ndim != 1:
            raise DataError(f"{self!r}: the column has batch axes; assess one scenario at a time")
        rows = ev.table_rows(t)
        x = x if rows is None else x[rows]
        return x, np.isnan(x)

    def __repr__(self) -> str:
        return f"column({self.name!r})"


def column(name: str) -> _Value:
    """A numeric column of the context's table."""
    return _Column(_value_name("column", name))


@attrs.frozen(repr=False, eq=False)
class _Score(_Value):
    name: str

    def values(self, ev: _Eval) -> tuple[AnyArray, BoolArray]:
        s = ev.ctx.scores
        if s is None:
            raise DataError(f"{self!r} needs scores: give Context(..., scores=...)")
        x = s[self.name]
        if x.ndim != 1:
            raise DataError(f"{self!r}: the scores have batch axes; assess one scenario at a time")
        rows = ev.table_rows(s.table)
        x = x if rows is None else x[rows]
        return x, np.zeros(x.shape, dtype=bool)

    def __repr__(self) -> str:
        return f"score({self.name!r})"


def score(name: str = "total") -> _Value:
    """A field of the context's scores, in points (``score()`` is the total)."""
    return _Score(_value_name("score", name))


@attrs.frozen(repr=False, eq=False)
class _Rank(_Value):
    def values(self, ev: _Eval) -> tuple[AnyArray, BoolArray]:
        st = ev.ctx.standing
        if st is None:
            raise DataError("rank() needs a standing: give Context(..., standing=...)")
        r = st.rank
        if r.ndim != 1:
            raise DataError("rank(): the standing has batch axes; assess one scenario at a time")
        if st.units != ev.units:
            r = r[align_ids(st.units, ev.units, "rank(): the standing")]
        return r, np.zeros(r.shape, dtype=bool)

    def _cmp(self, op: str, other: object) -> Condition:
        t = self.threshold(other, None)
        _never("rank()", op, t, other, low=1, whole=True, what="ranks are whole numbers from 1")
        return _Compare(self, op, t)

    def __repr__(self) -> str:
        return "rank()"


def rank() -> _Value:
    """The rank in the context's standing (1 = best), e.g. ``rank() <= 3``."""
    return _Rank()


# -- titles over time ------------------------------------------------------------------


def _titles(where: str, titles: Sequence[object]) -> tuple[str, ...]:
    if not titles:
        raise RuleError(f"{where} needs at least one title")
    for t in titles:
        if not isinstance(t, str) or not t.strip():
            raise RuleTypeError(f"{where}: titles are names (got {t!r})")
    return tuple(nfc(str(t)) for t in titles)


def _held_any(h: History, titles: Sequence[str], rows: slice | int = slice(None)) -> BoolArray:
    """Held any of ``titles``, for the periods ``rows`` only (no copy of the rest)."""
    out = h.held_all(titles[0])[rows]
    for t in titles[1:]:
        out = out | h.held_all(t)[rows]
    return out


def _title_repr(fn: str, titles: Sequence[str], **opts: Any) -> str:
    args = ", ".join(repr(t) for t in titles)
    more = "".join(f", {k}={v!r}" for k, v in opts.items() if v is not None)
    return f"{fn}({args}{more})"


@attrs.frozen(repr=False)
class _Holds(_Leaf):
    titles: tuple[str, ...]

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        h = ev.history(repr(self))
        p = ev.period_index()
        if p is None:
            return np.zeros(ev.n, dtype=bool), None
        return _held_any(h, self.titles, p), None

    def __repr__(self) -> str:
        return _title_repr("holds", self.titles)


def holds(*titles: str) -> Condition:
    """Holds one of ``titles`` for the assessed period (equivalent titles: list them all).

    >>> holds("LĐTT", "CSTT")
    holds('LĐTT', 'CSTT')
    """
    return _Holds(_titles("holds", titles))


@attrs.frozen(repr=False)
class _Ever(_Leaf):
    titles: tuple[str, ...]
    before: bool

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        h = ev.history(repr(self))
        held = _held_any(h, self.titles)
        p = ev.ctx.period - h.first + (0 if self.before else 1)
        p = min(max(p, 0), held.shape[0])
        last = _last_index(held[:p])
        detail = np.where(last >= 0, last + h.first, -1)
        return last >= 0, detail

    def _reason_values(self, detail: Any, i: int) -> tuple[str, dict[str, Any]]:
        assert detail is not None
        return "condition.ever", {"last": None if detail[i] < 0 else int(detail[i])}

    def __repr__(self) -> str:
        return _title_repr("ever", self.titles, before=True if self.before else None)


def ever(*titles: str, before: bool = False) -> Condition:
    """Held one of ``titles`` in some period up to the assessed one (``before=True``:
    strictly before it)."""
    return _Ever(_titles("ever", titles), bool(before))


def _last_index(held: BoolArray) -> IntArray:
    """Per unit, the last period index where ``held`` is True (-1 if none)."""
    if held.shape[0] == 0:
        return np.full(held.shape[1], -1, dtype=np.int64)
    rev = held[::-1].argmax(axis=0)
    found = held.any(axis=0)
    return np.where(found, held.shape[0] - 1 - rev, -1)


@attrs.frozen(repr=False)
class _Streak(_Leaf):
    titles: tuple[str, ...]
    n: int
    fresh_after: str | None

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        h = ev.history(repr(self))
        p = ev.period_index()
        if p is None:
            return np.zeros(ev.n, dtype=bool), np.zeros(ev.n, dtype=np.int64)
        # Walk back from the assessed period while anybody's run is still alive.
        alive = _held_any(h, self.titles, p).copy()
        run = alive.astype(np.int16)
        q = p - 1
        while q >= 0 and alive.any():
            alive &= _held_any(h, self.titles, q)
            np.add(run, alive, out=run, casting="unsafe")
            q -= 1
        if self.fresh_after is not None:
            # Achievements up to the last earlier award of this kind were used by it.
            used = _last_index(h.held_all(self.fresh_after)[:p])
            run = np.where(used >= 0, np.minimum(run, p - used), run)
        return run >= self.n, run

    def _reason_values(self, detail: Any, i: int) -> tuple[str, dict[str, Any]]:
        assert detail is not None
        return "condition.streak", {"run": int(detail[i]), "needed": self.n}

    def __repr__(self) -> str:
        return _title_repr("streak", self.titles, n=self.n, fresh_after=self.fresh_after)


def _count(where: str, value: object, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise RuleError(f"{where} must be a whole number >= {low} (got {value!r})")
    return int(value)


def streak(*titles: str, n: int, fresh_after: str | None = None) -> Condition:
    """Held one of ``titles`` in each of the ``n`` consecutive periods ending now.

    ``fresh_after``: an award that uses up the achievements it was built on --
    periods up to its last grant before the assessed period are not counted
    again (the non-overlapping windows of Law 06/2022 Art. 5(2), "one
    achievement, one form").

    Examples
    --------
    CSTĐ cấp bộ/tỉnh: three consecutive CSTĐ cơ sở, not already used by an
    earlier CSTĐ cấp bộ (Law 06/2022; see ``vn-emulation-law.md`` A.1):

    >>> streak("CSTĐCS", n=3, fresh_after="CSTĐ_BO")
    streak('CSTĐCS', n=3, fresh_after='CSTĐ_BO')
    """
    return _Streak(
        _titles("streak", titles),
        _count("streak n", n),
        None if fresh_after is None else _titles("fresh_after", (fresh_after,))[0],
    )


@attrs.frozen(repr=False)
class _Consecutive(_Leaf):
    title: str
    n: int
    every: int

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        h = ev.history(repr(self))
        p = ev.period_index()
        if p is None:
            return np.zeros(ev.n, dtype=bool), np.zeros(ev.n, dtype=np.int64)
        held = h.held_all(self.title)
        count = np.zeros(ev.n, dtype=np.int64)
        alive = np.ones(ev.n, dtype=bool)
        for k in range(self.n):
            q = p - k * self.every
            alive &= held[q] if q >= 0 else False
            count += alive
        return count >= self.n, count

    def _reason_values(self, detail: Any, i: int) -> tuple[str, dict[str, Any]]:
        assert detail is not None
        return "condition.consecutive", {
            "run": int(detail[i]),
            "needed": self.n,
            "every": self.every,
        }

    def __repr__(self) -> str:
        return f"consecutive({self.title!r}, n={self.n}, every={self.every})"


def consecutive(title: str, *, n: int, every: int = 1) -> Condition:
    """``title`` awarded ``n`` times in a row, each for the window right after the last.

    An award built on ``every`` periods of achievements (e.g. CSTĐ cấp bộ on
    three years) is consecutive when the next one is for the period ``every``
    later: two consecutive CSTĐ cấp bộ, for 2011 and 2014.

    >>> consecutive("CSTĐ_BO", n=2, every=3)
    consecutive('CSTĐ_BO', n=2, every=3)
    """
    return _Consecutive(
        _titles("consecutive", (title,))[0],
        _count("consecutive n", n),
        _count("consecutive every", every),
    )


# -- windows ---------------------------------------------------------------------------


@attrs.frozen(repr=False)
class Window:
    """The periods a window condition looks at, ending at the assessed period.

    ``Window(5)``: the last five periods. ``Window(since="BK_BO", min_length=5)``:
    the periods after the last award of ``BK_BO`` before the assessed period
    (Decree 98/2023 Art. 30(9): the next proposal is counted from the
    achievement period of the previous award), and at least ``min_length`` of
    them; without an earlier award, from the start of the history.

    >>> Window(since="BK_BO", min_length=5)
    Window(since='BK_BO', min_length=5)
    """

    length: int | None = None
    since: str | None = attrs.field(default=None, kw_only=True)
    min_length: int | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (self.length is None) == (self.since is None):
            raise RuleError(
                "a Window has a fixed length (Window(5)) or starts after an award (Window(since='BK_BO'))"
            )
        if self.length is not None:
            _count("Window length", self.length)
        if self.min_length is not None:
            _count("Window min_length", self.min_length)
            if self.length is not None and self.min_length > self.length:
                raise RuleError(
                    f"Window({self.length}, min_length={self.min_length}) can never be long "
                    f"enough: a window of {self.length} periods is shorter than its min_length"
                )
        if self.since is not None:
            object.__setattr__(self, "since", _titles("Window since", (self.since,))[0])

    def bounds(self, ev: _Eval) -> tuple[IntArray, int]:
        """Per unit, the first period index of the window; and the assessed period's index."""
        h = ev.history(repr(self))
        p = ev.ctx.period - h.first
        if self.length is not None:
            return np.full(ev.n, p - self.length + 1, dtype=np.int64), p
        assert self.since is not None
        last = _last_index(h.held_all(self.since)[: max(p, 0)])
        return np.where(last >= 0, last + 1, 0), p

    def __repr__(self) -> str:
        if self.length is not None:
            return f"Window({self.length})"
        extra = f", min_length={self.min_length}" if self.min_length else ""
        return f"Window(since={self.since!r}{extra})"


def _window(value: object) -> Window:
    if isinstance(value, Window):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Window(value)
    raise RuleTypeError(f"window is a number of periods or a Window(...) (got {value!r})")


@attrs.frozen(repr=False)
class _InWindow(_Leaf):
    condition: Condition
    window: Window
    at_least: int | None  # None: every period of the window

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        h = ev.history(repr(self))
        start, p = self.window.bounds(ev)
        fixed = self.window.length is not None
        lo = int(start.min()) if start.size else p
        # Counts of periods fit in int16 (a history of centuries would not).
        count = np.zeros(ev.n, dtype=np.int16)
        for q in range(lo, p + 1):
            if q < 0 or q > h.last - h.first:
                continue  # before the history: not satisfied
            sub = _Eval(ev.ctx.at(q + h.first))
            sub.units, sub.n, sub._align = ev.units, ev.n, ev._align
            hit = self.condition._mask(sub)[0]
            if not fixed:
                hit = hit & (start <= q)
            np.add(count, hit, out=count, casting="unsafe")
        if fixed:
            length: Any = max(p - int(start[0]) + 1, 0) if start.size else 0
        else:
            length = np.maximum(p - start + 1, 0)
        need = length if self.at_least is None else self.at_least
        ok = count >= need
        if self.window.min_length:
            ok &= np.asarray(length >= self.window.min_length)
        return ok, (count, length)

    def _reason_values(self, detail: Any, i: int) -> tuple[str, dict[str, Any]]:
        counts, lengths = detail
        return "condition.window", {
            "hits": int(counts[i]),
            "length": int(lengths[i]) if np.ndim(lengths) else int(lengths),
            "at_least": self.at_least,
            "min_length": self.window.min_length,
        }

    def __repr__(self) -> str:
        if self.at_least is None:
            return f"all_in_window({self.condition!r}, window={self.window!r})"
        return (
            f"count_in_window({self.condition!r}, at_least={self.at_least}, window={self.window!r})"
        )


def count_in_window(condition: Condition, *, at_least: int, window: int | Window) -> Condition:
    """``condition`` holds in at least ``at_least`` periods of the window.

    Examples
    --------
    Bằng khen of the Prime Minister, individual (Law 06/2022 Art. 73(1)(b)): at
    least three CSTĐ cơ sở in a window of at least five years since the last
    ministry-level certificate:

    >>> count_in_window(holds("CSTĐCS"), at_least=3, window=Window(since="BK_BO", min_length=5))
    count_in_window(holds('CSTĐCS'), at_least=3, window=Window(since='BK_BO', min_length=5))
    """
    if not isinstance(condition, Condition):
        raise RuleTypeError(f"count_in_window takes a condition (got {condition!r})")
    win, need = _window(window), _count("at_least", at_least)
    if win.length is not None and need > win.length:
        raise RuleError(
            f"count_in_window(..., at_least={need}, window={win!r}) can never hold: a window of "
            f"{win.length} periods cannot hold {need} of them; widen the window or lower at_least"
        )
    return _InWindow(condition, win, need)


def all_in_window(condition: Condition, *, window: int | Window) -> Condition:
    """``condition`` holds in every period of the window (which must exist in full)."""
    if not isinstance(condition, Condition):
        raise RuleTypeError(f"all_in_window takes a condition (got {condition!r})")
    return _InWindow(condition, _window(window), None)


# -- members of collectives -------------------------------------------------------------


def _share_value(value: object) -> Fraction:
    return _exact.share(value, zero_ok=True)


@attrs.frozen(repr=False, eq=False)
class _MemberCounts(_Value):
    condition: Condition
    kind: Literal["share", "count"]

    def _cmp(self, op: str, other: object) -> Condition:
        t = self.threshold(other, None)
        if self.kind == "count":
            what = "a count of members is a whole number >= 0"
            _never(repr(self), op, t, other, low=0, whole=True, what=what)
        return _Compare(self, op, t)

    def counts(self, ev: _Eval) -> tuple[IntArray, IntArray]:
        ctx = ev.ctx
        if ctx.level != "collectives":
            raise DataError(
                f"{self!r} assesses collectives: give Context(..., level='collectives')"
            )
        h = ctx.history
        assert h is not None
        assert h.member_of is not None
        p = ctx.period - h.first
        n_coll = ev.n
        if not 0 <= p <= h.last - h.first:
            z = np.zeros(n_coll, dtype=np.int64)
            return z, z
        member = h.member_of[p]
        sub = Context(ctx.period, history=h, level="units")
        ok = self.condition._mask(_Eval(sub))[0]  # names were checked with the whole rule
        inside = member >= 0
        size = np.bincount(member[inside], minlength=n_coll)
        hits = np.bincount(member[inside & ok], minlength=n_coll)
        return hits, size

    def values(self, ev: _Eval) -> tuple[AnyArray, BoolArray]:
        hits, size = self.counts(ev)
        if self.kind == "count":
            return hits, np.zeros(hits.shape, dtype=bool)
        with np.errstate(invalid="ignore", divide="ignore"):
            return hits / np.where(size > 0, size, 1), size == 0

    def threshold(self, value: object, ev: _Eval | None) -> Any:
        if self.kind == "share":
            return _share_value(value)
        return super().threshold(value, ev)

    def __repr__(self) -> str:
        return f"members({self.condition!r}).{self.kind}()"


@attrs.frozen(repr=False, eq=False)
class _MemberShare(_Leaf):
    """An exact comparison of a member share: ``hits * den OP num * size`` in integers."""

    counts: _MemberCounts
    op: str
    share: Fraction

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        hits, size = self.counts.counts(ev)
        lhs = hits * self.share.denominator
        rhs = size * self.share.numerator
        mask = np.asarray(_OPS[self.op](lhs, rhs), dtype=bool) & (size > 0)
        return mask, np.stack([hits, size])

    def _reason_values(self, detail: Any, i: int) -> tuple[str, dict[str, Any]]:
        assert detail is not None
        return "condition.member_share", {
            "members": int(detail[0, i]),
            "of": int(detail[1, i]),
            "op": self.op,
            "share": self.share,
        }

    def __repr__(self) -> str:
        return f"{self.counts!r} {self.op} {_exact.share_repr(self.share)}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _MemberShare) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))


def _never(
    label: str,
    op: str,
    t: Any,
    shown: object,
    *,
    low: float,
    high: float | None = None,
    whole: bool = False,
    what: str,
) -> None:
    """Refuse ``value op t`` when no possible value (in ``[low, high]``, whole numbers if
    ``whole``) satisfies it: a rule that nobody can ever meet is a typo, not a rule."""
    if not isinstance(t, int | float | np.integer | np.floating | Fraction):
        return
    never = (
        (op == "<" and t <= low)
        or (op == "<=" and t < low)
        or (op == ">" and high is not None and t >= high)
        or (op == ">=" and high is not None and t > high)
        or (op == "==" and (t < low or (high is not None and t > high)))
        or (op == "==" and whole and t != math.floor(t))
    )
    if never:
        raise RuleError(f"{label} {op} {shown!r} holds for no unit: {what}")


class _Members:
    """``members(cond)``: aggregate a condition over each collective's members."""

    def __init__(self, condition: Condition) -> None:
        if not isinstance(condition, Condition):
            raise RuleTypeError(f"members() takes a condition on individuals (got {condition!r})")
        self.condition = condition

    def share(self) -> _ShareValue:
        """The share of members satisfying the condition, compared exactly."""
        return _ShareValue(_MemberCounts(self.condition, "share"))

    def count(self) -> _Value:
        """The number of members satisfying the condition."""
        return _MemberCounts(self.condition, "count")

    def __repr__(self) -> str:
        return f"members({self.condition!r})"


class _ShareValue(_Comparable):
    """Comparisons of a member share build exact integer comparisons."""

    def __init__(self, counts: _MemberCounts) -> None:
        self.counts = counts

    def _cmp(self, op: str, other: object) -> Condition:
        share = _share_value(other)
        _never(repr(self), op, share, other, low=0, high=1, what="a share lies in [0, 1]")
        return _MemberShare(self.counts, op, share)

    def __repr__(self) -> str:
        return repr(self.counts)


def members(condition: Condition) -> _Members:
    """The members of each collective (this period) that satisfy ``condition``.

    Shares compare exactly, in integers: ``members(c).share() >= 0.7`` is
    ``count * 10 >= 7 * size``, so 16 of 23 (69.6 %) fails and 17 passes.

    Examples
    --------
    Tập thể lao động xuất sắc (Law 06/2022 Art. 27(1)):

    >>> ttldxs = (
    ...     (members(fact("rating") >= "HTNV").share() == 1)
    ...     & (members(holds("LĐTT")).share() >= 0.7)
    ...     & (members(holds("CSTĐCS")).count() >= 1)
    ... )
    """
    return _Members(condition)


def no_member(condition: Condition) -> Condition:
    """No member of the collective satisfies ``condition`` this period."""
    return _Members(condition).count() == 0


@attrs.frozen(repr=False)
class _VoteShare(_Leaf):
    yes: str
    of: str
    op: str
    share: Fraction

    def _mask(self, ev: _Eval) -> tuple[BoolArray, Any]:
        yes, m1 = _Any(self.yes).values(ev)
        den, m2 = _Any(self.of).values(ev)
        bad = ~(m1 | m2) & (
            (yes < 0) | (den <= 0) | (yes > den) | (yes != np.round(yes)) | (den != np.round(den))
        )
        if bad.any():
            units = [ev.units[int(i)] for i in np.flatnonzero(bad)]
            raise DataError(
                f"{self!r}: votes must be whole numbers with 0 <= {self.yes} <= {self.of} and "
                f"{self.of} > 0; check {listing(units)}"
            )
        y = np.where(m1 | m2, 0, yes).astype(np.int64)
        d = np.where(m1 | m2, 1, den).astype(np.int64)
        mask = np.asarray(
            _OPS[self.op](y * self.share.denominator, d * self.share.numerator), dtype=bool
        )
        return mask & ~(m1 | m2), np.stack([y, d])

    def _reason_values(self, detail: Any, i: int) -> tuple[str, dict[str, Any]]:
        assert detail is not None
        return "condition.vote_share", {
            "yes": int(detail[0, i]),
            "of": int(detail[1, i]),
            "op": self.op,
            "share": self.share,
        }

    def __repr__(self) -> str:
        return f"vote_share({self.yes!r}, of={self.of!r}) {self.op} {_exact.share_repr(self.share)}"


@attrs.frozen(repr=False, eq=False)
class _Any(_Value):
    """A name read from the table if it has it, else from the history's facts."""

    name: str

    def values(self, ev: _Eval) -> tuple[AnyArray, BoolArray]:
        t = ev.ctx.table
        if t is not None and self.name in t:
            return _Column(self.name).values(ev)
        h = ev.ctx.subjects
        if h is not None and self.name in h.facts:
            return _Fact(self.name).values(ev)
        if t is None and h is None:
            raise DataError(
                f"{self.name!r} needs a table or a history: give Context(..., table=...)"
            )
        # Suggest among both sources: a misspelt vote column must not read as a missing fact.
        choices = [*(t.columns if t is not None else ()), *(h.facts if h is not None else ())]
        raise unknown("column or fact", self.name, choices, "(a table column or a history fact)")


class _VoteValue(_Comparable):
    def __init__(self, yes: str, of: str) -> None:
        self.yes, self.of = yes, of

    def _cmp(self, op: str, other: object) -> Condition:
        share = _share_value(other)
        label = f"vote_share({self.yes!r}, of={self.of!r})"
        _never(label, op, share, other, low=0, high=1, what="a vote share lies in [0, 1]")
        return _VoteShare(self.yes, self.of, op, share)


def vote_share(yes: str, *, of: str) -> _VoteValue:
    """Votes in favour over a declared denominator, compared exactly.

    ``of`` names the denominator: all council members (old Decree 91/2017 Art.
    45(8): at least 90 % of *all* members, absentees voting in writing) or those
    present -- whichever column or fact the rule names.

    >>> vote_share("yes_votes", of="council_members") >= 0.9
    vote_share('yes_votes', of='council_members') >= 0.9
    """
    return _VoteValue(nfc(yes), nfc(of))


# -- names ---------------------------------------------------------------------------


def _nodes(c: Condition, inner: bool = False) -> Iterator[tuple[Condition, bool]]:
    """Every node of the condition tree ``c``, parents first: ``(node, inner)``.

    ``inner`` marks the nodes of a member condition (``members(...)``,
    ``no_member``): they are evaluated on the individuals, not on the
    collectives. The one walk every analysis of a rule goes through (names,
    decision order, the data a cascade needs), so a new kind of node is taught
    to all of them here.
    """
    yield c, inner
    if isinstance(c, _AllOf | _AnyOf):
        for part in c.parts:
            yield from _nodes(part, inner)
    elif isinstance(c, _Not):
        yield from _nodes(c.part, inner)
    elif isinstance(c, _InWindow):
        yield from _nodes(c.condition, inner)
    elif isinstance(c, _MemberShare):
        yield from _nodes(c.counts.condition, True)
    elif isinstance(c, _Compare) and isinstance(c.value, _MemberCounts):
        yield from _nodes(c.value.condition, True)


def _title_uses(c: Condition) -> Iterator[tuple[str, str, bool]]:
    """Every title ``c`` names: ``(title, the rule naming it, inner)``, in the rule's order
    (``inner`` as in :func:`_nodes`)."""
    for node, inner in _nodes(c):
        where = f"in {node!r}"
        if isinstance(node, _Holds | _Ever):
            yield from ((t, where, inner) for t in node.titles)
        elif isinstance(node, _Streak):
            yield from ((t, where, inner) for t in node.titles)
            if node.fresh_after is not None:
                yield node.fresh_after, where, inner
        elif isinstance(node, _Consecutive):
            yield node.title, where, inner
        elif isinstance(node, _InWindow) and node.window.since is not None:
            yield node.window.since, where, inner


def _check_names(condition: Condition, context: Context) -> None:
    """Every title ``condition`` names is known to the context's history, or an error.

    Known: granted in some period (revoked or not) or declared; titles of a
    member condition are looked up among the individuals' titles. Without a
    history there is nothing to check against (a title condition then says it
    needs one).
    """
    h, subjects = context.history, context.subjects
    if h is None or subjects is None:
        return
    uses = list(_title_uses(condition))
    resolve(((t, w) for t, w, inner in uses if not inner), subjects.known_titles)
    if context.level == "collectives":  # elsewhere a member condition says it needs them
        resolve(((t, w) for t, w, inner in uses if inner), h.known_titles)


# -- verdicts ------------------------------------------------------------------------


@attrs.frozen
class _NodeResult:
    condition: Condition
    mask: BoolArray
    detail: Any
    children: tuple[_NodeResult, ...]


class Verdict:
    """The outcome of evaluating a condition: who passed, and why each unit did not.

    ``passed`` is aligned with ``units``. :meth:`failed_clauses` gives, in bulk,
    which clauses (leaves of the condition) each unit failed; :meth:`why_not`
    and :meth:`explain` say it in words for one unit, from the same arrays.
    """

    def __init__(
        self,
        condition: Condition,
        context: Context,
        units: tuple[str, ...],
        nodes: list[_NodeResult],
    ) -> None:
        self.condition = condition
        self.context = context
        self.units = units
        self._root = nodes[-1]
        self._leaves = [n for n in _flatten(self._root) if not n.children]
        self._index: dict[str, int] | None = None

    @property
    def passed(self) -> BoolArray:
        """Whether each unit satisfies the condition."""
        return self._root.mask

    @property
    def eligible(self) -> tuple[str, ...]:
        """The ids of the units that pass."""
        return tuple(u for u, ok in zip(self.units, self.passed.tolist(), strict=True) if ok)

    @property
    def clauses(self) -> tuple[str, ...]:
        """The leaf clauses, in order: clause code k is ``clauses[k]``."""
        return tuple(repr(n.condition) for n in self._leaves)

    def failed_clauses(self) -> BoolArray:
        """``(clauses, units)``: where each leaf clause evaluated false."""
        return (
            np.stack([~n.mask for n in self._leaves])
            if self._leaves
            else np.zeros((0, len(self.units)), bool)
        )

    def failure_codes(self) -> AnyArray:
        """Per unit, a bit mask (uint64) of the clauses that made it fail; 0 for a pass.

        Bit k stands for ``clauses[k]``. Only clauses whose outcome made the
        unit fail are set: a failed alternative of an ``|`` that passed anyway
        is not a reason, and under ``~`` the reason is a clause that *held*.
        Conditions of more than 64 clauses: use :meth:`blamed_clauses`.
        """
        blamed = self.blamed_clauses()
        if blamed.shape[0] > 64:
            raise DataError(
                f"{len(self.clauses)} clauses do not fit a 64-bit code; use blamed_clauses()"
            )
        codes = np.zeros(len(self.units), dtype=np.uint64)
        for k in range(blamed.shape[0]):
            codes[blamed[k]] |= np.uint64(1) << np.uint64(k)
        return codes

    def blamed_clauses(self) -> BoolArray:
        """``(clauses, units)``: which clauses made each unit fail (see :meth:`failure_codes`)."""
        out = np.zeros((len(self._leaves), len(self.units)), dtype=bool)
        leaf_pos = {id(n): k for k, n in enumerate(self._leaves)}

        def blame(node: _NodeResult, region: BoolArray, want: bool) -> None:
            wrong = region & (node.mask != want)
            if not node.children:
                out[leaf_pos[id(node)]] |= wrong
            elif isinstance(node.condition, _Not):
                blame(node.children[0], wrong, not want)
            else:
                for kid in node.children:
                    blame(kid, wrong, want)

        blame(self._root, np.ones(len(self.units), dtype=bool), True)
        return out

    def _i(self, unit: str) -> int:
        if self._index is None:
            self._index = {u: i for i, u in enumerate(self.units)}
        key = nfc(str(unit))
        if key not in self._index:
            raise unknown("unit", str(unit), self.units, "in this verdict")
        return self._index[key]

    def reason(self, unit: str) -> Reason:
        """Why ``unit`` passes or fails, as data: the condition tree with each clause's values.

        The root (code ``eligibility.verdict``) has one part, the condition's own reason;
        composite clauses (``condition.all_of``, ``condition.any_of``, ``condition.not``)
        hold their parts; every reason carries ``passed`` among its values.
        """
        i = self._i(unit)

        def node(n: _NodeResult) -> Reason:
            passed = bool(n.mask[i])
            if n.children:
                code = _COMPOSITE[type(n.condition).__name__]
                return Reason(
                    code,
                    rule=repr(n.condition),
                    values={"passed": passed},
                    parts=tuple(node(k) for k in n.children),
                    source=_source(n.condition),
                )
            code, values = n.condition._reason_values(n.detail, i)
            return Reason(
                code,
                rule=repr(n.condition),
                values={"passed": passed, **values},
                source=_source(n.condition),
            )

        return Reason(
            "eligibility.verdict",
            rule=repr(self.condition),
            values={"passed": bool(self.passed[i]), "period": self.context.period},
            units=(self.units[i],),
            parts=(node(self._root),),
        )

    def explain(self, unit: str, *, language: Language = "en") -> str:
        """The whole condition tree for ``unit``, each part marked ✓ or ✗ with its value."""
        return render_tree(self.reason(unit), language)

    def why_not(self, unit: str, *, language: Language = "en") -> str:
        """Only the clauses that made ``unit`` fail (or that it passes)."""
        return render_failed(self.reason(unit), language)

    def to_dict(self, unit: str | None = None) -> dict[str, Any]:
        """The explanation tree of ``unit`` as plain data (each node with its reason code
        and values, and its value in words); without ``unit``, the whole verdict: who
        passed, and every unit's reason (:meth:`reason`) as data."""
        if unit is None:
            return {
                "condition": repr(self.condition),
                "period": self.context.period,
                "passed": dict(zip(self.units, self.passed.tolist(), strict=True)),
                "reasons": {u: self.reason(u).to_dict() for u in self.units},
            }

        def node(r: Reason) -> dict[str, Any]:
            values = r.to_dict()["values"]
            d: dict[str, Any] = {
                "condition": r.rule,
                "passed": values.pop("passed"),
                "code": r.code,
            }
            if r.source is not None:
                d["source"] = r.source
            if r.code in _COMPOSITE_KIND:
                d["kind"] = _COMPOSITE_KIND[r.code]
                d["parts"] = [node(k) for k in r.parts]
            else:
                d["values"] = values
                d["value"] = r.render()
            return d

        root = self.reason(unit)
        return {"unit": root.units[0], "period": self.context.period, **node(root.parts[0])}

    def __repr__(self) -> str:
        return f"<Verdict {int(self.passed.sum())} of {len(self.units)} pass {self.condition!r}>"


def _source(c: Condition) -> str | None:
    """The citation a condition carries, if any."""
    return c.source


def _flatten(node: _NodeResult) -> list[_NodeResult]:
    out = [node]
    for k in node.children:
        out.extend(_flatten(k))
    return out


_COMPOSITE = {"_AllOf": "condition.all_of", "_AnyOf": "condition.any_of", "_Not": "condition.not"}
