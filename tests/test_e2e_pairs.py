"""The real process end to end: a cohort answers intake and preference questionnaires, the
curator proposes pairs, moves a mentee, approves them by order, and both sides are told."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from i18n import load_translator
from mentoring.pairs import service as pairs
from mentoring.people.organisations import create_organisation
from mentoring.questionnaires.waves import record_group_meeting
from sandbox import SandboxClient, SandboxServer, SandboxUser
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.migrate import upgrade
from surveys.definitions import load_definitions
from tests.factories import make_invite
from tests.pg import database_url
from tests.process import BotProcess
from tests.sandbox_respondent import SandboxRespondent
from tests.survey_driver import answer_survey
from tests.test_e2e_surveys import daytime_zone

pytestmark = pytest.mark.e2e

STUDENT = "Студент колледжа или вуза"
WAIT = 20


async def register(user: SandboxUser, code: str, name: str) -> None:
    await user.send(f"/start {code}")
    consent = await user.wait_for_message(
        lambda m: "Даю согласие" in m.button_texts(), timeout=WAIT
    )
    await user.press(consent, "Даю согласие")
    await user.wait_for_message(lambda m: "Как вас зовут" in (m.text or ""), timeout=WAIT)
    await user.send(name)
    await user.wait_for_message(timeout=WAIT)


async def person_id(db: Database, user: SandboxUser) -> int:
    async with db.connect() as conn:
        person = await people_store.get_by_telegram_id(conn, user.id)
    assert person is not None
    return person.id


async def test_cohort_to_approved_pairs_through_the_real_bot(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    org = await create_organisation(
        db, name="Колледж № 3", kind="school", municipality="", region="", timezone=daytime_zone()
    )
    curator_code = await make_invite(db, org.id, "curator")
    mentor_code = await make_invite(db, org.id, "mentor", max_uses=5)
    mentee_code = await make_invite(db, org.id, "mentee", max_uses=5)
    year = date.today().year
    bot = BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": "123456:E2E-PAIRS",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": db_url,
        },
    )
    try:
        await bot.start()
        async with SandboxClient(sandbox.base_url) as sb:
            curator = await sb.create_user("Елена")
            await register(curator, curator_code, "Кураторова Елена")
            people: dict[str, SandboxUser] = {}
            for key, code, name, plan in (
                (
                    "olga",
                    mentor_code,
                    "Смирнова Ольга",
                    {"capacity": "2", "birth_date": f"01.01.{year - 30}"},
                ),
                (
                    "ivan",
                    mentor_code,
                    "Иванов Иван",
                    {"capacity": "2", "birth_date": f"01.01.{year - 29}"},
                ),
                ("anna", mentee_code, "Аннова Анна", {"birth_date": f"01.01.{year - 21}"}),
                ("boris", mentee_code, "Борисов Борис", {"birth_date": f"01.01.{year - 20}"}),
            ):
                people[key] = await sb.create_user(name.split()[1])
                await register(people[key], code, name)
                await answer_survey(
                    SandboxRespondent(people[key]), db, people[key].id, {"position": STUDENT} | plan
                )
            kid = await sb.create_user("Коля")
            await register(kid, mentee_code, "Колин Коля")
            await answer_survey(
                SandboxRespondent(kid),
                db,
                kid.id,
                {
                    "position": "Школьник",
                    "school_class": "7 класс",
                    "birth_date": f"01.01.{year - 14}",
                },
            )

            # the group meeting (общая встреча); the running bot sends the preference invitations
            attendees = [await person_id(db, people[k]) for k in ("olga", "ivan", "anna", "boris")]
            await record_group_meeting(
                db,
                load_translator(),
                load_definitions(),
                organisation_id=org.id,
                held_on=date.today(),
                attendee_ids=attendees,
                actor_person_id=None,
                now=datetime.now(UTC),
            )
            for user in people.values():
                invitation = await user.wait_for_message(
                    lambda m: "Начать" in m.button_texts(), timeout=WAIT
                )
                await user.press(invitation, "Начать")
                await answer_survey(SandboxRespondent(user), db, user.id, {})

            desk = SandboxRespondent(curator, timeout=WAIT)
            await curator.send("/pairs")
            await desk.tap("Предложить пары")
            proposal = await curator.wait_for_message(
                lambda m: "Предложение пар" in (m.text or ""), timeout=WAIT
            )
            assert "Колин Коля — нет согласия родителя" in (proposal.text or "")
            view = await pairs.view(db, org.id, date.today())
            assert view is not None
            placed = {m.name: g.name for g in view.groups for m in g.members}
            assert set(placed) == {"Аннова Анна", "Борисов Борис"}
            other = "Иванов Иван" if placed["Аннова Анна"] == "Смирнова Ольга" else "Смирнова Ольга"

            await desk.tap("✏️ Изменить")
            await desk.tap("Аннова Анна")
            await desk.tap(other)
            await curator.wait_for_message(
                lambda m: "Предложение пар" in (m.text or ""), timeout=WAIT
            )
            await desk.tap("✅ Утвердить все")
            await curator.wait_for_message(
                lambda m: "Номер приказа" in (m.text or ""), timeout=WAIT
            )
            await curator.send("№ 7-о")
            await curator.wait_for_message(lambda m: "ДД.ММ.ГГГГ" in (m.text or ""), timeout=WAIT)
            await curator.send("01.10.2026")
            done = await curator.wait_for_message(
                lambda m: "Пары утверждены" in (m.text or ""), timeout=WAIT
            )
            assert "№ 7-о от 01.10.2026" in (done.text or "")

            for key, user in people.items():
                notice = await user.wait_for_message(
                    lambda m: "Пара утверждена" in (m.text or ""), timeout=WAIT
                )
                if key == "anna":
                    assert other in (notice.text or ""), "Anna went to the mentor she was moved to"
        async with db.connect() as conn:
            paired = {m for p in await pair_store.active_pairs(conn, org.id) for m in p.mentee_ids}
        assert await person_id(db, kid) not in paired and len(paired) == 2
    finally:
        bot.stop()
        await db.close()
