"""Who may be paired with whom, and how well they fit: hard rules and an explainable score.

Pure: plain frozen dataclasses in, codes and numbers out; no I/O, no clock, no global state.
Nothing here is a user-facing sentence: reasons are codes plus raw details (subject codes, time
slot codes, ...) that the caller renders through its locale files.

The score is defined once, on `Candidate` objects (`_parts`, shown by `explain`).
`CompatibilityTable` computes the same integers for one mentee against every mentor at once
with numpy; the matching uses it so that a 10k x 2k instance never needs 20 million
Python-level score evaluations. The tests check that both agree exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

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
_FORM_BIT = {form: 1 << i for i, form in enumerate(FORMS)}
_PARTNER_MASK = sum(_FORM_BIT[f] for f in PARTNER_FORMS)

Format = Literal["online", "offline", "any"]
_FORMATS: tuple[str | None, ...] = (None, "online", "offline", "any")

# Reason codes of the hard rules (check_pair / pair_problem).
SAME_PERSON = "same_person"
WRONG_ROLE = "wrong_role"
MENTEE_ALREADY_PAIRED = "mentee_already_paired"
MENTOR_ALREADY_PAIRED = "mentor_already_paired"
MENTEE_NO_PARENT_CONSENT = "mentee_no_parent_consent"
MENTOR_NO_PARENT_CONSENT = "mentor_no_parent_consent"
UNKNOWN_FORM = "unknown_form"
FORM_NOT_ACCEPTED = "form_not_accepted"
NO_COMMON_FORM = "no_common_form"
FOREIGN_ORGANISATION = "foreign_organisation"
PARTNER_FORM_NOT_ALLOWED = "partner_form_not_allowed"
MENTOR_YOUNGER = "mentor_younger"
MENTOR_NOT_HIGHER_CLASS = "mentor_not_higher_class"
# Person-level reasons (one side only), used for unmatched lists.
ALREADY_PAIRED = "already_paired"
NO_PARENT_CONSENT = "no_parent_consent"

# Score part codes, in a fixed order; also the field names of `Weights`.
SAME_FORM = "same_form"
SHARED_SUBJECTS = "shared_subjects"
SHARED_INTERESTS = "shared_interests"
FORMAT_FIT = "format_fit"
SHARED_FREE_TIMES = "shared_free_times"
REQUEST_MATCHES_OFFER = "request_matches_offer"
PART_CODES: tuple[str, ...] = (
    SAME_FORM,
    SHARED_SUBJECTS,
    SHARED_INTERESTS,
    FORMAT_FIT,
    SHARED_FREE_TIMES,
    REQUEST_MATCHES_OFFER,
)
# Scores are integers in units of 1/1000 point so that the scalar and the vectorised
# computation agree exactly and orderings never depend on float rounding.
SCALE = 100_000
UNITS_PER_POINT = 1000


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
        if self.format not in _FORMATS:
            raise ValueError(f"unknown format {self.format!r}")
        named = self.forms_accepted | ({self.preferred_form} if self.preferred_form else set())
        unknown = named - _FORM_BIT.keys()
        if unknown:
            raise ValueError(f"unknown form codes {sorted(unknown)}")
        if self.capacity < 0:
            raise ValueError("capacity must be >= 0")


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weights of the score parts; normalised so that a perfect fit scores 100."""

    same_form: float = 10.0
    shared_subjects: float = 20.0
    shared_interests: float = 15.0
    format_fit: float = 15.0
    shared_free_times: float = 15.0
    request_matches_offer: float = 25.0

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if not all(math.isfinite(v) and v >= 0 for v in values) or sum(values) <= 0:
            raise ValueError("weights must be finite, >= 0 and not all zero")

    def part_maxima(self) -> tuple[int, ...]:
        """Units each part contributes at a perfect fit, in PART_CODES order, summing to SCALE.

        Largest-remainder rounding, so the total is exactly SCALE whatever the weights.
        """
        raw = [
            getattr(self, code) * SCALE / sum(getattr(self, c) for c in PART_CODES)
            for code in PART_CODES
        ]
        floors = [int(r) for r in raw]
        by_remainder = sorted(range(len(raw)), key=lambda i: (floors[i] - raw[i], i))
        for i in by_remainder[: SCALE - sum(floors)]:
            floors[i] += 1
        return tuple(floors)


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Reason:
    """One explainable part of a score: contribution in points (0..100 scale) and raw details."""

    code: str
    weight_contribution: float
    detail: tuple[str, ...]


# ---------------------------------------------------------------- hard rules


def exclusion_reason(person: Candidate) -> str | None:
    """Why this person cannot be matched with anybody at all (ALREADY_PAIRED, NO_PARENT_CONSENT)."""
    if person.in_active_pair:
        return ALREADY_PAIRED
    if person.is_minor and not person.parent_consent:
        return NO_PARENT_CONSENT
    return None


def _allowed_forms(mentee: Candidate, mentor: Candidate) -> frozenset[str]:
    common = mentee.forms_accepted & mentor.forms_accepted
    if mentor.organisation_id == mentee.organisation_id:
        return common
    return common & PARTNER_FORMS if mentor.is_partner_org else frozenset()


def pair_form(mentee: Candidate, mentor: Candidate) -> str | None:
    """The form a pair would run under: the mentee's preferred one if allowed, else the
    mentor's preferred one, else the first allowed in FORMS order; None if none is allowed."""
    allowed = _allowed_forms(mentee, mentor)
    for form in (mentee.preferred_form, mentor.preferred_form, *FORMS):
        if form in allowed:
            return form
    return None


def _person_problem(mentee: Candidate, mentor: Candidate) -> str | None:
    if mentee.person_id == mentor.person_id:
        return SAME_PERSON
    if mentee.role != "mentee" or mentor.role != "mentor":
        return WRONG_ROLE
    side_codes = (
        (mentee, MENTEE_ALREADY_PAIRED, MENTEE_NO_PARENT_CONSENT),
        (mentor, MENTOR_ALREADY_PAIRED, MENTOR_NO_PARENT_CONSENT),
    )
    for person, paired_code, consent_code in side_codes:
        reason = exclusion_reason(person)
        if reason is not None:
            return paired_code if reason == ALREADY_PAIRED else consent_code
    return None


def _age_problem(mentee: Candidate, mentor: Candidate) -> str | None:
    if mentee.age is not None and mentor.age is not None and mentor.age < mentee.age:
        return MENTOR_YOUNGER
    # Both are pupils (ученик–ученик): the mentor must be in a higher class.
    if (
        mentee.school_class is not None
        and mentor.school_class is not None
        and mentor.school_class <= mentee.school_class
    ):
        return MENTOR_NOT_HIGHER_CLASS
    return None


def check_pair(mentee: Candidate, mentor: Candidate, form: str) -> str | None:
    """The first hard rule the pair breaks under `form`, as a reason code; None if allowed.

    Capacity is not a pair rule: the caller checks group sizes against `mentor.capacity`.
    """
    problem = _person_problem(mentee, mentor)
    if problem is not None:
        return problem
    if form not in _FORM_BIT:
        return UNKNOWN_FORM
    if form not in mentee.forms_accepted or form not in mentor.forms_accepted:
        return FORM_NOT_ACCEPTED
    if mentor.organisation_id != mentee.organisation_id:
        if not mentor.is_partner_org:
            return FOREIGN_ORGANISATION
        if form not in PARTNER_FORMS:
            return PARTNER_FORM_NOT_ALLOWED
    return _age_problem(mentee, mentor)


def pair_problem(mentee: Candidate, mentor: Candidate) -> str | None:
    """Like check_pair, with the form chosen by pair_form; None means the pair is allowed."""
    form = pair_form(mentee, mentor)
    if form is not None:
        return check_pair(mentee, mentor, form)
    problem = _person_problem(mentee, mentor)
    if problem is not None:
        return problem
    if mentor.organisation_id != mentee.organisation_id:
        if not mentor.is_partner_org:
            return FOREIGN_ORGANISATION
        if mentee.forms_accepted & mentor.forms_accepted:
            return PARTNER_FORM_NOT_ALLOWED
    return NO_COMMON_FORM


# ---------------------------------------------------------------- score


def _fraction_units(maximum: int, shared: int, base: int) -> int:
    # Integer arithmetic; CompatibilityTable.units reproduces these values exactly.
    return maximum * shared // base if base else 0


def _format_halves(mentee_format: str | None, mentor_format: str | None) -> int:
    """Format fit in halves: 2 = fits, 1 = unknown (one side did not answer), 0 = clash."""
    if mentee_format is None or mentor_format is None:
        return 1
    if mentee_format == mentor_format or "any" in (mentee_format, mentor_format):
        return 2
    return 0


Part = tuple[str, int, Iterable[str]]  # code, units, raw detail


def _parts(mentee: Candidate, mentor: Candidate, maxima: Sequence[int]) -> list[Part]:
    """Every score part in PART_CODES order: the one definition of the score.

    Details are left unsorted: the matching only needs the units, `explain` sorts them.
    """
    form = mentee.preferred_form
    same = form is not None and form == mentor.preferred_form
    subjects = mentee.subjects & mentor.subjects
    interests = mentee.interests & mentor.interests
    times = mentee.free_times & mentor.free_times
    request = mentee.tags & mentor.tags
    m_form, m_subj, m_int, m_fmt, m_time, m_req = maxima
    fmt = (mentee.format or "unknown", mentor.format or "unknown")
    return [
        (SAME_FORM, m_form if same else 0, (form,) if form is not None and same else ()),
        # Subjects and request: the share of what the mentee asked for that the mentor covers.
        (SHARED_SUBJECTS, _fraction_units(m_subj, len(subjects), len(mentee.subjects)), subjects),
        # Interests and times are symmetric: the overlap relative to the smaller set.
        (
            SHARED_INTERESTS,
            _fraction_units(m_int, len(interests), _smaller(mentee, mentor, "interests")),
            interests,
        ),
        (FORMAT_FIT, _fraction_units(m_fmt, _format_halves(mentee.format, mentor.format), 2), fmt),
        (
            SHARED_FREE_TIMES,
            _fraction_units(m_time, len(times), _smaller(mentee, mentor, "free_times")),
            times,
        ),
        (REQUEST_MATCHES_OFFER, _fraction_units(m_req, len(request), len(mentee.tags)), request),
    ]


def _smaller(mentee: Candidate, mentor: Candidate, field: str) -> int:
    return min(len(getattr(mentee, field)), len(getattr(mentor, field)))


def score_units(mentee: Candidate, mentor: Candidate, maxima: Sequence[int]) -> int:
    """The score in integer units (SCALE = 100 points); `maxima` from Weights.part_maxima()."""
    return sum(units for _, units, _ in _parts(mentee, mentor, maxima))


def score(mentee: Candidate, mentor: Candidate, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """Compatibility score 0..100 (hard rules are not considered: see pair_problem)."""
    return score_units(mentee, mentor, weights.part_maxima()) / UNITS_PER_POINT


def explain(
    mentee: Candidate, mentor: Candidate, weights: Weights = DEFAULT_WEIGHTS
) -> list[Reason]:
    """All score parts as Reasons, largest contribution first (ties in PART_CODES order).

    The contributions add up to `score(mentee, mentor, weights)`. Details: the form code for
    same_form; the (mentee, mentor) formats for format_fit, "unknown" where not answered;
    the shared codes, sorted, for the others.
    """
    return explain_units(mentee, mentor, weights.part_maxima())


def explain_units(mentee: Candidate, mentor: Candidate, maxima: Sequence[int]) -> list[Reason]:
    """`explain` with precomputed Weights.part_maxima(), for callers explaining many pairs."""
    parts = _parts(mentee, mentor, maxima)
    order = sorted(range(len(parts)), key=lambda i: (-parts[i][1], i))
    return [
        Reason(
            code,
            units / UNITS_PER_POINT,
            tuple(detail) if code == FORMAT_FIT else tuple(sorted(detail)),
        )
        for code, units, detail in (parts[i] for i in order)
    ]


# ---------------------------------------------------------------- vectorised form


# Set-valued score parts as the vectorised score handles them:
# (field on both sides, index in PART_CODES, True if relative to the smaller set).
_SET_PARTS = (
    ("subjects", 1, False),
    ("interests", 2, True),
    ("free_times", 4, True),
    ("tags", 5, False),
)
# Mentee traits that decide which mentors are allowed, apart from the person's own id.
_GROUP_TRAITS = ("org", "forms", "age", "cls", "usable")
_GROUP_CACHE_SIZE = 4096


def _traits(people: Sequence[Candidate]) -> dict[str, IntArray]:
    """Integer columns for the hard rules; -1 stands for an unknown age or 'not a pupil'."""
    return {
        "pid": np.array([p.person_id for p in people], dtype=np.int64),
        "org": np.array([p.organisation_id for p in people], dtype=np.int64),
        "age": np.array([-1 if p.age is None else p.age for p in people], dtype=np.int64),
        "cls": np.array([p.school_class or -1 for p in people], dtype=np.int64),
        "forms": np.array(
            [sum(_FORM_BIT[f] for f in p.forms_accepted) for p in people], dtype=np.int64
        ),
        "partner": np.array([p.is_partner_org for p in people], dtype=np.int64),
        "usable": np.array(
            [
                exclusion_reason(p) is None and (p.role == "mentee" or p.capacity > 0)
                for p in people
            ],
            dtype=np.int64,
        ),
    }


def _compatible(mentee: dict[str, IntArray], mentor: dict[str, IntArray]) -> BoolArray:
    """Vectorised `pair_problem(...) is None and mentor.capacity > 0`, except the same-person
    rule (left to the callers); either side may be one person (broadcasting)."""
    common = mentee["forms"] & mentor["forms"]
    partner_only = np.where(mentor["partner"] != 0, common & _PARTNER_MASK, 0)
    allowed = np.where(mentee["org"] == mentor["org"], common, partner_only)
    ok = (allowed != 0) & (mentee["usable"] != 0) & (mentor["usable"] != 0)
    ok &= (mentee["age"] < 0) | (mentor["age"] < 0) | (mentor["age"] >= mentee["age"])
    ok &= (mentee["cls"] < 0) | (mentor["cls"] < 0) | (mentor["cls"] > mentee["cls"])
    return np.asarray(ok, dtype=np.bool_)


class CompatibilityTable:
    """Both sides compiled into numpy columns, to check and score one person against the whole
    other side at once; results equal `pair_problem` / `score_units` exactly.

    A mentor without a seat (capacity 0) counts as not allowed here, as in the matching.
    """

    def __init__(
        self, mentees: Sequence[Candidate], mentors: Sequence[Candidate], weights: Weights
    ):
        maxima = weights.part_maxima()
        self._mentee_traits = _traits(mentees)
        self._mentor_traits = _traits(mentors)
        self._mentor_at = {m.person_id: j for j, m in enumerate(mentors)}
        self._groups: dict[tuple[int, ...], IntArray] = {}
        self._vocabulary, self._members = _membership(mentors)
        # Denominator caps per set part: the mentor's set size for symmetric parts; for the
        # others a cap that never binds, so the denominator is the mentee's own set size.
        self._base_cap = np.array(
            [
                [len(getattr(m, field)) if symmetric else SCALE for m in mentors]
                for field, _, symmetric in _SET_PARTS
            ],
            dtype=np.float64,
        ).reshape(len(_SET_PARTS), len(mentors))
        self._set_maxima = np.array([[maxima[part]] for _, part, _ in _SET_PARTS], dtype=np.float64)
        # The two parts that depend on a handful of mentee values are precomputed per value.
        preferred = [m.preferred_form for m in mentors]
        self._form_units = {
            form: np.array([maxima[0] if p == form else 0 for p in preferred], dtype=np.int64)
            for form in FORMS
        }
        self._format_units = {
            fmt: np.array(
                [_fraction_units(maxima[3], _format_halves(fmt, m.format), 2) for m in mentors],
                dtype=np.int64,
            )
            for fmt in _FORMATS
        }

    def allowed_mentors(self, mentee_index: int) -> IntArray:
        """Sorted indexes of the mentors the mentee (index into `mentees`) may be paired with."""
        traits = self._mentee_traits
        group = tuple(int(traits[name][mentee_index]) for name in _GROUP_TRAITS)
        allowed = self._groups.get(group)
        if allowed is None:
            # Mentees with the same traits share the answer: pupils of one class, say.
            one = {name: column[mentee_index : mentee_index + 1] for name, column in traits.items()}
            allowed = np.flatnonzero(_compatible(one, self._mentor_traits)).astype(np.int64)
            if len(self._groups) < _GROUP_CACHE_SIZE:
                self._groups[group] = allowed
        itself = self._mentor_at.get(int(traits["pid"][mentee_index]))
        return allowed if itself is None else allowed[allowed != itself]

    def compatible_mentees(self, mentor_index: int) -> BoolArray:
        """Which mentees the mentor (index into `mentors`) may be paired with."""
        one = {
            name: column[mentor_index : mentor_index + 1]
            for name, column in self._mentor_traits.items()
        }
        ok = _compatible(self._mentee_traits, one)
        return ok & (self._mentee_traits["pid"] != one["pid"])

    def units(self, mentee: Candidate) -> IntArray:
        """score_units(mentee, mentor) for every mentor, in mentor order."""
        total = self._format_units[mentee.format].copy()
        if mentee.preferred_form is not None:
            total += self._form_units[mentee.preferred_form]
        rows: list[int] = []
        owners: list[int] = []
        sizes = []
        for part, (field, _, _) in enumerate(_SET_PARTS):
            items = getattr(mentee, field)
            sizes.append(len(items))
            for item in items:
                row = self._vocabulary.get((part, item))
                if row is not None:
                    rows.append(row)
                    owners.append(part)
        if rows:
            # Overlap sizes of all four sets with every mentor in one matrix product.
            pick = np.zeros((len(_SET_PARTS), len(rows)), dtype=np.float32)
            pick[owners, range(len(rows))] = 1
            shared = pick @ self._members[rows]
            base = np.minimum(self._base_cap, np.array(sizes, dtype=np.float64)[:, None])
            # Where base is 0 the overlap is 0 too, so dividing by 1 there keeps it 0.
            np.maximum(base, 1, out=base)
            # floor(a / b) in float64 equals a // b here: a < 2**53 and a / b is never within
            # an ulp of an integer it is not equal to (b <= set size, a / b <= SCALE).
            parts = np.floor(self._set_maxima * shared / base)
            total += parts.sum(axis=0).astype(np.int64)
        return total


def _membership(
    mentors: Sequence[Candidate],
) -> tuple[dict[tuple[int, str], int], npt.NDArray[np.float32]]:
    """Vocabulary of (part, item) and a 0/1 matrix vocabulary x mentors: float32, for a fast
    matrix product; the counts it yields are small integers, hence exact."""
    vocabulary: dict[tuple[int, str], int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for col, mentor in enumerate(mentors):
        for part, (field, _, _) in enumerate(_SET_PARTS):
            for item in getattr(mentor, field):
                rows.append(vocabulary.setdefault((part, item), len(vocabulary)))
                cols.append(col)
    members = np.zeros((len(vocabulary), len(mentors)), dtype=np.float32)
    members[rows, cols] = 1
    return vocabulary, members
