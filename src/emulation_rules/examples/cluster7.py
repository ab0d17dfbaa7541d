"""The founding scenario: Emulation Cluster No. 7 of the Ministry of Public Security, 2023.

Facts (public, cited in ``docs/sources.md``): the seven provincial
police forces of the cluster, its 2023 leader (Khánh Hòa) and the hand-over
to Bình Thuận for 2024; cluster-wide 2023 results -- 3,264 social-order
crimes solved (clearance rate 86.2 %), 95.6 % for very serious and especially
serious cases, 1,252 drug cases, 144 corruption, economic and position-related
cases prosecuted -- and the targets these rates are measured against (75 %,
set by the National Assembly; 90 % for very serious cases, believed).

**The per-province numbers are illustrative.** No province's score is public.
The counts below were chosen so that they add up to the published cluster
totals; the rates, the assessments and the points table itself are invented
for the example. The cluster's real scoring table was not public either.

Examples
--------
>>> from emulation_rules.examples import cluster7
>>> scores = cluster7.scorecard().score(cluster7.table())
>>> int(cluster7.table()["solved_cases"].sum()), int(cluster7.table()["drug_cases"].sum())
(3264, 1252)
>>> scores.units[int(scores.total.argmax())]
'Khánh Hòa'
"""

from __future__ import annotations

from ..awards import Award, AwardScheme, Quota
from ..competition import Competition
from ..eligibility import rank
from ..ranking import Lot, Ranking, asc, desc
from ..rotation import BestRanked, ClusterId, Override, Rotation
from ..scoring import Scorecard
from ..table import ScoreTable

__all__ = [
    "CLUSTER",
    "MEMBERS",
    "competition",
    "flags",
    "ranking",
    "rotation",
    "scorecard",
    "table",
]

CLUSTER = "Cụm thi đua số 7 - Bộ Công an"
MOVEMENT = "Vì an ninh Tổ quốc"
YEAR = 2023
LEADER = "Khánh Hòa"
NEXT_LEADER = "Bình Thuận"

#: The members in the order the public report lists them.
MEMBERS = (
    "Quảng Nam",
    "Quảng Ngãi",
    "Bình Định",
    "Phú Yên",
    "Khánh Hòa",
    "Ninh Thuận",
    "Bình Thuận",
)

# Illustrative per-province figures; the counts add up to the published totals.
# Quảng Nam and Bình Thuận were made to tie on total points, so that the demo shows
# the tie-break chain at work.
_DATA = {
    # solved, rate, serious, drugs, corruption, movement, training, initiatives, violations, votes
    "Quảng Nam": (520, 0.852, 0.951, 210, 24, 9.00, 0.93, 2, 0, 1),
    "Quảng Ngãi": (430, 0.871, 0.962, 160, 18, 8.50, 0.88, 1, 1, 0),
    "Bình Định": (610, 0.858, 0.948, 230, 26, 9.25, 0.95, 3, 0, 1),
    "Phú Yên": (330, 0.836, 0.910, 120, 14, 8.00, 0.84, 0, 2, 0),
    "Khánh Hòa": (640, 0.902, 0.981, 260, 28, 9.50, 0.97, 4, 0, 4),
    "Ninh Thuận": (250, 0.842, 0.940, 95, 11, 8.25, 0.86, 1, 1, 0),
    "Bình Thuận": (484, 0.873, 0.965, 177, 23, 9.25, 0.945, 3, 0, 1),
}
_COLUMNS = (
    "solved_cases",
    "clearance_rate",
    "serious_clearance_rate",
    "drug_cases",
    "corruption_cases",
    "movement_score",
    "training_pass_rate",
    "initiatives",
    "violations",
    "votes",
)


def table() -> ScoreTable:
    """The cluster's 2023 score table (illustrative values, real members)."""
    data: dict[str, object] = {"unit": list(MEMBERS)}
    for k, col in enumerate(_COLUMNS):
        data[col] = [_DATA[m][k] for m in MEMBERS]
    return ScoreTable(data)


def scorecard() -> Scorecard:
    """An illustrative 100-point table in the shape clusters use.

    Two groups -- the fight against crime (60 points) and building the force
    (40 points) -- plus bonus points for recognised initiatives and deductions
    for violations, on a grid of 0.25 points.
    """
    # The Vietnamese pack's police-cluster template with its default targets (75 %, 90 %).
    from ..vn.cluster import default_scorecard

    return default_scorecard()


def ranking() -> Ranking:
    """An illustrative tie-break chain for acclaiming the leading unit.

    The order follows the configurable sequence suggested in
    ``docs/sources.md`` (Ministry of Public Security cluster practice; no official
    tie-break rule was found): total points, then the members' secret-ballot votes, then
    fewer deduction points, then the points of the key criterion group, then a
    lot seeded with the cluster and the year.
    """
    return Ranking(
        desc("total"),
        desc("votes"),
        asc("penalty"),
        desc("đấu tranh phòng chống tội phạm"),
        Lot(seed=f"{CLUSTER} / {YEAR}"),
    )


def flags() -> AwardScheme:
    """The cluster's flag proposals (illustrative quotas).

    The Government flag goes to collectives that lead their cluster (Law
    06/2022 Art. 25(1)); that a cluster proposes its acclaimed leading unit is
    practice read from reports [I], so the scheme proposes the unit ranked
    first. Ministry flags: reports show about half of the remaining members
    receiving one (Cụm 8, 2020: 1 Government flag and 3 ministry flags for 8
    members); the exact MPS quota is not public [U], so the share here is an
    illustrative parameter. One achievement, one form: the Government flag's
    recipient is not also proposed for the ministry flag.
    """
    return AwardScheme(
        [
            Award(
                "Cờ thi đua của Chính phủ",
                rank() == 1,
                quota=Quota(1),
                ranking=ranking(),
                level=2,
                source="Law 06/2022 Art. 25(1); leading unit of the cluster [I]",
            ),
            Award(
                "Cờ thi đua của Bộ Công an",
                quota=Quota(share=0.5, of="eligible", rounding="floor"),
                ranking=ranking(),
                level=1,
                source="Law 06/2022 Art. 26; share illustrative [U]",
            ),
        ],
        exclusive=[("Cờ thi đua của Chính phủ", "Cờ thi đua của Bộ Công an")],
    )


def rotation() -> Rotation:
    """Leader rotation from 2024 (illustrative policy, public hand-over).

    No rotation rule of the cluster is on record (``vn-emulation-law.md`` B.3
    [U]); the policy here -- the best-ranked member of the previous year's
    standing that did not lead that year -- is illustrative. The hand-over to
    Bình Thuận decided at the 2023 year-end review is public record, so it is
    an override: the schedule reports what the policy alone would have given,
    what happened, and why they differ.
    """
    return Rotation(
        MEMBERS,
        BestRanked(),
        since=YEAR + 1,
        cooldown=1,
        led_before={LEADER: [YEAR]},
        cluster=ClusterId("Bộ Công an", 7),
        overrides=[
            Override(
                YEAR + 1, leader=NEXT_LEADER, reason=f"handed over at the {YEAR} year-end review"
            )
        ],
    )


def competition() -> Competition:
    """The cluster's rules wired into one :class:`~emulation_rules.Competition`.

    Examples
    --------
    >>> from emulation_rules.examples import cluster7
    >>> season = cluster7.competition().run(2023, cluster7.table())
    >>> season.awarded("Cờ thi đua của Chính phủ"), season.term.leader
    (('Khánh Hòa',), 'Bình Thuận')
    """
    return Competition(
        CLUSTER,
        scorecard=scorecard(),
        ranking=ranking(),
        awards=flags(),
        rotation=rotation(),
    )
