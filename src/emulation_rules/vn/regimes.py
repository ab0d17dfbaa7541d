"""The dated regimes of the Law on Emulation and Commendation, as rule-book versions.

Three versions, each a :class:`Regime` (award schemes per level, bonus multipliers,
the open points chosen in :class:`~emulation_rules.vn.Params`):

* Law 15/2003/QH11 as amended (2005, 2009, 2013) with Decree 91/2017/NĐ-CP:
  2017-10-01 .. 2023-12-31 [V-old];
* Law 06/2022/QH15 with Decree 98/2023/NĐ-CP: 2024-01-01 .. 2025-06-30 [V];
* Law 06/2022/QH15 with Decree 152/2025/NĐ-CP: from 2025-07-01 [V]. What the
  research could read of Decree 152 restates Decree 98 (the same bonus
  multipliers; Art. 4: no lower award needed for a higher one, which the
  pack's rules already follow -- a prerequisite appears only where an article
  names one); the version changes the instrument cited, not the conditions.

Every award carries ``source``: the instrument and article it encodes, in
Vietnamese ("Luật 06/2022/QH15, Điều 27 khoản 1"); ``[V]``/``[V-old]``/``[I]``
in a source says how sure the research is (see ``docs/vietnam.md``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Literal

import attrs

from ..awards import Award, AwardScheme, Quota
from ..eligibility import (
    Condition,
    Window,
    all_in_window,
    any_of,
    consecutive,
    count_in_window,
    ever,
    fact,
    holds,
    members,
    no_member,
    streak,
    vote_share,
)
from ..errors import RuleError, RuleTypeError
from ..history import History
from ..ranking import Ranking, desc
from ..rulebook import OnChange, RuleBook, Version
from ._text import DISCIPLINE, RATING, SCOPE, TITLES
from .params import Params

__all__ = ["LAW_2003", "LAW_2022", "Regime", "book", "history", "rules"]

Level = Literal["grassroots", "ministry", "national"]
_LEVELS: tuple[Level, ...] = ("grassroots", "ministry", "national")

LAW_2003 = "Luật Thi đua, Khen thưởng 15/2003/QH11 (sửa đổi 2005, 2009, 2013)"
LAW_2022 = "Luật Thi đua, Khen thưởng 06/2022/QH15"
D91 = "Nghị định 91/2017/NĐ-CP"
D98 = "Nghị định 98/2023/NĐ-CP"
D152 = "Nghị định 152/2025/NĐ-CP"
L22 = "Luật 06/2022/QH15"
L03 = "Luật 15/2003/QH11"

#: Bonus multipliers of the base salary (Decree 98/2023 Art. 54; the same under Decree
#: 91/2017 Art. 68-69 and restated under Decree 152/2025) [V].
MULTIPLIERS: Mapping[str, Decimal] = MappingProxyType(
    {
        "CSTĐTQ": Decimal("4.5"),
        "CSTĐ_BO": Decimal("3.0"),
        "CSTĐCS": Decimal("1.0"),
        "LĐTT": Decimal("0.3"),
        "CSTT": Decimal("0.3"),
        "TTLĐXS": Decimal("1.5"),
        "ĐVQT": Decimal("1.5"),
        "TTLĐTT": Decimal("0.8"),
        "ĐVTT": Decimal("0.8"),
        "XA_TIEU_BIEU": Decimal("2.0"),
        "THON_VAN_HOA": Decimal("1.5"),
        "CTĐCP": Decimal("12"),
        "CTĐ_BO": Decimal("8"),
        "CTĐ_BCA": Decimal("8"),
    }
)


@attrs.frozen(repr=False)
class Regime:
    """One regime of the law: the award schemes of each level, and the bonus rules.

    Attributes
    ----------
    name, law, decree
        What the regime is (``law`` and ``decree`` as cited).
    grassroots, grassroots_armed, ministry, national
        One :class:`~emulation_rules.AwardScheme` per level. ``grassroots``
        decides Lao động tiên tiến, CSTĐ cơ sở and the collective titles;
        ``grassroots_armed`` the armed forces' variants (Chiến sĩ tiên tiến,
        Đơn vị tiên tiến, Đơn vị quyết thắng); ``ministry`` CSTĐ cấp bộ, the
        ministry's flag and collective certificate; ``national`` the state-level
        titles (CSTĐ toàn quốc, Bằng khen Thủ tướng, Huân chương Lao động,
        Cờ thi đua của Chính phủ).
    multipliers
        Title code -> multiple of the base salary paid with it.
    amount_rounding, amount_source
        How bonus amounts are rounded, and the article that says so.
    params
        The open points chosen (:class:`~emulation_rules.vn.Params`).
    """

    name: str
    law: str
    decree: str
    grassroots: AwardScheme
    grassroots_armed: AwardScheme
    ministry: AwardScheme
    national: AwardScheme
    multipliers: Mapping[str, Decimal] = attrs.field(hash=False)
    amount_rounding: str
    amount_source: str
    params: Params

    @property
    def schemes(self) -> dict[str, AwardScheme]:
        """Level name -> scheme."""
        return {
            "grassroots": self.grassroots,
            "grassroots_armed": self.grassroots_armed,
            "ministry": self.ministry,
            "national": self.national,
        }

    @property
    def awards(self) -> dict[str, Award]:
        """Every award of the regime by name (first scheme that has it)."""
        out: dict[str, Award] = {}
        for scheme in self.schemes.values():
            for a in scheme.awards:
                out.setdefault(a.name, a)
        return out

    def award(self, name: str) -> Award:
        """The award called ``name`` (a title code, e.g. ``"CSTĐCS"``)."""
        from .._names import nfc, unknown

        found = self.awards
        key = nfc(name) if isinstance(name, str) else name
        if key not in found:
            raise unknown("award", str(name), sorted(found), f"in the regime {self.name}")
        return found[key]

    def scheme(
        self, level: str, *, subject: Literal["units", "collectives"] | None = None
    ) -> AwardScheme:
        """The scheme of ``level``, or only its awards to ``subject`` (individuals or
        collectives) -- e.g. to allocate the individuals' titles on a table of their points
        and the collectives' on a table of theirs."""
        schemes = self.schemes
        if level not in schemes:
            from .._names import unknown

            raise unknown("level", str(level), sorted(schemes), "of a regime")
        whole = schemes[level]
        if subject is None:
            return whole
        if subject not in ("units", "collectives"):
            raise RuleError(f"subject is 'units' or 'collectives' (got {subject!r})")
        kept = [a for a in whole.awards if a.subject == subject]
        names = {a.name for a in kept}
        return AwardScheme(
            kept,
            exclusive=[g for g in whole.exclusive if set(g) <= names],
            equivalent=whole.equivalent,
            declared=[*whole.declared, *(a.name for a in whole.awards if a.name not in names)],
        )

    def __repr__(self) -> str:
        return f"<Regime {self.name}: {self.law}; {self.decree}>"


# -- building blocks ------------------------------------------------------------------


def _vote(p: Params) -> Condition | None:
    if p.council_votes is None:
        return None
    yes, of = p.council_votes
    return (vote_share(yes, of=of) >= p.council_vote_share).cite(
        f"{D91}, Điều 45 khoản 8 [V-old]; ngưỡng theo {D98}/{D152} [U]"
    )


def _with(c: Condition, extra: Condition | None) -> Condition:
    return c if extra is None else c & extra


def _window(p: Params, award: str) -> int | Window:
    return 5 if p.window_start == "fixed" else Window(since=award, min_length=5)


def _ranking(p: Params) -> Ranking:
    return Ranking(desc(p.rank_by))


def _scheme(awards: Iterable[Award], *, exclusive: Iterable[tuple[str, ...]] = ()) -> AwardScheme:
    awards = list(awards)
    names = {a.name for a in awards}
    return AwardScheme(
        awards,
        exclusive=list(exclusive),
        equivalent=[("LĐTT", "CSTT")],
        declared=[t for t in TITLES if t not in names],
    )


def _individuals(old: bool, armed: bool, p: Params, decree: str) -> list[Award]:
    months = 10 if old else 6
    basic = "CSTT" if armed else "LĐTT"
    tenure = (~(fact("months") < months)).cite(
        f"{D91} [V-old]" if old else "Thông tư 01/2024/TT-BNV [V]"
    )
    ldtt = (fact("rating") >= "HTTNV") & tenure
    if old or p.ldtt_discipline:
        ldtt = ldtt & (~(fact("discipline") >= "khien_trach")).cite(
            f"{D91} [V-old]" if old else "Params.ldtt_discipline [I]"
        )
    if old:
        ldtt_src = (
            f"{LAW_2003}; {D91} (dưới 10 tháng không xét; kỷ luật từ khiển trách không xét) [V-old]"
        )
    else:
        ldtt_src = (
            f"{L22}, Điều 24 khoản 1; Thông tư 01/2024/TT-BNV (dưới 6 tháng không xét) [V]"
            + ("; kỷ luật từ khiển trách không xét [I]" if p.ldtt_discipline else "")
        )
    initiative = fact("initiative") >= "co_so"
    cstdcs = (
        initiative
        if (p.cstdcs_initiative_required and not old)
        else (fact("rating") == "HTXSNV") | initiative
    )
    share = Fraction(3, 20) if old else p.cstdcs_share
    quota = None
    if share is not None:
        quota = Quota(
            share=share,
            of=basic,
            rounding=p.quota_rounding,
            ties=p.quota_ties,
            source=f"{D91}, Điều 9 khoản 3 [V-old]"
            if old
            else "tỷ lệ của Nghị định 91/2017/NĐ-CP, Điều 9 khoản 3 giữ lại [U]",
        )
    if armed and p.armed_cstdcs_quota == "army":
        quota = Quota(
            share=Fraction(1, 10),
            of="units",
            rounding=p.quota_rounding,
            ties=p.quota_ties,
            source="Thông tư 151/2018/TT-BQP: không quá 10 % tổng quân số [V-old]"
            + ("" if old else "; áp dụng sau 2024 chưa kiểm chứng [U]"),
        )
    return [
        Award(basic, ldtt, level=1, source=ldtt_src),
        Award(
            "CSTĐCS",
            cstdcs,
            requires=basic,
            quota=quota,
            ranking=_ranking(p) if quota is not None else None,
            level=2,
            source=(f"{LAW_2003}; {D91} [V-old]" if old else f"{L22}, Điều 23 [V]"),
        ),
    ]


def _collectives(old: bool, armed: bool, p: Params) -> tuple[list[Award], list[tuple[str, ...]]]:
    basic = "CSTT" if armed else "LĐTT"
    good, excellent = ("ĐVTT", "ĐVQT") if armed else ("TTLĐTT", "TTLĐXS")
    no_discipline = no_member(fact("discipline") >= "canh_cao")
    advanced = (fact("rating") >= "HTTNV") & (members(holds(basic)).share() > 0.5) & no_discipline
    if armed:
        top = (
            (fact("rating") == "HTXSNV")
            & (members(holds("CSTĐCS")).count() >= 1)
            & (members(holds("CSTT")).share() >= p.dvqt_share)
        )
        top_src = f"{L22}, Điều 27 khoản 2 (các điểm a, b, d, đ khoản 1; tỷ lệ CSTT [I]) [V]"
    else:
        top = (
            (fact("rating") == "HTXSNV")
            & (members(fact("rating") >= "HTNV").share() == 1)
            & (members(holds("LĐTT")).share() >= 0.7)
            & (members(holds("CSTĐCS")).count() >= 1)
        )
        top_src = f"{L22}, Điều 27 khoản 1 [V]"
    if old:
        # The old title was chosen among the advanced collectives, nobody disciplined.
        top = top & advanced
        top_src = f"{LAW_2003}; {D91} (chọn trong số TTLĐTT, không có kỷ luật) [V-old]"
    out = [Award(excellent, top, subject="collectives", level=2, source=top_src)]
    if not (old or p.carry_forward_unverified):
        return out, []
    src = (
        f"{LAW_2003}, Điều 28 [V-old]"
        if old
        else (f"{L22}, Điều 28 (nội dung 2022 chưa kiểm chứng: áp dụng điều kiện cũ) [U]")
    )
    out.append(Award(good, advanced, subject="collectives", level=1, source=src))
    return out, [(excellent, good)]


def _ministry(old: bool, p: Params, decree: str) -> AwardScheme:
    vote = _vote(p)
    cstd_bo = _with(
        streak("CSTĐCS", n=3, fresh_after="CSTĐ_BO") & (fact("initiative") >= "bo_tinh"), vote
    )
    vote_src = (
        f"; biểu quyết >= {p.council_vote_share} tổng số thành viên Hội đồng ({D91}, "
        "Điều 45 khoản 8 [V-old])"
        if vote is not None
        else ""
    )
    leading = fact("leading") == 1
    awards = [
        Award(
            "CSTĐ_BO",
            cstd_bo,
            level=3,
            source=(
                f"{LAW_2003}; {D91} [V-old]" if old else f"{L22}, Điều 22 [V; số điều suy luận]"
            )
            + vote_src,
        ),
        Award(
            "CTĐ_BO",
            leading,
            subject="collectives",
            level=3,
            source=f"{D91}, Điều 12 [V-old]" if old else f"{L22}, Điều 26 khoản 1-2 [V]",
        ),
    ]
    if old or p.carry_forward_unverified:
        awards.append(
            Award(
                "BK_BO_TT",
                all_in_window(fact("rating") == "HTXSNV", window=2)
                & (members(fact("rating") >= "HTNV").share() == 1)
                & (members(holds("LĐTT")).share() > 0.7)
                & no_member(fact("discipline") >= "canh_cao"),
                subject="collectives",
                level=2,
                source="Bộ Lao động - Thương binh và Xã hội, hướng dẫn Bằng khen tập thể (quy định "
                "cũ của một bộ) [V-old]"
                + ("" if old else f"; {L22}, Điều 74 nội dung 2022 chưa kiểm chứng [U]"),
            )
        )
    pairs = [("CTĐ_BO", "BK_BO_TT")] if len(awards) > 2 else []
    return _scheme(awards, exclusive=pairs)


#: Decree 152/2025 Art. 21 [V partial]: position -> years held, [from, to).
_LONG_SERVICE = (
    ("tong_cuc_truong", 3, 5),
    ("pho_tong_cuc_truong", 5, 8),
    ("vu_truong", 6, 10),
    ("pho_vu_truong", 10, 15),
)


def _national(old: bool, p: Params, decree: str) -> AwardScheme:
    vote = _vote(p)
    vote_src = (
        f"; biểu quyết >= {p.council_vote_share} tổng số thành viên Hội đồng [V-old]"
        if vote is not None
        else ""
    )
    leading = fact("leading") == 1
    awards = [
        Award(
            "CSTĐTQ",
            _with(consecutive("CSTĐ_BO", n=2, every=3) & (fact("initiative") >= "toan_quoc"), vote),
            level=5,
            source=(
                f"{LAW_2003}; Thông tư 07/2014/TT-BNV [V-old]" if old else f"{L22}, Điều 21 [V]"
            )
            + vote_src,
        ),
        Award(
            "CTĐCP",
            leading,
            subject="collectives",
            quota=Quota(
                share=Fraction(1, 5) if old else p.gov_flag_share,
                of=leading,
                rounding=p.quota_rounding,
                ties=p.quota_ties,
                source=f"{D91}, Điều 11 khoản 1 [V-old]"
                if old
                else "Công văn 5007/BNV-TĐKT ngày 05/9/2023 (<= 20 % số tập thể dẫn đầu cụm, "
                f"khối) [V]; {decree} chưa kiểm chứng [U]",
            ),
            ranking=_ranking(p),
            level=6,
            source=f"{D91}, Điều 11 [V-old]" if old else f"{L22}, Điều 25 khoản 1 [V]",
        ),
    ]
    w = _window(p, "BK_TTG")
    if old:
        awards.append(
            Award(
                "BK_TTG",
                ever("BK_BO")
                & all_in_window(fact("rating") == "HTXSNV", window=5)
                & count_in_window(fact("initiative") >= "co_so", at_least=5, window=5),
                level=4,
                source="Nghị định 65/2014/NĐ-CP (5 năm HTXSNV, 5 sáng kiến sau Bằng khen cấp bộ) "
                "[V-old]",
            )
        )
    else:
        awards.append(
            Award(
                "BK_TTG",
                ever("BK_BO")
                & all_in_window(fact("rating") >= "HTTNV", window=w)
                & count_in_window(holds("CSTĐCS"), at_least=3, window=w),
                level=4,
                source=f"{L22}, Điều 73 khoản 1 điểm b [V]; {decree} (thời gian tính từ thành "
                "tích lần khen trước; Nghị định 98/2023/NĐ-CP Điều 30 khoản 9) [V]",
            )
        )
        w3 = _window(p, "HCLĐ3")
        awards.append(
            Award(
                "HCLĐ3",
                ever("BK_TTG")
                & all_in_window(fact("rating") >= "HTTNV", window=w3)
                & count_in_window(fact("rating") == "HTXSNV", at_least=1, window=w3)
                & count_in_window(holds("CSTĐCS"), at_least=3, window=w3),
                level=7,
                source=f"{L22}, Điều 44 khoản 1 điểm e [V]",
            )
        )
    if old or p.carry_forward_unverified:
        suffix = "" if old else " (nội dung 2022 chưa kiểm chứng: áp dụng điều kiện cũ) [U]"
        since3, since2 = Window(since="HCLĐ3"), Window(since="HCLĐ2")
        awards += [
            Award(
                "HCLĐ2",
                ever("HCLĐ3")
                & (
                    count_in_window(holds("CSTĐ_BO"), at_least=2, window=since3)
                    | count_in_window(holds("BK_TTG"), at_least=1, window=since3)
                ),
                level=8,
                source=f"{L03}, Điều 43 khoản 2 [V-old]{suffix}",
            ),
            Award(
                "HCLĐ1",
                ever("HCLĐ2") & count_in_window(holds("CSTĐTQ"), at_least=1, window=since2),
                level=9,
                source=f"{L03}, Điều 43 [V-old]{suffix}",
            ),
        ]
        tt3, tt2 = Window(since="HCLĐ3_TT"), Window(since="HCLĐ2_TT")
        excellent = ("TTLĐXS", "ĐVQT")
        awards += [
            Award(
                "HCLĐ3_TT",
                streak(*excellent, n=5) & (ever("CTĐ_BO") | ever("BK_TTG")),
                subject="collectives",
                level=7,
                source=f"{L03}, Điều 44 khoản 2 [V-old]{suffix}",
            ),
            Award(
                "HCLĐ2_TT",
                ever("HCLĐ3_TT")
                & streak(*excellent, n=5, fresh_after="HCLĐ3_TT")
                & (
                    count_in_window(holds("CTĐ_BO"), at_least=2, window=tt3)
                    | count_in_window(holds("CTĐCP"), at_least=1, window=tt3)
                ),
                subject="collectives",
                level=8,
                source=f"{L03}, Điều 43 khoản 2 [V-old]{suffix}",
            ),
            Award(
                "HCLĐ1_TT",
                ever("HCLĐ2_TT")
                & streak(*excellent, n=5, fresh_after="HCLĐ2_TT")
                & (
                    count_in_window(holds("CTĐ_BO"), at_least=3, window=tt2)
                    | count_in_window(holds("CTĐCP"), at_least=2, window=tt2)
                ),
                subject="collectives",
                level=9,
                source=f"{L03}, Điều 43 [V-old]{suffix}",
            ),
        ]
    if vote is not None:
        awards.append(
            Award(
                "AHLĐ",
                (fact("congress_year") == 1) & vote,
                level=10,
                source="Xét 5 năm một lần tại Đại hội thi đua yêu nước [V]; biểu quyết "
                f">= {p.council_vote_share} ({D91}, Điều 45 khoản 8) [V-old]",
            )
        )
    exclusive = []
    if p.long_service_orders and decree == D152:
        awards.append(
            Award(
                "HCLĐ3_CH",
                any_of(
                    *(
                        (fact("position") == pos)
                        & fact("years_in_position").between(lo, hi, closed="left")
                        for pos, lo, hi in _LONG_SERVICE
                    )
                ),
                level=7,
                source=f"{D152}, Điều 21 (quá trình cống hiến) [V một phần]",
            )
        )
        exclusive.append(("HCLĐ3", "HCLĐ3_CH"))
    return _scheme(awards, exclusive=exclusive)


def _regime(kind: Literal["2003", "2022/98", "2022/152"], p: Params) -> Regime:
    old = kind == "2003"
    law = LAW_2003 if old else LAW_2022
    decree = {"2003": D91, "2022/98": D98, "2022/152": D152}[kind]
    ind, ind_armed = _individuals(old, False, p, decree), _individuals(old, True, p, decree)
    coll, excl = _collectives(old, False, p)
    coll_armed, excl_armed = _collectives(old, True, p)
    amount_src = {
        "2003": f"{D91}, Điều 68-69 [V-old]",
        "2022/98": f"{D98}, Điều 54 [V]",
        "2022/152": f"{D152} (cùng hệ số với {D98}) [V]",
    }[kind]
    return Regime(
        name=kind,
        law=law,
        decree=decree,
        grassroots=_scheme([*ind, *coll], exclusive=excl),
        grassroots_armed=_scheme([*ind_armed, *coll_armed], exclusive=excl_armed),
        ministry=_ministry(old, p, decree),
        national=_national(old, p, decree),
        multipliers=MULTIPLIERS,
        amount_rounding=p.amount_rounding_old if old else p.amount_rounding,
        amount_source=amount_src,
        params=p,
    )


def _params(params: object) -> Params:
    if params is None:
        return Params()
    if not isinstance(params, Params):
        raise RuleTypeError(f"params is a vn.Params(...) (got {params!r})")
    return params


@functools.lru_cache(maxsize=16)
def _book(p: Params) -> RuleBook:
    return RuleBook(
        [
            Version(
                _regime("2003", p),
                date(2017, 10, 1),
                date(2023, 12, 31),
                instrument=f"{LAW_2003}; {D91}",
                note="old regime [V-old]; Decree 91/2017 in force from 2017-10-01",
            ),
            Version(
                _regime("2022/98", p),
                date(2024, 1, 1),
                date(2025, 6, 30),
                instrument=f"{LAW_2022}; {D98}",
                note="Law 06/2022/QH15 and Decree 98/2023/NĐ-CP in force from 2024-01-01 [V]",
            ),
            Version(
                _regime("2022/152", p),
                date(2025, 7, 1),
                instrument=f"{LAW_2022}; {D152}",
                note="Decree 152/2025/NĐ-CP replaces Decree 98/2023 from 2025-07-01 [V]",
            ),
        ],
        name="Luật Thi đua, Khen thưởng",
    )


def book(params: Params | None = None) -> RuleBook:
    """The rule book of the Vietnamese regimes (one :class:`Regime` per version).

    Examples
    --------
    >>> from emulation_rules import vn
    >>> vn.book()
    RuleBook('Luật Thi đua, Khen thưởng', 3 versions: 2017-10-01 .. 2023-12-31 (Luật Thi đua, Khen thưởng 15/2003/QH11 (sửa đổi 2005, 2009, 2013); Nghị định 91/2017/NĐ-CP), 2024-01-01 .. 2025-06-30 (Luật Thi đua, Khen thưởng 06/2022/QH15; Nghị định 98/2023/NĐ-CP), 2025-07-01 .. open (Luật Thi đua, Khen thưởng 06/2022/QH15; Nghị định 152/2025/NĐ-CP))
    """
    return _book(_params(params))


def rules(
    at: date | int | tuple[date, date],
    *,
    by: Literal["achievement", "decision"] = "achievement",
    params: Params | None = None,
    on_change: OnChange = "error",
) -> Regime:
    """The regime in force.

    Parameters
    ----------
    at
        With ``by="achievement"`` (default): the year (or ``(first, last)`` days,
        or a date) the achievement belongs to -- titles are assessed under the
        rules in force for that period. With ``by="decision"``: the date of the
        decision (bonus amounts use the base salary and rules of that day).
    by
        Which date decides, ``"achievement"`` or ``"decision"``.
    params
        The open points (:class:`~emulation_rules.vn.Params`); defaults if omitted.
    on_change
        A year in which the rules change (2025: Decree 152 from 1 July) is an
        error by default (``"error"``); ``"warn"`` uses the version in force at
        the end of the period, with a warning.

    Examples
    --------
    >>> from datetime import date
    >>> from emulation_rules import vn
    >>> vn.rules(at=2023).decree, vn.rules(at=2024).decree
    ('Nghị định 91/2017/NĐ-CP', 'Nghị định 98/2023/NĐ-CP')
    >>> vn.rules(at=date(2025, 12, 20), by="decision").decree
    'Nghị định 152/2025/NĐ-CP'
    >>> vn.rules(at=2024).award("TTLĐXS").source
    'Luật 06/2022/QH15, Điều 27 khoản 1 [V]'
    """
    regime: Regime = book(params).at(at, by=by, on_change=on_change)
    return regime


def history(
    records: Iterable[Mapping[str, Any]],
    *,
    collectives: Iterable[Mapping[str, Any]] | None = None,
    member_of: str | None = None,
    **options: Any,
) -> History:
    """A :class:`~emulation_rules.History` with the pack's scales and titles declared.

    The facts read by the pack's conditions (``vn.FACTS``): ``rating`` on
    ``vn.RATING``, ``initiative`` on ``vn.SCOPE``, ``discipline`` on
    ``vn.DISCIPLINE``, ``months``, and for collectives ``leading``. A
    condition on a fact the records do not carry is an
    :class:`~emulation_rules.UnknownNameError` naming it; a record without a
    value has it missing (the condition fails and says so).

    Examples
    --------
    >>> from emulation_rules import vn
    >>> h = vn.history([{"unit": "An", "period": 2024, "rating": "HTXSNV", "months": 12,
    ...                  "initiative": "co_so", "titles": []}])
    >>> h
    History(1 units, periods 2024-2024; titles: none; facts: initiative, months, rating)
    >>> "CSTĐCS" in h.known_titles
    True
    """
    ordinals = {"rating": RATING, "initiative": SCOPE, "discipline": DISCIPLINE}
    coll = None
    if collectives is not None:
        coll = History.from_records(
            collectives, ordinals=ordinals, declared=tuple(TITLES), **options
        )
    return History.from_records(
        records,
        ordinals=ordinals,
        member_of=member_of,
        collectives=coll,
        declared=tuple(TITLES),
        **options,
    )
