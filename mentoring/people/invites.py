"""Invites: unguessable codes behind t.me deep links."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from storage import coverage as coverage_store
from storage import invites as invite_store
from storage import organisations as org_store
from storage.db import Database

__all__ = [
    "INVITE_ROLES",
    "InviteCheck",
    "InviteError",
    "InviteProblem",
    "check_invite",
    "create_invite",
    "deep_link",
    "new_code",
]

INVITE_ROLES = ("mentee", "mentor", "curator", "coordinator")


class InviteError(ValueError):
    """An invite cannot be created as asked; the message says why."""


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"


@dataclass(frozen=True, slots=True)
class InviteCheck:
    invite: invite_store.Invite | None
    organisation: org_store.Organisation | None
    problem: InviteProblem | None


def new_code() -> str:
    """128 random bits in the deep-link alphabet (A–Z a–z 0–9 _ -), 22 characters."""
    return secrets.token_urlsafe(16)


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


async def create_invite(
    db: Database,
    *,
    organisation_id: int | None,
    role: str,
    max_uses: int | None,
    expires_days: int | None,
    now: datetime,
    municipality: str | None = None,
    region: str | None = None,
) -> invite_store.Invite:
    """An invite to an organisation or, for a coordinator, to a municipality or region."""
    if role not in INVITE_ROLES:
        raise InviteError(f"unknown role {role!r}; one of {', '.join(INVITE_ROLES)}")
    area = [a for a in (municipality, region) if a]
    if area and role != "coordinator":
        raise InviteError("--municipality and --region are for coordinators only")
    if len(area) > 1:
        raise InviteError("give --municipality or --region, not both")
    if (organisation_id is None) == (not area):
        raise InviteError("give --org, or --municipality / --region for a coordinator")
    if max_uses is not None and max_uses < 1:
        raise InviteError("--max-uses must be at least 1")
    if expires_days is not None and expires_days < 1:
        raise InviteError("--expires-days must be at least 1")
    async with db.begin() as conn:
        if organisation_id is not None and await org_store.get(conn, organisation_id) is None:
            raise InviteError(f"no organisation with id {organisation_id}")
        created = await invite_store.create(
            conn,
            code=new_code(),
            organisation_id=organisation_id,
            role=role,
            max_uses=max_uses,
            expires_at=now + timedelta(days=expires_days) if expires_days else None,
        )
        if area:
            await coverage_store.set_invite_coverage(
                conn, created.id, municipality=municipality or None, region=region or None
            )
        return created


async def check_invite(db: Database, code: str, now: datetime) -> InviteCheck:
    async with db.connect() as conn:
        invite = await invite_store.get_by_code(conn, code)
        if invite is None:
            return InviteCheck(None, None, InviteProblem.UNKNOWN)
        organisation = (
            await org_store.get(conn, invite.organisation_id) if invite.organisation_id else None
        )
    if invite.expires_at is not None and invite.expires_at <= now:
        return InviteCheck(invite, organisation, InviteProblem.EXPIRED)
    if not invite.usable_at(now):
        return InviteCheck(invite, organisation, InviteProblem.USED_UP)
    return InviteCheck(invite, organisation, None)
