"""The compatibility score: its parts, their weights and the explanation of a score.

The score is defined once, here, on `Candidate` objects (`_parts`, shown by `explain`);
`table` reproduces the same integers with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from mentoring.matching.candidates import Candidate

__all__ = [
    "DEFAULT_WEIGHTS",
    "FORMAT_FIT",
    "PART_CODES",
    "REQUEST_MATCHES_OFFER",
    "SAME_FORM",
    "SCALE",
    "SHARED_FREE_TIMES",
    "SHARED_INTERESTS",
    "SHARED_SUBJECTS",
    "UNITS_PER_POINT",
    "Part",
    "Reason",
    "Weights",
    "explain",
    "explain_units",
    "format_halves",
    "fraction_units",
    "score",
    "score_units",
]

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


def fraction_units(maximum: int, shared: int, base: int) -> int:
    # Integer arithmetic; CompatibilityTable.units reproduces these values exactly.
    return maximum * shared // base if base else 0


def format_halves(mentee_format: str | None, mentor_format: str | None) -> int:
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
        (SHARED_SUBJECTS, fraction_units(m_subj, len(subjects), len(mentee.subjects)), subjects),
        # Interests and times are symmetric: the overlap relative to the smaller set.
        (
            SHARED_INTERESTS,
            fraction_units(m_int, len(interests), _smaller(mentee, mentor, "interests")),
            interests,
        ),
        (FORMAT_FIT, fraction_units(m_fmt, format_halves(mentee.format, mentor.format), 2), fmt),
        (
            SHARED_FREE_TIMES,
            fraction_units(m_time, len(times), _smaller(mentee, mentor, "free_times")),
            times,
        ),
        (REQUEST_MATCHES_OFFER, fraction_units(m_req, len(request), len(mentee.tags)), request),
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
