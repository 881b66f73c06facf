"""The real process: a webinar's invitation, «Приду», the 1-hour reminder on time, the
attendance check at the start, then the mentors' status, the digest line and the roadmap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from i18n import load_translator
from mentoring.people.organisations import create_organisation
from mentoring.roadmap import digests
from mentoring.roadmap.service import import_roadmap, items_of
from mentoring.stats.periods import school_year_of
from mentoring.training import answers, service
from mentoring.training.status import is_trained
from sandbox import SandboxClient, SandboxServer
from storage import organisations as org_store
from storage import people as people_store
from storage.db import Database
from storage.migrate import upgrade
from tests.factories import make_member
from tests.pg import database_url
from tests.process import BotProcess
from tests.test_e2e_surveys import daytime_zone

pytestmark = pytest.mark.e2e

WEBINAR = "Вебинар: ресурсы наставника"
PRACTICE = "Практикум по обратной связи"


def draft(title: str, local_start: datetime) -> service.Draft:
    return service.Draft(
        title=title,
        day=local_start.date(),
        at=local_start.time(),  # to the second: the reminder is due within the test
        audience="mentors",
        link="https://vebinar.example/room",
    )


async def test_invitation_answer_reminder_attendance_and_status(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    translator = load_translator()
    zone = daytime_zone()
    org = await create_organisation(
        db, name="Школа № 9", kind="school", municipality="г.", region="р.", timezone=zone
    )
    bot = BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": "123456:E2E-TRAINING",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": db_url,
        },
    )
    async with SandboxClient(sandbox.base_url) as sb:
        users = {
            "mentor": await sb.create_user("Ольга"),
            "mentor2": await sb.create_user("Иван"),
            "curator": await sb.create_user("Елена"),
        }
        for user in users.values():
            await user.send("/start")
        names = {
            "mentor": "Смирнова Ольга",
            "mentor2": "Петров Иван",
            "curator": "Кураторова Елена",
        }
        ids = {
            key: await make_member(db, u.id, names[key], org.id, key.rstrip("2"))
            for key, u in users.items()
        }
        now = datetime.now(UTC).replace(microsecond=0)
        await import_roadmap(db, [org.id], school_year_of(now.astimezone(ZoneInfo(zone)).date()))
        async with db.connect() as conn:
            curator = await people_store.get(conn, ids["curator"])
        webinar_start = now + timedelta(hours=1, seconds=25)  # its 1 h reminder: in 25 s
        practice_start = now + timedelta(seconds=50)  # its attendance check: in 50 s
        local = ZoneInfo(zone)
        for title, start in ((WEBINAR, webinar_start), (PRACTICE, practice_start)):
            result = await service.schedule(
                db, translator, curator, draft(title, start.astimezone(local)), now
            )
            assert result.status == "ok" and result.invited == 2
        webinar_id = (await service.schedule_of(db, curator, now))[-1].id
        try:
            await bot.start()
            mentor, mentor2 = users["mentor"], users["mentor2"]
            for user in (mentor, mentor2):
                await user.wait_for_message(lambda m: "/help" in (m.text or ""), timeout=15)
            invitation = await mentor.wait_for_message(
                lambda m: WEBINAR in (m.text or ""), timeout=15
            )
            press = await mentor.press(invitation, "Приду")
            assert "вы придёте" in ((await mentor.wait_for_answer(press)).text or "")
            again = await mentor.wait_for_answer(await mentor.press(invitation, "Приду"))
            assert again.show_alert and "уже сохранён" in (again.text or ""), "a double tap"
            declined = await mentor2.wait_for_message(
                lambda m: WEBINAR in (m.text or ""), timeout=15
            )
            await mentor2.wait_for_answer(await mentor2.press(declined, "Не смогу"))
            forged = await mentor2.forged_press(declined, f"trn:yes:{webinar_id + 99}")
            assert (await mentor2.wait_for_answer(forged)).show_alert, "a forged button"

            reminder = await mentor.wait_for_message(
                lambda m: "через час" in (m.text or "") and WEBINAR in (m.text or ""), timeout=40
            )
            arrived = datetime.now(UTC)
            due = webinar_start - timedelta(hours=1)
            assert due <= arrived < due + timedelta(seconds=10), "on time"
            assert webinar_start.astimezone(local).strftime("%H:%M") in (reminder.text or "")

            check = await mentor.wait_for_message(
                lambda m: PRACTICE in (m.text or "") and "начинается" in (m.text or ""), timeout=60
            )
            assert datetime.now(UTC) >= practice_start
            confirmed = await mentor.wait_for_answer(await mentor.press(check, "Отметить участие"))
            assert "Участие отмечено" in (confirmed.text or "")
            assert not [
                m for m in await mentor2.chat(files=False) if "через час" in (m.text or "")
            ], "no reminder for the one who declined"
        finally:
            bot.stop()
        year = school_year_of(now.astimezone(local).date())
        async with db.connect() as conn:
            assert await is_trained(conn, ids["mentor"], year)
            assert not await is_trained(conn, ids["mentor2"], year)
            organisation = await org_store.get(conn, org.id)
            assert organisation is not None
            facts = await digests.collect(conn, organisation, datetime.now(UTC))
        text = digests.render(facts, organisation, now.date(), translator.bind("ru"))
        assert "Не прошли обучение: 1 из 2 наставников (отказались от приглашения: 1)" in text
        practice_id = (await service.schedule_of(db, curator, now))[0].id
        later = datetime.now(UTC) + timedelta(minutes=1)
        marked = await answers.mark(db, curator, practice_id, ids["mentor2"], True, later)
        assert marked.trained_organisations == (org.id,)
        done = [i.code for i in await items_of(db, org.id) if i.done]
        assert {"training_september", "training_april"} & set(done)
        await db.close()
