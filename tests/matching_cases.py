"""Candidates and Hypothesis strategies shared by the tests of mentoring.matching."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from mentoring.matching.compatibility import (
    EMPLOYER_PUPIL,
    STUDENT_STUDENT,
    TEACHER_TEACHER,
    Candidate,
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mentee(pid: int, **kw: object) -> Candidate:
    base: dict[str, object] = {"organisation_id": 1, "forms_accepted": frozenset({TEACHER_TEACHER})}
    return Candidate(person_id=pid, role="mentee", **{**base, **kw})  # type: ignore[arg-type]


def mentor(pid: int, **kw: object) -> Candidate:
    base: dict[str, object] = {"organisation_id": 1, "forms_accepted": frozenset({TEACHER_TEACHER})}
    return Candidate(person_id=pid, role="mentor", **{**base, **kw})  # type: ignore[arg-type]


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
