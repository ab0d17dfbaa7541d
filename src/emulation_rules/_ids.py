"""Unit ids held as arrays: integer ids as int64, text ids as an Arrow string array.

An id means what it always meant -- its NFC text, an integer id its decimal text
(``1`` and ``"1"`` are one unit) -- but a table of 10^7 units no longer holds 10^7
Python strings: integer ids stay an int64 array and text ids an Arrow string array,
and the texts are made when somebody reads them (``ScoreTable.units``), once.

Validation without a loop per id: integer ids need only a duplicate check (O(n) when
they are sorted, one sort otherwise); text ids are normalised by
``pyarrow.compute.utf8_normalize`` (skipped when every id is ASCII, where NFC is the
identity), checked for spaces around and emptiness from their first and last
bytes, and for repeats with one hash-based count. Whenever a problem is found, or
pyarrow is not installed, the ids go through the one per-id rule
(:func:`~emulation_rules._names.check_ids`), which names every problem: the fast
paths only ever accept what that rule accepts.
"""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _digests
from ._digests import U64Array
from ._kernels import dense_codes
from ._names import check_ids
from .types import AnyArray, IntArray

__all__ = ["UnitIds", "arrow", "is_arrow", "parse_ids"]

_INT64_MAX = int(np.iinfo(np.int64).max)

#: ASCII bytes that ``str.strip()`` removes (``str.isspace`` is true for them).
_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[ord(c) for c in map(chr, range(128)) if c.isspace()]] = True


def arrow() -> Any:
    """The ``pyarrow`` module, or None when it is not installed (the core does not need it)."""
    try:
        return importlib.import_module("pyarrow")
    except ImportError:
        return None


def is_arrow(raw: object) -> bool:
    """Whether ``raw`` is an Arrow array (plain or chunked)."""
    if type(raw).__module__.split(".")[0] != "pyarrow":
        return False
    pa = arrow()
    return pa is not None and isinstance(raw, pa.Array | pa.ChunkedArray)


class UnitIds(Sequence[str]):
    """The ids of a table's units, in table order; ``ids[i]`` is the text of unit ``i``.

    Exactly one of ``ints`` (int64, read-only), ``arrow`` (an Arrow string array
    of NFC texts) and ``tuple`` (Python texts) holds them.
    """

    __slots__ = ("_arrow", "_ints", "_keys", "_order", "_texts")

    def __init__(
        self,
        *,
        ints: IntArray | None = None,
        arrow_texts: Any = None,
        texts: tuple[str, ...] | None = None,
    ) -> None:
        self._ints, self._arrow, self._texts = ints, arrow_texts, texts
        self._order: IntArray | None = None  # each unit's position in the ids' order
        # int64 keys that order as the texts, when found while checking the ids
        self._keys: IntArray | None = None

    def __len__(self) -> int:
        if self._ints is not None:
            return int(self._ints.shape[0])
        if self._arrow is not None:
            return len(self._arrow)
        return len(self._texts)  # type: ignore[arg-type]

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return self.texts()[i]
        if self._texts is not None:
            return self._texts[i]
        if self._ints is not None:
            return str(int(self._ints[i]))
        return self._arrow[int(i)].as_py()

    def __iter__(self) -> Any:
        return iter(self.texts())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, UnitIds):
            return self.texts() == other.texts()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @property
    def ints(self) -> IntArray | None:
        """The ids as int64, when they are all whole numbers given as such."""
        return self._ints

    def texts(self) -> tuple[str, ...]:
        """Every id as text (made on the first call, then kept)."""
        if self._texts is None:
            if self._ints is not None:
                self._texts = tuple(map(str, self._ints.tolist()))
            else:
                self._texts = tuple(self._arrow.to_pylist())
        return self._texts

    def take(self, index: IntArray) -> list[str]:
        """The texts of the ids at ``index`` only (without making every text)."""
        if self._texts is not None:
            t = self._texts
            return [t[i] for i in index.tolist()]
        if self._ints is not None:
            return list(map(str, self._ints[index].tolist()))
        return list(self._arrow.take(np.asarray(index, dtype=np.int64)).to_pylist())

    def digests(self, index: IntArray) -> U64Array:
        """The digests a lot draws by (:mod:`._digests`) of the ids at ``index``, read
        from the id array without making their texts."""
        if self._ints is not None:
            return _digests.of_ints(self._ints[index])
        if self._arrow is not None:
            offsets, data = _utf8(self._arrow)
            return _digests.of_buffer(data, offsets, index)
        return _digests.of_texts(self.take(index))

    def text_keys(self, index: IntArray) -> IntArray:
        """Non-negative int64 keys, one per id at ``index``, that order as those ids'
        texts (not necessarily 0..k-1: they come without a sort when they can)."""
        if self._keys is not None:
            return self._keys[index]
        if self._ints is not None and self._order is None:
            key = _decimal_text_key(self._ints[index])
            if key is not None:
                return key
        return self.rank_among(index)

    def rank_among(self, index: IntArray) -> IntArray:
        """Positions in the order of the ids' texts that compare the ids at ``index``
        as their texts compare: the table's whole order when known (or when ``index``
        is most of the table), else an order of these ids only."""
        if self._order is not None or 2 * len(index) >= len(self):
            return self.text_rank()[index]
        if self._keys is not None:
            order = np.argsort(self._keys[index])
        elif self._ints is not None:
            order = _decimal_text_order(self._ints[index])
        elif self._arrow is not None and self._texts is None:
            order = _utf8_order(self._arrow.take(np.asarray(index, dtype=np.int64)))
        else:
            order = np.argsort(np.array(self.take(index), dtype=str), kind="stable")
        ranks = np.empty(len(order), dtype=np.int64)
        ranks[order] = np.arange(len(order))
        return ranks

    def text_rank(self) -> IntArray:
        """Each unit's position in the order of the ids' texts (by code point)."""
        if self._order is None:
            if self._keys is not None:
                order = np.argsort(self._keys)
            elif self._ints is not None:
                order = _decimal_text_order(self._ints)
            elif self._arrow is not None and self._texts is None:
                order = _utf8_order(self._arrow)
            else:
                order = np.argsort(np.array(self._texts, dtype=str), kind="stable")
            ranks = np.empty(len(order), dtype=np.int64)
            ranks[order] = np.arange(len(order))
            self._order = ranks
        return self._order


def _decimal_text_key(v: IntArray) -> IntArray | None:
    """int64 keys that order as the texts of non-negative ``v`` below 10**17 (None for
    others): ``x * 10**(k - digits)`` keeps the digits' order in ``k`` digits, and
    times 20 plus the digit count puts a prefix first ("1" < "10" < "2")."""
    if not v.size or int(v.min()) < 0 or int(v.max()) >= 10**17:
        return None
    k = len(str(int(v.max())))
    p10 = np.array([10**j for j in range(k + 1)], dtype=np.int64)
    d = np.ones(v.shape, dtype=np.intp)  # digits: one comparison pass per power of 10
    for j in range(1, k):
        d += v >= p10[j]
    key: IntArray = v * p10[k - d]
    key *= 20
    key += d
    return key


def _decimal_text_order(v: IntArray) -> IntArray:
    """The order of ``str(x)`` for int64 ``x``, by code point, without making the texts.

    A non-negative number's text compares as its digits left-aligned (``x`` times 10
    to the missing digits, which fits a uint64), a prefix first ("1" < "10"); "-"
    sorts before every digit, and after it the digits compare the same way.
    """
    key = _decimal_text_key(v)
    if key is not None:
        return np.argsort(key)
    neg = v < 0
    mag = np.abs(v).astype(np.uint64)
    mag[v == np.iinfo(np.int64).min] = np.uint64(2**63)  # np.abs wraps at the minimum
    powers = np.array([10**k for k in range(20)], dtype=np.uint64)
    digits = np.searchsorted(powers, mag, side="right")  # 1..19 (0 has one digit)
    digits = np.maximum(digits, 1)
    scaled = mag * powers[19 - digits]
    return np.lexsort((digits, scaled, ~neg))


def parse_ids(raw: object, *, copy: bool = True, where: str = "row") -> tuple[UnitIds, list[str]]:
    """The ids of ``raw`` and every problem with them (as :func:`check_ids` words it,
    naming each id's ``where``: "row", "position").

    ``raw``: a :class:`UnitIds` (already checked), an integer array, a range, an
    Arrow string array, or any sequence of ids.
    """
    if isinstance(raw, UnitIds):
        return raw, []
    if isinstance(raw, range):
        raw = np.arange(raw.start, raw.stop, raw.step, dtype=np.int64)
    fast = _fast(raw, copy)
    if fast is not None:
        return fast, []
    values = _as_list(raw)
    ids, problems = check_ids(values, where=where)
    return UnitIds(texts=tuple(ids)), problems


def _as_list(raw: object) -> list[object]:
    if isinstance(raw, np.ndarray):
        return raw.tolist()  # type: ignore[no-any-return]
    if hasattr(raw, "to_pylist"):
        return raw.to_pylist()  # type: ignore[no-any-return]
    return list(raw)  # type: ignore[call-overload,no-any-return]


def _fast(raw: object, copy: bool) -> UnitIds | None:
    """The ids checked with array operations, or None when only the per-id rule can
    tell (a problem to name, a mixture of kinds, no pyarrow for texts)."""
    if isinstance(raw, np.ndarray):
        if raw.ndim == 1 and raw.dtype.kind in "iu":
            return _int_ids(raw, copy)
        if raw.ndim == 1 and raw.dtype.kind in "OUT":
            return _text_ids(raw)
        return None
    module = type(raw).__module__.split(".")[0]
    if module == "pyarrow":
        return _text_ids(raw)
    if isinstance(raw, list | tuple):
        return _text_ids(raw)
    return None


def _int_ids(a: AnyArray, copy: bool) -> UnitIds | None:
    if a.dtype.kind == "u" and a.size and int(a.max()) > _INT64_MAX:
        return None  # past int64: the per-id rule turns them into their text
    ints = np.array(a, dtype=np.int64, copy=True if copy else None)
    if ints is a:
        ints = a.view()
    ints.flags.writeable = False
    if ints.size > 1 and not bool((ints[1:] > ints[:-1]).all()):
        lo, hi = int(ints.min()), int(ints.max())
        if hi - lo < 4 * ints.size:
            # Dense ids (a shuffled 0..N-1): count them in a mask, no sort.
            seen = np.zeros(hi - lo + 1, dtype=np.bool_)
            seen[ints - lo] = True
            repeated = int(np.count_nonzero(seen)) != ints.size
        else:
            s = np.sort(ints)
            repeated = bool((s[1:] == s[:-1]).any())
        if repeated:
            return None  # named by the per-id rule
    return UnitIds(ints=ints)


def _text_ids(raw: object) -> UnitIds | None:
    pa = arrow()
    if pa is None:
        return None
    pc = importlib.import_module("pyarrow.compute")
    try:
        arr = raw if type(raw).__module__.split(".")[0] == "pyarrow" else pa.array(raw)
    except (pa.lib.ArrowException, TypeError, ValueError, OverflowError):
        return None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    if not isinstance(arr, pa.Array):
        return None
    if pa.types.is_integer(arr.type) and len(arr) and arr.null_count == 0:
        return _int_ids(arr.to_numpy(), copy=False)
    if pa.types.is_large_string(arr.type) or pa.types.is_string_view(arr.type):
        arr = arr.cast(pa.string())
    if not pa.types.is_string(arr.type) or arr.null_count:
        return None
    n = len(arr)
    if n == 0:
        return UnitIds(arrow_texts=arr)
    offsets, data = _utf8(arr)
    if data[offsets[0] : offsets[-1]].max(initial=0) >= 0x80:
        # NFC is the identity on ASCII: only text with other characters is normalised.
        normal = pc.utf8_normalize(arr, "NFC")
        if not _same_nfc(arr, normal, offsets, data):
            return None
        arr = normal
        offsets, data = _utf8(arr)
    # Spaces around, or empty: decided from each id's first and last byte. A byte
    # below "!" (an ASCII space or control character) or a non-ASCII one at either
    # end sends the ids to the per-id rule, or is looked at alone.
    starts, ends = offsets[:-1], offsets[1:]
    if bool((ends <= starts).any()):
        return None  # an empty id
    first, last = data[starts], data[ends - 1]
    if min(int(first.min()), int(last.min())) <= 0x20:
        return None
    if max(int(first.max()), int(last.max())) >= 0x80:
        # A non-ASCII character at an end may be a space (U+00A0, U+3000, ...): only
        # those ids are looked at one by one.
        odd = np.flatnonzero((first >= 0x80) | (last >= 0x80))
        for u in arr.take(odd).to_pylist():
            if u != u.strip():
                return None
    del first, last, starts, ends
    # Repeats: short ids as integer keys in the texts' order (kept: ties are listed by
    # id), found equal by one integer sort; longer ones by Arrow's hash-based unique.
    key = _utf8_words_key(arr)
    ids = UnitIds(arrow_texts=arr)
    if key is None:
        if len(pc.unique(arr)) != n:  # faster here than count_distinct
            return None
        return ids
    s = np.sort(key)
    if bool((s[1:] == s[:-1]).any()):
        return None
    ids._keys = key
    return ids


def _same_nfc(arr: Any, normal: Any, offsets: AnyArray, data: AnyArray) -> bool:
    """Whether Arrow's NFC of ``arr`` (``normal``) is Python's too, for every id.

    An id means its NFC by Python's ``unicodedata``, the per-id rule. Arrow's Unicode
    tables (utf8proc) may be newer: a character Python does not know yet may compose
    there (U+16D67 twice is U+16D68 in Unicode 16). Only the ids Arrow changed can
    differ this way, and they are rare (text typed in NFD), so those alone are compared.
    """
    new_offsets, new_data = _utf8(normal)
    a, b = data[offsets[0] : offsets[-1]], new_data[new_offsets[0] : new_offsets[-1]]
    if np.array_equal(offsets - offsets[0], new_offsets - new_offsets[0]) and np.array_equal(a, b):
        return True  # nothing changed (the common case: text already in NFC)
    pc = importlib.import_module("pyarrow.compute")
    changed = np.flatnonzero(~pc.equal(arr, normal).to_numpy(zero_copy_only=False))
    before = arr.take(changed).to_pylist()
    after = normal.take(changed).to_pylist()
    return all(unicodedata.normalize("NFC", u) == v for u, v in zip(before, after, strict=True))


def _utf8(arr: Any) -> tuple[AnyArray, AnyArray]:
    """An Arrow string array's offsets (its own ``n + 1``) and its UTF-8 bytes, as views."""
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + n + 1]
    buf = arr.buffers()[2]
    data = np.frombuffer(buf, dtype=np.uint8) if buf is not None else np.zeros(0, np.uint8)
    return offsets, data


#: Ids longer than this many UTF-8 bytes are ordered by Arrow's own string sort.
_WORD_SORT_BYTES = 32


def _utf8_order(arr: Any) -> IntArray:
    """The order of an Arrow string array by code point (UTF-8 bytes compare alike)."""
    key = _utf8_words_key(arr)
    if key is None:
        pc = importlib.import_module("pyarrow.compute")
        return np.asarray(pc.sort_indices(arr), dtype=np.int64)
    return np.argsort(key)


def _utf8_words_key(arr: Any) -> IntArray | None:
    """Non-negative int64 keys, one per id of an Arrow string array, that order as the
    ids by code point (equal ids have equal keys); None for ids longer than :data:`_WORD_SORT_BYTES`.

    Without a sort of strings: the bytes all ids share at the start are skipped; what
    follows is cut into big-endian 8-byte words -- one word when it fits beside the
    length (a prefix sorts first), else each word's dense rank folded into one key.
    """
    offsets, data = _utf8(arr)
    n = len(arr)
    lens = np.diff(offsets)
    longest = int(lens.max(initial=0))
    if longest > _WORD_SORT_BYTES:
        return None
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    shortest = int(lens.min())
    if shortest == longest:
        key = _fixed_width_key(data, int(offsets[0]), longest, n)
        if key is not None:
            return key
    lens = lens.astype(np.int64)
    starts = offsets[:-1].astype(np.int64)
    shared = 0
    while shared < shortest and bool((data[starts + shared] == data[starts[0] + shared]).all()):
        shared += 1
    rest = lens - shared
    width = longest - shared
    if width <= 7:
        # The bytes left and their count in one word: bytes first, then the count.
        pad = np.zeros((n, 8), dtype=np.uint8)
        _fill(pad, data, starts + shared, rest, width)
        word = pad.view(">u8").astype(np.uint64).ravel()
        word >>= np.uint64(5)  # 7 bytes in bits 3..58: non-negative as int64
        word |= rest.astype(np.uint64)
        out: IntArray = word.view(np.int64)
        return out
    pad = np.zeros((n, 8 * -(-width // 8)), dtype=np.uint8)
    _fill(pad, data, starts + shared, rest, width)
    return _fold_words(pad, width + 1, rest)


def _fold_words(pad: AnyArray, radix: int, rest: IntArray | int) -> IntArray:
    """One int64 key per row of ``pad`` (bytes, big-endian words) in the rows' order:
    each word's dense rank folded in, then ``rest`` (the length, below ``radix``)."""
    words = pad.view(">u8").astype(np.uint64)
    words ^= np.uint64(1 << 63)
    key = dense_codes(words[:, 0].view(np.int64))
    for w in range(1, words.shape[1]):
        d = dense_codes(words[:, w].view(np.int64))
        key = dense_codes(key) * (int(d.max()) + 1) + d
    out: IntArray = dense_codes(key) * radix + rest
    return out


def _fixed_width_key(data: AnyArray, base: int, width: int, n: int) -> IntArray | None:
    """The keys of :func:`_utf8_words_key` for ids of one length (``width`` bytes, back
    to back from ``base``): 8-byte words read in place, no copy of the bytes; None when
    more than 8 bytes are left after the shared start."""
    shared = 0
    while shared < width:
        w = _words_at(data, base + shared, width, n)
        lo, hi = int(w.min()), int(w.max())
        # BE words order as their bytes: all share the leading bytes min and max share.
        same = 8 if lo == hi else (64 - (lo ^ hi).bit_length()) // 8
        shared = min(width, shared + same)
        if same < 8:
            break
    left = width - shared
    if left > 8:
        return None
    key = _words_at(data, base + shared, width, n)
    if left < 8:
        key >>= np.uint64(8 * (8 - left))  # below 2**56
    elif int(key.max()) >= 2**63:
        return None  # 8 bytes left, the first non-ASCII: not a non-negative int64
    return key.view(np.int64)


def _words_at(data: AnyArray, base: int, step: int, n: int) -> AnyArray:
    """uint64 of the 8 bytes (big-endian) at ``base + i * step`` for ``i < n``; bytes
    past the end of ``data`` read as 0. Only a record's own bytes are ever used."""
    out = np.empty(n, dtype=np.uint64)
    fit = 0 if data.size < base + 8 else min(n, (data.size - base - 8) // step + 1)
    if fit:
        # An unaligned, strided view of the records: read once, never written.
        view = np.ndarray((fit,), dtype=">u8", buffer=data, offset=base, strides=(step,))
        out[:fit] = view
    for i in range(fit, n):  # the last few records, when fewer than 8 bytes follow
        at = base + i * step
        out[i] = int.from_bytes(data[at : at + 8].tobytes().ljust(8, b"\0"), "big")
    return out


def _fill(pad: AnyArray, data: AnyArray, starts: IntArray, lens: IntArray, width: int) -> None:
    """``pad[i, :lens[i]]`` = the ``lens[i]`` bytes of ``data`` from ``starts[i]``."""
    n = len(starts)
    if n > 1 and width and bool((lens == width).all()):
        # Ids of one length lie in fixed-width records: one strided copy.
        step = int(starts[1] - starts[0])
        if bool((np.diff(starts) == step).all()) and step >= width:
            rows = np.lib.stride_tricks.as_strided(
                data[int(starts[0]) :], shape=(n, width), strides=(step, 1), writeable=False
            )
            pad[:, :width] = rows
            return
    for j in range(width):
        has = lens > j
        if bool(has.all()):
            pad[:, j] = data[starts + j]
        else:
            at = np.flatnonzero(has)
            pad[at, j] = data[starts[at] + j]
