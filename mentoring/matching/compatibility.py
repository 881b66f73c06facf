"""Who may be paired with whom, and how well they fit: hard rules and an explainable score.

Pure: plain frozen dataclasses in, codes and numbers out; no I/O, no clock, no global state.
Nothing here is a user-facing sentence: reasons are codes plus raw details (subject codes, time
slot codes, ...) that the caller renders through its locale files.

This module gathers the public names of its parts, so callers import from here:
- `candidates`: form codes and `Candidate`;
- `rules`: the hard rules (`check_pair`, `pair_problem`, ...);
- `score`: `Weights`, `score`, `explain`;
- `table`: `CompatibilityTable`, the same rules and score vectorised with numpy.
"""

from __future__ import annotations

from mentoring.matching.candidates import (
    EMPLOYER_PUPIL,
    EMPLOYER_STUDENT,
    FORMS,
    HEAD_TEACHER,
    PARTNER_FORMS,
    STUDENT_STUDENT,
    TEACHER_TEACHER,
    UNIVERSITY_STUDENT_PUPIL,
    UNIVERSITY_STUDENT_STUDENT,
    Candidate,
    Format,
)
from mentoring.matching.rules import (
    ALREADY_PAIRED,
    FOREIGN_ORGANISATION,
    FORM_NOT_ACCEPTED,
    MENTEE_ALREADY_PAIRED,
    MENTEE_NO_PARENT_CONSENT,
    MENTOR_ALREADY_PAIRED,
    MENTOR_NO_PARENT_CONSENT,
    MENTOR_NOT_HIGHER_CLASS,
    MENTOR_YOUNGER,
    NO_COMMON_FORM,
    NO_PARENT_CONSENT,
    PARTNER_FORM_NOT_ALLOWED,
    SAME_PERSON,
    UNKNOWN_FORM,
    WRONG_ROLE,
    check_pair,
    exclusion_reason,
    pair_form,
    pair_problem,
)
from mentoring.matching.score import (
    DEFAULT_WEIGHTS,
    FORMAT_FIT,
    PART_CODES,
    REQUEST_MATCHES_OFFER,
    SAME_FORM,
    SCALE,
    SHARED_FREE_TIMES,
    SHARED_INTERESTS,
    SHARED_SUBJECTS,
    UNITS_PER_POINT,
    Part,
    Reason,
    Weights,
    explain,
    explain_units,
    score,
    score_units,
)
from mentoring.matching.table import BoolArray, CompatibilityTable, IntArray

__all__ = [
    "ALREADY_PAIRED",
    "DEFAULT_WEIGHTS",
    "EMPLOYER_PUPIL",
    "EMPLOYER_STUDENT",
    "FOREIGN_ORGANISATION",
    "FORMAT_FIT",
    "FORMS",
    "FORM_NOT_ACCEPTED",
    "HEAD_TEACHER",
    "MENTEE_ALREADY_PAIRED",
    "MENTEE_NO_PARENT_CONSENT",
    "MENTOR_ALREADY_PAIRED",
    "MENTOR_NOT_HIGHER_CLASS",
    "MENTOR_NO_PARENT_CONSENT",
    "MENTOR_YOUNGER",
    "NO_COMMON_FORM",
    "NO_PARENT_CONSENT",
    "PARTNER_FORMS",
    "PARTNER_FORM_NOT_ALLOWED",
    "PART_CODES",
    "REQUEST_MATCHES_OFFER",
    "SAME_FORM",
    "SAME_PERSON",
    "SCALE",
    "SHARED_FREE_TIMES",
    "SHARED_INTERESTS",
    "SHARED_SUBJECTS",
    "STUDENT_STUDENT",
    "TEACHER_TEACHER",
    "UNITS_PER_POINT",
    "UNIVERSITY_STUDENT_PUPIL",
    "UNIVERSITY_STUDENT_STUDENT",
    "UNKNOWN_FORM",
    "WRONG_ROLE",
    "BoolArray",
    "Candidate",
    "CompatibilityTable",
    "Format",
    "IntArray",
    "Part",
    "Reason",
    "Weights",
    "check_pair",
    "exclusion_reason",
    "explain",
    "explain_units",
    "pair_form",
    "pair_problem",
    "score",
    "score_units",
]
