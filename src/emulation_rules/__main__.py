"""``python -m emulation_rules``: the command line (see :mod:`emulation_rules.cli`)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    The command line is built on click, which the ``cli`` extra installs; the
    library itself does not need it, so without it this says what to install.
    """
    try:
        from .cli import main as run
    except ModuleNotFoundError as exc:
        if exc.name != "click":
            raise
        sys.stderr.write(
            "error: the emulation-rules command line needs click, which is not installed: "
            "pip install 'emulation_rules[cli]'\n"
        )
        return 2
    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
