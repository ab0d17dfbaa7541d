"""Monte Carlo over a competition's rules: how sure is a ranking, an award, a leader.

A scenario is one draw of everything that is uncertain -- the points earned on
each criterion, the raw metrics, the judges' marks, the weights, which values
are missing -- scored, ranked and awarded with the competition's own rules.
Scenarios run in chunks (so memory is bounded by ``chunk x N x C`` floats, not
``S x N x C``); each chunk draws from its own random stream, derived from the
root seed and the chunk's index, so a chunk gives the same draws wherever and
whenever it runs (locally, or on a Dask cluster: :func:`monte_carlo` with
``client=``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Literal

import attrs
import numpy as np

from .._checks import expect, require
from .._names import listing, nfc, unknown
from .._repr import code_repr
from ..awards import AwardScheme
from ..eligibility import Context
from ..errors import DataError, RuleError, RuleTypeError
from ..history import History
from ..judging import Panel
from ..ranking import Ranking, Standing
from ..rotation import Rotation
from ..scales import Linear, _UnitValuesError
from ..scoring import Bonus, Criterion, Group, Penalty, Scorecard, Scores
from ..table import ScoreTable
from ..types import FloatArray, IntArray

__all__ = ["MonteCarloResult", "Noise", "Sheets", "monte_carlo"]

Distribution = Literal["uniform", "normal"]


def _spread_map(value: object, what: str) -> float | tuple[tuple[str, float], ...]:
    """A spread for every criterion (a number) or by name (a mapping), validated."""
    if isinstance(value, Mapping):
        out = []
        for k, v in value.items():
            if not isinstance(k, str):
                raise RuleTypeError(f"Noise {what}: keys are names (got {k!r})")
            out.append((nfc(k), _nonneg(v, f"Noise {what}[{k!r}]")))
        return tuple(sorted(out))
    return _nonneg(value, f"Noise {what}")


def _nonneg(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise RuleTypeError(f"{what} must be a number >= 0 (got {value!r})")
    v = float(value)
    if not (math.isfinite(v) and v >= 0):
        raise RuleError(f"{what} must be a finite number >= 0 (got {value!r})")
    return v


def _probability(value: object, what: str) -> float | tuple[tuple[str, float], ...]:
    out = _spread_map(value, what)
    for v in [out] if isinstance(out, float) else [v for _, v in out]:
        if v > 1:
            raise RuleError(f"Noise {what} is a probability in [0, 1] (got {v!r})")
    return out


def _optional_spread(value: object, what: str) -> float | None:
    return None if value is None else _nonneg(value, f"Noise {what}")


def _points_spread(v: object) -> float | tuple[tuple[str, float], ...]:
    return _spread_map(v, "points")


def _judges_spread(v: object) -> float:
    return _nonneg(v, "Noise judges")


def _weights_spread(v: object) -> float | None:
    return _optional_spread(v, "weights")


def _concentration(v: object) -> float | None:
    return _optional_spread(v, "dirichlet")


def _missing_probability(v: object) -> float | tuple[tuple[str, float], ...]:
    return _probability(v, "missing")


def _columns_spread(value: object) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, Mapping | tuple | list):
        raise RuleTypeError(
            f"Noise columns maps column names to spreads, e.g. {{'clearance_rate': 0.01}} "
            f"(got {value!r})"
        )
    items = value.items() if isinstance(value, Mapping) else value
    out = _spread_map(dict(items), "columns")
    assert not isinstance(out, float)
    return out


@attrs.frozen(repr=False)
class Noise:
    """What is uncertain in each scenario, and by how much.

    Parameters
    ----------
    points
        Noise on the points a unit earns on each criterion, in points: one
        number for every criterion, or a mapping by criterion name. With the
        uniform distribution it is the half-width (``1.0``: each criterion's
        points uncertain by +-1 point), with the normal one the standard
        deviation. The noisy points stay within ``[0, max points]`` of the
        criterion (a unit cannot earn more than the criterion is worth), then
        round to the scorecard's resolution as every score does.
    columns
        Noise on raw columns of the table, in the column's own units, by
        column name (before the scales: relative scales see the noisy
        population). Ranking keys read from the table see it too. Columns
        are drawn in the order of their names.
    distribution
        ``"uniform"`` (default) or ``"normal"``, for ``points``, ``columns``
        and ``judges``.
    judges
        Noise on each judge's mark before the panel aggregates the sheets
        (see :class:`Sheets`), in the marks' units.
    weights
        Each criterion's points multiplied by a factor uniform in
        ``[1 - weights, 1 + weights]`` (``0.1``: +-10 %), independently. Group
        caps stay as declared.
    dirichlet
        Instead of ``weights``: the criteria's points drawn from a Dirichlet
        distribution centred on the declared points, with this concentration
        (larger is tighter; the total of the criteria's points is kept).
    missing
        The probability that a unit's value of a column is missing in a
        scenario: one number for every column a criterion reads, or a mapping
        by column. The criterion's ``missing=`` policy then decides its points.

    Examples
    --------
    >>> Noise(points=1.0)
    Noise(points=1.0)
    >>> Noise(columns={"clearance_rate": 0.01}, missing=0.05, distribution="normal")
    Noise(columns=(('clearance_rate', 0.01),), distribution='normal', missing=0.05)
    >>> Noise(weights=0.1, dirichlet=50)
    Traceback (most recent call last):
    ...
    emulation_rules.errors.RuleError: Noise: give weights= (+- a share) or dirichlet= (a concentration), not both
    """

    points: float | tuple[tuple[str, float], ...] = attrs.field(
        default=0.0, converter=_points_spread
    )
    columns: tuple[tuple[str, float], ...] = attrs.field(
        default=(), kw_only=True, converter=_columns_spread
    )
    distribution: Distribution = attrs.field(default="uniform", kw_only=True)
    judges: float = attrs.field(default=0.0, kw_only=True, converter=_judges_spread)
    weights: float | None = attrs.field(default=None, kw_only=True, converter=_weights_spread)
    dirichlet: float | None = attrs.field(default=None, kw_only=True, converter=_concentration)
    missing: float | tuple[tuple[str, float], ...] = attrs.field(
        default=0.0, kw_only=True, converter=_missing_probability
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.distribution, str) or self.distribution not in (
            "uniform",
            "normal",
        ):
            raise RuleError(
                f"Noise distribution must be 'uniform' or 'normal' (got {self.distribution!r})"
            )
        if self.weights is not None and self.dirichlet is not None:
            raise RuleError(
                "Noise: give weights= (+- a share) or dirichlet= (a concentration), not both"
            )
        if self.weights is not None and self.weights >= 1:
            raise RuleError(
                f"Noise weights is a share below 1 (+-{self.weights!r} could make a weight "
                "negative or zero); e.g. weights=0.1 for +-10 %"
            )
        if self.dirichlet is not None and self.dirichlet <= 0:
            raise RuleError(f"Noise dirichlet must be > 0 (got {self.dirichlet!r})")

    def __repr__(self) -> str:
        return code_repr(self)

    def _draw(self, rng: np.random.Generator, spread: float, shape: tuple[int, ...]) -> FloatArray:
        if self.distribution == "uniform":
            return rng.uniform(-spread, spread, shape)
        return rng.normal(0.0, spread, shape)


def _float_array(a: object) -> FloatArray:
    return np.array(a, dtype=np.float64)


def _names(c: object) -> tuple[str, ...]:
    if isinstance(c, str) or not isinstance(c, Sequence):
        raise RuleTypeError(f"Sheets columns is a list of column names (got {c!r})")
    return tuple(nfc(str(x)) for x in c)


def _judge_ids(j: object) -> tuple[str, ...] | None:
    if j is None:
        return None
    if isinstance(j, str) or not isinstance(j, Sequence):
        raise RuleTypeError(f"Sheets judges is a list of judge ids (got {j!r})")
    return tuple(str(x) for x in j)


@attrs.frozen(eq=False)
class Sheets:
    """Judges' sheets that a :class:`~emulation_rules.Panel` aggregates into table columns.

    ``sheets`` is shaped ``(J, N, C)`` (judge, unit, column) with the units in
    the table's order; ``columns`` names the C columns of the table they
    produce. With :class:`Noise` ``judges=``, each scenario adds noise to every
    mark and aggregates again.
    """

    panel: Panel
    sheets: FloatArray = attrs.field(converter=_float_array)
    columns: tuple[str, ...] = attrs.field(converter=_names)
    judges: tuple[str, ...] | None = attrs.field(default=None, kw_only=True, converter=_judge_ids)

    def __attrs_post_init__(self) -> None:
        expect(self.panel, Panel, "panel", "Sheets")
        if self.sheets.ndim != 3 or self.sheets.shape[2] != len(self.columns):
            raise DataError(
                f"Sheets: sheets are shaped (judges, units, columns) with one column per name "
                f"of columns={self.columns!r} (got shape {self.sheets.shape})"
            )
        self.sheets.flags.writeable = False

    def aggregate(self, units: Sequence[str], noise: FloatArray | None) -> FloatArray:
        """The aggregated columns, shaped ``(C, S, N)`` for ``S`` noise draws (or ``(C, 1, N)``)."""
        j, n, c = self.sheets.shape
        if noise is None:
            stacked = self.sheets
            s = 1
        else:
            s = noise.shape[0]
            # Scenarios ride on the panel's criterion axis: each (column, scenario) pair is
            # aggregated on its own, in one call.
            stacked = (self.sheets[None] + noise).transpose(1, 2, 3, 0).reshape(j, n, c * s)
        res = self.panel.aggregate(stacked, units=units, judges=self.judges)
        return np.asarray(res.values, dtype=np.float64).reshape(n, c, s).transpose(1, 2, 0)


class MonteCarloResult:
    """The distributions of a :func:`monte_carlo` run (counts over the scenarios).

    Attributes
    ----------
    units
        The unit ids, aligned with every array.
    scenarios
        The number of scenarios run.
    rank_counts
        ``rank_counts[u, r - 1]``: in how many scenarios unit ``u`` ranked ``r``
        (in the ranking's rank style). With ``max_rank=R`` the ranks past R are
        counted together in a last column ``rank_counts[u, R]``.
    rank_sums
        The sum of each unit's ranks over the scenarios (the exact mean rank's
        numerator, with or without ``max_rank``).
    award_counts
        By award name: in how many scenarios each unit received it.
    lead_counts
        In how many scenarios each unit leads the rotation in ``lead_period``
        (None without a rotation).
    """

    def __init__(
        self,
        units: tuple[str, ...],
        scenarios: int,
        rank_counts: IntArray,
        award_counts: dict[str, IntArray],
        lead_counts: IntArray | None,
        *,
        seed: int,
        chunk: int,
        rank_sums: IntArray,
    ) -> None:
        self.units = units
        self.scenarios = scenarios
        self.rank_counts = rank_counts
        self.rank_sums = rank_sums
        self.award_counts = award_counts
        self.lead_counts = lead_counts
        self.seed, self.chunk = seed, chunk
        for a in (
            rank_counts,
            rank_sums,
            *award_counts.values(),
            *([lead_counts] if lead_counts is not None else []),
        ):
            a.flags.writeable = False

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MonteCarloResult):
            return NotImplemented
        return (
            self.units == other.units
            and self.scenarios == other.scenarios
            and np.array_equal(self.rank_counts, other.rank_counts)
            and np.array_equal(self.rank_sums, other.rank_sums)
            and self.award_counts.keys() == other.award_counts.keys()
            and all(np.array_equal(v, other.award_counts[k]) for k, v in self.award_counts.items())
            and (
                (self.lead_counts is None and other.lead_counts is None)
                or (
                    self.lead_counts is not None
                    and other.lead_counts is not None
                    and np.array_equal(self.lead_counts, other.lead_counts)
                )
            )
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def rank_probabilities(self) -> FloatArray:
        """``P(rank = r)`` per unit: shape ``(N, N)`` (``(N, R + 1)`` with ``max_rank=R``),
        rows summing to 1."""
        return self.rank_counts / self.scenarios

    @property
    def p_first(self) -> FloatArray:
        """The probability that each unit ranks first (ties at the top included)."""
        return self.rank_counts[:, 0] / self.scenarios

    @property
    def mean_rank(self) -> FloatArray:
        """The mean rank of each unit over the scenarios."""
        out: FloatArray = self.rank_sums / self.scenarios
        return out

    def rank_quantile(self, q: float) -> IntArray:
        """The ``q``-quantile of each unit's rank: the smallest ``r`` with ``P(rank <= r) >= q``.

        With ``max_rank=R``, a quantile past R is reported as ``R + 1`` ("worse than R").
        """
        if not 0 <= q <= 1:
            raise DataError(f"rank_quantile takes q in [0, 1] (got {q!r})")
        cum = np.cumsum(self.rank_counts, axis=1)
        # Counts are integers: compare them, not float probabilities, at the boundary.
        # q as the decimal it was written as (0.05 is 5/100), times S, exactly.
        need = max(1, math.ceil(Fraction(repr(float(q))) * self.scenarios))
        out: IntArray = np.argmax(cum >= need, axis=1).astype(np.int64) + 1
        return out

    @property
    def rank_interval(self) -> tuple[IntArray, IntArray]:
        """The 5 % and 95 % quantiles of each unit's rank."""
        return self.rank_quantile(0.05), self.rank_quantile(0.95)

    def p_award(self, award: str) -> FloatArray:
        """The probability that each unit receives ``award``."""
        key = nfc(award) if isinstance(award, str) else award
        if key not in self.award_counts:
            raise unknown("award", str(award), list(self.award_counts), "in this run")
        return self.award_counts[key] / self.scenarios

    @property
    def p_lead(self) -> FloatArray:
        """The probability that each unit leads in the rotation's period."""
        if self.lead_counts is None:
            raise DataError(
                "this run had no rotation: give monte_carlo(..., rotation=, lead_period=)"
            )
        return self.lead_counts / self.scenarios

    def summary(self, *, digits: int = 3) -> str:
        """A table: mean rank, 5-95 % ranks, P(first), P(award) per award, P(lead)."""
        head = ["unit", "mean rank", "5-95 %", "P(first)"]
        head += [f"P({a})" for a in self.award_counts]
        if self.lead_counts is not None:
            head.append("P(lead)")
        lo, hi = self.rank_interval
        mean = self.mean_rank
        rows = []
        order = np.lexsort((np.arange(len(self.units)), mean))
        for u in order.tolist():
            row = [
                self.units[u],
                f"{mean[u]:.2f}",
                f"{lo[u]}-{hi[u]}",
                f"{self.p_first[u]:.{digits}f}",
            ]
            row += [
                f"{self.award_counts[a][u] / self.scenarios:.{digits}f}" for a in self.award_counts
            ]
            if self.lead_counts is not None:
                row.append(f"{self.lead_counts[u] / self.scenarios:.{digits}f}")
            rows.append(row)
        widths = [max(len(r[k]) for r in [head, *rows]) for k in range(len(head))]
        lines = [
            "  ".join(
                c.ljust(w) if k == 0 else c.rjust(w)
                for k, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            for r in [head, *rows]
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<MonteCarloResult: {self.scenarios} scenarios of {len(self.units)} units, "
            f"seed {self.seed}, chunks of {self.chunk}>"
        )

    def to_pandas(self) -> Any:
        """One row per unit: mean rank, 5 % and 95 % ranks, P(first), P(award), P(lead)."""
        pd = require("pandas", "MonteCarloResult.to_pandas")
        lo, hi = self.rank_interval
        data: dict[str, Any] = {
            "mean_rank": self.mean_rank,
            "rank_5": lo,
            "rank_95": hi,
            "p_first": self.p_first,
        }
        for a in self.award_counts:
            data[f"p_{a}"] = self.award_counts[a] / self.scenarios
        if self.lead_counts is not None:
            data["p_lead"] = self.p_lead
        return pd.DataFrame(data, index=pd.Index(self.units, name="unit"))


# -- the plan: everything a chunk needs, checked once ---------------------------------


def _rebuild(
    items: Sequence[Any], replace: Mapping[str, Criterion]
) -> tuple[Criterion | Group | Bonus | Penalty, ...]:
    out: list[Any] = []
    for it in items:
        if isinstance(it, Group):
            out.append(attrs.evolve(it, items=_rebuild(it.items, replace)))
        elif isinstance(it, Criterion) and it.name in replace:
            out.append(replace[it.name])
        else:
            out.append(it)
    return tuple(out)


def _fraction_column(name: str) -> str:
    return f"__fraction__ {name}"


@attrs.frozen(eq=False)
class _Plan:
    """The checked inputs of a run; picklable, so that a Dask worker can run a chunk."""

    table: ScoreTable
    card: Scorecard  # with noisy-points criteria reading their fraction columns
    original: Scorecard
    ranking: Ranking
    noise: Noise
    awards: AwardScheme | None
    batched_awards: tuple[str, ...]
    period: int | None
    history: History | None
    rotation: Rotation | None
    lead_period: int | None
    sheets: Sheets | None
    column_noise: tuple[tuple[str, float], ...]
    # (criterion, max points, spread of its points noise, largest weight factor): the
    # criteria scored from fraction columns, in card order.
    fractions: tuple[tuple[Criterion, float, float, float], ...]
    batch_weights: bool
    missing: tuple[tuple[str, float], ...]
    scenarios: int
    chunk: int
    seed: int
    rank_width: int  # columns of the rank histogram: N, or max_rank + 1

    @property
    def n_chunks(self) -> int:
        return -(-self.scenarios // self.chunk)

    def __reduce__(self) -> tuple[Any, ...]:
        # An AwardScheme keeps a read-only mapping that pickle refuses: it travels to a
        # worker as the arguments that build it, and is built again there.
        values = {f.name: getattr(self, f.name) for f in attrs.fields(_Plan)}
        scheme = values.pop("awards")
        spec = (
            None
            if scheme is None
            else (scheme.awards, scheme.exclusive, scheme.equivalent, scheme.declared)
        )
        return (_unpickle_plan, (values, spec))


def _unpickle_plan(values: dict[str, Any], spec: tuple[Any, ...] | None) -> _Plan:
    awards = (
        None
        if spec is None
        else AwardScheme(list(spec[0]), exclusive=spec[1], equivalent=spec[2], declared=spec[3])
    )
    return _Plan(awards=awards, **values)


#: Past this many units a full rank histogram (N x N counts) needs max_rank=.
_MOST_UNITS = 4096


def _plan(
    scorecard: Scorecard,
    table: ScoreTable,
    ranking: Ranking,
    noise: Noise,
    awards: AwardScheme | None,
    period: int | None,
    history: History | None,
    rotation: Rotation | None,
    lead_period: int | None,
    sheets: Sheets | None,
    scenarios: int,
    chunk: int | None,
    seed: int,
    max_rank: int | None = None,
) -> _Plan:
    expect(scorecard, Scorecard, "scorecard", "monte_carlo")
    expect(table, ScoreTable, "table", "monte_carlo", data=True)
    expect(ranking, Ranking, "ranking", "monte_carlo")
    expect(noise, Noise, "noise", "monte_carlo")
    expect(awards, (AwardScheme, type(None)), "awards", "monte_carlo")
    expect(rotation, (Rotation, type(None)), "rotation", "monte_carlo")
    expect(sheets, (Sheets, type(None)), "sheets", "monte_carlo")
    for what, v in (("scenarios", scenarios), ("seed", seed)):
        if (
            isinstance(v, bool)
            or not isinstance(v, int | np.integer)
            or v < (1 if what == "scenarios" else 0)
        ):
            raise RuleTypeError(
                f"monte_carlo: {what} must be a whole number >= {1 if what == 'scenarios' else 0} (got {v!r})"
            )
    if table.batch_shape:
        raise DataError(
            f"monte_carlo draws the scenarios itself: give the table without batch axes (got "
            f"batch axes {table.batch_shape})"
        )
    if scorecard.model != "sum" and (noise.points or noise.weights or noise.dirichlet):
        raise RuleError("Noise on points or weights needs a Scorecard with model='sum'")
    if awards is not None and period is None:
        raise RuleError("monte_carlo: awards are decided for a period; give period=")
    if rotation is not None and lead_period is None:
        raise RuleError("monte_carlo: give lead_period= (the period whose leader is counted)")
    n = table.n_units
    c_count = max(1, len(scorecard.criteria))
    if max_rank is not None and (
        isinstance(max_rank, bool) or not isinstance(max_rank, int | np.integer) or max_rank < 1
    ):
        raise RuleTypeError(f"monte_carlo: max_rank must be a whole number >= 1 (got {max_rank!r})")
    if max_rank is None and n > _MOST_UNITS:
        raise DataError(
            f"monte_carlo: a rank histogram of {n} units takes {n} x {n} counts "
            f"({n * n * 8 / 1e9:.1f} GB per chunk's result); give max_rank= (e.g. "
            "max_rank=100: the ranks past it are counted together; mean ranks stay exact)"
        )
    width = n if max_rank is None or max_rank >= n else int(max_rank) + 1
    if chunk is None:
        # About 4 Mi floats per (scenario x unit x criterion) array: 32 MB.
        chunk = max(1, min(int(scenarios), (1 << 22) // max(1, n * c_count)))
    if isinstance(chunk, bool) or not isinstance(chunk, int | np.integer) or chunk < 1:
        raise RuleTypeError(f"monte_carlo: chunk must be a whole number >= 1 (got {chunk!r})")
    criteria = {c.name: c for c in scorecard.criteria}
    # Noise on points, by criterion.
    if isinstance(noise.points, float):
        spreads = dict.fromkeys(criteria, noise.points) if noise.points > 0 else {}
    else:
        unknown_names = [k for k, _ in noise.points if k not in criteria]
        if unknown_names:
            raise unknown(
                "criterion", unknown_names[0], list(criteria), "in the scorecard (Noise points=)"
            )
        spreads = {k: v for k, v in noise.points if v > 0}
    # Weight draws are batched (fraction columns scaled by each scenario's factor) where a
    # criterion's points are its own: no total= or group points= rescaling them together.
    weighted = noise.weights is not None or noise.dirichlet is not None
    batch_weights = weighted and scorecard.total is None and not _rescaled(scorecard.items)
    total_points = sum(c.points for c in scorecard.criteria)
    fractions = []
    for c in scorecard.criteria:
        if not (batch_weights or c.name in spreads):
            continue
        bound = 1.0
        if batch_weights:
            # The largest factor a draw can give: the fraction column stays within [0, 1].
            bound = 1.0 + noise.weights if noise.weights is not None else total_points / c.points
        fractions.append((c, scorecard.max_points_of(c.name), spreads.get(c.name, 0.0), bound))
    replace = {
        c.name: attrs.evolve(
            c,
            column=_fraction_column(c.name),
            scale=Linear(0, 1),
            lower_is_better=False,
            name=c.name,
            points=c.points * bound,
        )
        for c, _, _, bound in fractions
    }
    card = (
        attrs.evolve(scorecard, items=_rebuild(scorecard.items, replace)) if replace else scorecard
    )
    for col, _ in noise.columns:
        if col not in table:
            raise unknown("column", col, table.columns, "in the table (Noise columns=)")
        if table.kind(col) == "category":
            raise DataError(f"Noise columns: column {col!r} holds categories, not numbers")
    readers: dict[str, list[str]] = {}
    for c in scorecard.criteria:
        readers.setdefault(c.column, []).append(c.name)
    if isinstance(noise.missing, float):
        missing = tuple((col, noise.missing) for col in readers) if noise.missing > 0 else ()
    else:
        missing = tuple((k, v) for k, v in noise.missing if v > 0)
    for col, _ in missing:
        if col not in table:
            raise unknown("column", col, table.columns, "in the table (Noise missing=)")
        refusing = [c.name for c in scorecard.criteria if c.column == col and c.missing == "error"]
        if refusing:
            raise RuleError(
                f"Noise missing= draws missing values of column {col!r}, but criterion "
                f"{listing(refusing)} refuses missing values (missing='error'); give it "
                "missing='zero' or a fraction of its points"
            )
    if noise.judges and sheets is None:
        raise RuleError(
            "Noise judges= adds noise to judges' marks: give monte_carlo(..., sheets=Sheets(...))"
        )
    if sheets is not None and sheets.sheets.shape[1] != n:
        raise DataError(
            f"Sheets cover {sheets.sheets.shape[1]} units but the table has {n}; give one "
            "sheet column per unit of the table, in its order"
        )
    batched: list[str] = []
    if awards is not None:
        batched = [a.name for a in awards.awards if _batchable(awards, a, ranking)]
        if len(batched) != len(awards.awards):
            batched = []  # awards depend on each other: decide the scheme scenario by scenario
    base = table
    if sheets is not None:
        agg = sheets.aggregate(table.units, None)
        base = base.with_columns({c: agg[k, 0] for k, c in enumerate(sheets.columns)}, copy=False)
    if replace:
        base = base.with_columns({_fraction_column(k): np.zeros(n) for k in replace}, copy=False)
    return _Plan(
        base,
        card,
        scorecard,
        ranking,
        noise,
        awards,
        tuple(batched),
        None if period is None else int(period),
        history,
        rotation,
        None if lead_period is None else int(lead_period),
        sheets,
        noise.columns,
        tuple(fractions),
        batch_weights,
        missing,
        int(scenarios),
        int(chunk),
        int(seed),
        width,
    )


def _batchable(scheme: AwardScheme, award: Any, ranking: Ranking) -> bool:
    """Whether ``award`` is a plain cut of the standing: no condition, no prerequisite or
    exclusion, a quota of the units (or of all of them: everyone is eligible), ranked by
    the same ranking -- then the first ``k`` of each scenario's order receive it."""
    quota = award.quota
    in_groups = any(award.name in g for g in (*scheme.exclusive, *scheme.equivalent))
    return (
        award.condition is None
        and not award.requires
        and not award.excludes
        and not in_groups
        and not any(award.name in other.excludes for other in scheme.awards)
        and award.subject == "units"
        and (
            quota is None
            or (
                award.ranking == ranking
                and quota.per is None
                and isinstance(quota.of, str)
                and quota.of in ("units", "eligible")
            )
        )
    )


# -- one chunk ---------------------------------------------------------------------------


@attrs.frozen
class _Counts:
    """The additive result of a chunk (integers: merging chunks is exact, in any order)."""

    ranks: IntArray
    awards: dict[str, IntArray]
    lead: IntArray | None
    rank_sums: IntArray

    def __add__(self, other: _Counts) -> _Counts:
        return _Counts(
            self.ranks + other.ranks,
            {k: v + other.awards[k] for k, v in self.awards.items()},
            None if self.lead is None or other.lead is None else self.lead + other.lead,
            self.rank_sums + other.rank_sums,
        )


def _rng(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


def _run_chunk(plan: _Plan, index: int) -> _Counts:
    """Draw, score, rank and award the scenarios of chunk ``index``."""
    first = index * plan.chunk
    s = min(plan.chunk, plan.scenarios - first)
    rng = _rng(plan.seed, index)
    noise = plan.noise
    table = plan.table
    n = table.n_units
    cols: dict[str, FloatArray] = {}

    def current(col: str) -> FloatArray:
        if col in cols:
            return cols[col]
        return np.broadcast_to(table.numeric(col), (s, n))

    # The draws, always in this order: columns, missing values, judges, points, weights.
    for col, spread in plan.column_noise:
        cols[col] = current(col) + noise._draw(rng, spread, (s, n))
    for col, p in plan.missing:
        x = np.array(current(col), dtype=np.float64)
        x[rng.random((s, n)) < p] = np.nan
        cols[col] = x
    if plan.sheets is not None:
        jn = plan.sheets.sheets.shape
        draw = noise._draw(rng, noise.judges, (s, *jn)) if noise.judges else None
        agg = plan.sheets.aggregate(table.units, draw)
        for k, c in enumerate(plan.sheets.columns):
            cols[c] = np.broadcast_to(agg[k], (s, n)) if draw is None else agg[k]
    fr: list[FloatArray] = []
    for crit, m, spread, _ in plan.fractions:
        x = current(crit.column)
        try:
            f = crit.scale.fraction(x, lower_is_better=crit.lower_is_better)
        except _UnitValuesError as exc:
            raise DataError(
                f"criterion {crit.name!r} (column {crit.column!r}), in the scenarios of chunk "
                f"{index}: {exc.naming(table.units)}"
            ) from None
        if spread > 0:
            with np.errstate(invalid="ignore"):
                f = np.clip(f + noise._draw(rng, spread, (s, n)) / m, 0.0, 1.0)
        fr.append(np.broadcast_to(f, (s, n)))
    factors = None
    points = np.array([c.points for c in plan.original.criteria])
    if noise.weights is not None:
        factors = rng.uniform(1 - noise.weights, 1 + noise.weights, (s, len(points)))
    elif noise.dirichlet is not None:
        share = rng.dirichlet(noise.dirichlet * points / points.sum(), size=s)
        factors = share * (points.sum() / points)
    for k, (crit, _, _, bound) in enumerate(plan.fractions):
        f = fr[k]
        if plan.batch_weights:
            assert factors is not None
            # Points m * factor as (f * factor / bound) of m * bound: one scorecard for all.
            f = f * (factors[:, k : k + 1] / bound)
        cols[_fraction_column(crit.name)] = f
    if plan.batch_weights:
        factors = None
    data = table.with_columns(cols, copy=False) if cols else table
    award_counts = (
        {a.name: np.zeros(n, dtype=np.int64) for a in plan.awards.awards} if plan.awards else {}
    )
    lead = np.zeros(n, dtype=np.int64) if plan.rotation is not None else None
    width = plan.rank_width
    rank_counts = np.zeros(n * width, dtype=np.int64)
    rank_sums = np.zeros(n, dtype=np.int64)
    unit_base = np.arange(n, dtype=np.int64) * width

    def count(ranks: IntArray, times: int = 1) -> None:
        # Ranks past the histogram's width share its last column.
        cell = unit_base + np.minimum(ranks, width) - 1
        rank_counts[:] += times * np.bincount(cell.ravel(), minlength=n * width)
        rank_sums[:] += times * ranks.reshape(-1, n).sum(axis=0)

    if factors is None:
        scores = plan.card.score(data)
        standing = plan.ranking.rank(scores)
        ranks = standing.ranks()
        if ranks.ndim == 1:
            # Nothing was drawn: every scenario is this one.
            count(ranks, s)
            if plan.awards is not None:
                once = {a: np.zeros(n, dtype=np.int64) for a in award_counts}
                _allocate(plan, scores, standing, once)
                for a in award_counts:
                    award_counts[a] += s * once[a]
            if lead is not None:
                lead[_leader_index(plan, standing)] += s
        else:
            count(ranks)
            if plan.awards is not None:
                if plan.batched_awards:
                    _batched_awards(plan, standing, scores, data, award_counts, s)
                else:
                    for i in range(s):
                        sc, st = _scenario(plan, data, i, None)
                        _allocate(plan, sc, st, award_counts)
            if lead is not None:
                _leads(plan, standing, lead, s)
    else:
        for i in range(s):
            sc, st = _scenario(plan, data, i, factors[i])
            count(st.ranks())
            if plan.awards is not None:
                _allocate(plan, sc, st, award_counts)
            if lead is not None:
                lead[_leader_index(plan, st)] += 1
    return _Counts(rank_counts.reshape(n, width), award_counts, lead, rank_sums)


def _rescaled(items: Sequence[Any]) -> bool:
    """Whether a group rescales its items' points (``Group(points=...)``)."""
    return any(
        isinstance(it, Group) and (it.points is not None or _rescaled(it.items)) for it in items
    )


def _reweighted(card: Scorecard, factors: FloatArray) -> Scorecard:
    new = {
        c.name: attrs.evolve(c, points=float(c.points * f))
        for c, f in zip(card.criteria, factors.tolist(), strict=True)
    }
    return attrs.evolve(card, items=_rebuild(card.items, new))


def _scenario(
    plan: _Plan, data: ScoreTable, i: int, factors: FloatArray | None
) -> tuple[Scores, Standing]:
    """The scores and standing of one scenario, scored on its own."""
    one = plan.table
    if data.batch_shape:
        one = plan.table.with_columns(
            {
                c: data[c][i]
                for c in data.columns
                if data.kind(c) in ("float", "int") and data[c].ndim > 1
            },
            copy=False,
        )
    card = plan.card if factors is None else _reweighted(plan.card, factors)
    scores = card.score(one)
    return scores, plan.ranking.rank(scores)


def _allocate(plan: _Plan, scores: Scores, standing: Standing, counts: dict[str, IntArray]) -> None:
    assert plan.awards is not None
    assert plan.period is not None
    ctx = Context(plan.period, history=plan.history, scores=scores, standing=standing)
    alloc = plan.awards.allocate(ctx)
    for name in counts:
        counts[name] += alloc.mask(name)


def _batched_awards(
    plan: _Plan,
    standing: Standing,
    scores: Scores,
    data: ScoreTable,
    counts: dict[str, IntArray],
    s: int,
) -> None:
    """Awards that are a plain cut of the standing, for every scenario at once."""
    assert plan.awards is not None
    n = plan.table.n_units
    order = standing.order_index.reshape(s, n)
    tied = standing.tied.reshape(s, max(n - 1, 0))
    for name in plan.batched_awards:
        award = plan.awards.award(name)
        if award.quota is None:
            counts[name] += s
            continue
        k = min(award.quota.limit(n), n)
        if k == 0:
            continue
        # A tie across the cut-off is settled by the award's own tie rule: those
        # scenarios go through the full allocation (which also raises for ties="chain").
        crossing = tied[:, k - 1] if k < n else np.zeros(s, dtype=bool)
        clean = ~crossing
        counts[name] += np.bincount(order[clean, :k].ravel(), minlength=n)
        for i in np.flatnonzero(crossing).tolist():
            sc, st = _scenario(plan, data, i, None)
            ctx = Context(plan.period or 0, history=plan.history, scores=sc, standing=st)
            counts[name] += plan.awards.allocate(ctx).mask(name)


def _leads(plan: _Plan, standing: Standing, lead: IntArray, s: int) -> None:
    cache: dict[bytes, int] = {}
    n = plan.table.n_units
    order = standing.order_index.reshape(s, n)
    tied = standing.tied.reshape(s, max(n - 1, 0))
    for i in range(s):
        # The leader depends only on the standing: scenarios with the same order and
        # ties share one rotation decision.
        key = order[i].tobytes() + tied[i].tobytes()
        if key not in cache:
            one = standing.scenario(i) if standing.batch_shape else standing
            cache[key] = _leader_index(plan, one)
        lead[cache[key]] += 1


def _leader_index(plan: _Plan, standing: Standing) -> int:
    assert plan.rotation is not None
    assert plan.lead_period is not None
    # The history matters to a rotation only through its eligibility condition.
    history = plan.history if plan.rotation.eligible is not None else None
    term = plan.rotation.term(
        plan.lead_period, standings={plan.lead_period: standing}, history=history
    )
    return plan.table.index(term.leader)


# -- the entry point -----------------------------------------------------------------


def monte_carlo(
    scorecard: Scorecard,
    table: ScoreTable,
    ranking: Ranking,
    noise: Noise,
    *,
    scenarios: int = 1000,
    seed: int = 0,
    awards: AwardScheme | None = None,
    period: int | None = None,
    history: History | None = None,
    rotation: Rotation | None = None,
    lead_period: int | None = None,
    sheets: Sheets | None = None,
    chunk: int | None = None,
    max_rank: int | None = None,
    client: Any = None,
    progress: bool | Callable[[int, int], None] = False,
) -> MonteCarloResult:
    """Run ``scenarios`` draws of ``noise`` through the scorecard, ranking and awards.

    Parameters
    ----------
    scorecard, table, ranking
        The competition's points table, the units' data (no batch axes) and
        the ranking with its tie-break chain.
    noise
        What is uncertain (:class:`Noise`).
    scenarios, seed
        How many draws, and the root seed. Chunk ``c`` draws from the stream
        ``SeedSequence(seed, spawn_key=(c,))``: the same seed and chunk size
        give the same result on any machine, locally or on a cluster.
    awards, period, history
        An :class:`~emulation_rules.AwardScheme` decided for ``period`` in
        every scenario (with the ``history`` its conditions read). Awards that
        are a plain cut of the standing (no condition, prerequisite or
        exclusion; a quota of the units under the same ranking) are decided for
        a whole chunk at once; any other scheme is allocated scenario by
        scenario with :meth:`AwardScheme.allocate` (exact, about a millisecond
        per scenario).
    rotation, lead_period
        A :class:`~emulation_rules.Rotation` whose leader of ``lead_period``
        is decided from each scenario's standing (``standings={lead_period:
        standing}``, as for :class:`~emulation_rules.BestRanked`).
    sheets
        Judges' sheets aggregated by a panel into columns of the table.
    chunk
        Scenarios per chunk. Memory is bounded by a few arrays of ``chunk x N
        x C`` floats; the default keeps one such array near 32 MB. The result
        depends on the seed *and* the chunk size.
    max_rank
        Count ranks 1..``max_rank`` one by one and the worse ones together (a
        histogram of ``N x (max_rank + 1)`` counts instead of ``N x N``); mean
        ranks stay exact. Needed past 4096 units.
    client
        A ``dask.distributed.Client``: the chunks run as its tasks, and the
        result is identical to the local run.
    progress
        ``True`` shows a progress bar (needs ``rich``, the ``analysis``
        extra); a callable is called with ``(chunks done, chunks)``.

    Returns
    -------
    MonteCarloResult

    Examples
    --------
    >>> import emulation_rules as er
    >>> t = er.ScoreTable({"unit": ["A", "B", "C"], "x": [0.9, 0.85, 0.5]})
    >>> card = er.Scorecard([er.Criterion("x", 10, scale=er.Linear(0, 1))], resolution=0.01)
    >>> mc = monte_carlo(card, t, er.Ranking(er.desc("total"), er.Lot(seed=1)), Noise(points=1.0),
    ...                  scenarios=2000, seed=7)
    >>> mc.p_first.round(2)
    array([0.72, 0.28, 0.  ])
    >>> mc.rank_interval
    (array([1, 1, 3]), array([2, 2, 3]))
    >>> print(mc.summary())
    unit  mean rank  5-95 %  P(first)
    A          1.28     1-2     0.716
    B          1.72     1-2     0.284
    C          3.00     3-3     0.000
    """
    plan = _plan(
        scorecard,
        table,
        ranking,
        noise,
        awards,
        period,
        history,
        rotation,
        lead_period,
        sheets,
        scenarios,
        chunk,
        seed,
        max_rank,
    )
    report = _reporter(progress, plan.n_chunks)
    try:
        if client is not None:
            total = _run_dask(plan, client, report)
        else:
            total = None
            for c in range(plan.n_chunks):
                part = _run_chunk(plan, c)
                total = part if total is None else total + part
                report(c + 1)
    finally:
        report(-1)
    assert total is not None
    return MonteCarloResult(
        table.units,
        plan.scenarios,
        total.ranks,
        total.awards,
        total.lead,
        seed=plan.seed,
        chunk=plan.chunk,
        rank_sums=total.rank_sums,
    )


def _run_chunks(plan: _Plan, indices: Sequence[int]) -> _Counts:
    """Chunks run one after the other on one worker, their counts added up there."""
    total = _run_chunk(plan, indices[0])
    for i in indices[1:]:
        total = total + _run_chunk(plan, i)
    return total


def _run_dask(plan: _Plan, client: Any, report: Callable[[int], None]) -> _Counts:
    distributed = require("distributed", "monte_carlo(client=...)")
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    # A few tasks per worker, each a run of consecutive chunks summed on the worker: the
    # N x N rank counts cross the network once per task, not once per chunk. Integer
    # counts add up exactly in any order, so the grouping never changes the result.
    tasks = min(plan.n_chunks, 2 * workers)
    groups = [list(g) for g in np.array_split(np.arange(plan.n_chunks), tasks) if len(g)]
    scattered = client.scatter(plan, broadcast=True)
    futures = client.map(
        _run_chunks, [scattered] * len(groups), [[int(i) for i in g] for g in groups], pure=False
    )
    sizes = {f.key: len(g) for f, g in zip(futures, groups, strict=True)}
    total: _Counts | None = None
    done = 0
    for fut in distributed.as_completed(futures):
        part = fut.result()
        total = part if total is None else total + part
        done += sizes[fut.key]
        report(done)
    assert total is not None
    return total


def _reporter(progress: bool | Callable[[int, int], None], chunks: int) -> Callable[[int], None]:
    if callable(progress):
        return lambda done: None if done < 0 else progress(done, chunks)
    if not progress:
        return lambda done: None
    rich_progress = require("rich.progress", "monte_carlo(progress=True)")
    bar = rich_progress.Progress(transient=True)
    task = bar.add_task("scenarios", total=chunks)
    bar.start()

    def report(done: int) -> None:
        if done < 0:
            bar.stop()
        else:
            bar.update(task, completed=done)

    return report
