"""The participants as the matching sees them: form codes, the meeting format and `Candidate`.

Pure data with validation; the rules and the score over it live in `rules` and
`score`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "EMPLOYER_PUPIL",
    "EMPLOYER_STUDENT",
    "FORMATS",
    "FORMS",
    "FORM_BIT",
    "HEAD_TEACHER",
    "PARTNER_FORMS",
    "STUDENT_STUDENT",
    "TEACHER_TEACHER",
    "UNIVERSITY_STUDENT_PUPIL",
    "UNIVERSITY_STUDENT_STUDENT",
    "Candidate",
    "Format",
]

# Forms of mentoring (формы наставничества), always mentor kind first.
STUDENT_STUDENT = "student_student"  # ученик–ученик
TEACHER_TEACHER = "teacher_teacher"  # учитель–учитель
UNIVERSITY_STUDENT_PUPIL = "university_student_pupil"  # студент–ученик
UNIVERSITY_STUDENT_STUDENT = "university_student_student"  # студент–студент
EMPLOYER_PUPIL = "employer_pupil"  # работодатель–ученик
EMPLOYER_STUDENT = "employer_student"  # работодатель–студент
HEAD_TEACHER = "head_teacher"  # руководитель ОО–педагог
FORMS: tuple[str, ...] = (
    STUDENT_STUDENT,
    TEACHER_TEACHER,
    UNIVERSITY_STUDENT_PUPIL,
    UNIVERSITY_STUDENT_STUDENT,
    EMPLOYER_PUPIL,
    EMPLOYER_STUDENT,
    HEAD_TEACHER,
)
# Forms in which a mentor from a partner organisation may take part.
PARTNER_FORMS: frozenset[str] = frozenset(
    {EMPLOYER_PUPIL, EMPLOYER_STUDENT, UNIVERSITY_STUDENT_PUPIL}
)
FORM_BIT = {form: 1 << i for i, form in enumerate(FORMS)}  # form code -> bit of a form mask

Format = Literal["online", "offline", "any"]
FORMATS: tuple[str | None, ...] = (None, "online", "offline", "any")  # None: not answered


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """One participant of a programme year, as the matching sees him.

    Sets hold short codes from the questionnaires (subject, interest, time-slot, tag codes).
    `tags` is the mentee's request (запрос) or the mentor's offer, depending on `role`.
    `forms_accepted` must be filled by the caller from the person's category and the
    programme settings: a person with no accepted form is never matched.
    `ranking`: for a mentee, up to a few mentor ids in order of preference; for a mentor,
    the mentees he marked (order ignored). Unknown ids are ignored.
    `is_partner_org`: the person belongs to a partner organisation of the mentee's one
    (the caller resolves partnerships); only meaningful for mentors.
    `capacity`: seats of a mentor (1 = one-to-one, N = group); ignored for mentees.
    `school_class`: 1..11 for pupils, None for everybody else; `age`: None when unknown.
    The age rule applies when both ages are known, the class rule between two pupils.
    """

    person_id: int
    role: Literal["mentee", "mentor"]
    organisation_id: int
    display_name: str = ""
    age: int | None = None
    school_class: int | None = None
    preferred_form: str | None = None
    forms_accepted: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    format: Format | None = None
    free_times: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    is_minor: bool = False
    parent_consent: bool = False
    in_active_pair: bool = False
    capacity: int = 1
    is_partner_org: bool = False
    ranking: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ("mentee", "mentor"):
            raise ValueError(f"role must be 'mentee' or 'mentor', got {self.role!r}")
        if self.school_class is not None and not 1 <= self.school_class <= 11:
            raise ValueError(f"school_class must be 1..11, got {self.school_class}")
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}")
        named = self.forms_accepted | ({self.preferred_form} if self.preferred_form else set())
        unknown = named - FORM_BIT.keys()
        if unknown:
            raise ValueError(f"unknown form codes {sorted(unknown)}")
        if self.capacity < 0:
            raise ValueError("capacity must be >= 0")
