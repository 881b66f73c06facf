"""Scores and their explanations (mentoring.matching.compatibility), and the vectorised
table against the scalar definition."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentoring.matching.compatibility import (
    PART_CODES,
    SCALE,
    TEACHER_TEACHER,
    Candidate,
    CompatibilityTable,
    Reason,
    Weights,
    explain,
    pair_problem,
    score,
    score_units,
)
from mentoring.matching.solver import build_preferences
from tests.matching_cases import FAST, instances, mentee, mentor

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
