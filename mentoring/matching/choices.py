"""Whom the preference questionnaire offers (анкетирование на предмет предпочитаемого
наставника): only people the respondent could be paired with under the matching's hard rules.
"""

from __future__ import annotations

from dataclasses import replace

from mentoring.matching.compatibility import Candidate
from mentoring.matching.rules import pair_problem

__all__ = ["could_pair"]


def _in_good_standing(person: Candidate) -> Candidate:
    # The respondent's own standing (a parent's consent to come, a full group) is no reason
    # to hide anybody from his list: nothing he chooses there changes it.
    return replace(person, in_active_pair=False, parent_consent=True)


def could_pair(respondent: Candidate, other: Candidate) -> bool:
    """Whether `other` could be the respondent's mentor (or mentee), by the hard rules."""
    me = _in_good_standing(respondent)
    if me.role == "mentee":
        return pair_problem(me, other) is None
    return pair_problem(other, me) is None
