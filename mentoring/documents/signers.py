"""Who signs an organisation's documents: its head's full name and position, kept on the
organisation (0022) and edited on its back-office page or with `mentorbot doc signer`."""

from __future__ import annotations

from storage import audit
from storage import organisations as org_store
from storage.db import Database
from storage.organisations import Organisation

__all__ = ["MAX_HEAD_FIELD", "HeadError", "set_head"]

MAX_HEAD_FIELD = 200


class HeadError(ValueError):
    """A name or position too long to print under a signature."""


async def set_head(
    db: Database,
    organisation_id: int,
    *,
    name: str,
    position: str,
    actor_person_id: int | None = None,
) -> Organisation | None:
    """Store the head's name and position (spaces tidied; empty clears); None when the
    organisation is unknown."""
    clean_name, clean_position = " ".join(name.split()), " ".join(position.split())
    if len(clean_name) > MAX_HEAD_FIELD or len(clean_position) > MAX_HEAD_FIELD:
        raise HeadError(f"name and position: up to {MAX_HEAD_FIELD} characters each")
    async with db.begin() as conn:
        organisation = await org_store.set_head(
            conn, organisation_id, head_name=clean_name, head_position=clean_position
        )
        if organisation is not None:
            await audit.record(
                conn,
                "organisation_head.updated",
                actor_person_id=actor_person_id,
                object_type="organisation",
                object_id=organisation_id,
            )
    return organisation
