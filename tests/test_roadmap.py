"""Roadmap import, list, done with rights, and /roadmap in chat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from bot.callbacks import RoadmapDoneCallback
from mentoring.people.organisations import create_organisation
from mentoring.roadmap import service as roadmap
from storage import people as people_store
from storage import roadmap as roadmap_store
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_invite, make_member, make_school
from tests.test_curator_surveys import register

NewUser = Callable[..., ChatUser]


async def test_import_is_idempotent_and_done_needs_rights(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    other = await make_school(db, "МБОУ СОШ № 2")
    n = len(roadmap.load_template())
    assert await roadmap.import_roadmap(db, [school, other], 2026) == 2 * n
    assert await roadmap.import_roadmap(db, [school], 2026) == 0
    assert await roadmap.organisations_of_municipality(db, "г. Тула") == [school, other]
    items = await roadmap.items_of(db, school)
    assert len(items) == n and not any(i.done for i in items)
    foreign = (await roadmap.items_of(db, other))[0]
    assert await roadmap.mark_done(db, foreign.id, None, datetime.now(UTC)) == "forbidden"
    done = await roadmap.mark_done(db, items[0].id, None, datetime.now(UTC), check_rights=False)
    assert done == "done"
    assert (await roadmap.items_of(db, school))[0].done


async def test_curator_sees_due_items_and_marks_one_done(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    other = await make_school(db, "МБОУ СОШ № 2")
    today = datetime.now(UTC).date()
    async with db.begin() as conn:
        for org in (school, other):
            await roadmap_store.add_items(
                conn,
                org,
                2026,
                [
                    roadmap_store.NewItem(
                        "late",
                        "Мониторинг",
                        "Monitoring",
                        "m",
                        today - timedelta(days=3),
                        "curator",
                    ),
                    roadmap_store.NewItem(
                        "soon", "Отчёт", "Report", "r", today + timedelta(days=10), "curator"
                    ),
                    roadmap_store.NewItem(
                        "far", "Итоги", "Final", "c", today + timedelta(days=90), "curator"
                    ),
                ],
            )
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    replies = await curator.send("/roadmap")
    text = replies[-1].text or ""
    assert "Просрочено" in text and "Мониторинг" in text and "Отчёт" in text
    assert "Итоги" not in text
    assert "(куратор)" in text and "curator" not in text  # who is responsible, in words
    await curator.press(replies[-1], "✓ Мониторинг")
    [late, *_] = await roadmap.items_of(db, school)
    assert late.done
    # a forged button for another school's item is refused on the server
    foreign = (await roadmap.items_of(db, other))[0]
    await curator.press_data(replies[-1], RoadmapDoneCallback(item=foreign.id).pack())
    assert not (await roadmap.items_of(db, other))[0].done
    assert any("недоступен" in str(a.get("text")) for a in curator.callback_answers())
    again = await curator.send("/roadmap")
    assert "Мониторинг" not in (again[-1].text or "")


async def test_mentee_is_refused(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    mentee = new_user("Анна")
    await register(mentee, await make_invite(db, school, "mentee"), "Аннова Анна")
    assert "куратору" in ((await mentee.send("/roadmap"))[-1].text or "")


async def test_overdue_is_by_the_schools_own_calendar(db: Database) -> None:
    # 20:00 UTC on 1 March is already 2 March in Vladivostok: an item due on 1 March is
    # overdue there, and still due today in Kaliningrad.
    now = datetime(2027, 3, 1, 20, 0, tzinfo=UTC)
    views: dict[str, roadmap.CuratorView] = {}
    for zone in ("Asia/Vladivostok", "Europe/Kaliningrad"):
        org = await create_organisation(
            db, name=zone, kind="school", municipality="", region="", timezone=zone
        )
        async with db.begin() as conn:
            item = roadmap_store.NewItem("q", "Отчёт", "Report", "r", date(2027, 3, 1), "curator")
            await roadmap_store.add_items(conn, org.id, 2026, [item])
        curator = await make_member(db, 9100 + len(views), "Кураторова Ия", org.id, "curator")
        async with db.connect() as conn:
            person = await people_store.get(conn, curator)
        [view] = await roadmap.curator_view(db, person, now)
        views[zone] = view
    assert [i.code for i in views["Asia/Vladivostok"].overdue] == ["q"]
    assert views["Europe/Kaliningrad"].overdue == [] and views["Europe/Kaliningrad"].upcoming
