"""The demo printed by ``python -m emulation_rules demo``."""

from __future__ import annotations

from .examples import cluster7


def _fmt(x: float) -> str:
    return f"{x:g}"


def demo_text() -> str:
    """The worked example, scored and explained, as text."""
    competition = cluster7.competition()
    season = competition.run(cluster7.YEAR, cluster7.table())
    card = competition.scorecard
    scores = season.scores
    groups = [it.name for it in card.items if hasattr(it, "items")]
    lines = [
        f'{cluster7.CLUSTER} — phong trào "{cluster7.MOVEMENT}", {cluster7.YEAR}',
        f"Members: {', '.join(cluster7.MEMBERS)}. Leader {cluster7.YEAR}: {cluster7.LEADER}.",
        "Members, leader and cluster totals are public; each province's figures and the",
        "points table are ILLUSTRATIVE (no province's score was published).",
        "",
        f"Points table: {len(card.criteria)} criteria in {len(groups)} groups, bonus and "
        f"deductions, max {_fmt(card.max_points)} points, resolution {_fmt(card.resolution)}.",
        "",
    ]
    head = ["unit", *groups, "bonus", "penalty", "total"]
    rows = [
        [
            u,
            *(_fmt(scores[g][i]) for g in groups),
            _fmt(scores["bonus"][i]),
            _fmt(scores["penalty"][i]),
            _fmt(scores.total[i]),
        ]
        for i, u in enumerate(scores.units)
    ]
    widths = [max(len(r[k]) for r in [head, *rows]) for k in range(len(head))]

    def line(r: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if k == 0 else c.rjust(w)
            for k, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    lines += [line(head), line(["-" * w for w in widths]), *(line(r) for r in rows), ""]
    ranking = competition.ranking
    standing = season.standing
    leader = standing.order[0]
    lines += [
        "Ranking (tie-break chain, illustrative):",
        f"  {ranking!r}",
        "",
        str(standing.explain()),
        "",
        f"Where the leading unit's {_fmt(scores.total[scores.table.index(leader)])} points came from:",
        str(scores.explain(leader)),
        "",
    ]
    nxt = cluster7.YEAR + 1
    term = season.term
    assert term is not None  # the rotation starts with the year after the season
    lines += [
        f"Leader and deputy for {nxt} (illustrative policy: the best-ranked member that did not "
        f"lead in {cluster7.YEAR}; the hand-over itself is public record):",
        term.explain(),
        "",
    ]
    allocation = season.allocation
    assert allocation is not None  # the competition has its flag scheme
    lines += ["Flag proposals (quotas illustrative):", allocation.summary(), ""]
    for unit in standing.order:
        lines.append(allocation.why(unit))
    lines.append("")
    return "\n".join(lines)
