"""Who may be paired with whom, why someone is left out, and how rankings and marks decide."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentoring.matching.compatibility import (
    EMPLOYER_PUPIL,
    STUDENT_STUDENT,
    TEACHER_TEACHER,
    Candidate,
    Reason,
    check_pair,
    pair_form,
    pair_problem,
)
from mentoring.matching.solver import (
    CAPACITY_EXHAUSTED,
    NO_CAPACITY,
    NO_COMPATIBLE_MENTEE,
    NO_COMPATIBLE_MENTOR,
    PARTNER_FORMS,
    SPARE_CAPACITY,
    Check,
    Preferences,
    build_preferences,
    propose,
    solve,
    stable_assignment,
)
from tests.matching_cases import FAST, instances, mentee, mentor

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
