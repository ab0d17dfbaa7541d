"""The ``emulation-rules`` command line (needs the ``cli`` extra: click; ``rich`` for tables).

::

    emulation-rules demo                         # the Cluster 7 example, explained
    emulation-rules demo --write-files DIR       # its data files, to run the commands below
    emulation-rules evaluate RULES DATA [--period P] [--history H] [--format F] [--out FILE]
    emulation-rules explain RULES DATA --unit U
    emulation-rules verify RULES DATA PUBLISHED  # exit status 1 if anything disagrees
    emulation-rules bench [ARGS...]              # the benchmark harness of a source checkout

``RULES`` is a rule file, or ``example:cluster7`` for the built-in example.
Errors are one line on stderr (exit status 2) unless ``--debug`` is given.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from . import _commands as commands
from .competition import Competition, Language, SeasonResult
from .errors import DataError, EmulationRulesError, UnknownNameError

__all__ = ["app", "load_rules", "main"]

#: Built-in rule sets, by the name given as ``example:NAME``.
EXAMPLES: dict[str, Callable[[], Competition]] = {}


def _examples() -> dict[str, Callable[[], Competition]]:
    if not EXAMPLES:
        from .examples import cluster7

        EXAMPLES["cluster7"] = cluster7.competition
    return EXAMPLES


def load_rules(spec: str) -> Competition:
    """The competition named by ``spec``: ``example:NAME`` or a JSON rule file.

    Rule files are read by :func:`emulation_rules.load` (the ``json`` extra, which the
    ``cli`` extra installs).
    """
    if spec.startswith("example:"):
        name = spec.removeprefix("example:")
        found = _examples()
        if name not in found:
            raise UnknownNameError(
                f"unknown example {name!r} (valid: {', '.join('example:' + n for n in found)})"
            )
        return found[name]()
    from . import _json

    if not Path(spec).is_file():
        raise FileNotFoundError(
            f"the rule file {spec!r} does not exist (give a JSON rule file written by "
            "emulation_rules.dump, or example:cluster7)"
        )
    rules = _json.load(spec)
    if not isinstance(rules, Competition):
        raise DataError(
            f"{spec!r} holds a {type(rules).__name__}, not a Competition; the commands run a "
            "whole competition"
        )
    return rules


def _rich_table(season: SeasonResult, language: Language) -> Any:
    """The season as a rich Table, or None when rich is not installed."""
    try:
        from rich.table import Table
    except ImportError:
        return None
    rows = season.rows(language=language)
    table = Table(title=f"{season.competition.name} — {season.period}")
    for k, head in enumerate(rows[0]):
        table.add_column(str(head), justify="left" if k == 1 else "right")
    for row in rows:
        table.add_row(*(_shown(v) for v in row.values()))
    return table


def _shown(v: object) -> str:
    if isinstance(v, bool):
        return "✓" if v else ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(list(commands.FORMATS)),
    default="text",
    show_default=True,
)
_period = click.option("--period", type=int, help="The period assessed (else the data's).")
_history = click.option(
    "--history",
    type=click.Path(path_type=Path),
    help="The titles and facts of earlier periods (.csv or .json records).",
)
_language = click.option(
    "--language",
    type=click.Choice(["en", "vi"]),
    default="en",
    show_default=True,
    help="The language of the report.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="emulation-rules")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def app(debug: bool) -> None:
    """Competition-rule engines: scoring, ranking, awards, rotation.

    RULES is a rule file, or example:cluster7 for the built-in example (write its data
    files with: emulation-rules demo --write-files DIR). Exit status: 0 ok, 1 when verify
    finds a disagreement, 2 for an error (one line; --debug shows the traceback).
    """


@app.command()
@click.option(
    "--write-files",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the example's data files into this folder instead.",
)
def demo(write_files: Path | None) -> None:
    """Score the Cluster 7 worked example and explain the result."""
    if write_files is None:
        from ._demo import demo_text

        click.echo(demo_text(), nl=False)
        return
    for path in commands.write_example_files(write_files):
        click.echo(f"wrote {path}")
    data = write_files / commands.EXAMPLE_FILES[0]
    published = write_files / commands.EXAMPLE_FILES[1]
    rules = write_files / commands.EXAMPLE_FILES[2]
    click.echo(
        "next:\n"
        f"  emulation-rules evaluate {rules} {data}\n"
        f"  emulation-rules explain {rules} {data} --unit 'Bình Thuận'\n"
        f"  emulation-rules verify {rules} {data} {published}"
        "   # one award in it is planted wrong"
    )


@app.command()
@click.argument("rules")
@click.argument("data", type=click.Path(path_type=Path))
@_period
@_history
@_format
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@_language
def evaluate(
    rules: str,
    data: Path,
    period: int | None,
    history: Path | None,
    fmt: commands.Format,
    out: Path | None,
    language: Language,
) -> None:
    """Run a season of RULES on DATA (.csv, .json or .parquet) and print the result."""
    text, season = commands.evaluate(
        load_rules(rules), data, period=period, history=history, fmt=fmt, language=language
    )
    # rich draws the table on a terminal only: piped or redirected output stays plain text
    # that other tools can read.
    if fmt == "text" and out is None and sys.stdout.isatty():
        table = _rich_table(season, language)
        if table is not None:
            from rich.console import Console

            console = Console(highlight=False)
            console.print(table)
            footer = text.split("\n\n", 2)[-1]
            click.echo(footer, nl=False)
            return
    _emit(text, out)


@app.command()
@click.argument("rules")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--unit", required=True, help="The unit whose season is told.")
@_period
@_history
@_language
@click.option("--json", "as_json", is_flag=True, help="The story as JSON.")
def explain(
    rules: str,
    data: Path,
    unit: str,
    period: int | None,
    history: Path | None,
    language: Language,
    as_json: bool,
) -> None:
    """The whole story of one unit: points, place, each award, leadership."""
    click.echo(
        commands.explain(
            load_rules(rules),
            data,
            unit,
            period=period,
            history=history,
            language=language,
            as_json=as_json,
        ),
        nl=False,
    )


@app.command()
@click.argument("rules")
@click.argument("data", type=click.Path(path_type=Path))
@click.argument("published", type=click.Path(path_type=Path))
@_period
@_history
@click.option("--json", "as_json", is_flag=True, help="The disagreements as JSON.")
def verify(
    rules: str,
    data: Path,
    published: Path,
    period: int | None,
    history: Path | None,
    as_json: bool,
) -> int:
    """Check a PUBLISHED ranking or award list (.csv or .json) against the rules.

    Exit status 1 if anything disagrees.
    """
    text, result = commands.verify(
        load_rules(rules), data, published, period=period, history=history, as_json=as_json
    )
    click.echo(text, nl=False)
    return 0 if result.ok else 1


@app.command()
@click.argument("rules")
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
@_history
@_format
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@_language
def seasons(
    rules: str,
    data: tuple[Path, ...],
    history: Path | None,
    fmt: commands.Format,
    out: Path | None,
    language: Language,
) -> None:
    """Run consecutive seasons of RULES, one DATA file each, awards and leadership carried
    from one season to the next."""
    competition = load_rules(rules)
    with _progress(len(data), "seasons") as step:
        text, _ = commands.seasons(
            competition, list(data), history=history, fmt=fmt, language=language, progress=step
        )
    _emit(text, out)


@contextlib.contextmanager
def _progress(total: int, what: str) -> Iterator[Callable[[int, int, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal and rich is installed; else
    nothing (piped runs and logs stay clean)."""
    if not sys.stderr.isatty():
        yield None
        return
    try:
        from rich.progress import Progress
    except ImportError:
        yield None
        return
    with Progress(transient=True) as bar:
        task = bar.add_task(what, total=total)

        def step(period: int, done: int, total: int) -> None:
            bar.update(task, completed=done, description=f"{what}: {period}")

        yield step


@app.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def schema(out: Path | None) -> None:
    """Print the JSON Schema of rule files."""
    import json

    from ._json import schema as rules_schema

    _emit(json.dumps(rules_schema(), ensure_ascii=False, indent=2) + "\n", out)


@app.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> int:
    """Run the benchmark harness (benchmarks/run.py of a source checkout); ARGS go to it."""
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"
    if not script.is_file():
        raise DataError(
            "bench runs benchmarks/run.py of a source checkout, and there is none beside this "
            f"installation ({script.parent}); clone the repository and install it with "
            "pip install -e ."
        )
    return subprocess.run([sys.executable, str(script), *args], check=False).returncode


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    0 on success, 1 when ``verify`` finds a disagreement, 2 for a usage error
    or an error in the rules or the data (one line on stderr; the traceback
    with ``--debug``).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        code = app.main(args=args, prog_name="emulation-rules", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (EmulationRulesError, OSError, ImportError) as exc:
        if debug:
            raise
        text = " ".join(str(exc).split()) or type(exc).__name__
        click.echo(f"error: {text}", err=True)
        return 2
    return code if isinstance(code, int) else 0
