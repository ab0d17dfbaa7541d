"""Explanations: every result says in words, and as plain data, where it came from.

Each result type of the library (:class:`~emulation_rules.Scores`,
:class:`~emulation_rules.Standing`, ...) builds its explanations from the
arrays it computed -- never from a second implementation that could drift --
and returns them as an :class:`Explanation`: ``str()`` gives the words,
:meth:`Explanation.to_dict` the same content as plain dicts, lists, strings and
numbers, ready for JSON or an application's own display.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Explanation"]


class Explanation:
    """Words (``str()``) and plain data (:meth:`to_dict`) for one result."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def to_dict(self) -> dict[str, Any]:
        """The explanation as plain dicts, lists, strings and numbers."""
        return self._data

    def __str__(self) -> str:  # pragma: no cover - every explanation overrides it
        return repr(self._data)
