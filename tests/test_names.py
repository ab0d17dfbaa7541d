"""Names resolve against what is known, never silently (issue 9, part 1).

* a title a rule names must be known (granted somewhere in the history, declared, or an
  award of the scheme allocated): otherwise an ``UnknownNameError`` that names the rule and
  suggests the closest known title, accents and case aside;
* a mapping keyed by unit id that holds one id in two forms (NFC/NFD, spaces) is refused;
* ``None`` is never a unit id, and a list of ids never holds one twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from emulation_rules import (
    Context,
    DataError,
    EmulationRulesError,
    History,
    Ranking,
    RuleError,
    ScoreTable,
    UnknownNameError,
    Window,
    all_in_window,
    consecutive,
    count_in_window,
    desc,
    ever,
    holds,
    members,
    no_member,
    streak,
)
from emulation_rules._names import closest, fold
from emulation_rules.awards import Award, AwardScheme, Quota, cascade
from emulation_rules.judging import Panel
from emulation_rules.rotation import Elected, FixedCycle, Merge, Rotation

NFD = unicodedata.normalize("NFD", "Hòa")
NFC = "Hòa"
P = 2024


def _history(known: list[str]) -> History:
    """Individuals p0, p1 in one team T, in 2023-2024; p0 and T hold every known title in
    2024, nobody in 2023."""
    people = [
        {"unit": "p0", "period": P, "titles": list(known), "team": "T"},
        {"unit": "p1", "period": P, "titles": [], "team": "T"},
        {"unit": "p0", "period": P - 1, "titles": [], "team": "T"},
    ]
    teams = [{"unit": "T", "period": P, "titles": list(known)}]
    return History.from_records(people, member_of="team", collectives=teams)


def _suggested(exc: BaseException) -> str | None:
    m = re.search(r"did you mean '([^']*)'\?", str(exc))
    return m.group(1) if m else None


# -- every rule that takes a title, as "evaluate rule(title) on history" ------------------

Run = Callable[[History, str, str], Any]  # (history, the title tried, a known title)


def _cond(make: Callable[[str, str], Any], level: str = "units") -> Run:
    return lambda h, t, k: make(t, k).evaluate(Context(P, history=h, level=level))  # type: ignore[arg-type]


def _masked(make: Callable[[str, str], Any], level: str = "units") -> Run:
    return lambda h, t, k: make(t, k).mask(Context(P, history=h, level=level))  # type: ignore[arg-type]


def _allocate(make: Callable[[str, str], AwardScheme]) -> Run:
    return lambda h, t, k: make(t, k).allocate(Context(P, history=h))


def _cascade(h: History, t: str, k: str) -> Any:
    scheme = AwardScheme([Award(k, holds(t) | ~holds(t))])
    return cascade(h, h.revoke("p0", k, P, reason="test"), scheme)


TITLE_RULES: dict[str, Run] = {
    "holds": _cond(lambda t, k: holds(t)),
    "holds, mask": _masked(lambda t, k: holds(k, t)),
    "ever": _cond(lambda t, k: ever(t)),
    "ever before": _cond(lambda t, k: ever(t, before=True)),
    "streak": _cond(lambda t, k: streak(t, n=2)),
    "streak fresh_after": _cond(lambda t, k: streak(k, n=1, fresh_after=t)),
    "consecutive": _cond(lambda t, k: consecutive(t, n=2, every=1)),
    "count_in_window": _cond(lambda t, k: count_in_window(holds(t), at_least=1, window=2)),
    "Window since": _cond(lambda t, k: all_in_window(holds(k), window=Window(since=t))),
    "not": _cond(lambda t, k: ~holds(t)),
    "and": _cond(lambda t, k: holds(k) & ever(t)),
    "or": _cond(lambda t, k: holds(k) | streak(t, n=1)),
    "members share": _cond(lambda t, k: members(holds(t)).share() >= 0.5, "collectives"),
    "members count": _masked(lambda t, k: members(ever(t)).count() >= 1, "collectives"),
    "no_member": _cond(lambda t, k: no_member(holds(t)), "collectives"),
    "collective holds": _cond(lambda t, k: holds(t), "collectives"),
    "History.held": lambda h, t, k: h.held(t, P),
    "History.held_all": lambda h, t, k: h.held_all(t),
    "History.granted": lambda h, t, k: h.granted(t),
    "Award requires=": _allocate(lambda t, k: AwardScheme([Award("NEW", requires=t)])),
    "Award condition": _allocate(lambda t, k: AwardScheme([Award("NEW", ~ever(t))])),
    "Quota of=title": _allocate(
        lambda t, k: AwardScheme(
            [Award("NEW", quota=Quota(share=0.5, of=t, minimum=1, ties="include"))]
        )
    ),
    "Quota of=condition": _allocate(
        lambda t, k: AwardScheme(
            [Award("NEW", quota=Quota(share=0.5, of=holds(t), ties="include"))]
        )
    ),
    "equivalent=": _allocate(
        lambda t, k: AwardScheme([Award("NEW", requires=k)], equivalent=[(k, t)])
    ),
    "cascade": _cascade,
}

TITLE_LETTERS = "ABCDĐEGHLMNOSTUXÂÔƠƯ_"
titles = st.text(TITLE_LETTERS, min_size=2, max_size=6)


def _strip_accents(t: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", t) if not unicodedata.combining(c))
    return bare.replace("Đ", "D").replace("đ", "d")


TYPOS: dict[str, Callable[[str, int], str]] = {
    "accents stripped": lambda t, i: _strip_accents(t),
    "lower case": lambda t, i: t.lower(),
    "a letter dropped": lambda t, i: t[: i % len(t)] + t[i % len(t) + 1 :],
    "spaces around": lambda t, i: f" {t} ",
    "decomposed and lower": lambda t, i: unicodedata.normalize("NFD", t.lower()),
}


@st.composite
def known_and_typo(draw: st.DrawFn) -> tuple[list[str], str, str]:
    known = draw(st.lists(titles, min_size=1, max_size=4, unique=True))
    source = draw(st.sampled_from(known))
    typo = TYPOS[draw(st.sampled_from(sorted(TYPOS)))](source, draw(st.integers(0, 10)))
    assume(typo.strip() and unicodedata.normalize("NFC", typo) not in known)
    return known, source, typo


class TestUnknownTitles:
    @pytest.mark.parametrize("rule", sorted(TITLE_RULES))
    def test_ldtt_suggests_the_accented_title(self, rule: str) -> None:
        h = _history(["LĐTT", "CSTĐCS"])
        with pytest.raises(UnknownNameError, match="did you mean 'LĐTT'") as info:
            TITLE_RULES[rule](h, "LDTT", "CSTĐCS")
        assert "'LDTT'" in str(info.value)
        assert "declare" in str(info.value) or rule.startswith("History")

    @given(known_and_typo(), st.sampled_from(sorted(TITLE_RULES)))
    def test_every_title_rule_refuses_a_typo_and_suggests_a_known_title(
        self, case: tuple[list[str], str, str], rule: str
    ) -> None:
        known, source, typo = case
        h = _history(known)
        with pytest.raises((UnknownNameError, RuleError)) as info:
            TITLE_RULES[rule](h, typo, source)
        if isinstance(info.value, RuleError):
            # A rule naming a title with spaces around is refused when built, saying how
            # to write it (the one title-name check, _names.title_name).
            assert typo != typo.strip()
            assert f"write {typo.strip()!r}" in str(info.value)
            return
        hint = _suggested(info.value)
        assert hint in known
        if fold(typo) == fold(source):
            assert fold(hint) == fold(source)

    @given(st.lists(titles, min_size=1, max_size=4, unique=True), titles, st.data())
    def test_a_declared_title_is_legal_and_held_nowhere(
        self, known: list[str], new: str, data: st.DataObject
    ) -> None:
        assume(new not in known)
        h = _history(known)
        declared = h.declare(new).with_collectives(h.collectives.declare(new))  # type: ignore[union-attr]
        assert new in declared.known_titles
        assert new not in declared.titles
        assert declared.titles == h.titles
        for rule in sorted(TITLE_RULES):
            if rule in ("equivalent=", "cascade"):
                continue
            out = TITLE_RULES[rule](declared, new, known[0])
            if rule.startswith("History"):
                assert not np.asarray(out).any()
        assert not holds(new).mask(Context(P, history=declared)).any()
        # Declarations survive every way a history grows.
        grown = [
            declared.revoke("p0", known[0], P, reason="test"),
            declared.with_granted(P, {known[0]: np.ones(2, dtype=bool)}),
            History.concat(
                History.from_records([{"unit": "p0", "period": P}], declared=[new]),
                History.from_records([{"unit": "p0", "period": P + 1}], declared=["Z_" + new]),
            ),
        ]
        for g in grown:
            assert new in g.known_titles
            assert not g.held_all(new).any()

    def test_closest_folds_accents_d_and_case(self) -> None:
        assert closest("LDTT", ["LĐTT", "CSTĐCS"]) == "LĐTT"
        assert closest("cstdcs", ["LĐTT", "CSTĐCS"]) == "CSTĐCS"
        assert closest(unicodedata.normalize("NFD", "lđtt "), ["LĐTT"]) == "LĐTT"
        assert closest("QQQQ", ["LĐTT"]) is None
        # Columns benefit too: the closeness is the library's one helper.
        t = ScoreTable({"unit": ["A"], "Điểm": [1.0]})
        with pytest.raises(UnknownNameError, match="did you mean 'Điểm'"):
            t["diem"]

    def test_a_folded_match_is_suggested_never_accepted(self) -> None:
        h = _history(["LĐTT"])
        for typo in ("LDTT", "lđtt", "LĐTT "):
            with pytest.raises(UnknownNameError, match="did you mean 'LĐTT'"):
                holds(typo).mask(Context(P, history=h))

    def test_revoked_titles_stay_known(self) -> None:
        h = History.from_records([{"unit": "A", "period": P, "titles": ["X"]}])
        r = h.revoke("A", "X", P, reason="fraud")
        assert holds("X").mask(Context(P, history=r)).tolist() == [False]
        assert r.known_titles == ("X",)

    def test_history_declare_and_from_records_declared(self) -> None:
        h = History.from_records(
            [{"unit": "A", "period": P, "titles": ["LĐTT"]}], declared=["CSTĐ_BO"]
        )
        assert h.titles == ("LĐTT",)
        assert h.declared == ("CSTĐ_BO",)
        assert h.known_titles == ("CSTĐ_BO", "LĐTT")
        assert h.declare("X").declared == ("CSTĐ_BO", "X")
        assert h.append([{"unit": "A", "period": P + 1}]).declared == ("CSTĐ_BO",)
        with pytest.raises(EmulationRulesError, match="declared titles: title names are texts"):
            h.declare(None)  # type: ignore[arg-type]
        with pytest.raises(UnknownNameError, match="unknown title 'CSTD_BO'.*'CSTĐ_BO'"):
            h.held_all("CSTD_BO")


class TestSchemes:
    def history(self) -> History:
        return History.from_records(
            [
                {"unit": "A", "period": P, "titles": ["LĐTT"]},
                {"unit": "B", "period": P, "titles": ["LĐTT"]},
            ]
        )

    def test_requires_names_the_award(self) -> None:
        scheme = AwardScheme([Award("CSTĐCS", requires="LDTT")])
        with pytest.raises(UnknownNameError, match=r"'LDTT' in Award 'CSTĐCS' requires=.*'LĐTT'"):
            scheme.allocate(Context(P, history=self.history()))

    def test_quota_base_names_the_quota(self) -> None:
        scheme = AwardScheme([Award("CSTĐCS", quota=Quota(share=0.15, of="LDTT"))])
        with pytest.raises(UnknownNameError, match=r"base of Quota\(.*did you mean 'LĐTT'"):
            scheme.allocate(Context(P, history=self.history()))

    def test_excludes_and_exclusive_are_checked_when_built(self) -> None:
        with pytest.raises(UnknownNameError, match=r"Award 'B' excludes=.*did you mean 'CTĐCP'"):
            AwardScheme([Award("CTĐCP"), Award("B", excludes="CTDCP")])
        with pytest.raises(UnknownNameError, match=r"exclusive group.*did you mean 'CTĐCP'"):
            AwardScheme([Award("CTĐCP"), Award("B")], exclusive=[("ctđcp", "B")])

    def test_award_names_of_the_scheme_are_known(self) -> None:
        """A scheme's own awards need no declaration, even before anybody holds them."""
        scheme = AwardScheme(
            [
                Award("CSTĐCS", requires="LĐTT"),
                Award("CSTĐ_BO", streak("CSTĐCS", n=1, fresh_after="CSTĐ_BO"), requires="CSTĐCS"),
            ]
        )
        alloc = scheme.allocate(Context(P, history=self.history()))
        assert alloc.awarded("CSTĐ_BO") == ("A", "B")

    def test_scheme_declared_is_known_while_allocating_only(self) -> None:
        h = self.history()
        scheme = AwardScheme([Award("X", ~ever("BK_TTG"))], declared=["BK_TTG"])
        alloc = scheme.allocate(Context(P, history=h))
        assert alloc.awarded("X") == ("A", "B")
        assert "BK_TTG" not in alloc.history.known_titles
        assert repr(scheme).endswith("declared=('BK_TTG',))")
        with pytest.raises(UnknownNameError, match="ever\\('BK_TTG'\\)"):
            AwardScheme([Award("X", ~ever("BK_TTG"))]).allocate(Context(P, history=h))

    def test_history_declared_survives_allocation(self) -> None:
        h = self.history().declare("BK_TTG")
        alloc = AwardScheme([Award("X", ~ever("BK_TTG"))]).allocate(Context(P, history=h))
        assert "BK_TTG" in alloc.history.declared

    def test_names_are_checked_before_anything_is_decided(self) -> None:
        """The first award would raise a tie error; the misspelt later one is reported."""
        t = ScoreTable({"unit": ["A", "B"], "points": [1, 1]})
        scheme = AwardScheme(
            [
                Award("FIRST", quota=Quota(1), ranking=Ranking(desc("points")), level=9),
                Award("LATER", holds("LDTT")),
            ]
        )
        with pytest.raises(UnknownNameError, match="LDTT"):
            scheme.allocate(Context(P, history=self.history(), table=t))


# -- unit ids: one id written two ways, None, duplicates --------------------------------


def _elected() -> Rotation:
    return Rotation([NFC, "B"], Elected(Ranking(desc("votes"))), since=P)


KEYED: dict[str, Callable[[dict[object, int]], Any]] = {
    "Rotation votes": lambda m: _elected().term(P, votes={P: m}),
    "Rotation led_before": lambda m: Rotation(
        [NFC, "B", "C"], FixedCycle(P, "C"), since=P, led_before={k: [P - 1] for k in m}
    ),
}


class TestIdKeyedMappings:
    @pytest.mark.parametrize("entry", sorted(KEYED))
    def test_nfc_and_nfd_keys_are_refused_naming_both(self, entry: str) -> None:
        with pytest.raises(DataError, match=r"'H\\xf2a' and 'Ho\\u0300a'"):
            KEYED[entry]({NFC: 3, NFD: 2, "B": 1})

    @pytest.mark.parametrize("entry", sorted(KEYED))
    def test_none_and_spaced_keys_are_refused(self, entry: str) -> None:
        with pytest.raises(DataError, match="is None"):
            KEYED[entry]({None: 3, "B": 1})
        with pytest.raises(DataError, match="'B' appears at keys"):
            KEYED[entry]({"B": 3, " B": 1})

    def test_panel_weights_refuse_one_judge_twice(self) -> None:
        with pytest.raises(EmulationRulesError, match="twice"):
            Panel("mean", weights={NFC: 1.0, NFD: 2.0})

    @given(st.sampled_from(sorted(KEYED)), st.integers(0, 5), st.integers(0, 5), st.booleans())
    def test_any_id_in_two_forms_is_refused(
        self, entry: str, a: int, b: int, nfd_first: bool
    ) -> None:
        one, other = (NFD, NFC) if nfd_first else (NFC, NFD)
        with pytest.raises(DataError, match="written two ways"):
            KEYED[entry]({one: a, other: b, "B": 1})


ID_ENTRIES: dict[str, Callable[[list[object]], Any]] = {
    "ScoreTable": lambda ids: ScoreTable({"unit": ids, "x": [1.0] * len(ids)}),
    "ScoreTable units=": lambda ids: ScoreTable({"x": [1.0] * len(ids)}, units=ids),
    "ScoreTable.from_records": lambda ids: ScoreTable.from_records([{"unit": u} for u in ids]),
    "ScoreTable.from_matches units=": lambda ids: ScoreTable.from_matches(
        [("Q", "R", 1, 0)], units=["Q", "R", *ids]
    ),
    "ScoreTable pairwise": lambda ids: ScoreTable(
        {"unit": ["A", "B"]}, pairwise={"m": (ids, ["B"] * len(ids), [1.0] * len(ids))}
    ),
    "History": lambda ids: History(ids, (P, P)),  # type: ignore[arg-type]
    "History.from_records": lambda ids: _records_history(ids),
    "Rotation members": lambda ids: Rotation(ids, FixedCycle(P, "Z"), since=P),  # type: ignore[arg-type]
    "Merge": lambda ids: Merge(ids, "Y", P + 1),  # type: ignore[arg-type]
    "Panel units=": lambda ids: Panel("mean").aggregate(
        np.ones((1, len(ids))), units=ids, judges=["J"]
    ),
}


def _records_history(ids: list[object]) -> History:
    return History.from_records([{"unit": u, "period": P} for u in ids])


class TestIds:
    def test_none_unit_in_history_records_is_refused_naming_the_record(self) -> None:
        with pytest.raises(DataError, match="record 1 is None"):
            History.from_records([{"unit": "A", "period": P}, {"unit": None, "period": P}])

    def test_none_team_in_matches_is_refused(self) -> None:
        with pytest.raises(DataError, match="match 1 is None"):
            ScoreTable.from_matches([("A", "B", 1, 0), (None, "B", 0, 0)])

    def test_duplicate_units_in_from_matches_are_refused(self) -> None:
        with pytest.raises(DataError, match="'A' appears"):
            ScoreTable.from_matches([("A", "B", 1, 0)], units=["A", "B", NFC, NFD, "A"])

    def test_none_title_is_refused(self) -> None:
        with pytest.raises(DataError, match=r"record 0, titles=: title names are texts.*got None"):
            History.from_records([{"unit": "A", "period": P, "titles": ["X", None]}])

    @given(
        st.lists(st.sampled_from(["A", "B", "C", "Z", NFC]), min_size=1, max_size=4, unique=True),
        st.sampled_from(sorted(ID_ENTRIES)),
        st.data(),
    )
    def test_none_is_never_an_id(self, ids: list[object], entry: str, data: st.DataObject) -> None:
        spoiled = list(ids)
        spoiled.insert(data.draw(st.integers(0, len(ids))), None)
        with pytest.raises(EmulationRulesError, match="None"):
            ID_ENTRIES[entry](spoiled)

    @given(
        st.lists(st.sampled_from(["A", "B", "C", "Z", NFC]), min_size=1, max_size=4, unique=True),
        st.sampled_from(sorted(ID_ENTRIES)),
        st.booleans(),
        st.data(),
    )
    def test_a_repeated_id_is_refused(
        self, ids: list[object], entry: str, other_form: bool, data: st.DataObject
    ) -> None:
        assume(entry not in ("ScoreTable pairwise",))  # entries of a pairwise metric repeat
        twice = data.draw(st.sampled_from(ids))
        again = unicodedata.normalize("NFD", twice) if other_form else twice  # type: ignore[arg-type]
        spoiled = [*ids, again]
        # History records: one unit and period twice is two records of one unit.
        with pytest.raises(EmulationRulesError, match="appears|two records"):
            ID_ENTRIES[entry](spoiled)


class TestOtherNames:
    def test_vote_share_suggests_among_columns_and_facts(self) -> None:
        from emulation_rules import vote_share

        t = ScoreTable({"unit": ["A"], "yes_votes": [9], "council": [10]})
        h = History.from_records([{"unit": "A", "period": P, "present": 10}])
        rule = vote_share("yes_vote", of="council") >= 0.9
        with pytest.raises(UnknownNameError, match="did you mean 'yes_votes'"):
            rule.mask(Context(P, history=h, table=t))
        rule = vote_share("yes_votes", of="presnt") >= 0.9
        with pytest.raises(UnknownNameError, match="did you mean 'present'"):
            rule.mask(Context(P, history=h, table=t))

    def test_lot_draw_refuses_none_and_one_id_twice(self) -> None:
        from emulation_rules import Lot

        with pytest.raises(DataError, match="is None"):
            Lot(seed=1).draw(["A", None])  # type: ignore[list-item]
        with pytest.raises(DataError, match="written two ways"):
            Lot(seed=1).draw([NFC, NFD])
        assert Lot(seed=1).draw([NFD]).tolist() == Lot(seed=1).draw([NFC]).tolist()

    def test_history_titles_and_facts_given_twice_are_refused(self) -> None:
        one = np.ones((1, 1), dtype=bool)
        with pytest.raises(DataError, match="given twice"):
            History(["A"], (P, P), titles={NFC: one, NFD: ~one})
        with pytest.raises(DataError, match="given twice"):
            History(["A"], (P, P), facts={NFC: np.ones((1, 1)), NFD: np.zeros((1, 1))})
        with pytest.raises(DataError, match="gives the fact 'Hòa' twice"):
            History.from_records([{"unit": "A", "period": P, NFC: 1, NFD: 2}])

    def test_revoking_a_declared_title_nobody_holds(self) -> None:
        h = History.from_records([{"unit": "A", "period": P, "titles": ["X"]}], declared=["Y"])
        with pytest.raises(DataError, match="nobody was granted it"):
            h.revoke("A", "Y", P, reason="test")
        with pytest.raises(UnknownNameError, match="did you mean 'X'"):
            h.revoke("A", "x", P, reason="test")


@given(st.lists(titles, min_size=1, max_size=5), titles)
def test_closest_is_a_choice_and_prefers_a_folded_match(choices: list[str], name: str) -> None:
    hint = closest(name, choices)
    assert hint is None or hint in choices
    if any(fold(c) == fold(name) for c in choices):
        assert hint is not None
        assert fold(hint) == fold(name)


def test_a_title_with_spaces_around_is_refused_not_a_second_title() -> None:
    with pytest.raises(DataError, match="record 1, titles=: the title name 'LĐTT ' has leading"):
        History.from_records(
            [
                {"unit": "A", "period": P, "titles": ["LĐTT"]},
                {"unit": "B", "period": P, "titles": ["LĐTT "]},
            ]
        )
    with pytest.raises(DataError, match="spaces"):
        History(["A"], (P, P), titles={" X": np.ones((1, 1), dtype=bool)})
    with pytest.raises(DataError, match="spaces"):
        History.from_records([{"unit": "A", "period": P}], declared=["X "])


@given(known_and_typo(), st.booleans())
def test_exclusions_naming_a_typo_of_an_award_are_refused_when_built(
    case: tuple[list[str], str, str], in_group: bool
) -> None:
    names, source, typo = case
    awards = [Award(n) for n in names]

    def build() -> AwardScheme:
        if in_group:
            return AwardScheme([*awards, Award("OTHER_AWARD")], exclusive=[("OTHER_AWARD", typo)])
        return AwardScheme([*awards, Award("OTHER_AWARD", excludes=typo)])

    with pytest.raises((UnknownNameError, RuleError)) as info:
        build()
    if isinstance(info.value, RuleError):
        # Spaces around a name are refused when built, saying how to write it.
        assert typo != typo.strip()
        assert f"write {typo.strip()!r}" in str(info.value)
        return
    hint = _suggested(info.value)
    assert hint in [*names, "OTHER_AWARD"]
    if fold(typo) == fold(source):
        assert fold(hint) == fold(source)
