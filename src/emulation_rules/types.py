"""Array aliases used in the public signatures."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "BoolArray",
    "ColumnKind",
    "FloatArray",
    "IntArray",
    "RoundingMode",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
AnyArray: TypeAlias = npt.NDArray[Any]

#: What a :class:`~emulation_rules.ScoreTable` column holds.
ColumnKind: TypeAlias = Literal["float", "int", "bool", "category"]

#: How a value is rounded to whole ticks of a declared resolution.
RoundingMode: TypeAlias = Literal["half_up", "half_even", "down", "up"]
