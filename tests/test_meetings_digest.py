"""The curator's 09:00 digest: sent once a day when there is something to say."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from i18n import Translator
from mentoring.roadmap.digests import plan_digests
from storage.db import Database
from tests.chat import ChatUser
from tests.test_meetings import rows, setup_pair

NewUser = Callable[..., ChatUser]


async def test_digest_once_per_day_from_nine(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    s = await setup_pair(db, new_user, "Asia/Vladivostok")
    curator = s.curator
    day = date.today() + timedelta(days=1)
    zone = ZoneInfo("Asia/Vladivostok")
    before_nine = datetime.combine(day, time(8, 30), zone).astimezone(UTC)
    assert await plan_digests(db, translator, before_nine) == 0
    at_nine = before_nine + timedelta(minutes=30)
    assert await plan_digests(db, translator, at_nine) == 1
    assert await plan_digests(db, translator, at_nine + timedelta(hours=3)) == 0
    [(chat, _, key, payload)] = await rows(db, "curator_digest")
    assert chat == curator.user.id and key.endswith(day.isoformat())
    # the pair was approved today and has not met: not idle yet; the stranger has no pair
    assert "без пары: Чужов Пётр" in payload["text"]
    assert "больше 30 дней" not in payload["text"]
    later = at_nine + timedelta(days=40)
    assert await plan_digests(db, translator, later) == 1
    texts = [p["text"] for _, _, _, p in await rows(db, "curator_digest")]
    assert "больше 30 дней: Смирнова Ольга" in texts[-1]
