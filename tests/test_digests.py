"""The digests lots draw by (``_digests``): the C loops and the hashlib fallback give
``BLAKE2b(utf8(id), digest_size=8)`` of every id, whatever its length, whatever the
ids are held as, on any number of threads -- so no drawn lot depends on how the
library was built."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import shutil
import subprocess
import sysconfig
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import Lot, Ranking, ScoreTable, _digests, _ids, desc

compiled = pytest.mark.skipif(
    not _digests.compiled(),
    reason="the C module _digest was not built (no C compiler); hashlib is used instead",
)


def blake(u: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(u, digest_size=8).digest(), "little")


@contextlib.contextmanager
def backend(c: bool) -> Iterator[None]:
    """The C loops (``True``, when built) or hashlib (``False``) for the block."""
    saved = _digests._c
    if not c:
        _digests._c = None
    try:
        yield
    finally:
        _digests._c = saved


BACKENDS = [pytest.param(True, marks=compiled, id="c"), pytest.param(False, id="hashlib")]

# Lengths around the 128-byte block and the 8-byte word, in one- to four-byte
# characters: every way a text can end inside a block.
_CHARS = st.sampled_from(["a", "7", "-", "é", "Đ", "ồ", "語", "\U0001f3c5", "\x00"])
texts = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.integers(0, 300)
        .flatmap(lambda k: st.lists(_CHARS, min_size=k, max_size=k))
        .map("".join),
    ),
    max_size=20,
)


@pytest.mark.parametrize("c", BACKENDS)
@given(values=texts)
def test_text_digests_are_blake2b_of_the_utf8(c: bool, values: list[str]) -> None:
    with backend(c):
        got = _digests.of_texts(values)
    assert got.dtype == np.uint64
    assert got.tolist() == [blake(u.encode()) for u in values]


@pytest.mark.parametrize("c", BACKENDS)
@given(values=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=30))
def test_int_digests_are_those_of_the_decimal_text(c: bool, values: list[int]) -> None:
    with backend(c):
        got = _digests.of_ints(np.array(values, dtype=np.int64))
    assert got.tolist() == [blake(str(v).encode()) for v in values]


@pytest.mark.parametrize("c", BACKENDS)
@given(
    values=st.lists(
        st.text(min_size=1, max_size=150).map(str.strip).filter(bool),
        min_size=3,
        max_size=30,
        unique_by=lambda u: unicodedata.normalize("NFC", u),
    ),
    data=st.data(),
)
def test_unit_digests_read_every_way_ids_are_held(
    c: bool, values: list[str], data: st.DataObject
) -> None:
    pa = pytest.importorskip("pyarrow")
    ids, problems = _ids.parse_ids(values)
    assert not problems
    want = [blake(u.encode()) for u in ids.texts()]
    index = np.array(
        data.draw(st.lists(st.integers(0, len(values) - 1), max_size=40)), dtype=np.int64
    )
    # An Arrow array that starts inside its buffers (a slice) reads from its own offset.
    arr = pa.array(["x", *ids.texts()], pa.string())[1:]
    held = [ids, _ids.UnitIds(arrow_texts=arr), _ids.UnitIds(texts=ids.texts())]
    with backend(c):
        for units in held:
            assert units.digests(index).tolist() == [want[i] for i in index]


@pytest.mark.parametrize("c", BACKENDS)
def test_unit_digests_of_int_ids(c: bool) -> None:
    v = np.array([0, -1, 10**18, -(2**63), 2**63 - 1, 42], dtype=np.int64)
    ids, problems = _ids.parse_ids(v)
    assert not problems
    assert ids.ints is not None
    index = np.array([5, 0, 3, 3, 4, 1, 2], dtype=np.int64)
    with backend(c):
        got = ids.digests(index)
    assert got.tolist() == [blake(str(int(v[i])).encode()) for i in index]


@compiled
@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_threaded_digests_equal_one_thread(threads: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    v = rng.integers(-(10**12), 10**12, 30_000)
    words = [str(x) * (1 + int(x) % 9) for x in v[:20_000].tolist()]  # 1 to 9 blocks long
    monkeypatch.setenv("EMULATION_RULES_THREADS", "1")
    one_i, one_t = _digests.of_ints(v), _digests.of_texts(words)
    monkeypatch.setenv("EMULATION_RULES_THREADS", threads)
    assert np.array_equal(_digests.of_ints(v), one_i)
    assert np.array_equal(_digests.of_texts(words), one_t)
    assert one_t[:50].tolist() == [blake(u.encode()) for u in words[:50]]


@compiled
def test_the_c_loops_refuse_positions_outside_the_texts() -> None:
    c = _digests._c
    data = np.frombuffer(b"abc", dtype=np.uint8)
    offsets = np.array([0, 1, 3], dtype=np.int64)
    with pytest.raises(IndexError, match="outside the texts"):
        c.utf8_digests(data, offsets, np.array([2], dtype=np.int64), np.empty(1, np.uint64))
    bad = np.array([0, 5, 3], dtype=np.int64)  # an offset past the data
    with pytest.raises(IndexError, match="outside the texts"):
        c.utf8_digests(data, bad, np.array([0], dtype=np.int64), np.empty(1, np.uint64))
    with pytest.raises(ValueError, match="differ in length"):
        c.int_digests(np.zeros(3, np.int64), np.empty(2, np.uint64))
    with pytest.raises(ValueError, match="differ in length"):
        c.utf8_digests(data, offsets, np.zeros(2, np.int64), np.empty(1, np.uint64))


def test_drawn_lots_do_not_depend_on_the_backend() -> None:
    n = 5_000
    t = ScoreTable({"pts": np.zeros(n)}, units=np.arange(n) * 7 - 900)
    names = [f"Đơn vị {i}" for i in range(300)]
    rk = Ranking(desc("pts"), Lot(seed="cụm 7 / 2023"))
    results = []
    for c in ([True] if _digests.compiled() else []) + [False]:
        with backend(c):
            fresh = ScoreTable({"pts": np.zeros(n)}, units=np.arange(n) * 7 - 900)
            results.append((rk.rank(fresh).order, Lot(seed=3).draw(names).tolist()))
    assert all(r == results[0] for r in results)
    assert len(set(results[0][0])) == n
    assert results[0][0] != t.units  # the lot did reorder


@pytest.mark.parametrize("c", BACKENDS)
def test_digests_at_every_block_and_word_boundary(c: bool) -> None:
    # Random lengths rarely land exactly on a boundary, where a loop's bound is off
    # by one or not at all.
    lengths = sorted(
        {k + d for k in (0, 8, 16, 120, 128, 256, 384) for d in (-1, 0, 1) if k + d >= 0}
    )
    values = ["".join(chr(97 + (i * 7 + k) % 26) for i in range(k)) for k in lengths]
    values += ["é" * 64, "é" * 65, "語" * 43, "\U0001f3c5" * 32 + "a"]
    with backend(c):
        got = _digests.of_texts(values)
    assert got.tolist() == [blake(u.encode()) for u in values]


@pytest.mark.parametrize("c", BACKENDS)
def test_draw_reads_ids_as_a_table_does(c: bool) -> None:
    # Lot.draw checks its ids as a table does (array passes, the per-id rule where it
    # names a problem): the same lots for a list, a numpy array and an Arrow array, at
    # any length, and problems named by position.
    from emulation_rules import DataError

    pa = pytest.importorskip("pyarrow")
    names = [f"Công an tỉnh {i}" for i in range(1500)]
    ints = list(range(-3, 1200))
    lot = Lot(seed="cụm 7")
    with backend(c):
        for ids in (names, names[:5], ints, ints[:3]):
            want = lot._mix(np.array([blake(str(u).encode()) for u in ids], dtype=np.uint64))
            assert lot.draw(ids).tolist() == want.tolist()
            assert lot.draw(np.array(ids)).tolist() == want.tolist()
            assert lot.draw(pa.array(ids)).tolist() == want.tolist()
            assert lot.draw(pa.chunked_array([ids[:2], ids[2:]])).tolist() == want.tolist()
        with pytest.raises(DataError, match=r"positions 0 and 1500"):
            lot.draw([*names, names[0]])
        with pytest.raises(DataError, match=r"at position 3 has leading or trailing spaces"):
            lot.draw([*names[:3], " x", *names[3:]])


def _build_variant(tmp: Path, *flags: str) -> Any:
    """``_digest.c`` compiled again with ``flags``, loaded as a module of its own."""
    cc = (sysconfig.get_config_var("CC") or "cc").split()
    if shutil.which(cc[0]) is None:
        pytest.skip(f"no C compiler ({cc[0]}) to build a variant of _digest.c")
    src = Path(__file__).parent.parent / "src" / "emulation_rules" / "_digest.c"
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    target = tmp / f"_digest{suffix}"
    include = sysconfig.get_paths()["include"]
    cmd = [*cc, "-O1", "-shared", "-fPIC", f"-I{include}", *flags, str(src), "-o", str(target)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"could not build a variant of _digest.c: {done.stderr[-300:]}")
    spec = importlib.util.spec_from_file_location("_digest", target)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@compiled
def test_the_build_without_vectors_gives_the_same_digests(tmp_path: Path) -> None:
    # Compilers without GCC/Clang vector extensions (MSVC) build the one-id-at-a-time
    # loop instead of eight lanes: built here on purpose, it must agree with hashlib.
    scalar = _build_variant(tmp_path, "-DDIGEST_NO_LANES")
    lengths = [0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 255, 256, 257, 300]
    words = [bytes((i * 31 + k) % 256 for i in range(k)) for k in lengths]
    data = np.frombuffer(b"".join(words), dtype=np.uint8)
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(w) for w in words], out=offsets[1:])
    index = np.arange(len(words), dtype=np.int64)[::-1].copy()
    out = np.empty(len(words), dtype=np.uint64)
    scalar.utf8_digests(data, offsets, index, out)
    assert out.tolist() == [blake(words[i]) for i in index]
    ints = np.array([0, -1, 7, -(2**63), 2**63 - 1, 10**15, *range(20)], dtype=np.int64)
    got = np.empty(ints.size, dtype=np.uint64)
    scalar.int_digests(ints, got)
    assert got.tolist() == [blake(str(v).encode()) for v in ints.tolist()]
