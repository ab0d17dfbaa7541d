"""emulation_rules: competition-rule engines, vectorized and explainable.

Describe a competition's rules as small immutable objects -- a points table,
a ranking with its tie-breakers, awards with quotas, a leader rotation -- and
evaluate them with numpy on score sets of any size, from the seven provinces
of an emulation cluster to millions of simulated scenarios.

>>> import emulation_rules as er
>>> table = er.ScoreTable({"unit": ["A", "B"], "rate": [0.8, 0.7]})
>>> er.Scorecard([er.Criterion("rate", 10, scale=er.Target(0.75))]).score(table).total
array([10.  ,  9.33])
"""

from .awards import Allocation, Amount, Award, AwardScheme, Dated, Quota, cascade
from .eligibility import (
    Condition,
    Context,
    Verdict,
    Window,
    all_in_window,
    all_of,
    any_of,
    column,
    consecutive,
    count_in_window,
    ever,
    fact,
    holds,
    members,
    no_member,
    not_,
    rank,
    score,
    streak,
    vote_share,
)
from .errors import (
    DataError,
    DataTypeError,
    EmulationRulesError,
    MissingValueError,
    RuleError,
    RuleTypeError,
    UnknownNameError,
)
from .history import History, Ordinal, Revocation
from .judging import JudgeDeviation, Panel, PanelResult
from .ranking import Cut, HeadToHead, Key, Lot, Ranking, Standing, asc, desc
from .scales import (
    ByRank,
    Linear,
    MinMax,
    PiecewiseLinear,
    Scale,
    Steps,
    Sum,
    Target,
    Vector,
    ZScore,
)
from .scoring import Bonus, Criterion, Group, Penalty, Scorecard, ScoreExplanation, Scores
from .table import Pairwise, ScoreTable

__version__ = "0.1.0"

__all__ = [
    "Allocation",
    "Amount",
    "Award",
    "AwardScheme",
    "Bonus",
    "ByRank",
    "Condition",
    "Context",
    "Criterion",
    "Cut",
    "DataError",
    "DataTypeError",
    "Dated",
    "EmulationRulesError",
    "Group",
    "HeadToHead",
    "History",
    "JudgeDeviation",
    "Key",
    "Linear",
    "Lot",
    "MinMax",
    "MissingValueError",
    "Ordinal",
    "Pairwise",
    "Panel",
    "PanelResult",
    "Penalty",
    "PiecewiseLinear",
    "Quota",
    "Ranking",
    "Revocation",
    "RuleError",
    "RuleTypeError",
    "Scale",
    "ScoreExplanation",
    "ScoreTable",
    "Scorecard",
    "Scores",
    "Standing",
    "Steps",
    "Sum",
    "Target",
    "UnknownNameError",
    "Vector",
    "Verdict",
    "Window",
    "ZScore",
    "all_in_window",
    "all_of",
    "any_of",
    "asc",
    "cascade",
    "column",
    "consecutive",
    "count_in_window",
    "desc",
    "ever",
    "fact",
    "holds",
    "members",
    "no_member",
    "not_",
    "rank",
    "score",
    "streak",
    "vote_share",
]
