"""Rankings: an ordered chain of tie-break steps, and the standing it produces.

A :class:`Ranking` is a chain of steps applied in order:

* :func:`desc` / :func:`asc` -- a key on a score field or a table column;
* :class:`HeadToHead` -- a block of keys computed only among the units tied
  at that point, from the table's pairwise results;
* :class:`Lot` -- a reproducible draw, for the units still tied.

Each step only ever splits groups of units that are still tied; it never
reorders units an earlier step separated. Ties the chain cannot break stay
ties -- they are never settled by input position.

What a key name refers to (one rule): when ranking :class:`~emulation_rules.Scores`,
a name is looked up among the score fields (``total``, ``base``, ``bonus``,
``penalty``, criteria and groups, compared as exact integer ticks) and among
the columns of the scored table. A name found in exactly one place refers to
it; a name found in both is an error -- say ``of="scores"`` or ``of="table"``.
When ranking a :class:`~emulation_rules.ScoreTable`, names are its columns.
Inside a :class:`HeadToHead` block, names are the table's pairwise metrics.
"""

from __future__ import annotations

import importlib
import itertools
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Literal, TypeAlias

import attrs
import numpy as np

from . import _digests, _exact, _ids, _threads
from . import _kernels as K
from ._checks import records as _records
from ._checks import scenario_index
from ._ids import UnitIds
from ._names import listing, nfc, unknown
from .errors import DataError, DataTypeError, RuleError, RuleTypeError, UnknownNameError
from .explain import Explanation
from .reasons import Language, Reason
from .scoring import Scores
from .table import ScoreTable
from .types import AnyArray, BoolArray, FloatArray, IntArray

__all__ = [
    "Cut",
    "HeadToHead",
    "Key",
    "Lot",
    "RankStyle",
    "Ranking",
    "Standing",
    "asc",
    "desc",
]

RankStyle: TypeAlias = Literal["competition", "dense", "ordinal"]
Restart: TypeAlias = Literal["after_block", "on_separation", "never"]
TiePolicy: TypeAlias = Literal["chain", "include", "exclude"]

_STYLES = ("competition", "dense", "ordinal")
_RESTARTS = ("after_block", "on_separation", "never")


# -- the rule objects ------------------------------------------------------------


def _key_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleTypeError(f"a ranking key needs a non-empty name (got {value!r})")
    return nfc(value)


@attrs.frozen(repr=False)
class Key:
    """One sort key of a ranking; build it with :func:`desc` or :func:`asc`.

    Parameters
    ----------
    name
        A score field, a table column, or (inside :class:`HeadToHead`) a
        pairwise metric.
    descending
        Higher values rank first.
    resolution
        Values are first rounded to whole multiples of this, so that equality
        stays exact and transitive for float data. The rounding is the
        scorecard's (one quantiser for both): half up, meaning towards
        +infinity for negative values too (-0.25 at 0.1 is -0.2, 0.25 is 0.3),
        as the value is written -- a value within ``2**-30 + 2**-44 * |ticks|``
        ticks of a halfway point counts as on it, so 5498637.55 and 5498637.6
        are both 5498637.6 at 0.1. A value more than 2**40 ticks from 0 is
        refused (:class:`DataError` naming the key).
    of
        ``"scores"`` or ``"table"``: where the name is looked up, when it could
        mean both.
    """

    name: str = attrs.field(converter=_key_name)
    descending: bool = True
    resolution: float | None = attrs.field(default=None, kw_only=True)
    of: Literal["scores", "table"] | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.resolution is not None:
            r = self.resolution
            if (
                isinstance(r, bool)
                or not isinstance(r, int | float)
                or not math.isfinite(r)
                or r <= 0
            ):
                raise RuleError(
                    f"{self!r}: resolution must be a positive number (got {self.resolution!r})"
                )
            object.__setattr__(self, "resolution", float(r))
        if self.of is not None and (
            not isinstance(self.of, str) or self.of not in ("scores", "table")
        ):
            raise RuleError(f"{self!r}: of must be 'scores' or 'table' (got {self.of!r})")

    def __repr__(self) -> str:
        opts = "".join(
            f", {k}={v!r}"
            for k, v in (("resolution", self.resolution), ("of", self.of))
            if v is not None
        )
        return f"{'desc' if self.descending else 'asc'}({self.name!r}{opts})"


def desc(
    name: str, *, resolution: float | None = None, of: Literal["scores", "table"] | None = None
) -> Key:
    """A key where higher values rank first.

    Examples
    --------
    >>> desc("total")
    desc('total')
    >>> desc("clearance_rate", resolution=0.001, of="table")
    desc('clearance_rate', resolution=0.001, of='table')

    With a resolution, values round half up (towards +infinity) as written:

    >>> from emulation_rules import ScoreTable
    >>> t = ScoreTable({"x": [5498637.55, 5498637.6, -0.25, -0.2]}, units=list("ABCD"))
    >>> Ranking(desc("x", resolution=0.1)).rank(t).ties
    (('A', 'B'), ('C', 'D'))
    """
    return Key(name, True, resolution=resolution, of=of)


def asc(
    name: str, *, resolution: float | None = None, of: Literal["scores", "table"] | None = None
) -> Key:
    """A key where lower values rank first (e.g. violations, fair-play points).

    Examples
    --------
    >>> asc("violations")
    asc('violations')
    """
    return Key(name, False, resolution=resolution, of=of)


@attrs.frozen(repr=False, init=False)
class HeadToHead:
    """Keys computed only among the units tied when the chain reaches this block.

    For a set of tied units, each key's value for unit ``i`` is the sum of the
    pairwise metric over the entries where ``i`` earned against another member
    of the set (points won against the others, goal difference among them; or
    the points the other tied judge-units gave ``i``).

    ``restart`` says how the block is re-applied:

    * ``"after_block"`` (UEFA): apply all keys (lexicographically) to the tied
      set; every subset still level on all of them that is smaller than the set
      gets the whole block again, among its own members only, recursively; a
      set the block cannot split at all moves on to the next step of the chain.
    * ``"on_separation"`` (NFL-style "revert to step one"): apply the keys one
      at a time; as soon as a key splits the set, every part with more than one
      unit starts the block again from its first key, among its own members.
    * ``"never"``: apply the keys once to the set as it was tied on entry.

    Examples
    --------
    >>> HeadToHead(desc("points"), desc("goal_difference"), restart="on_separation")
    HeadToHead(desc('points'), desc('goal_difference'), restart='on_separation')
    """

    keys: tuple[Key, ...]
    restart: Restart

    def __init__(self, *keys: Key, restart: Restart = "after_block") -> None:
        if not keys:
            raise RuleError("HeadToHead needs at least one key, e.g. HeadToHead(desc('points'))")
        for k in keys:
            if not isinstance(k, Key):
                raise RuleTypeError(
                    f"HeadToHead takes keys built with desc()/asc() (got {k!r}); "
                    "a head-to-head block cannot contain another block or a lot"
                )
            if k.of is not None:
                raise RuleError(
                    f"{k!r}: inside HeadToHead a name always refers to a pairwise metric; drop of="
                )
        if not isinstance(restart, str) or restart not in _RESTARTS:
            raise RuleError(
                f"HeadToHead restart must be one of {', '.join(map(repr, _RESTARTS))} "
                f"(got {restart!r})"
            )
        self.__attrs_init__(tuple(keys), restart)

    def __repr__(self) -> str:
        keys = ", ".join(map(repr, self.keys))
        extra = f", restart={self.restart!r}" if self.restart != "after_block" else ""
        return f"HeadToHead({keys}{extra})"


def _seed(value: object) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RuleTypeError(
            f"Lot seed must be an int or a text, e.g. the event's name and year (got {value!r})"
        )
    return nfc(value) if isinstance(value, str) else value


@attrs.frozen(repr=False)
class Lot:
    """A reproducible draw among the units still tied.

    A unit's lot depends only on the seed and its id, never on the input order
    (nor on Python's ``hash``). With ``h(text)`` the 8 bytes of
    ``BLAKE2b(utf8(text), digest_size=8)`` read as a little-endian unsigned
    integer, and all arithmetic modulo ``2**64``::

        z = (h(unit_id) ^ h(f"{seed}")) + 0x9E3779B97F4A7C15
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB
        lot = z ^ (z >> 31)

    (the SplitMix64 finaliser), with the unit id in Unicode NFC. The smaller
    number ranks first. The digest of an id does not depend on the seed, so it
    is computed once per table and the draw itself is a few integer operations.
    Lots are drawn only for the units still tied when the chain reaches the
    draw, and the drawn values are recorded in the :class:`Standing` so the draw
    can be audited and repeated.

    Examples
    --------
    >>> Lot(seed=2023).draw(["Khánh Hòa"]) == Lot(seed=2023).draw(["Khánh Hòa"])
    array([ True])
    >>> Lot(seed="cụm 7 / 2023")
    Lot(seed='cụm 7 / 2023')
    """

    seed: int | str = attrs.field(converter=_seed)

    def draw(self, unit_ids: Sequence[str]) -> npt_uint64:
        """The lot of each unit id (uint64; the smaller ranks first).

        ``unit_ids``: a sequence of ids, or a numpy or Arrow array of them, read as a
        table reads its ids (NFC texts; whole numbers as their decimal text; no repeats).
        """
        if isinstance(unit_ids, str):
            raise DataTypeError(f"draw takes a list of unit ids (got {unit_ids!r})")
        raw: object = unit_ids  # also a numpy or Arrow array of ids
        one_axis = isinstance(raw, np.ndarray) and raw.ndim == 1
        if not one_axis and not _ids.is_arrow(raw):
            raw = _records(raw, "Lot.draw", "unit ids")
        # The ids are read as a table's are: by array passes, which accept exactly what
        # the per-id rule accepts, and that rule where it names a problem.
        ids, problems = _ids.parse_ids(raw, where="position")
        if problems:
            raise DataError.collect(problems, "the ids drawn")
        return self._mix(ids.digests(np.arange(len(ids))))

    def _mix(self, digests: npt_uint64) -> npt_uint64:
        """The lots of units whose id digests are ``digests``."""
        key: np.uint64 = _digests.of_texts([f"{self.seed}"])[0]
        z = digests ^ key
        z += _GOLDEN
        z ^= z >> np.uint64(30)
        z *= _MIX1
        z ^= z >> np.uint64(27)
        z *= _MIX2
        z ^= z >> np.uint64(31)
        return z

    def __repr__(self) -> str:
        return f"Lot(seed={self.seed!r})"


npt_uint64: TypeAlias = "np.ndarray[Any, np.dtype[np.uint64]]"

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


class _IdDigestCache:
    """The id digests of one table's units, computed the first time a unit reaches a lot."""

    __slots__ = ("digests", "known", "units")

    def __init__(self, units: UnitIds) -> None:
        self.units = units
        self.digests: npt_uint64 = np.zeros(len(units), dtype=np.uint64)
        self.known = np.zeros(len(units), dtype=bool)

    def of(self, index: IntArray, *, distinct: bool = False) -> npt_uint64:
        """The digests of the units at ``index`` (``distinct``: no unit twice in it)."""
        missing = index[~self.known[index]]
        if missing.size:
            # In the order of the table: the ids' bytes are then read front to back, not
            # at random (a cache miss or two per id, most of the time of a large draw).
            missing = np.sort(missing) if distinct else np.unique(missing)
            # Table ids are NFC already (the table normalises them); the digests come
            # from the id array without making every text.
            self.digests[missing] = self.units.digests(missing)
            self.known[missing] = True
        out: npt_uint64 = self.digests[index]
        return out


class _LazyIds:
    """What a standing's ids are made from, until they are read."""

    __slots__ = ("every", "subset")

    def __init__(self, every: UnitIds, subset: IntArray | None) -> None:
        self.every, self.subset = every, subset


def _pick(units: tuple[str, ...], index: IntArray) -> tuple[str, ...]:
    """``units`` at the positions ``index``: a loop over a few, one array gather for many."""
    if 8 * len(index) < len(units):
        return tuple(units[i] for i in index.tolist())
    every = np.empty(len(units), dtype=object)
    every[:] = units
    return tuple(every[index].tolist())


def _id_digest_cache(table: ScoreTable) -> _IdDigestCache:
    """The table's id digests, kept on the table (a cache: the ids never change)."""
    cache = table._digests
    if not isinstance(cache, _IdDigestCache):
        cache = _IdDigestCache(table._ids)
        table._digests = cache
    return cache


Step: TypeAlias = Key | HeadToHead | Lot


@attrs.frozen(repr=False, init=False)
class Ranking:
    """An ordered chain of steps that turns scores into a standing.

    Parameters
    ----------
    *steps
        Keys (:func:`desc`, :func:`asc`), :class:`HeadToHead` blocks and, last,
        an optional :class:`Lot`.
    style
        The rank style of :attr:`Standing.rank`: ``"competition"`` (1, 2, 2,
        4; default), ``"dense"`` (1, 2, 2, 3) or ``"ordinal"`` (1, 2, 3, 4).

    Examples
    --------
    >>> from emulation_rules import ScoreTable
    >>> t = ScoreTable({"unit": ["A", "B", "C", "D"], "pts": [7, 9, 7, 4], "fair": [-2, 0, -1, 0]})
    >>> s = Ranking(desc("pts"), desc("fair")).rank(t)
    >>> s.order
    ('B', 'C', 'A', 'D')
    >>> print(s.explain())
    1. B
    2. C  (below B by desc('pts'): 7 vs 9)
    3. A  (below C by desc('fair'): -2 vs -1; level on desc('pts'))
    4. D  (below A by desc('pts'): 4 vs 7)
    """

    steps: tuple[Step, ...]
    style: RankStyle

    def __init__(self, *steps: Step, style: RankStyle = "competition") -> None:
        if not steps:
            raise RuleError("a Ranking needs at least one step, e.g. Ranking(desc('total'))")
        for k, st in enumerate(steps):
            if not isinstance(st, Key | HeadToHead | Lot):
                raise RuleTypeError(
                    f"Ranking steps are desc()/asc() keys, HeadToHead blocks and a Lot "
                    f"(got {st!r} at position {k})"
                )
            if isinstance(st, Lot) and k != len(steps) - 1:
                raise RuleError(
                    f"{st!r} must be the last step: a draw leaves no tie for the steps after it"
                )
        if not isinstance(style, str) or style not in _STYLES:
            raise RuleError(f"rank style must be one of {', '.join(_STYLES)} (got {style!r})")
        self.__attrs_init__(tuple(steps), style)

    def __repr__(self) -> str:
        steps = ", ".join(map(repr, self.steps))
        extra = f", style={self.style!r}" if self.style != "competition" else ""
        return f"Ranking({steps}{extra})"

    def rank(self, source: Scores | ScoreTable) -> Standing:
        """Rank the units of ``source`` (every scenario, if it has batch axes).

        Raises
        ------
        UnknownNameError
            A key names a field, column or pairwise metric that does not exist,
            or a name that could mean two things (the message says how to be
            explicit).
        DataError
            A key column has missing values.
        """
        return _Engine(self, source).run()

    def top(self, source: Scores | ScoreTable, k: int, *, ties: TiePolicy | Lot = "chain") -> Cut:
        """The best ``k`` units without sorting everything.

        Units strictly behind the ``k``-th on the chain's first key cannot reach
        the top ``k`` whatever the later steps say, so only the others are
        ranked (an ``np.partition`` first). The result equals
        ``self.rank(source).top(k, ties=ties)``.

        Examples
        --------
        >>> from emulation_rules import ScoreTable
        >>> t = ScoreTable({"x": [5, 9, 7, 9, 1]}, units=list("ABCDE"))
        >>> Ranking(desc("x"), Lot(seed=1)).top(t, 3).selected
        ('B', 'D', 'C')
        """
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
            raise RuleError(f"top(k): k must be a whole number >= 0 (got {k!r})")
        first = self.steps[0]
        subset = None
        if isinstance(first, Key) and k > 0:
            codes = _resolve_plain(first, source).codes
            if codes.ndim > 1:
                raise DataError(
                    f"the scores have batch axes {codes.shape[:-1]}; rank them and take "
                    "standing.scenario(i).top(k) per scenario"
                )
            if k < codes.shape[-1]:
                kth = np.partition(codes, k - 1)[k - 1]
                subset = np.flatnonzero(codes <= kth)
        cut = _Engine(self, source, subset).run().top(int(k), ties=ties)
        # The cut was taken among the candidates only; its mask is aligned with all units.
        return cut if subset is None else attrs.evolve(cut, units=source.units)


# -- resolving keys ------------------------------------------------------------------


@attrs.frozen
class _Resolved:
    """A key's values for every unit: ``codes`` sort ascending (best first)."""

    codes: AnyArray  # int64 (exact) or float64
    # The value in its natural unit, for explanations, is ``base * scale`` (``base`` if no
    # scale): kept as the arrays the key already has, multiplied only when asked.
    base: AnyArray
    scale: float | None = None


def _scaled(ticks: IntArray, key: Key) -> _Resolved:
    """Quantised codes (negated in place if descending: |ticks| <= MAX_TICKS, so negating
    cannot wrap), shown as multiples of the resolution (of its negative if descending):
    one array for both."""
    res = float(key.resolution)  # type: ignore[arg-type]
    if key.descending:
        np.negative(ticks, out=ticks)
    return _Resolved(ticks, ticks, -res if key.descending else res)


def _quantize(x: FloatArray, key: Key, what: str = "") -> IntArray:
    """The one quantiser scoring uses too (:func:`_kernels.quantise`): half up, exact ticks."""
    res = float(key.resolution)  # type: ignore[arg-type]
    return K.quantise(x, res, f"{key!r}{what}", DataError)


def _resolve_plain(
    key: Key, source: Scores | ScoreTable, subset: IntArray | None = None
) -> _Resolved:
    """The key's codes and shown values, for ``subset`` of the units only if given."""

    def sub(a: AnyArray) -> AnyArray:
        return a if subset is None else a[..., subset]

    scores = source if isinstance(source, Scores) else None
    table = source.table if isinstance(source, Scores) else source
    in_scores = scores is not None and key.name in scores
    in_table = key.name in table
    where = key.of
    if where is None:
        if in_scores and in_table:
            raise UnknownNameError(
                f"{key!r} is ambiguous: {key.name!r} is both a score field (points) and a table "
                f"column (raw values); say {_with_of(key, 'scores')} or {_with_of(key, 'table')}"
            )
        where = "scores" if in_scores else "table"
    if where == "scores":
        if scores is None:
            raise UnknownNameError(
                f"{key!r} asks for a score field, but a ScoreTable is being ranked; rank the "
                "Scores (scorecard.score(table)) instead"
            )
        if not in_scores:
            raise unknown("score field", key.name, scores.fields, f"for {key!r}")
        ticks = sub(scores.ticks(key.name)).astype(np.int64)
        shown: AnyArray = sub(scores[key.name]) if subset is not None else scores[key.name]
        if key.resolution is not None:
            return _scaled(_quantize(shown, key, f" (score field {key.name!r})"), key)
        # Score ticks are at most MAX_TICKS (Scorecard refuses more): negating cannot wrap.
        return _Resolved(-ticks if key.descending else ticks, shown)
    if not in_table:
        choices = list(table.columns) + (list(scores.fields) if scores is not None else [])
        raise unknown("column or score field", key.name, choices, f"for {key!r}")
    kind = table.kind(key.name)
    if kind == "category":
        raise DataTypeError(
            f"{key!r}: column {key.name!r} holds text; a ranking key needs numbers (map the "
            "categories to numbers first, e.g. with table.with_columns)"
        )
    col = sub(table[key.name])
    if kind == "float":
        if table.has_missing(key.name) and np.isnan(col).any():
            miss = np.isnan(col).reshape(-1, col.shape[-1]).any(axis=0)
            at = np.flatnonzero(miss) if subset is None else subset[np.flatnonzero(miss)]
            units = [table.units[int(i)] for i in at]
            raise DataError(
                f"{key!r}: column {key.name!r} is missing for {listing(units)}; a ranking key "
                "needs a value for every unit: fill them (or score the column with a missing "
                "policy and rank on the score)"
            )
        if key.resolution is not None:
            return _scaled(_quantize(col, key, f" (column {key.name!r})"), key)
        # Exact int64 codes in the floats' order (-0.0 is 0.0): sorted faster than
        # floats, and packed with other keys where their ranges allow.
        if key.descending:
            return _Resolved(K.float_order(np.negative(col), inplace=True), col)
        return _Resolved(K.float_order(col), col)
    if key.resolution is not None:
        # As floats, refused by the table past 2**53 where they would not be exact.
        x = sub(table.numeric(key.name, needed_by=repr(key)))
        return _scaled(_quantize(x, key, f" (column {key.name!r})"), key)
    # Codes are never written to, so an int64 column is used as it is. Descending codes
    # are ~v = -v - 1: as order-reversing as -v, and no wrap at -2**63 (where -v is v).
    v = np.asarray(col, dtype=np.int64)
    return _Resolved(np.invert(v) if key.descending else v, v)


def _wide(codes: AnyArray) -> bool:
    """Whether a key's codes span more values than there are codes (a float key's)."""
    return int(codes.max()) - int(codes.min()) >= codes.size


def _dense_pack(
    codes: Sequence[AnyArray], gid: IntArray | None, keep: list[AnyArray] | None = None
) -> list[AnyArray] | None:
    """The keys with the wide ones as dense ranks, when that makes them pack with the
    group ids into one int64 that sorts by value (see ``_Engine._refine_packed``);
    None when it cannot, or when sorting the first key alone is the cheaper way.

    A first key that is wide and nearly all distinct (continuous floats) leaves few
    ties: it is sorted alone, and the other keys only inside its ties. Each dense rank
    costs a sort, so they are made one at a time and abandoned once past the room;
    with ``keep`` (the keys of every unit, as ``codes``) each dense rank made replaces
    its key there, so that sorting the keys one by one does not make it again.
    """
    size = codes[0].size
    bits = max(1, (size - 1).bit_length())
    limit = (2**62 - 1) >> bits
    room = 1 if gid is None else int(gid[-1] - gid[0] + 1)
    wide = [_wide(c) for c in codes]
    for c, w in zip(codes, wide, strict=True):
        if not w:
            room *= int(c.max()) - int(c.min()) + 1
    if room > limit or not any(wide):
        return None
    # Keys nearly all distinct (by a sample) will span about ``size`` values: when
    # they cannot fit, no dense rank is made in vain.
    distinct = [w and _nearly_distinct(c) for c, w in zip(codes, wide, strict=True)]
    if distinct[0] and len(codes) > 1:
        return None
    if room * size ** sum(distinct) > limit:
        return None
    out: list[AnyArray] = []
    for i, (c, w) in enumerate(zip(codes, wide, strict=True)):
        if w:
            c = _dense(c)
            if keep is not None:
                keep[i] = c
            room *= int(c.max()) + 1
            if room > limit:
                return None
        out.append(c)
    return out


def _nearly_distinct(codes: AnyArray) -> bool:
    """Whether a sample of the codes is nearly all distinct (continuous values)."""
    sample = codes[:: max(1, codes.size // 4096)]
    return bool(np.unique(sample).size >= 0.9 * sample.size)


def _dense(codes: AnyArray) -> IntArray:
    """:func:`_kernels.dense_codes`, by hashing instead of sorting every code when the
    codes take few values (a float column on a grid) and pyarrow is installed."""
    pa = _ids.arrow()
    sample = codes[:: max(1, codes.size // 4096)]
    if pa is None or 4 * np.unique(sample).size > sample.size:
        return K.dense_codes(codes)
    pc = importlib.import_module("pyarrow.compute")
    enc = pc.dictionary_encode(pa.array(np.ascontiguousarray(codes)))
    values = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype=np.int64)
    rank = K.dense_codes(values)  # the few distinct values' own order
    out: IntArray = rank[np.asarray(enc.indices.to_numpy(zero_copy_only=False))]
    return out


def _or_positions(packed: IntArray) -> None:
    """``packed |= arange(len(packed))``, a chunk at a time: no array of positions as
    long as ``packed`` at the peak of a sort."""
    step = K.CHUNK * 16
    pos = np.arange(min(step, packed.size), dtype=np.int64)
    for lo in range(0, packed.size, step):
        part = packed[lo : lo + step]
        np.bitwise_or(part, pos[: part.size], out=part)
        pos += step


def _group_parts(gid: IntArray, k: int) -> list[tuple[int, int]]:
    """``[0, len(gid))`` cut into at most ``k`` parts of whole groups (``gid`` is
    non-decreasing), of about equal length."""
    n = gid.size
    cuts = [0]
    for j in range(1, k):
        at = int(np.searchsorted(gid, gid[n * j // k], side="left"))
        if at > cuts[-1]:
            cuts.append(at)
    cuts.append(n)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a] or [(0, n)]


def _with_of(key: Key, of: str) -> str:
    fn = "desc" if key.descending else "asc"
    res = f", resolution={key.resolution!r}" if key.resolution else ""
    return f"{fn}({key.name!r}{res}, of={of!r})"


# -- the engine ------------------------------------------------------------------------


class _Engine:
    """Refines an order of M = S * N flat positions, one step of the chain at a time.

    The state is a permutation ``order`` of flat unit indices and a boolean
    ``boundary`` over positions: ``boundary[p]`` means position ``p`` starts a
    new group. A step only sorts *inside* groups of two or more, so a boundary,
    once set, never moves -- which is what makes "adding a key only refines".
    """

    def __init__(
        self, ranking: Ranking, source: Scores | ScoreTable, subset: IntArray | None = None
    ) -> None:
        if not isinstance(source, Scores | ScoreTable):
            raise RuleTypeError(
                f"Ranking.rank takes Scores or a ScoreTable (got {type(source).__name__})"
            )
        self.ranking = ranking
        self.source = source
        self.table = source.table if isinstance(source, Scores) else source
        self.subset = subset
        self.n = self.table.n_units if subset is None else len(subset)
        self._units: tuple[str, ...] | None = None
        self.step_labels: list[str] = []
        # The drawn lots: positions into ``units`` and their values (the dict is built
        # only when a standing's ``lots`` is read).
        self.lot_units: IntArray = np.zeros(0, dtype=np.int64)
        self.lot_values: npt_uint64 = np.zeros(0, dtype=np.uint64)
        plain = [_resolve_plain(st, source, subset) for st in ranking.steps if isinstance(st, Key)]
        batch: tuple[int, ...] = ()
        for r in plain:
            batch = np.broadcast_shapes(batch, r.codes.shape[:-1])
        if isinstance(source, Scores):
            batch = np.broadcast_shapes(batch, source.total_ticks.shape[:-1])
        self.batch = batch
        self.rows = int(np.prod(batch)) if batch else 1
        self.m = self.rows * self.n
        # Taken off one block at a time: a block's codes are freed once it is sorted.
        self._plain = plain[::-1]
        for st in ranking.steps:
            if isinstance(st, HeadToHead):
                for k in st.keys:
                    self.table.pairwise(k.name)  # unknown metric: fail before any work
        # The identity order is made only if a step needs it before the first sort
        # (which replaces it): one array of M fewer at the peak of a ranking.
        self._order: IntArray | None = None
        self.boundary = np.zeros(self.m, dtype=bool)
        self.boundary[:: max(self.n, 1)] = True
        n_labels = sum(len(st.keys) if isinstance(st, HeadToHead) else 1 for st in ranking.steps)
        self.decided = np.full(self.m, -1, dtype=np.int8 if n_labels < 127 else np.int32)
        # The values either side of a boundary, recorded only for head-to-head steps: a
        # plain key's values are kept whole (``key_values``) and a lot's in ``lot_values``,
        # and an explanation reads them from there.
        self.upper: FloatArray | None = None
        self.lower: FloatArray | None = None
        self.among: IntArray | None = None  # only a HeadToHead records it
        self.key_values: dict[int, _Resolved] = {}
        self.lot_step = -1
        # Until a step splits it, every unit of a single ranking is one group in input
        # order: the first block then needs no positions, group ids or gathers.
        self.whole = self.rows == 1

    # -- helpers ----------------------------------------------------------------

    @property
    def order(self) -> IntArray:
        """A permutation of the flat unit indices: position ``p`` holds unit ``order[p]``."""
        if self._order is None:
            self._order = np.arange(self.m, dtype=np.int64)
        return self._order

    @order.setter
    def order(self, value: IntArray) -> None:
        self._order = value

    def _flat(self, a: AnyArray) -> AnyArray:
        return np.broadcast_to(a, (*self.batch, self.n)).reshape(self.m)

    def _label(self, text: str) -> int:
        self.step_labels.append(text)
        return len(self.step_labels) - 1

    def _tied_positions(self, within: BoolArray | None = None) -> tuple[IntArray, IntArray]:
        """Positions that belong to groups of two or more, and their group ids.

        Group ids are non-decreasing along the positions; only their equality counts.
        """
        if within is not None:
            gid = np.cumsum(self.boundary) - 1
            starts = np.flatnonzero(self.boundary)
            sizes = np.diff(np.append(starts, self.m))
            tied = sizes[gid] > 1
            tied &= within
            pos = np.flatnonzero(tied)
            return pos, gid[pos]
        if self.m < 2:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # A position is tied when a neighbour continues its group.
        cont = ~self.boundary[1:]
        tied = np.zeros(self.m, dtype=bool)
        tied[:-1] = cont
        tied[1:] |= cont
        pos = np.flatnonzero(tied)
        # Tied positions of a group are contiguous and its first one starts it.
        gid = np.cumsum(self.boundary[pos], dtype=np.int64) - 1
        return pos, gid

    def _refine(
        self,
        pos: IntArray,
        gid: IntArray,
        codes: Sequence[AnyArray],
        shown: Sequence[AnyArray] | None,
        step_ids: Sequence[int],
        among: IntArray | None = None,
        perm: IntArray | None = None,
    ) -> None:
        """Sort the units at ``pos`` (grouped by ``gid``) by ``codes`` (aligned with ``pos``'s
        units, in that order) and set the new boundaries; record ``shown`` (aligned like
        ``codes``) either side of them, unless None (values the standing keeps whole).
        ``perm``, if given, is that sort, already computed."""
        if pos.size == 0:
            return
        self.whole = False
        units = self.order[pos]
        if perm is None:
            perm = np.lexsort((*reversed(codes), gid))
        self.order[pos] = units[perm]
        g = gid[perm]
        same_group = g[1:] == g[:-1]
        decided = np.full(pos.size - 1, -1, dtype=np.int64)
        for k in range(len(codes) - 1, -1, -1):
            c = codes[k][perm]
            decided = np.where(c[1:] != c[:-1], k, decided)
        new = same_group & (decided >= 0)
        p_new = pos[1:][new]
        k_new = decided[new]
        self.boundary[p_new] = True
        ids = np.asarray(step_ids)[k_new]
        self.decided[p_new] = ids
        idx_lo = np.flatnonzero(new) + 1
        if shown is not None:
            if self.upper is None or self.lower is None:
                self.upper = np.full(self.m, np.nan)
                self.lower = np.full(self.m, np.nan)
            for k in range(len(codes)):
                sel = k_new == k
                if sel.any():
                    sh = shown[k][perm]
                    self.upper[p_new[sel]] = sh[idx_lo[sel] - 1]
                    self.lower[p_new[sel]] = sh[idx_lo[sel]]
        if among is not None:
            if self.among is None:
                self.among = np.zeros(self.m, dtype=np.int64)
            self.among[p_new] = among[perm][idx_lo]

    # -- steps ------------------------------------------------------------------

    def run(self) -> Standing:
        steps = self.ranking.steps
        k = 0
        while k < len(steps):
            st = steps[k]
            if isinstance(st, Key):
                block = [st]
                while k + 1 < len(steps) and isinstance(steps[k + 1], Key):
                    k += 1
                    block.append(steps[k])  # type: ignore[arg-type]
                self._keys(block)
            elif isinstance(st, HeadToHead):
                self._head_to_head(st)
            else:
                self._lot(st)
            k += 1
        self._present_ties()
        return Standing._build(self)

    def _keys(self, block: list[Key]) -> None:
        resolved = [self._plain.pop() for _ in block]
        ids = [self._label(repr(key)) for key in block]
        codes = [r.codes for r in resolved]
        # A standing keeps the values shown (base and scale), not the sort codes.
        none = np.zeros(0, dtype=np.int64)
        self.key_values.update(
            (i, attrs.evolve(r, codes=none)) for i, r in zip(ids, resolved, strict=True)
        )
        del resolved
        self._sort_keys(codes, ids)

    def _sort_keys(
        self,
        keys: list[AnyArray],
        ids: Sequence[int],
        tied: tuple[IntArray | None, IntArray | None, list[AnyArray]] | None = None,
    ) -> None:
        """Refine by ``keys`` (codes per unit): one sort of the packed keys when they
        pack; else the first key alone, then the others only inside the runs of ties
        it leaves (a block of keys refines exactly as its keys one after another).
        ``tied``: the tied positions, their groups and the keys' codes there, when the
        caller has them already."""
        if tied is not None:
            pos, gid, codes = tied
        elif self.whole:
            if self.m < 2:
                return
            pos = gid = None
            codes = [self._flat(c) for c in keys]
        else:
            pos, gid = self._tied_positions()
            if pos.size == 0:
                return
            units = self.order[pos]
            codes = [self._flat(c)[units] for c in keys]
            del units
        # Several keys: one sort by value, or the first key alone and the rest only
        # inside its ties (cheaper than one index sort of everything).
        if self._refine_packed(pos, gid, codes, ids, keys, value_only=len(keys) > 1):
            return
        # Keys wider than the units sorted (a float key's codes) as their dense ranks:
        # the same order, in a range that may pack with the other keys.
        # (A single key of one group is sorted alone at once: its dense ranks would cost
        # that very sort.)
        if (
            len(keys) == 1
            and pos is not None
            and gid is not None
            and self._refine_wide(pos, gid, codes[0], ids[0])
        ):
            return
        dense = (
            None
            if pos is None and len(keys) == 1
            else _dense_pack(codes, gid, keys if pos is None else None)
        )
        if dense is not None:
            # The dense ranks order as the codes they replace: the codes are let go, so
            # that they are not held through the sort (and a split uses the ranks).
            codes[:] = dense
            del dense
            if self._refine_packed(pos, gid, codes, ids, keys, value_only=len(keys) > 1):
                return
        if len(keys) > 1:
            first = codes[:1]
            del codes
            rest = keys[1:]
            if pos is None:
                head = keys[:1]  # views of every unit's codes (or their dense ranks)
                keys.clear()
                self._sort_keys(head, ids[:1])
                del head
            else:
                # The first key's codes at the tied positions, gathered above, are all
                # it needs: its codes for every unit are let go (the caller's list too).
                keys.clear()
                self._sort_keys(first, ids[:1], (pos, gid, first))
            del first, pos, gid
            self._sort_keys(rest, ids[1:])
        elif pos is None or gid is None:
            self._sort_whole(codes[0], ids[0])
        else:
            self._refine(pos, gid, codes, None, ids)

    def _refine_wide(self, pos: IntArray, gid: IntArray, codes: IntArray, sid: int) -> bool:
        """Sort the units at ``pos`` inside their groups by one key too wide to pack
        with the group ids (a float key's codes); False, doing nothing, when the codes
        are not int64 or the groups and positions do not fit one int64.

        Two passes, least significant first: an index sort by the key (not stable: equal
        codes stay one tie), then a stable sort by group -- a plain sort of the group
        ids with the position in the low bits. Cheaper than the key's dense ranks
        (which cost that same index sort, a gather, a scan and a scatter) and a sort of
        them packed with the groups. Groups are contiguous in ``pos``: parts of whole
        groups are sorted on several threads."""
        size = pos.size
        bits = max(1, (size - 1).bit_length())
        if codes.dtype != np.int64 or int(gid[-1] - gid[0] + 1) << bits >= 2**63:
            return False

        # Each part writes its slice of the order and of the new boundaries: nothing
        # as long as the positions is made twice (at 10^7 units, 80 MB each).
        perm = np.empty(size, dtype=np.int64)
        new = np.zeros(size, dtype=np.bool_)
        chunk = K.CHUNK * 16

        def part(bounds: tuple[int, int]) -> None:
            lo, hi = bounds
            c, g = codes[lo:hi], gid[lo:hi]
            by_key = np.argsort(c)
            v = g[by_key]
            v -= g[0]
            v <<= bits
            _or_positions(v)
            v.sort()
            # v's low bits give the order, its high bits (kept) the groups in it.
            out = perm[lo:hi]
            mask = (1 << bits) - 1
            for a in range(0, hi - lo, chunk):
                w = v[a : a + chunk]
                np.take(by_key, w & mask, out=out[a : a + w.size])
                w >>= bits
            del by_key
            c = c[out]
            np.not_equal(c[1:], c[:-1], out=new[lo + 1 : hi])
            del c
            new[lo + 1 : hi] &= v[1:] == v[:-1]
            out += lo

        _threads.run(part, _group_parts(gid, _threads.count(size)), elements=size)
        self.whole = False
        units = self.order[pos]
        for a in range(0, size, chunk):
            perm[a : a + chunk] = units[perm[a : a + chunk]]
        del units
        self.order[pos] = perm
        b = self.boundary[pos]
        b |= new
        self.boundary[pos] = b
        d = self.decided[pos]
        d[new] = sid
        self.decided[pos] = d
        return True

    def _sort_whole(self, codes: IntArray, sid: int) -> None:
        """Sort every unit of one group by one key whose codes do not pack with the
        positions (a float key's): one index sort, boundaries where the codes change.

        The sort need not be stable: the order inside a run of ties is never shown
        (later steps sort inside it, and ties left at the end are listed by id)."""
        perm = np.argsort(codes)
        s = codes[perm]
        at = np.flatnonzero(s[1:] != s[:-1])
        del s
        at += 1
        self.whole = False
        self.order = perm
        self.boundary[at] = True
        self.decided[at] = sid

    def _refine_packed(
        self,
        pos: IntArray | None,
        gid: IntArray | None,
        codes: Sequence[AnyArray],
        ids: Sequence[int],
        release: list[AnyArray] | None = None,
        value_only: bool = False,
    ) -> bool:
        """Sort by exact integer keys packed into one int64 (group id most significant).

        ``pos``/``gid`` as in :meth:`_refine` (``None``: every position, one group, order
        still the identity); ``codes`` are aligned with ``pos``'s units. Returns False,
        doing nothing, when the keys do not pack (with ``value_only``, also when they
        pack only without the positions, which needs a slower index sort). Once packed,
        the codes are dropped from ``release`` (and from ``codes``, if a list).
        """
        if any(c.dtype != np.int64 for c in codes):
            return False
        size = codes[0].size
        lows = [int(c.min()) for c in codes]
        spans = [int(c.max()) - lo + 1 for c, lo in zip(codes, lows, strict=True)]
        key_room = math.prod(spans)
        groups = 1 if gid is None else int(gid[-1] - gid[0] + 1)
        room = groups * key_room
        if room >= 2**62:
            return False
        if value_only and room << max(1, (size - 1).bit_length()) >= 2**63:
            return False
        if gid is None:
            packed = codes[0] - lows[0]
            rest = zip(codes[1:], lows[1:], spans[1:], strict=True)
        else:
            packed = gid - gid[0]
            rest = zip(codes, lows, spans, strict=True)
        for c, lo, sp in rest:
            packed *= sp
            packed += c
            packed -= lo
        c = packed  # the loop variable no longer holds the last key's codes
        del rest, c
        n_keys = len(codes)
        for held in (codes, release):
            if isinstance(held, list):
                held.clear()
        bits = max(1, (size - 1).bit_length())
        if room << bits < 2**63:
            # The position in the low bits makes every value unique, so a plain sort of
            # the values is the stable order, without an index sort and a gather.
            packed <<= bits
            _or_positions(packed)
            packed.sort()
            perm = packed & ((1 << bits) - 1)
            packed >>= bits
            p = packed
        else:
            # Not stable, and need not be: units left equal stay one tie, whose inner
            # order is never shown (later steps sort inside it, the rest is listed by id).
            perm = np.argsort(packed)
            p = packed[perm]
        del packed
        self.whole = False
        if pos is None:
            self.order = perm
        else:
            self.order[pos] = self.order[pos][perm]
        del perm
        at = np.flatnonzero(p[1:] != p[:-1])
        at += 1
        hi, lo_ = p[at], p[at - 1]
        del p
        if gid is not None:
            same_group = hi // key_room == lo_ // key_room
            at, hi, lo_ = at[same_group], hi[same_group], lo_[same_group]
        if at.size == 0:
            return True
        # The deciding key: the most significant mixed-radix digit that differs; the
        # digits above key k are ``p // (span[k+1] * ... * span[-1])``, divided in place.
        decided = np.full(at.size, ids[-1], dtype=self.decided.dtype)
        for k in range(n_keys - 2, -1, -1):
            hi //= spans[k + 1]
            lo_ //= spans[k + 1]
            decided[hi != lo_] = ids[k]
        del hi, lo_
        p_new = at if pos is None else pos[at]
        self.boundary[p_new] = True
        self.decided[p_new] = decided
        return True

    def _h2h_values(self, h2h: HeadToHead, pos: IntArray, gid: IntArray) -> list[FloatArray]:
        """Each key's pairwise sum for the units at ``pos``, among their own group only."""
        units = self.order[pos]
        n = self.n
        member = np.full(self.m, -1, dtype=np.int64)
        member[units] = gid
        rows = np.unique(units // n) if n else np.zeros(0, dtype=np.int64)
        out = []
        sorter = np.argsort(units)
        su = units[sorter]
        for key in h2h.keys:
            earner, opponent, value = self._pairwise(key.name)
            e = (rows[:, None] * n + earner[None, :]).ravel()
            o = (rows[:, None] * n + opponent[None, :]).ravel()
            v = np.broadcast_to(value, (rows.size, value.size)).ravel()
            me = member[e]
            keep = (me >= 0) & (me == member[o])
            sums: AnyArray = np.zeros(units.size)
            if keep.any():
                loc = sorter[np.searchsorted(su, e[keep])]
                np.add.at(sums, loc, v[keep])
            if not np.isfinite(sums).all():
                raise DataError(
                    f"head-to-head {key!r}: the sums of pairwise metric {key.name!r} among tied "
                    f"units overflow a float (past {np.finfo(np.float64).max:.4g}); rescale the "
                    "metric"
                )
            if key.resolution is not None:
                q = _quantize(sums, key, f" (head-to-head sums of {key.name!r})")
                sums = K.tick_values(q, key.resolution)
            out.append(sums)
        return out

    def _pairwise(self, name: str) -> tuple[IntArray, IntArray, FloatArray]:
        """The metric's entries, in positions of the ranked units (the subset, if any)."""
        pw = self.table.pairwise(name)
        if self.subset is None:
            return pw.earner, pw.opponent, pw.value
        where = np.full(self.table.n_units, -1, dtype=np.int64)
        where[self.subset] = np.arange(self.n)
        e, o = where[pw.earner], where[pw.opponent]
        keep = (e >= 0) & (o >= 0)
        return e[keep], o[keep], pw.value[keep]

    def _head_to_head(self, h2h: HeadToHead) -> None:
        ids = [self._label(f"head-to-head {key!r}") for key in h2h.keys]
        signs = [-1.0 if key.descending else 1.0 for key in h2h.keys]
        pos, gid = self._tied_positions()
        if h2h.restart == "on_separation":
            self._h2h_on_separation(h2h, ids, signs, pos)
            return
        active = np.ones(self.m, dtype=bool)
        while pos.size:
            sizes_before = np.bincount(gid)[gid]
            vals = self._h2h_values(h2h, pos, gid)
            codes = [s * v for s, v in zip(signs, vals, strict=True)]
            self._refine(pos, gid, codes, vals, ids, among=sizes_before)
            if h2h.restart == "never":
                return
            # Re-apply the block to every subset still level that is smaller than
            # the set it came from; a set the block could not split moves on.
            new_pos, new_gid = self._tied_positions(within=active)
            old_gid_of = np.full(self.m, -1, dtype=np.int64)
            old_gid_of[pos] = gid
            old_size = np.zeros(self.m, dtype=np.int64)
            old_size[pos] = sizes_before
            new_sizes = np.bincount(new_gid)[new_gid] if new_gid.size else new_gid
            shrank = new_sizes < old_size[new_pos]
            unsplit = ~shrank
            active[new_pos[unsplit]] = False
            pos, gid = new_pos[shrank], new_gid[shrank]
            if gid.size:
                _, gid = np.unique(gid, return_inverse=True)

    def _h2h_on_separation(
        self, h2h: HeadToHead, ids: list[int], signs: list[float], pos: IntArray
    ) -> None:
        n_keys = len(h2h.keys)
        step = np.zeros(self.m, dtype=np.int64)  # next key index, per position
        active = np.zeros(self.m, dtype=bool)
        active[pos] = True
        while True:
            pos, gid = self._tied_positions(within=active)
            if pos.size == 0:
                return
            _, gid = np.unique(gid, return_inverse=True)
            sizes_before = np.bincount(gid)[gid]
            vals = self._h2h_values(h2h, pos, gid)
            k_of = step[pos]
            code = np.zeros(pos.size)
            shown = np.zeros(pos.size)
            for k in range(n_keys):
                sel = k_of == k
                code[sel] = signs[k] * vals[k][sel]
                shown[sel] = vals[k][sel]
            # One step id per key: apply each group's current key.
            before = self.boundary.copy()
            for k in range(n_keys):
                sel = k_of == k
                if sel.any():
                    self._refine(
                        pos[sel],
                        gid[sel],
                        [code[sel]],
                        [shown[sel]],
                        [ids[k]],
                        among=sizes_before[sel],
                    )
            gid_before = np.cumsum(before) - 1
            split_groups = np.unique(gid_before[self.boundary & ~before])
            in_split = np.isin(gid_before[pos], split_groups)
            # Split sets restart from the first key; unsplit sets try the next key.
            step[pos[in_split]] = 0
            step[pos[~in_split]] += 1
            exhausted = step[pos] >= n_keys
            active[pos[exhausted]] = False

    def _lot(self, lot: Lot) -> None:
        sid = self._label(repr(lot))
        pos, gid = self._tied_positions()
        if pos.size == 0:
            return
        units = self.order[pos]
        cache = _id_digest_cache(self.table)
        if self.rows == 1:
            # One ranking: the tied units are distinct, each is drawn once.
            local = units
            sub = local if self.subset is None else self.subset[local]
            drawn = lot._mix(cache.of(sub, distinct=True))
            codes = drawn
        else:
            of_unit = units % self.n
            seen = np.zeros(self.n, dtype=bool)
            seen[of_unit] = True
            local = np.flatnonzero(seen)
            drawn = lot._mix(cache.of(local if self.subset is None else self.subset[local]))
            slot = np.zeros(self.n, dtype=np.int64)
            slot[local] = np.arange(local.size)
            codes = drawn[slot[of_unit]]
        self.lot_units, self.lot_values, self.lot_step = local, drawn, sid
        # Sort by (group, lot) as one uint64: the group id above the lot's high bits. It
        # is exact when no two keys are equal (then the lots' low bits never decide);
        # otherwise, almost never, sort by both in full.
        shift = max(1, int(gid[-1]).bit_length())
        perm = None
        if shift < 32:
            key = gid.astype(np.uint64) << np.uint64(64 - shift)
            key |= codes >> np.uint64(shift)
            perm = np.argsort(key, kind="stable")
            key = key[perm]
            if (key[1:] == key[:-1]).any():
                perm = None
        self._refine(pos, gid, [codes], None, [sid], perm=perm)

    @property
    def units(self) -> tuple[str, ...]:
        """The ids of the units ranked (the subset's, when ranking a subset)."""
        if self._units is None:
            every = self.table.units
            self._units = every if self.subset is None else _pick(every, self.subset)
        return self._units

    def _present_ties(self) -> None:
        """List units of an unresolved tie by their normalised id (presentation only)."""
        if self.boundary.all():
            return
        pos, gid = self._tied_positions()
        if pos.size == 0:
            return
        units = self.order[pos]
        local = units % self.n if self.rows > 1 else units
        # Positions in the order of the ids among these units only (a few of many are
        # sorted alone, not the whole table's ids).
        by_id = self.table._ids.text_keys(local if self.subset is None else self.subset[local])
        # Groups are contiguous and ids distinct: one packed key sorts both at once,
        # once the id keys are made narrow enough (their order among these units).
        width = max(1, int(by_id.max()) + 1)
        if (int(gid[-1]) + 1) * width >= 2**62:
            o = np.argsort(by_id)
            by_id = np.empty_like(o)
            by_id[o] = np.arange(o.size)
            width = max(1, o.size)
        if (int(gid[-1]) + 1) * width < 2**62:
            perm = np.argsort(gid * width + by_id)
        else:
            perm = np.lexsort((by_id, gid))
        self.order[pos] = units[perm]


# -- the result -----------------------------------------------------------------------


class Standing:
    """The outcome of a ranking: order, ranks, remaining ties, and why each pair is ordered.

    Arrays carry the batch axes of the ranked scores, with the units on the
    last axis. For an unbatched standing, :attr:`order` and
    :attr:`ties` are given as unit ids.
    """

    __slots__ = (
        "_among",
        "_boundary",
        "_decided",
        "_engine_units",
        "_key_values",
        "_lot_step",
        "_lot_units",
        "_lot_values",
        "_lots",
        "_lower",
        "_order_index",
        "_upper",
        "ranking",
        "steps",
    )

    ranking: Ranking
    steps: tuple[str, ...]
    _engine_units: tuple[str, ...] | _LazyIds
    _order_index: IntArray
    _boundary: BoolArray
    _decided: AnyArray
    _upper: FloatArray | None
    _lower: FloatArray | None
    _among: IntArray | None
    _key_values: dict[int, tuple[AnyArray, float | None]]  # step -> (base, scale), per unit
    _lot_step: int
    _lot_units: IntArray
    _lot_values: npt_uint64
    _lots: list[dict[str, int]]  # the lots dict once built, shared with scenario()

    def __init__(self) -> None:  # pragma: no cover - built by _build
        raise RuleTypeError("a Standing is made by Ranking.rank(...)")

    @classmethod
    def _build(cls, eng: _Engine) -> Standing:
        self = object.__new__(cls)
        shape = (*eng.batch, eng.n)
        n = eng.n
        self.ranking = eng.ranking
        # Unit ids are made on first use: an allocation ranking a subset never needs them.
        # The ids themselves are made on first use (an allocation ranking a subset never
        # reads them); keep only what makes them, not the engine and its arrays.
        self._engine_units = (
            eng.units if eng._units is not None else _LazyIds(eng.table._ids, eng.subset)
        )
        self.steps = tuple(eng.step_labels)
        self._lot_units, self._lot_values, self._lots = eng.lot_units, eng.lot_values, []
        order = eng.order.reshape(shape)
        if eng.rows > 1:
            order -= (np.arange(eng.rows, dtype=np.int64) * n).reshape((*eng.batch, 1))
        self._order_index = _ro(order)
        self._boundary = _ro(eng.boundary.reshape(shape))
        self._decided = _ro(eng.decided.reshape(shape))
        self._upper = None if eng.upper is None else _ro(eng.upper.reshape(shape))
        self._lower = None if eng.lower is None else _ro(eng.lower.reshape(shape))
        self._among = None if eng.among is None else _ro(eng.among.reshape(shape))
        self._key_values = {
            k: (np.broadcast_to(r.base, shape), r.scale) for k, r in eng.key_values.items()
        }
        self._lot_step = eng.lot_step
        return self

    @property
    def units(self) -> tuple[str, ...]:
        """The ids of the units ranked, aligned with :meth:`ranks`."""
        src = self._engine_units
        if isinstance(src, _LazyIds):
            every = src.every
            src = every.texts() if src.subset is None else tuple(every.take(src.subset))
            self._engine_units = src
        ids: tuple[str, ...] = src
        return ids

    def _values_at(self, p: int) -> tuple[Any, Any]:
        """The values of the deciding step at positions ``p`` and ``p - 1`` (one scenario)."""
        d = int(self._decided[p])
        here, above = int(self._order_index[p]), int(self._order_index[p - 1])
        if d in self._key_values:
            base, scale = self._key_values[d]
            if scale is None:
                return base[here], base[above]
            # Shown from the integer ticks: 5498637.6, not 5498637.600000001.
            return K.tick_value(base[here], scale), K.tick_value(base[above], scale)
        if d == self._lot_step:
            lots = self.lots
            return (
                np.float64(lots[self.units[here]]),
                np.float64(lots[self.units[above]]),
            )
        # Only head-to-head steps are left, and they record both sides.
        assert self._upper is not None
        assert self._lower is not None
        return self._lower[p], self._upper[p]

    @property
    def lots(self) -> dict[str, int]:
        """The lot drawn for every unit that reached a :class:`Lot` still tied, by unit id."""
        if not self._lots:
            ids = [self.units[i] for i in self._lot_units.tolist()]
            self._lots.append(dict(sorted(zip(ids, self._lot_values.tolist(), strict=True))))
        return self._lots[0]

    # -- order and ranks ---------------------------------------------------------

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The scenario axes; ``()`` for a single ranking."""
        return self._order_index.shape[:-1]

    @property
    def order_index(self) -> IntArray:
        """Positions (into the table's units) from best to worst, per scenario."""
        return self._order_index

    @property
    def order(self) -> tuple[str, ...]:
        """Unit ids from best to worst (units of an unresolved tie listed by id)."""
        self._single("order")
        return tuple(self.units[int(i)] for i in self._order_index)

    def ranks(self, style: RankStyle | None = None) -> IntArray:
        """Ranks aligned with the table's units, 1 = best, in ``style``.

        Examples
        --------
        >>> from emulation_rules import ScoreTable
        >>> t = ScoreTable({"unit": list("ABCD"), "x": [5, 9, 5, 1]})
        >>> s = Ranking(desc("x")).rank(t)
        >>> s.ranks("competition"), s.ranks("dense"), s.ranks("ordinal")
        (array([2, 1, 2, 4]), array([2, 1, 2, 3]), array([2, 1, 3, 4]))
        """
        style = self.ranking.style if style is None else style
        if not isinstance(style, str) or style not in _STYLES:
            raise RuleError(f"rank style must be one of {', '.join(_STYLES)} (got {style!r})")
        n = self._order_index.shape[-1]
        pos = np.broadcast_to(np.arange(n), self._boundary.shape)
        if style == "ordinal":
            by_pos = pos + 1
        elif style == "dense":
            by_pos = np.cumsum(self._boundary, axis=-1)
        else:
            by_pos = np.maximum.accumulate(np.where(self._boundary, pos, 0), axis=-1) + 1
        out = np.empty(self._boundary.shape, dtype=np.int64)
        np.put_along_axis(out, self._order_index, by_pos, axis=-1)
        return _ro(out)

    @property
    def rank(self) -> IntArray:
        """Ranks in the ranking's style, aligned with the table's units."""
        return self.ranks()

    @property
    def ties(self) -> tuple[tuple[str, ...], ...]:
        """Groups of units the chain could not separate (each listed by id)."""
        self._single("ties")
        starts = [*np.flatnonzero(self._boundary).tolist(), self._boundary.size]
        out = []
        for a, b in itertools.pairwise(starts):
            if b - a > 1:
                out.append(tuple(self.units[int(i)] for i in self._order_index[a:b]))
        return tuple(out)

    @property
    def tied(self) -> BoolArray:
        """Whether each pair of adjacent positions is still tied (shape ``(..., N - 1)``)."""
        return _ro(~self._boundary[..., 1:])

    @property
    def deciding_step(self) -> IntArray:
        """For each adjacent pair of positions, the index into :attr:`steps` of the step
        that separated them (-1 where still tied). Shape ``(..., N - 1)``."""
        return self._decided[..., 1:]

    def scenario(self, index: int | tuple[int, ...]) -> Standing:
        """The standing of one scenario of a batched ranking.

        ``index`` holds one whole number per batch axis (negative ones count
        from the end); anything else raises
        :class:`~emulation_rules.OutOfRangeError` naming the valid range.
        """
        idx = scenario_index(index, self.batch_shape, "Standing.scenario")
        other = object.__new__(Standing)
        other.ranking, other._engine_units, other.steps = self.ranking, self.units, self.steps
        other._lot_units, other._lot_values, other._lots = (
            self._lot_units,
            self._lot_values,
            self._lots,
        )
        for name in ("_order_index", "_boundary", "_decided"):
            setattr(other, name, getattr(self, name)[idx])
        for name in ("_upper", "_lower", "_among"):
            a = getattr(self, name)
            setattr(other, name, None if a is None else a[idx])
        other._key_values = {k: (b[idx], sc) for k, (b, sc) in self._key_values.items()}
        other._lot_step = self._lot_step
        return other

    def _single(self, what: str) -> None:
        if self.batch_shape:
            raise DataError(
                f"this standing has batch axes {self.batch_shape}; {what} is per scenario: use "
                f"standing.scenario(i).{what}"
            )

    # -- cut-off --------------------------------------------------------------------

    def top(self, k: int, *, ties: TiePolicy | Lot = "chain") -> Cut:
        """The best ``k`` units, with an explicit policy for a tie across the cut-off.

        ``ties``: ``"chain"`` (the chain's order decides; a tie the chain left at
        the cut-off is an error that says what to choose), ``"include"`` (all
        units tied at the cut-off are selected, exceeding ``k``), ``"exclude"``
        (none of them is, leaving fewer than ``k``), or a :class:`Lot` drawn
        among them.

        Examples
        --------
        >>> from emulation_rules import ScoreTable
        >>> t = ScoreTable({"unit": list("ABCD"), "x": [9, 7, 7, 1]})
        >>> s = Ranking(desc("x")).rank(t)
        >>> s.top(2, ties="include").selected
        ('A', 'B', 'C')
        >>> s.top(2, ties="exclude").selected
        ('A',)
        """
        self._single("top")
        n = len(self.units)
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
            raise RuleError(f"top(k): k must be a whole number >= 0 (got {k!r})")
        k = min(int(k), n)
        starts = [*np.flatnonzero(self._boundary).tolist(), n]
        order = [self.units[int(i)] for i in self._order_index]
        if k in starts or k == 0:
            return Cut(tuple(order[:k]), (), k, "clean", self.units)
        a = max(s for s in starts if s < k)
        b = min(s for s in starts if s > k)
        tied = tuple(order[a:b])
        if isinstance(ties, Lot):
            drawn = ties.draw(list(tied))
            pick = [tied[i] for i in np.argsort(drawn, kind="stable")[: k - a]]
            return Cut((*order[:a], *pick), tied, k, repr(ties), self.units)
        if ties == "include":
            return Cut(tuple(order[:b]), tied, k, "include", self.units)
        if ties == "exclude":
            return Cut(tuple(order[:a]), tied, k, "exclude", self.units)
        if ties == "chain":
            raise DataError(
                f"{listing(tied)} are still tied across the cut-off at {k} after the whole chain "
                f"{self.ranking!r}; choose top(k, ties='include'), ties='exclude' or "
                "ties=Lot(seed=...), or end the ranking with a Lot"
            )
        raise RuleError(f"ties must be 'chain', 'include', 'exclude' or a Lot (got {ties!r})")

    def top_share(
        self,
        share: float | Fraction,
        *,
        rounding: Literal["floor", "ceil", "half_up"] = "floor",
        ties: TiePolicy | Lot = "chain",
    ) -> Cut:
        """The best ``share`` of the units (e.g. 0.2 for 20 %), with ``k`` computed exactly.

        ``share`` is read as the decimal it was written as (``0.15`` is 15/100),
        so ``33 * 15 %`` is exactly 4.95: 4 with ``"floor"``, 5 with ``"ceil"``.

        Examples
        --------
        >>> from emulation_rules import ScoreTable
        >>> t = ScoreTable({"x": list(range(33))}, units=[f"u{i}" for i in range(33)])
        >>> s = Ranking(desc("x")).rank(t)
        >>> len(s.top_share(0.15).selected), len(s.top_share(0.15, rounding="ceil").selected)
        (4, 5)
        """
        frac = _share(share)
        exact = frac * len(self.units)
        if not isinstance(rounding, str):
            raise RuleError(f"rounding must be 'floor', 'ceil' or 'half_up' (got {rounding!r})")
        if rounding == "floor":
            k = math.floor(exact)
        elif rounding == "ceil":
            k = math.ceil(exact)
        elif rounding == "half_up":
            k = math.floor(exact + Fraction(1, 2))
        else:
            raise RuleError(f"rounding must be 'floor', 'ceil' or 'half_up' (got {rounding!r})")
        return self.top(k, ties=ties)

    # -- explanation ----------------------------------------------------------------

    def explain(self, *, scenario: int | tuple[int, ...] | None = None) -> StandingExplanation:
        """Every adjacent pair and the step that ordered it, with both values."""
        if scenario is not None:
            scenario_index(scenario, self.batch_shape, "Standing.explain")
            return self.scenario(scenario).explain()
        self._single("explain")
        rows = []
        ranks = self.rank
        for p, i in enumerate(self._order_index.tolist()):
            row: dict[str, Any] = {"position": p + 1, "unit": self.units[i], "rank": int(ranks[i])}
            if p > 0:
                above = self.units[self._order_index[p - 1]]
                d = int(self._decided[p])
                row["above"] = above
                if not self._boundary[p]:
                    row["tied_with_above"] = True
                elif d >= 0:
                    value, above_value = self._values_at(p)
                    row.update(
                        step=self.steps[d],
                        step_index=d,
                        level_on=list(self.steps[:d]),
                        value=_num(value),
                        above_value=_num(above_value),
                    )
                    if self._among is not None and self._among[p]:
                        row["among"] = int(self._among[p])
            rows.append(row)
        return StandingExplanation(
            {"ranking": repr(self.ranking), "rows": rows, "lots": dict(self.lots)}
        )

    def to_dict(self) -> dict[str, Any]:
        """The standing as plain data: the order, each unit's rank, the lots, and why each
        place is where it is (reasons as data, see :meth:`StandingExplanation.reasons`).

        Standings with batch axes: take one scenario first (:meth:`scenario`).

        >>> from emulation_rules import ScoreTable
        >>> t = ScoreTable({"x": [1, 3, 2]}, units=["A", "B", "C"])
        >>> d = Ranking(desc("x")).rank(t).to_dict()
        >>> d["order"], d["rank"], d["reasons"][1]["code"]
        (['B', 'C', 'A'], {'A': 3, 'B': 1, 'C': 2}, 'rank.step')
        """
        self._single("to_dict")
        return {
            "ranking": repr(self.ranking),
            "order": list(self.order),
            "rank": {u: int(r) for u, r in zip(self.units, self.rank.tolist(), strict=True)},
            "ties": [list(t) for t in self.ties],
            "lots": dict(self.lots),
            "reasons": [r.to_dict() for r in self.explain().reasons()],
        }

    def __repr__(self) -> str:
        if self.batch_shape:
            return f"<Standing of {len(self.units)} units, batch {self.batch_shape}>"
        return f"<Standing {listing(self.order, 6)}>"


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else float(x)


def _ro(a: AnyArray) -> AnyArray:
    a.flags.writeable = False
    return a


def _share(share: object) -> Fraction:
    return _exact.share(share, "share")


@attrs.frozen
class Cut:
    """The units selected by :meth:`Standing.top`, and what happened at the cut-off."""

    selected: tuple[str, ...]
    tied_at_cutoff: tuple[str, ...]
    k: int
    policy: str
    units: tuple[str, ...] = attrs.field(repr=False)

    @property
    def exceeded_by(self) -> int:
        """How many more than ``k`` were selected (``include`` policy), else 0."""
        return max(0, len(self.selected) - self.k)

    @property
    def mask(self) -> BoolArray:
        """Selected, aligned with the table's units."""
        chosen = set(self.selected)
        return np.fromiter((u in chosen for u in self.units), dtype=bool, count=len(self.units))


class StandingExplanation(Explanation):
    """Why the standing is in this order: ``str()`` for words, :meth:`to_dict` for data,
    :meth:`reasons` for one :class:`~emulation_rules.Reason` per place (and the lots)."""

    __slots__ = ()

    def reasons(self) -> tuple[Reason, ...]:
        """One reason per place, top down (``rank.first``, ``rank.step``, ``rank.tied``),
        then ``rank.lots`` if lots were drawn."""
        out = []
        for row in self._data["rows"]:
            base = {"position": row["position"], "rank": row["rank"]}
            if "above" not in row:
                out.append(Reason("rank.first", values=base, units=(row["unit"],)))
            elif row.get("tied_with_above"):
                out.append(Reason("rank.tied", values=base, units=(row["unit"], row["above"])))
            else:
                values = {
                    **base,
                    "step_index": row["step_index"],
                    "value": row["value"],
                    "above_value": row["above_value"],
                    "level_on": row["level_on"],
                    "among": row.get("among"),
                }
                out.append(
                    Reason(
                        "rank.step",
                        rule=row["step"],
                        values=values,
                        units=(row["unit"], row["above"]),
                    )
                )
        if self._data["lots"]:
            out.append(Reason("rank.lots", values={"lots": dict(self._data["lots"])}))
        return tuple(out)

    def render(self, language: Language = "en") -> str:
        """The explanation in words (``"en"`` or ``"vi"``)."""
        return "\n".join(r.render(language) for r in self.reasons())

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"<StandingExplanation of {len(self._data['rows'])} units>"
