"""Shared test configuration: Hypothesis profiles, and the oracle as ``import reference``.

``ci`` is the default: derandomized, so that every run -- the README's plain
``python -m pytest`` on any machine included -- explores the same examples;
``dev`` (``HYPOTHESIS_PROFILE=dev``) explores new examples each run and keeps
the failures it finds; ``thorough`` is for a long hunt
(``HYPOTHESIS_PROFILE=thorough``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# tests/ is not a package and pytest imports test files with --import-mode=importlib:
# the oracle is registered as the module ``reference`` once, here, before any test
# file imports it.
if "reference" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "reference", Path(__file__).with_name("reference.py")
    )
    assert _spec is not None
    assert _spec.loader is not None
    sys.modules["reference"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["reference"])

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
