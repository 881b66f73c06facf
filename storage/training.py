"""Training sessions and webinars (обучение наставников): sessions, their organisations and
materials, invitations with answers and attendance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import (
    memberships,
    outbox,
    people,
    training_invitations,
    training_materials,
    training_organisations,
    training_sessions,
)

__all__ = [
    "Invitation",
    "Material",
    "NewSession",
    "TrainingSession",
    "active_members",
    "add_invitations",
    "attended_person_ids",
    "create",
    "declined_person_ids",
    "get",
    "get_invitation",
    "invitations",
    "materials",
    "sessions_between",
    "sessions_of",
    "set_answer",
    "set_attended",
    "set_notices_active",
]


@dataclass(frozen=True, slots=True)
class Material:
    url: str | None = None
    file_id: str | None = None
    file_name: str | None = None
    file_size: int | None = None


@dataclass(frozen=True, slots=True)
class NewSession:
    title: str
    starts_at: datetime
    duration_minutes: int
    timezone: str
    link: str | None
    place: str | None
    audience: str
    school_year: int
    organiser_id: int | None
    organisation_ids: tuple[int, ...]
    materials: tuple[Material, ...] = ()


@dataclass(frozen=True, slots=True)
class TrainingSession:
    id: int
    title: str
    starts_at: datetime
    duration_minutes: int
    timezone: str
    link: str | None
    place: str | None
    audience: str
    school_year: int
    status: str
    organiser_id: int | None
    organisation_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Invitation:
    session_id: int
    person_id: int
    role: str
    answer: str  # pending / yes / no
    attended: bool | None
    marked_by: str | None
    full_name: str | None = None


async def create(conn: AsyncConnection, new: NewSession, now: datetime) -> int:
    result = await conn.execute(
        insert(training_sessions)
        .values(
            title=new.title,
            starts_at=new.starts_at,
            duration_minutes=new.duration_minutes,
            timezone=new.timezone,
            link=new.link,
            place=new.place,
            audience=new.audience,
            school_year=new.school_year,
            status="scheduled",
            organiser_id=new.organiser_id,
            created_at=now,
        )
        .returning(training_sessions.c.id)
    )
    session_id = int(result.scalar_one())
    await conn.execute(
        insert(training_organisations),
        [
            {"session_id": session_id, "organisation_id": o}
            for o in sorted(set(new.organisation_ids))
        ],
    )
    if new.materials:
        await conn.execute(
            insert(training_materials),
            [
                {
                    "session_id": session_id,
                    "url": m.url,
                    "file_id": m.file_id,
                    "file_name": m.file_name,
                    "file_size": m.file_size,
                }
                for m in new.materials
            ],
        )
    return session_id


async def _organisations_of(conn: AsyncConnection, ids: Sequence[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {i: [] for i in ids}
    if not ids:
        return found
    query = (
        select(training_organisations.c.session_id, training_organisations.c.organisation_id)
        .where(training_organisations.c.session_id.in_(list(ids)))
        .order_by(training_organisations.c.organisation_id)
    )
    for session_id, organisation_id in (await conn.execute(query)).all():
        found[int(session_id)].append(int(organisation_id))
    return found


async def _sessions(conn: AsyncConnection, query: object) -> list[TrainingSession]:
    rows = (await conn.execute(query)).mappings().all()  # type: ignore[call-overload]
    orgs = await _organisations_of(conn, [int(r["id"]) for r in rows])
    return [
        TrainingSession(
            id=r["id"],
            title=r["title"],
            starts_at=r["starts_at"],
            duration_minutes=r["duration_minutes"],
            timezone=r["timezone"],
            link=r["link"],
            place=r["place"],
            audience=r["audience"],
            school_year=r["school_year"],
            status=r["status"],
            organiser_id=r["organiser_id"],
            organisation_ids=tuple(orgs[int(r["id"])]),
        )
        for r in rows
    ]


async def get(conn: AsyncConnection, session_id: int) -> TrainingSession | None:
    found = await _sessions(
        conn, select(training_sessions).where(training_sessions.c.id == session_id)
    )
    return found[0] if found else None


async def sessions_of(
    conn: AsyncConnection, organisation_ids: Iterable[int] | None, school_year: int
) -> list[TrainingSession]:
    """The school year's sessions for any of the organisations (None: all), by start."""
    query = select(training_sessions).where(training_sessions.c.school_year == school_year)
    if organisation_ids is not None:
        for_them = select(training_organisations.c.session_id).where(
            training_organisations.c.organisation_id.in_(sorted(set(organisation_ids)))
        )
        query = query.where(training_sessions.c.id.in_(for_them))
    return await _sessions(conn, query.order_by(training_sessions.c.starts_at))


async def sessions_between(
    conn: AsyncConnection, start: datetime, end: datetime
) -> list[TrainingSession]:
    query = (
        select(training_sessions)
        .where(
            training_sessions.c.status == "scheduled",
            training_sessions.c.starts_at >= start,
            training_sessions.c.starts_at < end,
        )
        .order_by(training_sessions.c.starts_at)
    )
    return await _sessions(conn, query)


async def materials(conn: AsyncConnection, session_id: int) -> list[Material]:
    query = (
        select(training_materials)
        .where(training_materials.c.session_id == session_id)
        .order_by(training_materials.c.id)
    )
    return [
        Material(r["url"], r["file_id"], r["file_name"], r["file_size"])
        for r in (await conn.execute(query)).mappings()
    ]


async def active_members(
    conn: AsyncConnection, organisation_ids: Iterable[int], roles: Iterable[str]
) -> list[tuple[int, str]]:
    """(person id, role) of the active people with one of `roles` there, once per person."""
    query = (
        select(people.c.id, memberships.c.role)
        .select_from(people.join(memberships, memberships.c.person_id == people.c.id))
        .where(
            memberships.c.organisation_id.in_(sorted(set(organisation_ids))),
            memberships.c.role.in_(sorted(set(roles))),
            people.c.status == "active",
        )
        .order_by(people.c.id, memberships.c.role.desc())
    )
    seen: dict[int, str] = {}
    for person_id, role in (await conn.execute(query)).all():
        seen.setdefault(int(person_id), str(role))  # mentor before curator: desc
    return sorted(seen.items())


async def add_invitations(
    conn: AsyncConnection, session_id: int, invited: Sequence[tuple[int, str]]
) -> None:
    if invited:
        await conn.execute(
            insert(training_invitations),
            [
                {"session_id": session_id, "person_id": p, "role": r, "answer": "pending"}
                for p, r in invited
            ],
        )


def _invitation(r: object) -> Invitation:
    row = r._mapping  # type: ignore[attr-defined]
    return Invitation(
        row["session_id"],
        row["person_id"],
        row["role"],
        row["answer"],
        row["attended"],
        row["marked_by"],
        row.get("full_name"),
    )


async def invitations(conn: AsyncConnection, session_id: int) -> list[Invitation]:
    query = (
        select(training_invitations, people.c.full_name)
        .join(people, people.c.id == training_invitations.c.person_id)
        .where(training_invitations.c.session_id == session_id)
        .order_by(people.c.full_name, people.c.id)
    )
    return [_invitation(r) for r in (await conn.execute(query)).all()]


async def get_invitation(
    conn: AsyncConnection, session_id: int, person_id: int
) -> Invitation | None:
    query = select(training_invitations).where(
        training_invitations.c.session_id == session_id,
        training_invitations.c.person_id == person_id,
    )
    row = (await conn.execute(query)).first()
    return _invitation(row) if row else None


def _one(session_id: int, person_id: int) -> object:
    return and_(
        training_invitations.c.session_id == session_id,
        training_invitations.c.person_id == person_id,
    )


async def set_answer(
    conn: AsyncConnection, session_id: int, person_id: int, answer: str, now: datetime
) -> bool:
    """Record the answer; False when it is already the answer (a double tap)."""
    result = await conn.execute(
        update(training_invitations)
        .where(_one(session_id, person_id), training_invitations.c.answer != answer)  # type: ignore[arg-type]
        .values(answer=answer, answered_at=now)
    )
    return bool(result.rowcount)


async def set_attended(
    conn: AsyncConnection,
    session_id: int,
    person_id: int,
    attended: bool,
    marked_by: str,
    now: datetime,
) -> bool:
    """Mark attendance; False when it already reads so."""
    result = await conn.execute(
        update(training_invitations)
        .where(
            _one(session_id, person_id),  # type: ignore[arg-type]
            training_invitations.c.attended.is_distinct_from(attended),
        )
        .values(attended=attended, marked_by=marked_by, marked_at=now)
    )
    return bool(result.rowcount)


async def attended_person_ids(
    conn: AsyncConnection, person_ids: Iterable[int], school_year: int
) -> set[int]:
    """Those of `person_ids` who attended a (not cancelled) session of the school year."""
    query = (
        select(training_invitations.c.person_id)
        .join(training_sessions, training_sessions.c.id == training_invitations.c.session_id)
        .where(
            training_invitations.c.person_id.in_(sorted(set(person_ids))),
            training_invitations.c.attended.is_(True),
            training_sessions.c.school_year == school_year,
            training_sessions.c.status == "scheduled",
        )
    )
    return {int(p) for p in (await conn.execute(query)).scalars()}


async def declined_person_ids(
    conn: AsyncConnection, person_ids: Iterable[int], school_year: int
) -> set[int]:
    """Those of `person_ids` who declined a session of the school year."""
    query = (
        select(training_invitations.c.person_id)
        .join(training_sessions, training_sessions.c.id == training_invitations.c.session_id)
        .where(
            training_invitations.c.person_id.in_(sorted(set(person_ids))),
            training_invitations.c.answer == "no",
            training_sessions.c.school_year == school_year,
        )
    )
    return {int(p) for p in (await conn.execute(query)).scalars()}


async def set_notices_active(
    conn: AsyncConnection, session_id: int, person_id: int, active: bool, now: datetime
) -> int:
    """Withdraw (active False) the person's pending reminders and attendance check of the
    session, or bring back (True) those withdrawn that are still ahead: a changed answer."""
    keys = [f"training:{session_id}:remind:%", f"training:{session_id}:start:%"]
    mine = and_(
        outbox.c.person_id == person_id,
        or_(*(outbox.c.dedupe_key.like(k) for k in keys)),
    )
    if active:
        query = update(outbox).where(mine, outbox.c.status == "cancelled", outbox.c.due_at > now)
    else:
        query = update(outbox).where(mine, outbox.c.status == "pending")
    result = await conn.execute(query.values(status="pending" if active else "cancelled"))
    return int(result.rowcount)
