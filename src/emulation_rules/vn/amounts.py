"""Bonus amounts: a multiplier of the base salary in force on the decision date.

Decree 98/2023/NĐ-CP Art. 54 (and Decree 91/2017 Art. 68-69 before it, Decree
152/2025 after it) pays each title a multiple of the base salary (*mức lương cơ
sở*) in force on the date of the decision, rounded to tens of thousands of
đồng -- read as rounding up or to the nearest; the regime's
``amount_rounding`` (from :class:`~emulation_rules.vn.Params`) is the default,
and ``rounding=`` overrides it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from .._names import nfc, unknown
from ..awards import Amount, Award, Dated
from ..errors import DataTypeError, RuleTypeError
from .params import Params
from .regimes import Regime, book

__all__ = ["BASE_SALARY", "amount"]

#: The base salary (mức lương cơ sở), in đồng, each value in force from its date:
#: 1,490,000 from 2019-07-01 (the base of the Decree 91/2017 worked answer), 1,800,000
#: from 2023-07-01 and 2,340,000 from 2024-07-01 [V] (``docs/sources.md``). Earlier
#: values are not encoded: a decision before 2019-07-01 is refused.
BASE_SALARY = Dated(
    {
        date(2019, 7, 1): 1_490_000,
        date(2023, 7, 1): 1_800_000,
        date(2024, 7, 1): 2_340_000,
    }
)


def amount(
    award: str | Award,
    *,
    on: date,
    rounding: Literal["none", "up_10000", "nearest_10000"] | None = None,
    params: Params | None = None,
) -> int:
    """The bonus paid with ``award`` by a decision dated ``on``, in đồng.

    Parameters
    ----------
    award
        A title code (``"TTLĐTT"``) or an :class:`~emulation_rules.Award`.
    on
        The date of the decision: it picks the regime (``by="decision"``) and
        the base salary.
    rounding
        ``"up_10000"``, ``"nearest_10000"`` or ``"none"``; default: the regime's
        (``Params.amount_rounding`` from 2024, ``Params.amount_rounding_old``
        before).

    Examples
    --------
    Tập thể lao động tiên tiến, 0.8 x 2,340,000 = 1,872,000:

    >>> from datetime import date
    >>> from emulation_rules import vn
    >>> vn.amount("TTLĐTT", on=date(2024, 12, 20))
    1880000
    >>> vn.amount("TTLĐTT", on=date(2024, 12, 20), rounding="nearest_10000")
    1870000
    >>> vn.amount("TTLĐTT", on=date(2022, 12, 20))   # Decree 91/2017: to the nearest
    1190000
    """
    if isinstance(on, datetime) or not isinstance(on, date):
        raise DataTypeError(f"on is the date of the decision, e.g. date(2024, 12, 20) (got {on!r})")
    if isinstance(award, Award):
        name = award.name
    elif isinstance(award, str):
        name = nfc(award)
    else:
        raise RuleTypeError(f"award is a title code or an Award (got {award!r})")
    regime: Regime = book(params).at(on, by="decision")
    if name not in regime.multipliers:
        raise unknown(
            "title",
            name,
            sorted(regime.multipliers),
            f"with a bonus multiplier in {regime.amount_source}",
            advice="no multiplier is on record for it in the research; compute it with "
            "emulation_rules.Amount(multiplier, vn.BASE_SALARY)",
        )
    how = regime.amount_rounding if rounding is None else rounding
    return Amount(regime.multipliers[name], BASE_SALARY, rounding=how).on(on)  # type: ignore[arg-type]
