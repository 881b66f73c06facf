"""The audit log: who did what to which object. Details never carry personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import audit_log
from storage.types import utcnow

__all__ = ["AuditEntry", "list_recent", "record"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor_person_id: int | None
    action: str
    object_type: str | None
    object_id: str | None
    details: dict[str, Any] | None


async def record(
    conn: AsyncConnection,
    action: str,
    *,
    actor_person_id: int | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        insert(audit_log).values(
            at=utcnow(),
            actor_person_id=actor_person_id,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            details=details,
        )
    )


async def list_recent(conn: AsyncConnection, limit: int = 100) -> list[AuditEntry]:
    result = await conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(limit))
    return [
        AuditEntry(
            at=row["at"],
            actor_person_id=row["actor_person_id"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            details=row["details"],
        )
        for row in result.mappings()
    ]
