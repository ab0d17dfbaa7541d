"""Reprs that read as the code that builds the object."""

from __future__ import annotations

from typing import Any

import attrs


def code_repr(obj: Any, positional: int = 0) -> str:
    """``Name(a, b, key=value)``: the first ``positional`` fields by position, then
    keyword fields that differ from their defaults."""
    parts: list[str] = []
    for i, f in enumerate(attrs.fields(type(obj))):
        if not f.init or not f.repr:
            continue
        value = getattr(obj, f.name)
        if i < positional and not f.kw_only:
            parts.append(repr(value))
            continue
        default = f.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory(obj) if default.takes_self else default.factory()
        if default is not attrs.NOTHING and value == default:
            continue
        parts.append(f"{f.name}={value!r}")
    return f"{type(obj).__name__}({', '.join(parts)})"
