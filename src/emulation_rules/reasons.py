"""Reasons as data: why a unit passed, failed, ranked, received or led.

Every decision of the library -- a clause of an eligibility condition, a place
in a standing, an award or its refusal, a rotation term -- is recorded as a
:class:`Reason`: a **code** (what kind of reason), the **rule** it concerns (as
written), the **values** and thresholds involved, and the **units** involved.
Sentences are rendered from reasons, in English or Vietnamese, never the
other way round; an application can show the same reason in its own words
from :meth:`Reason.to_dict`.

Every code is listed in :data:`CODES` and, with its values, in the table of
``docs/reasons.md``.

Examples
--------
>>> r = Reason("condition.streak", rule="streak('LĐTT', n=2)", values={"run": 1, "needed": 2})
>>> str(r)
'1 consecutive'
>>> r.render("vi")
'1 năm liên tục'
>>> r.to_dict()
{'code': 'condition.streak', 'rule': "streak('LĐTT', n=2)", 'values': {'run': 1, 'needed': 2}, 'units': [], 'parts': [], 'source': None}
>>> Reason.from_dict(r.to_dict()) == r
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Literal

import attrs
import numpy as np

from ._names import listing as quoted
from .errors import RuleError, RuleTypeError

__all__ = [
    "CODES",
    "Code",
    "Language",
    "Reason",
    "codes_table",
    "render_failed",
    "render_tree",
]

Language = Literal["en", "vi"]
_LANGUAGES = ("en", "vi")


def _plain(x: Any, where: str) -> Any:
    """``x`` as JSON-ready data: numbers, text, booleans, None, lists and dicts."""
    if x is None or isinstance(x, bool | str):
        return x
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, int | np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        f = float(x)
        return int(f) if f.is_integer() and abs(f) < 2**53 else f
    if isinstance(x, Fraction):
        return _fraction(x)
    if isinstance(x, Mapping):
        return {str(k): _plain(v, f"{where}[{k!r}]") for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(x)]
    raise RuleTypeError(
        f"reason value {where} must be a number, text, boolean, None, list or mapping "
        f"(got {type(x).__name__}: {x!r})"
    )


def _fraction(x: Fraction) -> int | float | str:
    """An exact number: an int, a float that is exactly it, or its decimal/fraction text."""
    if x.denominator == 1:
        return int(x.numerator)
    f = float(x)
    if Fraction(f) == x:
        return f
    return f"{x.numerator}/{x.denominator}"


def _values(v: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if v is None:
        return MappingProxyType({})
    if not isinstance(v, Mapping):
        raise RuleTypeError(f"values of a reason must be a mapping (got {v!r})")
    return MappingProxyType({str(k): _freeze(_plain(x, f"values[{k!r}]")) for k, x in v.items()})


def _freeze(x: Any) -> Any:
    if isinstance(x, list):
        return tuple(_freeze(v) for v in x)
    if isinstance(x, dict):
        return MappingProxyType({k: _freeze(v) for k, v in x.items()})
    return x


def _hashable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return tuple((k, _hashable(v)) for k, v in x.items())
    if isinstance(x, tuple):
        return tuple(_hashable(v) for v in x)
    return x


def _thaw(x: Any) -> Any:
    if isinstance(x, tuple):
        return [_thaw(v) for v in x]
    if isinstance(x, Mapping):
        return {k: _thaw(v) for k, v in x.items()}
    return x


def _units(u: Iterable[str]) -> tuple[str, ...]:
    if isinstance(u, str):
        return (u,)
    return tuple(str(x) for x in u)


def _parts(parts: Iterable[Reason]) -> tuple[Reason, ...]:
    out = tuple(parts)
    for p in out:
        if not isinstance(p, Reason):
            raise RuleTypeError(f"the parts of a reason are reasons (got {p!r})")
    return out


def _code(instance: Reason, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in CODES:
        raise RuleError(f"unknown reason code {value!r}; the codes are listed in CODES")


@attrs.frozen(eq=True, hash=False)
class Reason:
    """One reason: a code, the rule it concerns, the values and units involved.

    ``parts`` hold the reasons a reason is made of (the clauses of a condition,
    the members that were skipped). ``str()`` renders the reason in English;
    :meth:`render` in any supported language; :meth:`to_dict` gives plain data.
    """

    code: str = attrs.field(validator=_code)
    rule: str = ""
    values: Mapping[str, Any] = attrs.field(factory=dict, converter=_values)
    units: tuple[str, ...] = attrs.field(default=(), converter=_units)
    parts: tuple[Reason, ...] = attrs.field(default=(), converter=_parts)
    #: The instrument and article the rule encodes (e.g. ``"Luật 06/2022/QH15, Điều 24"``).
    source: str | None = attrs.field(default=None, kw_only=True)

    def render(self, language: Language = "en") -> str:
        """The reason in words (``"en"`` or ``"vi"``)."""
        if language not in _LANGUAGES:
            raise RuleError(f"language must be one of {_LANGUAGES} (got {language!r})")
        code = CODES[self.code]
        try:
            return code.render(self, language)
        except (TypeError, KeyError, IndexError, AttributeError, ValueError) as exc:
            # A reason built by hand or read from another version's JSON may lack what
            # its code is said with.
            raise RuleError(
                f"reason {self.code!r} cannot be said: it lacks the values or units its code "
                f"needs (values: {', '.join(code.values) or 'none'}; got {dict(self.values)!r}, "
                f"units {list(self.units)!r}, {len(self.parts)} parts)"
            ) from exc

    def __str__(self) -> str:
        return self.render("en")

    def __hash__(self) -> int:
        return hash(
            (self.code, self.rule, _hashable(self.values), self.units, self.parts, self.source)
        )

    def get(self, name: str, default: Any = None) -> Any:
        """A value by name (``default`` when absent)."""
        return self.values.get(name, default)

    def to_dict(self) -> dict[str, Any]:
        """The reason as plain dicts, lists, strings and numbers (JSON-ready)."""
        return {
            "code": self.code,
            "rule": self.rule,
            "values": _thaw(self.values),
            "units": list(self.units),
            "parts": [p.to_dict() for p in self.parts],
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        """The reason :meth:`to_dict` gave."""
        if not isinstance(data, Mapping) or "code" not in data:
            raise RuleTypeError(f"a reason is a mapping with a 'code' (got {data!r})")
        return cls(
            data["code"],
            rule=data.get("rule", ""),
            values=data.get("values") or {},
            units=data.get("units") or (),
            parts=tuple(cls.from_dict(p) for p in data.get("parts") or ()),
            source=data.get("source"),
        )


@attrs.frozen
class Code:
    """A reason code: what it means, which values it carries, how it is said."""

    code: str
    meaning: str
    values: tuple[str, ...]
    en: Callable[[Reason], str] = attrs.field(repr=False)
    vi: Callable[[Reason], str] = attrs.field(repr=False)

    def render(self, r: Reason, language: Language) -> str:
        return (self.en if language == "en" else self.vi)(r)


# -- wording helpers -------------------------------------------------------------------


def num(x: Any) -> str:
    """A number as the library prints it: ``5``, ``92.5``, ``0.1``."""
    if isinstance(x, bool) or x is None:
        return str(x)
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if math.isfinite(x) and x.is_integer() and abs(x) < 2**53:
            return str(int(x))
        return repr(x)
    return str(x)


def listing(items: Iterable[str], conj: str = "and") -> str:
    xs = list(items)
    if len(xs) <= 1:
        return "".join(xs)
    return f"{', '.join(xs[:-1])} {conj} {xs[-1]}"


def _r(r: Reason, name: str) -> Any:
    return r.values.get(name)


_codes: dict[str, Code] = {}
#: Every reason code, with its meaning, values and wording (read-only).
CODES: Mapping[str, Code] = MappingProxyType(_codes)


def _add(code: str, meaning: str, values: tuple[str, ...], en: Any, vi: Any) -> None:
    _codes[code] = Code(code, meaning, values, en, vi)


# -- eligibility -------------------------------------------------------------------------

_add(
    "eligibility.verdict",
    "A unit's verdict on a condition; the parts are the condition's clauses.",
    ("passed",),
    lambda r: f"{listing(r.units)} {'passes' if _r(r, 'passed') else 'fails'} {r.rule}",
    lambda r: f"{listing(r.units)} {'đạt' if _r(r, 'passed') else 'không đạt'} {r.rule}",
)
_add(
    "condition.all_of",
    "All of the parts must hold.",
    ("passed",),
    lambda r: "all of",
    lambda r: "tất cả",
)
_add(
    "condition.any_of",
    "At least one of the parts must hold.",
    ("passed",),
    lambda r: "any of",
    lambda r: "một trong",
)
_add(
    "condition.not",
    "The part must not hold.",
    ("passed",),
    lambda r: "not",
    lambda r: "không",
)
_add(
    "condition.value",
    "A clause with the value it computed (a predicate, a title held); no value: empty.",
    ("passed", "value"),
    lambda r: "" if _r(r, "value") is None else num(_r(r, "value")),
    lambda r: "" if _r(r, "value") is None else num(_r(r, "value")),
)
_add(
    "condition.compare",
    "A comparison of a unit's value (fact, column, score, rank, vote) with a threshold.",
    ("passed", "value", "op", "threshold"),
    lambda r: num(_r(r, "value")),
    lambda r: num(_r(r, "value")),
)
_add(
    "condition.missing",
    "A comparison whose value is missing for the unit (a missing value never passes).",
    ("passed", "op", "threshold"),
    lambda r: "missing",
    lambda r: "thiếu số liệu",
)
_add(
    "condition.ever",
    "The last period the unit held one of the titles (None: never).",
    ("passed", "last"),
    lambda r: "never" if _r(r, "last") is None else f"last in {_r(r, 'last')}",
    lambda r: "chưa từng" if _r(r, "last") is None else f"lần gần nhất năm {_r(r, 'last')}",
)
_add(
    "condition.streak",
    "Consecutive periods holding the titles up to the assessed one, and the number needed.",
    ("passed", "run", "needed"),
    lambda r: f"{_r(r, 'run')} consecutive",
    lambda r: f"{_r(r, 'run')} năm liên tục",
)
_add(
    "condition.consecutive",
    "Consecutive awards of a title every few periods, and the number needed.",
    ("passed", "run", "needed", "every"),
    lambda r: f"{_r(r, 'run')} in a row",
    lambda r: f"{_r(r, 'run')} lần liên tiếp",
)


def _window_en(r: Reason) -> str:
    text = f"{_r(r, 'hits')} of {_r(r, 'length')} periods"
    need = _r(r, "min_length") or 0
    if _r(r, "length") < need:
        text += f"; the window is shorter than the {need} periods required"
    return text


def _window_vi(r: Reason) -> str:
    text = f"{_r(r, 'hits')} trong {_r(r, 'length')} năm"
    need = _r(r, "min_length") or 0
    if _r(r, "length") < need:
        text += f"; thời gian xét ngắn hơn {need} năm quy định"
    return text


_add(
    "condition.window",
    "Periods of a window in which the inner condition held, the window's length, the count "
    "needed (None: every period) and the shortest window allowed.",
    ("passed", "hits", "length", "at_least", "min_length"),
    _window_en,
    _window_vi,
)
_add(
    "condition.member_share",
    "Members of a collective meeting a condition, out of all its members, against a share.",
    ("passed", "members", "of", "op", "share"),
    lambda r: f"{_r(r, 'members')} of {_r(r, 'of')} members" if _r(r, "of") else "no members",
    lambda r: (
        f"{_r(r, 'members')}/{_r(r, 'of')} thành viên" if _r(r, "of") else "không có thành viên"
    ),
)
_add(
    "condition.vote_share",
    "Votes in favour out of the votes cast, against a share.",
    ("passed", "yes", "of", "op", "share"),
    lambda r: f"{_r(r, 'yes')} of {_r(r, 'of')}",
    lambda r: f"{_r(r, 'yes')}/{_r(r, 'of')} phiếu",
)

_COMPOSITE_KIND = {
    "condition.all_of": "all_of",
    "condition.any_of": "any_of",
    "condition.not": "not",
}
#: The few words of the failed-clauses layout that are not a reason of their own.
_WORDS = {
    "en": {"none_of": "none of:", "not": "not", "holds": "it holds"},
    "vi": {"none_of": "không đạt điều nào:", "not": "không", "holds": "vẫn đúng"},
}


def _leaf_line(r: Reason, language: Language) -> str:
    value = r.render(language)
    return r.rule + (f": {value}" if value else "") + _cited(r)


def _cited(*reasons: Reason) -> str:
    """`` [source]`` of the first reason whose rule cites one, for an explanation line."""
    for r in reasons:
        if r.source is not None:
            return f" [{r.source}]"
    return ""


def render_tree(root: Reason, language: Language) -> str:
    """A verdict's reason (``eligibility.verdict``) as the whole tree, each clause marked
    ✓ or ✗ with its value."""
    lines = [root.render(language)]

    def walk(r: Reason, depth: int) -> None:
        mark = "✓" if r.values["passed"] else "✗"
        if r.code in _COMPOSITE_KIND:
            lines.append(f"{'  ' * depth}{mark} {r.render(language)}:{_cited(r)}")
            for kid in r.parts:
                walk(kid, depth + 1)
        else:
            lines.append(f"{'  ' * depth}{mark} {_leaf_line(r, language)}")

    walk(root.parts[0], 1)
    return "\n".join(lines)


def render_failed(root: Reason, language: Language) -> str:
    """A verdict's reason as the clauses that made the unit fail."""
    if root.values["passed"]:
        return root.render(language)
    words = _WORDS[language]
    lines = [root.render(language) + ":"]

    # A failed "all of" shows only its failed clauses, at its own depth: its citation goes
    # with each of them (``group``), else it would vanish from the lines.
    def walk(r: Reason, depth: int, group: str) -> None:
        pad = "  " * depth
        if r.code not in _COMPOSITE_KIND:
            line = _leaf_line(r, language)
            lines.append(f"{pad}✗ {line}" + ("" if r.source is not None else group))
        elif r.code == "condition.all_of":
            inner = _cited(r) or group
            for kid in r.parts:
                if not kid.values["passed"]:
                    walk(kid, depth, inner)
        elif r.code == "condition.any_of":
            lines.append(f"{pad}✗ {words['none_of']}{_cited(r) or group}")
            for kid in r.parts:
                walk(kid, depth + 1, "")
        else:
            kid = r.parts[0]
            value = "" if kid.code in _COMPOSITE_KIND else kid.render(language)
            held = f" ({words['holds']}: {value})" if value else f" ({words['holds']})"
            lines.append(f"{pad}✗ {words['not']} {kid.rule}{held}{_cited(r, kid) or group}")

    walk(root.parts[0], 1, "")
    return "\n".join(lines)


# -- standings ---------------------------------------------------------------------------

_add(
    "rank.first",
    "The unit placed first.",
    ("position", "rank"),
    lambda r: f"{_r(r, 'rank')}. {r.units[0]}",
    lambda r: f"{_r(r, 'rank')}. {r.units[0]}",
)
_add(
    "rank.tied",
    "Tied with the unit above: no step separated them. Units: the unit, the one above.",
    ("position", "rank"),
    lambda r: f"{_r(r, 'rank')}. {r.units[0]}  (tied with {r.units[1]}: no step separated them)",
    lambda r: (
        f"{_r(r, 'rank')}. {r.units[0]}  (đồng hạng với {r.units[1]}: không tiêu chí nào phân định)"
    ),
)


def _step_en(r: Reason) -> str:
    among = f" among {_r(r, 'among')} tied units" if _r(r, "among") else ""
    lv = _r(r, "level_on") or ()
    level = f"; level on {', '.join(lv)}" if lv else ""
    return (
        f"{_r(r, 'rank')}. {r.units[0]}  (below {r.units[1]} by {r.rule}{among}: "
        f"{num(_r(r, 'value'))} vs {num(_r(r, 'above_value'))}{level})"
    )


def _step_vi(r: Reason) -> str:
    among = f" trong {_r(r, 'among')} đơn vị bằng điểm" if _r(r, "among") else ""
    lv = _r(r, "level_on") or ()
    level = f"; bằng nhau ở {', '.join(lv)}" if lv else ""
    return (
        f"{_r(r, 'rank')}. {r.units[0]}  (xếp sau {r.units[1]} theo {r.rule}{among}: "
        f"{num(_r(r, 'value'))} so với {num(_r(r, 'above_value'))}{level})"
    )


_add(
    "rank.step",
    "Placed below the unit above by a step of the ranking (the rule), with both values and "
    "the steps they were level on. Units: the unit, the one above.",
    ("position", "rank", "step_index", "value", "above_value", "level_on", "among"),
    _step_en,
    _step_vi,
)
_add(
    "rank.lots",
    "Lots drawn to separate ties (values: the lot of each unit).",
    ("lots",),
    lambda r: "lots drawn: " + ", ".join(f"{u}={v}" for u, v in (_r(r, "lots") or {}).items()),
    lambda r: "bốc thăm: " + ", ".join(f"{u}={v}" for u, v in (_r(r, "lots") or {}).items()),
)

# -- quotas and awards -------------------------------------------------------------------


def _quota_en(r: Reason) -> str:
    if _r(r, "count") is not None:
        text = f"{_r(r, 'count')}"
    else:
        text = (
            f"{_r(r, 'percent')} % of {_r(r, 'base')} = {_r(r, 'exact')} -> "
            f"{_r(r, 'rounded')} ({_r(r, 'rounding')})"
        )
    if _r(r, "bounded"):
        text += f", bounded to {_r(r, 'limit')}"
    return text + _cited(r)


_ROUNDING_VI = {
    "floor": "làm tròn xuống",
    "ceil": "làm tròn lên",
    "half_up": "làm tròn",
    "half_even": "làm tròn về số chẵn",
}


def _quota_vi(r: Reason) -> str:
    if _r(r, "count") is not None:
        text = f"{_r(r, 'count')}"
    else:
        text = (
            f"{_r(r, 'percent')} % của {_r(r, 'base')} = {_r(r, 'exact')} -> "
            f"{_r(r, 'rounded')} ({_ROUNDING_VI.get(_r(r, 'rounding'), _r(r, 'rounding'))})"
        )
    if _r(r, "bounded"):
        text += f", theo mức tối thiểu/tối đa: {_r(r, 'limit')}"
    return text + _cited(r)


_add(
    "quota.limit",
    "How a quota's limit was computed: a fixed count, or a share (percent, exact) of a base "
    "(exact, as text), rounded, then bounded by the quota's minimum and maximum.",
    ("count", "percent", "share", "base", "exact", "rounded", "rounding", "limit", "bounded"),
    _quota_en,
    _quota_vi,
)

#: The outcome codes of an award, in the order of :data:`emulation_rules.awards.REASONS`.
AWARD_CODES = (
    "award.awarded",
    "award.failed",
    "award.prerequisite",
    "award.excluded",
    "award.quota",
    "award.tie_out",
    "award.tie_in",
)
_AWARD_EN = (
    "awarded",
    "failed the condition",
    "prerequisite missing",
    "excluded by another award",
    "quota reached",
    "tied at the cut-off and excluded",
    "awarded above the quota (tied at the cut-off)",
)
_AWARD_VI = (
    "được khen thưởng",
    "không đạt điều kiện",
    "thiếu danh hiệu, hình thức khen thưởng là điều kiện",
    "đã nhận hình thức khen thưởng khác",
    "hết chỉ tiêu",
    "đồng hạng tại ngưỡng chỉ tiêu, không được khen thưởng",
    "được khen thưởng vượt chỉ tiêu (đồng hạng tại ngưỡng)",
)


def _award(k: int, lang: Language) -> Callable[[Reason], str]:
    def say(r: Reason) -> str:
        head = f"{r.values['award']}: {(_AWARD_EN if lang == 'en' else _AWARD_VI)[k]}"
        if _r(r, "position") is not None:
            quota = next((p for p in r.parts if p.code == "quota.limit"), None)
            how = "" if quota is None else quota.render(lang)
            group = _r(r, "group")
            if lang == "en":
                where = f" in {group}" if group else ""
                head += (
                    f" (ranked {_r(r, 'position')} of {_r(r, 'candidates')} candidates{where}; "
                    f"quota {how})"
                )
            else:
                where = f" trong {group}" if group else ""
                head += (
                    f" (xếp thứ {_r(r, 'position')}/{_r(r, 'candidates')} đơn vị được xét"
                    f"{where}; chỉ tiêu {how})"
                )
        return head

    return say


for _k, _c in enumerate(AWARD_CODES):
    _add(
        _c,
        f"An award's outcome for a unit: {_AWARD_EN[_k]} (see the award codes above).",
        ("award", "period", "position", "candidates", "group"),
        _award(_k, "en"),
        _award(_k, "vi"),
    )
_add(
    "award.needs",
    "The prerequisites an award needs in the period (units: the prerequisite awards).",
    ("period",),
    lambda r: f"needs {', '.join(r.units)} in {_r(r, 'period')}",
    lambda r: f"cần {', '.join(r.units)} năm {_r(r, 'period')}",
)
_add(
    "award.excluded_by",
    "The awards the unit already receives that exclude this one (units: those awards).",
    ("period",),
    lambda r: (
        f"already receives {', '.join(r.units)} for {_r(r, 'period')} (one achievement, one form)"
    ),
    lambda r: (
        f"đã nhận {', '.join(r.units)} cho năm {_r(r, 'period')} "
        "(một thành tích chỉ đề nghị một hình thức khen thưởng)"
    ),
)

# -- rotation ----------------------------------------------------------------------------


def _unit(r: Reason) -> str:
    return r.units[0] if r.units else ""


def _part(r: Reason, lang: Language) -> str:
    return r.parts[0].render(lang) if r.parts else ""


_add(
    "rotation.turn",
    "The member's turn in a fixed cycle (anchor: the cycle's anchor holder and period).",
    ("anchor",),
    lambda r: "anchor of the cycle" if _r(r, "anchor") else "turn in the cycle",
    lambda r: (
        "đơn vị mốc của vòng luân phiên" if _r(r, "anchor") else "đến lượt theo vòng luân phiên"
    ),
)
_add(
    "rotation.next_in_cycle",
    "The member after the leader's pick in a fixed cycle, as deputy.",
    (),
    lambda r: "next in the cycle",
    lambda r: "kế tiếp trong vòng luân phiên",
)


def _ties_en(r: Reason) -> str:
    out = ""
    for t in _r(r, "tie_breaks") or ():
        side = "ahead" if t["ahead"] else "behind"
        out += f"; tied with {t['with']} on {', '.join(t['on'])}, {side} on {t['by']}"
    return out


def _ties_vi(r: Reason) -> str:
    out = ""
    for t in _r(r, "tie_breaks") or ():
        side = "hơn" if t["ahead"] else "kém"
        out += f"; bằng {t['with']} ở {', '.join(t['on'])}, {side} ở {t['by']}"
    return out


def _ranked_en(r: Reason) -> str:
    votes = _r(r, "votes")
    extra = "" if votes is None else f"{num(votes)} vote{'' if votes == 1 else 's'}, "
    where = (
        f"in the election for {_r(r, 'period')}"
        if _r(r, "source") == "election"
        else f"of the standing used for {_r(r, 'period')}"
    )
    lot = " after a lot" if _r(r, "lot") else ""
    return f"{extra}rank {_r(r, 'rank')} {where}{lot}{_ties_en(r)}"


def _ranked_vi(r: Reason) -> str:
    votes = _r(r, "votes")
    extra = "" if votes is None else f"{num(votes)} phiếu, "
    where = (
        f"trong cuộc bầu cho năm {_r(r, 'period')}"
        if _r(r, "source") == "election"
        else f"theo bảng xếp hạng dùng cho năm {_r(r, 'period')}"
    )
    lot = " sau khi bốc thăm" if _r(r, "lot") else ""
    return f"{extra}hạng {_r(r, 'rank')} {where}{lot}{_ties_vi(r)}"


_add(
    "rotation.ranked",
    "The member's rank in the standing (source 'standing') or the election ('election') used "
    "for the period, its votes, whether a lot placed it, and the later steps that separated "
    "it from a tied neighbour (tie_breaks: with, on, by, ahead).",
    ("rank", "period", "source", "votes", "lot", "tie_breaks"),
    _ranked_en,
    _ranked_vi,
)
_add(
    "rotation.no_standing",
    "No standing was given for the period (BestRanked needs one).",
    ("period",),
    lambda r: (
        f"no standing given for {_r(r, 'period')}; BestRanked chooses each period's leader from "
        f"standings[{_r(r, 'period')}] (usually the standing of the review held in "
        f"{_r(r, 'period') - 1})"
    ),
    lambda r: f"không có bảng xếp hạng cho năm {_r(r, 'period')} (standings[{_r(r, 'period')}])",
)
_add(
    "rotation.no_votes",
    "No votes were given for the period (Elected needs them).",
    ("period",),
    lambda r: f"no votes given for {_r(r, 'period')}; Elected needs votes[{_r(r, 'period')}]",
    lambda r: f"không có kết quả bỏ phiếu cho năm {_r(r, 'period')} (votes[{_r(r, 'period')}])",
)
_add(
    "rotation.not_member",
    "The unit is not a member in the period.",
    ("period",),
    lambda r: f"not a member in {_r(r, 'period')}",
    lambda r: f"không là thành viên năm {_r(r, 'period')}",
)


def _not_eligible(lang: Language) -> Callable[[Reason], str]:
    def say(r: Reason) -> str:
        lines = render_failed(r.parts[0], lang).splitlines()[1:] if r.parts else []
        detail = "; ".join(line.strip().removeprefix("✗ ") for line in lines)
        if lang == "en":
            return f"not eligible: {detail}" if detail else f"fails {r.rule}"
        return f"không đủ điều kiện: {detail}" if detail else f"không đạt {r.rule}"

    return say


_add(
    "rotation.not_eligible",
    "The unit fails the rotation's eligibility condition (the rule); the part is its verdict.",
    ("period",),
    _not_eligible("en"),
    _not_eligible("vi"),
)
_add(
    "rotation.cooldown",
    "The unit led within the cooldown: last led in a period (under an id), cooldown length.",
    ("last", "as", "cooldown"),
    lambda r: (
        f"led in {_r(r, 'last')}"
        + (f" as {_r(r, 'as')}" if _r(r, "as") != _unit(r) else "")
        + f", cooldown {_r(r, 'cooldown')}"
    ),
    lambda r: (
        f"đã làm Cụm trưởng năm {_r(r, 'last')}"
        + (f" (với tên {_r(r, 'as')})" if _r(r, "as") != _unit(r) else "")
        + f", thời gian chờ {_r(r, 'cooldown')} năm"
    ),
)


def _tied_en(r: Reason) -> str:
    role = "deputy" if _r(r, "role") == "deputy" else "the lead"
    p = _r(r, "period")
    return (
        f"{quoted(r.units)} are tied for {role} in {p} ({_part(r, 'en')}); "
        f"{_HINTS.get(_r(r, 'hint'), '')} or give an Override for {p}"
    )


#: How to break a tie, by the ``hint`` of a ``rotation.tied`` reason.
_HINTS = {"lot": "end the ranking with a Lot(seed=...)"}


def _tied_vi(r: Reason) -> str:
    role = "Cụm phó" if _r(r, "role") == "deputy" else "Cụm trưởng"
    p = _r(r, "period")
    return (
        f"{quoted(r.units)} bằng nhau khi xét {role} năm {p} ({_part(r, 'vi')}); "
        f"cần bốc thăm hoặc quyết định (Override) cho năm {p}"
    )


_add(
    "rotation.tied",
    "The data leave the units tied for a role (lead or deputy); the part says how they "
    "stand; hint: how to break the tie.",
    ("period", "role", "hint"),
    _tied_en,
    _tied_vi,
)
_add(
    "rotation.deputy_gone",
    "Last period's deputy is not a member any more.",
    ("period",),
    lambda r: f"deputy in {_r(r, 'period') - 1}, not a member in {_r(r, 'period')}",
    lambda r: f"Cụm phó năm {_r(r, 'period') - 1}, không còn là thành viên năm {_r(r, 'period')}",
)
_add(
    "rotation.deputy_succeeds",
    "Last period's deputy succeeds as leader.",
    ("period",),
    lambda r: f"deputy in {_r(r, 'period') - 1}, succeeds",
    lambda r: f"Cụm phó năm {_r(r, 'period') - 1}, lên làm Cụm trưởng",
)
_add(
    "rotation.deputy_cannot_succeed",
    "Last period's deputy may not succeed; the part says why.",
    ("period",),
    lambda r: f"deputy in {_r(r, 'period') - 1}, cannot succeed: {_part(r, 'en')}",
    lambda r: f"Cụm phó năm {_r(r, 'period') - 1}, không thể lên Cụm trưởng: {_part(r, 'vi')}",
)
_add(
    "rotation.nobody_leads",
    "No member may lead in the period; the parts are the members passed over, with why.",
    ("period",),
    lambda r: (
        f"nobody may lead in {_r(r, 'period')} ("
        + ("; ".join(f"{_unit(s)}: {s.render('en')}" for s in r.parts) or "no candidate")
        + ")"
    ),
    lambda r: (
        f"không thành viên nào có thể làm Cụm trưởng năm {_r(r, 'period')} ("
        + ("; ".join(f"{_unit(s)}: {s.render('vi')}" for s in r.parts) or "không có ứng viên")
        + ")"
    ),
)
_SET_ASIDE = {
    "en": {
        "member": "membership",
        "eligibility": "the eligibility condition",
        "cooldown": "the cooldown",
    },
    "vi": {"member": "tư cách thành viên", "eligibility": "điều kiện", "cooldown": "thời gian chờ"},
}


def _override(lang: Language) -> Callable[[Reason], str]:
    def say(r: Reason) -> str:
        kind = _r(r, "sets_aside")
        if lang == "en":
            text = f"override ({_r(r, 'reason')})"
            if kind:
                text += f"; overrides {_SET_ASIDE['en'][kind]} ({_part(r, 'en')})"
        else:
            text = f"quyết định riêng ({_r(r, 'reason')})"
            if kind:
                text += f"; không áp dụng {_SET_ASIDE['vi'][kind]} ({_part(r, 'vi')})"
        return text

    return say


_add(
    "rotation.override",
    "The holder was set by an Override (reason: the override's own reason); sets_aside: the "
    "rule it sets aside ('member', 'eligibility', 'cooldown' or None), the part says how.",
    ("reason", "sets_aside"),
    _override("en"),
    _override("vi"),
)
_add(
    "rotation.passed_for_deputy",
    "The rules' pick was made deputy by an override, so the lead went to the next one; "
    "the part says how the leader was chosen.",
    ("deputy",),
    lambda r: f"{_part(r, 'en')}; {_r(r, 'deputy')} is deputy by override",
    lambda r: f"{_part(r, 'vi')}; {_r(r, 'deputy')} làm Cụm phó theo quyết định riêng",
)
_add(
    "rotation.lead_went_to",
    "The deputy when the lead went to another unit than the rules' pick; the part says how "
    "the deputy was chosen.",
    ("leader",),
    lambda r: f"{_part(r, 'en')}; the lead went to {_r(r, 'leader')}",
    lambda r: f"{_part(r, 'vi')}; Cụm trưởng là {_r(r, 'leader')}",
)
_add(
    "rotation.nobody_deputises",
    "No other member may deputise.",
    (),
    lambda r: "no other member may deputise",
    lambda r: "không thành viên nào khác có thể làm Cụm phó",
)
_add(
    "rotation.unnamed_deputy",
    "The vote for the period named only the leader: the units tied with no votes.",
    ("period",),
    lambda r: f"the vote for {_r(r, 'period')} names no deputy: {quoted(r.units)} have no votes",
    lambda r: (
        f"kết quả bỏ phiếu năm {_r(r, 'period')} không chọn Cụm phó: "
        f"{quoted(r.units)} không có phiếu"
    ),
)


def _overrides_of(periods: Any, lang: Language) -> str:
    ps = sorted(set(periods))
    if lang == "vi":
        return "quyết định riêng năm " + ", ".join(map(str, ps))
    if len(ps) == 1:
        return f"the override of {ps[0]}"
    if len(ps) <= 3:
        return f"the overrides of {', '.join(map(str, ps[:-1]))} and {ps[-1]}"
    return f"the {len(ps)} overrides from {ps[0]} to {ps[-1]}"


def _difference(lang: Language) -> Callable[[Reason], str]:
    def say(r: Reason) -> str:
        role = _r(r, "role")
        earlier = _r(r, "earlier_overrides") or ()
        base = _r(r, "base") or ("nobody" if lang == "en" else "không có")
        unit = _r(r, "unit") or ("none" if lang == "en" else "không có")
        if lang == "en":
            cause = (
                f"; the policy alone differs because of {_overrides_of(earlier, 'en')}"
                if earlier
                else ""
            )
            return f"{role} {unit} instead of {base}: {_part(r, 'en')}{cause}"
        cause = f"; theo quy tắc thì khác do {_overrides_of(earlier, 'vi')}" if earlier else ""
        name = "Cụm trưởng" if role == "leader" else "Cụm phó"
        return f"{name} {unit} thay vì {base}: {_part(r, 'vi')}{cause}"

    return say


_add(
    "rotation.differs",
    "A role (leader or deputy) whose effective holder differs from the policy's own: the "
    "unit, the base unit, the part says how the unit was chosen; earlier_overrides: the "
    "earlier overrides the policy's own play differs by.",
    ("role", "unit", "base", "earlier_overrides"),
    _difference("en"),
    _difference("vi"),
)


def codes_table() -> str:
    """The Markdown table of every code, its values and meaning (``docs/reasons.md``)."""
    rows = ["| code | values | meaning |", "| --- | --- | --- |"]
    for code in sorted(CODES):
        c = CODES[code]
        values = ", ".join(f"`{v}`" for v in c.values) or "—"
        rows.append(f"| `{code}` | {values} | {c.meaning} |")
    return "\n".join(rows)
