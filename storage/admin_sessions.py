"""Spent back-office tokens: used login links and logged-out sessions.

The tokens themselves are signed and never stored (see admin/tokens.py); a row here only
says "this id may not be used again" until the token would have expired anyway.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import admin_spent_tokens

__all__ = ["is_spent", "purge_expired", "spend"]


async def spend(
    conn: AsyncConnection, token_id: str, *, kind: str, expires_at: datetime, now: datetime
) -> bool:
    """Mark the id spent; False when it was spent already (a reused link, a double click)."""
    try:
        async with conn.begin_nested():
            await conn.execute(
                insert(admin_spent_tokens).values(
                    token_id=token_id, kind=kind, spent_at=now, expires_at=expires_at
                )
            )
    except IntegrityError:
        return False
    return True


async def is_spent(conn: AsyncConnection, token_id: str) -> bool:
    query = select(admin_spent_tokens.c.token_id).where(admin_spent_tokens.c.token_id == token_id)
    return (await conn.execute(query)).first() is not None


async def purge_expired(conn: AsyncConnection, now: datetime) -> None:
    await conn.execute(delete(admin_spent_tokens).where(admin_spent_tokens.c.expires_at < now))
