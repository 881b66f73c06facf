"""Ready-made organisations, invites, people and pairs for tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from mentoring.people.invites import create_invite
from mentoring.people.organisations import create_organisation
from storage import invites as invite_store
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.schema import people
from tests.chat import ChatUser
from tests.survey_driver import answer_survey


async def make_school(db: Database, name: str = "МБОУ СОШ № 1") -> int:
    organisation = await create_organisation(
        db,
        name=name,
        kind="school",
        municipality="г. Тула",
        region="Тульская область",
        timezone="Europe/Moscow",
    )
    return organisation.id


async def make_invite(
    db: Database,
    organisation_id: int,
    role: str = "mentee",
    *,
    max_uses: int | None = None,
    expires_days: int | None = None,
) -> str:
    created = await create_invite(
        db,
        organisation_id=organisation_id,
        role=role,
        max_uses=max_uses,
        expires_days=expires_days,
        now=datetime.now(UTC),
    )
    return created.code


async def expire_invite(db: Database, code: str) -> None:
    from sqlalchemy import update

    from storage.schema import invites

    async with db.begin() as conn:
        await conn.execute(
            update(invites)
            .where(invites.c.code == code)
            .values(expires_at=datetime.now(UTC) - timedelta(days=1))
        )
    async with db.connect() as conn:
        assert (await invite_store.get_by_code(conn, code)) is not None


async def make_member(db: Database, telegram_id: int, name: str, org: int, role: str) -> int:
    """An active person with a name and one membership, straight into storage."""
    async with db.begin() as conn:
        person_id = await people_store.create(
            conn, telegram_id=telegram_id, locale="ru", username=None, status="active"
        )
        await people_store.set_name(conn, person_id, name, "active")
        await people_store.add_membership(conn, person_id, org, role)
    return person_id


async def make_approved_pair(db: Database, org: int, mentor_id: int, mentee_id: int) -> int:
    """A pair approved today (закрепление пар), with a fit."""
    async with db.begin() as conn:
        return await pair_store.create_pair(
            conn,
            organisation_id=org,
            mentor_id=mentor_id,
            mentee_ids=[mentee_id],
            form="student_student",
            order_number="1",
            order_date=date.today(),
            approved_by=None,
            fit_flag=True,
            now=datetime.now(UTC),
        )


async def register_student_mentee(db: Database, user: ChatUser, school: int, name: str) -> int:
    """A mentee registered in the chat as a user would: invite, consent, name, intake survey."""
    invite = await make_invite(db, school, "mentee")
    await user.press((await user.send(f"/start {invite}"))[-1], "Даю согласие")
    await user.send(name)
    await answer_survey(user, db, user.user.id, {"position": "Студент колледжа или вуза"})
    async with db.connect() as conn:
        found = await conn.execute(select(people.c.id).where(people.c.telegram_id == user.user.id))
    return int(found.scalar_one())
