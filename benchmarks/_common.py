"""Shared machinery of the benchmarks: timing, peak memory, rows and targets.

A benchmark module ``bench_<name>.py`` in this folder exposes

* ``NAME`` -- what ``run.py --only`` selects it by;
* ``DEFAULT_SIZES`` -- the sizes run when ``--sizes`` is not given;
* ``run(sizes) -> Iterable[Row]`` -- one row per size and method (a generator
  is fine: ``run.py`` prints each row as it arrives);
* optionally ``DESCRIPTION`` (printed above its rows) and
  ``check(rows) -> list[Target]`` (the targets, printed as PASS/FAIL lines).

Every row is measured against a *floor* computed in the same run (a
hand-written numpy version of the same arithmetic), so ``ratio_to_floor`` is
comparable across machines even when seconds are not.
"""

from __future__ import annotations

import gc
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")

MB = 1e6  # decimal megabytes, so that 10^7 x 20 float64 reads as 1600 MB


@dataclass
class Row:
    """One measured method at one size."""

    benchmark: str
    size: int
    method: str
    seconds: float
    peak_mb: float
    ratio_to_floor: float = float("nan")
    input_mb: float = float("nan")
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The row for JSON: the five measured fields first, then the context."""
        d = asdict(self)
        first = ("size", "method", "seconds", "ratio_to_floor", "peak_mb")
        return {k: d[k] for k in first} | {k: v for k, v in d.items() if k not in first}


@dataclass
class Target:
    """A goal a benchmark states, with the numbers that decide it."""

    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}: {self.detail}"


def best_of(fn: Callable[[], T], repeats: int, min_seconds: float = 0.5) -> tuple[float, T]:
    """The fastest call of ``fn`` (GC paused, as ``timeit`` does) and its result.

    Calls ``fn`` at least ``repeats`` times, and more (up to 200) until
    ``min_seconds`` have been spent, so that millisecond timings are stable too.
    """
    best = float("inf")
    result: Any = None
    spent = 0.0
    calls = 0
    gc.collect()
    while calls < max(1, repeats) or (spent < min_seconds and calls < 200):
        result = None  # free the previous result before the next call allocates its own
        enabled = gc.isenabled()
        gc.disable()
        try:
            t0 = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - t0
        finally:
            if enabled:
                gc.enable()
        best = min(best, elapsed)
        spent += elapsed
        calls += 1
    return best, result


def peak_memory(fn: Callable[[], T]) -> tuple[float, T]:
    """Peak MB allocated during one call of ``fn``, above what existed before it.

    Measured with :mod:`tracemalloc`, which numpy reports its array buffers to;
    memory allocated before the call (the input) is not counted, the result
    returned by ``fn`` is (it is alive at the peak). Run separately from the
    timing, because tracing slows Python-level allocations.
    """
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - before) / MB, result


#: Calls of a row that decides a target at 10^7 units, at the least. There one call
#: lasts seconds, but the first touch of freshly mapped memory (numpy asks for huge
#: pages; this VM backs them erratically) moves it by up to 2x -- a raw ranking took
#: 1.2-3.7 s over six calls in one process -- so a best of two or three is luck. Every
#: side of a comparison (the library, its floor, polars) gets the same number of calls.
DECIDING_RUNS_LARGE = 5


def deciding_repeats(size: int, repeats: int) -> int:
    """``repeats``, raised for a deciding row at 10^7 units or more (see
    :data:`DECIDING_RUNS_LARGE`)."""
    return max(repeats, DECIDING_RUNS_LARGE) if size >= 10**7 else repeats


def repeats_for(size: int) -> int:
    """Fewer repeats for big sizes, where one call already lasts long enough to time well."""
    if size >= 10**7:
        return 3
    if size >= 10**6:
        return 5
    return 7


def machine() -> str:
    """One line on what the numbers were measured on."""
    blas = ""
    try:
        cfg = np.show_config(mode="dicts")  # type: ignore[call-arg]
        info = cfg["Build Dependencies"]["blas"]
        blas = f", BLAS {info.get('name', '?')} {info.get('version', '')}".rstrip()
    except Exception:  # show_config's shape varies across numpy versions
        pass
    core = os.environ.get("OPENBLAS_CORETYPE")
    core_note = f", OPENBLAS_CORETYPE={core}" if core else ""
    load = ""
    if hasattr(os, "getloadavg"):
        one = os.getloadavg()[0]
        busy = (
            " -- the machine is busy: seconds are noisy"
            if one > 0.5 * (os.cpu_count() or 1)
            else ""
        )
        load = f"; load average {one:.2f} at start{busy}"
    return (
        f"Python {platform.python_version()}, numpy {np.__version__}{blas}{core_note}; "
        f"{os.cpu_count()} CPUs, {platform.machine()} {platform.processor() or sys.platform}{load}"
    )


def _num(x: float, digits: int = 3) -> str:
    if x != x:  # NaN
        return "-"
    return f"{x:.{digits}f}"


def format_header() -> str:
    return (
        f"{'size':>10}  {'method':<22} {'seconds':>10} {'ratio_to_floor':>14} "
        f"{'peak_mb':>10} {'peak/input':>10}  note"
    )


def format_row(r: Row) -> str:
    per_input = r.peak_mb / r.input_mb if r.input_mb == r.input_mb and r.input_mb > 0 else None
    return (
        f"{r.size:>10}  {r.method:<22} {r.seconds:>10.6f} {_num(r.ratio_to_floor, 2):>14} "
        f"{_num(r.peak_mb, 1):>10} {_num(per_input, 2) if per_input is not None else '-':>10}  "
        f"{r.note}"
    ).rstrip()


def rows_at(rows: Iterable[Row], method: str) -> dict[int, Row]:
    """The rows of ``method`` by size."""
    return {r.size: r for r in rows if r.method == method}


def with_ratios(rows: Sequence[Row], floor_methods: Sequence[str]) -> list[Row]:
    """Fill ``ratio_to_floor``: each row's seconds over the fastest floor method at its size."""
    out = list(rows)
    floor = min(r.seconds for r in out if r.method in floor_methods)
    for r in out:
        r.ratio_to_floor = r.seconds / floor
    return out
