"""Rules as JSON: save rule objects, load them back, ship them to another application.

Every rule object of the library -- scales, criteria, groups, scorecards,
rankings and their steps, conditions, quotas, awards, schemes, rotations and
their changes, policies and overrides, judging panels -- is written as one
JSON object whose ``"type"`` names its class and whose other keys are the
arguments it is built with::

    {"format": "emulation_rules", "schema_version": 1,
     "rule": {"type": "Criterion", "column": "rate", "points": 10.0, ...}}

Loading builds every object through its public constructor, so a file is
validated exactly as code would be; it never executes code and never imports
a module named by the data: a type is known only if it is registered in the
:class:`RuleConverter` (the explicit list of allowed types). An unknown type,
an unknown or missing field, or a value a constructor refuses raises
:class:`~emulation_rules.SerializationError` naming the JSON path of the
offending value (``$.rule.items[2].scale.target``).

Values JSON has no word for are written tagged, losslessly: ``Fraction``,
``Decimal``, dates, ``inf``/``nan``, lists (arrays are tuples), dicts,
mapping proxies, sets; numpy scalars are written as the Python number of the
same value. Every field is written, defaults included, so a rule file never
changes meaning when a default of a later version does.

This module needs the ``json`` extra (``pip install 'emulation_rules[json]'``);
the core library imports without it.

Examples
--------
>>> import emulation_rules as er
>>> card = er.Scorecard([er.Criterion("rate", 10, scale=er.Target(0.75))])
>>> text = er.dumps(card)
>>> er.loads(text) == card
True

Extending: a frozen attrs class of your own is registered with one line, and
is then written and read like the library's own (its constructor arguments
must be its fields). Register it on :data:`converter` to make :func:`dumps`
and :func:`loads` know it everywhere, or on a converter of your own:

>>> import attrs
>>> from emulation_rules.serialize import RuleConverter
>>> @attrs.frozen
... class Prize:
...     award: str
...     amount: int
>>> conv = RuleConverter()
>>> conv.register_rule(Prize, "myapp.Prize")
>>> er.loads(er.dumps(Prize("CSTĐ", 5_000_000), converter=conv), converter=conv)
Prize(award='CSTĐ', amount=5000000)
"""

from __future__ import annotations

import datetime
import difflib
import enum
import inspect
import json
import math
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np

from . import (
    awards,
    competition,
    eligibility,
    history,
    judging,
    ranking,
    rulebook,
    scales,
    scoring,
)
from ._checks import missing
from .errors import EmulationRulesError, RuleError, RuleTypeError, SerializationError
from .rotation import changes as rot_changes
from .rotation import config as rot_config
from .rotation import policies as rot_policies

try:
    import cattrs
except ImportError as exc:  # pragma: no cover - exercised without the extra installed
    raise missing("cattrs", "emulation_rules.serialize (rules as JSON)") from exc

__all__ = [
    "FORMAT",
    "SCHEMA_VERSION",
    "RuleConverter",
    "converter",
    "dump",
    "dumps",
    "load",
    "loads",
    "schema",
]

#: The value of the ``"format"`` key of every document.
FORMAT: Final = "emulation_rules"
#: The version of the JSON layout written by this library; a newer file is refused.
SCHEMA_VERSION: Final = 1

Encode = Callable[[Any], Mapping[str, Any]]
Decode = Callable[[Mapping[str, Any]], Any]

# Tags of the values JSON has no word for; no registered type may take one of these.
_VALUE_TAGS: Final = (
    "Decimal",
    "Fraction",
    "date",
    "datetime",
    "dict",
    "float",
    "frozenset",
    "list",
    "mappingproxy",
    "set",
)
_FLOATS: Final = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}
#: The comparison operators of conditions, as eligibility applies them.
_OPS: Final = eligibility._OPS


@attrs.frozen
class _Codec:
    """How one registered type is written and read."""

    cls: type
    tag: str
    fields: tuple[str, ...]
    required: frozenset[str]
    encode: Encode
    decode: Decode
    #: The plain JSON kinds a field may take ("bool", "int", "float", "str", "null"),
    #: for fields whose annotation says so; other fields are checked by the constructor.
    kinds: Mapping[str, frozenset[str]] = attrs.field(factory=dict)
    #: The resolved annotation of each field, for the schema (where it is known).
    hints: Mapping[str, Any] = attrs.field(factory=dict)


# Annotations whose values have one plain JSON form: a bool field never takes "yes".
_KINDS: Final[dict[Any, str]] = {bool: "bool", int: "int", float: "float", str: "str"}
_KINDS[type(None)] = "null"


def _kinds(hint: Any) -> frozenset[str] | None:
    """The JSON kinds of a plain annotation (``int | None``), or None if not plain."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    parts = typing.get_args(hint) if union else (hint,)
    if not all(p in _KINDS for p in parts):
        return None
    return frozenset(_KINDS[p] for p in parts)


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str" if isinstance(value, str) else "other"


def _fits(value: Any, kinds: frozenset[str]) -> bool:
    kind = _kind_of(value)
    # A whole number is a fine float (JSON writes 10.0 as 10 in many tools).
    return kind in kinds or (kind == "int" and "float" in kinds)


def _key(path: str, name: str) -> str:
    return f"{path}.{name}" if name.isidentifier() else f"{path}[{json.dumps(name)}]"


def _attrs_codec(cls: type, tag: str) -> _Codec:
    """Write the init fields of an attrs class; read them back through its constructor.

    Each field must be a parameter of the constructor (by its alias or its name):
    then what is written is exactly what the object is built from.
    """
    if not attrs.has(cls):
        raise RuleTypeError(
            f"register_rule({cls.__name__}): not an attrs class; give encode=, decode= and fields="
        )
    params = inspect.signature(cls).parameters
    names: dict[str, str] = {}  # JSON key (constructor parameter) -> attribute name
    for a in attrs.fields(cls):
        if not a.init:
            continue  # derived from the others at construction
        key = a.alias if a.alias in params else a.name
        if key not in params:
            raise RuleTypeError(
                f"register_rule({cls.__name__}): field {a.name!r} is not a parameter of its "
                "constructor; give encode=, decode= and fields= to say how it is rebuilt"
            )
        names[key] = a.name
    for p in params.values():
        if p.name not in names and p.default is p.empty and p.kind is not p.VAR_POSITIONAL:
            raise RuleTypeError(
                f"register_rule({cls.__name__}): constructor parameter {p.name!r} is not a field; "
                "give encode=, decode= and fields= to say how it is rebuilt"
            )
    order = [p for p in params.values() if p.name in names]
    star = next((p.name for p in order if p.kind is p.VAR_POSITIONAL), None)
    before_star = [
        p
        for p in order
        if star is not None and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    positional_only = [p for p in order if p.kind is p.POSITIONAL_ONLY]
    required = frozenset(
        p.name for p in order if p.default is p.empty and p.kind is not p.VAR_POSITIONAL
    )

    def encode(obj: Any) -> dict[str, Any]:
        return {key: getattr(obj, attr) for key, attr in names.items()}

    def decode(values: Mapping[str, Any]) -> Any:
        kw = dict(values)
        args: list[Any] = [kw.pop(p.name, p.default) for p in before_star or positional_only]
        if star is not None:
            more = kw.pop(star, ())
            if not isinstance(more, tuple):
                raise RuleTypeError(f"{star} is a list (got {more!r})")
            args.extend(more)
        return cls(*args, **kw)

    try:
        annotations = typing.get_type_hints(cls)
    except Exception:  # an annotation that does not resolve: the schema says "a value"
        annotations = {}
    hints = {key: annotations[attr] for key, attr in names.items() if attr in annotations}
    kinds = {key: k for key, hint in hints.items() if (k := _kinds(hint)) is not None}
    return _Codec(cls, tag, tuple(names), required, encode, decode, kinds, hints)


class RuleConverter(cattrs.Converter):
    """The registry of the types a rules file may hold, and their JSON form.

    A ``cattrs.Converter``: ``converter.unstructure(rule)`` gives the JSON-ready
    data of a registered rule object and ``converter.structure(data, cls)`` reads
    it back (refusing data of another type). Every library rule type is
    registered when the converter is made; register your own with
    :meth:`register_rule` (a frozen attrs class) or :meth:`register_enum`.

    Loading only ever builds registered types: nothing is imported or executed
    because the data names it.

    Examples
    --------
    >>> import emulation_rules as er
    >>> from emulation_rules.serialize import RuleConverter
    >>> conv = RuleConverter()
    >>> conv.unstructure(er.Target(0.75))
    {'type': 'Target', 'target': 0.75, 'below': 'proportional', 'strict': False, 'zero_at': None}
    >>> conv.structure({"type": "Linear", "low": 0, "high": 1}, er.Scale)
    Linear(0.0, 1.0)
    """

    def __init__(self) -> None:
        super().__init__()
        self._codecs: dict[type, _Codec] = {}
        self._tags: dict[str, _Codec] = {}
        self._enums: dict[type, str] = {}
        self._enum_tags: dict[str, type[enum.Enum]] = {}
        # A base class (Scale, Condition, object) reads any registered type under it.
        self.register_structure_hook_func(self._is_base, self._structure_hook)
        _register_library(self)

    def _is_base(self, cls: Any) -> bool:
        return isinstance(cls, type) and any(issubclass(c, cls) for c in self._codecs)

    # -- registration -----------------------------------------------------------------

    def _check_tag(self, cls: type, tag: str | None) -> str:
        if cls in self._codecs or cls in self._enums:
            raise RuleError(f"{cls.__qualname__} is already registered")
        if tag is None:
            lib = cls.__module__.split(".")[0] == "emulation_rules"
            tag = cls.__qualname__ if lib else f"{cls.__module__}.{cls.__qualname__}"
        if not isinstance(tag, str) or not tag.strip():
            raise RuleTypeError(f"a type tag is a non-empty name (got {tag!r})")
        if tag in _VALUE_TAGS or tag in self._tags or tag in self._enum_tags:
            raise RuleError(
                f"the type tag {tag!r} is already taken; give {cls.__qualname__} another one, "
                f"e.g. 'myapp.{cls.__qualname__}'"
            )
        return tag

    def register_rule(
        self,
        cls: type,
        tag: str | None = None,
        *,
        fields: tuple[str, ...] | None = None,
        required: tuple[str, ...] | None = None,
        encode: Encode | None = None,
        decode: Decode | None = None,
    ) -> None:
        """Allow ``cls`` in rules files, written as ``{"type": tag, ...fields}``.

        A frozen attrs class whose constructor takes its fields needs nothing
        else: ``converter.register_rule(MyRule, "myapp.MyRule")``. Otherwise give
        ``fields`` (the JSON keys), ``encode`` (object -> mapping of those keys to
        values) and ``decode`` (mapping -> object; build through the public
        constructor so that the data is validated); ``required`` are the keys
        that must be present (default: all of them).

        ``tag`` defaults to the class name for the library's own classes and
        ``module.QualName`` for others; it is only ever looked up in this
        registry, never imported.
        """
        if not isinstance(cls, type):
            raise RuleTypeError(f"register_rule takes a class (got {cls!r})")
        tag = self._check_tag(cls, tag)
        given = (fields is not None, encode is not None, decode is not None)
        if any(given) and not all(given):
            raise RuleTypeError(
                f"register_rule({cls.__qualname__}): give fields=, encode= and decode= together "
                "(or none of them, for an attrs class built from its fields)"
            )
        if fields is None or encode is None or decode is None:
            codec = _attrs_codec(cls, tag)
        else:
            keys = tuple(fields)
            codec = _Codec(
                cls, tag, keys, frozenset(keys if required is None else required), encode, decode
            )
        self._add(codec)

    def _add(self, codec: _Codec) -> None:
        if "type" in codec.fields:
            raise RuleError(
                f"register_rule({codec.cls.__qualname__}): 'type' is the tag's key, not a field"
            )
        self._codecs[codec.cls] = self._tags[codec.tag] = codec
        self.register_unstructure_hook(codec.cls, self._unstructure_hook)
        self.register_structure_hook(codec.cls, self._structure_hook)

    def register_enum(self, cls: type[enum.Enum], tag: str | None = None) -> None:
        """Allow the members of the enum ``cls``, written as ``{"type": tag, "value": name}``."""
        if not (isinstance(cls, type) and issubclass(cls, enum.Enum)):
            raise RuleTypeError(f"register_enum takes an Enum class (got {cls!r})")
        tag = self._check_tag(cls, tag)
        self._enums[cls] = tag
        self._enum_tags[tag] = cls

    def copy(self, *args: Any, **kwargs: Any) -> RuleConverter:
        """A converter with the same registrations; registering on it leaves this one alone."""
        if args or kwargs:
            raise RuleTypeError("RuleConverter.copy() takes no options")
        out = RuleConverter()
        for codec in self._codecs.values():
            if codec.cls not in out._codecs:
                out._add(codec)
        for cls, tag in self._enums.items():
            if cls not in out._enums:
                out.register_enum(cls, tag)
        return out

    def registered(self) -> Mapping[str, type]:
        """The registered types by tag (read-only)."""
        out: dict[str, type] = {t: c.cls for t, c in self._tags.items()}
        out.update(self._enum_tags)
        return types.MappingProxyType(out)

    # -- cattrs hooks -----------------------------------------------------------------

    def _unstructure_hook(self, obj: Any) -> Any:
        return self.to_data(obj)

    def _structure_hook(self, data: Any, cls: Any) -> Any:
        return self.from_data(data, expect=cls)

    # -- writing ----------------------------------------------------------------------

    def to_data(self, value: Any, path: str = "$") -> Any:
        """``value`` as JSON-ready data (dicts, lists, str, int, float, bool, None).

        Raises :class:`~emulation_rules.RuleTypeError` naming the path of a value
        of a type that is not registered.
        """
        t = type(value)
        if value is None or t is bool or t is str or t is int:
            return value
        if t is float:
            return value if math.isfinite(value) else {"type": "float", "value": repr(value)}
        codec = self._codecs.get(t)
        if codec is not None:
            fields = codec.encode(value)
            out: dict[str, Any] = {"type": codec.tag}
            for k, v in fields.items():
                out[k] = self.to_data(v, _key(path, k))
            return out
        if t is tuple:
            return [self.to_data(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if t is list:
            return {"type": "list", "items": self.to_data(tuple(value), f"{path}.items")}
        if t is dict or t is types.MappingProxyType:
            name = "dict" if t is dict else "mappingproxy"
            pairs = [
                [self.to_data(k, f"{path}.items[{i}][0]"), self.to_data(v, f"{path}.items[{i}][1]")]
                for i, (k, v) in enumerate(value.items())
            ]
            return {"type": name, "items": pairs}
        if t is set or t is frozenset:
            items = [self.to_data(v, f"{path}.items[{i}]") for i, v in enumerate(value)]
            # Set order varies between runs (hash randomisation): write them sorted.
            items.sort(key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
            return {"type": t.__name__, "items": items}
        if t is Fraction:
            return {"type": "Fraction", "value": f"{value.numerator}/{value.denominator}"}
        if t is Decimal:
            return {"type": "Decimal", "value": str(value)}
        if t is datetime.datetime:
            return {"type": "datetime", "value": value.isoformat()}
        if t is datetime.date:
            return {"type": "date", "value": value.isoformat()}
        if t in self._enums:
            return {"type": self._enums[t], "value": value.name}
        if isinstance(value, np.str_):
            return str(value)
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            x = float(value)
            if t(x) == value or math.isnan(x):  # float64 holds it exactly
                return self.to_data(x, path)
        raise RuleTypeError(
            f"{path}: cannot write {value!r} (a {t.__qualname__}) as JSON: its type is not "
            "registered; register it with emulation_rules.serialize.converter.register_rule "
            "(or register_enum)"
        )

    # -- reading ----------------------------------------------------------------------

    def from_data(self, data: Any, path: str = "$", *, expect: Any = None) -> Any:
        """The object ``data`` (from :meth:`to_data`) describes, built and validated.

        ``expect``: a class the result must be an instance of. Raises
        :class:`~emulation_rules.SerializationError` naming the path of the
        offending value.
        """
        out = self._read(data, path)
        if isinstance(expect, type) and expect is not object and not isinstance(out, expect):
            raise SerializationError(
                f"expected a {expect.__qualname__}, found {type(out).__qualname__}", path
            )
        return out

    def _read(self, data: Any, path: str) -> Any:
        t = type(data)
        if data is None or t is bool or t is str or t is int:
            return data
        if t is float:
            if not math.isfinite(data):
                raise SerializationError(
                    'write infinities and NaN as {"type": "float", "value": "inf"}', path
                )
            return data
        if t is list:
            return tuple(self._read(v, f"{path}[{i}]") for i, v in enumerate(data))
        if t is not dict:
            raise SerializationError(f"not a JSON value: {data!r}", path)
        tag = data.get("type")
        if not isinstance(tag, str):
            raise SerializationError(
                f"an object needs a 'type' naming what it is (got {tag!r}); "
                "arrays are written as JSON lists",
                path,
            )
        if tag in _VALUE_TAGS:
            return self._read_value(tag, data, path)
        if tag in self._enum_tags:
            return self._read_enum(self._enum_tags[tag], data, path)
        codec = self._tags.get(tag)
        if codec is None:
            close = difflib.get_close_matches(tag, [*self._tags, *self._enum_tags], n=3)
            hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise SerializationError(
                f"unknown type {tag!r}{hint} (types a rules file may hold are registered in "
                "emulation_rules.serialize.converter)",
                _key(path, "type"),
            )
        values: dict[str, Any] = {}
        for k, v in data.items():
            if k == "type":
                continue
            if k not in codec.fields:
                close = difflib.get_close_matches(k, codec.fields, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise SerializationError(
                    f"unknown field {k!r} for {tag}{hint} (fields: {', '.join(codec.fields) or 'none'})",
                    _key(path, k),
                )
            values[k] = self._read(v, _key(path, k))
            kinds = codec.kinds.get(k)
            if kinds is not None and not _fits(values[k], kinds):
                raise SerializationError(
                    f"{tag} {k} is {' or '.join(sorted(kinds))} (got {v!r})", _key(path, k)
                )
        lacking = [k for k in codec.fields if k in codec.required and k not in values]
        if lacking:
            raise SerializationError(
                f"{tag} needs the field(s) {', '.join(map(repr, lacking))}", path
            )
        try:
            return codec.decode(values)
        except SerializationError:
            raise
        except (EmulationRulesError, TypeError, ValueError) as exc:
            raise SerializationError(
                f"{tag} cannot be built from these values: {exc}", path
            ) from exc

    def _read_value(self, tag: str, data: dict[str, Any], path: str) -> Any:
        key = "items" if tag in ("list", "dict", "mappingproxy", "set", "frozenset") else "value"
        extra = sorted(set(data) - {"type", key})
        if extra:
            raise SerializationError(f"unknown field {extra[0]!r} for {tag}", _key(path, extra[0]))
        if key not in data:
            raise SerializationError(f"{tag} needs the field {key!r}", path)
        raw = data[key]
        where = _key(path, key)
        if key == "items":
            if type(raw) is not list:
                raise SerializationError(f"{tag} items are a JSON list", where)
            if tag in ("dict", "mappingproxy"):
                pairs: dict[Any, Any] = {}
                for i, pair in enumerate(raw):
                    if type(pair) is not list or len(pair) != 2:
                        raise SerializationError(
                            "a mapping item is a [key, value] pair", f"{where}[{i}]"
                        )
                    k = self._read(pair[0], f"{where}[{i}][0]")
                    if k in pairs:
                        raise SerializationError(f"duplicate key {k!r}", f"{where}[{i}][0]")
                    pairs[k] = self._read(pair[1], f"{where}[{i}][1]")
                return pairs if tag == "dict" else types.MappingProxyType(pairs)
            items = self._read(raw, where)
            if tag == "list":
                return list(items)
            out = set(items) if tag == "set" else frozenset(items)
            if len(out) != len(items):
                raise SerializationError(f"a {tag} lists each item once", where)
            return out
        if not isinstance(raw, str):
            raise SerializationError(f"a {tag} is written as a string (got {raw!r})", where)
        try:
            if tag == "float":
                if raw not in _FLOATS:
                    raise ValueError(
                        "write finite floats as JSON numbers; here 'inf', '-inf' or 'nan'"
                    )
                return _FLOATS[raw]
            if tag == "Fraction":
                num, sep, den = raw.partition("/")
                if not sep or not num.lstrip("-").isdigit() or not den.isdigit():
                    raise ValueError("write it as 'numerator/denominator', e.g. '3/20'")
                return Fraction(int(num), int(den))
            if tag == "Decimal":
                return Decimal(raw)
            if tag == "datetime":
                return datetime.datetime.fromisoformat(raw)
            return datetime.date.fromisoformat(raw)
        except (ArithmeticError, ValueError) as exc:
            raise SerializationError(f"not a {tag}: {raw!r} ({exc})", where) from exc

    def _read_enum(self, cls: type[enum.Enum], data: dict[str, Any], path: str) -> Any:
        extra = sorted(set(data) - {"type", "value"})
        if extra:
            raise SerializationError(f"unknown field {extra[0]!r}", _key(path, extra[0]))
        name = data.get("value")
        if not isinstance(name, str) or name not in cls.__members__:
            raise SerializationError(
                f"{name!r} is not a member of {cls.__qualname__} ({', '.join(cls.__members__)})",
                _key(path, "value"),
            )
        return cls.__members__[name]

    # -- documents --------------------------------------------------------------------

    def document(self, obj: Any) -> dict[str, Any]:
        """The whole JSON document for ``obj``: format, schema version and the rule (or,
        for a result, the result's plain data with its reasons, see :func:`dumps`)."""
        result = _result_data(obj)
        if result is not None:
            return {"format": FORMAT, "schema_version": SCHEMA_VERSION, "result": result}
        return {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "rule": self.to_data(obj, "$.rule"),
        }

    def from_document(self, doc: Any) -> Any:
        """The rule object of a document made by :meth:`document` (checked)."""
        if not isinstance(doc, dict):
            raise SerializationError(
                f"a rules file is a JSON object with 'format', 'schema_version' and 'rule' (got {type(doc).__name__})",
                "$",
            )
        if "result" in doc and "rule" not in doc:
            return _result_from(doc)
        extra = sorted(set(doc) - {"format", "schema_version", "rule"})
        if extra:
            raise SerializationError(
                f"unknown field {extra[0]!r} (a rules file has 'format', 'schema_version' and 'rule')",
                _key("$", extra[0]),
            )
        if doc.get("format") != FORMAT:
            raise SerializationError(
                f"not an emulation_rules file: 'format' is {doc.get('format')!r}, expected {FORMAT!r}",
                "$.format",
            )
        version = doc.get("schema_version")
        if type(version) is not int or version < 1:
            raise SerializationError(
                f"schema_version is a whole number >= 1 (got {version!r})", "$.schema_version"
            )
        if version > SCHEMA_VERSION:
            raise SerializationError(
                f"written with schema version {version}, newer than this library reads "
                f"({SCHEMA_VERSION}); upgrade emulation_rules",
                "$.schema_version",
            )
        if "rule" not in doc:
            raise SerializationError("the file holds no 'rule'", "$")
        return self.from_data(doc["rule"], "$.rule")

    # -- schema -----------------------------------------------------------------------

    def schema(self) -> dict[str, Any]:
        """A JSON Schema (draft 2020-12) of the documents this converter writes and reads."""
        ref = {"$ref": "#/$defs/value"}

        def obj(tag: str, props: dict[str, Any], required: list[str]) -> dict[str, Any]:
            return {
                "type": "object",
                "properties": {"type": {"const": tag}, **props},
                "required": ["type", *required],
                "additionalProperties": False,
            }

        defs: dict[str, Any] = {}
        defs["float"] = obj("float", {"value": {"enum": list(_FLOATS)}}, ["value"])
        defs["Fraction"] = obj(
            "Fraction", {"value": {"type": "string", "pattern": r"^-?[0-9]+/[0-9]+$"}}, ["value"]
        )
        defs["Decimal"] = obj("Decimal", {"value": {"type": "string"}}, ["value"])
        defs["date"] = obj("date", {"value": {"type": "string", "format": "date"}}, ["value"])
        defs["datetime"] = obj(
            "datetime", {"value": {"type": "string", "format": "date-time"}}, ["value"]
        )
        for tag in ("list", "set", "frozenset"):
            defs[tag] = obj(tag, {"items": {"type": "array", "items": ref}}, ["items"])
        pair = {"type": "array", "prefixItems": [ref, ref], "minItems": 2, "maxItems": 2}
        for tag in ("dict", "mappingproxy"):
            defs[tag] = obj(tag, {"items": {"type": "array", "items": pair}}, ["items"])
        for tag in sorted(self._enum_tags):
            members = list(self._enum_tags[tag].__members__)
            defs[tag] = obj(tag, {"value": {"enum": members}}, ["value"])
        for tag in sorted(self._tags):
            codec = self._tags[tag]
            props = {
                k: self._type_schema(codec.hints[k])
                if k in codec.hints
                else _kind_schema(codec.kinds.get(k))
                for k in codec.fields
            }
            defs[tag] = obj(tag, props, [k for k in codec.fields if k in codec.required])
        tags = [*_VALUE_TAGS, *sorted(self._enum_tags), *sorted(self._tags)]
        defs["value"] = {
            "anyOf": [
                {"type": ["null", "boolean", "integer", "number", "string"]},
                {"type": "array", "items": ref},
                *({"$ref": f"#/$defs/{t}"} for t in sorted(tags)),
            ]
        }
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "emulation_rules rules file",
            "description": (
                "Rule objects of emulation_rules as JSON: every object names its type; "
                "generated by emulation_rules.schema()."
            ),
            "type": "object",
            "properties": {
                "format": {"const": FORMAT},
                "schema_version": {"const": SCHEMA_VERSION},
                "rule": ref,
            },
            "required": ["format", "schema_version", "rule"],
            "additionalProperties": False,
            "$defs": dict(sorted(defs.items())),
        }

    def _type_schema(self, hint: Any) -> dict[str, Any]:
        """The JSON Schema of the values a field annotated ``hint`` is written as."""
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        simple = {bool: "boolean", int: "integer", str: "string", type(None): "null"}
        tagged = {Fraction: "Fraction", Decimal: "Decimal", datetime.datetime: "datetime"}
        if hint in simple:
            return {"type": simple[hint]}
        if hint is float:  # infinities and NaN are written tagged
            return {"anyOf": [{"type": "number"}, {"$ref": "#/$defs/float"}]}
        if hint in tagged:
            return {"$ref": f"#/$defs/{tagged[hint]}"}
        if hint is datetime.date:
            return {"$ref": "#/$defs/date"}
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin is typing.Union or origin is types.UnionType:
            return {"anyOf": [self._type_schema(a) for a in args]}
        if origin is tuple and args:
            if len(args) == 2 and args[1] is Ellipsis:
                return {"type": "array", "items": self._type_schema(args[0])}
            items = [self._type_schema(a) for a in args]
            return {
                "type": "array",
                "prefixItems": items,
                "minItems": len(items),
                "maxItems": len(items),
            }
        if isinstance(hint, type):
            tags = sorted(
                [c.tag for c in self._codecs.values() if issubclass(c.cls, hint)]
                + [t for t, e in self._enum_tags.items() if issubclass(e, hint)]
            )
            refs = [{"$ref": f"#/$defs/{t}"} for t in tags]
            if len(refs) == 1:
                return refs[0]
            if refs:
                return {"anyOf": refs}
        return {"$ref": "#/$defs/value"}


_JSON_KINDS: Final = {
    "bool": "boolean",
    "int": "integer",
    "float": "number",
    "str": "string",
    "null": "null",
}


def _kind_schema(kinds: frozenset[str] | None) -> dict[str, Any]:
    if kinds is None:
        return {"$ref": "#/$defs/value"}
    plain = {"type": sorted(_JSON_KINDS[k] for k in kinds)}
    if "float" in kinds:  # infinities and NaN are written tagged
        return {"anyOf": [plain, {"$ref": "#/$defs/float"}]}
    return plain


# -- the library's types ----------------------------------------------------------------


def _check(values: Mapping[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    v = values[key]
    if isinstance(v, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise RuleTypeError(f"{key} is {what} (got {v!r})")
    if not isinstance(v, kind):
        raise RuleTypeError(f"{key} is {what} (got {v!r})")
    return v


def _op(values: Mapping[str, Any]) -> Callable[[Any, Any], Any]:
    op = values["op"]
    if not isinstance(op, str) or op not in _OPS:
        raise RuleError(f"op is one of {', '.join(_OPS)} (got {op!r})")
    return _OPS[op]


def _titles(values: Mapping[str, Any], key: str = "titles") -> tuple[Any, ...]:
    titles = values[key]
    if not isinstance(titles, tuple):
        raise RuleTypeError(f"{key} is a list of title names (got {titles!r})")
    return titles


def _register_conditions(conv: RuleConverter) -> None:
    """Conditions are built by functions (``holds``, ``fact('x') >= 3``...) and so read back."""
    e = eligibility

    def value(values: Mapping[str, Any]) -> Any:
        v = values["value"]
        if not isinstance(v, e._Value):
            raise RuleTypeError(
                f"value is fact(...), column(...), score(...), rank() or a member count (got {v!r})"
            )
        return v

    def cond(values: Mapping[str, Any], key: str) -> eligibility.Condition:
        return _check(values, key, e.Condition, "a condition")  # type: ignore[no-any-return]

    def reg(
        cls: type,
        tag: str,
        *,
        fields: tuple[str, ...],
        required: tuple[str, ...] | None = None,
        encode: Encode,
        decode: Decode,
    ) -> None:
        # Every condition may cite the article it encodes (Condition.cite); the citation is
        # written when set and re-applied on reading, so a saved rule keeps its sources.
        def enc(c: Any) -> Mapping[str, Any]:
            out = dict(encode(c))
            if c.source is not None:
                out["source"] = c.source
            return out

        def dec(v: Mapping[str, Any]) -> Any:
            source = v.get("source")
            built = decode({k: x for k, x in v.items() if k != "source"})
            if source is None:
                return built
            return built.cite(_check(v, "source", str, "a text citation"))

        if not issubclass(cls, e.Condition):  # values (fact(...), rank()...) cite nothing
            conv.register_rule(
                cls, tag, fields=fields, required=required, encode=encode, decode=decode
            )
            return
        conv.register_rule(
            cls,
            tag,
            fields=(*fields, "source"),
            required=tuple(fields if required is None else required),
            encode=enc,
            decode=dec,
        )

    reg(
        e._AllOf,
        "all_of",
        fields=("parts",),
        encode=lambda c: {"parts": c.parts},
        decode=lambda v: e.all_of(*_titles(v, "parts")),
    )
    reg(
        e._AnyOf,
        "any_of",
        fields=("parts",),
        encode=lambda c: {"parts": c.parts},
        decode=lambda v: e.any_of(*_titles(v, "parts")),
    )
    reg(
        e._Not,
        "not",
        fields=("part",),
        encode=lambda c: {"part": c.part},
        decode=lambda v: e.not_(cond(v, "part")),
    )
    reg(
        e._Holds,
        "holds",
        fields=("titles",),
        encode=lambda c: {"titles": c.titles},
        decode=lambda v: e.holds(*_titles(v)),
    )
    reg(
        e._Ever,
        "ever",
        fields=("titles", "before"),
        required=("titles",),
        encode=lambda c: {"titles": c.titles, "before": c.before},
        decode=lambda v: e.ever(
            *_titles(v),
            before=_check(v, "before", bool, "true or false") if "before" in v else False,
        ),
    )
    reg(
        e._Streak,
        "streak",
        fields=("titles", "n", "fresh_after"),
        required=("titles", "n"),
        encode=lambda c: {"titles": c.titles, "n": c.n, "fresh_after": c.fresh_after},
        decode=lambda v: e.streak(*_titles(v), n=v["n"], fresh_after=v.get("fresh_after")),
    )
    reg(
        e._Consecutive,
        "consecutive",
        fields=("title", "n", "every"),
        required=("title", "n"),
        encode=lambda c: {"title": c.title, "n": c.n, "every": c.every},
        decode=lambda v: e.consecutive(v["title"], n=v["n"], every=v.get("every", 1)),
    )
    reg(
        e._InWindow,
        "in_window",
        fields=("condition", "window", "at_least"),
        required=("condition", "window"),
        encode=lambda c: {"condition": c.condition, "window": c.window, "at_least": c.at_least},
        decode=lambda v: (
            e.all_in_window(cond(v, "condition"), window=v["window"])
            if v.get("at_least") is None
            else e.count_in_window(cond(v, "condition"), at_least=v["at_least"], window=v["window"])
        ),
    )
    reg(
        e._Compare,
        "compare",
        fields=("value", "op", "threshold"),
        encode=lambda c: {"value": c.value, "op": c.op, "threshold": c.threshold},
        decode=lambda v: _op(v)(value(v), v["threshold"]),
    )
    reg(
        e._MemberShare,
        "member_share",
        fields=("condition", "op", "share"),
        encode=lambda c: {"condition": c.counts.condition, "op": c.op, "share": c.share},
        decode=lambda v: _op(v)(e.members(cond(v, "condition")).share(), v["share"]),
    )
    reg(
        e._VoteShare,
        "vote_share",
        fields=("yes", "of", "op", "share"),
        encode=lambda c: {"yes": c.yes, "of": c.of, "op": c.op, "share": c.share},
        decode=lambda v: _op(v)(e.vote_share(v["yes"], of=v["of"]), v["share"]),
    )

    def named(fn: Callable[[str], Any]) -> Decode:
        return lambda v: fn(v["name"])

    for cls, fn in ((e._Fact, e.fact), (e._Column, e.column), (e._Score, e.score)):
        reg(cls, fn.__name__, fields=("name",), encode=lambda c: {"name": c.name}, decode=named(fn))
    reg(e._Rank, "rank", fields=(), encode=lambda c: {}, decode=lambda v: e.rank())

    def member_count(c: Any) -> dict[str, Any]:
        if c.kind != "count":  # a share is only ever compared, as member_share
            raise RuleTypeError(f"{c!r} is written as part of a comparison (member_share)")
        return {"condition": c.condition}

    reg(
        e._MemberCounts,
        "member_count",
        fields=("condition",),
        encode=member_count,
        decode=lambda v: e.members(cond(v, "condition")).count(),
    )


def _merge_encode(m: rot_changes.Merge) -> dict[str, Any]:
    return {
        "absorbed": m.absorbed,
        "into": m.into,
        "period": m.period,
        "partners": m.partners,
        "date": m.date,
        "note": m.note,
        "published": m.published,
    }


def _merge_decode(v: Mapping[str, Any]) -> rot_changes.Merge:
    published = v.get("published", ())
    if published:
        if v.get("absorbed") or v.get("partners"):
            raise RuleError(
                "a published merger (published=[...]) is resolved by the rotation: leave "
                "absorbed and partners empty"
            )
        parts = _titles(v, "published")
        if not all(
            isinstance(p, str) and not any(sep in p for sep in ("+", "->", "→")) for p in parts
        ):
            raise RuleTypeError(f"published lists unit ids (got {parts!r})")
        text = f"{' + '.join(parts)} -> {v['into']}"
        return rot_changes.Merge.parse(
            text, v.get("period"), date=v.get("date"), note=v.get("note", "")
        )
    return rot_changes.Merge(
        _titles(v, "absorbed"),
        v["into"],
        v.get("period"),
        date=v.get("date"),
        partners=v.get("partners", ()),
        note=v.get("note", ""),
    )


#: The public rule classes, registered under their names (one line per new class).
LIBRARY_RULES: Final[tuple[type, ...]] = (
    scales.Linear, scales.Target, scales.Steps, scales.PiecewiseLinear, scales.MinMax,
    scales.Vector, scales.Sum, scales.ZScore, scales.ByRank,
    scoring.Criterion, scoring.Group, scoring.Bonus, scoring.Penalty, scoring.Scorecard,
    ranking.Key, ranking.HeadToHead, ranking.Lot, ranking.Ranking,
    eligibility.Window,
    awards.Quota, awards.Award, awards.AwardScheme, awards.Amount,
    history.Ordinal, history.Revocation,
    rot_changes.Join, rot_changes.Leave, rot_changes.Rename,
    rot_policies.FixedCycle, rot_policies.BestRanked, rot_policies.Elected,
    rot_policies.Override, rot_policies.ClusterId,
    rot_config.Rotation,
    rulebook.Version, rulebook.RuleBook,
    competition.Competition,
)  # fmt: skip


def _register_library(conv: RuleConverter) -> None:
    for cls in LIBRARY_RULES:
        conv.register_rule(cls)
    conv.register_rule(
        rot_changes.Merge,
        fields=("absorbed", "into", "period", "partners", "date", "note", "published"),
        required=("into",),
        encode=_merge_encode,
        decode=_merge_decode,
    )
    # Panel keeps judge-keyed weights as pairs but is built from a mapping of judge to weight.
    panel = _attrs_codec(judging.Panel, "Panel")

    def panel_encode(p: judging.Panel) -> Mapping[str, Any]:
        out = dict(panel.encode(p))
        if p.weights and isinstance(p.weights[0], tuple):
            out["weights"] = dict(p.weights)
        return out

    hints = {k: h for k, h in panel.hints.items() if k != "weights"}  # written as a dict
    conv._add(attrs.evolve(panel, encode=panel_encode, hints=hints))
    # Dated keeps its values as sorted pairs but is built from a mapping of date to amount.
    conv.register_rule(
        awards.Dated,
        fields=("values",),
        encode=lambda d: {"values": dict(d.values)},
        decode=lambda v: awards.Dated(v["values"]),
    )
    _register_conditions(conv)


# -- results ------------------------------------------------------------------------------


def _results() -> dict[type, str]:
    from .competition import SeasonResult, Verification
    from .eligibility import Verdict
    from .ranking import Standing
    from .rotation import Schedule, Term
    from .scoring import Scores

    return {
        Scores: "Scores",
        Standing: "Standing",
        Verdict: "Verdict",
        awards.Allocation: "Allocation",
        Term: "Term",
        Schedule: "Schedule",
        SeasonResult: "SeasonResult",
        Verification: "Verification",
    }


def _result_data(obj: Any) -> dict[str, Any] | None:
    """A result as ``{"type": ..., "data": obj.to_dict()}``; None for anything else."""
    from .reasons import Reason

    if isinstance(obj, Reason):
        return {"type": "Reason", "data": _finite(obj.to_dict())}
    name = _results().get(type(obj))
    if name is None:
        return None
    return {"type": name, "data": _finite(obj.to_dict())}


def _finite(x: Any) -> Any:
    """Data with infinities and NaN written as rule documents write them (JSON has no such
    numbers): ``{"type": "float", "value": "inf"}``."""
    if isinstance(x, float) and not math.isfinite(x):
        return {"type": "float", "value": repr(x)}
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    return x


def _unfinite(x: Any) -> Any:
    if isinstance(x, dict):
        if set(x) == {"type", "value"} and x["type"] == "float" and x["value"] in _NONFINITE:
            return float(x["value"])
        return {k: _unfinite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_unfinite(v) for v in x]
    return x


_NONFINITE = ("inf", "-inf", "nan")


def _result_from(doc: dict[str, Any]) -> Any:
    """What a result document gives back: a :class:`~emulation_rules.Reason` for a
    reason, else the result's plain data (a result is a report of one evaluation; it is
    not rebuilt without its tables)."""
    from .reasons import Reason

    extra = sorted(set(doc) - {"format", "schema_version", "result"})
    if extra:
        raise SerializationError(
            f"unknown field {extra[0]!r} (a results file has 'format', 'schema_version' and "
            "'result')",
            _key("$", extra[0]),
        )
    if doc.get("format") != FORMAT:
        raise SerializationError(
            f"not an emulation_rules file: 'format' is {doc.get('format')!r}, expected {FORMAT!r}",
            "$.format",
        )
    version = doc.get("schema_version")
    if type(version) is not int or not 1 <= version <= SCHEMA_VERSION:
        raise SerializationError(
            f"schema_version {version!r} is not one this library reads (1 to {SCHEMA_VERSION})",
            "$.schema_version",
        )
    result = doc["result"]
    known = {*_results().values(), "Reason"}
    if not isinstance(result, dict) or result.get("type") not in known or "data" not in result:
        raise SerializationError(
            f"a result is {{'type': one of {sorted(known)}, 'data': ...}} (got {result!r:.80})",
            "$.result",
        )
    data = _unfinite(result["data"])
    if result["type"] == "Reason":
        try:
            return Reason.from_dict(data)
        except EmulationRulesError as exc:
            raise SerializationError(str(exc), "$.result.data") from exc
    return data


# -- the functions ----------------------------------------------------------------------

#: The converter :func:`dumps` and :func:`loads` use; register your own types on it.
converter: Final = RuleConverter()


def _refuse_constant(name: str) -> Any:
    raise SerializationError(
        f'{name} is not JSON; write infinities and NaN as {{"type": "float", "value": "inf"}}', "$"
    )


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise SerializationError(f"the key {k!r} appears twice in one object", "$")
        out[k] = v
    return out


def dumps(obj: Any, *, indent: int | None = 2, converter: RuleConverter | None = None) -> str:
    """``obj`` (a rule object, or tuples/dicts of them) as a JSON rules document.

    A result (``Scores``, ``Standing``, ``Verdict``, ``Allocation``, a rotation
    ``Term`` or ``Schedule``, a ``SeasonResult``, a ``Verification``) is written as
    ``{"result": {"type": ..., "data": result.to_dict()}}``: its numbers and its
    reasons as data (codes, rules, values, units; see ``docs/reasons.md``), for an
    application to show in its own words. :func:`loads` gives a result's data back
    as plain data, and a :class:`~emulation_rules.Reason` as a ``Reason``.

    >>> import emulation_rules as er
    >>> print(er.dumps(er.Lot(2024)))
    {
      "format": "emulation_rules",
      "schema_version": 1,
      "rule": {
        "type": "Lot",
        "seed": 2024
      }
    }
    """
    conv = _converter(converter)
    return json.dumps(conv.document(obj), ensure_ascii=False, indent=indent, allow_nan=False)


def loads(text: str | bytes, *, converter: RuleConverter | None = None) -> Any:
    """The rule object of a JSON rules document (from :func:`dumps`), validated.

    Raises :class:`~emulation_rules.SerializationError` (a ``DataError``) with
    the JSON path of the first offending value.

    >>> import emulation_rules as er
    >>> er.loads('{"format": "emulation_rules", "schema_version": 1, "rule": {"type": "Lot", "seed": 7}}')
    Lot(seed=7)
    >>> er.loads('{"format": "emulation_rules", "schema_version": 1, "rule": {"type": "Lott", "seed": 7}}')
    Traceback (most recent call last):
    ...
    emulation_rules.errors.SerializationError: $.rule.type: unknown type 'Lott'; did you mean 'Lot'? ...
    """
    conv = _converter(converter)
    if not isinstance(text, str | bytes | bytearray):
        raise SerializationError(f"loads takes the JSON text (got a {type(text).__name__})", "$")
    if not isinstance(text, str):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SerializationError(f"not UTF-8 text: {exc}", "$") from exc
    # Editors on Windows start UTF-8 files with a byte-order mark; it is not content.
    text = text.removeprefix("\ufeff")
    try:
        doc = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise SerializationError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", "$"
        ) from exc
    except RecursionError as exc:
        raise SerializationError("the JSON is nested too deeply to be a rules file", "$") from exc
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise SerializationError(f"not a JSON value this library reads: {exc}", "$") from exc
    try:
        return conv.from_document(doc)
    except RecursionError as exc:
        raise SerializationError("the rules are nested too deeply to be read", "$") from exc


def dump(obj: Any, path: str | Path, *, converter: RuleConverter | None = None) -> None:
    """Write ``obj`` to the file ``path`` as a JSON rules document (UTF-8)."""
    Path(path).write_text(dumps(obj, converter=converter) + "\n", encoding="utf-8")


def load(path: str | Path, *, converter: RuleConverter | None = None) -> Any:
    """The rule object saved in the file ``path`` (by :func:`dump`), validated."""
    return loads(Path(path).read_bytes(), converter=converter)


def schema(*, converter: RuleConverter | None = None) -> dict[str, Any]:
    """The JSON Schema of rules documents (shipped as ``docs/rules.schema.json``).

    >>> import emulation_rules as er
    >>> s = er.schema()
    >>> s["properties"]["schema_version"], "Criterion" in s["$defs"]
    ({'const': 1}, True)
    """
    return _converter(converter).schema()


def _converter(conv: RuleConverter | None) -> RuleConverter:
    if conv is None:
        return converter
    if not isinstance(conv, RuleConverter):
        raise RuleTypeError(f"converter is a RuleConverter (got {conv!r})")
    return conv


if __name__ == "__main__":  # pragma: no cover - the schema file is regenerated by hand
    import sys

    text = json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
