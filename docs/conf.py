"""Sphinx configuration of the documentation site (MyST Markdown pages, furo theme).

Build it with ``python -m sphinx -W --keep-going -b html docs build/docs`` (the ``docs``
extra installs the tools). Kept free of imports beyond the standard library: pytest
collects this folder for the executed examples and must be able to import it.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The sources of this checkout, for autodoc, whether or not the package is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

project = "emulation_rules"
author = "emulation_rules developers"
copyright = "emulation_rules developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

# The pages are Markdown; the examples in them are doctests that pytest executes.
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence"]
# Links such as sources.md#laws-and-decrees point at headings.
myst_heading_anchors = 4
exclude_patterns = ["_build"]

# numpydoc-style docstrings.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}

html_theme = "furo"
html_title = "emulation_rules"
