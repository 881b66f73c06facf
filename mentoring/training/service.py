"""Scheduling a training session (обучение наставников, вебинар) and the year's schedule.

A curator schedules for the organisations he curates, a coordinator for those of his
municipality or region, an admin for any; the invitations go out through the outbox at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from i18n import Translator
from mentoring.notices import Action, Notice, TrainingAnswer
from mentoring.people.access import load_scope
from mentoring.stats.periods import school_year_of
from mentoring.training import rules
from mentoring.training.wording import when, where
from storage import audit, outbox
from storage import organisations as org_store
from storage import people as people_store
from storage import training as store
from storage.db import Database
from storage.organisations import Organisation
from storage.people import Person
from storage.training import Material, NewSession, TrainingSession

__all__ = [
    "Draft",
    "Scheduled",
    "invitation_notice",
    "invitations_of",
    "may_manage",
    "organisable",
    "schedule",
    "schedule_of",
    "session_for",
    "sessions_of_organisations",
]


@dataclass(frozen=True, slots=True)
class Draft:
    """What the organiser gave: the day and time are on the organisations' local clock."""

    title: str
    day: date
    at: time
    audience: str
    link: str | None = None
    place: str | None = None
    materials: tuple[Material, ...] = ()
    duration_minutes: int = rules.DURATION_MINUTES


@dataclass(frozen=True, slots=True)
class Scheduled:
    """status: ok / forbidden / no_organisations / bad_title / bad_where / bad_audience /
    bad_material / past."""

    status: str
    session_id: int | None = None
    invited: int = 0
    session: TrainingSession | None = field(default=None)


async def organisable(db: Database, person: Person | None) -> list[Organisation]:
    """The organisations `person` may schedule training for (a coordinator: his scope)."""
    scope = await load_scope(db, person)
    if scope is None:
        return []
    async with db.connect() as conn:
        everything = await org_store.list_all(conn)
    return [o for o in everything if scope.is_admin or o.id in scope.curated | scope.coordinated]


async def may_manage(db: Database, person: Person | None, session: TrainingSession) -> bool:
    """The organiser, an admin, or someone who may schedule for one of its organisations."""
    if person is None:
        return False
    if session.organiser_id == person.id:
        return True
    allowed = {o.id for o in await organisable(db, person)}
    return bool(allowed & set(session.organisation_ids))


def _check(draft: Draft) -> str | None:
    if rules.parse_title(draft.title) != draft.title:
        return "bad_title"
    if draft.audience not in rules.AUDIENCES:
        return "bad_audience"
    if (draft.link is None) == (draft.place is None):
        return "bad_where"
    if draft.link is not None and rules.parse_link(draft.link) is None:
        return "bad_where"
    if draft.place is not None and not 0 < len(draft.place) <= rules.PLACE_MAX:
        return "bad_where"
    if len(draft.materials) > rules.MATERIALS_MAX:
        return "bad_material"
    for m in draft.materials:
        if m.url is not None and rules.parse_link(m.url) is None:
            return "bad_material"
        if m.file_id is not None and (m.file_size or 0) > rules.FILE_LIMIT_BYTES:
            return "bad_material"
    return None


def invitation_notice(translator: Translator, locale: str, session: TrainingSession) -> Notice:
    t = translator.bind(locale)
    text = t(
        "training.notice.invitation",
        title=session.title,
        when=when(session, locale),
        where=where(session, t),
    )
    row = [
        Action(t("training.button.yes"), intent=TrainingAnswer(session.id, "yes")),
        Action(t("training.button.no"), intent=TrainingAnswer(session.id, "no")),
    ]
    return Notice.of(text, row, marked=False)


async def schedule(
    db: Database,
    translator: Translator,
    person: Person | None,
    draft: Draft,
    now: datetime,
    organisation_ids: Sequence[int] | None = None,
) -> Scheduled:
    """Create the session for `organisation_ids` (default: all the person may schedule for)
    and queue an invitation to each active member of the audience; `person` None is the CLI."""
    problem = _check(draft)
    if problem:
        return Scheduled(problem)
    if person is not None:
        allowed = {o.id for o in await organisable(db, person)}
        wanted = sorted(allowed if organisation_ids is None else set(organisation_ids))
        if not wanted:
            return Scheduled("forbidden" if organisation_ids else "no_organisations")
        if not set(wanted) <= allowed:
            return Scheduled("forbidden")
    else:
        wanted = sorted(set(organisation_ids or ()))
    async with db.begin() as conn:
        orgs = [o for i in wanted if (o := await org_store.get(conn, i)) is not None]
        if not orgs:
            return Scheduled("no_organisations")
        zone = orgs[0].timezone
        starts_at = datetime.combine(draft.day, draft.at, tzinfo=ZoneInfo(zone))
        if starts_at <= now:
            return Scheduled("past")
        new = NewSession(
            title=draft.title,
            starts_at=starts_at.astimezone(ZoneInfo("UTC")),
            duration_minutes=draft.duration_minutes,
            timezone=zone,
            link=draft.link,
            place=draft.place,
            audience=draft.audience,
            school_year=school_year_of(draft.day),
            organiser_id=person.id if person else None,
            organisation_ids=tuple(o.id for o in orgs),
            materials=draft.materials,
        )
        session_id = await store.create(conn, new, now)
        invited = [
            (p, role)
            for p, role in await store.active_members(
                conn, new.organisation_ids, rules.AUDIENCES[draft.audience]
            )
            if person is None or p != person.id
        ]
        await store.add_invitations(conn, session_id, invited)
        session = await store.get(conn, session_id)
        assert session is not None
        for person_id, _ in invited:
            invitee = await people_store.get(conn, person_id)
            if invitee is None or invitee.telegram_id is None:
                continue
            await outbox.enqueue(
                conn,
                person_id=person_id,
                chat_id=invitee.telegram_id,
                kind="training_invitation",
                payload=invitation_notice(translator, invitee.locale, session).to_payload(),
                due_at=now,
                dedupe_key=f"training:{session_id}:invite:{person_id}",
            )
        await audit.record(
            conn,
            "training.scheduled",
            actor_person_id=person.id if person else None,
            object_type="training_session",
            object_id=session_id,
            details={"organisations": list(new.organisation_ids), "invited": len(invited)},
        )
    return Scheduled("ok", session_id, len(invited), session)


async def schedule_of(
    db: Database, person: Person | None, now: datetime, school_year: int | None = None
) -> list[TrainingSession]:
    """The school year's sessions for the organisations the person may schedule for."""
    orgs = await organisable(db, person)
    if not orgs:
        return []
    year = school_year if school_year is not None else school_year_of(now.date())
    async with db.connect() as conn:
        return await store.sessions_of(conn, [o.id for o in orgs], year)


async def session_for(
    db: Database, person: Person | None, session_id: int
) -> TrainingSession | None:
    """The session, if the person may manage it (else None, as for a missing one)."""
    async with db.connect() as conn:
        session = await store.get(conn, session_id)
    if session is None or not await may_manage(db, person, session):
        return None
    return session


async def sessions_of_organisations(
    db: Database, organisation_ids: Sequence[int] | None, school_year: int
) -> list[TrainingSession]:
    """The school year's sessions for these organisations (None: all): the CLI's list."""
    async with db.connect() as conn:
        return await store.sessions_of(conn, organisation_ids, school_year)


async def invitations_of(db: Database, session_id: int) -> list[store.Invitation]:
    async with db.connect() as conn:
        return await store.invitations(conn, session_id)
