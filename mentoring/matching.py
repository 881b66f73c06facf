"""Proposal of mentoring pairs and groups: mentee-proposing stable matching with capacities.

This is the hospital–residents problem (Gale–Shapley, Roth 1984): mentors are hospitals with
`capacity` seats, mentees are residents. The result is the mentee-optimal stable matching:
no mentee and mentor would both rather be together than with what they got, and every mentee
gets the best mentor he can have in any stable matching.

Preference lists (strict; a lower key means preferred):
- a mentee: the mentors he ranked (allowed ones, in his order), then every other allowed
  mentor by score, best first, ties by lower person_id;
- a mentor: the mentees he marked, then everybody else allowed; within each tier by score,
  ties by lower person_id.
So people who ranked nobody are still placed wherever the hard rules allow.

The tails of the lists are never materialised: a mentee's row (all allowed mentors with both
keys) is computed with numpy only once his own ranking is exhausted. Pure: no I/O, no clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, overload

import numpy as np

from mentoring.compatibility import (
    DEFAULT_WEIGHTS,
    PARTNER_FORMS,
    SCALE,
    Candidate,
    CompatibilityTable,
    IntArray,
    Reason,
    Weights,
    check_pair,
    exclusion_reason,
    explain_units,
    pair_form,
    pair_problem,
    score_units,
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

# Why a mentee stays unmatched (besides the person-level ALREADY_PAIRED / NO_PARENT_CONSENT).
NO_COMPATIBLE_MENTOR = "no_compatible_mentor"
CAPACITY_EXHAUSTED = "capacity_exhausted"  # had allowed mentors, all full with preferred mentees
# Why a mentor keeps free seats (besides ALREADY_PAIRED / NO_PARENT_CONSENT).
NO_CAPACITY = "no_capacity"
NO_COMPATIBLE_MENTEE = "no_compatible_mentee"
SPARE_CAPACITY = "spare_capacity"  # has allowed mentees, all placed where they prefer

INF = int(np.iinfo(np.int64).max)
TOP_REASONS = 3
_ROW_CACHE_SIZE = 2048
_SCORE_BITS = SCALE.bit_length()

Row = tuple[IntArray, IntArray, IntArray]  # mentor indexes, mentee keys, mentor keys
Head = tuple[tuple[int, int, int], ...]  # (mentor index, mentee key, mentor key), best first


@overload
def _key(tier: int, units: int, index: int, shift: int) -> int: ...
@overload
def _key(tier: int, units: IntArray, index: IntArray | int, shift: int) -> IntArray: ...
def _key(tier: Any, units: Any, index: Any, shift: int) -> Any:
    """Preference key packed in one int64: tier, then higher score, then lower index.

    Indexes follow person_id order, so the last field is the person_id tie-break.
    """
    return (tier << (shift + _SCORE_BITS)) | ((SCALE - units) << shift) | index


@dataclass(frozen=True, slots=True)
class _KeySpace:
    mentee_shift: int  # bits of a mentor index, the last field of a mentee's key
    mentor_shift: int  # bits of a mentee index
    tail_tier: int  # a mentee's tier for mentors he did not rank: after any ranking position

    @classmethod
    def of(cls, n_mentees: int, n_mentors: int) -> _KeySpace:
        space = cls(n_mentors.bit_length(), n_mentees.bit_length(), n_mentors)
        if 2 * space.mentee_shift + _SCORE_BITS > 62 or space.mentor_shift + _SCORE_BITS > 61:
            raise ValueError("too many people for 64-bit preference keys")
        return space


class Preferences:
    """Both sides' strict preferences over allowed pairs, by index (position in the id tuples).

    Read-only after construction; build it with `build_preferences` or `Preferences.from_lists`.
    `mentee_ids` / `mentor_ids` are sorted; `mentee_index` / `mentor_index` map ids back.
    `heads[i]`: mentee i's explicit ranking, allowed entries only, best first, as
    (mentor index, mentee's key, mentor's key). `mentees` / `mentors` (sorted by id) and
    `weights` are set only when built from Candidates.
    """

    def __init__(
        self,
        mentee_ids: Sequence[int],
        mentor_ids: Sequence[int],
        capacities: Sequence[int],
        heads: Sequence[Head],
        completion: _Completion | None = None,
        candidates: tuple[Sequence[Candidate], Sequence[Candidate], Weights] | None = None,
    ) -> None:
        self.mentee_ids = tuple(mentee_ids)
        self.mentor_ids = tuple(mentor_ids)
        self.capacities = tuple(capacities)
        self.heads = tuple(heads)
        self.mentees: tuple[Candidate, ...] = tuple(candidates[0]) if candidates else ()
        self.mentors: tuple[Candidate, ...] = tuple(candidates[1]) if candidates else ()
        self.weights: Weights | None = candidates[2] if candidates else None
        self.mentee_index = {pid: i for i, pid in enumerate(self.mentee_ids)}
        self.mentor_index = {pid: i for i, pid in enumerate(self.mentor_ids)}
        self._completion = completion
        self._head_keys = [{mentor: (ek, mk) for mentor, ek, mk in head} for head in self.heads]
        self._listed = {mentor for head in self.heads for mentor, _, _ in head}

    @classmethod
    def from_lists(
        cls,
        mentee_prefs: Mapping[int, Sequence[int]],
        mentor_prefs: Mapping[int, Sequence[int]],
        capacities: Mapping[int, int],
    ) -> Preferences:
        """Explicit lists of person ids, best first. A pair is allowed iff each lists the other
        and the mentor has capacity >= 1 (a mentor missing from `capacities` has none)."""
        mentor_ids = sorted(set(mentor_prefs) | set(capacities))
        mentor_index = {pid: i for i, pid in enumerate(mentor_ids)}
        position: dict[tuple[int, int], int] = {}
        for mentor, ranked in mentor_prefs.items():
            for pos, mentee in enumerate(ranked):
                if capacities.get(mentor, 0) > 0:
                    position.setdefault((mentee, mentor), pos)
        heads = []
        for mentee in sorted(mentee_prefs):
            allowed = [m for m in dict.fromkeys(mentee_prefs[mentee]) if (mentee, m) in position]
            heads.append(
                tuple((mentor_index[m], ek, position[mentee, m]) for ek, m in enumerate(allowed))
            )
        return cls(
            sorted(mentee_prefs), mentor_ids, [capacities.get(m, 0) for m in mentor_ids], heads
        )

    @property
    def completes_lists(self) -> bool:
        """True when the lists go on past the explicit rankings (see the module docstring)."""
        return self._completion is not None

    def pair_keys(self, mentee: int, mentor: int) -> tuple[int, int] | None:
        """(mentee's key, mentor's key) of an allowed pair of indexes; None if not allowed."""
        keys = self._head_keys[mentee].get(mentor)
        if keys is None and self._completion is not None:
            return self._completion.pair_keys(mentee, mentor)
        return keys

    def row(self, mentee: int) -> Row:
        """Every mentor allowed for the mentee, with both keys, in mentor index order."""
        if self._completion is not None:
            return self._completion.row(mentee)
        head = sorted(self.heads[mentee])
        columns = [np.array([h[c] for h in head], dtype=np.int64) for c in range(3)]
        return columns[0], columns[1], columns[2]

    def has_allowed_mentee(self, mentor: int) -> bool:
        if self._completion is not None:
            return self._completion.has_allowed_mentee(mentor)
        return mentor in self._listed

    def as_lists(self) -> tuple[dict[int, list[int]], dict[int, list[int]], dict[int, int]]:
        """The explicit lists (person ids, best first) and capacities; only without completion."""
        if self._completion is not None:
            raise ValueError("completed preferences have no finite explicit lists")
        by_mentor: list[list[tuple[int, int]]] = [[] for _ in self.mentor_ids]
        for mentee, head in enumerate(self.heads):
            for mentor, _, mk in head:
                by_mentor[mentor].append((mk, mentee))
        mentee_lists = {
            self.mentee_ids[i]: [self.mentor_ids[h[0]] for h in head]
            for i, head in enumerate(self.heads)
        }
        mentor_lists = {
            self.mentor_ids[j]: [self.mentee_ids[i] for _, i in sorted(ranked)]
            for j, ranked in enumerate(by_mentor)
        }
        return mentee_lists, mentor_lists, dict(zip(self.mentor_ids, self.capacities, strict=True))


class _Completion:
    """Keys of pairs outside the explicit rankings, computed from Candidates on demand."""

    def __init__(
        self,
        mentees: Sequence[Candidate],
        mentors: Sequence[Candidate],
        weights: Weights,
        space: _KeySpace,
        heads: Sequence[Head],
        marked: Sequence[frozenset[int]],
    ) -> None:
        self._mentees, self._mentors = mentees, mentors
        self._maxima = weights.part_maxima()
        self._table = CompatibilityTable(mentees, mentors, weights)
        self._space = space
        self._head_pos = [{h[0]: pos for pos, h in enumerate(head)} for head in heads]
        self._marked = marked
        self._marked_by: list[list[int]] = [[] for _ in mentees]
        for mentor, chosen in enumerate(marked):
            for mentee in chosen:
                self._marked_by[mentee].append(mentor)

    def pair_keys(self, mentee: int, mentor: int) -> tuple[int, int] | None:
        m, mm = self._mentees[mentee], self._mentors[mentor]
        if mm.capacity < 1 or pair_problem(m, mm) is not None:
            return None
        units = score_units(m, mm, self._maxima)
        tier = self._head_pos[mentee].get(mentor, self._space.tail_tier)
        marked = mentee in self._marked[mentor]
        return (
            _key(tier, units, mentor, self._space.mentee_shift),
            _key(0 if marked else 1, units, mentee, self._space.mentor_shift),
        )

    def row(self, mentee: int) -> Row:
        mentors = self._table.allowed_mentors(mentee)
        if mentors.size == 0:
            return mentors, mentors, mentors
        units = self._table.units(self._mentees[mentee])[mentors]
        space = self._space
        ek = _key(space.tail_tier, units, mentors, space.mentee_shift)
        mk = _key(1, units, mentee, space.mentor_shift)
        # The few mentors the mentee ranked, or who marked him, get their tier one by one.
        for mentor, pos in self._head_pos[mentee].items():
            at = int(np.searchsorted(mentors, mentor))
            ek[at] = _key(pos, int(units[at]), mentor, space.mentee_shift)
        for mentor in self._marked_by[mentee]:
            at = int(np.searchsorted(mentors, mentor))
            if at < mentors.size and mentors[at] == mentor:
                mk[at] = _key(0, int(units[at]), mentee, space.mentor_shift)
        return mentors, ek, mk

    def has_allowed_mentee(self, mentor: int) -> bool:
        return bool(self._table.compatible_mentees(mentor).any())


def build_preferences(
    mentees: Iterable[Candidate],
    mentors: Iterable[Candidate],
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    complete: bool = True,
) -> Preferences:
    """Preferences of one programme year from Candidates (see the module docstring).

    complete=False keeps only the explicit rankings: a pair is then allowed only if the mentee
    ranked the mentor (the finite instance a textbook hospital–residents solver takes).
    """
    mentee_list = sorted(mentees, key=lambda c: c.person_id)
    mentor_list = sorted(mentors, key=lambda c: c.person_id)
    _check_people(mentee_list, mentor_list)
    mentee_index = {c.person_id: i for i, c in enumerate(mentee_list)}
    mentor_index = {c.person_id: i for i, c in enumerate(mentor_list)}
    marked = [
        frozenset(mentee_index[p] for p in m.ranking if p in mentee_index) for m in mentor_list
    ]
    space = _KeySpace.of(len(mentee_list), len(mentor_list))
    maxima = weights.part_maxima()
    heads: list[Head] = []
    for i, mentee in enumerate(mentee_list):
        head: list[tuple[int, int, int]] = []
        for j in (mentor_index[p] for p in dict.fromkeys(mentee.ranking) if p in mentor_index):
            mentor = mentor_list[j]
            if mentor.capacity < 1 or pair_problem(mentee, mentor) is not None:
                continue  # a ranking never overrides the hard rules
            units = score_units(mentee, mentor, maxima)
            ek = _key(len(head), units, j, space.mentee_shift)
            head.append((j, ek, _key(0 if i in marked[j] else 1, units, i, space.mentor_shift)))
        heads.append(tuple(head))
    completion = None
    if complete:
        completion = _Completion(mentee_list, mentor_list, weights, space, heads, marked)
    return Preferences(
        [c.person_id for c in mentee_list],
        [c.person_id for c in mentor_list],
        [c.capacity for c in mentor_list],
        heads,
        completion,
        (mentee_list, mentor_list, weights),
    )


def _check_people(mentees: Sequence[Candidate], mentors: Sequence[Candidate]) -> None:
    if any(c.role != "mentee" for c in mentees) or any(c.role != "mentor" for c in mentors):
        raise ValueError("mentees must have role 'mentee' and mentors role 'mentor'")
    for side in (mentees, mentors):
        if len({c.person_id for c in side}) != len(side):
            raise ValueError("duplicate person_id")


# ---------------------------------------------------------------- deferred acceptance


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


# ---------------------------------------------------------------- proposal


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


@dataclass(frozen=True, slots=True)
class Check:
    """Result of the independent verifier; a correct proposal has all three at 0."""

    blocking_pairs: int
    capacity_violations: int
    hard_rule_violations: int

    @property
    def ok(self) -> bool:
        return self.blocking_pairs == self.capacity_violations == self.hard_rule_violations == 0


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


# ---------------------------------------------------------------- independent verifier


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
