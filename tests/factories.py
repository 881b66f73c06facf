"""Ready-made organisations and invites for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mentoring.invites import create_invite
from mentoring.organisations import create_organisation
from storage import invites as invite_store
from storage.db import Database


async def make_school(db: Database, name: str = "МБОУ СОШ № 1") -> int:
    organisation = await create_organisation(
        db,
        name=name,
        kind="school",
        municipality="г. Тула",
        region="Тульская область",
        timezone="Europe/Moscow",
    )
    return organisation.id


async def make_invite(
    db: Database,
    organisation_id: int,
    role: str = "mentee",
    *,
    max_uses: int | None = None,
    expires_days: int | None = None,
) -> str:
    created = await create_invite(
        db,
        organisation_id=organisation_id,
        role=role,
        max_uses=max_uses,
        expires_days=expires_days,
        now=datetime.now(UTC),
    )
    return created.code


async def expire_invite(db: Database, code: str) -> None:
    from sqlalchemy import update

    from storage.schema import invites

    async with db.begin() as conn:
        await conn.execute(
            update(invites)
            .where(invites.c.code == code)
            .values(expires_at=datetime.now(UTC) - timedelta(days=1))
        )
    async with db.connect() as conn:
        assert (await invite_store.get_by_code(conn, code)) is not None
