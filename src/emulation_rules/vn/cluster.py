"""The police emulation cluster: a template, and the Cluster 7 season of 2023.

Provincial police forces are grouped by the Ministry of Public Security (Bộ Công
an) into emulation clusters (*cụm thi đua*) of the "Vì an ninh Tổ quốc" (For
National Security) movement. Each year a cluster agrees its scores, acclaims
its leading unit (*suy tôn đơn vị dẫn đầu*), proposes the Government flag and
the Ministry's flags, and hands the leader role on (``vn-emulation-law.md``
B.3). :func:`police_cluster` builds those rules for any cluster:

* rate-vs-target criteria: the social-order clearance rate against the
  National Assembly's 75 % target, very serious and especially serious cases
  against 90 % (both parameters: the resolution's number was not read [U], the
  90 % is inferred [I]);
* the leading unit (rank 1 of the cluster's standing, meeting the targets)
  proposed for the Government flag -- practice read from reports [I], Law
  06/2022 Art. 25(1);
* Ministry flags for a share of the other members that meet the targets [U];
* leader/deputy rotation (:class:`~emulation_rules.Rotation`), with the
  hand-over on record as an override.

:func:`cluster7_2023` is the founding season: its members, leader and
cluster-wide totals are public (:data:`CLUSTER7_2023`); each province's figures
come from :mod:`emulation_rules.examples.cluster7` and are **illustrative**.

Examples
--------
>>> from emulation_rules import vn
>>> c7 = vn.cluster.cluster7_2023()
>>> season = c7.run(vn.cluster.cluster7_table())
>>> season.standing.order[0], season.next_term.leader
('Khánh Hòa', 'Bình Thuận')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import Any

import attrs

from .. import _exact
from ..awards import Allocation, Award, AwardScheme, Quota
from ..eligibility import Condition, Context, column, rank
from ..errors import RuleError, RuleTypeError
from ..ranking import Lot, Ranking, Standing, asc, desc
from ..rotation import BestRanked, ClusterId, Override, Rotation, Term
from ..rotation.policies import Policy
from ..scales import Linear, MinMax, Target
from ..scoring import Bonus, Criterion, Group, Penalty, Scorecard, Scores
from ..table import ScoreTable

__all__ = [
    "CLUSTER7_2023",
    "MOVEMENT",
    "PoliceCluster",
    "Season",
    "SeasonFacts",
    "cluster7_2023",
    "cluster7_table",
    "default_scorecard",
    "police_cluster",
]

MOVEMENT = "Vì an ninh Tổ quốc"
SYSTEM = "Bộ Công an"
GOV_FLAG = "CTĐCP"
MINISTRY_FLAG = "CTĐ_BCA"


@attrs.frozen
class SeasonFacts:
    """The public facts of one cluster season (``cluster7-2023.md``)."""

    cluster: str
    movement: str
    year: int
    members: tuple[str, ...]
    leader: str
    next_leader: str
    review: date
    solved_cases: int
    clearance_rate: Fraction
    serious_clearance_rate: Fraction
    drug_cases: int
    drug_suspects: int
    corruption_cases: int
    source: str


#: Cluster 7 of the Ministry of Public Security, 2023 [V] (one news report of
#: 2023-11-23 citing bocongan.gov.vn; the only source for the totals [U: single source]).
CLUSTER7_2023 = SeasonFacts(
    cluster="Cụm thi đua số 7 - Bộ Công an",
    movement=MOVEMENT,
    year=2023,
    members=(
        "Quảng Nam",
        "Quảng Ngãi",
        "Bình Định",
        "Phú Yên",
        "Khánh Hòa",
        "Ninh Thuận",
        "Bình Thuận",
    ),
    leader="Khánh Hòa",
    next_leader="Bình Thuận",
    review=date(2023, 11, 21),
    solved_cases=3264,
    clearance_rate=Fraction("0.862"),
    serious_clearance_rate=Fraction("0.956"),
    drug_cases=1252,
    drug_suspects=2254,
    corruption_cases=144,
    source="Tin Công an nhân dân, 2023-11-23, theo bocongan.gov.vn [V]",
)


def _targets(clearance: Fraction, serious: Fraction) -> Condition:
    return (column("clearance_rate") >= float(clearance)).cite(
        "chỉ tiêu tỷ lệ điều tra khám phá án trật tự xã hội do Quốc hội giao [V]"
    ) & (column("serious_clearance_rate") >= float(serious)).cite(
        "chỉ tiêu tỷ lệ khám phá án rất nghiêm trọng, đặc biệt nghiêm trọng [I]"
    )


def _target(value: object, what: str) -> Fraction:
    return _exact.share(value, what)


@attrs.frozen
class Season:
    """One season of a cluster run through its template: every intermediate kept."""

    year: int
    scores: Scores
    standing: Standing
    meets_targets: tuple[str, ...]
    flags: Allocation
    next_term: Term


@attrs.frozen(repr=False)
class PoliceCluster:
    """The rules of one police emulation cluster for one year (see :func:`police_cluster`)."""

    cluster: ClusterId
    year: int
    members: tuple[str, ...]
    clearance_target: Fraction
    serious_target: Fraction
    scorecard: Scorecard
    ranking: Ranking
    flags: AwardScheme
    rotation: Rotation

    @property
    def targets(self) -> Condition:
        """Both rates at or above their targets (``column`` conditions on the table)."""
        return _targets(self.clearance_target, self.serious_target)

    def run(self, table: ScoreTable) -> Season:
        """Score, rank, propose the flags and name next year's leader and deputy."""
        if not isinstance(table, ScoreTable):
            raise RuleTypeError(f"run takes the cluster's ScoreTable (got {table!r})")
        scores = self.scorecard.score(table)
        standing = self.ranking.rank(scores)
        ctx = Context(self.year, scores=scores, standing=standing, table=table)
        meets = self.targets.evaluate(ctx).eligible
        flags = self.flags.allocate(ctx)
        nxt = self.year + 1
        term = self.rotation.term(nxt, standings={nxt: standing})
        return Season(self.year, scores, standing, meets, flags, term)

    def __repr__(self) -> str:
        return (
            f"<PoliceCluster {self.cluster!r} {self.year}: {len(self.members)} members, "
            f"targets {float(self.clearance_target):.0%} / {float(self.serious_target):.0%}>"
        )


def _pct(x: float) -> str:
    """A target as the tables write it: ``75 %``."""
    return f"{x * 100:g} %"


def default_scorecard(clearance_target: object = 0.75, serious_target: object = 0.90) -> Scorecard:
    """An illustrative 100-point table in the shape clusters use (no MPS table is public [U]).

    Two groups -- the fight against crime (60 points: each rate scored against
    its target, full points at the target or above, ``Target``) and building
    the force (40 points) -- plus bonus points for recognised initiatives and
    deductions for violations, on a grid of 0.25 points. The Cluster 7 example
    (:func:`emulation_rules.examples.cluster7.scorecard`) is this table with its
    default targets.
    """
    c = float(_target(clearance_target, "clearance_target"))
    s = float(_target(serious_target, "serious_target"))
    crime = Group(
        "đấu tranh phòng chống tội phạm",
        [
            Criterion(
                "clearance_rate",
                25,
                scale=Target(c),
                label=f"tỷ lệ điều tra khám phá án trật tự xã hội (chỉ tiêu {_pct(c)})",
            ),
            Criterion(
                "serious_clearance_rate",
                15,
                scale=Target(s, zero_at=min(c, s)),
                label=f"án rất nghiêm trọng, đặc biệt nghiêm trọng (chỉ tiêu {_pct(s)})",
            ),
            Criterion("drug_cases", 10, scale=MinMax(), label="số vụ ma túy phát hiện"),
            Criterion(
                "corruption_cases", 10, scale=Linear(0, 30), label="án tham nhũng, kinh tế, chức vụ"
            ),
        ],
        cap=60,
    )
    force = Group(
        "xây dựng lực lượng",
        [
            Criterion(
                "movement_score",
                20,
                scale=Linear(5, 10),
                label="phong trào thi đua (điểm đánh giá 0-10)",
            ),
            Criterion(
                "training_pass_rate",
                20,
                scale=Linear(0.6, 1.0),
                label="tỷ lệ đạt yêu cầu huấn luyện",
            ),
        ],
        cap=40,
    )
    return Scorecard(
        [
            crime,
            force,
            Bonus("initiatives", 0.5, cap=2, label="sáng kiến được công nhận"),
            Penalty("violations", 1, cap=5, label="vi phạm điều lệnh, kỷ luật"),
        ],
        resolution=0.25,
    )


def police_cluster(
    number: int,
    members: Sequence[str],
    *,
    year: int,
    clearance_target: object = 0.75,
    serious_target: object = 0.90,
    ministry_flag_share: object = 0.5,
    gov_flags: int = 1,
    scorecard: Scorecard | None = None,
    ranking: Ranking | None = None,
    policy: Policy | None = None,
    leader: str | None = None,
    next_leader: str | None = None,
    next_deputy: str | None = None,
    handover: str = "",
    cooldown: int = 1,
    deputy_succeeds: bool = False,
) -> PoliceCluster:
    """The rules of a police emulation cluster of the "Vì an ninh Tổ quốc" movement.

    Parameters
    ----------
    number, members, year
        The cluster's identity is (system, number, year): membership is a
        per-year fact (clusters were re-formed in 2024 and 2025).
    clearance_target
        Target for the social-order clearance rate. [V derived] 75 %: the
        2024 Government report's 83.48 % was "8.48 points above the National
        Assembly's target"; the resolution's number was not read [U].
    serious_target
        Target for very serious and especially serious cases. [I] 90 %: a
        90.63 % result was reported as above the target.
    ministry_flag_share
        Ministry flags (Cờ thi đua của Bộ Công an) for this share of the
        members other than the leading unit, rounded down, among those meeting
        the targets. [U] The MPS quota is not public; reports show about half
        (Cụm 8, 2020: 8 members, 1 Government flag, 3 Ministry flags).
    gov_flags
        Government-flag proposals per cluster. [I] One, the leading unit.
    scorecard, ranking
        The points table and the tie-break chain of the leading unit (the MPS
        table and its tie-breaks are not public [U]; defaults are the
        illustrative :func:`default_scorecard` and total -> votes -> fewer deductions
        -> crime-fighting points -> a lot seeded with the cluster and year).
    policy, cooldown, deputy_succeeds
        How next year's leader and deputy are chosen (elected by the members
        in 2017, assigned by the Ministry in 2024; whether the deputy succeeds
        and repeats are not stated [U]). Default: the best-ranked member that
        did not lead this year.
    leader
        This year's leader (it led ``year``).
    next_leader, next_deputy, handover
        The hand-over decided at the year-end review, when on record: an
        :class:`~emulation_rules.Override` of next year's term, with
        ``handover`` as its reason.
    """
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise RuleError(f"the cluster number is a whole number >= 1 (got {number!r})")
    if isinstance(year, bool) or not isinstance(year, int):
        raise RuleTypeError(f"year is a whole number (got {year!r})")
    members = tuple(members)
    c, s = _target(clearance_target, "clearance_target"), _target(serious_target, "serious_target")
    share = _target(ministry_flag_share, "ministry_flag_share")
    cid = ClusterId(SYSTEM, number)
    name = f"Cụm thi đua số {number} - {SYSTEM}"
    ranking = ranking or Ranking(
        desc("total"),
        desc("votes"),
        asc("penalty"),
        desc("đấu tranh phòng chống tội phạm"),
        Lot(seed=f"{name} / {year}"),
    )
    old = year < 2024  # achievements up to 2023 fall under the Law of 2003 and Decree 91/2017
    gov_src = (
        "Nghị định 91/2017/NĐ-CP, Điều 11 [V-old]"
        if old
        else "Luật 06/2022/QH15, Điều 25 khoản 1 [V]"
    )
    ministry_src = (
        "Nghị định 91/2017/NĐ-CP, Điều 12 (Bộ Công an quy định tiêu chuẩn Cờ thi đua) [V-old]"
        if old
        else "Luật 06/2022/QH15, Điều 26 [V]; tiêu chuẩn do Bộ Công an quy định [U]"
    )
    meets = _targets(c, s)
    flags = AwardScheme(
        [
            Award(
                GOV_FLAG,
                (rank() == 1) & meets,
                quota=Quota(gov_flags, source="một đơn vị dẫn đầu mỗi cụm [I]"),
                ranking=ranking,
                level=2,
                source=f"{gov_src}; đơn vị dẫn đầu cụm được suy tôn [I]",
            ),
            Award(
                MINISTRY_FLAG,
                meets,
                quota=Quota(
                    share=share,
                    of=~(rank() == 1),
                    source="khoảng một nửa số thành viên còn lại (Cụm 8 năm 2020) [U]",
                ),
                ranking=ranking,
                level=1,
                source=ministry_src,
            ),
        ],
        exclusive=[(GOV_FLAG, MINISTRY_FLAG)],
    )
    overrides = []
    if next_leader is not None or next_deputy is not None:
        overrides.append(
            Override(
                year + 1,
                leader=next_leader,
                deputy=next_deputy,
                reason=handover or f"handed over at the {year} year-end review",
            )
        )
    rotation = Rotation(
        members,
        policy if policy is not None else BestRanked(),
        since=year + 1,
        cooldown=cooldown,
        deputy_succeeds=deputy_succeeds,
        led_before={leader: [year]} if leader is not None else None,
        cluster=cid,
        overrides=overrides,
    )
    return PoliceCluster(
        cluster=cid,
        year=year,
        members=members,
        clearance_target=c,
        serious_target=s,
        scorecard=scorecard if scorecard is not None else default_scorecard(c, s),
        ranking=ranking,
        flags=flags,
        rotation=rotation,
    )


def cluster7_2023(**options: Any) -> PoliceCluster:
    """Cluster 7 of the Ministry of Public Security in 2023, from its public facts.

    Members, the 2023 leader Khánh Hòa and the hand-over to Bình Thuận for 2024
    are public (:data:`CLUSTER7_2023`); ``options`` override any other
    parameter of :func:`police_cluster`.
    """
    f = CLUSTER7_2023
    kw: dict[str, Any] = {
        "year": f.year,
        "leader": f.leader,
        "next_leader": f.next_leader,
        "handover": f"handed over at the {f.year} year-end review ({f.review.isoformat()})",
    }
    kw.update(options)
    return police_cluster(7, f.members, **kw)


def cluster7_table() -> ScoreTable:
    """The 2023 score table of Cluster 7: real members, **illustrative** per-province figures
    (their counts add up to the published totals; :mod:`emulation_rules.examples.cluster7`)."""
    from ..examples import cluster7

    return cluster7.table()
