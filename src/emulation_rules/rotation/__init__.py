"""Leader rotation: who leads a cluster (and deputises) in each period, and why.

A :class:`Rotation` is the configuration of one cluster over time:

* the members in its first period (``since``) and the dated membership
  changes after it -- :class:`Join`, :class:`Leave`, :class:`Merge` and
  :class:`Rename`;
* a policy that ranks the members for each period -- :class:`FixedCycle`
  (take turns in a given order from an anchor), :class:`BestRanked` (the best
  of a :class:`~emulation_rules.Standing`) or :class:`Elected` (the members'
  votes, ties broken by a :class:`~emulation_rules.Ranking`);
* constraints that compose with any policy -- ``cooldown`` (no one leads
  again within k periods), ``eligible`` (a
  :class:`~emulation_rules.Condition` a leader must pass, e.g. not under
  discipline), ``deputy`` (a deputy is named: the best remaining candidate)
  and ``deputy_succeeds`` (last period's deputy leads);
* overrides: a leader or deputy set by a higher authority or a vote on
  record, with the reason (:class:`Override`).

:meth:`Rotation.schedule` gives, for every period, two answers side by side:

* the **base** holders -- what the policy alone gives, as if no override
  had ever been made;
* the **effective** holders -- what happened: overrides applied, and the
  policy continuing from the leaders and deputies there actually were.

Every difference between the two comes with its reason: the override of that
period, or the earlier override it follows from (a deputy who was assigned
then succeeds; a unit assigned to lead is then in its cooldown). Membership
is a fact both share -- a unit that has left leads in neither -- so what a
membership change does is reported separately, as :class:`Move`: from the
period of the change, each member's next turn with the change and without
it, so that nobody's turn moves silently.

Periods are whole numbers (years). A change takes effect at the start of its
period. A change given only its date counts from the period the date falls
in: the provincial mergers of 2025-07-01 count for the whole of 2025, unless
the change says ``period=2026`` (from the next one).

Decisions, stated once:

* A unit that merges keeps one record: the resulting unit inherits the
  periods led and deputised of every unit it absorbed (for the cooldown
  and for fairness). A renamed unit keeps its record.
* In a cycle, a skipped member (ineligible, or in its cooldown) loses that
  turn; the cycle moves on from whoever led by the cycle. An override does
  not move the cycle: the member whose turn it took loses that turn and
  the others keep theirs.
* A newcomer's place in a cycle is explicit: ``goes="next"`` (it leads at the
  next turn; everyone else's next turn moves one period later) or
  ``goes="last"`` (after every member waiting, so no member's next turn
  moves). A merged unit keeps the place of the resulting unit if that was a
  member, or else takes the earliest coming turn of the units it absorbed.
* Ties are never settled by input order: a tie in a standing or a vote that
  decides who leads is an error that says to end the ranking with a
  :class:`~emulation_rules.Lot`, or to give an override.

Examples
--------
>>> rot = Rotation(
...     ["Quảng Nam", "Bình Định", "Khánh Hòa"],
...     FixedCycle(2023, "Khánh Hòa"),
...     since=2023,
...     cooldown=1,
...     overrides=[Override(2024, leader="Bình Định", reason="elected at the 2023 review")],
... )
>>> s = rot.schedule(2023, 2025)
>>> [(t.period, t.base_leader, t.leader) for t in s]
[(2023, 'Khánh Hòa', 'Khánh Hòa'), (2024, 'Quảng Nam', 'Bình Định'), (2025, 'Bình Định', 'Khánh Hòa')]
>>> print(s.explain())
2023-2025, FixedCycle(2023, 'Khánh Hòa'), cooldown 1
2023: Khánh Hòa leads (anchor of the cycle), Quảng Nam deputises (next in the cycle)
  members: Bình Định, Khánh Hòa, Quảng Nam
2024: Bình Định leads, Khánh Hòa deputises
  policy alone: Quảng Nam leads (turn in the cycle), Bình Định deputises (next in the cycle)
  leader Bình Định instead of Quảng Nam: override (elected at the 2023 review)
  deputy Khánh Hòa instead of Bình Định: next in the cycle; the lead went to Bình Định
2025: Khánh Hòa leads, Quảng Nam deputises
  policy alone: Bình Định leads (turn in the cycle), Khánh Hòa deputises (next in the cycle)
  leader Khánh Hòa instead of Bình Định: turn in the cycle; the policy alone differs because of the override of 2024
  deputy Quảng Nam instead of Khánh Hòa: next in the cycle; the policy alone differs because of the override of 2024
  skipped: Bình Định (led in 2024, cooldown 1)

References
----------
Ministry of Public Security practice: leaders elected at the year-end review
(Cụm 5, 2017 -> 2018) or assigned by the ministry (Cụm 7, 2024); whether the
deputy succeeds, repeats and the order are not stated in any source found
(cited in ``docs/sources.md``).
"""

# The package, file by file: changes (Join, Leave, Merge, Rename and the period a date
# counts from), policies (FixedCycle, BestRanked, Elected, Override, ClusterId), config
# (Rotation and its validation), membership (the one timeline and circle that both
# validation and the play use), candidates, state, engine and moves (the play), results
# (Term, Schedule, Record, Move, Fairness, Handover) and reasons (their wording).

from .changes import Join, Leave, Merge, Rename
from .config import Rotation
from .policies import BestRanked, ClusterId, Elected, FixedCycle, Override
from .results import Fairness, Handover, Move, Record, Schedule, Shift, Term

__all__ = [
    "BestRanked",
    "ClusterId",
    "Elected",
    "Fairness",
    "FixedCycle",
    "Handover",
    "Join",
    "Leave",
    "Merge",
    "Move",
    "Override",
    "Record",
    "Rename",
    "Rotation",
    "Schedule",
    "Shift",
    "Term",
]
