"""Asking mentors to write up their pairs' results: on the curator's demand («попросить
наставников»), and by the minute planning job once a pair's programme is over (the rule of
«completed the year» in `mentoring.documents.letters`). A request is a notice with the
«Описать результат» button, queued through the outbox outside quiet hours; dedupe keys
make the job's every run after the first, and a curator's double tap, a no-op."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator
from i18n.wording import school_year_label
from mentoring.documents.letters import Year, completed
from mentoring.notices import Action, Notice, WriteCase
from mentoring.people.curation import can_curate
from mentoring.stats.periods import school_year_of
from mentoring.timing.quiet_hours import shift_out_of_quiet_hours
from storage import audit, outbox
from storage import cases as store
from storage import documents as doc_store
from storage import organisations as org_store
from storage import people as people_store
from storage.db import Database
from storage.documents import OrderPair
from storage.organisations import Organisation
from storage.people import Person

__all__ = ["KIND", "Asked", "ask_for_cases", "plan_case_requests"]

KIND = "case_request"


@dataclass(frozen=True, slots=True)
class Asked:
    queued: int  # requests queued now
    already: int  # mentors asked already today (a double tap), or who have written


async def _request(
    conn: AsyncConnection,
    translator: Translator,
    organisation: Organisation,
    pair: OrderPair,
    year: int,
    now: datetime,
    dedupe_key: str,
) -> bool:
    mentor = await people_store.get(conn, pair.mentor_id)
    if mentor is None or mentor.telegram_id is None or not mentor.registered:
        return False
    t = translator.bind(mentor.locale)
    text = t("cases.request.text", organisation=organisation.name, year=school_year_label(year))
    button = Action(t("cases.request.button"), intent=WriteCase(pair.id, year))
    return await outbox.enqueue(
        conn,
        person_id=mentor.id,
        chat_id=mentor.telegram_id,
        kind=KIND,
        payload=Notice.of(text, [button], marked=False).to_payload(
            respect_quiet_hours=True, timezone=organisation.timezone
        ),
        due_at=shift_out_of_quiet_hours(now, organisation.timezone),
        dedupe_key=dedupe_key,
    )


async def _finished_pairs(
    conn: AsyncConnection, organisation_id: int, period: Year
) -> tuple[list[OrderPair], set[int]]:
    """The pairs that worked in the school year, and the ids of those that finished it."""
    pairs = await doc_store.year_pairs(conn, organisation_id, period.end, period.start_at)
    ids = [p.id for p in pairs]
    held = await doc_store.held_meetings(conn, ids, period.start_at, period.end_at)
    plans = await doc_store.plans_of(conn, ids)
    finals = await doc_store.group_finals_held(
        conn, organisation_id, period.start_at, period.end_at
    )
    done = {p.id for p in pairs if completed(p, held.get(p.id), plans, finals, period.today)}
    return pairs, done


async def ask_for_cases(
    db: Database, translator: Translator, actor: Person | None, organisation_id: int, now: datetime
) -> Asked | str:
    """The curator asks the mentors of every working or finished pair of the school year
    who has not written up its result yet; "forbidden" unless he curates the organisation.
    Asking again the same day queues nothing new."""
    if actor is None or not can_curate(actor, organisation_id):
        return "forbidden"
    year = school_year_of(now.date())
    queued = already = 0
    async with db.begin() as conn:
        organisation = await org_store.get(conn, organisation_id)
        if organisation is None:
            return "forbidden"
        pairs, done = await _finished_pairs(conn, organisation_id, Year(year, now.date()))
        for pair in pairs:
            if pair.status != "active" and pair.id not in done:
                continue
            if await store.of_pair(conn, pair.id, year) is not None:
                already += 1
                continue
            key = f"case-ask:{pair.id}:{year}:{now.date().isoformat()}"
            if await _request(conn, translator, organisation, pair, year, now, key):
                queued += 1
            else:
                already += 1
        await audit.record(
            conn,
            "cases.requested",
            actor_person_id=actor.id,
            object_type="organisation",
            object_id=organisation_id,
            details={"queued": queued},
        )
    return Asked(queued, already)


async def plan_case_requests(db: Database, translator: Translator, now: datetime) -> int:
    """Ask the mentor of each pair that finished its programme in the school year, once
    (the dedupe key), unless he has written it up already; returns the rows queued."""
    year = school_year_of(now.date())
    period = Year(year, now.date())
    added = 0
    async with db.begin() as conn:
        for organisation in await org_store.list_all(conn):
            pairs, done = await _finished_pairs(conn, organisation.id, period)
            for pair in pairs:
                if pair.id not in done or await store.of_pair(conn, pair.id, year) is not None:
                    continue
                key = f"case-request:{pair.id}:{year}"
                added += await _request(conn, translator, organisation, pair, year, now, key)
    return added
