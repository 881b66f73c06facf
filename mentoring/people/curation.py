"""Which organisations a person curates, from the staff scope rule in `mentoring.people.access`."""

from __future__ import annotations

from mentoring.people.access import scope_of
from storage import organisations as org_store
from storage.db import Database
from storage.organisations import Organisation
from storage.people import Person

__all__ = ["can_curate", "curated_organisations"]


def can_curate(person: Person | None, organisation_id: int) -> bool:
    """Admins curate every organisation; a curator only his own."""
    scope = scope_of(person)
    return scope is not None and scope.manages(organisation_id)


async def curated_organisations(db: Database, person: Person | None) -> list[Organisation]:
    scope = scope_of(person)
    if scope is None:
        return []
    async with db.connect() as conn:
        everything = await org_store.list_all(conn)
    return [org for org in everything if scope.manages(org.id)]
