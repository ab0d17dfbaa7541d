"""``er.dumps``/``er.loads``/``er.dump``/``er.load``/``er.schema`` without importing cattrs
until they are called: the core library imports without the ``json`` extra."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .serialize import RuleConverter


def _impl() -> ModuleType:
    from . import serialize  # raises the "pip install 'emulation_rules[json]'" message

    return serialize


def dumps(obj: Any, *, indent: int | None = 2, converter: RuleConverter | None = None) -> str:
    """``obj`` as a JSON rules document; see :func:`emulation_rules.serialize.dumps`.

    >>> import emulation_rules as er
    >>> er.loads(er.dumps(er.Key("total", True))) == er.desc("total")
    True
    """
    out: str = _impl().dumps(obj, indent=indent, converter=converter)
    return out


def loads(text: str | bytes, *, converter: RuleConverter | None = None) -> Any:
    """The rule object of a JSON rules document; see :func:`emulation_rules.serialize.loads`."""
    return _impl().loads(text, converter=converter)


def dump(obj: Any, path: str | Path, *, converter: RuleConverter | None = None) -> None:
    """Write ``obj`` to the file ``path``; see :func:`emulation_rules.serialize.dump`."""
    _impl().dump(obj, path, converter=converter)


def load(path: str | Path, *, converter: RuleConverter | None = None) -> Any:
    """The rule object saved in ``path``; see :func:`emulation_rules.serialize.load`."""
    return _impl().load(path, converter=converter)


def schema(*, converter: RuleConverter | None = None) -> dict[str, Any]:
    """The JSON Schema of rules documents; see :func:`emulation_rules.serialize.schema`."""
    out: dict[str, Any] = _impl().schema(converter=converter)
    return out
