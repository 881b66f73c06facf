"""The real process end to end: a note from a third party. The curator asks; the mentee
refuses, so the request is refused and there is no link; he agrees, the curator gets the link,
the author writes the note in the chat through it; the mentor (permitted) and the curator read
it, another school's curator does not, and a used link gets a clear answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mentoring.people.organisations import create_organisation
from sandbox import SandboxClient, SandboxServer, SandboxUser
from sandbox.client_models import ChatMessage
from storage.db import Database
from storage.migrate import upgrade
from tests.factories import make_approved_pair, make_member
from tests.pg import database_url
from tests.process import BotProcess
from tests.test_e2e_surveys import daytime_zone
from tests.test_notes_service import audit_rows

pytestmark = pytest.mark.e2e

NOTE = "Аня стесняется отвечать у доски; нужна поддержка в алгебре."


def has(words: str):  # type: ignore[no-untyped-def]
    return lambda m: words in (m.text or "")


async def mentee_card(curator: SandboxUser, words: str) -> ChatMessage:
    """/notes → the mentee's card, which shows `words`."""
    await curator.send("/notes")
    listing = await curator.wait_for_message(has("Выберите наставляемого"), timeout=15)
    [button] = [b for b in listing.button_texts() if b.startswith("Аннова Анна")]
    await curator.press(listing, button)
    card = await curator.wait_for_message(has("записки о запросах"), timeout=15)
    assert words in (card.text or ""), card.text
    return card


async def test_consent_refused_then_given_link_note_and_who_reads_it(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    zone = daytime_zone()
    school = await create_organisation(
        db, name="Школа № 5", kind="school", municipality="г.", region="р.", timezone=zone
    )
    other = await create_organisation(
        db, name="Школа № 6", kind="school", municipality="г.", region="р.", timezone=zone
    )
    bot = BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": "123456:E2E-NOTES",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": db_url,
        },
    )
    try:
        async with SandboxClient(sandbox.base_url) as sb:
            users = {
                role: await sb.create_user(name)
                for role, name in (
                    ("curator", "Елена"), ("mentor", "Ольга"), ("mentee", "Аня"),
                    ("other_curator", "Вера"), ("author", "Учитель"),
                )
            }  # fmt: skip
            names = {
                "curator": ("Кураторова Елена", school.id),
                "mentor": ("Смирнова Ольга", school.id),
                "mentee": ("Аннова Анна", school.id),
                "other_curator": ("Чужая Вера", other.id),
            }
            ids = {
                role: await make_member(db, users[role].id, name, org, role.removeprefix("other_"))
                for role, (name, org) in names.items()
            }
            await make_approved_pair(db, school.id, ids["mentor"], ids["mentee"])
            await bot.start()
            curator, mentee, author = users["curator"], users["mentee"], users["author"]
            for user in (curator, mentee, users["mentor"], users["other_curator"]):
                await user.send("/start")  # a chat the bot may write to
                await user.wait_for_message(has("/help"), timeout=15)

            # the curator asks; the mentee refuses: the request is refused, no link
            card = await mentee_card(curator, "Записок пока нет")
            await curator.press(card, "Запросить: Классный руководитель")
            await curator.wait_for_message(has("Пока согласия нет"), timeout=15)
            question = await mentee.wait_for_message(has("классного руководителя"), timeout=15)
            assert question.button_texts() == ["Да, согласие даю", "Нет"]
            await mentee.press(question, "Нет")
            await mentee.wait_for_message(
                has("без согласия записку запрашивать не будут"), timeout=15
            )
            await curator.wait_for_message(has("Согласия нет"), timeout=15)
            card = await mentee_card(curator, "согласия нет — запрашивать нельзя")
            assert "?start=" not in (card.text or "")

            # he changes his mind: consent, and the mentor may read the note
            await mentee.press(question.message_id, "Да, согласие даю")
            mentor_question = await mentee.wait_for_message(has("наставник тоже"), timeout=15)
            await mentee.press(mentor_question, "Да, может")
            await mentee.wait_for_message(has("Наставник сможет прочитать"), timeout=15)
            await curator.wait_for_message(has("Согласие получено"), timeout=15)
            card = await mentee_card(curator, "согласие есть, ссылка для автора")
            found = re.search(r"\?start=(n_[A-Za-z0-9_-]+)", card.text or "")
            assert found, card.text
            code = found.group(1)

            # the author writes the note through the link, once
            await author.send(f"/start {code}")
            await author.wait_for_message(has("Аннова Анна"), timeout=15)
            await author.send(NOTE)
            await author.wait_for_message(has("Записка передана куратору"), timeout=15)
            await author.send(f"/start {code}")
            await author.wait_for_message(has("уже написана"), timeout=15)
            await curator.wait_for_message(has("Получена записка"), timeout=15)

            # who reads it
            await users["mentor"].send("/notes")
            seen = await users["mentor"].wait_for_message(has("ваших наставляемых"), timeout=15)
            assert NOTE in (seen.text or "")
            card = await mentee_card(curator, NOTE)
            assert "Классный руководитель" in (card.text or "")
            stranger = users["other_curator"]
            await stranger.send("/notes")
            answer = await stranger.wait_for_message(has("наставляемых"), timeout=15)
            assert "нет наставляемых" in (answer.text or "") and NOTE not in (answer.text or "")
            assert all(NOTE not in (m.text or "") for m in await stranger.chat(files=False))
        readers = {actor for actor, _, _ in await audit_rows(db, "note.read")}
        assert readers == {ids["curator"], ids["mentor"]}
        assert NOTE not in bot.log() and "Аннова" not in bot.log(), "no personal data in logs"
    finally:
        bot.stop()
        await db.close()
