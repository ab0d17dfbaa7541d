"""Command line: ``python -m emulation_rules demo`` runs the worked example end to end."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._demo import demo_text


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m emulation_rules",
        description="Competition-rule engines: scoring, ranking, awards, rotation.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="score the Cluster 7 worked example and explain the result")
    args = parser.parse_args(argv)
    if args.command == "demo":
        sys.stdout.write(demo_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
