"""The coordinator's weekly digest: Mondays at 09:00 local, per organisation of his area."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from i18n import Translator
from mentoring.people import registration
from mentoring.people.invites import create_invite
from mentoring.roadmap.digests import plan_coordinator_digests
from mentoring.roadmap.service import import_roadmap
from storage.db import Database
from storage.schema import outbox
from tests.factories import make_school

SUNDAY = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
MONDAY_0900_MSK = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


async def test_area_coordinator_gets_the_weekly_digest_on_monday(
    db: Database, translator: Translator
) -> None:
    tula = await make_school(db, "Гимназия № 1")  # г. Тула
    await import_roadmap(db, [tula], 2026)  # items overdue by November
    invite = await create_invite(
        db,
        organisation_id=None,
        role="coordinator",
        max_uses=1,
        expires_days=None,
        now=SUNDAY,
        municipality="г. Тула",
    )
    outcome = await registration.grant_consent(
        db,
        telegram_id=9200,
        username=None,
        locale="ru",
        invite_code=invite.code,
        as_admin=False,
        text_version="v",
        now=SUNDAY,
    )
    assert outcome.person_id is not None
    await registration.complete_registration(db, outcome.person_id, "Координаторова Ирина")

    assert await plan_coordinator_digests(db, translator, SUNDAY) == 0, "not on Sunday"
    assert (
        await plan_coordinator_digests(db, translator, MONDAY_0900_MSK - timedelta(minutes=1)) == 0
    )
    assert await plan_coordinator_digests(db, translator, MONDAY_0900_MSK) == 1
    assert (
        await plan_coordinator_digests(db, translator, MONDAY_0900_MSK + timedelta(hours=1)) == 0
    ), "once"
    async with db.connect() as conn:
        chat_id, payload = (await conn.execute(select(outbox.c.chat_id, outbox.c.payload))).one()
    assert chat_id == 9200 and "Гимназия № 1" in payload["text"]
