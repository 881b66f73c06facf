"""A new version of a questionnaire leaves old responses readable, resumable and countable."""

from __future__ import annotations

import itertools

from aiogram import Bot
from aiogram.types import User
from sqlalchemy import func, select

from bot.factory import build_dispatcher
from bot.settings import Settings
from i18n import Translator
from storage.db import Database
from storage.schema import responses
from surveys.definitions import Registry, load_definitions
from surveys.schema import Question, Text
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.recording import RecordingSession
from tests.survey_driver import answer_survey

_ids = itertools.count(7001)


def with_version_2(base: Registry) -> Registry:
    registry = Registry()
    for defn in base:
        registry.add(defn)
    v1 = base.get("intake_mentor")
    extra = Question(
        code="hobby_v2",
        type="short_text",
        required=True,
        max_length=100,
        text=Text(ru="Ваше хобби?", en="Your hobby?"),
    )
    registry.add(v1.model_copy(update={"version": 2, "questions": [*v1.questions, extra]}))
    return registry


async def test_old_version_response_continues_and_counts(
    db: Database, settings: Settings, translator: Translator
) -> None:
    code = await make_invite(db, await make_school(db), "mentor", max_uses=5)
    v1_registry = load_definitions()
    bot = Bot("42:TEST", session=RecordingSession())

    def user(dp_registry: Registry) -> ChatUser:
        dp = build_dispatcher(settings, db, translator, dp_registry)
        return ChatUser(
            dp, bot, User(id=next(_ids), is_bot=False, first_name="M", language_code="ru")
        )

    early = user(v1_registry)
    await early.press((await early.send(f"/start {code}"))[-1], "Даю согласие")
    await early.send("Ранний Наставник")
    await early.tap("Педагог")  # in progress on version 1

    v2_registry = with_version_2(v1_registry)
    early_after_deploy = ChatUser(
        build_dispatcher(settings, db, translator, v2_registry), bot, early.user
    )
    asked_v1 = await answer_survey(
        early_after_deploy, db, early.user.id, {"experience_years": "10", "capacity": "2"}
    )
    assert "hobby_v2" not in asked_v1, "a version-1 response keeps its own questions"

    late = ChatUser(
        build_dispatcher(settings, db, translator, v2_registry),
        bot,
        User(id=next(_ids), is_bot=False, first_name="L"),
    )
    await late.press((await late.send(f"/start {code}"))[-1], "Даю согласие")
    await late.send("Поздний Наставник")
    asked_v2 = await answer_survey(
        late,
        db,
        late.user.id,
        {"position": "Педагог", "experience_years": "3", "capacity": "1", "hobby_v2": "шахматы"},
        definitions=v2_registry,
    )
    assert "hobby_v2" in asked_v2

    async with db.connect() as conn:
        rows = (
            await conn.execute(
                select(responses.c.survey_version, func.count())
                .where(
                    responses.c.survey_code == "intake_mentor", responses.c.status == "submitted"
                )
                .group_by(responses.c.survey_version)
            )
        ).all()
    assert dict(rows) == {1: 1, 2: 1}, "both versions are submitted and countable"
    for version in (1, 2):
        assert v2_registry.get("intake_mentor", version).version == version, "each stays readable"
