"""Proposal of mentoring pairs and groups: mentee-proposing stable matching with capacities.

This is the hospital–residents problem (Gale–Shapley, Roth 1984): mentors are hospitals with
`capacity` seats, mentees are residents. The result is the mentee-optimal stable matching:
no mentee and mentor would both rather be together than with what they got, and every mentee
gets the best mentor he can have in any stable matching. Pure: no I/O, no clock.

This module holds the solver; it re-exports the public names of its parts, so callers
import from here: the preference lists (`preferences`), the result types
(`proposal`) and the independent verifier (`check`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np

from mentoring.matching.check import Check, blocking_pairs, check_assignment, verify
from mentoring.matching.compatibility import (
    DEFAULT_WEIGHTS,
    PARTNER_FORMS,
    Candidate,
    Weights,
    exclusion_reason,
    explain_units,
    pair_form,
)
from mentoring.matching.preferences import INF, Preferences, Row, build_preferences
from mentoring.matching.proposal import (
    CAPACITY_EXHAUSTED,
    NO_CAPACITY,
    NO_COMPATIBLE_MENTEE,
    NO_COMPATIBLE_MENTOR,
    SPARE_CAPACITY,
    Placement,
    Proposal,
    SpareMentor,
    UnmatchedMentee,
)

__all__ = [
    "CAPACITY_EXHAUSTED",
    "NO_CAPACITY",
    "NO_COMPATIBLE_MENTEE",
    "NO_COMPATIBLE_MENTOR",
    "PARTNER_FORMS",
    "SPARE_CAPACITY",
    "Check",
    "Placement",
    "Preferences",
    "Proposal",
    "SpareMentor",
    "UnmatchedMentee",
    "blocking_pairs",
    "build_preferences",
    "check_assignment",
    "propose",
    "solve",
    "stable_assignment",
    "verify",
]

TOP_REASONS = 3
_ROW_CACHE_SIZE = 2048


class _DeferredAcceptance:
    """Mentee-proposing deferred acceptance with capacities.

    A full mentor's threshold (the key of his worst held mentee) only ever improves, so a
    mentor that would reject a mentee now rejects him for good. Proposals to such mentors are
    therefore skipped instead of made and refused, which lets a whole row be scanned at once.
    """

    def __init__(self, prefs: Preferences) -> None:
        self.prefs = prefs
        n, k = len(prefs.mentee_ids), len(prefs.mentor_ids)
        self.held: list[list[tuple[int, int]]] = [[] for _ in range(k)]  # max-heaps (-key, mentee)
        self.threshold = [INF if c > 0 else -1 for c in prefs.capacities]
        self.threshold_np = np.array(self.threshold, dtype=np.int64)
        self.match = [-1] * n
        self.had_option = [bool(head) for head in prefs.heads]
        self._head_pos = [0] * n
        self._rows: dict[int, Row] = {}

    def run(self) -> _DeferredAcceptance:
        free = list(range(len(self.match) - 1, -1, -1))
        while free:
            mentee = free.pop()
            choice = self._next_choice(mentee)
            if choice is not None:
                bumped = self._accept(mentee, *choice)
                if bumped >= 0:
                    free.append(bumped)
        return self

    def _next_choice(self, mentee: int) -> tuple[int, int] | None:
        head = self.prefs.heads[mentee]
        pos = self._head_pos[mentee]
        while pos < len(head):
            mentor, _, mk = head[pos]
            pos += 1
            if mk < self.threshold[mentor]:
                self._head_pos[mentee] = pos
                return mentor, mk
        self._head_pos[mentee] = pos
        return self._next_in_tail(mentee) if self.prefs.completes_lists else None

    def _next_in_tail(self, mentee: int) -> tuple[int, int] | None:
        row = self._rows.pop(mentee, None)
        if row is None:
            row = self.prefs.row(mentee)
            self.had_option[mentee] = self.had_option[mentee] or row[0].size > 0
        mentors, ek, mk = row
        if not mentors.size:
            return None
        # His favourite among the mentors that would take him now. The row holds the ranked
        # mentors too, but they are all closed by now.
        open_keys = np.where(mk < self.threshold_np[mentors], ek, INF)
        best = int(open_keys.argmin())
        if open_keys[best] == INF:
            return None
        self._rows[mentee] = row
        if len(self._rows) > _ROW_CACHE_SIZE:  # bounded memory: forget the oldest row
            del self._rows[next(iter(self._rows))]
        return int(mentors[best]), int(mk[best])

    def _accept(self, mentee: int, mentor: int, key: int) -> int:
        """Hold the mentee; return the mentee bumped out of the group, or -1."""
        heap = self.held[mentor]
        heapq.heappush(heap, (-key, mentee))
        self.match[mentee] = mentor
        bumped = -1
        if len(heap) > self.prefs.capacities[mentor]:
            bumped = heapq.heappop(heap)[1]
            self.match[bumped] = -1
        if len(heap) == self.prefs.capacities[mentor]:
            self.threshold[mentor] = self.threshold_np[mentor] = -heap[0][0]
        return bumped


def stable_assignment(prefs: Preferences) -> dict[int, int]:
    """The mentee-optimal stable matching as {mentee_id: mentor_id} (matched mentees only)."""
    da = _DeferredAcceptance(prefs).run()
    return {prefs.mentee_ids[i]: prefs.mentor_ids[j] for i, j in enumerate(da.match) if j >= 0}


def propose(
    mentees: Iterable[Candidate],
    mentors: Iterable[Candidate],
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    complete: bool = True,
    check: bool = True,
) -> Proposal:
    """Build the preferences and solve; see `build_preferences` and `solve`."""
    return solve(build_preferences(mentees, mentors, weights, complete=complete), check=check)


def solve(prefs: Preferences, *, check: bool = True) -> Proposal:
    """The stable proposal for preferences built from Candidates; check=True fills
    `Proposal.check` with `verify` (costs about as much again as the matching on big inputs)."""
    if prefs.weights is None:
        raise ValueError("solve needs preferences built from Candidates; see stable_assignment")
    da = _DeferredAcceptance(prefs).run()
    maxima = prefs.weights.part_maxima()
    groups = {
        prefs.mentor_ids[j]: tuple(
            _placement(prefs, i, j, maxima) for _, i in sorted(heap, reverse=True)
        )
        for j, heap in enumerate(da.held)
        if heap
    }
    unmatched = tuple(
        UnmatchedMentee(prefs.mentee_ids[i], _unmatched_reason(prefs.mentees[i], da.had_option[i]))
        for i, j in enumerate(da.match)
        if j < 0
    )
    spare = tuple(
        SpareMentor(prefs.mentor_ids[j], prefs.capacities[j] - len(heap), _spare_reason(prefs, j))
        for j, heap in enumerate(da.held)
        if len(heap) < prefs.capacities[j] or not heap
    )
    proposal = Proposal(groups, unmatched, spare)
    return replace(proposal, check=verify(proposal, prefs)) if check else proposal


def _placement(prefs: Preferences, mentee: int, mentor: int, maxima: Sequence[int]) -> Placement:
    m, mm = prefs.mentees[mentee], prefs.mentors[mentor]
    reasons = explain_units(m, mm, maxima)
    form = pair_form(m, mm)
    assert form is not None  # only allowed pairs are ever held
    total = sum(r.weight_contribution for r in reasons)
    top = tuple(r for r in reasons if r.weight_contribution > 0)[:TOP_REASONS]
    return Placement(m.person_id, round(total, 3), form, top)


def _unmatched_reason(mentee: Candidate, had_option: bool) -> str:
    excluded = exclusion_reason(mentee)
    if excluded is not None:
        return excluded
    return CAPACITY_EXHAUSTED if had_option else NO_COMPATIBLE_MENTOR


def _spare_reason(prefs: Preferences, mentor: int) -> str:
    excluded = exclusion_reason(prefs.mentors[mentor])
    if excluded is not None:
        return excluded
    if prefs.capacities[mentor] < 1:
        return NO_CAPACITY
    return SPARE_CAPACITY if prefs.has_allowed_mentee(mentor) else NO_COMPATIBLE_MENTEE
