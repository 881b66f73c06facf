"""The matching is stable, mentee-optimal and checked (mentoring.matching.solver).

Stability is checked with a naive verifier written here from the definition of a blocking
pair (through `Preferences.pair_keys` only), in addition to the library's own `verify`."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring.matching import solver as matching
from mentoring.matching.compatibility import (
    EMPLOYER_PUPIL,
    FORMS,
    STUDENT_STUDENT,
    TEACHER_TEACHER,
    Candidate,
    check_pair,
    pair_form,
)
from mentoring.matching.solver import (
    PARTNER_FORMS,
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
from tests.matching_cases import FAST, instances, mentee, mentor

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
