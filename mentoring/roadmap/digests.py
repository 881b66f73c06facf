"""The curator's daily digest (сводка куратора), at 09:00 in the organisation's time.

What needs his attention: meetings in the next 7 days, pairs that have not met for 30
days, minors without a parent's consent, registered mentees with no pair, non-responders
per survey wave. A digest with nothing to say is not sent. One per curator per day: the
dedupe key holds the local date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Texts, Translator
from mentoring.notices import Notice
from mentoring.people.access import load_scope
from mentoring.people.ages import adult_born_before
from mentoring.stats.periods import school_year_of
from mentoring.timing.planners import digest_day, weekly_digest_monday
from mentoring.training.status import MentorsTraining, mentors_training
from storage import meetings as meeting_store
from storage import organisations as org_store
from storage import outbox, surveys
from storage import pairs as pair_store
from storage import people as people_store
from storage import roadmap as roadmap_store
from storage.db import Database
from storage.organisations import Organisation

__all__ = [
    "DigestFacts",
    "OrganisationWeek",
    "collect",
    "collect_week",
    "plan_coordinator_digests",
    "plan_digests",
    "render",
    "render_week",
]

UPCOMING = timedelta(days=7)
IDLE = timedelta(days=30)
ROADMAP_AHEAD = timedelta(days=14)
RECENT_WAVES = 3
NAMES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class DigestFacts:
    upcoming: list[tuple[datetime, str]]  # (local start, kind)
    idle_pairs: list[str]
    poor_fit: list[str]  # mentors of pairs flagged for poor fit (feedback or approval)
    no_consent: list[str]
    unpaired: list[str]
    non_responders: list[tuple[str, int]]  # (survey code, how many)
    roadmap: list[roadmap_store.RoadmapItem] = field(default_factory=list)  # due soon or overdue
    training: MentorsTraining | None = None  # a standing fact: never the reason to send

    @property
    def empty(self) -> bool:
        return not (
            self.roadmap
            or self.upcoming
            or self.idle_pairs
            or self.poor_fit
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
    poor_fit = [await _name(conn, p.mentor_id) for p in pairs if p.poor_fit_at is not None]
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
    roadmap = [
        item
        for item in await roadmap_store.of_organisation(conn, organisation.id)
        if not item.done and item.due_on <= today + ROADMAP_AHEAD
    ]
    return DigestFacts(
        upcoming,
        idle,
        poor_fit,
        [m.full_name or f"#{m.id}" for m in minors],
        unpaired,
        silent,
        roadmap,
        await mentors_training(conn, organisation.id, school_year_of(today)),
    )


def render(
    facts: DigestFacts, organisation: Organisation, day: date, t: Texts, locale: str = "ru"
) -> str:
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
    if facts.poor_fit:
        lines.append(t("meetings.digest.poor_fit", names=_names(facts.poor_fit)))
    if facts.no_consent:
        lines.append(t("meetings.digest.no_consent", names=_names(facts.no_consent)))
    if facts.unpaired:
        lines.append(t("meetings.digest.unpaired", names=_names(facts.unpaired)))
    for code, n in facts.non_responders:
        lines.append(t("meetings.digest.non_responders", wave=code, n=n))
    lines += [
        t(
            "meetings.digest.roadmap_line",
            date=item.due_on.strftime("%d.%m"),
            title=item.title(locale),
            overdue=t("meetings.digest.overdue") if item.due_on < day else "",
        )
        for item in facts.roadmap[:NAMES_SHOWN]
    ]
    if facts.training is not None and facts.training.untrained:
        lines.append(
            t(
                "training.digest_line",
                untrained=facts.training.untrained,
                mentors=facts.training.mentors,
                declined=facts.training.declined,
            )
        )
    return "\n".join(lines)


async def plan_digests(
    db: Database, translator: Translator, now: datetime, *, weekly: bool = False
) -> int:
    """Queue today's digest for every curator whose organisation's 09:00 has come.

    `weekly` (the DIGEST_FREQUENCY setting) sends it on Mondays only.
    """
    added = 0
    async with db.begin() as conn:
        for organisation in await org_store.list_all(conn):
            day = digest_day(now, organisation.timezone)
            if day is None or (weekly and day.weekday() != 0):
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
                    payload=Notice.of(
                        render(
                            facts,
                            organisation,
                            day,
                            translator.bind(curator.locale),
                            curator.locale,
                        ),
                        marked=False,
                    ).to_payload(respect_quiet_hours=False, timezone=organisation.timezone),
                    due_at=now,
                    dedupe_key=keys[curator_id],
                )
    return added


# --- the coordinator's weekly digest (сводка координатора) -----------------------------------
@dataclass(frozen=True, slots=True)
class OrganisationWeek:
    name: str
    active_pairs: int
    meetings_held: int
    response_rates: list[tuple[str, int, int]]  # (survey code, answered, asked) of open waves
    overdue_items: int

    @property
    def empty(self) -> bool:
        return not (
            self.active_pairs or self.meetings_held or self.response_rates or self.overdue_items
        )


async def collect_week(
    conn: AsyncConnection, organisation: Organisation, now: datetime
) -> OrganisationWeek:
    today = now.astimezone(ZoneInfo(organisation.timezone)).date()
    held = [
        m
        for m in await meeting_store.of_organisation(conn, organisation.id)
        if m.status == "held" and now - timedelta(days=7) <= m.starts_at < now
    ]
    rates = []
    for wave in await surveys.waves_for_organisation(conn, organisation.id):
        if wave.deadline < today:
            continue
        progress = await surveys.wave_progress(conn, wave.id)
        answered = sum(1 for p in progress if p.status == "answered")
        rates.append((wave.survey_code, answered, len(progress)))
    overdue = [
        i
        for i in await roadmap_store.of_organisation(conn, organisation.id)
        if not i.done and i.due_on < today
    ]
    return OrganisationWeek(
        organisation.name,
        len(await pair_store.active_pairs(conn, organisation.id)),
        len(held),
        rates,
        len(overdue),
    )


def render_week(weeks: list[OrganisationWeek], monday: date, t: Texts) -> str:
    lines = [t("roadmap.coordinator_digest.header", date=monday.strftime("%d.%m.%Y"))]
    for week in weeks:
        lines.append(
            t(
                "roadmap.coordinator_digest.organisation",
                organisation=week.name,
                pairs=week.active_pairs,
                meetings=week.meetings_held,
                overdue=week.overdue_items,
            )
        )
        lines += [
            t(
                "roadmap.coordinator_digest.wave",
                wave=code,
                answered=answered,
                asked=asked,
                pct=round(100 * answered / asked) if asked else 0,
            )
            for code, answered, asked in week.response_rates
        ]
    return "\n".join(lines)


async def plan_coordinator_digests(db: Database, translator: Translator, now: datetime) -> int:
    """Queue the weekly digest of every coordinator whose Monday 09:00 has come.

    The time is that of his first organisation; organisations with nothing to report are
    left out, and a digest with none left is not sent.
    """
    added = 0
    async with db.begin() as conn:
        organisations = {org.id: org for org in await org_store.list_all(conn)}
        for coordinator_id in await people_store.active_with_role(conn, "coordinator"):
            coordinator = await people_store.get(conn, coordinator_id)
            # load_scope: a coordinator bound to a municipality or region covers its schools.
            scope = await load_scope(db, coordinator)
            if coordinator is None or coordinator.telegram_id is None or scope is None:
                continue
            mine = sorted(o for o in scope.coordinated if o in organisations)
            if not mine:
                continue
            monday = weekly_digest_monday(now, organisations[mine[0]].timezone)
            if monday is None:
                continue
            key = f"coordinator-digest:{coordinator_id}:{monday.isoformat()}"
            if await meeting_store.notice_exists(conn, key):
                continue
            weeks = [await collect_week(conn, organisations[o], now) for o in mine]
            weeks = [w for w in weeks if not w.empty]
            if not weeks:
                continue
            added += await outbox.enqueue(
                conn,
                person_id=coordinator_id,
                chat_id=coordinator.telegram_id,
                kind="coordinator_digest",
                payload=Notice.of(
                    render_week(weeks, monday, translator.bind(coordinator.locale)), marked=False
                ).to_payload(respect_quiet_hours=False, timezone=organisations[mine[0]].timezone),
                due_at=now,
                dedupe_key=key,
            )
    return added
