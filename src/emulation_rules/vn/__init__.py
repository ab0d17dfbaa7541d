"""The Vietnamese rule pack: the Law on Emulation and Commendation as dated, cited rules.

``from emulation_rules import vn`` gives

* :func:`rules` / :func:`book`: the regime in force for an achievement period or
  on a decision date -- Law 2003 (amended 2013) with Decree 91/2017 up to 2023,
  Law 06/2022/QH15 with Decree 98/2023/NĐ-CP from 2024-01-01, Decree
  152/2025/NĐ-CP from 2025-07-01 -- as versions of a
  :class:`~emulation_rules.RuleBook`;
* in each :class:`Regime`, one :class:`~emulation_rules.AwardScheme` per level
  (grassroots, ministry/province, national) whose awards cite their articles
  (``award.source``);
* :func:`amount`: bonus amounts, a multiplier of the base salary
  (:data:`BASE_SALARY`) in force on the decision date, rounded as declared;
* :class:`Params`: every point the sources leave open, named, with its default;
* :mod:`~emulation_rules.vn.cluster`: the police "Vì an ninh Tổ quốc" cluster
  template and the Cluster 7 season of 2023;
* :data:`TITLES`, :data:`FACTS`: the Vietnamese names and English glosses.

Examples
--------
>>> from emulation_rules import vn
>>> regime = vn.rules(at=2024)
>>> regime.grassroots.order
('LĐTT', 'CSTĐCS', 'TTLĐXS', 'TTLĐTT')
>>> regime.award("LĐTT").source
'Luật 06/2022/QH15, Điều 24 khoản 1; Thông tư 01/2024/TT-BNV (dưới 6 tháng không xét) [V]'
"""

from __future__ import annotations

from . import cluster
from ._text import (
    DISCIPLINE,
    FACTS,
    LEVELS,
    POSITIONS,
    RATING,
    RATING_NAMES,
    SCOPE,
    TITLES,
    title_name,
)
from .amounts import BASE_SALARY, amount
from .params import Params
from .regimes import LAW_2003, LAW_2022, MULTIPLIERS, Regime, book, history, rules

__all__ = [
    "BASE_SALARY",
    "DISCIPLINE",
    "FACTS",
    "LAW_2003",
    "LAW_2022",
    "LEVELS",
    "MULTIPLIERS",
    "POSITIONS",
    "RATING",
    "RATING_NAMES",
    "SCOPE",
    "TITLES",
    "Params",
    "Regime",
    "amount",
    "book",
    "cluster",
    "history",
    "rules",
    "title_name",
]
