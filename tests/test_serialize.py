"""Rules as JSON: worked round trips, the registry, refusals with their JSON path, the schema."""

from __future__ import annotations

import datetime
import enum
import inspect
import json
import math
import subprocess
import sys
import types
import unicodedata
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

import emulation_rules as er
from emulation_rules import eligibility, scales
from emulation_rules.serialize import RuleConverter, converter

ROOT = Path(__file__).resolve().parents[1]

# Public attrs classes that are results or data, not rules: they are not written as rules
# (results wait for the reason objects; Context holds data). A new public class that is
# neither here nor registered fails test_every_public_rule_class_is_registered.
NOT_RULES = {
    er.Reason,
    er.SeasonResult,
    er.Verification,
    er.Disagreement,
    er.Context,
    er.Cut,
    er.Dependent,
    er.Fairness,
    er.Handover,
    er.JudgeDeviation,
    er.Move,
    er.Pairwise,
    er.Record,
    er.Schedule,
    er.Shift,
    er.Term,
}


def doc(rule: Any) -> str:
    return json.dumps({"format": "emulation_rules", "schema_version": 1, "rule": rule})


def examples() -> list[Any]:
    d = er.Dated({datetime.date(2023, 7, 1): 1_800_000, datetime.date(2024, 7, 1): 2_340_000})
    flag = er.AwardScheme([er.Award("Flag", er.rank() == 1, quota=er.Quota(1))])
    return [
        er.RuleBook(
            [
                er.Version(
                    er.Quota(share=0.15, of="LĐTT"),
                    datetime.date(2017, 10, 1),
                    datetime.date(2023, 12, 31),
                ),
                er.Version(
                    er.Quota(share=0.2, of="LĐTT"),
                    datetime.date(2024, 1, 1),
                    instrument="Decree 98/2023/NĐ-CP",
                    note="new share",
                ),
            ],
            name="CSTĐCS quota",
        ),
        er.Competition(
            "Cluster",
            scorecard=er.Scorecard([er.Criterion("x", 10, scale=er.Linear(0, 1))]),
            ranking=er.Ranking(er.desc("total"), er.Lot(1)),
            members=["A", "B", "C"],
            cluster=er.ClusterId("MPS", 7),
            awards=flag,
            rotation=er.Rotation(["A", "B", "C"], er.FixedCycle(2024, "A"), since=2024),
            judging=er.Panel("mean"),
        ),
        er.Linear(0, 1),
        er.Target(0.75, zero_at=0.25),
        er.Steps([(0.5, 0.5), (0.8, 1)], strict=True, otherwise=0.1),
        er.PiecewiseLinear([(0, 0), (1, 1)]),
        er.MinMax(),
        er.Vector(),
        er.Sum(),
        er.ZScore(spread=2),
        er.ByRank([1, 0.5], ties="average"),
        er.Scorecard(
            [
                er.Group(
                    "g",
                    [
                        er.Criterion("a", 5, scale=er.MinMax()),
                        er.Criterion("b", 5, scale=er.Linear(0, 1), lower_is_better=True),
                    ],
                    points=10,
                ),
                er.Bonus("x", 1, cap=2),
                er.Penalty("y", 0.5),
            ],
            total=11,
        ),
        er.Ranking(
            er.desc("total"),
            er.HeadToHead(er.desc("pts"), er.asc("gd"), restart="never"),
            er.Lot("2024-draw"),
            style="dense",
        ),
        er.holds("A") & er.ever("B", before=True) | ~er.streak("C", n=2, fresh_after="D"),
        er.consecutive("X", n=2, every=3),
        er.count_in_window(er.holds("A"), at_least=2, window=er.Window(since="B", min_length=3)),
        er.all_in_window(er.holds("A"), window=3),
        (er.fact("rating") >= "HTNV")
        & (er.column("c") < 2.5)
        & (er.score() > 3)
        & (er.rank() <= 3)
        & (er.score("rate") != 1),
        er.members(er.fact("rating") >= "HTNV").share() == 1,
        er.members(er.holds("L")).count() >= 1,
        er.no_member(er.holds("K")),
        er.vote_share("yes", of="n") >= 0.9,
        er.Quota(share=0.15, of="LĐTT", ties=er.Lot(1), rounding="ceil", minimum=1),
        er.Quota(3, per="team"),
        er.Quota(share=Fraction(1, 3), of=er.column("s")),
        er.Quota(share=0.2, of=er.holds("A")),
        er.Award(
            "CSTĐ",
            er.holds("LĐTT"),
            quota=er.Quota(share=0.15, of="LĐTT"),
            ranking=er.Ranking(er.desc("total"), er.Lot(1)),
            level=2,
        ),
        er.AwardScheme(
            [
                er.Award("LĐTT", er.fact("r") >= 2),
                er.Award("CSTĐ", er.holds("LĐTT"), requires=["LĐTT"]),
            ]
        ),
        d,
        er.Amount(Decimal("1.50"), d, rounding="up_10000"),
        er.Panel("trimmed", trim=1),
        er.Panel("mean", weights={"j1": 2, "j2": 1}, threshold=2.5),
        er.Panel("mean", weights=[2, 1]),
        er.Ordinal(["a", "b", "c"]),
        er.Revocation("u", "T", 2020, "fraud"),
        er.Rotation(
            ["A", "B", "C"],
            er.FixedCycle(2023, "A"),
            since=2023,
            cooldown=1,
            changes=[
                er.Join("D", 2024, goes="last"),
                er.Leave("B", date="2025-03-01"),
                er.Rename("C", "C2", 2026),
                er.Merge(["A"], "E", 2027, partners=["Z"]),
            ],
            overrides=[er.Override(2024, leader="B", reason="x")],
            led_before={"A": [2020, 2021]},
            cluster=er.ClusterId("MPS", 7),
            eligible=~er.holds("DISC"),
        ),
        er.Rotation(
            ["A", "B"],
            er.Elected(er.Ranking(er.desc("votes"), er.Lot(1))),
            since=2020,
            deputy="required",
        ),
        er.Rotation(
            ["A", "B"], er.BestRanked(), since=2020, changes=[er.Merge.parse("A + Q -> A", 2022)]
        ),
        (er.Lot(1), {"a": er.Linear(0, 2)}),
    ]


@pytest.mark.parametrize("rule", examples(), ids=lambda r: type(r).__name__)
def test_examples_round_trip(rule: Any) -> None:
    text = er.dumps(rule)
    back = er.loads(text)
    assert back == rule
    assert repr(back) == repr(rule)
    assert type(back) is type(rule)
    assert er.dumps(back) == text  # written the same way again


def test_dump_and_load_a_file(tmp_path: Path) -> None:
    card = er.Scorecard([er.Criterion("tỷ lệ", 10, scale=er.Target(0.75))])
    path = tmp_path / "rules.json"
    er.dump(card, path)
    assert "tỷ lệ" in path.read_text(encoding="utf-8")  # readable, not \\u-escaped
    assert er.load(path) == card
    assert er.load(str(path)) == card


def test_a_byte_order_mark_is_not_content(tmp_path: Path) -> None:
    path = tmp_path / "notepad.json"
    path.write_text(er.dumps(er.Lot(3)), encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert er.load(path) == er.Lot(3)
    assert er.loads("\ufeff" + er.dumps(er.Lot(3))) == er.Lot(3)


def test_documents_carry_format_version_and_type_tags() -> None:
    data = json.loads(er.dumps(er.Criterion("rate", 10, scale=er.Target(0.75))))
    assert data["format"] == "emulation_rules"
    assert data["schema_version"] == 1
    assert data["rule"]["type"] == "Criterion"
    assert data["rule"]["scale"]["type"] == "Target"
    # Defaults are written: a later change of a default never changes a saved rule.
    assert data["rule"]["lower_is_better"] is False


def test_hand_written_files_may_leave_out_optional_fields() -> None:
    text = doc({"type": "Criterion", "column": "rate", "points": 10, "scale": {"type": "MinMax"}})
    assert er.loads(text) == er.Criterion("rate", 10, scale=er.MinMax())


# -- the registry ----------------------------------------------------------------------


def _public_classes() -> list[type]:
    return [v for n in er.__all__ if inspect.isclass(v := getattr(er, n))]


def test_every_public_rule_class_is_registered() -> None:
    registered = set(converter.registered().values())
    rules = [
        c
        for c in _public_classes()
        if (attrs.has(c) or issubclass(c, er.Condition | er.Scale)) and c not in NOT_RULES
    ]
    missing = [
        c.__name__
        for c in rules
        if c not in registered and c not in (er.Condition, er.Scale)  # abstract bases
    ]
    assert not missing, (
        f"public rule classes not registered for JSON: {missing}; add each to "
        "emulation_rules.serialize.LIBRARY_RULES (or to NOT_RULES here if it is a result)"
    )


def _subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub, *_subclasses(sub)}
    return out


def test_every_condition_value_and_scale_class_is_registered() -> None:
    registered = set(converter.registered().values())
    abstract = {eligibility._Leaf, eligibility._Any}  # _Any: only inside vote_share
    for base in (er.Condition, eligibility._Value, er.Scale):
        todo = {
            c for c in _subclasses(base) if c.__module__.startswith("emulation_rules")
        } - abstract
        assert todo, base
        missing = sorted(c.__name__ for c in todo - registered)
        assert not missing, f"{base.__name__} classes not registered for JSON: {missing}"
    assert scales.Scale not in registered


def test_registering_an_attrs_class_is_one_line() -> None:
    @attrs.frozen
    class Prize:
        award: str
        amount: int = attrs.field(kw_only=True, default=0)

    conv = RuleConverter()
    conv.register_rule(Prize, "test.Prize")
    text = er.dumps(Prize("CSTĐ", amount=5), converter=conv)
    assert json.loads(text)["rule"] == {"type": "test.Prize", "award": "CSTĐ", "amount": 5}
    assert er.loads(text, converter=conv) == Prize("CSTĐ", amount=5)
    # The shared converter does not know it: nothing registered leaks between converters.
    with pytest.raises(er.SerializationError, match=r"\$\.rule\.type: unknown type 'test\.Prize'"):
        er.loads(text)
    with pytest.raises(er.RuleTypeError, match=r"\$\.rule: cannot write"):
        er.dumps(Prize("x"))


def test_cattrs_api_structures_and_unstructures() -> None:
    crit = er.Criterion("rate", 10, scale=er.Target(0.75))
    data = converter.unstructure(crit)
    assert data["type"] == "Criterion"
    assert converter.structure(data, er.Criterion) == crit
    assert converter.structure(data["scale"], er.Scale) == er.Target(0.75)
    with pytest.raises(er.SerializationError, match="expected a Scale, found Criterion"):
        converter.structure(data, er.Scale)


def test_registration_refuses_clashes_and_unbuildable_classes() -> None:
    conv = RuleConverter()
    with pytest.raises(er.RuleError, match="already registered"):
        conv.register_rule(er.Linear, "other")

    @attrs.frozen
    class A:
        x: int

    with pytest.raises(er.RuleError, match="'Lot' is already taken"):
        conv.register_rule(A, "Lot")
    with pytest.raises(er.RuleError, match="already taken"):
        conv.register_rule(A, "Fraction")  # a value tag

    @attrs.frozen(init=False)
    class B:
        x: int

        def __init__(self, y: int) -> None:
            self.__attrs_init__(y)

    with pytest.raises(er.RuleTypeError, match="field 'x' is not a parameter"):
        conv.register_rule(B)

    with pytest.raises(er.RuleTypeError, match="together"):
        conv.register_rule(A, fields=("x",))

    class NotAttrs:
        pass

    with pytest.raises(er.RuleTypeError, match="not an attrs class"):
        conv.register_rule(NotAttrs)


# -- values JSON has no word for --------------------------------------------------------


class Colour(enum.Enum):
    RED = "r"
    GREEN = "g"


@attrs.frozen
class Bag:
    value: Any


@pytest.mark.parametrize(
    "value",
    [
        np.int64(7),
        np.float32(0.5),
        np.bool_(True),
        (1, (2.5, "x")),
        [1, [2]],
        {"a": 1, 2: (3,)},
        types.MappingProxyType({"k": Fraction(1, 3)}),
        frozenset({"b", "a"}),
        {1, 2},
        Fraction(-7, 3),
        Decimal("1.50"),
        Decimal("-0E+3"),
        datetime.date(2025, 7, 1),
        datetime.datetime(2025, 7, 1, 8, 30, tzinfo=datetime.UTC),
        Colour.GREEN,
        math.inf,
        -math.inf,
        2**80,
        -0.0,
        1e-310,
    ],
    ids=repr,
)
def test_non_json_values_round_trip_losslessly(value: Any) -> None:
    conv = RuleConverter()
    conv.register_rule(Bag, "test.Bag")
    conv.register_enum(Colour, "test.Colour")
    back = er.loads(er.dumps(Bag(value), converter=conv), converter=conv).value
    assert back == value
    expected = {np.int64: int, np.float32: float, np.bool_: bool}.get(type(value), type(value))
    assert type(back) is expected
    if isinstance(value, Decimal):
        assert str(back) == str(value)  # the exponent too
    if isinstance(value, float):
        assert math.copysign(1, back) == math.copysign(1, value)


def test_nan_round_trips() -> None:
    conv = RuleConverter()
    conv.register_rule(Bag, "test.Bag")
    back = er.loads(er.dumps(Bag(math.nan), converter=conv), converter=conv).value
    assert isinstance(back, float)
    assert math.isnan(back)


def test_values_of_unregistered_types_are_refused_on_writing() -> None:
    conv = RuleConverter()
    conv.register_rule(Bag, "test.Bag")
    with pytest.raises(er.RuleTypeError, match=r"\$\.rule\.value\[1\]: .*Colour"):
        er.dumps(Bag((1, Colour.RED)), converter=conv)
    with pytest.raises(er.RuleTypeError, match="complex"):
        er.dumps(Bag(1j), converter=conv)
    with pytest.raises(er.RuleTypeError, match="longdouble|float128"):
        er.dumps(Bag(np.longdouble(1) / 3), converter=conv)


# -- refusals, each with its path --------------------------------------------------------

CARD = {
    "type": "Scorecard",
    "items": [{"type": "Criterion", "column": "rate", "points": 10, "scale": {"type": "MinMax"}}],
}


def _with(path: list[Any], value: Any, delete: bool = False) -> str:
    data = json.loads(json.dumps(CARD))
    node = data
    for k in path[:-1]:
        node = node[k]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc(data)


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        (
            _with(["items", 0, "scale", "type"], "MinMaxx"),
            "$.rule.items[0].scale.type",
            "did you mean 'MinMax'",
        ),
        (_with(["items", 0, "weight"], 3), "$.rule.items[0].weight", "unknown field 'weight'"),
        (
            _with(["items", 0, "column"], None, delete=True),
            "$.rule.items[0]",
            "needs the field(s) 'column'",
        ),
        (_with(["items", 0, "points"], -1), "$.rule.items[0]", "Criterion cannot be built"),
        (
            _with(["items", 0, "points"], "ten"),
            "$.rule.items[0].points",
            "Criterion points is float (got 'ten')",
        ),
        (
            doc({"type": "Key", "name": "total", "descending": "no"}),
            "$.rule.descending",
            "Key descending is bool (got 'no')",
        ),
        (
            doc({"type": "Override", "period": 2024.0, "leader": "A", "reason": "x"}),
            "$.rule.period",
            "Override period is int",
        ),
        (
            _with(["items", 0, "scale", "type"], None, delete=True),
            "$.rule.items[0].scale",
            "needs a 'type'",
        ),
        (
            _with(["items", 0, "scale", "type"], "os.system"),
            "$.rule.items[0].scale.type",
            "unknown type 'os.system'",
        ),
        (
            _with(["items", 0, "points"], {"type": "Fraction", "value": "1/0"}),
            "$.rule.items[0].points.value",
            "not a Fraction",
        ),
        (
            _with(["items", 0, "points"], {"type": "Fraction", "value": "0.5"}),
            "$.rule.items[0].points.value",
            "numerator/denominator",
        ),
        (
            _with(["items", 0, "points"], {"type": "float", "value": "1e400"}),
            "$.rule.items[0].points.value",
            "not a float",
        ),
        (
            _with(["items", 0, "points"], {"type": "Decimal", "value": 1}),
            "$.rule.items[0].points.value",
            "written as a string",
        ),
        (
            _with(["items", 0, "points"], {"type": "date", "value": "2025-13-01"}),
            "$.rule.items[0].points.value",
            "not a date",
        ),
        (
            _with(["items", 0, "points"], {"type": "list", "items": [], "x": 1}),
            "$.rule.items[0].points.x",
            "unknown field 'x'",
        ),
        (
            _with(["items", 0, "points"], {"type": "dict", "items": [[1]]}),
            "$.rule.items[0].points.items[0]",
            "[key, value] pair",
        ),
        (
            _with(["items", 0, "points"], {"type": "dict", "items": [[1, 2], [1, 3]]}),
            "$.rule.items[0].points.items[1][0]",
            "duplicate key 1",
        ),
        (
            _with(["items", 0, "points"], {"type": "set", "items": [1, 1]}),
            "$.rule.items[0].points.items",
            "each item once",
        ),
        (
            doc({"type": "compare", "value": {"type": "rank"}, "op": "=>", "threshold": 3}),
            "$.rule",
            "op is one of",
        ),
        (
            doc(
                {
                    "type": "compare",
                    "value": {"type": "holds", "titles": ["A"]},
                    "op": ">=",
                    "threshold": 3,
                }
            ),
            "$.rule",
            "value is fact",
        ),
        (
            doc({"type": "compare", "value": {"type": "rank"}, "op": "<", "threshold": 1}),
            "$.rule",
            "holds for no unit",
        ),
        (doc({"type": "holds", "titles": "AB"}), "$.rule", "list of title names"),
        (doc({"type": "ever", "titles": ["A"], "before": "yes"}), "$.rule", "true or false"),
        (doc({"type": "not", "part": {"type": "Lot", "seed": 1}}), "$.rule", "a condition"),
        (
            doc({"type": "Ranking", "steps": {"type": "Lot", "seed": 1}}),
            "$.rule",
            "steps is a list",
        ),
        (
            doc(
                {
                    "type": "Merge",
                    "into": "A",
                    "period": 2020,
                    "published": ["A", "B"],
                    "absorbed": ["A"],
                }
            ),
            "$.rule",
            "leave absorbed and partners empty",
        ),
        ('{"format": "emulation_rules", "schema_version": 1, "rule": NaN}', "$", "NaN is not JSON"),
        (
            '{"format": "emulation_rules", "schema_version": 1, "rule": 1, "rule": 2}',
            "$",
            "appears twice",
        ),
        ('{"format": "emulation_rules", "schema_version": 1, "rule": ', "$", "not valid JSON"),
        (
            '{"format": "other", "schema_version": 1, "rule": 1}',
            "$.format",
            "not an emulation_rules file",
        ),
        (
            '{"format": "emulation_rules", "schema_version": 2, "rule": 1}',
            "$.schema_version",
            "upgrade",
        ),
        (
            '{"format": "emulation_rules", "schema_version": "1", "rule": 1}',
            "$.schema_version",
            "whole number",
        ),
        (
            '{"format": "emulation_rules", "schema_version": 1, "rules": 1}',
            "$.rules",
            "unknown field 'rules'",
        ),
        ('{"format": "emulation_rules", "schema_version": 1}', "$", "holds no 'rule'"),
        ("[1, 2]", "$", "is a JSON object"),
    ],
)
def test_bad_files_are_refused_with_the_path(text: str, path: str, words: str) -> None:
    with pytest.raises(er.SerializationError) as info:
        er.loads(text)
    err = info.value
    assert isinstance(err, er.DataError)
    assert err.path == path
    assert str(err).startswith(f"{path}: ")
    assert words in str(err)


def test_loading_never_imports_what_the_data_names() -> None:
    before = set(sys.modules)
    for tag in ("antigravity", "this.main", "builtins.eval", "emulation_rules._demo.main"):
        with pytest.raises(er.SerializationError, match="unknown type"):
            er.loads(doc({"type": tag}))
    assert set(sys.modules) == before


def test_loading_validates_through_the_constructors() -> None:
    # A Window whose min_length exceeds its length cannot be built in code, nor loaded.
    bad = {
        "type": "in_window",
        "condition": {"type": "holds", "titles": ["A"]},
        "window": {"type": "Window", "length": 2, "min_length": 3},
        "at_least": 1,
    }
    with pytest.raises(
        er.SerializationError, match=r"^\$\.rule\.window: Window cannot be built.*min_length"
    ):
        er.loads(doc(bad))
    # Titles are normalised (NFC) exactly as in code.
    text = doc({"type": "holds", "titles": [unicodedata.normalize("NFD", "Lao động tiên tiến")]})
    assert er.loads(text) == er.holds("Lao động tiên tiến")


# -- the schema --------------------------------------------------------------------------


def test_shipped_schema_is_current() -> None:
    shipped = json.loads((ROOT / "docs" / "rules.schema.json").read_text(encoding="utf-8"))
    # A fresh converter: a test or doctest may have registered types on the shared one.
    assert shipped == er.schema(converter=RuleConverter()), (
        "docs/rules.schema.json is stale: regenerate it with "
        "`PYTHONPATH=src python -m emulation_rules.serialize docs/rules.schema.json`"
    )


def test_schema_describes_every_registered_type() -> None:
    s = er.schema()
    for tag in converter.registered():
        node = s["$defs"][tag]
        assert node["properties"]["type"] == {"const": tag}
        assert node["additionalProperties"] is False
        assert {"$ref": f"#/$defs/{tag}"} in s["$defs"]["value"]["anyOf"]
    crit = s["$defs"]["Criterion"]
    assert set(crit["required"]) == {"type", "column", "points", "scale"}


def test_documents_validate_against_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(er.schema())
    for rule in examples():
        validator.validate(json.loads(er.dumps(rule)))
    jsonschema.Draft202012Validator.check_schema(er.schema())
    assert not validator.is_valid(json.loads(_with(["items", 0, "weight"], 3)))
    # Field types come from the annotations: a word outside a Literal, a rule of the wrong kind.
    target = {"type": "Target", "target": 0.75, "below": "upward"}
    assert not validator.is_valid(json.loads(_with(["items", 0, "scale"], target)))
    lot = {"type": "Lot", "seed": 1}
    assert not validator.is_valid(json.loads(_with(["items", 0, "scale"], lot)))
    assert validator.is_valid(json.loads(_with(["items", 0, "scale"], {"type": "ZScore"})))


# -- the extra is optional ---------------------------------------------------------------


def test_core_imports_without_cattrs_and_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['cattrs'] = None\n"
        "import emulation_rules as er\n"
        "er.Scorecard([er.Criterion('a', 1, scale=er.MinMax())])\n"
        "try:\n"
        "    er.dumps(er.Lot(1))\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    )
    assert "pip install 'emulation_rules[json]'" in out.stdout


def test_copies_keep_registrations_and_stay_apart() -> None:
    conv = RuleConverter()
    conv.register_rule(Bag, "test.Bag")
    conv.register_enum(Colour, "test.Colour")
    twin = conv.copy()
    assert twin.registered() == conv.registered()

    @attrs.frozen
    class Only:
        x: int

    twin.register_rule(Only, "test.Only")
    assert "test.Only" not in conv.registered()
    assert er.loads(er.dumps(Bag(Colour.RED), converter=twin), converter=twin) == Bag(Colour.RED)


def test_numpy_text_is_written_as_text() -> None:
    assert json.loads(er.dumps(er.holds("A")))["rule"]["titles"] == ["A"]
    conv = RuleConverter()
    conv.register_rule(Bag, "test.Bag")
    back = er.loads(er.dumps(Bag(np.str_("Huế")), converter=conv), converter=conv)
    assert back == Bag("Huế")
    assert type(back.value) is str


def test_pathological_json_is_refused_as_data() -> None:
    deep = doc({"type": "not", "part": None}).replace("null", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(er.SerializationError, match="nested too deeply"):
        er.loads(deep)
    huge = '{"format": "emulation_rules", "schema_version": 1, "rule": 1' + "0" * 5000 + "}"
    with pytest.raises(er.SerializationError, match=r"^\$: "):
        er.loads(huge)
    with pytest.raises(er.SerializationError, match="not UTF-8"):
        er.loads(b'{"format": "\xff"}')


@attrs.frozen
class Flag:
    on: bool
    weight: float | None = None


def test_registered_types_get_their_plain_fields_checked() -> None:
    conv = RuleConverter()
    conv.register_rule(Flag, "test.Flag")
    good = doc({"type": "test.Flag", "on": True, "weight": 2})
    assert er.loads(good, converter=conv) == Flag(True, 2)
    with pytest.raises(er.SerializationError, match=r"^\$\.rule\.on: test\.Flag on is bool"):
        er.loads(doc({"type": "test.Flag", "on": "yes"}), converter=conv)
    with pytest.raises(er.SerializationError, match=r"^\$\.rule\.weight: .* is float or null"):
        er.loads(doc({"type": "test.Flag", "on": True, "weight": "2"}), converter=conv)
    props = conv.schema()["$defs"]["test.Flag"]["properties"]
    assert props["on"] == {"type": "boolean"}


def _tags(data: Any) -> set[str]:
    if isinstance(data, dict):
        found = {data["type"]} if isinstance(data.get("type"), str) else set()
        return found.union(*(_tags(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(_tags(v) for v in data))
    return set()


def test_worked_examples_cover_every_registered_type() -> None:
    seen = set().union(*(_tags(json.loads(er.dumps(r))) for r in examples()))
    missing = sorted(set(RuleConverter().registered()) - seen)
    assert not missing, f"add a worked example of {missing} to examples() above"
