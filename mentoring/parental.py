"""A parent's (legal representative's) consent for a participant under 18.

The child gets a one-time link; the parent opens it in his own Telegram, reads the text,
gives his name and agrees. A curator may instead record a consent given on paper.
Until one of these exists the child may fill the intake but is not matched or met.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from mentoring.ages import is_minor
from mentoring.names import normalise_full_name
from storage import audit, consents, people
from storage.db import Database

__all__ = [
    "PARENT",
    "PARENT_CODE_PREFIX",
    "ParentCodeProblem",
    "ParentConsentResult",
    "check_parent_code",
    "ensure_parent_code",
    "grant_parent_consent",
    "needs_parent_consent",
    "record_paper_consent",
]

log = logging.getLogger(__name__)

PARENT = "parent"
PARENT_CODE_PREFIX = "p_"
PARENT_CODE_DAYS = 30


class ParentCodeProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    BAD_NAME = "bad_name"


@dataclass(frozen=True, slots=True)
class ParentConsentResult:
    child_person_id: int | None
    problem: ParentCodeProblem | None


async def needs_parent_consent(db: Database, person_id: int, today: date) -> bool:
    async with db.connect() as conn:
        person = await people.get(conn, person_id)
        if person is None or not is_minor(person.birth_date, today):
            return False
        return not await consents.has_active(conn, person_id, PARENT)


async def ensure_parent_code(db: Database, child_person_id: int, now: datetime) -> str:
    """The child's open parent code, or a new one (128 random bits, deep-link alphabet)."""
    async with db.begin() as conn:
        existing = await consents.open_parent_code(conn, child_person_id, now)
        if existing is not None:
            return existing
        code = PARENT_CODE_PREFIX + secrets.token_urlsafe(16)
        await consents.create_parent_code(
            conn, child_person_id, code, now + timedelta(days=PARENT_CODE_DAYS)
        )
        await audit.record(
            conn, "parent_code.issued", actor_person_id=child_person_id, object_type="person"
        )
    return code


async def check_parent_code(db: Database, code: str, now: datetime) -> ParentCodeProblem | None:
    async with db.connect() as conn:
        found = await consents.get_parent_code(conn, code)
    if found is None:
        return ParentCodeProblem.UNKNOWN
    if found.used_at is not None:
        return ParentCodeProblem.USED
    if found.expires_at <= now:
        return ParentCodeProblem.EXPIRED
    return None


async def grant_parent_consent(
    db: Database, *, code: str, parent_name: str, text_version: str, now: datetime
) -> ParentConsentResult:
    name = normalise_full_name(parent_name)
    if name is None:
        return ParentConsentResult(None, ParentCodeProblem.BAD_NAME)
    problem = await check_parent_code(db, code, now)
    if problem is not None:
        return ParentConsentResult(None, problem)
    async with db.begin() as conn:
        found = await consents.get_parent_code(conn, code)
        if found is None or not await consents.use_parent_code(conn, code):
            return ParentConsentResult(None, ParentCodeProblem.USED)
        await consents.grant(
            conn, found.child_person_id, kind=PARENT, text_version=text_version, granted_by=name
        )
        await audit.record(
            conn, "consent.parent_granted", object_type="person", object_id=found.child_person_id
        )
    log.info("consent.parent_granted person=%s", found.child_person_id)
    return ParentConsentResult(found.child_person_id, None)


async def record_paper_consent(
    db: Database,
    *,
    person_id: int,
    recorded_by: str,
    text_version: str,
    actor_person_id: int | None,
) -> bool:
    """A consent signed on paper, entered by a curator or an admin; False for an unknown person."""
    async with db.begin() as conn:
        person = await people.get(conn, person_id)
        if person is None or person.status == "forgotten":
            return False
        await consents.grant(
            conn,
            person_id,
            kind=PARENT,
            text_version=text_version,
            granted_by=f"paper: {recorded_by}",
        )
        await audit.record(
            conn,
            "consent.parent_paper_recorded",
            actor_person_id=actor_person_id,
            object_type="person",
            object_id=person_id,
        )
    return True


async def child_for_code(db: Database, code: str) -> people.Person | None:
    """The child a parent code was issued for (to greet the parent and notify the child)."""
    async with db.connect() as conn:
        found = await consents.get_parent_code(conn, code)
        return await people.get(conn, found.child_person_id) if found else None
