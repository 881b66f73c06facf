"""What the notes capability queues in the outbox: the consent question and the curator's news."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator
from i18n.markup import safe
from mentoring.notices import Action, NoteConsent, Notice
from mentoring.timing.quiet_hours import shift_out_of_quiet_hours
from storage import organisations as org_store
from storage import outbox, people
from storage.notes import NoteRequest

__all__ = ["AUTHOR_ROLES", "ask_consent", "tell_person"]

AUTHOR_ROLES = ("class_teacher", "psychologist", "social_worker", "parent")


async def tell_person(
    conn: AsyncConnection,
    translator: Translator,
    person_id: int | None,
    key: str,
    dedupe_key: str,
    now: datetime,
    **params: str,
) -> None:
    """A plain notice to a staff member (an adult: no quiet hours)."""
    person = await people.get(conn, person_id) if person_id is not None else None
    if person is None or person.telegram_id is None:
        return
    t = translator.bind(person.locale)
    if "role" in params:
        params = {**params, "role": t(f"notes.author_roles.{params['role']}")}
    await outbox.enqueue(
        conn,
        person_id=person.id,
        chat_id=person.telegram_id,
        kind="note_news",
        payload=Notice.of(t(key, **params)).to_payload(),
        due_at=now,
        dedupe_key=f"{dedupe_key}:{person.id}",
    )


async def ask_consent(
    conn: AsyncConnection,
    translator: Translator,
    request: NoteRequest,
    party: str,
    now: datetime,
) -> bool:
    """The question «may the curator ask …?» with yes/no buttons, to the mentee himself or
    (party "parent") to the account that gave his parent's consent. False: nobody to ask."""
    mentee = await people.get(conn, request.mentee_id)
    if mentee is None:
        return False
    chat_id = mentee.telegram_id if party == "mentee" else request.parent_chat_id
    if chat_id is None:
        return False
    organisation = await org_store.get(conn, request.organisation_id)
    timezone = organisation.timezone if organisation else "Europe/Moscow"
    t = translator.bind(mentee.locale)
    text = t(
        f"notes.consent.question_{party}",
        role=t(f"notes.author_roles.{request.author_role}"),
        name=safe(mentee.full_name or "—"),
    )
    yes = Action(t("notes.consent.yes"), intent=NoteConsent(request.id, party, "yes"))
    no = Action(t("notes.consent.no"), intent=NoteConsent(request.id, party, "no"))
    pupil = party == "mentee"  # every mentee counts as a pupil; a parent is an adult
    return await outbox.enqueue(
        conn,
        person_id=mentee.id,
        chat_id=chat_id,
        kind="note_consent",
        payload=Notice.of(text, [yes, no]).to_payload(respect_quiet_hours=pupil, timezone=timezone),
        due_at=shift_out_of_quiet_hours(now, timezone) if pupil else now,
        dedupe_key=f"note_consent:{request.id}:{party}:{now.isoformat()}",
    )
