"""Plots of the analyses (the ``plot`` extra: matplotlib). Each returns the Figure.

Figures are built with :class:`matplotlib.figure.Figure` directly, never through
``pyplot``: no GUI backend is touched and no global figure state is kept, so the
functions are safe in servers and tests. Save one with ``fig.savefig(path)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._checks import expect, require
from ..errors import DataError, RuleTypeError
from ..rotation import Schedule
from .montecarlo import MonteCarloResult
from .sensitivity import StabilityRadius, WeightRange

__all__ = ["rank_fan", "rotation_timeline", "tornado"]


#: The most units a rank fan shows unless told which.
_MOST = 30


def _figure(width: float, height: float) -> Any:
    figure = require("matplotlib.figure", "emulation_rules.analysis.plots")
    return figure.Figure(figsize=(width, height), layout="constrained")


def rank_fan(result: MonteCarloResult, *, units: Sequence[str] | None = None) -> Any:
    """A fan of rank probabilities: one row per unit, the shade of each cell ``P(rank = r)``,
    with the mean rank (dot) and the 5-95 % range (line).

    Units are listed best mean rank first, the best 30 of a larger field
    (``units=`` picks and orders them); the rank axis covers the ranks the
    units shown reach.

    Examples
    --------
    >>> import emulation_rules as er
    >>> from emulation_rules.analysis import Noise, monte_carlo
    >>> t = er.ScoreTable({"unit": ["A", "B", "C"], "x": [0.9, 0.85, 0.5]})
    >>> card = er.Scorecard([er.Criterion("x", 10, scale=er.Linear(0, 1))])
    >>> mc = monte_carlo(card, t, er.Ranking(er.desc("total"), er.Lot(seed=1)), Noise(points=1.0),
    ...                  scenarios=200)
    >>> fig = rank_fan(mc)
    >>> fig.axes[0].get_title(), [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ('Rank probabilities over 200 scenarios', ['A', 'B', 'C'])
    """
    expect(result, MonteCarloResult, "result", "rank_fan", data=True)
    n = len(result.units)
    if units is None:
        idx = np.lexsort((np.arange(n), result.mean_rank)).tolist()[:_MOST]
    else:
        pos = {u: i for i, u in enumerate(result.units)}
        missing = [u for u in units if u not in pos]
        if missing:
            raise DataError(f"rank_fan: unknown unit {missing[0]!r}")
        idx = [pos[u] for u in units]
    # Ranks up to the worst any unit shown reaches.
    reach = int(np.flatnonzero(result.rank_counts[idx].any(axis=0)).max(initial=0)) + 1
    p = result.rank_probabilities[idx][:, :reach]
    fig = _figure(min(16.0, 2.5 + 0.45 * reach), min(12.0, 1.0 + 0.4 * len(idx)))
    ax = fig.add_subplot()
    image = ax.imshow(
        p, aspect="auto", cmap="Blues", vmin=0.0, vmax=1.0,
        extent=(0.5, reach + 0.5, len(idx) - 0.5, -0.5),
    )  # fmt: skip
    lo, hi = result.rank_interval
    rows = np.arange(len(idx))
    ax.hlines(rows, lo[idx], hi[idx], colors="black", linewidth=1.5)
    ax.plot(result.mean_rank[idx], rows, "o", color="darkorange", label="mean rank")
    ax.set_yticks(rows, [result.units[i] for i in idx])
    ax.set_xticks(range(1, reach + 1, max(1, reach // 20)))
    ax.set_xlabel("rank")
    ax.set_title(f"Rank probabilities over {result.scenarios} scenarios")
    fig.colorbar(image, ax=ax, label="P(rank)")
    ax.legend(loc="lower right", fontsize="small")
    return fig


def tornado(
    sensitivity: StabilityRadius | Mapping[str, WeightRange], *, relative: bool = True
) -> Any:
    """A tornado of weight sensitivity, most sensitive criterion on top.

    For a :class:`StabilityRadius`: each criterion's change (alone) that ties
    the two units, as a share of its points (``relative=True``) or in points;
    criteria that cannot tie them alone are left out. For the ranges of
    :func:`top_k_weight_ranges`: each criterion's range around its declared
    points (an open end drawn to twice the declared points, hatched).

    Examples
    --------
    >>> import emulation_rules as er
    >>> from emulation_rules.analysis import stability_radius
    >>> card = er.Scorecard([er.Criterion("a", 60, scale=er.Linear(0, 1)),
    ...                      er.Criterion("b", 40, scale=er.Linear(0, 1))])
    >>> t = er.ScoreTable({"unit": ["X", "Y"], "a": [0.9, 0.5], "b": [0.25, 0.8]})
    >>> fig = tornado(stability_radius(card, t, er.Ranking(er.desc("total"))))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]  # bottom to top: a on top
    ['b', 'a']
    """
    if isinstance(sensitivity, StabilityRadius):
        items = [
            (k, v / sensitivity.points[k] if relative else v)
            for k, v in sensitivity.per_weight.items()
            if not math.isinf(v)
        ]
        items.sort(key=lambda kv: -abs(kv[1]))
        fig = _figure(6.0, 1.0 + 0.35 * max(1, len(items)))
        ax = fig.add_subplot()
        y = np.arange(len(items))
        values = [v for _, v in items]
        ax.barh(y, values, color=["tab:red" if v < 0 else "tab:blue" for v in values])
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_yticks(y, [k for k, _ in items])
        ax.set_xlabel("change of the criterion's points" + (" (share)" if relative else ""))
        ax.set_title(
            f"Change of one weight that ties\n{sensitivity.first} and {sensitivity.second}"
        )
        if relative:
            ax.xaxis.set_major_formatter(_percent())
        return fig
    if not isinstance(sensitivity, Mapping) or not all(
        isinstance(v, WeightRange) for v in sensitivity.values()
    ):
        raise RuleTypeError(
            "tornado takes a StabilityRadius or the dict of WeightRange of top_k_weight_ranges"
        )
    ranges = sorted(
        sensitivity.values(),
        key=lambda r: -(min(r.high, 2 * r.points) - r.low) / r.points,
        reverse=True,
    )
    fig = _figure(6.0, 1.0 + 0.35 * max(1, len(ranges)))
    ax = fig.add_subplot()
    for i, r in enumerate(ranges):
        hi = min(r.high, 2 * r.points)
        ax.barh(
            i, hi - r.low, left=r.low, color="tab:blue", alpha=0.6,
            hatch="//" if math.isinf(r.high) else None,
        )  # fmt: skip
        ax.plot([r.points], [i], "k|", markersize=14)
    ax.set_yticks(range(len(ranges)), [r.criterion for r in ranges])
    ax.set_xlabel("points of the criterion (others fixed); | declared")
    ax.set_title("Weight ranges that keep the top set")
    return fig


def _percent() -> Any:
    ticker = require("matplotlib.ticker", "emulation_rules.analysis.plots")
    return ticker.PercentFormatter(xmax=1.0)


def rotation_timeline(schedule: Schedule) -> Any:
    """Who led (filled) and deputised (open) in each period of a rotation's schedule;
    an override is marked with a red ring.

    Examples
    --------
    >>> import emulation_rules as er
    >>> r = er.Rotation(["A", "B", "C"], er.FixedCycle(2023, "A"), since=2023, deputy=True)
    >>> fig = rotation_timeline(r.schedule(2023, 2026))
    >>> fig.axes[0].get_title()
    'Rotation 2023-2026'
    """
    if not isinstance(schedule, Schedule):
        raise RuleTypeError(
            f"rotation_timeline takes a Schedule (Rotation.schedule(...)), got "
            f"{type(schedule).__name__}"
        )
    terms = list(schedule)
    members: list[str] = []
    for t in terms:
        for u in (*t.members, t.leader, t.deputy):
            if u is not None and u not in members:
                members.append(u)
    row = {u: i for i, u in enumerate(members)}
    fig = _figure(1.5 + 0.6 * len(terms), 1.0 + 0.35 * len(members))
    ax = fig.add_subplot()
    periods = [t.period for t in terms]
    ax.plot(periods, [row[t.leader] for t in terms], "-", color="lightgray", zorder=0)
    ax.scatter(periods, [row[t.leader] for t in terms], s=120, color="tab:blue", label="leader")
    deps = [(t.period, row[t.deputy]) for t in terms if t.deputy is not None]
    if deps:
        ax.scatter(
            *zip(*deps, strict=True), s=120, facecolors="none", edgecolors="tab:blue",
            label="deputy",
        )  # fmt: skip
    changed = [(t.period, row[t.leader]) for t in terms if t.leader != t.base_leader]
    if changed:
        ax.scatter(
            *zip(*changed, strict=True), s=260, facecolors="none", edgecolors="tab:red",
            label="override",
        )  # fmt: skip
    ax.set_yticks(range(len(members)), members)
    ax.invert_yaxis()
    ax.set_xticks(periods)
    ax.set_title(f"Rotation {schedule.first}-{schedule.last}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    return fig
