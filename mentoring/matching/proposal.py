"""What a proposal holds: mentors' groups, unmatched mentees and spare mentors, with reasons.

Plain result types, shared by the solver (`mentoring.matching.solver`) and the independent
checker (`mentoring.matching.check`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mentoring.matching.check import Check
from mentoring.matching.compatibility import Reason

__all__ = [
    "CAPACITY_EXHAUSTED",
    "NO_CAPACITY",
    "NO_COMPATIBLE_MENTEE",
    "NO_COMPATIBLE_MENTOR",
    "SPARE_CAPACITY",
    "Placement",
    "Proposal",
    "SpareMentor",
    "UnmatchedMentee",
]

# Why a mentee stays unmatched (besides the person-level ALREADY_PAIRED / NO_PARENT_CONSENT).
NO_COMPATIBLE_MENTOR = "no_compatible_mentor"
CAPACITY_EXHAUSTED = "capacity_exhausted"  # had allowed mentors, all full with preferred mentees
# Why a mentor keeps free seats (besides ALREADY_PAIRED / NO_PARENT_CONSENT).
NO_CAPACITY = "no_capacity"
NO_COMPATIBLE_MENTEE = "no_compatible_mentee"
SPARE_CAPACITY = "spare_capacity"  # has allowed mentees, all placed where they prefer


@dataclass(frozen=True, slots=True)
class Placement:
    """A mentee in a mentor's group: score 0..100, pair form code, best score parts (> 0)."""

    mentee_id: int
    score: float
    form: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class UnmatchedMentee:
    mentee_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class SpareMentor:
    mentor_id: int
    free_seats: int
    reason: str


@dataclass(frozen=True)
class Proposal:
    """groups: mentor_id -> placements, the mentor's favourite first (mentors with nobody are
    absent); unmatched_mentees / spare_mentors sorted by id; check: see `verify`."""

    groups: dict[int, tuple[Placement, ...]]
    unmatched_mentees: tuple[UnmatchedMentee, ...]
    spare_mentors: tuple[SpareMentor, ...]
    check: Check | None = None

    def assignment(self) -> dict[int, int]:
        """{mentee_id: mentor_id} for every placement."""
        return {p.mentee_id: mentor for mentor, group in self.groups.items() for p in group}
