"""Run the project's benchmarks: one entry point for all of them.

    python benchmarks/run.py                          # every benchmark, its default sizes
    python benchmarks/run.py --only scoring --sizes 10000,100000
    python benchmarks/run.py --json results.json      # also write the rows as JSON
    python benchmarks/run.py --list                   # the benchmarks and their default sizes

A benchmark is a module ``bench_<name>.py`` beside this file; see ``_common.py``
for what it exposes. Each prints a row per size and method (seconds, ratio to
the same-run floor, peak MB above the input) and then a PASS/FAIL line per
target it states.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _common import Row, Target, format_header, format_row, machine  # noqa: E402


def discover() -> dict[str, ModuleType]:
    """Every ``bench_*.py`` module beside this file, by its ``NAME``."""
    found: dict[str, ModuleType] = {}
    for path in sorted(HERE.glob("bench_*.py")):
        mod = importlib.import_module(path.stem)
        for attr in ("NAME", "DEFAULT_SIZES", "run"):
            if not hasattr(mod, attr):
                raise SystemExit(f"{path.name} does not define {attr}; see benchmarks/_common.py")
        if mod.NAME in found:
            raise SystemExit(f"two benchmark modules are named {mod.NAME!r}")
        found[mod.NAME] = mod
    return found


def parse_sizes(text: str) -> list[int]:
    """``"10000,1e5,10**6"`` -> ``[10000, 100000, 1000000]``."""
    sizes = []
    for part in text.split(","):
        p = part.strip().replace("_", "")
        if not p:
            continue
        if "**" in p:
            base, exp = p.split("**")
            value = int(base) ** int(exp)
        elif "e" in p.lower():
            value = int(float(p))
        else:
            value = int(p)
        if value < 1:
            raise argparse.ArgumentTypeError(f"sizes must be positive (got {part!r})")
        sizes.append(value)
    if not sizes:
        raise argparse.ArgumentTypeError("give at least one size, e.g. --sizes 10000,100000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    benches = discover()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes", type=parse_sizes, help="comma-separated sizes (default: each benchmark's own)"
    )
    ap.add_argument(
        "--only", help=f"comma-separated benchmark names; one of: {', '.join(sorted(benches))}"
    )
    ap.add_argument("--json", type=Path, metavar="PATH", help="also write the rows as JSON here")
    ap.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    ap.add_argument("--strict", action="store_true", help="exit with status 1 when a target fails")
    args = ap.parse_args(argv)

    if args.list:
        for name, mod in sorted(benches.items()):
            print(f"{name:<12} default sizes {', '.join(map(str, mod.DEFAULT_SIZES))}")
        return 0
    names = sorted(benches)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        bad = [n for n in names if n not in benches]
        if bad:
            ap.error(
                f"unknown benchmark {', '.join(bad)}; choose from {', '.join(sorted(benches))}"
            )

    print(machine())
    all_rows: list[Row] = []
    all_targets: list[Target] = []
    for name in names:
        mod = benches[name]
        sizes = args.sizes or list(mod.DEFAULT_SIZES)
        print(f"\n== {name} (sizes {', '.join(map(str, sizes))})")
        if getattr(mod, "DESCRIPTION", ""):
            print(mod.DESCRIPTION.strip())
        print(format_header())
        t0 = time.perf_counter()
        rows: list[Row] = []
        for row in mod.run(sizes):
            print(format_row(row), flush=True)
            rows.append(row)
        print(f"({name}: {time.perf_counter() - t0:.0f} s in all)")
        if hasattr(mod, "check"):
            targets = mod.check(rows)
            if targets:
                print(f"-- targets of {name}")
                for t in targets:
                    print(t.line())
            all_targets.extend(targets)
        all_rows.extend(rows)

    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([r.as_dict() for r in all_rows], indent=1) + "\n")
        print(f"\nwrote {len(all_rows)} rows to {args.json}")
    if args.strict and not all(t.passed for t in all_targets):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
