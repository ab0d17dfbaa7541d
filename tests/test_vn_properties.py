"""Properties: the pack's conditions agree with plain-Python readings of the articles on
generated histories, and its dated lookup is piecewise constant."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from emulation_rules import Context, vn

RATING = vn.RATING
SCOPE = vn.SCOPE
YEARS = (2019, 2020, 2021, 2022, 2023)


@st.composite
def people(draw: st.DrawFn, n_max: int = 4) -> list[dict[str, object]]:
    n = draw(st.integers(1, n_max))
    recs = []
    for i in range(n):
        for y in YEARS:
            titles = draw(
                st.lists(st.sampled_from(["LĐTT", "CSTĐCS", "CSTĐ_BO", "BK_BO"]), unique=True)
            )
            recs.append(
                {
                    "unit": f"u{i}",
                    "period": y,
                    "titles": titles,
                    "rating": draw(st.sampled_from(RATING)),
                    "months": draw(st.integers(0, 12)),
                    "initiative": draw(st.sampled_from(SCOPE)),
                    "discipline": draw(st.sampled_from(vn.DISCIPLINE)),
                }
            )
    return recs


def _mask(regime: vn.Regime, award: str, recs: list[dict[str, object]], year: int) -> list[bool]:
    cond = regime.award(award).condition
    assert cond is not None
    return cond.evaluate(Context(year, history=vn.history(recs))).passed.tolist()


def _by_unit(recs: list[dict[str, object]]) -> dict[str, dict[int, dict[str, object]]]:
    out: dict[str, dict[int, dict[str, object]]] = {}
    for r in recs:
        out.setdefault(str(r["unit"]), {})[int(r["period"])] = r  # type: ignore[call-overload]
    return out


def _r(rec: dict[str, object], fact: str, scale: tuple[str, ...]) -> int:
    return scale.index(str(rec[fact]))


@given(people())
def test_ldtt_agrees_with_the_articles(recs: list[dict[str, object]]) -> None:
    """Art. 24(1) + Circular 01/2024 (2024 on) and Decree 91/2017 (before)."""
    units = _by_unit(recs)
    for year, regime, months, discipline in (
        (2023, vn.rules(at=2023), 10, True),
        (2023, vn.rules(at=2024), 6, False),
    ):
        expected = [
            _r(u[year], "rating", RATING) >= 2
            and int(u[year]["months"]) >= months  # type: ignore[call-overload]
            and not (discipline and _r(u[year], "discipline", vn.DISCIPLINE) >= 1)
            for u in units.values()
        ]
        assert _mask(regime, "LĐTT", recs, year) == expected


@given(people())
def test_cstd_bo_agrees_with_a_plain_streak(recs: list[dict[str, object]]) -> None:
    """Art. 22: three consecutive CSTĐCS not used by an earlier CSTĐ cấp bộ, and a
    ministry-scope initiative."""
    units = _by_unit(recs)
    year = 2023
    expected = []
    for u in units.values():
        last_bo = max((y for y in YEARS if y < year and "CSTĐ_BO" in u[y]["titles"]), default=0)  # type: ignore[operator]
        run = 0
        for y in range(year, YEARS[0] - 1, -1):
            if y <= last_bo or "CSTĐCS" not in u[y]["titles"]:  # type: ignore[operator]
                break
            run += 1
        expected.append(run >= 3 and _r(u[year], "initiative", SCOPE) >= 2)
    assert _mask(vn.rules(at=2024), "CSTĐ_BO", recs, year) == expected


@given(people())
def test_prime_ministers_certificate_agrees_with_a_plain_window(
    recs: list[dict[str, object]],
) -> None:
    """Art. 73(1)(b): a ministry certificate, five years rated HTTNV or better, three CSTĐCS."""
    units = _by_unit(recs)
    year = 2023
    expected = [
        any("BK_BO" in u[y]["titles"] for y in YEARS)  # type: ignore[operator]
        and all(_r(u[y], "rating", RATING) >= 2 for y in YEARS)
        and sum("CSTĐCS" in u[y]["titles"] for y in YEARS) >= 3  # type: ignore[operator]
        for u in units.values()
    ]
    assert _mask(vn.rules(at=2024), "BK_TTG", recs, year) == expected


@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.integers(0, n),
            st.integers(0, n),
            st.integers(0, n),
            st.sampled_from(RATING),
        )
    )
)
def test_excellent_collective_agrees_with_integer_shares(
    drawn: tuple[int, int, int, int, str],
) -> None:
    """Art. 27(1): everybody HTNV or better, at least 70 % LĐTT (7 x n <= 10 x LĐTT,
    compared in integers), at least one CSTĐCS, the collective rated HTXSNV."""
    n, ldtt, cstdcs, weak, rating = drawn
    members = [
        {
            "unit": f"m{i}",
            "period": 2024,
            "team": "T",
            "titles": ["LĐTT"] * (i < ldtt) + ["CSTĐCS"] * (i < cstdcs),
            "rating": "KHTNV" if i >= n - weak else "HTTNV",
            "months": 12,
            "initiative": "none",
        }
        for i in range(n)
    ]
    h = vn.history(
        members, collectives=[{"unit": "T", "period": 2024, "rating": rating}], member_of="team"
    )
    cond = vn.rules(at=2024).award("TTLĐXS").condition
    assert cond is not None
    got = cond.evaluate(Context(2024, history=h, level="collectives")).passed.tolist()
    expected = rating == "HTXSNV" and weak == 0 and 10 * ldtt >= 7 * n and cstdcs >= 1
    assert got == [expected]


@given(st.lists(st.integers(-400, 4000), min_size=2, max_size=6))
def test_the_regime_lookup_is_piecewise_constant(offsets: list[int]) -> None:
    """Two decision dates get the same regime exactly when no change date lies between them."""
    book = vn.book()
    changes = [v.effective_from for v in book.versions[1:]]
    days = sorted(date(2019, 7, 1) + timedelta(days=o) for o in offsets)
    names = [vn.rules(at=d, by="decision").name for d in days]
    for (a, na), (b, nb) in zip(
        zip(days, names, strict=True), zip(days[1:], names[1:], strict=True), strict=False
    ):
        crosses = any(a < c <= b for c in changes)
        assert (na != nb) == crosses
