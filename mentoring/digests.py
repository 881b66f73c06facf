"""The curator's daily digest (сводка куратора), at 09:00 in the organisation's time.

What needs his attention: meetings in the next 7 days, pairs that have not met for 30
days, minors without a parent's consent, registered mentees with no pair, non-responders
per survey wave. A digest with nothing to say is not sent. One per curator per day: the
dedupe key holds the local date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.i18n import Texts, Translator
from mentoring.ages import adult_born_before
from scheduler.planners import digest_day
from storage import meetings as meeting_store
from storage import organisations as org_store
from storage import outbox, surveys
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.organisations import Organisation

__all__ = ["DigestFacts", "collect", "plan_digests", "render"]

UPCOMING = timedelta(days=7)
IDLE = timedelta(days=30)
RECENT_WAVES = 3
NAMES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class DigestFacts:
    upcoming: list[tuple[datetime, str]]  # (local start, kind)
    idle_pairs: list[str]
    no_consent: list[str]
    unpaired: list[str]
    non_responders: list[tuple[str, int]]  # (survey code, how many)

    @property
    def empty(self) -> bool:
        return not (
            self.upcoming
            or self.idle_pairs
            or self.no_consent
            or self.unpaired
            or self.non_responders
        )


async def _name(conn: AsyncConnection, person_id: int) -> str:
    person = await people_store.get(conn, person_id)
    return (person.full_name if person else None) or f"#{person_id}"


def _names(names: list[str]) -> str:
    more = len(names) - NAMES_SHOWN
    return ", ".join(names[:NAMES_SHOWN]) + (f" (+{more})" if more > 0 else "")


async def collect(conn: AsyncConnection, organisation: Organisation, now: datetime) -> DigestFacts:
    zone = ZoneInfo(organisation.timezone)
    today = now.astimezone(zone).date()
    meetings = await meeting_store.of_organisation(conn, organisation.id)
    upcoming = [
        (m.starts_at.astimezone(zone), m.kind)
        for m in meetings
        if m.status in ("proposed", "confirmed") and now <= m.starts_at < now + UPCOMING
    ]
    last_held = await meeting_store.last_held_by_pair(conn, organisation.id)
    pairs = await pair_store.active_pairs(conn, organisation.id)
    idle = [
        await _name(conn, p.mentor_id)
        for p in pairs
        if last_held.get(p.id, datetime.combine(p.order_date, datetime.min.time(), zone))
        < now - IDLE
    ]
    minors = await people_store.minors_without_parent_consent(
        conn, organisation.id, adult_born_before(today)
    )
    paired, _ = await pair_store.busy_people(conn)
    mentees = await surveys.active_people_with_role(conn, organisation.id, "mentee")
    unpaired = [await _name(conn, m) for m in mentees if m not in paired]
    silent = []
    for wave in (await surveys.waves_for_organisation(conn, organisation.id))[:RECENT_WAVES]:
        if wave.deadline < today - timedelta(days=7):
            continue
        progress = await surveys.wave_progress(conn, wave.id)
        n = sum(1 for p in progress if p.status != "answered")
        if n:
            silent.append((wave.survey_code, n))
    return DigestFacts(
        upcoming, idle, [m.full_name or f"#{m.id}" for m in minors], unpaired, silent
    )


def render(facts: DigestFacts, organisation: Organisation, day: date, t: Texts) -> str:
    lines = [
        t("meetings.digest.header", date=day.strftime("%d.%m.%Y"), organisation=organisation.name)
    ]
    if facts.upcoming:
        lines.append(t("meetings.digest.upcoming", n=len(facts.upcoming)))
        lines += [
            t(
                "meetings.digest.upcoming_line",
                date=start.strftime("%d.%m"),
                time=start.strftime("%H:%M"),
                kind=t(f"meetings.kind.{kind}"),
            )
            for start, kind in facts.upcoming[:NAMES_SHOWN]
        ]
    if facts.idle_pairs:
        lines.append(t("meetings.digest.idle_pairs", names=_names(facts.idle_pairs)))
    if facts.no_consent:
        lines.append(t("meetings.digest.no_consent", names=_names(facts.no_consent)))
    if facts.unpaired:
        lines.append(t("meetings.digest.unpaired", names=_names(facts.unpaired)))
    for code, n in facts.non_responders:
        lines.append(t("meetings.digest.non_responders", wave=code, n=n))
    return "\n".join(lines)


async def plan_digests(db: Database, translator: Translator, now: datetime) -> int:
    """Queue today's digest for every curator whose organisation's 09:00 has come."""
    added = 0
    async with db.begin() as conn:
        for organisation in await org_store.list_all(conn):
            day = digest_day(now, organisation.timezone)
            if day is None:
                continue
            curator_ids = await surveys.active_people_with_role(conn, organisation.id, "curator")
            keys = {c: f"digest:{c}:{organisation.id}:{day.isoformat()}" for c in curator_ids}
            waiting = [
                c for c in curator_ids if not await meeting_store.notice_exists(conn, keys[c])
            ]
            if not waiting:
                continue
            facts = await collect(conn, organisation, now)
            if facts.empty:
                continue
            for curator_id in waiting:
                curator = await people_store.get(conn, curator_id)
                if curator is None or curator.telegram_id is None:
                    continue
                added += await outbox.enqueue(
                    conn,
                    person_id=curator_id,
                    chat_id=curator.telegram_id,
                    kind="curator_digest",
                    payload={
                        "text": render(facts, organisation, day, translator.bind(curator.locale)),
                        "buttons": [],
                        "parse_mode": None,
                        "respect_quiet_hours": False,
                        "timezone": organisation.timezone,
                    },
                    due_at=now,
                    dedupe_key=keys[curator_id],
                )
    return added
