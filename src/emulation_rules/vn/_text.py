"""The Vietnamese wording of the pack, kept as data for renderers (reports, reasons).

Each title code used by the pack maps to its Vietnamese name and an English gloss
(the same terms as ``docs/glossary.md``); the facts the pack reads are described
in both languages.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

from ..errors import RuleError

__all__ = [
    "DISCIPLINE",
    "FACTS",
    "LEVELS",
    "POSITIONS",
    "RATING",
    "RATING_NAMES",
    "SCOPE",
    "TITLES",
    "title_name",
]

#: Yearly task ratings of the civil-service assessment, worst first
#: (không hoàn thành / hoàn thành / hoàn thành tốt / hoàn thành xuất sắc nhiệm vụ).
RATING = ("KHTNV", "HTNV", "HTTNV", "HTXSNV")
#: The scope at which an initiative, a research result or a combat solution was
#: recognised, smallest first: none, grassroots, ministry/province, national.
SCOPE = ("none", "co_so", "bo_tinh", "toan_quoc")
#: Disciplinary sanctions, mildest first: none, reprimand (khiển trách), warning
#: (cảnh cáo), dismissal from post (cách chức), dismissal (buộc thôi việc).
DISCIPLINE = ("none", "khien_trach", "canh_cao", "cach_chuc", "buoc_thoi_viec")

#: Title code -> (Vietnamese name, English gloss).
TITLES: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "LĐTT": ("Lao động tiên tiến", "advanced worker"),
        "CSTT": ("Chiến sĩ tiên tiến", "advanced soldier (armed forces)"),
        "CSTĐCS": ("Chiến sĩ thi đua cơ sở", "grassroots emulation fighter"),
        "CSTĐ_BO": (
            "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
            "emulation fighter of a ministry, sector or province",
        ),
        "CSTĐTQ": ("Chiến sĩ thi đua toàn quốc", "national emulation fighter"),
        "BK_BO": (
            "Bằng khen cấp bộ, ban, ngành, tỉnh",
            "certificate of merit of a ministry, sector or province",
        ),
        "BK_BO_TT": (
            "Bằng khen cấp bộ, ban, ngành, tỉnh (tập thể)",
            "certificate of merit of a ministry or province, to a collective",
        ),
        "BK_TTG": ("Bằng khen của Thủ tướng Chính phủ", "Prime Minister's certificate of merit"),
        "HCLĐ3": ("Huân chương Lao động hạng Ba", "Labour Order, third class"),
        "HCLĐ2": ("Huân chương Lao động hạng Nhì", "Labour Order, second class"),
        "HCLĐ1": ("Huân chương Lao động hạng Nhất", "Labour Order, first class"),
        "HCLĐ3_CH": (
            "Huân chương Lao động hạng Ba (quá trình cống hiến)",
            "Labour Order, third class, for a long contribution",
        ),
        "HCLĐ3_TT": (
            "Huân chương Lao động hạng Ba (tập thể)",
            "Labour Order, third class, to a collective",
        ),
        "HCLĐ2_TT": (
            "Huân chương Lao động hạng Nhì (tập thể)",
            "Labour Order, second class, to a collective",
        ),
        "HCLĐ1_TT": (
            "Huân chương Lao động hạng Nhất (tập thể)",
            "Labour Order, first class, to a collective",
        ),
        "AHLĐ": ("Anh hùng Lao động", "Hero of Labour"),
        "TTLĐTT": ("Tập thể lao động tiên tiến", "advanced collective"),
        "ĐVTT": ("Đơn vị tiên tiến", "advanced unit (armed forces)"),
        "TTLĐXS": ("Tập thể lao động xuất sắc", "excellent collective"),
        "ĐVQT": ("Đơn vị quyết thắng", "determined-to-win unit (armed forces)"),
        "CTĐ_BO": (
            "Cờ thi đua cấp bộ, ban, ngành, tỉnh",
            "emulation flag of a ministry, sector or province",
        ),
        "CTĐCP": ("Cờ thi đua của Chính phủ", "Government emulation flag"),
        "CTĐ_BCA": ("Cờ thi đua của Bộ Công an", "Ministry of Public Security emulation flag"),
        "XA_TIEU_BIEU": ("Xã, phường, thị trấn tiêu biểu", "exemplary commune or ward"),
        "THON_VAN_HOA": ("Thôn, tổ dân phố văn hóa", "cultural village or residential group"),
    }
)

#: Fact name -> (Vietnamese, English): what the pack's conditions read from a history.
FACTS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "rating": (
            "xếp loại đánh giá năm (KHTNV < HTNV < HTTNV < HTXSNV)",
            "the year's task rating, worst to best",
        ),
        "months": (
            "số tháng công tác được tính trong năm (kể cả thời gian nghỉ thai sản, điều trị "
            "thương tích, học tập được tính là thời gian công tác)",
            "months counted as work in the year (maternity leave, treatment of injuries and "
            "training that count as work included)",
        ),
        "initiative": (
            "phạm vi công nhận cao nhất của sáng kiến, đề tài khoa học hoặc giải pháp "
            "trong năm (none < co_so < bo_tinh < toan_quoc)",
            "the widest scope at which an initiative, research result or combat solution of "
            "the year was recognised",
        ),
        "discipline": (
            "hình thức kỷ luật trong năm (none < khien_trach < canh_cao < cach_chuc < "
            "buoc_thoi_viec)",
            "the year's disciplinary sanction, mildest first",
        ),
        "leading": (
            "1 nếu tập thể được suy tôn dẫn đầu cụm, khối thi đua trong năm",
            "1 if the collective was acclaimed the leading unit of its cluster or block",
        ),
        "congress_year": (
            "1 trong năm tổ chức Đại hội thi đua yêu nước (5 năm một lần)",
            "1 in the year of the five-yearly patriotic-emulation congress",
        ),
    }
)

#: Level code -> (Vietnamese, English).
LEVELS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "grassroots": ("cấp cơ sở", "grassroots level"),
        "ministry": ("cấp bộ, ban, ngành, tỉnh", "ministry, sector or province level"),
        "national": ("cấp Nhà nước", "state level"),
    }
)


#: Position code -> (Vietnamese, English), for the long-contribution branch of Decree 152.
POSITIONS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "tong_cuc_truong": ("Tổng cục trưởng", "Director-General"),
        "pho_tong_cuc_truong": ("Phó Tổng cục trưởng", "Deputy Director-General"),
        "vu_truong": ("Vụ trưởng", "Director"),
        "pho_vu_truong": ("Phó Vụ trưởng", "Deputy Director"),
    }
)

#: Rating code -> (Vietnamese, English).
RATING_NAMES: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "HTXSNV": ("Hoàn thành xuất sắc nhiệm vụ", "completed tasks excellently"),
        "HTTNV": ("Hoàn thành tốt nhiệm vụ", "completed tasks well"),
        "HTNV": ("Hoàn thành nhiệm vụ", "completed tasks"),
        "KHTNV": ("Không hoàn thành nhiệm vụ", "did not complete tasks"),
    }
)


def title_name(code: str, language: Literal["vi", "en"] = "vi") -> str:
    """The Vietnamese name (``language="vi"``) or English gloss of a title code.

    >>> title_name("TTLĐXS"), title_name("TTLĐXS", "en")
    ('Tập thể lao động xuất sắc', 'excellent collective')
    """
    if language not in ("vi", "en"):
        raise RuleError(f"language is 'vi' or 'en' (got {language!r})")
    from .._names import nfc, unknown

    key = nfc(code) if isinstance(code, str) else code
    if key not in TITLES:
        raise unknown("title", str(code), sorted(TITLES), "in the Vietnamese pack")
    vi, en = TITLES[key]
    return vi if language == "vi" else en
