"""Who may lead, by what rule: the policies (:class:`FixedCycle`, :class:`BestRanked`,
:class:`Elected`), the decisions that set them aside (:class:`Override`), and a cluster's
identity (:class:`ClusterId`)."""

from __future__ import annotations

from typing import TypeAlias

import attrs

from ..errors import RuleError, RuleTypeError
from ..ranking import Ranking, desc
from ._checks import _call, _id, _text, _whole


@attrs.frozen(repr=False, init=False)
class Override:
    """The leader and/or deputy of one period, set outside the policy, with the reason.

    Use it for a decision on record: an assignment by a higher authority, or
    an election whose votes are not known. The policy's own choice stays on
    record as the base holder. An override is applied even to a member in its
    cooldown or one that fails the eligibility condition; the explanation
    then says what it sets aside ("overrides the cooldown (led in 2023,
    cooldown 1)").

    Examples
    --------
    >>> Override(2024, leader="Quảng Trị", deputy="Thừa Thiên Huế",
    ...          reason="assigned by the Ministry of Public Security")
    Override(2024, leader='Quảng Trị', deputy='Thừa Thiên Huế', reason='assigned by the Ministry of Public Security')
    """

    period: int
    leader: str | None
    deputy: str | None
    reason: str
    source: str

    def __init__(
        self,
        period: int,
        *,
        leader: str | None = None,
        deputy: str | None = None,
        reason: str,
        source: str = "",
    ) -> None:
        p = _whole(period, "Override period")
        lead = None if leader is None else _id(leader, "Override leader")
        dep = None if deputy is None else _id(deputy, "Override deputy")
        if lead is None and dep is None:
            raise RuleError(f"Override({p}) sets nobody; give leader=..., deputy=... or both")
        if lead is not None and lead == dep:
            raise RuleError(
                f"Override({p}) names {lead!r} as both leader and deputy; the deputy is another "
                "member"
            )
        self.__attrs_init__(
            p,
            lead,
            dep,
            _text(reason, "reason of the override", required=True),
            _text(source, "source"),
        )

    def __repr__(self) -> str:
        return _call(
            "Override",
            [repr(self.period)],
            leader=self.leader,
            deputy=self.deputy,
            reason=self.reason,
            source=self.source,
        )


def _system(value: object) -> str:
    return _text(value, "cluster system", required=True)


@attrs.frozen(repr=False)
class ClusterId:
    """A cluster's identity across years: the system it belongs to and its number.

    Cluster numbers are reused across systems, and membership changes from
    year to year; the identity is what stays.

    Examples
    --------
    >>> ClusterId("Bộ Công an", 7)
    ClusterId('Bộ Công an', 7)
    >>> print(ClusterId("Bộ Công an", 7))
    Bộ Công an, cluster 7
    """

    system: str = attrs.field(converter=_system)
    number: int | str = attrs.field()

    @number.validator
    def _check(self, _: object, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise RuleTypeError(f"a cluster number is a whole number or a text (got {value!r})")

    def __str__(self) -> str:
        return f"{self.system}, cluster {self.number}"

    def __repr__(self) -> str:
        return f"ClusterId({self.system!r}, {self.number!r})"


@attrs.frozen(repr=False, init=False)
class FixedCycle:
    """Take turns in a fixed order, anchored by who leads in one period.

    The order is the order in which the rotation lists its members -- the one
    place where listing order matters. In the anchor period the anchor holds
    the turn; the turn then passes to the next member each period, wrapping
    round. Members who join say where they go (:class:`Join`), so that a
    change of membership never moves anyone's turn silently. The deputy is
    the next in the cycle.

    Parameters
    ----------
    period
        The anchor period.
    holder
        The member that holds the turn in the anchor period; it must be a
        member when the rotation starts.

    Examples
    --------
    >>> FixedCycle(2023, "Khánh Hòa")
    FixedCycle(2023, 'Khánh Hòa')
    """

    period: int
    holder: str

    def __init__(self, period: int, holder: str) -> None:
        self.__attrs_init__(_whole(period, "FixedCycle period"), _id(holder, "FixedCycle holder"))

    def __repr__(self) -> str:
        return f"FixedCycle({self.period!r}, {self.holder!r})"


@attrs.frozen(repr=False)
class BestRanked:
    """The best-ranked member of the standing given for the period.

    :meth:`Rotation.schedule` takes ``standings={period: standing}``: the
    standing each period's leader is chosen from (usually the previous
    year's review: the 2023 standing chooses the 2024 leader, so it is given
    as ``{2024: standing_2023}``). Members skipped by the cooldown or the
    eligibility condition give way to the next in the standing; the deputy
    is the best-ranked after the leader. Units of the standing that are not
    members that period are passed over; a member missing from it is an
    error. A tie in the standing that decides the holder is an error: end
    the ranking with a :class:`~emulation_rules.Lot`.

    Examples
    --------
    >>> BestRanked()
    BestRanked()
    """

    def __repr__(self) -> str:
        return "BestRanked()"


def _votes_ranking() -> Ranking:
    return Ranking(desc("votes"))


def _check_ranking(_: object, __: object, value: object) -> None:
    if not isinstance(value, Ranking):
        raise RuleTypeError(
            f"Elected takes a Ranking over the votes table, e.g. Ranking(desc('votes'), "
            f"Lot(seed='cluster 7 / 2024')) (got {value!r})"
        )


@attrs.frozen(repr=False)
class Elected:
    """The member with the most votes, ties broken by a ranking's chain.

    :meth:`Rotation.schedule` takes ``votes={period: ...}``: for each period,
    the votes cast for its leader -- a mapping of member to votes (members
    without votes have 0), or a :class:`~emulation_rules.ScoreTable` of the
    members with a ``votes`` column and any columns the tie-break chain uses.
    The table is ranked with ``ranking``; the deputy is the runner-up. Ties
    are never settled by the order in which members are listed: a tie the
    chain leaves at the top is an error, so end it with a
    :class:`~emulation_rules.Lot`.

    Examples
    --------
    >>> from emulation_rules import Lot
    >>> Elected(Ranking(desc("votes"), Lot(seed="Cụm 5 / 2017")))
    Elected(Ranking(desc('votes'), Lot(seed='Cụm 5 / 2017')))
    """

    ranking: Ranking = attrs.field(factory=_votes_ranking, validator=_check_ranking)

    def __repr__(self) -> str:
        return "Elected()" if self.ranking == _votes_ranking() else f"Elected({self.ranking!r})"


Policy: TypeAlias = FixedCycle | BestRanked | Elected
