"""Scenarios: ``analysis.monte_carlo`` over S scenarios x N units x 20 criteria, against a numpy
floor doing the same batched work, and on a Dask LocalCluster with 2 workers.

The competition (built once per size, not timed): N units, 20 raw metrics on 0-100, a points
table of two groups of ten criteria (``Linear(0, 100)``, 5 points each, resolution 0.01), a
4-key chain ``Ranking(desc("total"), desc("g1"), desc("votes"), Lot(seed=...))`` (``votes`` a
table column of small integers, so total and group ties do reach the later keys), and one
award for the best 5 % (``Quota(share=0.05)`` under that ranking). The noise is
``Noise(columns={every metric: 1.0})``: each raw metric uniform +-1, independently, in every
scenario. ``size`` is N; S is 10^4 (``SCENARIOS``).

Methods, in the same run:

* ``monte_carlo`` -- the library, chunks of its default size (printed in the note), one
  thread: draw, score (round each item to ticks, group subtotals, total), rank with the chain
  (lot included), count each unit's ranks and the award's recipients.
* ``numpy floor`` -- the same work written directly in numpy, chunk by chunk with the same
  streams (``SeedSequence(seed, spawn_key=(chunk,))``): the draws, ``(x - 0) * 5`` clipped
  and rounded half up to ticks with the library's tolerance, two group sums, ``np.lexsort``
  of (lot, -votes, -g1, -total) per scenario, ``np.bincount`` of ranks and of the first k.
  The lot values are the library's own ``Lot.draw`` of the ids (not timed).
* ``dask 2 threads`` / ``dask 2 processes`` -- ``monte_carlo(..., client=client)`` on a
  ``LocalCluster(n_workers=2, threads_per_worker=1)`` whose workers are threads of this process
  (``processes=False``) or processes of their own; cluster start and a warm-up run not timed.
  The target is stated on the threaded cluster.

Every method's rank counts and award counts are checked to be identical before anything is
printed. ``peak_mb`` is the peak of one call above its input (tracemalloc; for the Dask
processes, the client process only).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

import emulation_rules as er
from _common import Row, Target, best_of, peak_memory, rows_at, with_ratios
from emulation_rules import _kernels as K
from emulation_rules.analysis import Noise, monte_carlo

NAME = "scenarios"
DEFAULT_SIZES = (1000,)
SCENARIOS = int(os.environ.get("SCENARIOS", 10**4))
C = 20
SEED = 2024
DESCRIPTION = (
    f"S = {SCENARIOS} scenarios x N units x {C} criteria; 4-key chain; 5 % quota; "
    "noise +-1 on every metric"
)


def competition(n: int) -> dict[str, Any]:
    rng = np.random.default_rng(n)
    units = [f"u{i}" for i in range(n)]
    cols = {f"m{j}": rng.random(n) * 100 for j in range(C)}
    votes = rng.integers(0, 10, n)
    table = er.ScoreTable({"unit": units, **cols, "votes": votes})
    groups = [
        er.Group(f"g{g + 1}", [er.Criterion(f"m{j}", 5, scale=er.Linear(0, 100)) for j in js])
        for g, js in enumerate((range(10), range(10, 20)))
    ]
    card = er.Scorecard(groups, resolution=0.01)
    lot = er.Lot(seed=f"bench {n}")
    ranking = er.Ranking(er.desc("total"), er.desc("g1"), er.desc("votes"), lot)
    scheme = er.AwardScheme([er.Award("top 5 %", quota=er.Quota(share=0.05), ranking=ranking)])
    noise = Noise(columns=dict.fromkeys(cols, 1.0))
    return {
        "table": table,
        "card": card,
        "ranking": ranking,
        "scheme": scheme,
        "noise": noise,
        "x": np.stack([cols[f"m{j}"] for j in range(C)]),  # (C, N)
        "votes": votes,
        "lot": lot.draw(units),
    }


def library(comp: dict[str, Any], client: Any = None) -> Any:
    return monte_carlo(
        comp["card"],
        comp["table"],
        comp["ranking"],
        comp["noise"],
        scenarios=SCENARIOS,
        seed=SEED,
        awards=comp["scheme"],
        period=2024,
        client=client,
    )


def floor(comp: dict[str, Any], chunk: int) -> tuple[np.ndarray, np.ndarray]:
    x, votes, lot = comp["x"], comp["votes"], comp["lot"]
    n = x.shape[1]
    k = (n * 5) // 100
    m = 5 * 100.0  # points x ticks per point
    step = np.multiply(1 / 100, m)
    eps = 0.5 + K.tick_eps(m)
    ranks = np.zeros(n * n, dtype=np.int64)
    award = np.zeros(n, dtype=np.int64)
    base = np.arange(n) * n
    for c in range(-(-SCENARIOS // chunk)):
        s = min(chunk, SCENARIOS - c * chunk)
        rng = np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=(c,)))
        ticks = np.empty((C, s, n))
        # The library draws the noisy columns in the order of their names (m0, m1, m10, ...).
        for j in sorted(range(C), key=lambda j: f"m{j}"):
            t = x[j] + rng.uniform(-1.0, 1.0, (s, n))
            t *= step
            np.clip(t, 0.0, m, out=t)
            t += eps
            np.floor(t, out=ticks[j])
        g1 = ticks[:10].sum(axis=0)
        total = g1 + ticks[10:].sum(axis=0)
        order = np.lexsort(
            (np.broadcast_to(lot, (s, n)), np.broadcast_to(-votes, (s, n)), -g1, -total), axis=-1
        )
        pos = np.empty_like(order)
        np.put_along_axis(pos, order, np.arange(n), axis=-1)
        ranks += np.bincount((base + pos).ravel(), minlength=n * n)
        award += np.bincount(order[:, :k].ravel(), minlength=n)
    return ranks.reshape(n, n), award


def run(sizes: Sequence[int]) -> Iterator[Row]:
    for n in sizes:
        comp = competition(n)
        input_mb = C * SCENARIOS * n * 8 / 1e6  # the S x N x C draws, were they held at once
        t_lib, res = best_of(lambda comp=comp: library(comp), 1, 0.0)
        chunk = res.chunk
        t_floor, (ranks, award) = best_of(lambda comp=comp, chunk=chunk: floor(comp, chunk), 1, 0.0)
        if not (
            np.array_equal(ranks, res.rank_counts)
            and np.array_equal(award, res.award_counts["top 5 %"])
        ):
            raise SystemExit("scenarios: the library and the floor disagree")
        peak_lib, _ = peak_memory(lambda comp=comp: library(comp))
        peak_floor, _ = peak_memory(lambda comp=comp, chunk=chunk: floor(comp, chunk))
        rows = [
            Row(NAME, n, "monte_carlo", t_lib, peak_lib, input_mb=input_mb, note=f"chunk {chunk}"),
            Row(NAME, n, "numpy floor", t_floor, peak_floor, input_mb=input_mb),
        ]
        rows.append(dask_row(comp, n, res, input_mb, processes=False))
        rows.append(dask_row(comp, n, res, input_mb, processes=True))
        yield from with_ratios(rows, ["numpy floor"])


def dask_row(comp: dict[str, Any], n: int, local: Any, input_mb: float, processes: bool) -> Row:
    method = f"dask 2 {'processes' if processes else 'threads'}"
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - the dask extra
        return Row(NAME, n, method, float("nan"), float("nan"), note="no dask")
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=":0"
    )
    client = Client(cluster)
    try:
        library(comp, client)  # warm up: workers import the library
        t, res = best_of(lambda: library(comp, client), 1, 0.0)
        if res != local:
            raise SystemExit("scenarios: the Dask run differs from the local run")
        peak, _ = peak_memory(lambda: library(comp, client))
    finally:
        client.close()
        cluster.close()
    return Row(NAME, n, method, t, peak, input_mb=input_mb, note="identical to local")


def check(rows: Sequence[Row]) -> list[Target]:
    lib, flo, dsk = (rows_at(rows, m) for m in ("monte_carlo", "numpy floor", "dask 2 threads"))
    out = []
    for n, r in lib.items():
        ratio = r.seconds / flo[n].seconds
        out.append(
            Target(
                f"monte_carlo within 2x of the numpy floor at N={n}",
                ratio <= 2.0,
                f"{r.seconds:.2f} s vs {flo[n].seconds:.2f} s = {ratio:.2f}x",
            )
        )
        chunk = int(r.note.split()[-1])
        one_chunk = chunk * n * C * 8 / 1e6  # one chunk's draws, float64
        out.append(
            Target(
                f"peak memory bounded by the chunk at N={n}",
                r.peak_mb <= 4 * one_chunk,
                f"{r.peak_mb:.0f} MB <= 4 x {one_chunk:.0f} MB (one chunk of {chunk} scenarios' "
                f"draws); all {SCENARIOS} scenarios' draws would take {r.input_mb:.0f} MB",
            )
        )
        if n in dsk and dsk[n].seconds == dsk[n].seconds:
            d = dsk[n].seconds / r.seconds
            out.append(
                Target(
                    f"Dask LocalCluster, 2 workers (threads), no slower than 1.2x local at N={n}",
                    d <= 1.2,
                    f"{dsk[n].seconds:.2f} s vs {r.seconds:.2f} s = {d:.2f}x; results identical",
                )
            )
    return out
