"""The digests a :class:`~emulation_rules.Lot` draws by, for many ids at once.

The digest of an id is ``BLAKE2b(utf8(id), digest_size=8)`` read as a
little-endian ``uint64`` -- the definition of a lot, which never changes. Made one
id at a time through :mod:`hashlib`, it costs a Python object and call per id, and
was most of the first ranking of a tie-heavy table. The optional C module
``_digest`` (built by ``setup.py`` when a C compiler is present) computes the same
numbers from the id array itself -- int64 ids through their decimal text, Arrow
texts through their UTF-8 bytes -- eight ids per vector, on every core. Without
it, :mod:`hashlib` gives the same digests, more slowly; ``tests/test_digests.py``
holds both to hashlib's.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeAlias

import numpy as np

from . import _threads
from .types import IntArray


def _load() -> Any:
    try:
        return importlib.import_module(f"{__package__}._digest")
    except ImportError:  # built without a C compiler: hashlib computes the same digests
        return None


#: The C module (``int_digests(values, out)``, ``utf8_digests(data, offsets, index,
#: out)``; see ``_digest.c``), or None.
_c: Any = _load()

__all__ = ["compiled", "of_buffer", "of_ints", "of_texts", "of_utf8"]

U64Array: TypeAlias = "np.ndarray[Any, np.dtype[np.uint64]]"

#: What one digest costs in elements of a numpy pass (it decides when to use threads).
_COST = 64
#: Parts of a threaded pass start at multiples of this many ids.
_STEP = 1 << 12

_H8 = functools.partial(hashlib.blake2b, digest_size=8)


def compiled() -> bool:
    """Whether the C loops are in use (else :mod:`hashlib`, same digests)."""
    return _c is not None


def of_utf8(items: Iterable[bytes]) -> U64Array:
    """The digests of ids given as their UTF-8 bytes, through :mod:`hashlib`."""
    raw = b"".join([_H8(u).digest() for u in items])
    return np.frombuffer(raw, dtype="<u8").astype(np.uint64)


def of_texts(texts: Sequence[str]) -> U64Array:
    """The digests of ids given as (already NFC) texts."""
    encoded = [u.encode() for u in texts]
    if _c is None:
        return of_utf8(encoded)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return of_buffer(b"".join(encoded), offsets, np.arange(len(encoded)))


def of_ints(values: IntArray) -> U64Array:
    """The digests of int64 ids, i.e. of their decimal texts."""
    if _c is None:
        return of_utf8(np.asarray(values, dtype=np.int64).astype("S20").tolist())
    v = np.ascontiguousarray(values, dtype=np.int64)
    out = np.empty(v.shape[0], dtype=np.uint64)
    c = _c

    def part(lo: int, hi: int) -> None:
        c.int_digests(v[lo:hi], out[lo:hi])

    _in_parts(v.shape[0], part)
    return out


def of_buffer(data: Any, offsets: Any, index: IntArray) -> U64Array:
    """The digests of the texts ``data[offsets[j]:offsets[j + 1]]`` for ``j`` in
    ``index`` (Arrow's layout: UTF-8 bytes and int32 or int64 offsets)."""
    index = np.ascontiguousarray(index, dtype=np.int64)
    if _c is None:
        return of_utf8([bytes(data[offsets[j] : offsets[j + 1]]) for j in index.tolist()])
    out = np.empty(index.shape[0], dtype=np.uint64)
    c = _c

    def part(lo: int, hi: int) -> None:
        c.utf8_digests(data, offsets, index[lo:hi], out[lo:hi])

    _in_parts(index.shape[0], part)
    return out


def _in_parts(n: int, fn: Callable[[int, int], None]) -> None:
    """``fn(0, n)``, or ``fn`` over contiguous parts of ``[0, n)`` on the library's
    threads when ``n`` digests are worth it (the C loops release the GIL)."""
    k = _threads.count(n * _COST)
    if k < 2:
        fn(0, n)
        return
    _threads.run(lambda p: fn(*p), _threads.parts(n, _STEP, k), elements=n * _COST)
