"""The matching's view of one organisation, read from the questionnaires (анкеты).

Forms a person accepts come from his position in the intake, by role:
- mentee pupil: ученик–ученик, студент–ученик, работодатель–ученик;
- mentee student: студент–студент, работодатель–студент;
- mentee young teacher: учитель–учитель, руководитель ОО–педагог;
- mentor senior pupil: ученик–ученик;
- mentor student: студент–ученик, студент–студент;
- mentor teacher: учитель–учитель, руководитель ОО–педагог;
- mentor employer: работодатель–ученик, работодатель–студент.
A mentor's seats are his latest stated capacity (the preference questionnaire overrides the
intake) less the mentees he already leads in active pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from mentoring.matching.compatibility import (
    EMPLOYER_PUPIL,
    EMPLOYER_STUDENT,
    FORMS,
    HEAD_TEACHER,
    STUDENT_STUDENT,
    TEACHER_TEACHER,
    UNIVERSITY_STUDENT_PUPIL,
    UNIVERSITY_STUDENT_STUDENT,
    Candidate,
)
from mentoring.people.ages import age_on, is_minor
from storage import consents, people, surveys
from storage import pairs as pair_store

__all__ = [
    "FORMS_BY_POSITION",
    "NO_INTAKE",
    "Cohort",
    "Profile",
    "load_candidates",
    "load_cohort",
]

NO_INTAKE = "no_intake"  # registered but has not submitted the intake questionnaire

FORMS_BY_POSITION: dict[tuple[str, str], frozenset[str]] = {
    ("mentee", "pupil"): frozenset({STUDENT_STUDENT, UNIVERSITY_STUDENT_PUPIL, EMPLOYER_PUPIL}),
    ("mentee", "student"): frozenset({UNIVERSITY_STUDENT_STUDENT, EMPLOYER_STUDENT}),
    ("mentee", "young_teacher"): frozenset({TEACHER_TEACHER, HEAD_TEACHER}),
    ("mentor", "senior_pupil"): frozenset({STUDENT_STUDENT}),
    ("mentor", "student"): frozenset({UNIVERSITY_STUDENT_PUPIL, UNIVERSITY_STUDENT_STUDENT}),
    ("mentor", "teacher"): frozenset({TEACHER_TEACHER, HEAD_TEACHER}),
    ("mentor", "employer"): frozenset({EMPLOYER_PUPIL, EMPLOYER_STUDENT}),
}
PUPIL_POSITIONS = frozenset({"pupil", "senior_pupil"})
INTAKE = {"mentee": ("intake_mentee",), "mentor": ("intake_mentor",)}
PREFERENCE = {"mentee": ("preference_mentee",), "mentor": ("preference_mentor",)}


@dataclass(frozen=True, slots=True)
class Profile:
    """What the partner is told about a person once the pair is approved."""

    person_id: int
    role: str
    full_name: str
    position: str | None
    subjects: tuple[str, ...]
    username: str | None
    share_contact: bool
    telegram_id: int | None
    locale: str


@dataclass(frozen=True, slots=True)
class Cohort:
    mentees: dict[int, Candidate]
    mentors: dict[int, Candidate]
    profiles: dict[int, Profile]
    without_intake: tuple[int, ...]  # mentees who cannot be matched yet


def _codes(value: Any) -> frozenset[str]:
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _birth_date(stored: date | None, answered: Any) -> date | None:
    if stored is not None or not isinstance(answered, str):
        return stored
    try:
        return date.fromisoformat(answered[:10])
    except ValueError:
        return None


def _yes(value: Any) -> bool:
    return value is True or str(value).lower() in ("yes", "true", "1")


async def _candidate(
    conn: AsyncConnection,
    person: people.Person,
    role: str,
    organisation_id: int,
    today: date,
    busy: tuple[set[int], dict[int, int]],
) -> tuple[Candidate, Profile] | None:
    intake = await surveys.submitted_answers(conn, person.id, INTAKE[role])
    if not intake:
        return None
    preference = await surveys.submitted_answers(conn, person.id, PREFERENCE[role])
    position = str(intake.get("position") or "")
    born = _birth_date(person.birth_date, intake.get("birth_date"))
    minor = is_minor(born, today)
    preferred = intake.get("preferred_form")
    ranked = preference.get("ranked_mentors" if role == "mentee" else "chosen_mentees") or []
    capacity = _int(preference.get("capacity")) or _int(intake.get("capacity")) or 1
    busy_mentees, load = busy
    seats = max(0, capacity - load.get(person.id, 0))
    paired = person.id in busy_mentees if role == "mentee" else person.id in load and seats == 0
    fmt = intake.get("format")
    school_class = _int(intake.get("school_class")) if position in PUPIL_POSITIONS else None
    candidate = Candidate(
        person_id=person.id,
        role="mentee" if role == "mentee" else "mentor",
        organisation_id=organisation_id,
        display_name=person.full_name or "",
        age=age_on(born, today) if born else None,
        school_class=school_class if school_class and 1 <= school_class <= 11 else None,
        preferred_form=preferred if preferred in FORMS else None,
        forms_accepted=FORMS_BY_POSITION.get((role, position), frozenset()),
        subjects=_codes(intake.get("subjects")),
        interests=_codes(intake.get("interests")),
        format=fmt if fmt in ("online", "offline", "any") else None,
        free_times=_codes(intake.get("free_times")),
        tags=_codes(intake.get("request_tags" if role == "mentee" else "offer_tags")),
        is_minor=minor,
        parent_consent=minor and await consents.has_active(conn, person.id, "parent"),
        in_active_pair=paired,
        capacity=seats if role == "mentor" else 1,
        ranking=tuple(p for p in (_int(v) for v in ranked) if p is not None),
    )
    profile = Profile(
        person_id=person.id,
        role=role,
        full_name=person.full_name or "",
        position=position or None,
        subjects=tuple(sorted(candidate.subjects)),
        username=person.username,
        share_contact=_yes(intake.get("share_contact")),
        telegram_id=person.telegram_id,
        locale=person.locale,
    )
    return candidate, profile


async def load_candidates(
    conn: AsyncConnection, organisation_id: int, role: str, person_ids: list[int], today: date
) -> dict[int, Candidate]:
    """These people of `role` as the matching sees them; those without an intake are left out."""
    busy = await pair_store.busy_people(conn)
    found: dict[int, Candidate] = {}
    for person_id in person_ids:
        person = await people.get(conn, person_id)
        built = (
            await _candidate(conn, person, role, organisation_id, today, busy) if person else None
        )
        if built is not None:
            found[person_id] = built[0]
    return found


async def load_cohort(conn: AsyncConnection, organisation_id: int, today: date) -> Cohort:
    """Every active mentee and mentor of the organisation as Candidates, with their profiles."""
    busy = await pair_store.busy_people(conn)
    found: dict[str, dict[int, Candidate]] = {"mentee": {}, "mentor": {}}
    profiles: dict[int, Profile] = {}
    without_intake: list[int] = []
    for role in ("mentee", "mentor"):
        for person_id in await surveys.active_people_with_role(conn, organisation_id, role):
            person = await people.get(conn, person_id)
            if person is None:
                continue
            built = await _candidate(conn, person, role, organisation_id, today, busy)
            if built is None:
                if role == "mentee":
                    without_intake.append(person_id)
                    profiles[person_id] = Profile(
                        person_id, role, person.full_name or "", None, (), None, False, None, "ru"
                    )
                continue
            found[role][person_id] = built[0]
            profiles[person_id] = built[1]
    return Cohort(found["mentee"], found["mentor"], profiles, tuple(without_intake))
