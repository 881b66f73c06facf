"""Answering a whole questionnaire the way a person does: tap buttons, type text.

Works for the in-process chat client (tests/chat.py) and for sandbox users alike. The
current question is read from the response state in the database, so a plan can name
answers by question code; anything the plan leaves out gets a sensible default.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select

from storage.db import Database
from storage.schema import people, responses
from surveys.definitions import Registry, load_definitions
from surveys.schema import Question

SUBMIT = "Отправить ✅"
DONE = "Готово ✔"
SKIP = "Пропустить ▶"

_registry: Registry | None = None
FIRST_BUTTON = object()  # "whichever option is offered first"


def registry() -> Registry:
    global _registry
    if _registry is None:
        _registry = load_definitions()
    return _registry


NAVIGATION = {
    SUBMIT,
    DONE,
    SKIP,
    "◀ Назад",
    "◀ К ответам",
    "Оставить ответ ▶",
    "↩ Убрать последнего",
}


class Respondent(Protocol):
    async def buttons(self) -> list[str]: ...
    async def tap(self, label: str) -> None: ...
    async def type(self, text: str) -> None: ...


async def current_cursor(db: Database, telegram_id: int) -> tuple[str, str, int] | None:
    """(survey code, cursor, version) of the person's questionnaire in progress."""
    query = (
        select(responses.c.state)
        .select_from(responses.join(people, people.c.id == responses.c.person_id))
        .where(people.c.telegram_id == telegram_id, responses.c.status == "in_progress")
    )
    async with db.connect() as conn:
        raw = (await conn.execute(query)).scalar_one_or_none()
    if raw is None:
        return None
    state = json.loads(raw)
    return state["survey"], state["cursor"], state["version"]


def default_answer(q: Question) -> Any:
    if not q.required:
        return SKIP
    if q.type in ("single", "multi", "dynamic"):
        return FIRST_BUTTON
    if q.type == "scale":
        return str(q.max or 10)
    if q.type == "yesno":
        return "Да"
    if q.type == "number":
        return str(q.min if q.min is not None else 1)
    if q.type == "date":
        low, high = q.min_age or 18, q.max_age or 60
        return f"01.01.{date.today().year - (low + high) // 2 - 1}"
    return "Ответ"


async def answer_survey(
    who: Respondent,
    db: Database,
    telegram_id: int,
    plan: dict[str, Any] | None = None,
    *,
    submit: bool = True,
    limit: int = 80,
    definitions: Registry | None = None,
) -> list[str]:
    """Answer until the questionnaire is submitted (or reaches the summary); the codes asked."""
    plan = plan or {}
    asked: list[str] = []
    for _ in range(limit):
        where = await current_cursor(db, telegram_id)
        if where is None:
            return asked
        code, cursor, version = where
        if cursor == "summary":
            if not submit:
                return asked
            await who.tap(SUBMIT)
            continue
        question = (definitions or registry()).get(code, version).question(cursor)
        if asked[-2:] == [cursor, cursor]:
            raise AssertionError(f"{cursor!r} keeps being asked again: the answer is refused")
        asked.append(cursor)
        value = plan.get(cursor) or default_answer(question)
        if value is FIRST_BUTTON:
            options = [b for b in await who.buttons() if b not in NAVIGATION]
            value = (
                [options[0]]
                if question.type == "multi" or (question.type == "dynamic" and question.multiple)
                else options[0]
            )
        if isinstance(value, list):
            for label in value:
                await who.tap(label)
            await who.tap(DONE)
        elif (
            question.type in ("single", "multi", "scale", "yesno", "dynamic", "ranking")
            or value == SKIP
        ):
            await who.tap(value)
        else:
            await who.type(value)
    raise AssertionError(f"the questionnaire did not end; asked {asked}")
