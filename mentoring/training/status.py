"""Who is trained (прошёл обучение) this school year: attended a session of that year."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from storage import surveys as survey_store
from storage import training as store

__all__ = ["MentorsTraining", "is_trained", "mentors_training"]


@dataclass(frozen=True, slots=True)
class MentorsTraining:
    """An organisation's active mentors: how many are not trained, and of those how many
    declined an invitation this school year."""

    mentors: int
    untrained: int
    declined: int


async def is_trained(conn: AsyncConnection, person_id: int, school_year: int) -> bool:
    return bool(await store.attended_person_ids(conn, [person_id], school_year))


async def mentors_training(
    conn: AsyncConnection, organisation_id: int, school_year: int
) -> MentorsTraining:
    mentors = await survey_store.active_people_with_role(conn, organisation_id, "mentor")
    untrained = set(mentors) - await store.attended_person_ids(conn, mentors, school_year)
    declined = await store.declined_person_ids(conn, untrained, school_year)
    return MentorsTraining(len(mentors), len(untrained), len(declined))
