"""Forming pairs and groups (формирование пар): propose, edit, approve by order, dissolve.

One service for the chat, the CLI and the web. The draft lives in `pair_proposals`; every
edit re-checks the hard rules with `check_pair`, and the draft's stability is re-verified
with `blocking_pairs` so the curator is warned when his edits leave a pair that would both
rather be together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from mentoring.matching.cohort import NO_INTAKE, Cohort, load_cohort
from mentoring.matching.compatibility import explain, pair_form, pair_problem
from mentoring.matching.solver import blocking_pairs, build_preferences
from mentoring.matching.solver import propose as stable_proposal
from storage import audit
from storage import pairs as pair_store
from storage.db import Database

__all__ = [
    "CAPACITY_FULL",
    "NO_DRAFT",
    "REMOVED_BY_CURATOR",
    "UNKNOWN_PERSON",
    "Approval",
    "EditResult",
    "GroupView",
    "MemberView",
    "ProposalView",
    "entered_programme",
    "move",
    "pair_by_hand",
    "propose",
    "record_approval",
    "remove",
    "view",
]

log = logging.getLogger(__name__)

REMOVED_BY_CURATOR = "removed_by_curator"
CAPACITY_FULL = "capacity_full"
UNKNOWN_PERSON = "unknown_person"
NO_DRAFT = "no_draft"
TOP_REASONS = 2


@dataclass(frozen=True, slots=True)
class MemberView:
    mentee_id: int
    name: str
    score: float
    reasons: tuple[str, ...]  # score part codes, largest first


@dataclass(frozen=True, slots=True)
class GroupView:
    mentor_id: int
    name: str
    capacity: int
    members: tuple[MemberView, ...]


@dataclass(frozen=True, slots=True)
class ProposalView:
    organisation_id: int
    groups: tuple[GroupView, ...]
    unmatched: tuple[tuple[int, str, str], ...]  # (mentee id, name, reason code)
    blocking: int  # pairs that would both rather be together; 0 for the stable proposal

    def mentor_ids(self) -> list[int]:
        return [g.mentor_id for g in self.groups]


@dataclass(frozen=True, slots=True)
class EditResult:
    problem: str | None
    view: ProposalView | None = None


@dataclass(frozen=True, slots=True)
class Approval:
    pair_ids: tuple[int, ...] = ()
    problem: str | None = None
    notices: list[tuple[int, int]] = field(default_factory=list)  # (pair id, person id)


def _name(cohort: Cohort, person_id: int) -> str:
    profile = cohort.profiles.get(person_id)
    return profile.full_name if profile else str(person_id)


def _build_view(
    organisation_id: int, cohort: Cohort, groups: dict[int, list[int]], unmatched: dict[int, str]
) -> ProposalView:
    shown = []
    for mentor_id, mentee_ids in sorted(groups.items()):
        mentor = cohort.mentors.get(mentor_id)
        if mentor is None:
            continue
        members = []
        for mentee_id in mentee_ids:
            mentee = cohort.mentees.get(mentee_id)
            if mentee is None:
                continue
            parts = [r for r in explain(mentee, mentor) if r.weight_contribution > 0]
            score = round(sum(r.weight_contribution for r in parts), 1)
            codes = tuple(r.code for r in parts[:TOP_REASONS])
            members.append(MemberView(mentee_id, _name(cohort, mentee_id), score, codes))
        seats = mentor.capacity
        shown.append(GroupView(mentor_id, _name(cohort, mentor_id), seats, tuple(members)))
    prefs = build_preferences(cohort.mentees.values(), cohort.mentors.values())
    assignment = {m: mentor for mentor, ids in groups.items() for m in ids}
    blocking = len(blocking_pairs(assignment, prefs)) if cohort.mentees else 0
    listed = tuple(
        (mentee_id, _name(cohort, mentee_id), reason)
        for mentee_id, reason in sorted(unmatched.items())
    )
    return ProposalView(organisation_id, tuple(shown), listed, blocking)


async def propose(db: Database, organisation_id: int, now: datetime) -> ProposalView:
    """Run the stable matching on the organisation's cohort and store it as the draft."""
    async with db.begin() as conn:
        cohort = await load_cohort(conn, organisation_id, now.date())
        proposal = stable_proposal(cohort.mentees.values(), cohort.mentors.values())
        groups = {m: [p.mentee_id for p in group] for m, group in proposal.groups.items()}
        unmatched = {u.mentee_id: u.reason for u in proposal.unmatched_mentees}
        unmatched.update(dict.fromkeys(cohort.without_intake, NO_INTAKE))
        await pair_store.save_draft(conn, organisation_id, groups, unmatched, now)
    log.info(
        "pairs.proposed org=%s groups=%s unmatched=%s", organisation_id, len(groups), len(unmatched)
    )
    return _build_view(organisation_id, cohort, groups, unmatched)


async def view(db: Database, organisation_id: int, today: date) -> ProposalView | None:
    async with db.connect() as conn:
        draft = await pair_store.get_draft(conn, organisation_id)
        if draft is None:
            return None
        cohort = await load_cohort(conn, organisation_id, today)
    return _build_view(organisation_id, cohort, draft.groups, draft.unmatched)


async def _edit(
    db: Database, organisation_id: int, mentee_id: int, mentor_id: int | None, now: datetime
) -> EditResult:
    async with db.begin() as conn:
        draft = await pair_store.get_draft(conn, organisation_id)
        if draft is None:
            return EditResult(NO_DRAFT)
        cohort = await load_cohort(conn, organisation_id, now.date())
        mentee = cohort.mentees.get(mentee_id)
        if mentee is None:
            return EditResult(UNKNOWN_PERSON)
        groups = {m: [x for x in ids if x != mentee_id] for m, ids in draft.groups.items()}
        unmatched = {k: v for k, v in draft.unmatched.items() if k != mentee_id}
        if mentor_id is None:
            unmatched[mentee_id] = REMOVED_BY_CURATOR
        else:
            mentor = cohort.mentors.get(mentor_id)
            if mentor is None:
                return EditResult(UNKNOWN_PERSON)
            problem = pair_problem(mentee, mentor)  # check_pair under the pair's form
            if problem is not None or pair_form(mentee, mentor) is None:
                return EditResult(problem)
            if len(groups.get(mentor_id, [])) >= mentor.capacity:
                return EditResult(CAPACITY_FULL)
            groups.setdefault(mentor_id, []).append(mentee_id)
        groups = {m: ids for m, ids in groups.items() if ids}
        await pair_store.save_draft(conn, organisation_id, groups, unmatched, now)
    return EditResult(None, _build_view(organisation_id, cohort, groups, unmatched))


async def move(
    db: Database, organisation_id: int, mentee_id: int, to_mentor_id: int, now: datetime
) -> EditResult:
    """Put a mentee in another mentor's group; `view.blocking > 0` is the warning."""
    return await _edit(db, organisation_id, mentee_id, to_mentor_id, now)


async def pair_by_hand(
    db: Database, organisation_id: int, mentee_id: int, mentor_id: int, now: datetime
) -> EditResult:
    """Give an unmatched mentee a mentor; the hard rules still hold."""
    return await _edit(db, organisation_id, mentee_id, mentor_id, now)


async def remove(db: Database, organisation_id: int, mentee_id: int, now: datetime) -> EditResult:
    return await _edit(db, organisation_id, mentee_id, None, now)


async def entered_programme(db: Database, organisation_id: int) -> list[int]:
    """Mentees who entered the programme (DESIGN §1): approved pair with order, approved plan."""
    async with db.connect() as conn:
        return await pair_store.entered_programme(conn, organisation_id)


async def record_approval(
    db: Database,
    organisation_id: int,
    *,
    order_number: str,
    order_date: date,
    actor_person_id: int | None,
    now: datetime,
) -> tuple[Approval, Cohort | None]:
    """Turn the draft into active pairs; the caller notifies (see `notices.approve`)."""
    async with db.begin() as conn:
        draft = await pair_store.get_draft(conn, organisation_id)
        if draft is None or not draft.groups:
            return Approval(problem=NO_DRAFT), None
        cohort = await load_cohort(conn, organisation_id, now.date())
        prefs = build_preferences(cohort.mentees.values(), cohort.mentors.values())
        stable = not blocking_pairs(
            {m: mentor for mentor, ids in draft.groups.items() for m in ids}, prefs
        )
        created: list[int] = []
        for mentor_id, mentee_ids in sorted(draft.groups.items()):
            mentor = cohort.mentors.get(mentor_id)
            allowed = [
                m
                for m in mentee_ids
                if mentor is not None
                and m in cohort.mentees
                and pair_problem(cohort.mentees[m], mentor) is None
            ]
            if mentor is None or not allowed:
                continue
            form = pair_form(cohort.mentees[allowed[0]], mentor)
            assert form is not None  # pair_problem is None above
            pair_id = await pair_store.create_pair(
                conn,
                organisation_id=organisation_id,
                mentor_id=mentor_id,
                mentee_ids=allowed,
                form=form,
                order_number=order_number,
                order_date=order_date,
                approved_by=actor_person_id,
                fit_flag=stable,
                now=now,
            )
            created.append(pair_id)
        await pair_store.delete_draft(conn, organisation_id)
        await audit.record(
            conn,
            "pairs.approved",
            actor_person_id=actor_person_id,
            object_type="organisation",
            object_id=organisation_id,
            details={"pairs": len(created), "stable": stable},
        )
    log.info("pairs.approved org=%s pairs=%s", organisation_id, len(created))
    return Approval(tuple(created)), cohort
