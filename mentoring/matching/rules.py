"""The hard rules: who may be paired with whom, under which form, and why not.

Answers are reason codes, never sentences; the caller renders them through its locale files.
"""

from __future__ import annotations

from mentoring.matching.candidates import FORM_BIT, FORMS, PARTNER_FORMS, Candidate

__all__ = [
    "ALREADY_PAIRED",
    "FOREIGN_ORGANISATION",
    "FORM_NOT_ACCEPTED",
    "MENTEE_ALREADY_PAIRED",
    "MENTEE_NO_PARENT_CONSENT",
    "MENTOR_ALREADY_PAIRED",
    "MENTOR_NOT_HIGHER_CLASS",
    "MENTOR_NO_PARENT_CONSENT",
    "MENTOR_YOUNGER",
    "NO_COMMON_FORM",
    "NO_PARENT_CONSENT",
    "PARTNER_FORM_NOT_ALLOWED",
    "SAME_PERSON",
    "UNKNOWN_FORM",
    "WRONG_ROLE",
    "check_pair",
    "exclusion_reason",
    "pair_form",
    "pair_problem",
]

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
    if form not in FORM_BIT:
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
