"""A slow network to Telegram must not trip a quick respondent: a press is answered only once
its screen is shown, so the next tap always meets the new keyboard.

This was the cause of the rare failure of test_e2e_pairs under a loaded machine: the press was
answered before the old keyboard was removed, and the driver tapped the old one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from mentoring.people.organisations import create_organisation
from sandbox import SandboxClient, SandboxServer
from storage.db import Database
from storage.migrate import upgrade
from storage.schema import people, responses
from tests.factories import make_invite
from tests.pg import database_url
from tests.process import BotProcess
from tests.sandbox_respondent import SandboxRespondent
from tests.survey_driver import answer_survey
from tests.test_e2e_surveys import _register, daytime_zone

pytestmark = pytest.mark.e2e

SLOW = 0.4  # seconds per edit: far more than the driver needs to look for the next button


async def test_intake_answered_quickly_over_slow_edits(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    org = await create_organisation(
        db, name="Школа № 9", kind="school", municipality="", region="", timezone=daytime_zone()
    )
    code = await make_invite(db, org.id, "mentor")
    bot = BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": "123456:E2E-SLOW",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": db_url,
        },
    )
    try:
        await bot.start()
        async with SandboxClient(sandbox.base_url) as sb:
            await sb.set_latency("editMessageReplyMarkup", SLOW)
            await sb.set_latency("editMessageText", SLOW)
            olga = await sb.create_user("Ольга")
            await _register(olga, code, "Смирнова Ольга")
            asked = await answer_survey(
                SandboxRespondent(olga, timeout=20),
                db,
                olga.id,
                {"position": "Студент колледжа или вуза", "capacity": "2"},
            )
        assert len(asked) >= 5
        async with db.connect() as conn:
            statuses = (
                await conn.execute(
                    select(responses.c.status)
                    .select_from(responses.join(people, people.c.id == responses.c.person_id))
                    .where(people.c.telegram_id == olga.id)
                )
            ).scalars()
            assert list(statuses) == ["submitted"]
    finally:
        bot.stop()
        await db.close()
