"""/forget: withdraw consent and erase what identifies the person, everywhere, at once.

What stays is an anonymous id with what the aggregates need: the scored scale answers, the
satisfaction score of each response, the pairs and meetings as counted facts. His pairs end
(a group he was one of goes on without him), their upcoming meetings are cancelled, and the
other side and the curators are told only that a participant left the programme.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import DEFAULT_LOCALE, Translator
from i18n.markup import safe
from mentoring.meetings import service as meetings
from mentoring.notices import Notice
from mentoring.pairs.notices import curators_of, end_pair
from storage import audit, consents, outbox, people, surveys
from storage import cases as case_store
from storage import conversations as fsm_store
from storage import erasure as erasure_store
from storage import inbox as inbox_store
from storage import meetings as meeting_store
from storage import notes as note_store
from storage import pairs as pair_store
from storage.db import Database
from storage.pairs import Pair
from storage.people import Person
from surveys.definitions import Registry

__all__ = ["forget_person", "kept_answers"]

log = logging.getLogger(__name__)

UPCOMING = ("proposed", "confirmed")


def kept_answers(registry: Registry) -> dict[tuple[str, int], frozenset[str]]:
    """Per questionnaire version, the answers an erased person leaves: the scale items, which
    satisfaction and impact are computed from. Everything else (birth date, class, position,
    free text, choices) could point back at him."""
    return {
        (code, version): frozenset(
            q.code for q in registry.get(code, version).questions if q.type == "scale"
        )
        for code in registry.codes()
        for version in registry.versions(code)
    }


async def _tell(
    conn: AsyncConnection,
    translator: Translator,
    recipients: list[int],
    key: str,
    dedupe_key: str,
    now: datetime,
    **params: str,
) -> None:
    for person_id in recipients:
        person = await people.get(conn, person_id)
        if person is None or person.telegram_id is None:
            continue
        await outbox.enqueue(
            conn,
            person_id=person_id,
            chat_id=person.telegram_id,
            kind="participant_left",
            payload=Notice.of(translator.get(person.locale, key, **params)).to_payload(),
            due_at=now,
            dedupe_key=f"{dedupe_key}:{person_id}",
        )


async def _names(conn: AsyncConnection, person_ids: list[int]) -> str:
    found = [await people.get(conn, pid) for pid in person_ids]
    return ", ".join(safe(p.full_name) for p in found if p and p.full_name) or "—"


async def _leave_group(
    conn: AsyncConnection, translator: Translator, pair: Pair, person_id: int, now: datetime
) -> None:
    """A mentee leaves a group that goes on with the other mentees."""
    await pair_store.remove_mentee(conn, pair.id, person_id)
    await audit.record(
        conn, "pairs.member_left", actor_person_id=person_id, object_type="pair", object_id=pair.id
    )
    key = f"participant_left:{pair.id}:{person_id}"
    await _tell(conn, translator, [pair.mentor_id], "erasure.group_smaller", key, now)
    mentor = await _names(conn, [pair.mentor_id])
    curators = await curators_of(conn, pair.organisation_id)
    await _tell(
        conn, translator, curators, "erasure.curator_group_smaller", key, now, mentor=mentor
    )


async def _end(
    conn: AsyncConnection, translator: Translator, pair: Pair, person_id: int, now: datetime
) -> None:
    """The pair (or the group he led) ends; its upcoming meetings are cancelled."""
    reason = translator.get(DEFAULT_LOCALE, "erasure.reason")
    for meeting in await meeting_store.of_pairs(conn, [pair.id], []):
        if meeting.status in UPCOMING and meeting.starts_at > now:
            await meetings.close(conn, meeting.id, reason=reason, now=now)
    await end_pair(conn, pair.id, reason=reason, actor_person_id=person_id, now=now)
    remaining = [m for m in (pair.mentor_id, *pair.mentee_ids) if m != person_id]
    key = f"participant_left:{pair.id}:{person_id}"
    await _tell(conn, translator, remaining, "erasure.pair_ended", key, now)
    others = await _names(conn, remaining)
    curators = await curators_of(conn, pair.organisation_id)
    await _tell(conn, translator, curators, "erasure.curator_pair_ended", key, now, others=others)


async def _leave_pairs(
    conn: AsyncConnection, translator: Translator, person_id: int, now: datetime
) -> None:
    for pair in await pair_store.pairs_of_person(conn, person_id):
        if pair.mentor_id != person_id and len(pair.mentee_ids) > 1:
            await _leave_group(conn, translator, pair, person_id, now)
        else:
            await _end(conn, translator, pair, person_id, now)


async def forget_person(
    db: Database, translator: Translator, registry: Registry, person: Person, *, now: datetime
) -> None:
    """Withdraw consent and erase personal data; the anonymous id stays for aggregates."""
    async with db.begin() as conn:
        current = await people.get(conn, person.id)
        if current is None:
            return
        await erasure_store.erase_pair_texts(conn, person.id)
        await case_store.erase_for_person(conn, person.id)
        await note_store.erase_for_person(conn, person.id, current.telegram_id)
        await _leave_pairs(conn, translator, person.id, now)
        mentions = [current.full_name or ""]
        if current.username:
            mentions += [f"@{current.username}", f"t.me/{current.username}"]
        await erasure_store.redact_mentions(conn, mentions, except_person_id=person.id)
        await consents.withdraw_all(conn, person.id)
        await surveys.erase_answers(conn, person.id, kept_answers(registry))
        await surveys.cancel_pending_for_person(conn, person.id)
        await outbox.erase_for_person(conn, person.id)
        await people.erase_personal_data(conn, person.id)
        if current.telegram_id is not None:
            await fsm_store.forget_user(conn, current.telegram_id)
            await inbox_store.forget_user(conn, current.telegram_id)  # his updates' texts
        await audit.record(
            conn,
            "person.forgotten",
            actor_person_id=person.id,
            object_type="person",
            object_id=person.id,
        )
    await erasure_store.checkpoint(db)
    log.info("person.forgotten person=%s", person.id)
