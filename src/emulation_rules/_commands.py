"""What the command line does, as plain functions (no CLI library needed).

The ``emulation-rules`` commands (:mod:`emulation_rules.cli`) parse their
arguments and call these: read data files into a
:class:`~emulation_rules.ScoreTable`, a :class:`~emulation_rules.History` or a
published result, run a :class:`~emulation_rules.Competition`, and format the
answer. Each takes the competition as an object, so that how the rules were
loaded (a JSON rule file, a built-in example) is the caller's business.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from ._checks import require
from .competition import Competition, Language, SeasonResult, Verification
from .errors import DataError, DataTypeError, UnknownNameError
from .history import History
from .table import ScoreTable

__all__ = [
    "EXAMPLE_FILES",
    "Format",
    "evaluate",
    "explain",
    "read_history",
    "read_published",
    "read_table",
    "seasons",
    "verify",
    "write_example_files",
]

Format = Literal["text", "markdown", "json", "csv"]
FORMATS: tuple[str, ...] = ("text", "markdown", "json", "csv")

#: The sample files of the Cluster 7 example shipped with the package.
EXAMPLE_FILES = ("cluster7-2023.csv", "cluster7-2023-published.csv", "cluster7.rules.json")


# -- reading files --------------------------------------------------------------------


def _suffix(path: Path, allowed: tuple[str, ...], what: str) -> str:
    ext = path.suffix.lower().lstrip(".")
    if ext not in allowed:
        raise DataError(
            f"{what} {str(path)!r} has the extension {path.suffix or '(none)'!r}; give a "
            f"{' or '.join('.' + a for a in allowed)} file"
        )
    if not path.is_file():
        raise FileNotFoundError(f"{what} {str(path)!r} does not exist")
    return ext


def _cell(text: str) -> Any:
    """A CSV cell as the value it writes: empty is missing, then whole number, number, text."""
    s = text.strip()
    if s == "":
        return None
    try:
        return int(s)
    except ValueError:
        pass
    try:
        x = float(s)
    except ValueError:
        return s
    # "nan" and "inf" read as numbers would hide a typo or a missing value: keep the text,
    # and the table's own validation names the column.
    return x if math.isfinite(x) else s


#: Columns read as text as written: ids keep their leading zeros ("007" is not 7).
TEXT_COLUMNS = ("unit", "titles", "award")


def _csv_records(path: Path) -> list[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None:
            raise DataError(f"{str(path)!r} is empty; give a header row and one row per unit")
        blank = [k for k, name in enumerate(reader.fieldnames) if not name.strip()]
        if blank:
            raise DataError(f"{str(path)!r}: column {blank[0] + 1} of the header has no name")
        rows = []
        for n, row in enumerate(reader, start=2):
            if None in row:
                raise DataError(f"{str(path)!r} line {n} has more cells than the header")
            rows.append({k.strip(): _value(k.strip(), v or "") for k, v in row.items()})
        return rows


def _value(column: str, text: str) -> Any:
    if column in TEXT_COLUMNS:
        return text.strip() or None
    return _cell(text)


def _one_period(rows: list[dict[str, Any]], where: str) -> int | None:
    values = {r.get("period") for r in rows}
    if values == {None}:
        return None
    if len(values) != 1:
        raise DataError(
            f"{where} holds the periods {sorted(map(str, values))}; a season's table is one "
            "period: split the file, or give one period"
        )
    (p,) = values
    if isinstance(p, bool) or not isinstance(p, int):
        raise DataError(f"{where}: the period is a whole number, e.g. 2023 (got {p!r})")
    return p


def read_table(path: str | Path, *, period: int | None = None) -> tuple[ScoreTable, int]:
    """A season's table from a ``.csv``, ``.json`` or ``.parquet`` file, and its period.

    The file has a ``unit`` column and one row per unit. The period is
    ``period`` if given, else the file's ``period`` column (one value), else
    (JSON) its ``"period"`` key; it must be given somewhere, and where two
    give it they must agree. A JSON file is a list of records, a mapping of
    columns, or ``{"period": 2023, "rows": [records]}``. Parquet needs the
    ``arrow`` extra.
    """
    p = Path(path)
    ext = _suffix(p, ("csv", "json", "parquet"), "the data file")
    found: int | None = None
    if ext == "csv":
        rows = _csv_records(p)
        found = _one_period(rows, repr(str(p)))
        table = ScoreTable.from_records([_without_period(r) for r in rows])
    elif ext == "json":
        data = _json(p)
        if isinstance(data, Mapping) and "rows" in data:
            stray = sorted(set(data) - {"rows", "period"})
            if stray:
                raise DataError(
                    f"{str(p)!r}: unknown keys {stray}; a season file has 'rows' and 'period'"
                )
            found = data.get("period")
            data = data["rows"]
        if isinstance(data, list):
            inner = _one_period(data, repr(str(p)))
            if found is not None and inner is not None and inner != found:
                raise DataError(f"{str(p)!r} gives the period {found} and {inner}")
            found = found if found is not None else inner
            table = ScoreTable.from_records([_without_period(r) for r in data])
        elif isinstance(data, Mapping):
            cols = dict(data)
            col = cols.pop("period", None)
            if col is not None:
                found = _one_period([{"period": v} for v in col], repr(str(p)))
            table = ScoreTable(cols)
        else:
            raise DataTypeError(
                f"{str(p)!r} holds {type(data).__name__}; give a list of records or a mapping "
                "of columns"
            )
    else:
        pq = require("pyarrow.parquet", "reading a .parquet file")
        arrow = pq.read_table(str(p))
        if "period" in arrow.column_names:
            found = _one_period(
                [{"period": v} for v in arrow.column("period").to_pylist()], repr(str(p))
            )
            arrow = arrow.drop_columns(["period"])
        table = ScoreTable.from_dataframe(arrow, unit="unit")
    if found is not None and (isinstance(found, bool) or not isinstance(found, int)):
        raise DataError(f"{str(p)!r}: the period is a whole number, e.g. 2023 (got {found!r})")
    if period is not None and found is not None and period != found:
        raise DataError(
            f"the period given ({period}) differs from the period of {str(p)!r} ({found})"
        )
    chosen = period if period is not None else found
    if chosen is None:
        raise DataError(
            f"the period of {str(p)!r} is not known: give --period, or a 'period' column"
        )
    return table, chosen


def _without_period(row: object) -> dict[str, Any]:
    if not isinstance(row, Mapping):
        raise DataTypeError(f"a record is a mapping of column to value (got {row!r})")
    return {k: v for k, v in row.items() if k != "period"}


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{str(path)!r} is not valid JSON: {exc}") from None


def read_history(path: str | Path) -> History:
    """A :class:`~emulation_rules.History` from a ``.csv`` or ``.json`` file of records.

    One record per unit and period: ``unit``, ``period``, ``titles`` (in CSV,
    the titles separated by ``;``) and any facts.
    """
    p = Path(path)
    ext = _suffix(p, ("csv", "json"), "the history file")
    if ext == "csv":
        rows = _csv_records(p)
        for r in rows:
            t = r.get("titles")
            r["titles"] = [] if t is None else [x.strip() for x in str(t).split(";") if x.strip()]
    else:
        rows = _json(p)
    return History.from_records(rows)


def read_published(path: str | Path) -> dict[str, Any]:
    """A published result for :meth:`SeasonResult.verify
    <emulation_rules.SeasonResult.verify>` from a ``.json`` or ``.csv`` file.

    JSON: the mapping ``verify`` takes. CSV: one row per unit with a
    ``unit`` column and any of ``rank`` (the published rank) and ``award``
    (the awards published for the unit, separated by ``;``); an award column
    checks every award it names.
    """
    p = Path(path)
    ext = _suffix(p, ("csv", "json"), "the published file")
    if ext == "json":
        data = _json(p)
        if not isinstance(data, Mapping):
            raise DataTypeError(f"{str(p)!r} holds {type(data).__name__}; give a mapping")
        return dict(data)
    rows = _csv_records(p)
    cols = set().union(*(r.keys() for r in rows)) if rows else set()
    if "unit" not in cols or not cols & {"rank", "award"}:
        raise DataError(
            f"{str(p)!r} needs a 'unit' column and a 'rank' and/or an 'award' column "
            f"(got {sorted(cols)})"
        )
    out: dict[str, Any] = {}
    if "rank" in cols:
        out["ranking"] = {str(r["unit"]): r["rank"] for r in rows if r.get("rank") is not None}
    if "award" in cols:
        awards: dict[str, list[str]] = {}
        for r in rows:
            for a in str(r.get("award") or "").split(";"):
                if a.strip():
                    awards.setdefault(a.strip(), []).append(str(r["unit"]))
        out["awards"] = awards
    return out


# -- the commands -----------------------------------------------------------------------


def _season(
    competition: Competition, data: str | Path, period: int | None, history: str | Path | None
) -> SeasonResult:
    table, p = read_table(data, period=period)
    h = None if history is None else read_history(history)
    return competition.run(p, table, history=h)


def evaluate(
    competition: Competition,
    data: str | Path,
    *,
    period: int | None = None,
    history: str | Path | None = None,
    fmt: Format = "text",
    language: Language = "en",
) -> tuple[str, SeasonResult]:
    """Run the season of ``data`` and format it: ``text``, ``markdown``, ``json`` or ``csv``."""
    if fmt not in FORMATS:
        raise UnknownNameError(f"unknown format {fmt!r} (valid: {', '.join(FORMATS)})")
    season = _season(competition, data, period, history)
    if fmt == "text":
        return season.to_text(language=language), season
    if fmt == "markdown":
        return season.to_markdown(language=language), season
    if fmt == "json":
        from ._json import dumps

        return dumps(season) + "\n", season
    return _csv(season, language), season


def seasons(
    competition: Competition,
    data: list[str | Path] | tuple[str | Path, ...],
    *,
    history: str | Path | None = None,
    fmt: Format = "text",
    language: Language = "en",
    progress: Callable[[int, int, int], None] | None = None,
) -> tuple[str, dict[int, SeasonResult]]:
    """Run consecutive seasons, one data file each (its period from its ``period``
    column), each season's awards and leadership feeding the next; format every season.

    ``json`` gives a JSON array of the seasons' result documents (each one readable by
    :func:`emulation_rules.loads`).
    """
    if fmt not in FORMATS:
        raise UnknownNameError(f"unknown format {fmt!r} (valid: {', '.join(FORMATS)})")
    if not data:
        raise DataError("give at least one data file, one per season")
    tables: dict[int, ScoreTable] = {}
    for d in data:
        table, p = read_table(d)
        if p in tables:
            raise DataError(f"two data files are for the period {p}; give one file per season")
        tables[p] = table
    h = None if history is None else read_history(history)
    results = competition.run_seasons(tables, history=h, progress=progress)
    if fmt == "json":
        from ._json import dumps

        docs = [json.loads(dumps(r)) for r in results.values()]
        return json.dumps(docs, ensure_ascii=False, indent=2) + "\n", results
    parts = []
    for season in results.values():
        if fmt == "text":
            parts.append(season.to_text(language=language))
        elif fmt == "markdown":
            parts.append(season.to_markdown(language=language))
        else:
            parts.append(_csv(season, language))
    return "\n".join(parts), results


def _csv(season: SeasonResult, language: Language) -> str:
    rows = season.rows(language=language)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def explain(
    competition: Competition,
    data: str | Path,
    unit: str,
    *,
    period: int | None = None,
    history: str | Path | None = None,
    language: Language = "en",
    as_json: bool = False,
) -> str:
    """The whole story of ``unit`` in the season of ``data``."""
    season = _season(competition, data, period, history)
    story = season.explain(unit, language=language)
    if as_json:
        return json.dumps(story.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return str(story) + "\n"


def verify(
    competition: Competition,
    data: str | Path,
    published: str | Path,
    *,
    period: int | None = None,
    history: str | Path | None = None,
    as_json: bool = False,
) -> tuple[str, Verification]:
    """Check the published result in ``published`` against the season of ``data``."""
    season = _season(competition, data, period, history)
    result = season.verify(read_published(published))
    if as_json:
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", result
    return str(result) + "\n", result


def write_example_files(directory: str | Path) -> list[Path]:
    """Write the Cluster 7 sample files into ``directory`` (created if needed)."""
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = resources.files("emulation_rules.examples").joinpath("data")
    written = []
    for name in EXAMPLE_FILES:
        target = out_dir / name
        target.write_bytes(source.joinpath(name).read_bytes())
        written.append(target)
    return written
