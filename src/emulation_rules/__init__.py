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

from ._json import dump, dumps, load, loads, schema
from .awards import Allocation, Amount, Award, AwardScheme, Dated, Dependent, Quota, cascade
from .competition import (
    Competition,
    Disagreement,
    SeasonExplanation,
    SeasonResult,
    Verification,
)
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
    OutOfRangeError,
    RuleError,
    RuleTypeError,
    SerializationError,
    UnknownNameError,
)
from .explain import Explanation
from .history import History, Ordinal, Revocation
from .judging import JudgeDeviation, Panel, PanelResult
from .ranking import (
    Cut,
    HeadToHead,
    Key,
    Lot,
    Ranking,
    Standing,
    StandingExplanation,
    asc,
    desc,
)
from .reasons import Reason
from .rotation import (
    BestRanked,
    ClusterId,
    Elected,
    Fairness,
    FixedCycle,
    Handover,
    Join,
    Leave,
    Merge,
    Move,
    Override,
    Record,
    Rename,
    Rotation,
    Schedule,
    Shift,
    Term,
)
from .rulebook import RuleBook, RuleVersion, Version, VersionChangeWarning
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
    "BestRanked",
    "Bonus",
    "ByRank",
    "ClusterId",
    "Competition",
    "Condition",
    "Context",
    "Criterion",
    "Cut",
    "DataError",
    "DataTypeError",
    "Dated",
    "Dependent",
    "Disagreement",
    "Elected",
    "EmulationRulesError",
    "Explanation",
    "Fairness",
    "FixedCycle",
    "Group",
    "Handover",
    "HeadToHead",
    "History",
    "Join",
    "JudgeDeviation",
    "Key",
    "Leave",
    "Linear",
    "Lot",
    "Merge",
    "MinMax",
    "MissingValueError",
    "Move",
    "Ordinal",
    "OutOfRangeError",
    "Override",
    "Pairwise",
    "Panel",
    "PanelResult",
    "Penalty",
    "PiecewiseLinear",
    "Quota",
    "Ranking",
    "Reason",
    "Record",
    "Rename",
    "Revocation",
    "Rotation",
    "RuleBook",
    "RuleError",
    "RuleTypeError",
    "RuleVersion",
    "Scale",
    "Schedule",
    "ScoreExplanation",
    "ScoreTable",
    "Scorecard",
    "Scores",
    "SeasonExplanation",
    "SeasonResult",
    "SerializationError",
    "Shift",
    "Standing",
    "StandingExplanation",
    "Steps",
    "Sum",
    "Target",
    "Term",
    "UnknownNameError",
    "Vector",
    "Verdict",
    "Verification",
    "Version",
    "VersionChangeWarning",
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
    "dump",
    "dumps",
    "ever",
    "fact",
    "holds",
    "load",
    "loads",
    "members",
    "no_member",
    "not_",
    "rank",
    "schema",
    "score",
    "streak",
    "vote_share",
]


def __getattr__(name: str) -> object:
    # The Vietnamese rule pack is imported on first use, so `import emulation_rules`
    # stays cheap for users who never need it; `from emulation_rules import vn` works too.
    if name == "vn":
        import importlib

        return importlib.import_module(".vn", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
