"""``python -m emulation_rules``: the command line (see :mod:`emulation_rules.cli`)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    The command line is built on click, which the ``cli`` extra installs; the
    library itself does not need it. Without it the worked example still runs
    (``python -m emulation_rules demo``, what a fresh install tries first), and
    every other command says what to install.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        from .cli import main as run
    except ModuleNotFoundError as exc:
        if exc.name != "click":
            raise
        if args == ["demo"]:
            from ._demo import demo_text

            sys.stdout.write(demo_text())
            return 0
        sys.stderr.write(
            "error: the emulation-rules command line needs click, which is not installed: "
            "pip install 'emulation_rules[cli]'\n"
        )
        return 2
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
