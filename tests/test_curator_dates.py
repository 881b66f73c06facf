"""Dates a curator types: an impossible date is called that, the deadline example lies ahead,
and the group meeting's «not later than today» is today in the organisation's own timezone."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from mentoring.questionnaires.waves import organisation_today
from storage.db import Database
from storage.schema import organisations
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.survey_driver import answer_survey
from tests.test_curator_surveys import register

NewUser = Callable[..., ChatUser]


async def _set_timezone(db: Database, org: int, timezone: str) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(organisations).where(organisations.c.id == org).values(timezone=timezone)
        )


async def test_wave_deadline_example_is_ahead_and_impossible_date_is_named(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    await curator.send("/survey_wave")
    await curator.tap("Анкета наставляемого")
    match = re.search(r"например (\d\d\.\d\d\.\d{4})", curator.last().text)
    assert match, curator.last().text
    example = datetime.strptime(match.group(1), "%d.%m.%Y").date()
    assert example > datetime.now(UTC).date(), "a deadline example lies ahead"
    reply = (await curator.send("31.02.2030"))[-1].text
    assert "Такой даты нет" in reply and "ДД.ММ.ГГГГ" not in reply, reply


async def test_organisation_today_is_local() -> None:
    """09:00 in Vladivostok on 5 October is still 4 October in UTC."""
    now = datetime(2026, 10, 4, 23, 0, tzinfo=UTC)
    assert organisation_today("Asia/Vladivostok", now) == date(2026, 10, 5)
    assert organisation_today("Europe/Moscow", now) == date(2026, 10, 5)
    assert organisation_today("Europe/Kaliningrad", now) == date(2026, 10, 5)
    assert organisation_today("America/New_York", now) == date(2026, 10, 4)


async def test_group_meeting_date_is_checked_against_the_local_day(
    db: Database, new_user: NewUser
) -> None:
    # A timezone whose date differs from UTC's right now, whatever the hour the test runs.
    now = datetime.now(UTC)
    zone = "Pacific/Kiritimati" if now.hour >= 10 else "Etc/GMT+12"  # UTC+14 / UTC-12
    school = await make_school(db)
    await _set_timezone(db, school, zone)
    local_today = now.astimezone(ZoneInfo(zone)).date()
    assert local_today != now.date()
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    pupil = new_user("Петя")
    await register(pupil, await make_invite(db, school, "mentee"), "Петров Пётр")
    await answer_survey(pupil, db, pupil.user.id, {"position": "Студент колледжа или вуза"})

    await curator.send("/group_meeting")
    tomorrow = (local_today + timedelta(days=1)).strftime("%d.%m.%Y")
    assert "не позже сегодняшней" in (await curator.send(tomorrow))[-1].text
    reply = (await curator.send(local_today.strftime("%d.%m.%Y")))[-1].text
    assert "Отметьте, кто был на встрече" in reply, reply
