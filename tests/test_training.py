"""Training sessions: scheduling rules, answers, reminders, attendance and the roadmap."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from i18n import Translator
from mentoring.roadmap.service import import_roadmap, items_of
from mentoring.training import answers, rules
from mentoring.training.planning import plan_training
from mentoring.training.status import is_trained, mentors_training
from storage.db import Database
from storage.training import Material
from tests.outbox_payloads import buttons
from tests.training_world import make_training_school, rows

NOW = datetime(2026, 9, 15, 9, 0, tzinfo=UTC)  # 12:00 in Moscow, a day before
DAY = date(2026, 9, 16)  # the session: 16 September, 15:00 Moscow = 12:00 UTC
START = datetime(2026, 9, 16, 12, 0, tzinfo=UTC)


def test_where_takes_http_links_and_places_only() -> None:
    assert rules.parse_where("https://x.ru/room").link == "https://x.ru/room"  # type: ignore[union-attr]
    assert rules.parse_where("Актовый зал, каб. 12").place == "Актовый зал, каб. 12"  # type: ignore[union-attr]
    assert rules.parse_where("javascript:alert(1)") is None
    assert rules.parse_where("ftp://files.example/x") is None
    assert rules.parse_where("x" * (rules.PLACE_MAX + 1)) is None
    assert rules.parse_link("tg://resolve?domain=x") is None
    assert rules.parse_title("  Вебинар  ") == "Вебинар"
    assert rules.parse_title("я" * (rules.TITLE_MAX + 1)) is None


async def test_schedule_invites_the_audience_with_two_buttons(
    db: Database, translator: Translator
) -> None:
    school = await make_training_school(db)
    result = await school.schedule(db, translator, NOW, day=DAY)
    assert result.status == "ok" and result.invited == 2  # the two mentors, not the mentee
    invitations = await rows(db, "training_invitation")
    assert {r["person_id"] for r in invitations} == {school.ids["mentor"], school.ids["mentor2"]}
    payload = invitations[0]["payload"]
    assert (
        "16 сентября, 15:00" in payload["text"]
        and "https://vebinar.example/room" in payload["text"]
    )
    labels = [b["text"] for row in buttons(payload) for b in row]
    assert labels == ["Приду", "Не смогу"]


async def test_bad_drafts_are_refused(db: Database, translator: Translator) -> None:
    school = await make_training_school(db)
    past = await school.schedule(db, translator, NOW, day=date(2026, 9, 14), at=time(11, 0))
    assert past.status == "past"
    bad_link = await school.schedule(db, translator, NOW, day=DAY, link="javascript:alert(1)")
    assert bad_link.status == "bad_where"
    too_long = await school.schedule(db, translator, NOW, day=DAY, title="я" * 201)
    assert too_long.status == "bad_title"
    big = Material(file_id="F", file_name="big.pdf", file_size=rules.FILE_LIMIT_BYTES + 1)
    too_big = await school.schedule(db, translator, NOW, day=DAY, materials=(big,))
    assert too_big.status == "bad_material"
    mentor = await school.person(db, "mentor")
    from mentoring.training import service

    draft = service.Draft(title="x", day=DAY, at=time(15), audience="mentors", place="зал")
    assert (await service.schedule(db, translator, mentor, draft, NOW)).status == "no_organisations"
    assert await rows(db, "training_invitation") == []


async def test_answers_double_taps_forged_buttons_and_reminders(
    db: Database, translator: Translator
) -> None:
    school = await make_training_school(db)
    session_id = (await school.schedule(db, translator, NOW, day=DAY)).session_id
    assert session_id is not None
    mentor, mentor2 = await school.person(db, "mentor"), await school.person(db, "mentor2")
    mentee = await school.person(db, "mentee")
    assert await answers.answer(db, mentor, session_id, "yes", NOW) == "yes"
    assert await answers.answer(db, mentor, session_id, "yes", NOW) == "already"
    assert await answers.answer(db, mentor2, session_id, "no", NOW) == "no"
    assert await answers.answer(db, mentee, session_id, "yes", NOW) == "stale"  # not invited
    assert await answers.answer(db, mentor, session_id + 99, "yes", NOW) == "stale"
    assert await answers.answer(db, mentor, session_id, "maybe", NOW) == "stale"
    assert await answers.answer(db, mentor, session_id, "attended", NOW) == "not_started"

    assert await plan_training(db, translator, NOW) > 0
    assert await plan_training(db, translator, NOW) == 0, "a re-run adds nothing"
    reminders = await rows(db, "training_reminder")
    assert [(r["person_id"], r["due_at"].replace(tzinfo=UTC)) for r in reminders] == [
        (school.ids["mentor"], START - timedelta(hours=24)),
        (school.ids["mentor"], START - timedelta(hours=1)),
    ], "only the one who did not decline"
    assert "завтра" in reminders[0]["payload"]["text"]
    assert "через час" in reminders[1]["payload"]["text"]
    start = await rows(db, "training_start")
    assert [r["person_id"] for r in start] == [school.ids["mentor"]]
    assert [b["text"] for row in buttons(start[0]["payload"]) for b in row] == ["Отметить участие"]
    late = START + timedelta(minutes=5)
    assert await answers.answer(db, mentor2, session_id, "yes", late) == "started"


async def test_attendance_status_digest_counts_and_the_roadmap(
    db: Database, translator: Translator
) -> None:
    school = await make_training_school(db)
    await import_roadmap(db, [school.org], 2026)
    link = Material(url="https://materials.example/slides")
    file = Material(file_id="FILE1", file_name="Памятка.pdf", file_size=1000)
    session_id = (
        await school.schedule(db, translator, NOW, day=DAY, materials=(link, file))
    ).session_id
    assert session_id is not None
    curator = await school.person(db, "curator")
    mentor, mentor2 = await school.person(db, "mentor"), await school.person(db, "mentor2")
    await answers.answer(db, mentor2, session_id, "no", NOW)
    during = START + timedelta(minutes=10)
    assert (
        await answers.mark(db, mentor, session_id, school.ids["mentor2"], True, during)
    ).status == "forbidden"
    assert (
        await answers.mark(db, curator, session_id, school.ids["mentor"], True, NOW)
    ).status == "not_started"
    assert await answers.answer(db, mentor, session_id, "attended", during) == "attended"
    assert await answers.answer(db, mentor, session_id, "attended", during) == "already"
    async with db.connect() as conn:
        assert await is_trained(conn, school.ids["mentor"], 2026)
        assert not await is_trained(conn, school.ids["mentor2"], 2026)
        counts = await mentors_training(conn, school.org, 2026)
    assert (counts.mentors, counts.untrained, counts.declined) == (2, 1, 1)
    training_items = [i for i in await items_of(db, school.org) if i.code.startswith("training")]
    assert not any(i.done for i in training_items)

    marked = await answers.mark(db, curator, session_id, school.ids["mentor2"], True, during)
    assert marked.status == "marked" and marked.trained_organisations == (school.org,)
    again = await answers.mark(db, curator, session_id, school.ids["mentor2"], True, during)
    assert again.status == "unchanged"
    assert await answers.answer(db, mentor2, session_id, "attended", during) == "marked"
    done = [i.code for i in await items_of(db, school.org) if i.done and not i.skipped]
    assert "training_september" in done

    after = START + timedelta(hours=2)
    await plan_training(db, translator, after)
    materials = await rows(db, "training_materials")
    assert {r["person_id"] for r in materials} == {school.ids["mentor"], school.ids["mentor2"]}
    assert materials[0]["due_at"].replace(tzinfo=UTC) == START + timedelta(minutes=90)
    assert "https://materials.example/slides" in materials[0]["payload"]["text"]
    assert [b["text"] for row in buttons(materials[0]["payload"]) for b in row] == [
        "Файл: Памятка.pdf"
    ]
    assert (await answers.file_for(db, mentor, session_id, 0)) == file
    assert await answers.file_for(db, mentor, session_id, 1) is None


async def test_declining_withdraws_planned_reminders_and_yes_brings_them_back(
    db: Database, translator: Translator
) -> None:
    school = await make_training_school(db)
    session_id = (await school.schedule(db, translator, NOW, day=DAY)).session_id
    assert session_id is not None
    mentor = await school.person(db, "mentor")
    await plan_training(db, translator, NOW)
    mine = [r for r in await rows(db, "training_reminder") if r["person_id"] == mentor.id]
    assert {r["status"] for r in mine} == {"pending"}
    assert await answers.answer(db, mentor, session_id, "no", NOW) == "no"
    mine = [r for r in await rows(db, "training_reminder") if r["person_id"] == mentor.id]
    assert {r["status"] for r in mine} == {"cancelled"}
    assert await answers.answer(db, mentor, session_id, "yes", NOW) == "yes"
    mine = [r for r in await rows(db, "training_reminder") if r["person_id"] == mentor.id]
    assert {r["status"] for r in mine} == {"pending"}


async def test_a_coordinator_schedules_for_the_municipality(
    db: Database, translator: Translator
) -> None:
    from sqlalchemy import insert

    from mentoring.training import service
    from storage import people as people_store
    from storage.schema import coordinator_coverage
    from tests.factories import make_member, make_school

    school = await make_training_school(db)  # г. Тула
    other = await make_school(db, "МБОУ СОШ № 2")  # г. Тула too
    await make_member(db, 7100, "Вторая Мария", other, "mentor")
    coordinator_id = await make_member(db, 7101, "Координаторова Ирина", other, "coordinator")
    async with db.begin() as conn:
        await conn.execute(
            insert(coordinator_coverage).values(
                person_id=coordinator_id, municipality="г. Тула", region=None, created_at=NOW
            )
        )
        coordinator = await people_store.get(conn, coordinator_id)
    draft = service.Draft(
        title="Муниципальный вебинар",
        day=DAY,
        at=time(15),
        audience="mentors",
        link="https://x.ru/w",
    )
    result = await service.schedule(db, translator, coordinator, draft, NOW)
    assert result.session is not None and result.invited == 3
    assert set(result.session.organisation_ids) == {school.org, other}
    assert [s.title for s in await service.schedule_of(db, coordinator, NOW)] == [
        "Муниципальный вебинар"
    ]
    curator = await school.person(db, "curator")
    assert [s.title for s in await service.schedule_of(db, curator, NOW)] == [
        "Муниципальный вебинар"
    ]


def test_both_locales_define_the_same_training_keys() -> None:
    from pathlib import Path

    import yaml

    def keys(node: object, prefix: str = "") -> set[str]:
        if not isinstance(node, dict):
            return {prefix}
        return set().union(*(keys(v, f"{prefix}.{k}") for k, v in node.items()))

    root = Path(__file__).resolve().parents[1] / "i18n" / "locales"
    ru, en = (
        yaml.safe_load((root / loc / "training.yaml").read_text("utf-8")) for loc in ("ru", "en")
    )
    assert keys(ru) == keys(en)
