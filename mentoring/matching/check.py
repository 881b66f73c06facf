"""The independent check of a proposal: blocking pairs, over-full groups, hard-rule breaches.

Written from the definitions of stability and of the hard rules, not from the algorithm: it
reads only the keys `Preferences` gives for pairs and never imports the solver, so a bug in
the deferred acceptance cannot hide itself here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mentoring.matching.compatibility import IntArray, check_pair, pair_form
from mentoring.matching.preferences import INF, Preferences

if TYPE_CHECKING:
    from mentoring.matching.proposal import Proposal

__all__ = ["Check", "blocking_pairs", "check_assignment", "verify"]


@dataclass(frozen=True, slots=True)
class Check:
    """Result of the independent verifier; a correct proposal has all three at 0."""

    blocking_pairs: int
    capacity_violations: int
    hard_rule_violations: int

    @property
    def ok(self) -> bool:
        return self.blocking_pairs == self.capacity_violations == self.hard_rule_violations == 0


def verify(proposal: Proposal, prefs: Preferences) -> Check:
    """Count blocking pairs, over-full groups and hard-rule breaches of a proposal.

    Written from the definitions, not from the algorithm: it only asks `prefs` for keys of
    pairs and for the allowed mentors of each mentee. Hard rules are re-checked with
    `check_pair` on the Candidates under each placement's recorded form; a mentee placed
    twice, or an unknown id, counts as a breach too.
    """
    triples = [
        (p.mentee_id, mentor, p.form) for mentor, group in proposal.groups.items() for p in group
    ]
    return _check(triples, prefs)


def check_assignment(assignment: Mapping[int, int], prefs: Preferences) -> Check:
    """`verify` for a bare {mentee_id: mentor_id}, e.g. after a curator's manual edits;
    each pair's form is taken to be `pair_form`."""
    return _check([(m, mm, None) for m, mm in assignment.items()], prefs)


def blocking_pairs(assignment: Mapping[int, int], prefs: Preferences) -> list[tuple[int, int]]:
    """(mentee_id, mentor_id) pairs that would both rather be together, for any assignment.

    A pair blocks if it is allowed, the mentee is unmatched or prefers this mentor to his own
    (a not-allowed own mentor is worse than none), and the mentor has a free seat or prefers
    this mentee to at least one of his (a not-allowed member is worse than anybody).
    """
    state = _State.of([(m, mm, None) for m, mm in assignment.items()], prefs)
    return _blocking(state, prefs)


@dataclass(frozen=True, slots=True)
class _State:
    load: IntArray  # members per mentor
    worst: IntArray  # the mentor's key of his worst member (INF if one is not allowed)
    current: list[int]  # the mentee's key of his own mentor (INF if none or not allowed)
    hard_rule_violations: int

    @classmethod
    def of(cls, triples: Sequence[tuple[int, int, str | None]], prefs: Preferences) -> _State:
        load = np.zeros(len(prefs.mentor_ids), dtype=np.int64)
        worst = np.full(len(prefs.mentor_ids), -1, dtype=np.int64)
        current = [INF] * len(prefs.mentee_ids)
        seen: set[int] = set()
        breaches = 0
        for mentee_id, mentor_id, form in triples:
            i, j = prefs.mentee_index.get(mentee_id), prefs.mentor_index.get(mentor_id)
            if i is None or j is None or mentee_id in seen:
                breaches += 1
                continue
            seen.add(mentee_id)
            load[j] += 1
            keys = prefs.pair_keys(i, j)
            if not _rules_hold(prefs, i, j, form) or (keys is None and not prefs.mentees):
                breaches += 1
            if keys is None:  # not an acceptable pair: worse than none for both
                worst[j] = INF
                continue
            current[i] = keys[0]
            worst[j] = max(int(worst[j]), keys[1])
        return cls(load, worst, current, breaches)


def _rules_hold(prefs: Preferences, mentee: int, mentor: int, form: str | None) -> bool:
    """The hard rules, straight on the Candidates (without them: mutual listing, checked by
    the caller). A pair outside the explicit rankings may be unacceptable yet break no rule."""
    if not prefs.mentees:
        return True
    m, mm = prefs.mentees[mentee], prefs.mentors[mentor]
    form = form or pair_form(m, mm)
    return form is not None and check_pair(m, mm, form) is None


def _blocking(state: _State, prefs: Preferences) -> list[tuple[int, int]]:
    capacity = np.array(prefs.capacities, dtype=np.int64)
    found: list[tuple[int, int]] = []
    for i, own in enumerate(state.current):
        mentors, ek, mk = prefs.row(i)
        if mentors.size == 0:
            continue
        wants = ek < own
        takes = (state.load[mentors] < capacity[mentors]) | (mk < state.worst[mentors])
        found.extend((prefs.mentee_ids[i], prefs.mentor_ids[j]) for j in mentors[wants & takes])
    return found


def _check(triples: Sequence[tuple[int, int, str | None]], prefs: Preferences) -> Check:
    state = _State.of(triples, prefs)
    over = int((state.load > np.array(prefs.capacities, dtype=np.int64)).sum())
    return Check(len(_blocking(state, prefs)), over, state.hard_rule_violations)
