"""A parent's (legal representative's) consent for a participant under 18.

The child gets a one-time link; the parent opens it in his own Telegram, reads the text,
gives his name and agrees. A curator may instead record a consent given on paper.
Until one of these exists the child may fill the intake but is not matched or met.

The link is refused to any account the programme already knows (the child's own above
all): a consent the child could give himself is no consent. Erased people have no account
on record any more, and people a school imported have none yet, so neither is refused.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from i18n.names import normalise_full_name
from mentoring.people.ages import is_minor
from mentoring.people.curation import can_curate
from storage import audit, consents, people
from storage.db import Database

__all__ = [
    "PARENT",
    "PARENT_CODE_PREFIX",
    "PaperConsentTarget",
    "ParentCodeProblem",
    "ParentConsentResult",
    "check_parent_code",
    "child_for_code",
    "ensure_parent_code",
    "grant_parent_consent",
    "needs_parent_consent",
    "paper_consent_target",
    "record_paper_consent",
    "valid_parent_name",
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
    OWN_ACCOUNT = "own_account"  # the child opened his own parent link
    REGISTERED = "registered"  # an account that already takes part in the programme


@dataclass(frozen=True, slots=True)
class ParentConsentResult:
    child_person_id: int | None
    problem: ParentCodeProblem | None


def valid_parent_name(text: str) -> str | None:
    """A parent's name as typed for a consent: a valid full name of at least two words (a
    surname and a first name), not "мама"."""
    name = normalise_full_name(text)
    return name if name is not None and len(name.replace("-", " ").split()) >= 2 else None


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


async def check_parent_code(
    db: Database, code: str, now: datetime, *, telegram_id: int
) -> ParentCodeProblem | None:
    """Whether the account `telegram_id` may give a parent's consent with this code now."""
    async with db.connect() as conn:
        found = await consents.get_parent_code(conn, code)
        if found is None:
            return ParentCodeProblem.UNKNOWN
        if found.used_at is not None:
            return ParentCodeProblem.USED
        if found.expires_at <= now:
            return ParentCodeProblem.EXPIRED
        known = await people.get_by_telegram_id(conn, telegram_id)
    if known is None:
        return None
    if known.id == found.child_person_id:
        return ParentCodeProblem.OWN_ACCOUNT
    return ParentCodeProblem.REGISTERED


async def grant_parent_consent(
    db: Database,
    *,
    code: str,
    parent_name: str,
    telegram_id: int,
    text_version: str,
    now: datetime,
) -> ParentConsentResult:
    """The parent's consent from the account `telegram_id`, checked again at this last step."""
    name = valid_parent_name(parent_name)
    if name is None:
        return ParentConsentResult(None, ParentCodeProblem.BAD_NAME)
    problem = await check_parent_code(db, code, now, telegram_id=telegram_id)
    if problem is not None:
        return ParentConsentResult(None, problem)
    async with db.begin() as conn:
        found = await consents.get_parent_code(conn, code)
        if found is None or not await consents.use_parent_code(conn, code):
            return ParentConsentResult(None, ParentCodeProblem.USED)
        await consents.grant(
            conn,
            found.child_person_id,
            kind=PARENT,
            text_version=text_version,
            granted_by=name,
            granted_by_telegram_id=telegram_id,
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
    signed_by: str | None = None,
) -> bool:
    """A consent signed on paper, entered by a curator or an admin; False for an unknown person.

    `signed_by` is the parent who signed it, `recorded_by` who entered it."""
    granted_by = f"paper: {signed_by}; {recorded_by}" if signed_by else f"paper: {recorded_by}"
    async with db.begin() as conn:
        person = await people.get(conn, person_id)
        if person is None or person.status == "forgotten":
            return False
        await consents.grant(
            conn, person_id, kind=PARENT, text_version=text_version, granted_by=granted_by[:200]
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


@dataclass(frozen=True, slots=True)
class PaperConsentTarget:
    organisation_id: int
    child_name: str


async def paper_consent_target(
    db: Database, actor: people.Person | None, child_person_id: int, today: date
) -> PaperConsentTarget | None:
    """The child's organisation and name when `actor` may record a paper consent for him now:
    he curates one of the child's organisations and the child, a minor, still lacks one."""
    if actor is None or not await needs_parent_consent(db, child_person_id, today):
        return None
    async with db.connect() as conn:
        child = await people.get(conn, child_person_id)
    if child is None or child.status != "active":
        return None
    for membership in child.memberships:
        org_id = membership.organisation_id
        participant = membership.role in ("mentee", "mentor")
        if org_id is not None and participant and can_curate(actor, org_id):
            return PaperConsentTarget(org_id, child.full_name or "")
    return None
