"""The command line: click commands through CliRunner, the command logic directly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import emulation_rules as er
from emulation_rules import _commands as commands
from emulation_rules.cli import app, load_rules, main
from emulation_rules.examples import cluster7

MINISTRY = "Cờ thi đua của Bộ Công an"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    written = commands.write_example_files(tmp_path)
    return written[0], written[1]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), standalone_mode=False, catch_exceptions=False)
    code = result.return_value if isinstance(result.return_value, int) else result.exit_code
    return code, result.stdout, result.stderr


def test_shipped_files_hold_the_example(files: tuple[Path, Path]) -> None:
    table, period = commands.read_table(files[0])
    ref = cluster7.table()
    assert period == cluster7.YEAR
    assert table.units == ref.units
    assert table.columns == ref.columns
    for c in ref.columns:
        assert table[c].tolist() == ref[c].tolist(), c


def test_evaluate_runs_the_season_from_the_shipped_files(files: tuple[Path, Path]) -> None:
    comp = cluster7.competition()
    text, season = commands.evaluate(comp, files[0])
    direct = comp.run(2023, cluster7.table())
    assert text == direct.to_text()
    assert season.standing.order == direct.standing.order
    doc = commands.evaluate(comp, files[0], fmt="json")[0]
    data = er.loads(doc)
    assert json.loads(doc)["result"]["type"] == "SeasonResult"
    assert data["awards"][MINISTRY]["awarded"] == list(direct.awarded(MINISTRY))
    # Every award decision carries its reason as data.
    for unit, reason in data["awards"][MINISTRY]["reasons"].items():
        assert er.Reason.from_dict(reason) == direct.allocation.reason(unit, MINISTRY)
    csv_text = commands.evaluate(comp, files[0], fmt="csv", language="vi")[0]
    assert csv_text.splitlines()[0].startswith("xếp hạng,đơn vị,")
    assert len(csv_text.splitlines()) == 1 + len(cluster7.MEMBERS)
    assert "| Khánh Hòa |" in commands.evaluate(comp, files[0], fmt="markdown")[0]


def test_verify_finds_the_planted_error_in_the_shipped_list(files: tuple[Path, Path]) -> None:
    text, result = commands.verify(cluster7.competition(), files[0], files[1])
    assert not result.ok
    assert {(d.unit, d.award) for d in result.disagreements} == {
        ("Quảng Ngãi", MINISTRY),
        ("Quảng Nam", MINISTRY),
    }
    assert "2 disagreements" in text


def test_period_and_history_options(files: tuple[Path, Path], tmp_path: Path) -> None:
    comp = cluster7.competition()
    with pytest.raises(er.DataError, match=r"period given \(2024\) differs"):
        commands.evaluate(comp, files[0], period=2024)
    bare = tmp_path / "bare.json"
    rows = [{k: v for k, v in r.items() if k != "period"} for r in _records(files[0])]
    bare.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(er.DataError, match="give --period"):
        commands.evaluate(comp, bare)
    assert commands.evaluate(comp, bare, period=2023)[0] == commands.evaluate(comp, files[0])[0]
    hist = tmp_path / "history.csv"
    hist.write_text("unit,period,titles\nPhú Yên,2022,LĐTT;Bằng khen\n", encoding="utf-8")
    season = commands.evaluate(comp, files[0], history=hist)[1]
    assert season.history.first == 2022
    assert season.history.held("Bằng khen", 2022).tolist() == [
        u == "Phú Yên" for u in season.history.units
    ]


def _records(path: Path) -> list[dict[str, object]]:
    return commands._csv_records(path)


def test_explain_command_logic(files: tuple[Path, Path]) -> None:
    comp = cluster7.competition()
    text = commands.explain(comp, files[0], "Bình Thuận", language="vi")
    assert "Bình Thuận là Cụm trưởng năm 2024" in text
    data = json.loads(commands.explain(comp, files[0], "Bình Thuận", as_json=True))
    assert data["unit"] == "Bình Thuận"
    assert data["term"]["leader"] == "Bình Thuận"


def test_bad_files_get_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("", encoding="utf-8")
    with pytest.raises(er.DataError, match=r"\.csv or \.json or \.parquet"):
        commands.read_table(bad)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("unit,period,x\nA,2023,1\nB,2024,2\n", encoding="utf-8")
    with pytest.raises(er.DataError, match="one period"):
        commands.read_table(mixed)
    with pytest.raises(FileNotFoundError):
        commands.read_table(tmp_path / "none.csv")
    pub = tmp_path / "pub.csv"
    pub.write_text("unit,score\nA,1\n", encoding="utf-8")
    with pytest.raises(er.DataError, match="'rank' and/or an 'award'"):
        commands.read_published(pub)


def test_csv_ids_are_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("unit,period,x,note\n007,2024,1.5,\n7,2024,2,late\n", encoding="utf-8")
    table, period = commands.read_table(path)
    assert (table.units, period) == (("007", "7"), 2024)
    assert table["x"].tolist() == [1.5, 2.0]
    assert table["note"].tolist() == [None, "late"]


def test_parquet_data(files: tuple[Path, Path], tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = _records(files[0])
    cols = {k: [r[k] for r in rows] for k in rows[0]}
    cols["movement_score"] = [float(x) for x in cols["movement_score"]]  # type: ignore[arg-type]
    path = tmp_path / "c7.parquet"
    pq.write_table(pa.table(cols), path)
    comp = cluster7.competition()
    assert commands.evaluate(comp, path)[0] == commands.evaluate(comp, files[0])[0]


# -- the click commands -----------------------------------------------------------------


def test_cli_evaluate_verify_explain(files: tuple[Path, Path], tmp_path: Path) -> None:
    data, published = map(str, files)
    code, out, _ = _run("evaluate", "example:cluster7", data)
    assert code == 0
    assert "Khánh Hòa" in out
    assert "leader 2024: Bình Thuận" in out
    code, out, _ = _run("verify", "example:cluster7", data, published)
    assert code == 1
    assert "Quảng Ngãi: published as receiving" in out
    code, out, _ = _run("explain", "example:cluster7", data, "--unit", "Phú Yên")
    assert code == 0
    assert out.startswith("Phú Yên, 2023\n")
    target = tmp_path / "season.md"
    code, _, err = _run(
        "evaluate", "example:cluster7", data, "--format", "markdown", "--out", str(target)
    )
    assert code == 0
    assert "wrote" in err
    assert target.read_text(encoding="utf-8").startswith("## Cụm thi đua số 7")


def test_cli_verify_exits_0_when_the_list_agrees(files: tuple[Path, Path], tmp_path: Path) -> None:
    season = cluster7.competition().run(2023, cluster7.table())
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps({"awards": {a: list(season.awarded(a)) for a in season.awards}}),
        encoding="utf-8",
    )
    code, out, _ = _run("verify", "example:cluster7", str(files[0]), str(good))
    assert code == 0
    assert "agrees" in out


def test_errors_are_one_line_unless_debug(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", "example:cluster7", str(files[0]), "--unit", "Phu Yen x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: unknown unit 'Phu Yen x'")
    assert "did you mean 'Phú Yên'" in err
    with pytest.raises(er.UnknownNameError):
        main(["--debug", "explain", "example:cluster7", str(files[0]), "--unit", "Phu Yen x"])
    assert main(["evaluate", "example:nope", str(files[0])]) == 2
    assert "valid: example:cluster7" in capsys.readouterr().err


def test_the_shipped_rule_file_is_the_example(tmp_path: Path) -> None:
    rules = commands.write_example_files(tmp_path)[2]
    assert load_rules(str(rules)) == cluster7.competition()
    # Kept current: the file is exactly what dump writes for the example today.
    assert rules.read_text(encoding="utf-8") == er.dumps(cluster7.competition()) + "\n"


def test_evaluate_from_the_rule_file_equals_the_built_in_example(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    rules = str(commands.write_example_files(tmp_path / "x")[2])
    code, out, _ = _run("evaluate", rules, str(files[0]))
    assert code == 0
    assert out == _run("evaluate", "example:cluster7", str(files[0]))[1]
    code, out, _ = _run("verify", rules, str(files[0]), str(files[1]))
    assert code == 1


def test_rule_files_that_are_not_competitions_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lot.json"
    er.dump(er.Lot(1), path)
    with pytest.raises(er.DataError, match="holds a Lot, not a Competition"):
        load_rules(str(path))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_rules(str(tmp_path / "none.json"))
    (tmp_path / "bad.json").write_text(
        '{"format": "emulation_rules", "schema_version": 1, "rule": {"type": "Competitoin"}}',
        encoding="utf-8",
    )
    assert main(["evaluate", str(tmp_path / "bad.json"), str(tmp_path / "none.csv")]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'Competition'" in err
    assert len(err.strip().splitlines()) == 1


def test_schema_command(tmp_path: Path) -> None:
    code, out, _ = _run("schema")
    assert code == 0
    assert json.loads(out) == er.schema()
    assert "Competition" in json.loads(out)["$defs"]


def test_version_and_demo_files(tmp_path: Path) -> None:
    code, out, _ = _run("--version")
    assert code == 0
    assert er.__version__ in out
    code, out, _ = _run("demo", "--write-files", str(tmp_path / "d"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == sorted(commands.EXAMPLE_FILES)
    assert "emulation-rules evaluate " in out
    assert "cluster7.rules.json" in out


def test_bench_runs_the_harness(capfd: pytest.CaptureFixture[str]) -> None:
    # The harness runs in its own process: its output reaches the file descriptors.
    assert main(["bench", "--list"]) == 0
    assert "scoring" in capfd.readouterr().out
    assert main(["bench", "--only", "nope"]) != 0


def test_module_entry_point_reports_errors_in_one_line(files: tuple[Path, Path]) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "emulation_rules",
            "evaluate",
            "example:cluster7",
            str(files[0]),
            "--period",
            "x",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 2
    assert "Invalid value for '--period'" in done.stderr
    assert "Traceback" not in done.stderr


def _demo_text() -> str:
    from emulation_rules._demo import demo_text

    return demo_text()


def test_without_click_the_module_says_which_extra_to_install() -> None:
    # A machine without the cli extra: click cannot be imported.
    def without_click(args: list[str]) -> subprocess.CompletedProcess[str]:
        code = (
            "import sys; sys.modules['click'] = None\n"
            "from emulation_rules.__main__ import main\n"
            f"raise SystemExit(main({args!r}))\n"
        )
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )

    # The README's first command works on a fresh install: the demo needs no extra.
    done = without_click(["demo"])
    assert done.returncode == 0
    assert done.stdout == _demo_text()
    done = without_click(["evaluate", "x.json", "y.csv"])
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: the emulation-rules command line needs click, which is not installed: "
        "pip install 'emulation_rules[cli]'"
    )
    # The library itself never imports click.
    done = subprocess.run(
        [sys.executable, "-c", "import sys, emulation_rules; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert "click" not in {m.split(".")[0] for m in done.stdout.split()}


def test_seasons_carry_awards_and_leadership_and_report_progress(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    rows = files[0].read_text(encoding="utf-8").splitlines()
    col = rows[0].split(",").index("period")
    later = [rows[0]] + [
        ",".join("2024" if k == col else v for k, v in enumerate(r.split(","))) for r in rows[1:]
    ]
    second = tmp_path / "c7-2024.csv"
    second.write_text("\n".join(later) + "\n", encoding="utf-8")
    comp = cluster7.competition()
    calls: list[tuple[int, int, int]] = []
    text, results = commands.seasons(comp, [second, files[0]], progress=lambda *a: calls.append(a))
    assert list(results) == [2023, 2024]
    assert calls == [(2023, 1, 2), (2024, 2, 2)]
    direct = comp.run_seasons({2023: cluster7.table(), 2024: results[2024].scores.table})
    assert text == direct[2023].to_text() + "\n" + direct[2024].to_text()
    # The 2023 flags are in the history the 2024 season starts from.
    assert results[2024].history.held("Cờ thi đua của Chính phủ", 2023).any()
    code, out, _ = _run(
        "seasons", "example:cluster7", str(files[0]), str(second), "--format", "json"
    )
    assert code == 0
    docs = json.loads(out)
    assert [er.loads(json.dumps(d))["period"] for d in docs] == [2023, 2024]
    with pytest.raises(er.DataError, match="two data files are for the period 2023"):
        commands.seasons(comp, [files[0], files[0]])
