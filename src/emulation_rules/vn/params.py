"""Every point the public sources leave open, as a named parameter with its default.

The research behind the pack (``vn-emulation-law.md``, section e) could not verify
several texts -- the 2022 wording of some articles, quotas and vote thresholds
under Decrees 98/2023 and 152/2025, rounding directions. Each such point is a
field of :class:`Params`: the default is the researched reading, and the field's
documentation says what is uncertain. Nothing uncertain is a hidden constant.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, Literal

import attrs

from .. import _exact
from ..errors import RuleError, RuleTypeError

__all__ = ["Params"]

Rounding = Literal["floor", "ceil", "half_up", "half_even"]
AmountRounding = Literal["none", "up_10000", "nearest_10000"]


def _share(value: object) -> Fraction:
    return _exact.share(value, "a Params share")


def _maybe_share(value: object) -> Fraction | None:
    return None if value is None else _share(value)


def _votes(value: object) -> tuple[str, str] | None:
    if value is None:
        return None
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise RuleTypeError(
            "council_votes is None or a pair of column names (yes votes, all council "
            f"members), e.g. ('yes', 'council') (got {value!r})"
        )
    return (value[0], value[1])


def _choice(*allowed: object) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in allowed:
            raise RuleError(
                f"Params {attribute.name} is one of {', '.join(map(repr, allowed))} (got {value!r})"
            )

    return check


def _flag(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise RuleTypeError(f"Params {attribute.name} is True or False (got {value!r})")


@attrs.frozen(kw_only=True)
class Params:
    """The open points of the Vietnamese rules, with the researched defaults.

    Every field is a reading the sources did not settle; change one with
    ``attrs.evolve(vn.Params(), quota_rounding="ceil")`` and pass it to
    :func:`~emulation_rules.vn.rules` or :func:`~emulation_rules.vn.book`.

    Examples
    --------
    >>> Params().cstdcs_share
    Fraction(3, 20)
    >>> Params(quota_rounding="ceil").quota_rounding
    'ceil'
    """

    #: Rounding of every share quota (CSTĐCS <= 15 % of LĐTT, Government flags <= 20 %
    #: of the leading collectives). [U] No source states it: "không quá" (no more than)
    #: reads as ``"floor"`` (the default); a school's published plan shows 5 CSTĐCS for
    #: 33 LĐTT (4.95 rounded up, ``"ceil"``).
    quota_rounding: Rounding = attrs.field(
        default="floor", validator=_choice("floor", "ceil", "half_up", "half_even")
    )
    #: CSTĐCS quota from 2024, as a share of the LĐTT/CSTT holders (``None``: no quota).
    #: [U] The 15 % cap is verified for Decree 91/2017 Art. 9(3) and ministry circulars
    #: only; no 2022-regime quota was found. The default keeps 15 %, which ministries
    #: and provinces still apply in their guidance.
    cstdcs_share: Fraction | None = attrs.field(default=Fraction(3, 20), converter=_maybe_share)
    #: CSTĐCS from 2024 requires an initiative even with an excellent rating.
    #: [V draft] Only a 2025 draft amendment says so; the 2022 text lets an excellent
    #: rating (HTXSNV) stand in for the initiative, hence ``False``.
    cstdcs_initiative_required: bool = attrs.field(default=False, validator=_flag)
    #: The CSTĐCS quota of the armed forces' scheme (``grassroots_armed``): ``"decree"``
    #: (the general quota, a share of the CSTT holders) or ``"army"`` (no more than 10 % of
    #: the unit's total strength, i.e. of all individuals assessed). [V-old] The Army's
    #: Circular 151/2018/TT-BQP set the 10 %-of-strength base; the police's own base was
    #: not found [U], and whether the Army's rule survives 2024 is not verified.
    armed_cstdcs_quota: Literal["decree", "army"] = attrs.field(
        default="decree", validator=_choice("decree", "army")
    )
    #: From 2024, also refuse LĐTT to a person disciplined at reprimand or above.
    #: [I] Decree 91/2017 said so explicitly; under the 2022 law a sanction acts through
    #: the rating (a sanctioned official is not rated HTTNV or above), so ``False``.
    ldtt_discipline: bool = attrs.field(default=False, validator=_flag)
    #: The share of members holding CSTT an Đơn vị quyết thắng needs (Art. 27(2)).
    #: [I] The excerpt was cut off; presumably the 70 % of Tập thể lao động xuất sắc.
    dvqt_share: Fraction = attrs.field(default=Fraction(7, 10), converter=_share)
    #: Titles whose 2022 wording could not be read keep the last verified (pre-2024)
    #: rule from 2024 on; with ``False`` they are left out of the 2024+ schemes.
    #: [U] Art. 28 (TTLĐTT/ĐVTT), Art. 44 for collectives (HCLĐ), Law 2003 Art. 43 for
    #: the second and first class (HCLĐ2, HCLĐ1) and Art. 74 (collective Bằng khen).
    carry_forward_unverified: bool = attrs.field(default=True, validator=_flag)
    #: The Government flag's quota as a share (Art. 25; Decree 98 -> 152).
    #: [U] Decree 98/152 wording not read. Verified neighbours: Decree 91/2017 Art. 11(1)
    #: (20 % of the collectives meeting the flag standard) and MoHA 5007/BNV-TĐKT of
    #: 2023-09-05 (20 % of the collectives leading their cluster or block).
    gov_flag_share: Fraction = attrs.field(default=Fraction(1, 5), converter=_share)
    #: Council vote columns ``(yes, all members)`` in the context's table; ``None``
    #: leaves the vote out of the conditions (it is then checked elsewhere).
    #: [U] Decree 98/152 thresholds not read; see ``council_vote_share``.
    council_votes: tuple[str, str] | None = attrs.field(default=None, converter=_votes)
    #: The share of *all* council members that must vote yes for CSTĐ cấp bộ, CSTĐ toàn
    #: quốc and Anh hùng Lao động (when ``council_votes`` is given).
    #: [V-old] 90 % under Decree 91/2017 Art. 45(8); [U] whether Decrees 98/152 keep it.
    council_vote_share: Fraction = attrs.field(default=Fraction(9, 10), converter=_share)
    #: Where the five-year windows of Bằng khen Thủ tướng and Huân chương Lao động start:
    #: ``"fixed"`` (the last five years, as the articles read) or ``"previous_award"``
    #: (after the achievement period of the last award of the same kind, at least five
    #: years). [I] Decree 98 Art. 30(9) counts the next proposal from the previous
    #: decision's achievement period; how it combines with the articles is not stated.
    window_start: Literal["fixed", "previous_award"] = attrs.field(
        default="fixed", validator=_choice("fixed", "previous_award")
    )
    #: Rounding of bonus amounts from 2024 (Decree 98 Art. 54: "làm tròn số lên hàng chục
    #: nghìn đồng"). [U] Read both as rounding *up* to 10,000 (``"up_10000"``, the literal
    #: reading, the default) and to the *nearest* 10,000; one published figure (702,000)
    #: was not rounded at all.
    amount_rounding: AmountRounding = attrs.field(
        default="up_10000", validator=_choice("none", "up_10000", "nearest_10000")
    )
    #: Rounding of bonus amounts before 2024 (Decree 91/2017 Art. 68-69).
    #: [V-old] A published answer rounds 1,192,000 to 1,190,000: the nearest 10,000.
    amount_rounding_old: AmountRounding = attrs.field(
        default="nearest_10000", validator=_choice("none", "up_10000", "nearest_10000")
    )
    #: Add the long-contribution branch of Huân chương Lao động hạng Ba from Decree
    #: 152/2025 (Art. 21) to the regime in force from 2025-07-01: a position held for a
    #: band of years -- Tổng cục trưởng 3 to under 5 years, Phó Tổng cục trưởng 5 to under
    #: 8, Vụ trưởng 6 to under 10, Phó Vụ trưởng 10 to under 15. [V partial] Read from a
    #: translation; the other positions and classes were not read. It needs the facts
    #: ``position`` (one of ``vn.POSITIONS``) and ``years_in_position``, which an ordinary
    #: history does not carry, hence ``False``.
    long_service_orders: bool = attrs.field(default=False, validator=_flag)
    #: Configuration, not an open point: the column of the context's table (or score)
    #: that orders the candidates where a quota binds (CSTĐCS, the Government flag).
    rank_by: str = attrs.field(default="points")
    #: Configuration: candidates tied exactly at a quota's cut-off -- ``"chain"`` (an
    #: error saying what to choose), ``"include"`` (all, reported) or ``"exclude"``.
    #: No source settles ties at the cut-off, so the default refuses to guess.
    quota_ties: Literal["chain", "include", "exclude"] = attrs.field(
        default="chain", validator=_choice("chain", "include", "exclude")
    )
    #: Whether the pack's 2026 amendments are assumed.
    #: [U] A Circular 15/2025/TT-BNV and an amending law "06/2026/QH16" (in force
    #: 2026-10-01) were seen only in a non-authoritative app; nothing of them is encoded,
    #: and ``True`` is refused until their texts are verified.
    amendments_2026: bool = attrs.field(default=False, validator=_flag)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.rank_by, str) or not self.rank_by.strip():
            raise RuleTypeError(f"Params rank_by names a table column (got {self.rank_by!r})")
        if self.amendments_2026:
            raise RuleError(
                "Params amendments_2026=True: the 2026 amendments (Circular 15/2025/TT-BNV, "
                "a law '06/2026/QH16') are not verified and not encoded; add their rules as a "
                "new Version of vn.book() once their texts are read"
            )
