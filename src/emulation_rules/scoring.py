"""The points table: criteria, groups, bonus and deductions, and the scores they give.

A :class:`Scorecard` turns a :class:`~emulation_rules.ScoreTable` into
:class:`Scores`. Totals are exact at the scorecard's declared resolution:
every item's points are rounded to whole *ticks* of the resolution once, and
everything after that -- caps, subtotals, bonus, deductions, the total -- is
integer arithmetic on ticks. Reordering criteria or units therefore never
changes which units tie, and a ranking can use the integer totals directly.

The order of computation (``model="sum"``, the default):

1. each criterion: ``fraction = scale(raw)`` in [0, 1] (a missing raw value
   follows the criterion's ``missing`` policy), then
   ``points = round(fraction * max_points)`` to whole ticks -- a value within
   ``2**-30 + 2**-44 * max_ticks`` ticks of a rounding boundary counts as on it
   (for a bonus or deduction, ``2**-44`` of the unit's own amount), so decimal
   inputs round as written;
2. each group, innermost first: ``subtotal = min(sum of its items, cap)``;
3. each bonus / penalty item: ``round(per * value)`` to ticks, then
   ``min(., cap)``;
4. ``total = clamp(sum of top-level criteria and groups
   + min(sum of bonus, bonus_cap) - min(sum of penalties, penalty_cap), floor, cap)``.

With ``model="product"`` (the MCDA weighted product model) the total is
``total_points * prod(fraction_j ** w_j)`` with the weights ``w_j`` the
criteria's points divided by their sum, rounded once to ticks. A power
magnifies the float noise of a fraction that is 0 in exact arithmetic
(``(1e-16) ** 0.25`` is 1e-4), so a fraction within that noise of 0 counts as
exactly 0: within 2**-48 (16 units in the last place of 1) for the scales that
compute it as a difference from a constant (lower-is-better ``Vector``,
``ZScore``, ``PiecewiseLinear``), and only an exact
0 for the others, whose small fractions are as precise as the values (a
``MinMax`` fraction of 1e-20 is kept). A fraction within 2**-48 of 1 counts as
exactly 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, Literal, TypeAlias

import attrs
import numpy as np

from . import _kernels as K
from . import _threads
from ._checks import expect, require, scenario_index
from ._names import listing, nfc, unknown
from ._repr import code_repr
from .errors import DataError, MissingValueError, RuleError, RuleTypeError, UnknownNameError
from .explain import Explanation
from .scales import Scale, _UnitValuesError
from .table import ScoreTable
from .types import AnyArray, BoolArray, FloatArray, IntArray, RoundingMode

__all__ = [
    "Bonus",
    "Criterion",
    "Group",
    "MissingPolicy",
    "Penalty",
    "ScoreExplanation",
    "Scorecard",
    "Scores",
]

#: What a criterion does with a unit whose raw value is missing: ``"error"``
#: (raise, naming the units), ``"zero"`` (no points), or a float in [0, 1]: that
#: fraction of the criterion's points.
MissingPolicy: TypeAlias = Literal["error", "zero"] | float

_RESERVED = frozenset({"total", "bonus", "penalty", "base"})
_ROUNDING = ("half_up", "half_even", "down", "up")


def _number(where: str, value: object, *, positive: bool = False, allow_none: bool = False) -> Any:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise RuleTypeError(f"{where} must be a number (got {value!r})")
    v = float(value)
    if not math.isfinite(v) or v < 0 or (positive and v == 0):
        need = "> 0" if positive else ">= 0"
        raise RuleError(f"{where} must be finite and {need} (got {value!r})")
    return v


def _check_missing(where: str, value: object) -> MissingPolicy:
    if isinstance(value, str) and value in ("error", "zero"):
        return value  # type: ignore[return-value]
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    raise RuleError(
        f"{where}: missing must be 'error', 'zero' or a fraction in [0, 1] of the points "
        f"(got {value!r})"
    )


def _name(where: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleTypeError(f"{where} must be a non-empty text (got {value!r})")
    return nfc(value)


def _group_name(value: object) -> str:
    return _name("Group name", value)


def _same_as_column(self: Any) -> str:
    return str(self.column)


@attrs.frozen(repr=False)
class Criterion:
    """One line of the points table: a column, its maximum points and a scale.

    Parameters
    ----------
    column
        The table column holding the raw metric.
    points
        The maximum points (or, under a parent with ``points=``/``total=``,
        the weight relative to its siblings).
    scale
        How a raw value becomes a fraction of the points (see
        :mod:`emulation_rules.scales`).
    lower_is_better
        The metric is better when lower (each scale documents its formula).
    missing
        ``"error"`` (default), ``"zero"``, or a fraction in [0, 1] of the
        points given to a unit with no value.
    name
        The name of the criterion's points in :class:`Scores` (default: the
        column).
    label
        Human-readable text shown by ``explain``.

    Examples
    --------
    >>> from emulation_rules import Target
    >>> Criterion("clearance_rate", 30, scale=Target(0.75))
    Criterion('clearance_rate', 30.0, scale=Target(0.75))
    """

    column: str
    points: float
    scale: Scale = attrs.field(kw_only=True)
    lower_is_better: bool = attrs.field(default=False, kw_only=True)
    missing: MissingPolicy = attrs.field(default="error", kw_only=True)
    name: str = attrs.field(default=attrs.Factory(_same_as_column, takes_self=True), kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "column", _name("Criterion column", self.column))
        object.__setattr__(self, "name", _name("Criterion name", self.name))
        where = f"criterion {self.name!r}"
        object.__setattr__(self, "points", _number(f"{where} points", self.points, positive=True))
        if not isinstance(self.scale, Scale):
            raise RuleTypeError(
                f"{where}: scale must be a Scale such as Linear(0, 1) or Target(0.75) "
                f"(got {self.scale!r})"
            )
        object.__setattr__(self, "missing", _check_missing(where, self.missing))
        # bool("no") is True: a flag given as anything but a bool is refused, not guessed.
        expect(self.lower_is_better, (bool, np.bool_), "lower_is_better", where, expected="a bool")
        object.__setattr__(self, "lower_is_better", bool(self.lower_is_better))
        self.scale.check_direction(self.lower_is_better, where)

    def __repr__(self) -> str:
        return code_repr(self, 2)


@attrs.frozen(repr=False)
class _Adjustment:
    """Shared shape of :class:`Bonus` and :class:`Penalty`."""

    kind: ClassVar[str] = ""
    column: str
    per: float
    cap: float | None = attrs.field(default=None, kw_only=True)
    missing: Literal["error", "zero"] = attrs.field(default="error", kw_only=True)
    name: str = attrs.field(default=attrs.Factory(_same_as_column, takes_self=True), kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "column", _name(f"{self.kind} column", self.column))
        object.__setattr__(self, "name", _name(f"{self.kind} name", self.name))
        where = f"{self.kind} {self.name!r}"
        object.__setattr__(
            self, "per", _number(f"{where} per (points per item)", self.per, positive=True)
        )
        object.__setattr__(self, "cap", _number(f"{where} cap", self.cap, allow_none=True))
        if not isinstance(self.missing, str) or self.missing not in ("error", "zero"):
            raise RuleError(f"{where}: missing must be 'error' or 'zero' (got {self.missing!r})")

    def __repr__(self) -> str:
        return code_repr(self, 2)


@attrs.frozen(repr=False)
class Bonus(_Adjustment):
    """Bonus points: ``per`` points for each item (or unit) in ``column``, up to ``cap``.

    Examples
    --------
    >>> Bonus("initiatives", 0.5, cap=2)
    Bonus('initiatives', 0.5, cap=2.0)
    """

    kind: ClassVar[str] = "bonus"


@attrs.frozen(repr=False)
class Penalty(_Adjustment):
    """Deducted points: ``per`` points for each item (or unit) in ``column``, up to ``cap``.

    Examples
    --------
    >>> Penalty("violations", 2)
    Penalty('violations', 2.0)
    """

    kind: ClassVar[str] = "penalty"


def _items(value: object) -> tuple[Any, ...]:
    if isinstance(value, Criterion | Group | Bonus | Penalty) or not isinstance(value, Sequence):
        raise RuleTypeError(
            f"items must be a list of Criterion, Group, Bonus or Penalty (got {value!r})"
        )
    return tuple(value)


@attrs.frozen(repr=False)
class Group:
    """A named group of criteria (and sub-groups) with its own cap and weight.

    Parameters
    ----------
    name
        The name of the subtotal in :class:`Scores`.
    items
        Criteria and groups.
    points
        When given, the items' points are read as weights and rescaled so that
        the group's items are worth ``points`` together.
    cap
        The subtotal never exceeds ``cap`` points.

    Examples
    --------
    >>> from emulation_rules import Linear
    >>> Group("xây dựng lực lượng", [Criterion("training", 10, scale=Linear(0, 1))], cap=8)
    Group('xây dựng lực lượng', (Criterion('training', 10.0, scale=Linear(0.0, 1.0)),), cap=8.0)
    """

    name: str = attrs.field(converter=_group_name)
    items: tuple[Criterion | Group, ...] = attrs.field(converter=_items)
    points: float | None = attrs.field(default=None, kw_only=True)
    cap: float | None = attrs.field(default=None, kw_only=True)
    label: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        where = f"group {self.name!r}"
        object.__setattr__(
            self, "points", _number(f"{where} points", self.points, positive=True, allow_none=True)
        )
        object.__setattr__(self, "cap", _number(f"{where} cap", self.cap, allow_none=True))
        if not self.items:
            raise RuleError(f"{where} has no items; give it at least one criterion")
        if self.points is not None:
            _no_caps_under_weights(self.items, f"{where}'s points=")
        for it in self.items:
            if isinstance(it, Bonus | Penalty):
                raise RuleError(
                    f"{where}: {it.kind} {it.name!r} must be a top-level item of the Scorecard "
                    "(bonus and deductions apply to the total)"
                )
            if not isinstance(it, Criterion | Group):
                raise RuleTypeError(f"{where}: items must be Criterion or Group (got {it!r})")

    def __repr__(self) -> str:
        return code_repr(self, 2)


def _no_caps_under_weights(items: Sequence[Any], whose: str) -> None:
    """Refuse a capped group below a rescaling parent: its cap would be in weight units."""
    for it in _walk(items):
        if isinstance(it, Group) and it.cap is not None:
            raise RuleError(
                f"group {it.name!r} has a cap, but under {whose} the items are weights, rescaled "
                "to points: a cap in weight units has no meaning. Give the items absolute points "
                "instead of a total/points, or drop the cap"
            )


# -- the compiled form of a scorecard ------------------------------------------------


@attrs.frozen
class _Node:
    """A flattened scorecard item with its effective maximum in points."""

    kind: str  # "criterion" | "group" | "bonus" | "penalty"
    item: Any
    max_points: float
    parent: int  # index of the parent group node, -1 for the top level
    row: int  # row in Scores' item or group arrays


def _flatten(
    items: Sequence[Any],
    scale_to: float | None,
    parent: int,
    out: list[_Node],
    counters: dict[str, int],
) -> float:
    """Append nodes for ``items`` (post-order for groups); return their combined maximum."""
    weights = [
        it.points if isinstance(it, Criterion) else (it.points or _group_weight(it))
        for it in items
        if isinstance(it, Criterion | Group)
    ]
    factor = scale_to / sum(weights) if scale_to is not None and weights else 1.0
    total = 0.0
    for it in items:
        if isinstance(it, Criterion):
            m = it.points * factor
            out.append(_Node("criterion", it, m, parent, counters["item"]))
            counters["item"] += 1
            total += m
        elif isinstance(it, Group):
            me = len(out)
            out.append(_Node("group", it, 0.0, parent, counters["group"]))
            counters["group"] += 1
            own = it.points * factor if it.points is not None else None
            if own is None and factor != 1.0:
                own = _group_weight(it) * factor
            inner = _flatten(it.items, own, me, out, counters)
            m = min(inner, it.cap) if it.cap is not None else inner
            out[me] = attrs.evolve(out[me], max_points=m)
            total += m
    return total


def _group_weight(g: Group) -> float:
    if g.points is not None:
        return g.points
    inner = sum(it.points if isinstance(it, Criterion) else _group_weight(it) for it in g.items)
    return min(inner, g.cap) if g.cap is not None else inner


def _walk(items: Sequence[Any]) -> Iterator[Any]:
    for it in items:
        yield it
        if isinstance(it, Group):
            yield from _walk(it.items)


@attrs.frozen(repr=False)
class Scorecard:
    """The points table: items, caps, and the resolution totals are exact at.

    Parameters
    ----------
    items
        :class:`Criterion`, :class:`Group`, :class:`Bonus` and :class:`Penalty`
        objects. Names must be unique across the card and may not be
        ``total``, ``bonus``, ``penalty`` or ``base``.
    resolution
        Points are whole multiples of this (e.g. 0.01, 0.25 or 1).
    rounding
        How an item's points are rounded to the resolution: ``"half_up"``
        (default), ``"half_even"``, ``"down"`` or ``"up"``. Half up means
        towards +infinity, for negative amounts too (-2.5 ticks are -2); a
        value within the tolerance of the module docstring of a halfway point
        counts as on it. Every tick count (points, caps, subtotals, the total,
        a bonus from its data) must stay within 2**40: more is refused.
    total
        When given, the top-level criteria and groups are weights, rescaled so
        that they are worth ``total`` together (the MCDA weighted-sum model:
        ``total=1`` with a relative scale such as ``MinMax()``). A group without
        ``points=`` weighs the sum of its items' points; caps are refused under
        weights.
    cap, floor
        Clamp the total to ``[floor, cap]``.
    bonus_cap, penalty_cap
        Caps on the summed bonus and on the summed deductions.
    model
        ``"sum"`` (the additive points table, default) or ``"product"`` (the
        MCDA weighted product model: criteria only).

    Examples
    --------
    >>> from emulation_rules import ScoreTable, Target, Linear
    >>> card = Scorecard(
    ...     [
    ...         Criterion("clearance", 60, scale=Target(0.75)),
    ...         Criterion("drug_cases", 40, scale=Linear(0, 500)),
    ...         Bonus("initiatives", 0.5, cap=2),
    ...     ],
    ...     resolution=0.25,
    ... )
    >>> table = ScoreTable({
    ...     "unit": ["Phú Yên", "Khánh Hòa"],
    ...     "clearance": [0.70, 0.88],
    ...     "drug_cases": [180, 260],
    ...     "initiatives": [1, 6],
    ... })
    >>> card.score(table).total
    array([71.  , 82.75])
    """

    items: tuple[Criterion | Group | Bonus | Penalty, ...] = attrs.field(converter=_items)
    resolution: float = attrs.field(default=0.01, kw_only=True)
    rounding: RoundingMode = attrs.field(default="half_up", kw_only=True)
    total: float | None = attrs.field(default=None, kw_only=True)
    cap: float | None = attrs.field(default=None, kw_only=True)
    floor: float | None = attrs.field(default=None, kw_only=True)
    bonus_cap: float | None = attrs.field(default=None, kw_only=True)
    penalty_cap: float | None = attrs.field(default=None, kw_only=True)
    model: Literal["sum", "product"] = attrs.field(default="sum", kw_only=True)
    _nodes: tuple[_Node, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        res = _number("Scorecard resolution", self.resolution, positive=True)
        object.__setattr__(self, "resolution", res)
        if not isinstance(self.rounding, str) or self.rounding not in _ROUNDING:
            raise RuleError(
                f"Scorecard rounding must be one of {', '.join(_ROUNDING)} (got {self.rounding!r})"
            )
        if not isinstance(self.model, str) or self.model not in ("sum", "product"):
            raise RuleError(f"Scorecard model must be 'sum' or 'product' (got {self.model!r})")
        for f in ("total", "cap", "bonus_cap", "penalty_cap"):
            object.__setattr__(
                self,
                f,
                _number(f"Scorecard {f}", getattr(self, f), positive=f == "total", allow_none=True),
            )
        if self.floor is not None:
            if isinstance(self.floor, bool) or not isinstance(self.floor, int | float):
                raise RuleTypeError(f"Scorecard floor must be a number (got {self.floor!r})")
            if not math.isfinite(self.floor):
                raise RuleError(f"Scorecard floor must be finite (got {self.floor!r})")
            object.__setattr__(self, "floor", float(self.floor))
        if not self.items:
            raise RuleError("a Scorecard needs at least one item")
        if self.cap is not None and self.floor is not None and self.floor > self.cap:
            raise RuleError(
                f"Scorecard floor {self.floor} is above its cap {self.cap}; a total cannot be "
                "clamped to an empty range"
            )
        if self.total is not None:
            _no_caps_under_weights(self.items, "the Scorecard's total=")
        seen: dict[str, str] = {}
        n_scoring = 0
        for it in _walk(self.items):
            if not isinstance(it, Criterion | Group | Bonus | Penalty):
                raise RuleTypeError(
                    f"Scorecard items must be Criterion, Group, Bonus or Penalty (got {it!r})"
                )
            kind = type(it).__name__.lower()
            if it.name in _RESERVED:
                raise RuleError(
                    f"{kind} name {it.name!r} is reserved for a field of Scores; "
                    f"give it another name with name=..."
                )
            if it.name in seen:
                raise RuleError(
                    f"the name {it.name!r} is used by a {seen[it.name]} and a {kind}; names must "
                    "be unique across the scorecard: give one of them name=..."
                )
            seen[it.name] = kind
            n_scoring += isinstance(it, Criterion)
        if n_scoring == 0:
            raise RuleError("a Scorecard needs at least one Criterion")
        if self.model == "product" and any(not isinstance(i, Criterion) for i in self.items):
            raise RuleError(
                "model='product' takes criteria only (no groups, bonus or penalty): a weighted "
                "product has no additive subtotals"
            )
        nodes: list[_Node] = []
        counters = {"item": 0, "group": 0}
        _flatten(self.items, self.total, -1, nodes, counters)
        for it in self.items:
            if isinstance(it, Bonus | Penalty):
                nodes.append(_Node(it.kind, it, math.inf, -1, counters["item"]))
                counters["item"] += 1
        object.__setattr__(self, "_nodes", tuple(nodes))
        for what, value in self._caps():
            if value is not None and not _on_grid(value, res):
                raise RuleError(
                    f"{what} = {value} is not a whole multiple of the resolution {res}; "
                    "give a cap on the points grid (or a finer resolution)"
                )
            if value is not None:
                K.tick_dtype(value / res, what, RuleError, f"give a smaller {what.split()[-1]}")
        # Points, subtotals and totals past the tick limit are refused here, before any data.
        _dtypes(self, None, RuleError)
        if self.model == "product":
            top = self.total if self.total is not None else sum(c.points for c in self.criteria)
            K.tick_dtype(top / res + 1, "the total of the scorecard", RuleError)

    def _caps(self) -> Iterator[tuple[str, float | None]]:
        yield "Scorecard cap", self.cap
        yield "Scorecard floor", self.floor
        yield "Scorecard bonus_cap", self.bonus_cap
        yield "Scorecard penalty_cap", self.penalty_cap
        for it in _walk(self.items):
            if isinstance(it, Group | Bonus | Penalty):
                yield f"{type(it).__name__.lower()} {it.name!r} cap", it.cap

    def __repr__(self) -> str:
        return code_repr(self, 1)

    # -- facts about the card ---------------------------------------------------

    @property
    def ticks_per_point(self) -> float:
        """How many ticks of the resolution make one point (1 / resolution)."""
        return 1.0 / self.resolution

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion, groups flattened, in card order."""
        return tuple(n.item for n in self._nodes if n.kind == "criterion")

    @property
    def fields(self) -> tuple[str, ...]:
        """The names :class:`Scores` answers to: items, groups, and the totals."""
        names = [n.item.name for n in self._nodes]
        return (*names, "base", "bonus", "penalty", "total")

    @property
    def max_points(self) -> float:
        """The most a unit can score before bonus (after group caps and the total cap)."""
        top = sum(
            n.max_points for n in self._nodes if n.parent == -1 and n.kind in ("criterion", "group")
        )
        if self.model == "product":
            top = self.total if self.total is not None else top
        return min(top, self.cap) if self.cap is not None else top

    def max_points_of(self, name: str) -> float:
        """The effective maximum points of a criterion or group (after weights and caps)."""
        for n in self._nodes:
            if n.item.name == name:
                return n.max_points
        raise unknown(
            "criterion or group", name, [n.item.name for n in self._nodes], "in the scorecard"
        )

    # -- scoring ----------------------------------------------------------------

    def score(self, table: ScoreTable) -> Scores:
        """Score every unit of ``table`` (and every scenario of its batch axes).

        Raises
        ------
        UnknownNameError
            A criterion, bonus or penalty names a column the table lacks.
        DataTypeError
            A column holds text where numbers are needed.
        MissingValueError
            A column has missing values and the item's policy is ``"error"``.
        DataError
            Values a scale cannot take (negative values for ``Vector``...).
        """
        if not isinstance(table, ScoreTable):
            raise RuleTypeError(
                f"Scorecard.score takes a ScoreTable (got {type(table).__name__}); "
                "build one with ScoreTable(...) or ScoreTable.from_records(...)"
            )
        inputs = _Inputs.gather(self, table)
        # A raw value far outside a scale's range overflows to +-inf, then clips exactly.
        with np.errstate(over="ignore"):
            if self.model == "product":
                return _score_product(self, table, inputs)
            return _score_sum(self, table, inputs)


def _on_grid(value: float, res: float) -> bool:
    q = value / res
    return abs(q - round(q)) <= 1e-9 * max(1.0, abs(q))


# -- evaluation -------------------------------------------------------------------


@attrs.frozen
class _Inputs:
    """The columns, missing masks and compiled scales of one scoring run."""

    columns: tuple[FloatArray, ...]  # one per node that reads a column (criteria, bonus, penalty)
    masks: tuple[BoolArray | None, ...]
    kernels: tuple[K.ScaleKernel | None, ...]
    batch: tuple[int, ...]
    amounts: tuple[float, ...]  # the largest raw value of a bonus/penalty column, else 0

    @classmethod
    def gather(cls, card: Scorecard, table: ScoreTable) -> _Inputs:
        leafs = [n for n in card._nodes if n.kind != "group"]
        missing_cols = [n for n in leafs if n.item.column not in table]
        if missing_cols:
            first = missing_cols[0].item
            err = unknown("column", first.column, table.columns, "in the score table")
            who = ", ".join(
                f"{n.kind} {n.item.name!r} needs column {n.item.column!r}" for n in missing_cols
            )
            raise UnknownNameError(f"{who}; {err.message}")
        cols: list[FloatArray] = []
        masks: list[BoolArray | None] = []
        kernels: list[K.ScaleKernel | None] = []
        amounts: list[float] = []
        problems: list[str] = []
        # Scores carry the table's scenarios even where the card reads no batched column.
        batch: tuple[int, ...] = table.batch_shape
        for n in leafs:
            it = n.item
            x = table.numeric(it.column, needed_by=f"{n.kind} {it.name!r}")
            mask = table.missing(it.column) if table.has_missing(it.column) else None
            if mask is not None and not mask.any():
                mask = None
            if mask is not None and it.missing == "error":
                units = _units_where(mask, table.units)
                problems.append(
                    f"{n.kind} {it.name!r}: column {it.column!r} is missing for "
                    f"{listing(units)}; fill the values, or set missing='zero'"
                    + (" or a fraction of the points" if n.kind == "criterion" else "")
                    + " on the "
                    + n.kind
                )
            amounts.append(0.0)
            if n.kind != "criterion":
                # One min and one max (NaN skipped): the max bounds the item's ticks.
                amounts[-1] = float(np.fmax.reduce(x, axis=None, initial=0.0))
                if float(np.fmin.reduce(x, axis=None, initial=0.0)) < 0:
                    neg = x < 0
                    raise DataError(
                        f"{n.kind} {it.name!r}: column {it.column!r} must count items (>= 0) "
                        f"but is negative for {listing(_units_where(neg, table.units))}; "
                        "use a Penalty for deductions"
                    )
                kernels.append(None)
            else:
                try:
                    kernels.append(it.scale.compile(x, it.lower_is_better, mask))
                except DataError as exc:
                    text = exc.naming(table.units) if isinstance(exc, _UnitValuesError) else exc
                    raise DataError(
                        f"criterion {it.name!r} (column {it.column!r}): {text}"
                    ) from None
            cols.append(x)
            masks.append(mask)
            batch = np.broadcast_shapes(batch, x.shape[:-1])
        if problems:
            raise MissingValueError.collect(problems, "the scored columns")
        return cls(tuple(cols), tuple(masks), tuple(kernels), batch, tuple(amounts))


def _units_where(mask: BoolArray, units: Sequence[str]) -> list[str]:
    per_unit = mask.reshape(-1, mask.shape[-1]).any(axis=0)
    return [units[int(i)] for i in np.flatnonzero(per_unit)]


def _fill_value(policy: MissingPolicy) -> float:
    return float(policy) if isinstance(policy, float) else 0.0


def _bounds(
    card: Scorecard, amounts: Sequence[float] | None = None
) -> dict[str, tuple[float, str]]:
    """The largest tick count each kind of result can reach, and the item that reaches it.

    ``amounts`` are the largest raw value of each leaf's column (the leaves --
    criteria, bonus and penalty items -- in the card's node order); without them
    an uncapped bonus or deduction is unbounded (inf), known only once the data
    is seen.
    """
    tpp = card.ticks_per_point
    leafs = [n for n in card._nodes if n.kind != "group"]

    def leaf(k: int, nd: _Node) -> float:
        # Each item rounds on its own, so a sum can exceed the sum of the maxima by one
        # tick per item it adds up: the bounds count that excess.
        if nd.kind == "criterion":
            return float(nd.max_points * tpp + 1)
        if nd.item.cap is not None:
            return float(nd.item.cap * tpp)
        return math.inf if amounts is None else amounts[k] * nd.item.per * tpp + 1

    item_bounds = [leaf(k, nd) for k, nd in enumerate(leafs)]
    by_id = {id(nd): b for nd, b in zip(leafs, item_bounds, strict=True)}

    def reach(k: int) -> float:
        """The most node ``k`` can hold, in ticks: the sum of its criteria, capped."""
        nd = card._nodes[k]
        if nd.kind == "criterion":
            return by_id[id(nd)]
        inner = sum(reach(j) for j, c in enumerate(card._nodes) if c.parent == k)
        return min(inner, nd.item.cap * tpp) if nd.item.cap is not None else inner

    def named(pairs: list[tuple[float, str]]) -> tuple[float, str]:
        return max(pairs, default=(0.0, ""), key=lambda p: p[0])

    def what(nd: _Node) -> str:
        col = f" (column {nd.item.column!r})" if nd.kind in ("bonus", "penalty") else ""
        return f"{nd.kind} {nd.item.name!r}{col}"

    groups = [(reach(k), what(n)) for k, n in enumerate(card._nodes) if n.kind == "group"]
    base = sum(
        reach(k)
        for k, n in enumerate(card._nodes)
        if n.parent == -1 and n.kind in ("criterion", "group")
    )

    def adj(kind: str, cap: float | None) -> float:
        total = sum(b for nd, b in zip(leafs, item_bounds, strict=True) if nd.kind == kind)
        return min(total, cap * tpp) if cap is not None else total

    bonus, penalty = adj("bonus", card.bonus_cap), adj("penalty", card.penalty_cap)
    top = base + bonus
    if card.cap is not None:
        top = min(top, card.cap * tpp)

    def together(kind: str) -> str:
        return ", ".join(what(nd) for nd in leafs if nd.kind == kind)

    bonus_items = together("bonus")
    return {
        "item": named([(b, what(nd)) for nd, b in zip(leafs, item_bounds, strict=True)]),
        "group": named(groups),
        "base": (base, "the criteria and groups together (base)"),
        "bonus": (bonus, f"the bonus together ({bonus_items})"),
        "penalty": (penalty, f"the deductions together ({together('penalty')})"),
        "total": (
            max(top, penalty),
            "the total (base" + (f" + {bonus_items}" if bonus_items else "") + ")"
            if top >= penalty
            else f"the total (minus {together('penalty')})",
        ),
    }


def _dtypes(
    card: Scorecard, amounts: Sequence[float] | None, error: type[Exception]
) -> dict[str, type[np.signedinteger[Any]]]:
    """The tick dtype of each kind of result; a bound past the limit raises ``error``.

    Every bound goes through :func:`_kernels.tick_dtype`, the one place that chooses
    the width of ticks and refuses counts that would not be exact. An uncapped bonus
    seen without data (``amounts`` None) is checked later, on the data.
    """
    out: dict[str, type[np.signedinteger[Any]]] = {}
    for kind, (bound, what) in _bounds(card, amounts).items():
        if math.isinf(bound) and amounts is None:
            out[kind] = np.int64
            continue
        hint = (
            "give smaller values, a cap, or a coarser resolution"
            if error is DataError
            else "give a coarser resolution or smaller points"
        )
        out[kind] = K.tick_dtype(bound, f"{what} of the scorecard", error, hint)
    return out


def _ticks_dtype(card: Scorecard) -> type[np.signedinteger[Any]]:
    return _dtypes(card, None, RuleError)["item"]


def _score_sum(card: Scorecard, table: ScoreTable, inp: _Inputs) -> Scores:
    nodes = card._nodes
    n = table.n_units
    batch = inp.batch
    tpp = card.ticks_per_point
    mode = card.rounding
    leafs = [nd for nd in nodes if nd.kind != "group"]
    groups = [nd for nd in nodes if nd.kind == "group"]
    n_items = len(leafs)
    dtype = _dtypes(card, inp.amounts, DataError)
    shape = (*batch, n)
    items = np.empty((n_items, *shape), dtype=dtype["item"])
    group_ticks = np.empty((len(groups), *shape), dtype=dtype["group"])
    base = np.empty(shape, dtype=dtype["base"])
    has_bonus = any(nd.kind == "bonus" for nd in leafs)
    has_penalty = any(nd.kind == "penalty" for nd in leafs)
    no_adjustment = np.broadcast_to(np.zeros((), dtype=np.int16), shape)
    bonus = np.empty(shape, dtype=dtype["bonus"]) if has_bonus else no_adjustment
    penalty = np.empty(shape, dtype=dtype["penalty"]) if has_penalty else no_adjustment
    total = np.empty(shape, dtype=np.int64)
    bonus_cap = None if card.bonus_cap is None else round(card.bonus_cap * tpp)
    penalty_cap = None if card.penalty_cap is None else round(card.penalty_cap * tpp)
    total_cap = None if card.cap is None else round(card.cap * tpp)
    total_floor = None if card.floor is None else round(card.floor * tpp)

    # Accumulator slot of every node: 0 is the top level, group g is slot g + 1.
    node_slot = {id(nd): nd.row + 1 for nd in groups}
    parent_slot = [0 if nd.parent == -1 else node_slot[id(nodes[nd.parent])] for nd in nodes]
    plan = []  # (kind, node, input index, parent slot)
    leaf_index = {id(nd): i for i, nd in enumerate(leafs)}
    for nd, ps in zip(nodes, parent_slot, strict=True):
        if nd.kind != "group":
            plan.append((nd.kind, nd, leaf_index[id(nd)], ps))
    # Children come after their group in _nodes; close groups innermost first.
    group_order = sorted(groups, key=lambda g: -_depth(nodes, g))
    group_plan = [(g, node_slot[id(g)], parent_slot[nodes.index(g)]) for g in group_order]

    n_batch = int(np.prod(batch)) if batch else 1
    elements = n * n_batch * max(1, n_items)
    n_threads = _threads.count(elements)
    # Threads contend for the GIL between numpy calls: they take longer chunks.
    step = max(1, (K.CHUNK if n_threads == 1 else 4 * K.CHUNK) // n_batch)

    def run(part: tuple[int, int]) -> None:
        # One contiguous part of the units, chunk by chunk, with buffers of its own.
        lo, hi = part
        width = min(step, hi - lo)
        buf_full = np.empty((*batch, width))
        acc_full = np.zeros((len(groups) + 1, *batch, width))
        bacc_full = np.zeros((*batch, width))
        pacc_full = np.zeros((*batch, width))
        for start in range(lo, hi, step):
            _score_chunk(
                slice(start, min(hi, start + step)), buf_full, acc_full, bacc_full, pacc_full
            )

    def _score_chunk(
        sl: slice, buf_full: Any, acc_full: Any, bacc_full: Any, pacc_full: Any
    ) -> None:
        w = sl.stop - sl.start
        buf = buf_full[..., :w]
        acc = acc_full[..., :w]
        bacc = bacc_full[..., :w]
        pacc = pacc_full[..., :w]
        acc.fill(0.0)
        bacc.fill(0.0)
        pacc.fill(0.0)
        for kind, nd, i, ps in plan:
            x = inp.columns[i][..., sl]
            mask = inp.masks[i]
            it = nd.item
            if kind == "criterion":
                m = nd.max_points * tpp
                kern = inp.kernels[i]
                assert kern is not None
                kern.apply(x, m, buf, sl)
                if mask is not None:
                    np.copyto(buf, _fill_value(it.missing) * m, where=mask[..., sl])
                K.round_ticks(buf, mode, out=buf, eps=K.tick_eps(m))
                items[i, ..., sl] = buf
                acc[ps] += buf
            else:
                # Criteria of this chunk are already stored, so buf is free to reuse.
                np.multiply(x, it.per * tpp, out=buf)
                if mask is not None:
                    np.copyto(buf, 0.0, where=mask[..., sl])
                # The tolerance follows each unit's own amount (an amount has no bound
                # known in advance, and a unit's points must not depend on the others').
                K.round_own(buf, mode, out=buf)
                if it.cap is not None:
                    np.minimum(buf, round(it.cap * tpp), out=buf)
                items[i, ..., sl] = buf
                adjust = bacc if kind == "bonus" else pacc
                np.add(adjust, buf, out=adjust)
        for g, slot, ps in group_plan:
            v = acc[slot]
            if g.item.cap is not None:
                np.minimum(v, round(g.item.cap * tpp), out=v)
            group_ticks[g.row, ..., sl] = v
            acc[ps] += v
        top = acc[0]
        base[..., sl] = top
        if has_bonus:
            if bonus_cap is not None:
                np.minimum(bacc, bonus_cap, out=bacc)
            bonus[..., sl] = bacc
            top += bacc
        if has_penalty:
            if penalty_cap is not None:
                np.minimum(pacc, penalty_cap, out=pacc)
            penalty[..., sl] = pacc
            top -= pacc
        if total_cap is not None or total_floor is not None:
            np.clip(top, total_floor, total_cap, out=top)
        total[..., sl] = top

    # Units are scored independently: parts on several threads give the same ticks.
    _threads.run(run, _threads.parts(n, step, n_threads), elements=elements)

    return Scores(card, table, items, group_ticks, base, bonus, penalty, total, inp)


def _depth(nodes: Sequence[_Node], nd: _Node) -> int:
    d = 0
    while nd.parent != -1:
        nd = nodes[nd.parent]
        d += 1
    return d


def _score_product(card: Scorecard, table: ScoreTable, inp: _Inputs) -> Scores:
    nodes = card._nodes
    n = table.n_units
    tpp = card.ticks_per_point
    weights = np.array([nd.item.points for nd in nodes])
    weights = weights / weights.sum()
    total_points = card.total if card.total is not None else sum(nd.item.points for nd in nodes)
    m = total_points * tpp
    items = np.empty((len(nodes), *inp.batch, n), dtype=_ticks_dtype(card))
    # Multiply in a fixed order (by name) so that reordering the criteria cannot
    # change a single bit of the product, and so cannot change who ties.
    prod = np.ones((*inp.batch, n))
    for i in sorted(range(len(nodes)), key=lambda i: nodes[i].item.name):
        nd = nodes[i]
        f = np.empty((*inp.batch, n))
        kern = inp.kernels[i]
        assert kern is not None
        kern.apply(inp.columns[i], 1.0, f, slice(None))
        if inp.masks[i] is not None:
            np.copyto(f, _fill_value(nd.item.missing), where=inp.masks[i])
        # A power magnifies float noise at 0 (1e-17 ** 0.25 is 6e-5): a fraction within
        # the kernel's own noise of 0 is taken as exactly 0 (only 0 itself for a kernel
        # whose small fractions are precise), and one within NOISE of 1 as exactly 1.
        f[f <= kern.noise] = 0.0
        f[f > 1.0 - K.NOISE] = 1.0
        factor = f ** weights[i]
        prod *= factor
        items[i] = K.round_ticks(factor * m, card.rounding, eps=K.tick_eps(m))
    base = K.round_ticks(prod * m, card.rounding, eps=K.tick_eps(m)).astype(np.int64)
    total = base.copy()
    if card.cap is not None or card.floor is not None:
        lo = None if card.floor is None else round(card.floor * tpp)
        hi = None if card.cap is None else round(card.cap * tpp)
        np.clip(total, lo, hi, out=total)
    zeros = np.broadcast_to(np.zeros((), dtype=np.int16), total.shape)
    groups = np.empty((0, *inp.batch, n), dtype=np.int16)
    return Scores(card, table, items, groups, base, zeros, zeros, total, inp)


# -- results ---------------------------------------------------------------------


class Scores:
    """The result of :meth:`Scorecard.score`: points per item, subtotals, bonus, total.

    Arrays are aligned with the table's units (last axis) and carry the
    table's batch axes. Points are exact multiples of the resolution; the
    integer tick counts behind them are available with :meth:`ticks`.

    Fields, by name (``scores[name]`` gives points as floats):

    * each criterion, bonus and penalty item by its name;
    * each group by its name (its capped subtotal);
    * ``"base"`` (criteria and groups, before bonus), ``"bonus"`` and
      ``"penalty"`` (summed and capped), ``"total"``.

    Examples
    --------
    >>> from emulation_rules import ScoreTable, Scorecard, Criterion, Linear
    >>> t = ScoreTable({"unit": ["A", "B"], "x": [0.5, 0.25]})
    >>> s = Scorecard([Criterion("x", 10, scale=Linear(0, 1))]).score(t)
    >>> s["x"], s.ticks("total")
    (array([5. , 2.5]), array([500, 250]))
    """

    __slots__ = (
        "_base",
        "_bonus",
        "_groups",
        "_inputs",
        "_items",
        "_penalty",
        "_total",
        "scorecard",
        "table",
    )

    def __init__(
        self,
        scorecard: Scorecard,
        table: ScoreTable,
        items: AnyArray,
        groups: AnyArray,
        base: AnyArray,
        bonus: AnyArray,
        penalty: AnyArray,
        total: IntArray,
        inputs: _Inputs,
    ) -> None:
        self.scorecard = scorecard
        self.table = table
        for a in (items, groups, base, bonus, penalty, total):
            a.flags.writeable = False
        self._items, self._groups, self._base = items, groups, base
        self._bonus, self._penalty, self._total = bonus, penalty, total
        self._inputs = inputs

    # -- access ---------------------------------------------------------------

    @property
    def units(self) -> tuple[str, ...]:
        """The unit ids, aligned with every array."""
        return self.table.units

    @property
    def fields(self) -> tuple[str, ...]:
        """Every name :meth:`__getitem__` and :meth:`ticks` accept."""
        return self.scorecard.fields

    @property
    def resolution(self) -> float:
        """The scorecard's resolution, in points per tick."""
        return self.scorecard.resolution

    @property
    def total(self) -> FloatArray:
        """The total points of every unit."""
        return self._points(self._total)

    @property
    def total_ticks(self) -> IntArray:
        """The totals as integer ticks of the resolution (what rankings compare)."""
        return self._total

    def ticks(self, name: str) -> AnyArray:
        """The integer tick counts of field ``name`` (read-only)."""
        key = nfc(name) if isinstance(name, str) else repr(name)  # not text: unknown below
        fixed = {
            "total": self._total,
            "base": self._base,
            "bonus": self._bonus,
            "penalty": self._penalty,
        }
        if key in fixed:
            return fixed[key]
        for nd in self.scorecard._nodes:
            if nd.item.name == key:
                found: AnyArray = (
                    self._groups[nd.row] if nd.kind == "group" else self._items[nd.row]
                )
                return found
        raise unknown("score field", key, self.fields, "in these scores")

    def __getitem__(self, name: str) -> FloatArray:
        """The points of field ``name`` as floats."""
        return self._points(self.ticks(name))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and nfc(name) in self.fields

    def _points(self, ticks: AnyArray) -> FloatArray:
        # Dividing by an integral ticks-per-point gives the float nearest the
        # decimal value (1234 / 100 == 12.34), which multiplying by 0.01 does not.
        tpp = self.scorecard.ticks_per_point
        if _on_grid(tpp, 1.0):
            return ticks / float(round(tpp))
        return ticks * self.scorecard.resolution

    def to_dict(self) -> dict[str, Any]:
        """The scores as plain data: the units, every field's points (lists, with any
        batch axes first, as the arrays are) and the scorecard that made them.

        >>> from emulation_rules import Criterion, Linear, Scorecard, ScoreTable
        >>> t = ScoreTable({"x": [0.5, 1]}, units=["A", "B"])
        >>> d = Scorecard([Criterion("x", 10, scale=Linear(0, 1))]).score(t).to_dict()
        >>> d["units"], d["fields"]["total"]
        (['A', 'B'], [5, 10])
        """
        return {
            "scorecard": repr(self.scorecard),
            "units": list(self.units),
            "resolution": self.resolution,
            "fields": {name: _plain_list(self[name]) for name in self.fields},
        }

    def to_pandas(self, *, scenario: tuple[int, ...] | int | None = None) -> Any:
        """Every field as a column of a pandas DataFrame indexed by unit.

        Scores with batch axes need ``scenario=`` (one index per batch axis;
        an index outside them raises :class:`~emulation_rules.OutOfRangeError`).
        """
        pd = require("pandas", "Scores.to_pandas()")
        batch = self._total.shape[:-1]
        if batch and scenario is None:
            raise DataError(
                f"these scores have batch axes {batch}; pick one scenario with "
                "to_pandas(scenario=i)"
            )
        sc = scenario_index(() if scenario is None else scenario, batch, "Scores.to_pandas")
        data: dict[str, Any] = {}
        for name in self.fields:
            a = self[name]
            data[name] = a[_fit(sc, a.shape[:-1])]
        return pd.DataFrame(data, index=pd.Index(self.units, name="unit"))

    def __repr__(self) -> str:
        batch = f", batch {self._total.shape[:-1]}" if self._total.ndim > 1 else ""
        return (
            f"<Scores of {self.table.n_units} units on {len(self.scorecard.criteria)} criteria"
            f"{batch}; fields: {listing(self.fields, 8)}>"
        )

    # -- explanation ----------------------------------------------------------

    def explain(self, unit: str, *, scenario: tuple[int, ...] | int = ()) -> ScoreExplanation:
        """Where each point of ``unit``'s total came from.

        Built from the arrays and compiled scales of this very computation:
        the fraction shown is the one the scale produced, the points the ones
        that were summed.

        Examples
        --------
        >>> from emulation_rules import ScoreTable, Scorecard, Criterion, Linear, Penalty
        >>> t = ScoreTable({"unit": ["A"], "x": [0.5], "late": [1]})
        >>> card = Scorecard([Criterion("x", 10, scale=Linear(0, 1)), Penalty("late", 2)])
        >>> print(card.score(t).explain("A"))
        A: total 3 points
          x: raw 0.5, Linear(0.0, 1.0) -> fraction 0.5 -> 5 of 10
          base 5
          penalty late: 1 x 2 = 2
          total = 5 - 2 = 3
        """
        i = self.table.index(unit)
        sc = scenario_index(scenario, self._total.shape[:-1], "Scores.explain")
        card = self.scorecard
        leafs = [nd for nd in card._nodes if nd.kind != "group"]
        leaf_pos = {id(nd): k for k, nd in enumerate(leafs)}

        def at(a: AnyArray) -> Any:
            return a[(*_fit(sc, a.shape[:-1]), i)]

        def pts(t: int) -> float:
            # The float nearest the decimal ticks * resolution: 3 ticks of 0.3 are 0.9,
            # not the 0.8999999999999999 of 3 * 0.3.
            return K.tick_value(int(t), card.resolution)

        def node_dict(nd: _Node) -> dict[str, Any]:
            it = nd.item
            if nd.kind == "group":
                me = card._nodes.index(nd)
                kids = [node_dict(c) for c in card._nodes if c.parent == me]
                # Summed in ticks: 0.1 + 0.2 points show as 0.3, not 0.30000000000000004.
                raw = pts(
                    sum(
                        int(at(self._groups[c.row] if c.kind == "group" else self._items[c.row]))
                        for c in card._nodes
                        if c.parent == me
                    )
                )
                return {
                    "kind": "group",
                    "name": it.name,
                    "label": it.label,
                    "items": kids,
                    "sum": raw,
                    "cap": it.cap,
                    "points": pts(at(self._groups[nd.row])),
                    "max_points": nd.max_points,
                }
            k = leaf_pos[id(nd)]
            col = self._inputs.columns[k]
            x = float(at(col))
            mask = self._inputs.masks[k]
            is_missing = bool(at(mask)) if mask is not None else False
            d: dict[str, Any] = {
                "kind": nd.kind,
                "name": it.name,
                "label": it.label,
                "column": it.column,
                "raw": None if is_missing else x,
                "points": pts(at(self._items[nd.row])),
            }
            if nd.kind == "criterion":
                if is_missing:
                    fraction = _fill_value(it.missing)
                    d["missing_policy"] = it.missing
                else:
                    one = np.empty((1,))
                    kern = self._inputs.kernels[k]
                    assert kern is not None
                    where: tuple[Any, ...] = (*_fit(sc, col.shape[:-1]), slice(i, i + 1))
                    with np.errstate(over="ignore"):
                        kern.apply(np.asarray(col[where]), 1.0, one, slice(i, i + 1))
                    fraction = float(one[0])
                d.update(
                    scale=repr(it.scale),
                    lower_is_better=it.lower_is_better,
                    fraction=fraction,
                    max_points=nd.max_points,
                )
            else:
                d.update(per=it.per, cap=it.cap)
            return d

        top = [node_dict(nd) for nd in card._nodes if nd.parent == -1]
        out = {
            "unit": self.table.units[i],
            "scenario": sc,
            "resolution": card.resolution,
            "items": top,
            "base": pts(at(self._base)),
            "bonus": pts(at(self._bonus)),
            "bonus_cap": card.bonus_cap,
            "penalty": pts(at(self._penalty)),
            "penalty_cap": card.penalty_cap,
            "cap": card.cap,
            "floor": card.floor,
            "model": card.model,
            "total": pts(at(self._total)),
        }
        return ScoreExplanation(out)


def _fit(sc: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    # A column without batch axes (or with fewer) broadcasts over the scenarios.
    sc = sc[len(sc) - len(shape) :] if shape else ()
    return tuple(0 if d == 1 else s for s, d in zip(sc, shape, strict=True))


def _num(x: float | None) -> str:
    if x is None:
        return "none"
    return f"{x:.10g}"


def _pts(x: float) -> str:
    """Points made from whole ticks, every digit: the float is the decimal's nearest."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 2**53 else repr(float(x))


class ScoreExplanation(Explanation):
    """Where a unit's points came from: ``str()`` for words, :meth:`to_dict` for data."""

    __slots__ = ()

    def __str__(self) -> str:
        d = self._data
        sc = f" (scenario {d['scenario']})" if d["scenario"] else ""
        lines = [f"{d['unit']}{sc}: total {_pts(d['total'])} points"]

        def item(node: dict[str, Any], indent: str) -> None:
            label = f" ({node['label']})" if node.get("label") else ""
            if node["kind"] == "group":
                cap = ""
                if node["cap"] is not None and node["sum"] > node["cap"]:
                    cap = f", capped at {_num(node['cap'])}"
                lines.append(
                    f"{indent}group {node['name']}{label}: {_pts(node['sum'])}{cap} "
                    f"-> {_pts(node['points'])}"
                )
                for kid in node["items"]:
                    item(kid, indent + "  ")
            elif node["kind"] == "criterion":
                raw = (
                    "missing (policy " + repr(node["missing_policy"]) + ")"
                    if node["raw"] is None
                    else f"raw {_num(node['raw'])}"
                )
                lb = ", lower is better" if node["lower_is_better"] else ""
                lines.append(
                    f"{indent}{node['name']}{label}: {raw}, {node['scale']}{lb} -> fraction "
                    f"{node['fraction']:.4g} -> {_pts(node['points'])} of {_num(node['max_points'])}"
                )

        for node in d["items"]:
            item(node, "  ")
        if d["model"] == "product":
            lines.append("  total = max points x product of fraction ** weight")
            return "\n".join(lines)
        lines.append(f"  base {_pts(d['base'])}")
        adj = [n for n in d["items"] if n["kind"] in ("bonus", "penalty")]
        for node in adj:
            raw = (
                "missing -> 0"
                if node["raw"] is None
                else f"{_num(node['raw'])} x {_num(node['per'])}"
            )
            cap = f" (cap {_num(node['cap'])})" if node["cap"] is not None else ""
            lines.append(f"  {node['kind']} {node['name']}: {raw} = {_pts(node['points'])}{cap}")
        expr = _pts(d["base"])
        if any(n["kind"] == "bonus" for n in adj):
            cap = f" (bonus cap {_num(d['bonus_cap'])})" if d["bonus_cap"] is not None else ""
            expr += f" + {_pts(d['bonus'])}{cap}"
        if any(n["kind"] == "penalty" for n in adj):
            cap = f" (penalty cap {_num(d['penalty_cap'])})" if d["penalty_cap"] is not None else ""
            expr += f" - {_pts(d['penalty'])}{cap}"
        clamp = ""
        if d["cap"] is not None or d["floor"] is not None:
            clamp = f", clamped to [{_num(d['floor'])}, {_num(d['cap'])}]"
        lines.append(f"  total = {expr}{clamp} = {_pts(d['total'])}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<ScoreExplanation of {self._data['unit']!r}: total {_pts(self._data['total'])}>"


def _plain_list(a: AnyArray) -> Any:
    """Points as JSON numbers: whole values as ints, the rest as the floats they are."""
    out = a.tolist()

    def fix(x: Any) -> Any:
        if isinstance(x, list):
            return [fix(v) for v in x]
        return int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 2**53 else x

    return fix(out)
