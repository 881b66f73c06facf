"""Invite codes: an organisation and a role behind a deep link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import invites
from storage.types import utcnow

__all__ = ["Invite", "count_use", "create", "get_by_code", "list_for_organisation"]


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    code: str
    organisation_id: int | None
    role: str
    max_uses: int | None
    uses: int
    expires_at: datetime | None
    created_at: datetime

    def usable_at(self, now: datetime) -> bool:
        if self.expires_at is not None and self.expires_at <= now:
            return False
        return self.max_uses is None or self.uses < self.max_uses


def _from_row(row: RowMapping) -> Invite:
    return Invite(**{c.name: row[c.name] for c in invites.c})


async def create(
    conn: AsyncConnection,
    *,
    code: str,
    organisation_id: int | None,
    role: str,
    max_uses: int | None,
    expires_at: datetime | None,
) -> Invite:
    result = await conn.execute(
        insert(invites)
        .values(
            code=code,
            organisation_id=organisation_id,
            role=role,
            max_uses=max_uses,
            expires_at=expires_at,
            created_at=utcnow(),
        )
        .returning(*invites.c)
    )
    return _from_row(result.mappings().one())


async def get_by_code(conn: AsyncConnection, code: str) -> Invite | None:
    row = (await conn.execute(select(invites).where(invites.c.code == code))).mappings().first()
    return _from_row(row) if row else None


async def count_use(conn: AsyncConnection, invite_id: int) -> bool:
    """Take one use atomically; False when the invite was used up meanwhile."""
    result = await conn.execute(
        update(invites)
        .where(
            invites.c.id == invite_id,
            (invites.c.max_uses.is_(None)) | (invites.c.uses < invites.c.max_uses),
        )
        .values(uses=invites.c.uses + 1)
    )
    return result.rowcount == 1


async def list_for_organisation(conn: AsyncConnection, organisation_id: int) -> list[Invite]:
    result = await conn.execute(
        select(invites).where(invites.c.organisation_id == organisation_id).order_by(invites.c.id)
    )
    return [_from_row(row) for row in result.mappings()]
