"""`CompatibilityTable`: the hard rules and the score for one person against a whole side.

The vectorised form of `rules.pair_problem` and `score.score_units`,
so that a 10k x 2k instance never needs 20 million Python-level score evaluations; the tests
check that both forms agree exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from mentoring.matching.candidates import FORM_BIT, FORMATS, FORMS, PARTNER_FORMS, Candidate
from mentoring.matching.rules import exclusion_reason
from mentoring.matching.score import SCALE, Weights, format_halves, fraction_units

__all__ = ["BoolArray", "CompatibilityTable", "IntArray"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_PARTNER_MASK = sum(FORM_BIT[f] for f in PARTNER_FORMS)

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
            [sum(FORM_BIT[f] for f in p.forms_accepted) for p in people], dtype=np.int64
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
                [fraction_units(maxima[3], format_halves(fmt, m.format), 2) for m in mentors],
                dtype=np.int64,
            )
            for fmt in FORMATS
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
