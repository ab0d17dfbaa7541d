"""Exact numbers for the boundaries that decide something: shares of quotas, votes, members."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from .errors import RuleError, RuleTypeError


def share(value: object, what: str = "a share", *, zero_ok: bool = False) -> Fraction:
    """``value`` as the exact fraction it was written as (``0.15`` is 15/100).

    Shares are compared and multiplied exactly: ``0.7 * 23`` style float
    arithmetic gets boundary cases wrong.
    """
    interval = "[0, 1]" if zero_ok else "(0, 1]"
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction | Decimal):
        raise RuleTypeError(f"{what} is a number in {interval}, e.g. 0.15 (got {value!r})")
    if isinstance(value, float) and not math.isfinite(value):
        raise RuleError(f"{what} must be finite (got {value!r})")
    frac = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    if not (0 <= frac <= 1 if zero_ok else 0 < frac <= 1):
        raise RuleError(f"{what} must be in {interval} (got {value!r}); write 15 % as 0.15")
    return frac


def share_repr(f: Fraction) -> str:
    """The shortest code that gives ``f`` back: ``0.15``, or ``Fraction(1, 3)``."""
    x = float(f)
    return repr(x) if Fraction(repr(x)) == f else f"Fraction({f.numerator}, {f.denominator})"
