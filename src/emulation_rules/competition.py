"""One object per cluster: a competition's rules, run season by season.

A :class:`Competition` wires the stages of the pipeline -- an optional judging
:class:`~emulation_rules.Panel`, the :class:`~emulation_rules.Scorecard`, the
:class:`~emulation_rules.Ranking`, the :class:`~emulation_rules.AwardScheme`
and the leader :class:`~emulation_rules.Rotation` -- for one cluster.
:meth:`Competition.run` plays one season and returns a :class:`SeasonResult`
that keeps every intermediate (scores, standing, verdicts, allocation, the next
history, the next leadership term); :meth:`Competition.run_seasons` plays
several, each year's awards feeding the next year's history and rotation.

Nothing here decides anything on its own: every number and every decision
comes from the stage that owns it, and every explanation is read from that
stage's result.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np

from ._checks import expect, require
from ._names import check_ids, listing, nfc, unknown
from .awards import Allocation, AwardScheme
from .eligibility import Context, Verdict
from .errors import DataError, DataTypeError, RuleError, RuleTypeError
from .explain import Explanation
from .history import History, Revocation
from .judging import Panel, PanelResult
from .ranking import Ranking, Standing
from .reasons import num
from .rotation import BestRanked, ClusterId, Elected, Rename, Rotation, Term
from .scoring import Bonus, Criterion, Group, Penalty, Scorecard, Scores
from .table import ScoreTable

__all__ = [
    "Competition",
    "Disagreement",
    "SeasonExplanation",
    "SeasonResult",
    "Verification",
]

Language = Literal["en", "vi"]
Votes = Mapping[str, int] | ScoreTable

# The wording of the season reports. Vietnamese terms follow docs/glossary.md.
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "unit": "unit",
        "rank": "rank",
        "total": "total",
        "points": "points",
        "awards": "awards",
        "leader": "leader",
        "deputy": "deputy",
        "season": "season",
        "place": "place",
        "of": "of",
        "none": "none",
        "leadership": "leadership",
        "no_rotation": "the competition has no rotation",
        "not_yet": "the rotation starts in {since}",
        "leads": "{unit} leads in {period}",
        "deputises": "{unit} deputises in {period}",
        "member": "{unit} is a member in {period}; {leader} leads, deputy {deputy}",
        "tied": "tied with {above}: no step separated them",
        "below": "below {above} by {step}{among}: {value} vs {above_value}{level}",
        "among": " among {n} tied units",
        "level": "; level on {steps}",
        "first": "first",
    },
    "vi": {
        "unit": "đơn vị",
        "rank": "xếp hạng",
        "total": "tổng điểm",
        "points": "điểm",
        "awards": "khen thưởng",
        "leader": "Cụm trưởng",
        "deputy": "Cụm phó",
        "season": "năm",
        "place": "vị trí",
        "of": "trên",
        "none": "không",
        "leadership": "Cụm trưởng, Cụm phó",
        "no_rotation": "cụm không quy định luân phiên Cụm trưởng",
        "not_yet": "luân phiên bắt đầu từ năm {since}",
        "leads": "{unit} là Cụm trưởng năm {period}",
        "deputises": "{unit} là Cụm phó năm {period}",
        "member": "{unit} là thành viên năm {period}; Cụm trưởng {leader}, Cụm phó {deputy}",
        "tied": "bằng {above}: không tiêu chí phụ nào phân định được",
        "below": "xếp sau {above} theo {step}{among}: {value} so với {above_value}{level}",
        "among": " trong {n} đơn vị bằng điểm",
        "level": "; bằng nhau ở {steps}",
        "first": "dẫn đầu",
    },
}


def _language(language: object) -> Language:
    if language == "en":
        return "en"
    if language == "vi":
        return "vi"
    raise RuleError(f"language must be 'en' or 'vi' (got {language!r})")


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise DataTypeError(f"{what} is a whole number, e.g. 2023 (got {value!r})")
    return int(value)


def _num(x: float) -> str:
    # Every digit the value has (a 6-digit "%g" would print 1234564 and 1234561 alike).
    return num(float(x))


def _member_ids(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise RuleTypeError(
            f"Competition members= is a sequence of unit ids (got {type(value).__name__})"
        )
    ids, problems = check_ids(list(value), where="position")
    if problems:
        raise RuleError(
            "Competition members=: " + "; ".join(problems) + "; give each member once, by id"
        )
    if not ids:
        raise RuleError("Competition members= is empty; give the members of the first season")
    return tuple(ids)


# -- the rule object ----------------------------------------------------------------


@attrs.frozen(repr=False)
class Competition:
    """A competition's rules for one cluster, wired end to end.

    Parameters
    ----------
    name
        The competition's name, for reports (e.g. ``"Cụm thi đua số 7"``).
    scorecard, ranking
        The points table and the tie-break chain.
    members
        The member units of the first season. With a ``rotation`` they may be
        left out (the rotation's members are taken); if given, they must be the
        rotation's. Without either, every season's members are the units of
        its table.
    cluster
        The cluster's :class:`~emulation_rules.ClusterId` (taken from the
        rotation if it has one; if both have one they must agree).
    awards
        The :class:`~emulation_rules.AwardScheme` decided every season, or None.
    rotation
        The leader :class:`~emulation_rules.Rotation`, or None. Its
        membership changes (joins, leaves, mergers, renames) are the
        competition's: a season's table must list exactly the members of
        that season, a renamed member keeps its history under its new id,
        and a unit formed by a merger starts with no titles (as
        :class:`~emulation_rules.Context` assesses a unit with no record).
    judging
        A :class:`~emulation_rules.Panel` that turns the judges' sheets
        (``run(..., panel_sheets=...)``) into columns of the season's table.

    Notes
    -----
    Leadership is handed on at the year-end review: the season of period
    ``P`` decides the :class:`~emulation_rules.Term` of ``P + 1`` (for
    :class:`~emulation_rules.BestRanked`, from the standing of ``P``).

    Examples
    --------
    >>> import emulation_rules as er
    >>> comp = er.Competition(
    ...     "Sales 2024",
    ...     scorecard=er.Scorecard([er.Criterion("sales", 10, scale=er.Linear(0, 100))]),
    ...     ranking=er.Ranking(er.desc("total")),
    ...     awards=er.AwardScheme([er.Award("Prize", er.rank() == 1, quota=er.Quota(1))]),
    ... )
    >>> season = comp.run(2024, er.ScoreTable({"unit": ["A", "B"], "sales": [40, 90]}))
    >>> season.awarded("Prize")
    ('B',)
    >>> print(season.explain("A"))
    A, 2024
      points: total 4 points
      place: 2 of 2 (below B by desc('total'): 4 vs 9)
      Prize: failed the condition
          ✗ rank() == 1: 2
    """

    name: str
    scorecard: Scorecard = attrs.field(kw_only=True)
    ranking: Ranking = attrs.field(kw_only=True)
    members: tuple[str, ...] | None = attrs.field(default=None, kw_only=True, converter=_member_ids)
    cluster: ClusterId | None = attrs.field(default=None, kw_only=True)
    awards: AwardScheme | None = attrs.field(default=None, kw_only=True)
    rotation: Rotation | None = attrs.field(default=None, kw_only=True)
    judging: Panel | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise RuleTypeError(f"a Competition needs a name (text) (got {self.name!r})")
        expect(self.scorecard, Scorecard, "scorecard", "Competition")
        expect(self.ranking, Ranking, "ranking", "Competition")
        for name, kind in (
            ("cluster", ClusterId),
            ("awards", AwardScheme),
            ("rotation", Rotation),
            ("judging", Panel),
        ):
            expect(getattr(self, name), (kind, type(None)), name, "Competition")
        rot = self.rotation
        if rot is None:
            return
        if self.members is None:
            object.__setattr__(self, "members", rot.members)
        elif set(self.members) != set(rot.members):
            extra = sorted(set(self.members) - set(rot.members))
            lacking = sorted(set(rot.members) - set(self.members))
            raise RuleError(
                f"Competition {self.name!r}: members= and the rotation's members differ "
                f"(only in members=: {listing(extra) or 'none'}; only in the rotation: "
                f"{listing(lacking) or 'none'}); give the same members, or leave members= out"
            )
        if rot.cluster is not None:
            if self.cluster is None:
                object.__setattr__(self, "cluster", rot.cluster)
            elif self.cluster != rot.cluster:
                raise RuleError(
                    f"Competition {self.name!r}: cluster={self.cluster!r} but the rotation's "
                    f"cluster is {rot.cluster!r}; give one cluster"
                )

    def __repr__(self) -> str:
        opts = [
            f"{k}={getattr(self, k)!r}"
            for k in ("members", "cluster", "awards", "rotation", "judging")
            if getattr(self, k) is not None
        ]
        head = f"{self.name!r}, scorecard={self.scorecard!r}, ranking={self.ranking!r}"
        return f"Competition({', '.join([head, *opts])})"

    # -- membership ---------------------------------------------------------------------

    def members_at(self, period: int) -> tuple[str, ...] | None:
        """The members in ``period`` (sorted by id), or None when the tables decide.

        Before the rotation starts, the members are those it starts with
        (its changes are dated from its start on).

        Examples
        --------
        >>> import emulation_rules as er
        >>> rot = er.Rotation(["A", "B"], er.FixedCycle(2024, "A"), since=2024,
        ...                   changes=[er.Join("C", 2025, goes="last")])
        >>> card = er.Scorecard([er.Criterion("x", 1, scale=er.Linear(0, 1))])
        >>> comp = er.Competition("c", scorecard=card,
        ...                       ranking=er.Ranking(er.desc("total")), rotation=rot)
        >>> comp.members_at(2023), comp.members_at(2025)
        (('A', 'B'), ('A', 'B', 'C'))
        """
        p = _whole(period, "period")
        rot = self.rotation
        if rot is not None and p >= rot.since:
            return rot.members_at(p)
        return None if self.members is None else tuple(sorted(self.members))

    def _renamed_by(self, period: int) -> dict[str, str]:
        """Old id -> the id it has in ``period``, for every rename in force by then."""
        if self.rotation is None:
            return {}
        out: dict[str, str] = {}
        for ch in sorted(
            (c for c in self.rotation.changes if isinstance(c, Rename)), key=lambda c: c.period
        ):
            if ch.period <= period:
                for old, new in list(out.items()):
                    if new == ch.old:
                        out[old] = ch.new
                out[ch.old] = ch.new
        return out

    # -- one season ---------------------------------------------------------------------

    def run(
        self,
        period: int,
        table: ScoreTable,
        *,
        history: History | None = None,
        votes: Votes | None = None,
        panel_sheets: Mapping[str, Any] | None = None,
        earlier: Sequence[SeasonResult] = (),
    ) -> SeasonResult:
        """Play the season of ``period``: judge, score, rank, award, hand the lead on.

        Parameters
        ----------
        period
            The period assessed (the year of the achievement).
        table
            The season's :class:`~emulation_rules.ScoreTable`: one row per
            member of the season (see :meth:`members_at`), no batch axes.
        history
            The titles and facts of earlier periods (up to ``period - 1`` at
            least; records of ``period`` itself, such as ratings, may be in
            it). Without one, the units start with no record.
        votes
            For an :class:`~emulation_rules.Elected` rotation: the votes cast
            for the next period's leader.
        panel_sheets
            With ``judging``: the arguments of
            :meth:`Panel.aggregate <emulation_rules.Panel.aggregate>` --
            ``{"sheets": ..., "judges": [...], "criteria": [...]}`` (``units``
            defaults to the table's). The aggregated criteria become columns
            of the table.
        earlier
            The results of earlier seasons of this competition, oldest first,
            from the rotation's first period on: a rotation replays its
            periods from its start, and a :class:`~emulation_rules.BestRanked`
            rotation chooses each period's leader from the previous standing.

        Returns
        -------
        SeasonResult

        Raises
        ------
        DataError
            The table does not list exactly the season's members; the history
            leaves a gap before ``period``; the judging inputs do not match.
        """
        p = _whole(period, "period")
        expect(table, ScoreTable, "table", "Competition.run", data=True)
        earlier = self._check_earlier(earlier, p)
        members = self.members_at(p)
        panel = self._judge(table, panel_sheets)
        if panel is not None:
            new = panel.to_table()
            clash = sorted(set(new.columns) & set(table.columns))
            if clash:
                raise DataError(
                    f"the judged criteria {listing(clash)} are columns of the table too; "
                    "give each column once (drop it from the table or rename the criterion)"
                )
            # Aligned by id: the panel's units are the table's (checked in _judge).
            order = [new.index(u) for u in table.units]
            table = table.with_columns({c: new[c][order] for c in new.columns})
        units = self._check_units(table, p, members)
        hist = self._history_for(history, p, units)
        scores = self.scorecard.score(table)
        standing = self.ranking.rank(scores)
        allocation = None
        nxt_history = hist
        if self.awards is not None:
            ctx = Context(p, history=hist, scores=scores, standing=standing, units=units)
            allocation = self.awards.allocate(ctx)
            nxt_history = _granted(hist, allocation)
        term = self._term(p, standing, votes, nxt_history, earlier)
        return SeasonResult(
            competition=self,
            period=p,
            table=table,
            scores=scores,
            standing=standing,
            allocation=allocation,
            history=nxt_history,
            term=term,
            panel=panel,
            votes=votes,
        )

    def _check_earlier(self, earlier: object, p: int) -> tuple[SeasonResult, ...]:
        if isinstance(earlier, str | SeasonResult) or not isinstance(earlier, Iterable):
            raise DataTypeError(
                "earlier= is a sequence of SeasonResults, oldest first "
                f"(got {type(earlier).__name__})"
            )
        out = tuple(earlier)
        for r in out:
            if not isinstance(r, SeasonResult):
                raise DataTypeError(f"earlier= holds SeasonResults (got {type(r).__name__})")
            if r.competition != self:
                raise DataError(
                    f"earlier= holds the {r.period} season of another competition "
                    f"({r.competition.name!r}); give the seasons of {self.name!r}"
                )
        periods = [r.period for r in out]
        if any(b <= a for a, b in itertools.pairwise(periods)) or (periods and periods[-1] >= p):
            raise DataError(
                f"earlier= seasons must be before {p}, oldest first, each once (got periods "
                f"{periods})"
            )
        return out

    def _judge(self, table: ScoreTable, sheets: Mapping[str, Any] | None) -> PanelResult | None:
        if self.judging is None:
            if sheets is not None:
                raise DataError(
                    f"panel_sheets= given but Competition {self.name!r} has no judging "
                    "panel; give judging=Panel(...) or leave the sheets out"
                )
            return None
        if sheets is None:
            raise DataError(
                f"Competition {self.name!r} is judged by {self.judging!r}: give the judges' "
                "sheets, run(..., panel_sheets={'sheets': ..., 'judges': [...]})"
            )
        if not isinstance(sheets, Mapping):
            raise DataTypeError(
                "panel_sheets= maps Panel.aggregate's arguments ('sheets', 'judges', "
                f"'criteria', 'units') to values (got {type(sheets).__name__})"
            )
        allowed = ("sheets", "judges", "criteria", "units")
        for k in sheets:
            if k not in allowed:
                raise unknown("panel_sheets key", str(k), list(allowed), "in panel_sheets=")
        if "sheets" not in sheets:
            raise DataError("panel_sheets= needs 'sheets': the scores shaped (J, N) or (J, N, C)")
        args = dict(sheets)
        args.setdefault("units", table.units)
        result = self.judging.aggregate(
            args.pop("sheets"),
            units=args.get("units"),
            judges=args.get("judges"),
            criteria=args.get("criteria"),
        )
        if set(result.units) != set(table.units):
            raise DataError(
                f"the judges' sheets score {listing(sorted(result.units))} but the table lists "
                f"{listing(sorted(table.units))}; the sheets must score the table's units"
            )
        return result

    def _check_units(
        self, table: ScoreTable, p: int, members: tuple[str, ...] | None
    ) -> tuple[str, ...]:
        if table.batch_shape:
            raise DataError(
                f"the {p} table has batch axes {table.batch_shape}; a season is one set of "
                "scores (score scenarios with the Scorecard and Ranking directly)"
            )
        if members is None:
            return table.units
        lacking = sorted(set(members) - set(table.units))
        extra = sorted(set(table.units) - set(members))
        if lacking or extra:
            parts = []
            if lacking:
                parts.append(f"members missing from the table: {listing(lacking)}")
            if extra:
                parts.append(f"units that are not members in {p}: {listing(extra)}")
            raise DataError(
                f"the {p} table of {self.name!r} must list exactly the members of {p} "
                f"({'; '.join(parts)}); add the missing rows, drop the others, or record the "
                "membership change in the rotation (Join, Leave, Merge, Rename)"
            )
        return table.units

    def _history_for(self, history: History | None, p: int, units: tuple[str, ...]) -> History:
        if history is None:
            return History(units, (p, p))
        expect(history, History, "history", "Competition.run", data=True)
        history = _rename_units(history, self._renamed_by(p))
        if history.first > p:
            raise DataError(
                f"the history starts in {history.first}, after the season assessed ({p}); give "
                "the history of the periods before it"
            )
        if history.last < p - 1:
            raise DataError(
                f"the history ends in {history.last} and the season is {p}: the records of "
                f"{history.last + 1}-{p - 1} are missing (a gap would silently break streaks "
                "and windows); run those seasons first, or append their records"
            )
        if history.last == p - 1:
            return History.concat(history, History(units, (p, p)))
        lacking = [u for u in units if u not in set(history.units)]
        if lacking:
            # The history already holds records of the period; members without one join
            # it with no record (no title, missing facts), as Context reads them.
            history = history._reindexed([*history.units, *lacking])
        return history

    def _term(
        self,
        p: int,
        standing: Standing,
        votes: Votes | None,
        history: History,
        earlier: Sequence[SeasonResult],
    ) -> Term | None:
        rot = self.rotation
        if rot is None:
            if votes is not None:
                raise DataError(
                    f"votes= given but Competition {self.name!r} has no rotation; votes elect "
                    "the next leader of an Elected rotation"
                )
            return None
        nxt = p + 1
        if nxt < rot.since:
            if votes is not None:
                raise DataError(
                    f"votes= given for the {p} season, but the rotation starts in {rot.since}: "
                    f"no leader is chosen after {p}; leave votes= out"
                )
            return None
        standings = None
        elected = None
        if isinstance(rot.policy, BestRanked):
            standings = {r.period + 1: r.standing for r in earlier}
            standings[nxt] = standing
        if isinstance(rot.policy, Elected):
            elected = {r.period + 1: r.votes for r in earlier if r.votes is not None}
            if votes is not None:
                elected[nxt] = votes
        elif votes is not None:
            raise DataError(
                f"votes= given but the rotation's policy is {rot.policy!r}, which does not "
                "count votes; leave votes= out"
            )
        return rot.term(
            nxt,
            history=history if rot.eligible is not None else None,
            standings=standings,
            votes=elected,
        )

    # -- how sure is the result ----------------------------------------------------------

    def monte_carlo(
        self,
        period: int,
        table: ScoreTable,
        noise: Any,
        *,
        scenarios: int = 1000,
        seed: int = 0,
        history: History | None = None,
        **options: Any,
    ) -> Any:
        """The season ``period`` under ``noise`` (an :class:`emulation_rules.analysis.Noise`),
        ``scenarios`` times: :func:`emulation_rules.analysis.monte_carlo` with this
        competition's scorecard, ranking, awards and rotation (the leader of
        ``period + 1``, chosen at this season's review); other ``options`` go to it.

        >>> import emulation_rules as er
        >>> from emulation_rules.analysis import Noise
        >>> comp = er.Competition(
        ...     "Sales", scorecard=er.Scorecard([er.Criterion("x", 10, scale=er.Linear(0, 1))]),
        ...     ranking=er.Ranking(er.desc("total"), er.Lot(1)))
        >>> t = er.ScoreTable({"unit": ["A", "B"], "x": [0.9, 0.1]})
        >>> mc = comp.monte_carlo(2024, t, Noise(points=0.5), scenarios=100, seed=1)
        >>> mc.units, mc.p_first.tolist()
        (('A', 'B'), [1.0, 0.0])
        """
        from .analysis import monte_carlo

        rot = self.rotation
        lead = rot is not None and period + 1 >= rot.since
        return monte_carlo(
            self.scorecard,
            table,
            self.ranking,
            noise,
            scenarios=scenarios,
            seed=seed,
            awards=self.awards,
            period=period,
            history=history,
            rotation=rot if lead else None,
            lead_period=period + 1 if lead else None,
            **options,
        )

    # -- many seasons -------------------------------------------------------------------

    def run_seasons(
        self,
        tables: Mapping[int, ScoreTable],
        *,
        history: History | None = None,
        votes: Mapping[int, Votes] | None = None,
        panel_sheets: Mapping[int, Mapping[str, Any]] | None = None,
        progress: Callable[[int, int, int], None] | None = None,
    ) -> dict[int, SeasonResult]:
        """Play consecutive seasons, each one's awards and standing feeding the next.

        The history each season starts from is the one the season before
        ended with (its titles granted); the rotation replays every season's
        standing (or votes). Periods must follow each other without a gap.

        Parameters
        ----------
        tables
            Period to that season's table.
        history
            The record before the first season (optional).
        votes, panel_sheets
            Period to that season's ``votes=`` / ``panel_sheets=`` (see :meth:`run`).
        progress
            Called after each season as ``progress(period, done, total)`` (e.g. to move
            a progress bar on long runs).

        Returns
        -------
        dict
            Period to :class:`SeasonResult`, in period order.
        """
        if not isinstance(tables, Mapping) or not tables:
            raise DataTypeError(
                "run_seasons takes a mapping of period to that season's ScoreTable, e.g. "
                f"{{2023: t23, 2024: t24}} (got {type(tables).__name__})"
            )
        periods = sorted(_whole(k, "a period of tables=") for k in tables)
        gaps = [b for a, b in itertools.pairwise(periods) if b != a + 1]
        if gaps:
            raise DataError(
                f"run_seasons plays consecutive seasons; the periods {periods} skip the ones "
                f"before {listing(gaps)} (a gap would silently break streaks)"
            )
        for name, extra in (("votes", votes), ("panel_sheets", panel_sheets)):
            if extra is not None:
                if not isinstance(extra, Mapping):
                    raise DataTypeError(f"{name}= maps each period to its data")
                stray = sorted(set(extra) - set(periods))
                if stray:
                    raise DataError(
                        f"{name}= has data for {stray}, which are not seasons of tables= "
                        f"({periods})"
                    )
        out: dict[int, SeasonResult] = {}
        h = history
        for p in periods:
            result = self.run(
                p,
                tables[p],
                history=h,
                votes=None if votes is None else votes.get(p),
                panel_sheets=None if panel_sheets is None else panel_sheets.get(p),
                earlier=list(out.values()),
            )
            out[p] = result
            h = result.history
            if progress is not None:
                progress(p, len(out), len(periods))
        return out


def _rename_units(history: History, renamed: Mapping[str, str]) -> History:
    """``history`` with the renamed units under their new ids (records kept)."""
    hits = {old: new for old, new in renamed.items() if old in history.units}
    if not hits:
        return history
    clash = sorted(new for new in hits.values() if new in history.units)
    if clash:
        raise DataError(
            f"the history has records under both the old and the new id of {listing(clash)} "
            "(renamed in the rotation); keep one record per unit"
        )
    units = [hits.get(u, u) for u in history.units]
    facts = {f: history.fact_all(f) for f in history.facts}
    return History(
        units,
        (history.first, history.last),
        titles={t: history.granted(t) for t in history.titles},
        facts=facts,
        ordinals=history.ordinals,
        member_of=history.member_of,
        collectives=history.collectives,
        revocations=[
            Revocation(hits.get(r.unit, r.unit), r.title, r.period, r.reason)
            for r in history.revocations
        ],
        declared=history.declared,
    )


def _granted(history: History, allocation: Allocation) -> History:
    """``history`` -- every unit it has, members or not -- with the allocation's titles
    granted for its period.

    The allocation's own history is read through the season's members only; a unit that
    left the cluster would lose its record there, and could not be assessed on it if it
    came back. Titles of collectives live in the allocation's history alone.
    """
    if any(a.subject != "units" for a in allocation.scheme.awards):
        return allocation.history
    position = {u: i for i, u in enumerate(history.units)}
    grants = {}
    for a in allocation.awards:
        units = allocation._r(a).units
        mask = np.zeros(len(history.units), dtype=bool)
        mask[[position[u] for u in units]] = allocation.mask(a)
        grants[a] = mask
    return history.with_granted(allocation.period, grants)


def _verdict_of(allocation: Allocation, award: str) -> Verdict | None:
    # The allocation keeps each award's verdict (evaluated in the allocation's own
    # context, with the titles decided before it); reading it back here keeps one source.
    return allocation._r(award).verdict


# -- the result ---------------------------------------------------------------------


@attrs.frozen(repr=False, eq=False)
class SeasonResult:
    """One season of a :class:`Competition`, with every intermediate kept.

    Attributes
    ----------
    competition, period
        The rules and the period assessed.
    table
        The season's table (with the judged columns, if any).
    scores, standing
        The points and the ranking.
    allocation
        The awards decided (None without an award scheme).
    history
        The history after the season: the one given (or an empty one), with
        this period's awards granted -- the next season starts from it.
    term
        The leadership of the next period (None without a rotation, or
        before it starts).
    panel
        The judging result (None without judging).
    votes
        The votes given for the next leader, if any.
    """

    competition: Competition
    period: int
    table: ScoreTable
    scores: Scores
    standing: Standing
    allocation: Allocation | None
    history: History
    term: Term | None
    panel: PanelResult | None = None
    votes: Votes | None = None

    @property
    def units(self) -> tuple[str, ...]:
        """The season's units (the table's order)."""
        return self.scores.units

    @property
    def verdicts(self) -> dict[str, Verdict | None]:
        """Award name -> the verdict of its condition (None for an award without one)."""
        if self.allocation is None:
            return {}
        return {a: _verdict_of(self.allocation, a) for a in self.allocation.awards}

    @property
    def awards(self) -> tuple[str, ...]:
        """The awards decided, in the order they were decided."""
        return () if self.allocation is None else self.allocation.awards

    def awarded(self, award: str) -> tuple[str, ...]:
        """The recipients of ``award``."""
        if self.allocation is None:
            raise unknown("award", award, [], f"in the {self.period} season", "no award scheme")
        return self.allocation.awarded(award)

    def received(self, unit: str) -> tuple[str, ...]:
        """The awards ``unit`` received this season."""
        i = self._i(unit)
        if self.allocation is None:
            return ()
        return tuple(a for a in self.allocation.awards if bool(self._mask(a)[i]))

    def _i(self, unit: str) -> int:
        expect(unit, str, "unit", "SeasonResult", data=True, expected="a unit id (text)")
        key = nfc(unit)
        if key not in self.units:
            raise unknown("unit", unit, list(self.units), f"in the {self.period} season")
        return self.units.index(key)

    def _mask(self, award: str) -> np.ndarray[Any, Any]:
        # The allocation's masks are aligned with its own units (the context's): align by id.
        assert self.allocation is not None
        units = self.allocation._r(award).units
        mask: np.ndarray[Any, Any] = self.allocation.mask(award)
        if units == self.units:
            return mask
        pos = {u: k for k, u in enumerate(units)}
        return np.array([bool(mask[pos[u]]) if u in pos else False for u in self.units])

    # -- one unit's story ---------------------------------------------------------------

    def explain(self, unit: str, *, language: Language = "en") -> SeasonExplanation:
        """The whole story of ``unit``: points -> place -> each award, why or why not ->
        leadership.

        ``str()`` gives the words (``language="en"`` or ``"vi"``), ``.to_dict()``
        the same parts as plain data, each taken from the stage's own
        explanation.
        """
        lang = _language(language)
        w = _WORDS[lang]
        i = self._i(unit)
        u = self.units[i]
        total = float(self.scores.total[i])
        row = self._place_row(u)
        data: dict[str, Any] = {
            "competition": self.competition.name,
            "period": self.period,
            "unit": u,
            "language": lang,
            "points": self.scores.explain(u).to_dict(),
            "total": total,
            "place": row,
            "awards": [],
            "term": None if self.term is None else self.term.to_dict(),
        }
        lines = [f"{u}, {self.period}"]
        if lang == "en":
            lines.append(f"  {w['points']}: total {_num(total)} points")
        else:
            lines.append(f"  {w['total']}: {_num(total)} {w['points']}")
            parts, extras = _columns(self.competition.scorecard)
            lines.extend(f"    {g}: {_num(float(self.scores[g][i]))}" for g in parts)
            for f in extras:
                v = float(self.scores[f][i])
                if v:
                    lines.append(f"    {_EXTRA_VI[f]}: {_num(v)}")
        lines.append(f"  {w['place']}: {row['rank']} {w['of']} {len(self.units)}{_why(row, w)}")
        if self.allocation is not None:
            for a in self.allocation.awards:
                data["awards"].append(self._award_data(a, u))
                lines.extend(self._award_lines(a, u, lang))
        if self.competition.rotation is not None:
            lines.append(f"  {w['leadership']}: {self._leadership(u, w)}")
        data["text"] = "\n".join(lines)
        return SeasonExplanation(data)

    def _place_row(self, unit: str) -> dict[str, Any]:
        for r in self.standing.explain().to_dict()["rows"]:
            if r["unit"] == unit:
                out: dict[str, Any] = r
                return out
        raise AssertionError(unit)  # pragma: no cover - every unit is ranked

    def _award_data(self, award: str, unit: str) -> dict[str, Any]:
        assert self.allocation is not None
        reason = self.allocation.reason(unit, award)
        verdict = _verdict_of(self.allocation, award)
        return {
            "award": award,
            "awarded": reason.code in ("award.awarded", "award.tie_in"),
            "code": reason.code,
            "reason": reason.to_dict(),
            "condition": None if verdict is None else verdict.to_dict(unit),
        }

    def _award_lines(self, award: str, unit: str, lang: Language) -> list[str]:
        assert self.allocation is not None
        return self.allocation.why(unit, award, language=lang).splitlines()[1:]

    def _leadership(self, unit: str, w: Mapping[str, str]) -> str:
        rot = self.competition.rotation
        if rot is None:
            return w["no_rotation"]
        t = self.term
        if t is None:
            return w["not_yet"].format(since=rot.since)
        if t.leader == unit:
            return w["leads"].format(unit=unit, period=t.period)
        if t.deputy == unit:
            return w["deputises"].format(unit=unit, period=t.period)
        return w["member"].format(
            unit=unit, period=t.period, leader=t.leader, deputy=t.deputy or "-"
        )

    # -- reports ------------------------------------------------------------------------

    def rows(self, *, language: Language = "en") -> list[dict[str, Any]]:
        """One row per unit in standing order: rank, unit, the points of each top-level
        criterion and group, bonus and penalty (if the scorecard has them), total, one
        yes/no column per award, and the next term's role.

        The column names are in ``language``; :meth:`to_text`, :meth:`to_markdown`
        and :meth:`to_frame` all show these rows.
        """
        lang = _language(language)
        w = _WORDS[lang]
        parts, extras = _columns(self.competition.scorecard)
        ranks = self.standing.rank
        pos = {u: k for k, u in enumerate(self.units)}
        masks = {a: self._mask(a) for a in self.awards}
        out = []
        for u in self.standing.order:
            i = pos[u]
            row: dict[str, Any] = {w["rank"]: int(ranks[i]), w["unit"]: u}
            for g in parts:
                row[g] = float(self.scores[g][i])
            for f in extras:
                row[f if lang == "en" else _EXTRA_VI[f]] = float(self.scores[f][i])
            row[w["total"]] = float(self.scores.total[i])
            for a, m in masks.items():
                row[a] = bool(m[i])
            if self.term is not None:
                role = (
                    w["leader"]
                    if self.term.leader == u
                    else w["deputy"]
                    if self.term.deputy == u
                    else ""
                )
                row[f"{self.term.period}"] = role
            out.append(row)
        return out

    def _title(self, lang: Language) -> str:
        return f"{self.competition.name} — {_WORDS[lang]['season']} {self.period}"

    def _footer(self, lang: Language) -> list[str]:
        w = _WORDS[lang]
        lines = []
        for a in self.awards:
            got = self.awarded(a)
            lines.append(f"{a}: {', '.join(got) if got else w['none']}")
        if self.term is not None:
            lines.append(
                f"{w['leader']} {self.term.period}: {self.term.leader}; "
                f"{w['deputy']}: {self.term.deputy or '-'}"
            )
        return lines

    def to_text(self, *, language: Language = "en") -> str:
        """The season as a plain-text table, then the awards and the next leadership."""
        lang = _language(language)
        rows = self.rows(language=lang)
        head = list(rows[0])
        cells = [[_cell(r[h]) for h in head] for r in rows]
        widths = [max(len(str(h)), *(len(c[k]) for c in cells)) for k, h in enumerate(head)]

        def line(items: Sequence[str]) -> str:
            return "  ".join(
                s.ljust(wd) if k == 1 else s.rjust(wd)
                for k, (s, wd) in enumerate(zip(items, widths, strict=True))
            ).rstrip()

        out = [self._title(lang), "", line(head), line(["-" * wd for wd in widths])]
        out += [line(c) for c in cells]
        footer = self._footer(lang)
        return "\n".join([*out, "", *footer] if footer else out) + "\n"

    def to_markdown(self, *, language: Language = "en") -> str:
        """The season as a Markdown table, then the awards and the next leadership."""
        lang = _language(language)
        rows = self.rows(language=lang)
        head = list(rows[0])
        out = [f"## {self._title(lang)}", ""]
        out.append("| " + " | ".join(_md(str(h)) for h in head) + " |")
        out.append("| " + " | ".join("---:" if k != 1 else "---" for k in range(len(head))) + " |")
        out += ["| " + " | ".join(_md(_cell(r[h])) for h in head) + " |" for r in rows]
        out.append("")
        out += [f"- {_md(x)}" for x in self._footer(lang)]
        return "\n".join(out) + "\n"

    def to_frame(self, *, language: Language = "en") -> Any:
        """The rows of :meth:`rows` as a pandas DataFrame (needs the ``pandas`` extra)."""
        pd = require("pandas", "SeasonResult.to_frame")
        return pd.DataFrame(self.rows(language=language))

    def to_dict(self) -> dict[str, Any]:
        """The season as plain data, built from each stage's own explanations.

        This is the JSON form of results: every part is the stage's ``to_dict()``,
        with its reasons as data (:class:`~emulation_rules.Reason`, codes in
        ``docs/reasons.md``).
        """
        data: dict[str, Any] = {
            "competition": self.competition.name,
            "period": self.period,
            "units": list(self.units),
            "scores": {
                u: {f: float(self.scores[f][i]) for f in self.scores.fields}
                for i, u in enumerate(self.units)
            },
            "standing": self.standing.to_dict(),
            "awards": {},
            "history": {"first": self.history.first, "last": self.history.last},
            "term": None if self.term is None else self.term.to_dict(),
        }
        if self.allocation is not None:
            data["awards"] = self.allocation.to_dict()["awards"]
        return data

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        lead = f", next leader {self.term.leader}" if self.term is not None else ""
        first = self.standing.order[0] if self.units else "-"
        return f"<SeasonResult {self.competition.name!r} {self.period}: first {first}{lead}>"

    # -- checking a published result ----------------------------------------------------

    def verify(self, published: Mapping[str, Any]) -> Verification:
        """Check a published ranking, award list or leadership against the rules.

        Parameters
        ----------
        published
            A mapping with any of: ``"ranking"`` -- the units in published
            order (a sequence), or unit -> published rank (a mapping);
            ``"awards"`` -- award name -> the units published as receiving it;
            ``"leader"`` / ``"deputy"`` -- the next period's holders as
            published.

        Returns
        -------
        Verification
            Every disagreement, each with the rules' reason. Units the rules
            leave tied may be published in any order among themselves.

        Raises
        ------
        UnknownNameError
            A key or an award name that the season does not know.
        """
        if not isinstance(published, Mapping):
            raise DataTypeError(
                "verify takes a mapping with 'ranking', 'awards', 'leader' and/or 'deputy' "
                f"(got {type(published).__name__})"
            )
        keys = ("ranking", "awards", "leader", "deputy")
        for k in published:
            if k not in keys:
                raise unknown("key", str(k), list(keys), "in the published result")
        found: list[Disagreement] = []
        if "ranking" in published:
            found += self._verify_ranking(published["ranking"])
        if "awards" in published:
            found += self._verify_awards(published["awards"])
        for role in ("leader", "deputy"):
            if role in published:
                found += self._verify_role(role, published[role])
        return Verification(self.period, tuple(found))

    def _verify_ranking(self, given: object) -> list[Disagreement]:
        out: list[Disagreement] = []
        if isinstance(given, Mapping):
            claimed = {}
            for u, r in given.items():
                if isinstance(r, bool) or not isinstance(r, int | np.integer | float):
                    raise DataTypeError(f"the published rank of {u!r} is a number (got {r!r})")
                if isinstance(r, float) and not (math.isfinite(r) and r.is_integer()):
                    raise DataError(f"the published rank of {u!r} is a whole number (got {r!r})")
                claimed[nfc(str(u))] = int(r)
        elif isinstance(given, str) or not isinstance(given, Iterable):
            raise DataTypeError(
                "the published ranking is the units in order (a sequence) or unit -> rank "
                f"(a mapping) (got {type(given).__name__})"
            )
        else:
            claimed = {nfc(str(u)): k + 1 for k, u in enumerate(given)}
        rows = {r["unit"]: r for r in self.standing.explain().to_dict()["rows"]}
        size: dict[int, int] = {}
        for r in rows.values():
            size[r["rank"]] = size.get(r["rank"], 0) + 1
        for u, r in claimed.items():
            if u not in rows:
                out.append(
                    Disagreement(
                        "unit", u, None, r, None, f"{u} is not a unit of the {self.period} season"
                    )
                )
                continue
            row = rows[u]
            lo = row["rank"]
            hi = lo + size[lo] - 1
            if not lo <= r <= hi:
                expected = lo if lo == hi else f"{lo}-{hi} (tied)"
                out.append(
                    Disagreement(
                        "rank",
                        u,
                        None,
                        r,
                        expected,
                        f"the rules place {u} {expected}{_why(row, _WORDS['en'])}",
                    )
                )
        out.extend(
            Disagreement("rank", u, None, None, rows[u]["rank"], f"{u} is missing from the ranking")
            for u in sorted(set(rows) - set(claimed))
        )
        return out

    def _verify_awards(self, given: object) -> list[Disagreement]:
        if not isinstance(given, Mapping):
            raise DataTypeError(
                f"the published awards map award name -> units (got {type(given).__name__})"
            )
        out: list[Disagreement] = []
        for award, units in given.items():
            name = nfc(str(award))
            if name not in self.awards:
                raise unknown("award", name, list(self.awards), f"in the {self.period} season")
            if isinstance(units, str) or not isinstance(units, Iterable):
                raise DataTypeError(
                    f"the published recipients of {name!r} are a sequence of unit ids"
                )
            listed = {nfc(str(u)) for u in units}
            due = set(self.awarded(name))
            assert self.allocation is not None
            for u in sorted(listed - due):
                if u not in self.units:
                    why = f"{u} is not a unit of the {self.period} season"
                else:
                    why = self.allocation.why(u, name).split("\n", 1)[1].strip()
                out.append(Disagreement("award", u, name, True, False, why))
            for u in sorted(due - listed):
                why = self.allocation.why(u, name).split("\n", 1)[1].strip()
                out.append(Disagreement("award", u, name, False, True, why))
        return out

    def _verify_role(self, role: str, given: object) -> list[Disagreement]:
        if self.term is None:
            raise DataError(
                f"the published result names the {role}, but the {self.period} season decides "
                "no leadership (no rotation, or it starts later)"
            )
        want = self.term.leader if role == "leader" else self.term.deputy
        shown = None if given is None else nfc(str(given))
        if shown == want:
            return []
        why = "; ".join(x.strip() for x in self.term.explain().splitlines())
        return [Disagreement(role, shown, None, shown, want, why)]


_EXTRA_VI = {"bonus": "điểm thưởng", "penalty": "điểm trừ"}


def _columns(card: Scorecard) -> tuple[list[str], list[str]]:
    """The scorecard's top-level criteria and groups, and which of bonus/penalty it has."""
    parts = [it.name for it in card.items if isinstance(it, Criterion | Group)]
    extras = [
        f
        for f, kind in (("bonus", Bonus), ("penalty", Penalty))
        if any(isinstance(it, kind) for it in card.items)
    ]
    return parts, extras


def _why(row: Mapping[str, Any], w: Mapping[str, str]) -> str:
    if "above" not in row:
        return f" ({w['first']})"
    if row.get("tied_with_above"):
        return f" ({w['tied'].format(above=row['above'])})"
    among = w["among"].format(n=row["among"]) if row.get("among") else ""
    level = w["level"].format(steps=", ".join(row["level_on"])) if row.get("level_on") else ""
    values = {"value": num(row["value"]), "above_value": num(row["above_value"])}
    return " (" + w["below"].format(**{**row, **values, "among": among, "level": level}) + ")"


def _cell(v: object) -> str:
    if isinstance(v, bool):
        return "x" if v else ""
    if isinstance(v, float):
        return _num(v)
    return str(v)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


class SeasonExplanation(Explanation):
    """One unit's season: ``str()`` for words, :meth:`to_dict` for the parts as data."""

    __slots__ = ()

    def __str__(self) -> str:
        text: str = self._data["text"]
        return text

    def __repr__(self) -> str:
        return f"<SeasonExplanation {self._data['unit']} {self._data['period']}>"


@attrs.frozen
class Disagreement:
    """One point where a published result and the rules differ.

    ``kind`` is ``"rank"``, ``"award"``, ``"leader"``, ``"deputy"`` or
    ``"unit"`` (a published unit the season does not have); ``published`` and
    ``expected`` are the two values; ``reason`` is the rules' explanation.
    """

    kind: str
    unit: str | None
    award: str | None
    published: Any
    expected: Any
    reason: str

    def describe(self) -> str:
        """The disagreement in one or a few lines."""
        if self.kind == "award":
            head = (
                f"{self.unit}: published as receiving {self.award}, but the rules do not award it"
                if self.published
                else f"{self.unit}: the rules award {self.award}, but it is not published"
            )
        elif self.kind == "rank":
            head = f"{self.unit}: published rank {self.published}, the rules give {self.expected}"
        elif self.kind == "unit":
            head = f"{self.unit}: published, but not in the season"
        else:
            head = f"{self.kind}: published {self.published}, the rules give {self.expected}"
        return f"{head}\n    {self.reason}"


@attrs.frozen
class Verification:
    """The outcome of :meth:`SeasonResult.verify`: every disagreement, with its reason."""

    period: int
    disagreements: tuple[Disagreement, ...]

    @property
    def ok(self) -> bool:
        """Whether the published result agrees with the rules everywhere checked."""
        return not self.disagreements

    def __str__(self) -> str:
        if self.ok:
            return f"{self.period}: the published result agrees with the rules"
        n = len(self.disagreements)
        lines = [f"{self.period}: {n} disagreement{'s' if n > 1 else ''} with the rules"]
        lines += [f"  {d.describe()}" for d in self.disagreements]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The disagreements as plain data."""
        return {
            "period": self.period,
            "ok": self.ok,
            "disagreements": [attrs.asdict(d) for d in self.disagreements],
        }
