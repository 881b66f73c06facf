"""Who the curator's pair-editing pickers list, read cheaply.

A picker at a real school is paged (hundreds of mentees, 100+ mentors), and every page turn
rebuilds its list on the server; rebuilding the whole cohort with its scores (`pairs.view`)
for each turn takes seconds at 500 people. These read only the draft, the names and who
has an intake. The edit itself (`pairs.move`, `pairs.remove`) re-checks everything.
"""

from __future__ import annotations

from mentoring.matching.cohort import INTAKE
from storage import pairs as pair_store
from storage import people as people_store
from storage import surveys
from storage.db import Database

__all__ = ["draft_mentees", "mentor_choices"]


async def draft_mentees(db: Database, organisation_id: int) -> list[tuple[int, str]] | None:
    """(mentee id, name) of everybody in the draft, as the proposal lists them: by mentor,
    then the unmatched; None when there is no draft."""
    async with db.connect() as conn:
        draft = await pair_store.get_draft(conn, organisation_id)
        if draft is None:
            return None
        listed = await people_store.list_in_organisation(conn, organisation_id)
    names = {row.id: row.full_name or "" for row in listed if row.role == "mentee"}
    order = [m for _, members in sorted(draft.groups.items()) for m in members]
    order += sorted(draft.unmatched)
    return [(mentee_id, names[mentee_id]) for mentee_id in order if mentee_id in names]


async def mentor_choices(db: Database, organisation_id: int) -> list[tuple[int, str]]:
    """(mentor id, name) of the organisation's active mentors with an intake, by name: the
    mentors the matching knows."""
    async with db.connect() as conn:
        listed = await people_store.list_in_organisation(conn, organisation_id)
        mentors = [r for r in listed if r.role == "mentor" and r.status == "active"]
        chosen = [
            (row.id, row.full_name or "")
            for row in mentors
            if await surveys.submitted_answers(conn, row.id, INTAKE["mentor"])
        ]
    return sorted(chosen, key=lambda item: (item[1], item[0]))
