"""Worked examples that ship with the library (used by ``python -m emulation_rules demo``)."""
