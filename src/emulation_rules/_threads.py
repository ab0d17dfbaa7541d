"""Large passes split over the cores this process may use.

numpy releases the GIL inside its loops, so passes that read or write hundreds of
megabytes -- the checks of a table's float columns, the chunks of a scoring --
take about half the time on two cores, which is what the tools a user compares us
with (polars, DuckDB) do. Every task writes only its own slice of the output, so a
result never depends on how the work was split, nor on the number of threads.

``EMULATION_RULES_THREADS`` sets the number of threads (``1``: never more than
the caller's own); by default it is the number of CPUs the process may run on.
Work smaller than :data:`MIN_ELEMENTS` stays on the calling thread, and so does
work started from inside a task (no pool waits on itself).
"""

from __future__ import annotations

import contextvars
import math
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from .errors import RuleError

__all__ = ["MIN_ELEMENTS", "count", "parts", "run", "threads"]

T = TypeVar("T")
R = TypeVar("R")

#: Passes over fewer array elements than this run on the calling thread alone.
MIN_ELEMENTS = 1 << 18

_ENV = "EMULATION_RULES_THREADS"
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_key: tuple[int, int] = (0, 0)  # (process id, workers): a fork or a new count makes a new pool
_inside = threading.local()


def threads() -> int:
    """The number of threads large passes use (``EMULATION_RULES_THREADS``, else the CPUs)."""
    raw = os.environ.get(_ENV, "").strip()
    if raw:
        try:
            k = int(raw)
        except ValueError:
            k = 0
        if k < 1:
            raise RuleError(
                f"{_ENV}={raw!r} is not a number of threads; set it to a whole number "
                "of at least 1 (1 runs everything on the calling thread), or unset it"
            )
        return k
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def count(elements: int) -> int:
    """The threads a pass over ``elements`` array elements runs on (1: the caller's)."""
    if elements < MIN_ELEMENTS or getattr(_inside, "busy", False):
        return 1
    return threads()


def parts(n: int, step: int, k: int) -> list[tuple[int, int]]:
    """``[0, n)`` cut into ``k`` contiguous parts (fewer when short), at multiples of
    ``step``."""
    step = max(step, 1)
    if n <= 0:
        return [(0, 0)]
    k = max(1, min(k, math.ceil(n / step)))
    size = math.ceil(math.ceil(n / k) / step) * step
    return [(lo, min(n, lo + size)) for lo in range(0, n, size)]


def run(fn: Callable[[T], R], items: Iterable[T], *, elements: int) -> list[R]:
    """``[fn(x) for x in items]``, on several threads when ``elements`` (the array
    elements the calls touch in all) is large enough; the first exception, in the
    order of ``items``, is raised. Each call sees the caller's context (e.g. numpy's
    ``errstate``)."""
    todo = list(items)
    k = count(elements)
    if k < 2 or len(todo) < 2:
        return [fn(x) for x in todo]
    pool = _get_pool(k)
    ctx = contextvars.copy_context()

    def task(x: T) -> R:
        _inside.busy = True
        try:
            return ctx.copy().run(fn, x)
        finally:
            _inside.busy = False

    return list(pool.map(task, todo))


def _get_pool(k: int) -> ThreadPoolExecutor:
    global _pool, _pool_key
    key = (os.getpid(), k)
    with _lock:
        if _pool is None or _pool_key != key:
            # After a fork the parent's threads are gone: the child makes its own pool.
            if _pool is not None and _pool_key[0] == key[0]:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=k, thread_name_prefix="emulation_rules")
            _pool_key = key
        return _pool
