"""Registration (регистрация участника): consent first, then the name (/forget: erasure.py).

Nothing about a person is stored before he consents. The invite is re-checked on the
server at every step: what the chat remembers (the code) is only a hint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from i18n.names import normalise_full_name
from mentoring.people.invites import InviteCheck, InviteProblem, check_invite
from storage import audit, consents, people, surveys
from storage import coverage as coverage_store
from storage import imports as import_store
from storage import invites as invite_store
from storage.db import Database
from storage.people import Person

__all__ = [
    "ConsentOutcome",
    "complete_registration",
    "grant_consent",
    "programme_name",
    "record_refusal",
    "set_locale",
]

log = logging.getLogger(__name__)

PERSONAL_DATA = "personal_data"
PARTICIPANT_ROLES = ("mentee", "mentor")


@dataclass(frozen=True, slots=True)
class ConsentOutcome:
    person_id: int | None
    problem: InviteProblem | None


async def grant_consent(
    db: Database,
    *,
    telegram_id: int,
    username: str | None,
    locale: str,
    invite_code: str | None,
    as_admin: bool,
    text_version: str,
    now: datetime,
) -> ConsentOutcome:
    """Record consent and the membership the invite grants; idempotent for a double tap."""
    organisation_id: int | None = None
    role = "admin"
    invite_id: int | None = None
    if not as_admin:
        check = await check_invite(db, invite_code or "", now)
        if check.problem is not None or check.invite is None:
            return ConsentOutcome(None, check.problem or InviteProblem.UNKNOWN)
        organisation_id, role, invite_id = (
            check.invite.organisation_id,
            check.invite.role,
            check.invite.id,
        )
    async with db.begin() as conn:
        existing = await people.get_by_telegram_id(conn, telegram_id)
        if existing is not None:
            return ConsentOutcome(existing.id, None)
        if invite_id is not None and not await invite_store.count_use(conn, invite_id):
            return ConsentOutcome(None, InviteProblem.USED_UP)
        # A personal invite from a school's list attaches him to the record imported for him.
        person_id = (
            await import_store.claim(
                conn, invite_id, telegram_id=telegram_id, username=username, locale=locale, now=now
            )
            if invite_id is not None
            else None
        )
        imported = person_id is not None
        if person_id is None:
            person_id = await people.create(
                conn,
                telegram_id=telegram_id,
                locale=locale,
                username=username,
                status="pending_name",
            )
        await consents.grant(
            conn, person_id, kind=PERSONAL_DATA, text_version=text_version, granted_by="self"
        )
        await people.add_membership(conn, person_id, organisation_id, role)
        if invite_id is not None and role == "coordinator":  # a municipality or region
            await coverage_store.bind_invite_coverage(conn, person_id, invite_id, now)
        if role in PARTICIPANT_ROLES:  # the intake questionnaire starts right after the name
            await surveys.assign(conn, person_id, f"intake_{role}")
        await audit.record(
            conn,
            "consent.granted",
            actor_person_id=person_id,
            object_type="consent",
            details={
                "kind": PERSONAL_DATA,
                "version": text_version,
                "role": role,
                "imported": imported,
            },
        )
    log.info("consent.granted person=%s role=%s org=%s", person_id, role, organisation_id)
    return ConsentOutcome(person_id, None)


async def programme_name(db: Database, check: InviteCheck) -> str:
    """Whose programme an invite opens: the organisation's name, or for a coordinator's
    invite the municipality or region it covers (greetings name it, never «»)."""
    if check.organisation is not None:
        return check.organisation.name
    if check.invite is None:
        return ""
    async with db.connect() as conn:
        area = await coverage_store.invite_coverage_of(conn, check.invite.id)
    return ", ".join(sorted(area.municipalities) + sorted(area.regions))


async def record_refusal(db: Database, invite_code: str | None) -> None:
    """Only the time of the refusal is kept (the audit row has no actor)."""
    async with db.begin() as conn:
        invite = await invite_store.get_by_code(conn, invite_code) if invite_code else None
        await audit.record(
            conn,
            "consent.refused",
            object_type="invite",
            object_id=invite.id if invite else None,
        )
    log.info("consent.refused")


async def complete_registration(db: Database, person_id: int, text: str) -> Person | None:
    """Store the validated name and activate the person; None when the name is invalid."""
    name = normalise_full_name(text)
    if name is None:
        return None
    async with db.begin() as conn:
        await people.set_name(conn, person_id, name, status="active")
        await audit.record(
            conn,
            "person.registered",
            actor_person_id=person_id,
            object_type="person",
            object_id=person_id,
        )
        person = await people.get(conn, person_id)
    log.info("person.registered person=%s", person_id)
    return person


async def set_locale(db: Database, person_id: int, locale: str) -> None:
    async with db.begin() as conn:
        await people.set_locale(conn, person_id, locale)
