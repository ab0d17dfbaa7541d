"""Results written as JSON: their data and their reasons, read back as data."""

from __future__ import annotations

import json
from typing import Any

import pytest

import emulation_rules as er
from emulation_rules.examples import cluster7


def _season() -> er.SeasonResult:
    return cluster7.competition().run(2023, cluster7.table())


def _results() -> list[Any]:
    season = _season()
    h = er.History.from_records([{"unit": "A", "period": 2023, "titles": ["L"]}])
    verdict = er.holds("L").evaluate(er.Context(2023, history=h))
    assert season.allocation is not None
    assert season.term is not None
    return [
        season,
        season.scores,
        season.standing,
        season.allocation,
        season.term,
        verdict,
        season.verify({"leader": season.term.leader}),
    ]


@pytest.mark.parametrize("index", range(7))
def test_a_result_is_written_as_its_data(index: int) -> None:
    result = _results()[index]
    text = er.dumps(result)
    doc = json.loads(text)
    assert doc["result"]["type"] == type(result).__name__
    # What loads gives back is the result's own plain data, through JSON.
    assert er.loads(text) == json.loads(json.dumps(result.to_dict(), ensure_ascii=False))


def test_every_decision_of_a_season_has_its_reason_in_the_json() -> None:
    season = _season()
    data = er.loads(er.dumps(season))
    assert season.allocation is not None
    for award, part in data["awards"].items():
        for unit, reason in part["reasons"].items():
            r = er.Reason.from_dict(reason)
            assert r == season.allocation.reason(unit, award)
            assert r.code.startswith("award.")
    codes = {er.Reason.from_dict(r).code for r in data["standing"]["reasons"]}
    assert codes <= {"rank.first", "rank.step", "rank.tied", "rank.lots"}


def test_bad_result_documents_are_refused_with_their_path() -> None:
    head = '{"format": "emulation_rules", "schema_version": 1, '
    with pytest.raises(er.SerializationError, match=r"\$\.result"):
        er.loads(head + '"result": {"type": "Standings", "data": {}}}')
    with pytest.raises(er.SerializationError, match=r"\$\.result\.data"):
        er.loads(head + '"result": {"type": "Reason", "data": {"code": "rank.frist"}}}')
    with pytest.raises(er.SerializationError, match=r"\$\.extra"):
        er.loads(head + '"result": {"type": "Reason", "data": {}}, "extra": 1}')
