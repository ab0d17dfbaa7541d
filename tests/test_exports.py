"""The public surface: ``__all__`` lists exactly the public names, sorted."""

from __future__ import annotations

import types

import emulation_rules
from emulation_rules import errors


def test_all_is_sorted_and_complete() -> None:
    public = {
        name
        for name, value in vars(emulation_rules).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert sorted(emulation_rules.__all__) == emulation_rules.__all__
    assert set(emulation_rules.__all__) == public


def test_every_error_is_exported_and_inherits_a_builtin() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert getattr(emulation_rules, name) is cls
        assert issubclass(cls, errors.EmulationRulesError)
        if cls is not errors.EmulationRulesError:
            assert issubclass(cls, ValueError | TypeError | KeyError), name


def test_rule_and_data_errors_are_distinct() -> None:
    assert not issubclass(errors.RuleError, errors.DataError)
    assert not issubclass(errors.DataError, errors.RuleError)
    assert issubclass(errors.MissingValueError, errors.DataError)


def test_unknown_name_error_message_is_not_quoted() -> None:
    err = errors.UnknownNameError("unknown column 'x'")
    assert str(err) == "unknown column 'x'"
    assert isinstance(err, KeyError)
