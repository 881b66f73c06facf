"""Organisations: creation with validation, shared by the CLI and the back office."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage import audit
from storage import organisations as org_store
from storage.db import Database
from storage.organisations import ORGANISATION_KINDS, Organisation

__all__ = [
    "OrganisationError",
    "create_organisation",
    "get_organisation",
    "list_organisations",
    "update_organisation",
]


class OrganisationError(ValueError):
    """The organisation's fields are invalid; the message says which and why."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field  # name / kind / timezone, for a translated message in the web


def _validate(name: str, kind: str, timezone: str) -> str:
    clean = " ".join(name.split())
    if not 2 <= len(clean) <= 300:
        raise OrganisationError("name must be 2–300 characters", "name")
    if kind not in ORGANISATION_KINDS:
        raise OrganisationError(
            f"unknown kind {kind!r}; one of {', '.join(ORGANISATION_KINDS)}", "kind"
        )
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise OrganisationError(f"unknown timezone {timezone!r}", "timezone") from None
    return clean


async def create_organisation(
    db: Database,
    *,
    name: str,
    kind: str,
    municipality: str,
    region: str,
    timezone: str,
    actor_person_id: int | None = None,
) -> Organisation:
    clean = _validate(name, kind, timezone)
    async with db.begin() as conn:
        organisation = await org_store.create(
            conn,
            name=clean,
            kind=kind,
            municipality=" ".join(municipality.split()),
            region=" ".join(region.split()),
            timezone=timezone,
        )
        await audit.record(
            conn,
            "organisation.created",
            actor_person_id=actor_person_id,
            object_type="organisation",
            object_id=organisation.id,
        )
    return organisation


async def list_organisations(db: Database) -> list[Organisation]:
    async with db.connect() as conn:
        return await org_store.list_all(conn)


async def get_organisation(db: Database, organisation_id: int) -> Organisation | None:
    async with db.connect() as conn:
        return await org_store.get(conn, organisation_id)


async def update_organisation(
    db: Database,
    organisation_id: int,
    *,
    name: str,
    kind: str,
    municipality: str,
    region: str,
    timezone: str,
    actor_person_id: int | None = None,
) -> Organisation | None:
    """Change the organisation's fields (same rules as creation); None when it is unknown."""
    clean = _validate(name, kind, timezone)
    async with db.begin() as conn:
        organisation = await org_store.update_fields(
            conn,
            organisation_id,
            name=clean,
            kind=kind,
            municipality=" ".join(municipality.split()),
            region=" ".join(region.split()),
            timezone=timezone,
        )
        if organisation is not None:
            await audit.record(
                conn,
                "organisation.updated",
                actor_person_id=actor_person_id,
                object_type="organisation",
                object_id=organisation_id,
            )
    return organisation
