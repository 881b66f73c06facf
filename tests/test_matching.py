"""Tests of mentoring.matching and mentoring.compatibility.

Stability is checked with a naive verifier written here from the definition of a blocking
pair (through `Preferences.pair_keys` only), in addition to the library's own `verify`.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentoring import matching
from mentoring.compatibility import (
    EMPLOYER_PUPIL,
    FORMS,
    PART_CODES,
    SCALE,
    STUDENT_STUDENT,
    TEACHER_TEACHER,
    Candidate,
    CompatibilityTable,
    Reason,
    Weights,
    check_pair,
    explain,
    pair_form,
    pair_problem,
    score,
    score_units,
)
from mentoring.matching import (
    CAPACITY_EXHAUSTED,
    NO_CAPACITY,
    NO_COMPATIBLE_MENTEE,
    NO_COMPATIBLE_MENTOR,
    PARTNER_FORMS,
    SPARE_CAPACITY,
    Check,
    Preferences,
    Proposal,
    blocking_pairs,
    build_preferences,
    check_assignment,
    propose,
    solve,
    stable_assignment,
    verify,
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mentee(pid: int, **kw: object) -> Candidate:
    base: dict[str, object] = {"organisation_id": 1, "forms_accepted": frozenset({TEACHER_TEACHER})}
    return Candidate(person_id=pid, role="mentee", **{**base, **kw})  # type: ignore[arg-type]


def mentor(pid: int, **kw: object) -> Candidate:
    base: dict[str, object] = {"organisation_id": 1, "forms_accepted": frozenset({TEACHER_TEACHER})}
    return Candidate(person_id=pid, role="mentor", **{**base, **kw})  # type: ignore[arg-type]


# ---------------------------------------------------------------- reference implementations


def naive_blocking(assignment: dict[int, int], prefs: Preferences) -> set[tuple[int, int]]:
    """Blocking pairs straight from the definition, over every pair, with scalar keys only."""
    members: dict[int, list[int]] = defaultdict(list)
    for mentee_id, mentor_id in assignment.items():
        members[prefs.mentor_index[mentor_id]].append(prefs.mentee_index[mentee_id])
    found = set()
    for i, mentee_id in enumerate(prefs.mentee_ids):
        own = assignment.get(mentee_id)
        own_keys = None if own is None else prefs.pair_keys(i, prefs.mentor_index[own])
        for j, mentor_id in enumerate(prefs.mentor_ids):
            keys = prefs.pair_keys(i, j)
            if keys is None or own == mentor_id:
                continue
            if own_keys is not None and own_keys[0] < keys[0]:
                continue  # the mentee likes his own mentor better
            group = members[j]
            if len(group) >= prefs.capacities[j] and all(
                (k := prefs.pair_keys(x, j)) is not None and k[1] < keys[1] for x in group
            ):
                continue  # the mentor is full with mentees he likes better
            found.add((mentee_id, mentor_id))
    return found


def all_stable(prefs: Preferences) -> list[dict[int, int]]:
    """Every stable matching, by enumerating all assignments (small instances only)."""
    options = [
        [
            None,
            *(prefs.mentor_ids[j] for j in range(len(prefs.mentor_ids)) if prefs.pair_keys(i, j)),
        ]
        for i in range(len(prefs.mentee_ids))
    ]
    stable = []
    for choice in itertools.product(*options):
        assignment = {
            m: mm for m, mm in zip(prefs.mentee_ids, choice, strict=True) if mm is not None
        }
        loads: dict[int, int] = defaultdict(int)
        for mm in assignment.values():
            loads[mm] += 1
        if any(loads[mm] > prefs.capacities[prefs.mentor_index[mm]] for mm in loads):
            continue
        if not naive_blocking(assignment, prefs):
            stable.append(assignment)
    return stable


def mentee_rank(prefs: Preferences, mentee_id: int, mentor_id: int | None) -> float:
    if mentor_id is None:
        return float("inf")
    keys = prefs.pair_keys(prefs.mentee_index[mentee_id], prefs.mentor_index[mentor_id])
    assert keys is not None
    return keys[0]


def placements(proposal: Proposal) -> Iterator[tuple[int, int, str]]:
    for mentor_id, group in proposal.groups.items():
        for p in group:
            yield p.mentee_id, mentor_id, p.form


# ---------------------------------------------------------------- strategies

FORM_POOL = [TEACHER_TEACHER, STUDENT_STUDENT, EMPLOYER_PUPIL, "head_teacher"]
SMALL_SETS = st.frozensets(st.sampled_from("abcde"), max_size=3)


@st.composite
def people(draw: st.DrawFn, role: str, ids: list[int], other_ids: list[int]) -> list[Candidate]:
    out = []
    for pid in ids:
        minor = draw(st.booleans())
        out.append(
            Candidate(
                person_id=pid,
                role=role,  # type: ignore[arg-type]
                organisation_id=draw(st.sampled_from([1, 1, 1, 2])),
                age=draw(st.none() | st.integers(10, 30)),
                school_class=draw(st.none() | st.integers(1, 11)),
                preferred_form=draw(st.none() | st.sampled_from(FORM_POOL)),
                forms_accepted=draw(st.frozensets(st.sampled_from(FORM_POOL), min_size=1)),
                subjects=draw(SMALL_SETS),
                interests=draw(SMALL_SETS),
                free_times=draw(SMALL_SETS),
                tags=draw(SMALL_SETS),
                format=draw(st.sampled_from([None, "online", "offline", "any"])),
                is_minor=minor,
                parent_consent=draw(st.booleans()) if minor else False,
                in_active_pair=draw(st.integers(0, 9)) == 0,
                capacity=draw(st.integers(0, 3)),
                is_partner_org=draw(st.booleans()),
                ranking=tuple(draw(st.lists(st.sampled_from(other_ids), max_size=3, unique=True)))
                if other_ids
                else (),
            )
        )
    return out


@st.composite
def instances(
    draw: st.DrawFn, max_mentees: int = 12, max_mentors: int = 5
) -> tuple[list[Candidate], list[Candidate]]:
    # Overlapping id ranges: the same person may sit on both sides (same_person rule).
    mentee_ids = sorted(draw(st.sets(st.integers(1, 30), max_size=max_mentees)))
    mentor_ids = sorted(draw(st.sets(st.integers(25, 50), max_size=max_mentors)))
    return draw(people("mentee", mentee_ids, mentor_ids)), draw(
        people("mentor", mentor_ids, mentee_ids)
    )


@st.composite
def list_instances(draw: st.DrawFn) -> Preferences:
    n, k = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    mentees, mentors = list(range(1, n + 1)), list(range(10, 10 + k))
    mentee_prefs = {
        m: draw(st.permutations(mentors).map(lambda p: p[: draw(st.integers(0, k))]))
        for m in mentees
    }
    mentor_prefs = {
        mm: draw(st.permutations(mentees).map(lambda p: p[: draw(st.integers(0, n))]))
        for mm in mentors
    }
    capacities = {mm: draw(st.integers(0, 3)) for mm in mentors}
    return Preferences.from_lists(mentee_prefs, mentor_prefs, capacities)


# ---------------------------------------------------------------- stability and rules


@FAST
@given(instances())
def test_proposal_is_stable_within_capacity_and_rules(
    instance: tuple[list[Candidate], list[Candidate]],
) -> None:
    mentees, mentors = instance
    prefs = build_preferences(mentees, mentors)
    proposal = solve(prefs)
    assert proposal.check == Check(0, 0, 0)
    assignment = proposal.assignment()
    assert naive_blocking(assignment, prefs) == set()
    assert blocking_pairs(assignment, prefs) == []
    by_id = {c.person_id: c for c in mentees} | {-c.person_id: c for c in mentors}
    for mentee_id, mentor_id, form in placements(proposal):
        assert check_pair(by_id[mentee_id], by_id[-mentor_id], form) is None
        assert form == pair_form(by_id[mentee_id], by_id[-mentor_id])
    for mentor_id, group in proposal.groups.items():
        assert 1 <= len(group) <= by_id[-mentor_id].capacity
    placed = [p[0] for p in placements(proposal)]
    assert len(placed) == len(set(placed))
    unmatched = {u.mentee_id for u in proposal.unmatched_mentees}
    assert unmatched | set(placed) == {c.person_id for c in mentees}
    assert not unmatched & set(placed)


@FAST
@given(list_instances())
def test_explicit_lists_are_matched_stably(prefs: Preferences) -> None:
    assignment = stable_assignment(prefs)
    assert naive_blocking(assignment, prefs) == set()
    assert check_assignment(assignment, prefs) == Check(0, 0, 0)


@FAST
@given(st.integers(1, 25), st.lists(st.integers(1, 6), min_size=1, max_size=8), st.randoms())
def test_everyone_placed_when_all_compatible_and_seats_suffice(
    n: int, caps: list[int], rnd: random.Random
) -> None:
    caps = [*caps, n]  # total capacity >= mentees
    letters = "abcdef"
    mentees = [mentee(i, subjects=frozenset(rnd.sample(letters, 2))) for i in range(1, n + 1)]
    mentors = [
        mentor(100 + j, capacity=c, subjects=frozenset(rnd.sample(letters, 2)))
        for j, c in enumerate(caps)
    ]
    proposal = propose(mentees, mentors)
    assert proposal.unmatched_mentees == ()
    assert sum(map(len, proposal.groups.values())) == n
    assert proposal.check is not None and proposal.check.ok


@settings(max_examples=150, deadline=None)
@given(list_instances())
def test_mentee_optimal_on_lists_against_brute_force(prefs: Preferences) -> None:
    _assert_mentee_optimal(prefs)


@FAST
@given(instances(max_mentees=5, max_mentors=3))
def test_mentee_optimal_on_candidates_against_brute_force(
    instance: tuple[list[Candidate], list[Candidate]],
) -> None:
    _assert_mentee_optimal(build_preferences(*instance))


def _assert_mentee_optimal(prefs: Preferences) -> None:
    ours = stable_assignment(prefs)
    stable = all_stable(prefs)
    assert ours in stable  # there is always one stable matching, and ours is one of them
    for mentee_id in prefs.mentee_ids:
        best = min(mentee_rank(prefs, mentee_id, s.get(mentee_id)) for s in stable)
        assert mentee_rank(prefs, mentee_id, ours.get(mentee_id)) == best


# ---------------------------------------------------------------- vectorised == scalar


@FAST
@given(
    instances(), st.sampled_from([Weights(), Weights(1, 2, 3, 4, 5, 6), Weights(0, 0, 1, 0, 7, 0)])
)
def test_vectorised_rules_and_score_equal_the_scalar_definition(
    instance: tuple[list[Candidate], list[Candidate]], weights: Weights
) -> None:
    mentees, mentors = (sorted(side, key=lambda c: c.person_id) for side in instance)
    table = CompatibilityTable(mentees, mentors, weights)
    maxima = weights.part_maxima()
    for i, m in enumerate(mentees):
        expected = [
            j for j, mm in enumerate(mentors) if pair_problem(m, mm) is None and mm.capacity > 0
        ]
        assert table.allowed_mentors(i).tolist() == expected
        assert table.units(m).tolist() == [score_units(m, mm, maxima) for mm in mentors]
    for j, mm in enumerate(mentors):
        expected_mentees = [pair_problem(m, mm) is None and mm.capacity > 0 for m in mentees]
        assert table.compatible_mentees(j).tolist() == expected_mentees


@FAST
@given(instances())
def test_rows_agree_with_pair_keys(instance: tuple[list[Candidate], list[Candidate]]) -> None:
    prefs = build_preferences(*instance)
    for i in range(len(prefs.mentee_ids)):
        mentors, ek, mk = prefs.row(i)
        from_row = {int(j): (int(a), int(b)) for j, a, b in zip(mentors, ek, mk, strict=True)}
        scalar = {j: keys for j in range(len(prefs.mentor_ids)) if (keys := prefs.pair_keys(i, j))}
        assert from_row == scalar


# ---------------------------------------------------------------- hard rules, one by one

PUPIL_FORMS = frozenset({STUDENT_STUDENT, EMPLOYER_PUPIL})


@pytest.mark.parametrize(
    ("mentee_kw", "mentor_kw", "form", "expected"),
    [
        ({}, {}, TEACHER_TEACHER, None),
        ({"in_active_pair": True}, {}, TEACHER_TEACHER, "mentee_already_paired"),
        ({}, {"in_active_pair": True}, TEACHER_TEACHER, "mentor_already_paired"),
        ({"is_minor": True}, {}, TEACHER_TEACHER, "mentee_no_parent_consent"),
        ({"is_minor": True, "parent_consent": True}, {}, TEACHER_TEACHER, None),
        ({}, {"is_minor": True}, TEACHER_TEACHER, "mentor_no_parent_consent"),
        ({}, {}, "tutoring", "unknown_form"),
        ({}, {}, STUDENT_STUDENT, "form_not_accepted"),
        ({}, {"organisation_id": 2}, TEACHER_TEACHER, "foreign_organisation"),
        (
            {},
            {"organisation_id": 2, "is_partner_org": True},
            TEACHER_TEACHER,
            "partner_form_not_allowed",
        ),
        (
            {"forms_accepted": PUPIL_FORMS},
            {"organisation_id": 2, "is_partner_org": True, "forms_accepted": PUPIL_FORMS},
            EMPLOYER_PUPIL,
            None,
        ),
        ({"age": 30}, {"age": 29}, TEACHER_TEACHER, "mentor_younger"),
        ({"age": 30}, {"age": 30}, TEACHER_TEACHER, None),
        ({"age": 30}, {}, TEACHER_TEACHER, None),  # unknown age: the rule cannot apply
        ({"school_class": 7}, {"school_class": 7}, TEACHER_TEACHER, "mentor_not_higher_class"),
        ({"school_class": 7}, {"school_class": 5}, TEACHER_TEACHER, "mentor_not_higher_class"),
        ({"school_class": 7}, {"school_class": 9}, TEACHER_TEACHER, None),
        ({"school_class": 7}, {}, TEACHER_TEACHER, None),  # the mentor is not a pupil
    ],
)
def test_check_pair_rules(
    mentee_kw: dict[str, object], mentor_kw: dict[str, object], form: str, expected: str | None
) -> None:
    assert check_pair(mentee(1, **mentee_kw), mentor(2, **mentor_kw), form) == expected


def test_no_one_is_paired_with_himself_or_with_a_wrong_role() -> None:
    assert check_pair(mentee(5), mentor(5), TEACHER_TEACHER) == "same_person"
    assert check_pair(mentee(1), replace(mentor(2), role="mentee"), TEACHER_TEACHER) == "wrong_role"
    proposal = propose([mentee(5)], [mentor(5)])
    assert proposal.groups == {}


def test_partner_forms_constant_and_partner_rules_in_pair_problem() -> None:
    assert {"employer_pupil", "employer_student", "university_student_pupil"} == PARTNER_FORMS
    partner = mentor(2, organisation_id=9, is_partner_org=True)
    assert pair_problem(mentee(1), partner) == "partner_form_not_allowed"
    assert pair_problem(mentee(1), mentor(2, organisation_id=9)) == "foreign_organisation"
    assert pair_problem(mentee(1), mentor(2, forms_accepted=PUPIL_FORMS)) == "no_common_form"
    both = frozenset({TEACHER_TEACHER, EMPLOYER_PUPIL})
    # With a partner mentor the pair runs under a partner form even if another is preferred.
    m = mentee(1, forms_accepted=both, preferred_form=TEACHER_TEACHER)
    assert pair_form(m, replace(partner, forms_accepted=both)) == EMPLOYER_PUPIL
    assert pair_form(m, mentor(2, forms_accepted=both)) == TEACHER_TEACHER


def test_invalid_candidates_are_rejected() -> None:
    with pytest.raises(ValueError):
        mentee(1, school_class=12)
    with pytest.raises(ValueError):
        mentee(1, forms_accepted=frozenset({"tutoring"}))
    with pytest.raises(ValueError):
        mentee(1, format="hybrid")
    with pytest.raises(ValueError):
        build_preferences([mentee(1), mentee(1)], [])
    with pytest.raises(ValueError):
        build_preferences([mentor(1)], [])


# ---------------------------------------------------------------- unmatched reasons


def test_unmatched_mentee_reasons() -> None:
    mentees = [
        mentee(1, is_minor=True),
        mentee(2, in_active_pair=True),
        mentee(3, forms_accepted=PUPIL_FORMS),
        mentee(4, subjects=frozenset("ab")),
        mentee(5, subjects=frozenset("a")),
    ]
    mentors = [mentor(10, capacity=1, subjects=frozenset("ab"))]
    proposal = propose(mentees, mentors)
    assert {u.mentee_id: u.reason for u in proposal.unmatched_mentees} == {
        1: "no_parent_consent",
        2: "already_paired",
        3: NO_COMPATIBLE_MENTOR,
        5: CAPACITY_EXHAUSTED,
    }
    assert [p.mentee_id for p in proposal.groups[10]] == [4]  # the better fit wins the seat


def test_spare_mentor_reasons() -> None:
    mentors = [
        mentor(10, capacity=2),
        mentor(11, forms_accepted=PUPIL_FORMS),
        mentor(12, in_active_pair=True, capacity=3),
        mentor(13, is_minor=True),
        mentor(14, capacity=0),
    ]
    proposal = propose([mentee(1, ranking=(10,))], mentors)
    spare = {s.mentor_id: (s.free_seats, s.reason) for s in proposal.spare_mentors}
    assert spare == {
        10: (1, SPARE_CAPACITY),
        11: (1, NO_COMPATIBLE_MENTEE),
        12: (3, "already_paired"),
        13: (1, "no_parent_consent"),
        14: (0, NO_CAPACITY),
    }


def test_spare_capacity_when_mentees_prefer_others() -> None:
    proposal = propose([mentee(1, ranking=(10,))], [mentor(10), mentor(11)])
    assert proposal.groups.keys() == {10}
    assert {s.mentor_id: s.reason for s in proposal.spare_mentors} == {11: SPARE_CAPACITY}


# ---------------------------------------------------------------- preferences


def test_mentee_ranking_beats_score_and_unranked_mentees_are_still_placed() -> None:
    a, b = mentor(10, subjects=frozenset("xyz")), mentor(11)
    proposal = propose([mentee(1, subjects=frozenset("xyz"), ranking=(11,)), mentee(2)], [a, b])
    assert proposal.assignment() == {1: 11, 2: 10}


def test_mentor_marks_beat_score() -> None:
    proposal = propose(
        [mentee(1, subjects=frozenset("xy")), mentee(2)],
        [mentor(10, subjects=frozenset("xy"), ranking=(2,))],
    )
    assert proposal.assignment() == {2: 10}
    assert [u.reason for u in proposal.unmatched_mentees] == [CAPACITY_EXHAUSTED]


def test_forbidden_ranking_entries_are_ignored() -> None:
    proposal = propose([mentee(1, ranking=(10, 11))], [mentor(10, organisation_id=2), mentor(11)])
    assert proposal.assignment() == {1: 11}


def test_group_order_favourite_first_and_reasons() -> None:
    mentors = [mentor(10, capacity=3, ranking=(3,), subjects=frozenset("ab"), format="online")]
    mentees = [
        mentee(1, subjects=frozenset("ab"), format="online"),
        mentee(2, subjects=frozenset("c")),
        mentee(3, subjects=frozenset("c")),
    ]
    group = propose(mentees, mentors).groups[10]
    assert [p.mentee_id for p in group] == [3, 1, 2]  # marked, then by score, then by id
    assert group[1].reasons[0] == Reason("shared_subjects", 20.0, ("a", "b"))
    assert all(r.weight_contribution > 0 for p in group for r in p.reasons)
    assert all(len(p.reasons) <= 3 for p in group)
    assert group[1].form == TEACHER_TEACHER


def test_ties_are_broken_by_person_id() -> None:
    proposal = propose([mentee(7), mentee(3), mentee(5)], [mentor(10), mentor(20)])
    assert proposal.assignment() == {3: 10, 5: 20}


@FAST
@given(instances(), st.randoms())
def test_deterministic_whatever_the_input_order(
    instance: tuple[list[Candidate], list[Candidate]], rnd: random.Random
) -> None:
    mentees, mentors = instance
    first = propose(mentees, mentors)
    rnd.shuffle(mentees)
    rnd.shuffle(mentors)
    assert propose(mentees, mentors) == first


@FAST
@given(instances())
def test_truncated_lists_round_trip_through_explicit_lists(
    instance: tuple[list[Candidate], list[Candidate]],
) -> None:
    prefs = build_preferences(*instance, complete=False)
    lists_prefs = Preferences.from_lists(*prefs.as_lists())
    assert stable_assignment(lists_prefs) == stable_assignment(prefs)
    assert solve(prefs).check == Check(0, 0, 0)
    with pytest.raises(ValueError):
        build_preferences(*instance).as_lists()


# ---------------------------------------------------------------- the verifier can fail


def _two_by_two() -> tuple[list[Candidate], list[Candidate]]:
    # Mentee 1 fits mentor 10 best and the other way round; same for 2 and 20.
    mentees = [mentee(1, subjects=frozenset("a")), mentee(2, subjects=frozenset("b"))]
    mentors = [mentor(10, subjects=frozenset("a")), mentor(20, subjects=frozenset("b"))]
    return mentees, mentors


def test_verifier_catches_a_planted_blocking_pair() -> None:
    prefs = build_preferences(*_two_by_two())
    proposal = solve(prefs)
    assert proposal.assignment() == {1: 10, 2: 20}
    swapped = {1: 20, 2: 10}
    assert sorted(blocking_pairs(swapped, prefs)) == [(1, 10), (2, 20)]
    assert naive_blocking(swapped, prefs) == {(1, 10), (2, 20)}
    assert check_assignment(swapped, prefs).blocking_pairs == 2
    # Leaving someone out while a seat is free blocks too.
    assert blocking_pairs({1: 10}, prefs) == [(2, 20)]


def test_verifier_catches_capacity_and_rule_breaches() -> None:
    mentees, mentors = _two_by_two()
    mentees.append(mentee(3, is_minor=True))
    prefs = build_preferences(mentees, mentors)
    over = check_assignment({1: 10, 2: 10}, prefs)
    assert over.capacity_violations == 1 and not over.ok
    assert check_assignment({1: 10, 2: 20, 3: 20}, prefs).hard_rule_violations == 1
    assert check_assignment({1: 10, 2: 99}, prefs).hard_rule_violations == 1
    proposal = solve(prefs)
    wrong_form = replace(proposal.groups[10][0], form=STUDENT_STUDENT)
    tampered = replace(proposal, groups={**proposal.groups, 10: (wrong_form,)})
    assert verify(tampered, prefs).hard_rule_violations == 1
    twice = replace(
        proposal, groups={**proposal.groups, 20: (*proposal.groups[20], proposal.groups[10][0])}
    )
    assert verify(twice, prefs).hard_rule_violations >= 1


def test_unranked_pair_breaks_no_rule_but_is_unacceptable_in_truncated_lists() -> None:
    mentees, mentors = _two_by_two()
    prefs = build_preferences(
        [replace(mentees[0], ranking=(20,)), mentees[1]], mentors, complete=False
    )
    assert stable_assignment(prefs) == {1: 20}
    check = check_assignment({1: 10}, prefs)
    assert check.hard_rule_violations == 0
    assert blocking_pairs({1: 10}, prefs) == [(1, 20)]


def test_curator_edit_is_checked() -> None:
    mentees, mentors = _two_by_two()
    mentors = [replace(mentors[0], capacity=2), mentors[1]]
    prefs = build_preferences(mentees, mentors)
    edited = solve(prefs).assignment() | {2: 10}  # move mentee 2 into mentor 10's group
    assert check_assignment(edited, prefs) == Check(1, 0, 0)
    assert blocking_pairs(edited, prefs) == [(2, 20)]


@settings(max_examples=30, deadline=None)
@given(instances(max_mentees=20, max_mentors=6))
def test_row_cache_eviction_does_not_change_the_result(
    instance: tuple[list[Candidate], list[Candidate]],
) -> None:
    expected = propose(*instance, check=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matching, "_ROW_CACHE_SIZE", 1)
        assert propose(*instance, check=False) == expected


def test_solve_needs_candidates() -> None:
    prefs = Preferences.from_lists({1: [10]}, {10: [1]}, {10: 1})
    with pytest.raises(ValueError):
        solve(prefs)
    assert stable_assignment(prefs) == {1: 10}


# ---------------------------------------------------------------- score and explain


def test_perfect_fit_scores_100_and_explain_adds_up() -> None:
    sets = {
        "subjects": frozenset("ab"),
        "interests": frozenset("c"),
        "free_times": frozenset({"mon_am"}),
    }
    common = {
        **sets,
        "preferred_form": TEACHER_TEACHER,
        "format": "online",
        "tags": frozenset({"exam"}),
    }
    m, mm = mentee(1, **common), mentor(2, **common)
    assert score(m, mm) == 100.0
    reasons = explain(m, mm)
    assert [r.code for r in reasons] == [
        "request_matches_offer",
        "shared_subjects",
        "shared_interests",
        "format_fit",
        "shared_free_times",
        "same_form",
    ]
    assert reasons[1].detail == ("a", "b")
    assert sum(r.weight_contribution for r in reasons) == pytest.approx(100.0)


@FAST
@given(instances(max_mentees=4, max_mentors=4), st.floats(0, 10), st.floats(0.1, 10))
def test_score_bounds_and_explain_sorted(
    instance: tuple[list[Candidate], list[Candidate]], w1: float, w2: float
) -> None:
    weights = Weights(same_form=w1, shared_interests=w2)
    for m, mm in itertools.product(*instance):
        value = score(m, mm, weights)
        reasons = explain(m, mm, weights)
        assert 0 <= value <= 100
        assert sum(r.weight_contribution for r in reasons) == pytest.approx(value)
        assert [r.weight_contribution for r in reasons] == sorted(
            (r.weight_contribution for r in reasons), reverse=True
        )
        assert {r.code for r in reasons} == set(PART_CODES)


def test_weights() -> None:
    assert sum(Weights(1, 1, 1, 0, 0, 0).part_maxima()) == SCALE
    assert Weights(0, 0, 0, 0, 0, 1).part_maxima() == (0, 0, 0, 0, 0, SCALE)
    with pytest.raises(ValueError):
        Weights(0, 0, 0, 0, 0, 0)
    with pytest.raises(ValueError):
        Weights(same_form=-1)
    with pytest.raises(ValueError):
        Weights(same_form=float("nan"))
    only_subjects = Weights(0, 1, 0, 0, 0, 0)
    m, mm = mentee(1, subjects=frozenset("abc")), mentor(2, subjects=frozenset("ab"))
    assert score(m, mm, only_subjects) == pytest.approx(66.666)
    by_code = {r.code: r for r in explain(m, mm, only_subjects)}
    assert by_code["format_fit"] == Reason("format_fit", 0.0, ("unknown", "unknown"))


def test_format_fit() -> None:
    def fit(a: str | None, b: str | None) -> float:
        return score(mentee(1, format=a), mentor(2, format=b), Weights(0, 0, 0, 1, 0, 0))

    assert fit("online", "online") == fit("online", "any") == fit("any", "offline") == 100
    assert fit("online", "offline") == 0
    assert fit(None, "online") == 50


# ---------------------------------------------------------------- a bigger instance


def test_medium_instance_with_partners_and_groups() -> None:
    rnd = random.Random(7)
    letters = list("abcdefghij")
    forms = [STUDENT_STUDENT, EMPLOYER_PUPIL, TEACHER_TEACHER]
    mentees = [
        mentee(
            i,
            school_class=rnd.randint(1, 9),
            forms_accepted=frozenset(rnd.sample(forms, 2)),
            subjects=frozenset(rnd.sample(letters, 3)),
            free_times=frozenset(rnd.sample(letters, 4)),
            is_minor=True,
            parent_consent=rnd.random() < 0.9,
            ranking=tuple(rnd.sample(range(1000, 1060), 3)),
        )
        for i in range(1, 301)
    ]
    mentors = [
        mentor(
            1000 + j,
            organisation_id=rnd.choice([1, 1, 2]),
            is_partner_org=True,
            school_class=rnd.choice([None, 10, 11]),
            forms_accepted=frozenset(rnd.sample(forms, 2)),
            subjects=frozenset(rnd.sample(letters, 3)),
            free_times=frozenset(rnd.sample(letters, 4)),
            capacity=rnd.randint(1, 6),
            ranking=tuple(rnd.sample(range(1, 301), 4)),
        )
        for j in range(60)
    ]
    prefs = build_preferences(mentees, mentors)
    proposal = solve(prefs)
    assert proposal.check == Check(0, 0, 0)
    assert naive_blocking(proposal.assignment(), prefs) == set()
    assert sum(map(len, proposal.groups.values())) + len(proposal.unmatched_mentees) == 300
    forms_used = {form for _, _, form in placements(proposal)}
    assert forms_used <= set(FORMS) and len(forms_used) > 1
    # Partner mentors only ever run partner forms.
    partners = {m.person_id for m in mentors if m.organisation_id == 2}
    partner_forms = [form for _, mm, form in placements(proposal) if mm in partners]
    assert partner_forms and all(form in PARTNER_FORMS for form in partner_forms)
