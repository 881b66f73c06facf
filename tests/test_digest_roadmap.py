"""The curator's digest lists roadmap items that are overdue or due within 14 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from i18n import Translator
from mentoring.people import registration
from mentoring.roadmap.digests import collect, plan_digests, render
from mentoring.roadmap.service import import_roadmap, items_of
from storage import organisations as org_store
from storage.db import Database
from tests.factories import make_invite, make_school

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)  # 10:00 in Moscow


async def test_digest_lists_due_and_overdue_roadmap_items(
    db: Database, translator: Translator
) -> None:
    school = await make_school(db)
    await import_roadmap(db, [school], 2026)
    items = await items_of(db, school)
    horizon = NOW.date() + timedelta(days=14)
    expected = {i.id for i in items if i.due_on <= horizon}
    assert expected and len(expected) < len(items), "the fixture has items on both sides"
    async with db.connect() as conn:
        organisation = await org_store.get(conn, school)
        assert organisation is not None
        facts = await collect(conn, organisation, NOW)
    assert {i.id for i in facts.roadmap} == expected
    text = render(facts, organisation, NOW.date(), translator.bind("ru"), "ru")
    assert "Дорожная карта:" in text and "(просрочено)" in text


async def test_weekly_digest_goes_out_on_mondays_only(db: Database, translator: Translator) -> None:
    school = await make_school(db)
    await import_roadmap(db, [school], 2026)
    outcome = await registration.grant_consent(
        db,
        telegram_id=9100,
        username=None,
        locale="ru",
        invite_code=await make_invite(db, school, "curator"),
        as_admin=False,
        text_version="v",
        now=NOW,
    )
    assert outcome.person_id is not None
    await registration.complete_registration(db, outcome.person_id, "Кураторова Елена")
    sunday, monday = NOW, NOW + timedelta(days=1)  # 22.11.2026 is a Sunday
    assert await plan_digests(db, translator, sunday, weekly=True) == 0
    assert await plan_digests(db, translator, monday, weekly=True) == 1
    assert await plan_digests(db, translator, sunday, weekly=False) == 1, "daily: every day"
