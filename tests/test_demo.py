"""The command line and the worked example it prints."""

from __future__ import annotations

import subprocess
import sys

import pytest

from emulation_rules.__main__ import main
from emulation_rules.examples import cluster7


def test_demo_prints_the_scored_cluster(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for member in cluster7.MEMBERS:
        assert member in out
    assert "ILLUSTRATIVE" in out
    scores = cluster7.scorecard().score(cluster7.table())
    best = scores.units[int(scores.total.argmax())]
    assert f"{best}: total {scores.total.max():g} points" in out


def test_example_counts_match_the_published_cluster_totals() -> None:
    # Cụm 7, 2023 (news report of 2023-11-23): 3,264 social-order crimes solved,
    # 1,252 drug cases, 144 corruption/economic/position cases.
    t = cluster7.table()
    assert int(t["solved_cases"].sum()) == 3264
    assert int(t["drug_cases"].sum()) == 1252
    assert int(t["corruption_cases"].sum()) == 144
    assert t.units == cluster7.MEMBERS


def test_module_entry_point_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "emulation_rules", "demo"],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    assert "Cụm thi đua số 7" in done.stdout


def test_unknown_command_exits_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nope"]) == 2
    assert "No such command 'nope'" in capsys.readouterr().err


def test_demo_grows_with_each_capability(capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    out = capsys.readouterr().out
    # Ranking with its tie-break: Quảng Nam and Bình Thuận tie on total points.
    assert "4. Bình Thuận  (below Quảng Nam by desc('đấu tranh phòng chống tội phạm')" in out
    # Flags proposed with reasons.
    assert "Cờ thi đua của Chính phủ: awarded" in out
    assert "excluded by another award" in out
    # The next period's leader and deputy, with the reason.
    assert "2024: Bình Thuận leads" in out
    assert "override (handed over at the 2023 year-end review)" in out
