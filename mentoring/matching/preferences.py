"""Both sides' strict preference lists over allowed pairs, as packed integer keys.

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from mentoring.matching.compatibility import (
    DEFAULT_WEIGHTS,
    SCALE,
    Candidate,
    CompatibilityTable,
    IntArray,
    Weights,
    pair_problem,
    score_units,
)

__all__ = ["INF", "Head", "Preferences", "Row", "build_preferences"]

INF = int(np.iinfo(np.int64).max)  # a key worse than any: no pair, or a pair not allowed
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
