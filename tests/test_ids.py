"""Unit ids held as arrays (``_ids``): the fast paths accept exactly what the per-id
rule accepts, name the same problems, and keep every id meaning what it meant."""

from __future__ import annotations

import hashlib
import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import DataError, Lot, Ranking, ScoreTable, _ids, desc
from emulation_rules._names import check_ids

pa = pytest.importorskip("pyarrow")

# Texts that exercise every branch: ASCII, composed and decomposed accents, spaces
# around (ASCII and not), empty, and repeats after NFC.
_PIECES = ["A", "b", "Hòa", "Ho\u0300a", " ", "\u00a0", "\u3000", "\t", "", "7", "Đ", "\x1c", "ß"]
# Past 32 UTF-8 bytes, ids are checked for repeats by Arrow's unique, not as words.
_PIECES.append("Thành phố Hồ Chí Minh, Quận 1")
texts = st.lists(st.lists(st.sampled_from(_PIECES), max_size=3).map("".join), max_size=8)


def _blake(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _without_arrow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_ids, "arrow", lambda: None)


@given(texts)
def test_text_ids_fast_path_agrees_with_the_per_id_rule(values: list[str]) -> None:
    want, problems = check_ids(values)
    for given_as in (values, np.array(values, dtype=object), pa.array(values, pa.string())):
        ids, found = _ids.parse_ids(given_as)
        assert found == problems
        assert ids.texts() == tuple(want)
        if not found:  # what a lot hashes: the UTF-8 of the NFC text
            assert ids.digests(np.arange(len(want))).tolist() == [_blake(u) for u in want]


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=12), st.booleans())
def test_int_ids_fast_path_agrees_with_the_per_id_rule(values: list[int], shuffle: bool) -> None:
    arr = np.array(values, dtype=np.int64)
    if not shuffle:
        arr = np.sort(arr)
    want, problems = check_ids(arr.tolist())
    ids, found = _ids.parse_ids(arr)
    assert found == problems
    assert ids.texts() == tuple(want)
    assert ids.take(np.arange(len(arr))[::-1]) == list(want)[::-1]
    if not found:  # what a lot hashes: the UTF-8 of the decimal text
        assert ids.digests(np.arange(len(arr))).tolist() == [_blake(u) for u in want]


@given(
    st.sampled_from([(-(2**63), 2**63 - 1), (0, 10**17 - 1), (0, 1000)]).flatmap(
        lambda r: st.lists(st.integers(*r), unique=True, max_size=30)
    )
)
def test_the_order_of_int_ids_is_the_order_of_their_texts(values: list[int]) -> None:
    ids, _ = _ids.parse_ids(np.array(values, dtype=np.int64))
    by_text = sorted(range(len(values)), key=lambda i: str(values[i]))
    assert np.argsort(ids.text_rank()).tolist() == by_text


@given(st.lists(st.sampled_from([*_PIECES[:3], "Z", "ằ", "10", "9", "a b"]), unique=True))
def test_the_order_of_text_ids_is_by_code_point(values: list[str]) -> None:
    ids, found = _ids.parse_ids(values)
    assert not found
    nfc = [unicodedata.normalize("NFC", v) for v in values]
    assert np.argsort(ids.text_rank()).tolist() == sorted(range(len(nfc)), key=nfc.__getitem__)


def test_integer_and_text_ids_are_the_same_units() -> None:
    a = ScoreTable({"x": [3.0, 1.0, 2.0]}, units=np.array([10, 2, 33]))
    b = ScoreTable({"x": [3.0, 1.0, 2.0]}, units=["10", "2", "33"])
    c = ScoreTable({"x": [3.0, 1.0, 2.0]}, units=pa.array(["10", "2", "33"]))
    assert a.units == b.units == c.units == ("10", "2", "33")
    assert a.index("2") == a.index(2) == 1
    chain = Ranking(desc("x"), Lot(seed=5))
    tied = {"x": [1.0, 1.0, 1.0]}
    lots = [
        Ranking(desc("x"), Lot(seed=5)).rank(ScoreTable(tied, units=u)).lots
        for u in (np.array([10, 2, 33]), ["10", "2", "33"], pa.array(["10", "2", "33"]))
    ]
    assert (
        lots[0]
        == lots[1]
        == lots[2]
        == dict(zip(["10", "2", "33"], Lot(seed=5).draw(["10", "2", "33"]).tolist(), strict=True))
    )
    assert chain.rank(a).order == chain.rank(b).order == ("10", "33", "2")


def test_repeated_int_ids_are_named() -> None:
    with pytest.raises(DataError, match=r"unit id '5' appears at rows 0 and 2"):
        ScoreTable({"x": [1.0, 2.0, 3.0]}, units=np.array([5, 6, 5]))


def test_decomposed_text_ids_are_one_unit_and_named() -> None:
    with pytest.raises(DataError, match="one id written two ways"):
        ScoreTable({"x": [1.0, 2.0]}, units=pa.array(["Hòa", "Ho\u0300a"]))


def test_int_ids_are_copied_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    ids = np.array([3, 1, 2])
    t = ScoreTable({"x": [1.0, 2.0, 3.0]}, units=ids)
    ids[0] = 1  # the table holds its own copy: still unit "3"
    assert t.units == ("3", "1", "2")
    assert ids.flags.writeable


@given(texts)
def test_without_pyarrow_the_same_ids_and_problems(values: list[str]) -> None:
    want = _ids.parse_ids(values)
    with pytest.MonkeyPatch.context() as mp:
        _without_arrow(mp)
        got = _ids.parse_ids(values)
        assert got[0]._arrow is None
    assert got[0].texts() == want[0].texts()
    assert got[1] == want[1]


def test_a_table_without_pyarrow_ranks_and_draws_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    units = ["Khánh Hòa", "Quảng Nam", "Phú Yên", "Bình Định"]
    cols = {"x": [1.0, 2.0, 1.0, 2.0], "k": [1, 1, 2, 2]}
    chain = Ranking(desc("k"), desc("x"), Lot(seed="cụm 7"))
    want = chain.rank(ScoreTable(cols, units=units))
    _without_arrow(monkeypatch)
    got = chain.rank(ScoreTable(cols, units=units))
    assert got.order == want.order
    assert got.lots == want.lots


@given(
    st.sampled_from(["", "DV-00", "Đà "]),
    st.sampled_from([3, 12, 40]).flatmap(
        lambda size: st.lists(
            st.text(alphabet=st.sampled_from("aAz0\x00ằ€𝄞"), max_size=size),
            unique=True,
            max_size=12,
        )
    ),
)
def test_the_byte_word_order_of_arrow_ids_is_by_code_point(prefix: str, tails: list[str]) -> None:
    # Every path: shared leading bytes skipped, one word, several words, Arrow's sort.
    values = [prefix + t for t in tails]
    got = _ids._utf8_order(pa.array(values, pa.string()))
    assert got.tolist() == sorted(range(len(values)), key=values.__getitem__)
    key = _ids._utf8_words_key(pa.array(values, pa.string()))
    if key is not None:
        _assert_keys_order_as_texts(key, values)


@given(
    st.sampled_from([(0, 10**17 - 1), (0, 200), (-(2**63), 2**63 - 1)]).flatmap(
        lambda r: st.lists(st.integers(*r), unique=True, min_size=1, max_size=12)
    ),
    st.lists(st.integers(0, 1), min_size=12, max_size=12),
)
def test_ties_of_int_ids_are_listed_by_their_texts(values: list[int], xs: list[int]) -> None:
    x = [float(v) for v in xs[: len(values)]]
    s = Ranking(desc("x")).rank(ScoreTable({"x": x}, units=np.array(values, dtype=np.int64)))
    want = sorted(range(len(values)), key=lambda i: (-x[i], str(values[i])))
    assert s.order == tuple(str(values[i]) for i in want)


def _exact_buffers(values: list[str]) -> object:
    """An Arrow string array whose data buffer ends at the last id's last byte (no
    padding), so that reads of 8 bytes near the end would run past it."""
    raw = [v.encode() for v in values]
    offsets = np.cumsum([0, *map(len, raw)], dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(),
        len(values),
        [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(raw))],
    )


def _assert_keys_order_as_texts(key: np.ndarray, values: list[str]) -> None:
    # Non-negative: a standing packs them with group numbers.
    assert key.dtype == np.int64
    assert bool((key >= 0).all())
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            assert (key[i] < key[j]) == (a < b), (a, b)
            assert (key[i] == key[j]) == (a == b), (a, b)


@given(st.permutations(range(40)), st.integers(0, 3), st.booleans())
def test_ids_of_one_length_are_ordered_and_checked_as_fixed_records(
    perm: list[int], start: int, repeat: bool
) -> None:
    values = [f"DV-{i:08d}" for i in perm]
    if repeat:
        values[-1] = values[0]
    arr = pa.array(values, pa.string()).slice(start)  # an offset into the buffers too
    key = _ids._utf8_words_key(arr)
    assert key is not None
    _assert_keys_order_as_texts(key, values[start:])
    _, problems = _ids.parse_ids(arr)
    assert bool(problems) == (len(set(values[start:])) < len(values[start:]))


@given(
    st.sampled_from(["", "x", "DV-0", "Đà-", "abcdefgh", "abcdefghi"]),
    st.integers(1, 12).flatmap(
        lambda width: st.lists(
            st.text(alphabet=st.sampled_from("\x01aAz09\x7f\xff"), min_size=width, max_size=width),
            min_size=2,
            max_size=10,
        )
    ),
    st.integers(0, 2),
    st.booleans(),
)
def test_text_keys_of_fixed_width_ids_order_as_their_texts(
    prefix: str, tails: list[str], start: int, exact: bool
) -> None:
    # Shared starts of 0-9 bytes, 1-12 bytes left (one word, or the general path),
    # repeats, offsets, and data buffers that end at the last byte.
    values = [prefix + t for t in tails]
    arr = (_exact_buffers(values) if exact else pa.array(values, pa.string())).slice(start)
    kept = values[start:]
    key = _ids._utf8_words_key(arr)
    assert key is not None
    _assert_keys_order_as_texts(key, kept)
    assert [kept[i] for i in _ids._utf8_order(arr).tolist()] == sorted(kept)


@pytest.mark.parametrize(
    "text",
    [
        "\U00016d67\U00016d67",  # Kirat Rai (Unicode 16): composes in Unicode 16's NFC
        "\U000113c2\U000113c2",  # Tulu-Tigalari (Unicode 16)
        "Hoa\u0300 \U00016d67\U00016d67",
    ],
)
def test_an_id_means_pythons_nfc_whatever_arrows_unicode_version(text: str) -> None:
    # Arrow's Unicode tables may be newer than Python's: where they compose a character
    # Python does not know, the per-id rule (Python's NFC) decides, on every path.
    want, problems = check_ids([text, "B"])
    assert not problems
    for given_as in ([text, "B"], pa.array([text, "B"], pa.string())):
        ids, found = _ids.parse_ids(given_as)
        assert not found
        assert ids.texts() == tuple(want)
    assert (
        Lot(seed=1).draw([text, "B"]).tolist() == Lot(seed=1).draw(pa.array([text, "B"])).tolist()
    )
