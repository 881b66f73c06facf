"""/forget withdraws consent and leaves no personal data of the person in any table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select, text

from storage import outbox
from storage.db import Database
from storage.schema import audit_log, consents, people
from storage.schema import outbox as outbox_table
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.pg import table_names

NAME = "Кузнецова Мария Ивановна"
USERNAME = "usermasha"


async def _all_cells(db: Database) -> list[str]:
    cells: list[str] = []
    async with db.connect() as conn:
        tables = await table_names(conn)
        for table in list(tables):
            for row in (await conn.execute(text(f'SELECT * FROM "{table}"'))).all():
                cells.extend(str(value) for value in row if value is not None)
    return cells


async def test_forget_erases_personal_data_everywhere(
    db: Database, new_user: Callable[..., ChatUser]
) -> None:
    code = await make_invite(db, await make_school(db))
    masha = new_user("Masha")
    await masha.press((await masha.send(f"/start {code}"))[-1], "Даю согласие")
    await masha.send(NAME)
    async with db.begin() as conn:
        person_id = (await conn.execute(select(people.c.id))).scalar_one()
        await outbox.enqueue(
            conn,
            person_id=person_id,
            chat_id=masha.user.id,
            kind="test",
            payload={"text": f"{NAME}, привет"},
            due_at=datetime.now(UTC),
            dedupe_key="forget-test",
        )
    cells = await _all_cells(db)
    assert NAME in cells and USERNAME in cells and str(masha.user.id) in cells

    confirm = (await masha.send("/forget"))[-1]
    await masha.press(confirm, "Да, удалить мои данные")
    assert "Ваши данные удалены" in masha.session.sent[(confirm.chat.id, confirm.message_id)].text

    cells = await _all_cells(db)
    assert NAME not in " ".join(cells)
    assert USERNAME not in " ".join(cells)
    assert str(masha.user.id) not in cells, "the Telegram id is personal data too"
    async with db.connect() as conn:
        person = (await conn.execute(select(people))).mappings().one()
        consent = (await conn.execute(select(consents))).mappings().one()
        actions = (await conn.execute(select(audit_log.c.action, audit_log.c.details))).all()
    assert person["status"] == "forgotten" and person["full_name"] is None
    assert consent["withdrawn_at"] is not None
    assert ("person.forgotten", None) in actions
    async with db.connect() as conn:
        assert (await conn.execute(select(outbox_table.c.status))).scalar_one() == "cancelled"
    assert masha.session.of("DeleteMyCommands")

    # A second tap on the old button, and /me afterwards, find nothing.
    await masha.press_data(confirm, "forget:1")
    assert (
        "нет сохранённых данных" in masha.session.sent[(confirm.chat.id, confirm.message_id)].text
    )
    assert "не зарегистрированы" in (await masha.send("/me"))[-1].text


async def test_forget_can_be_cancelled(db: Database, new_user: Callable[..., ChatUser]) -> None:
    code = await make_invite(db, await make_school(db))
    oleg = new_user("Oleg")
    await oleg.press((await oleg.send(f"/start {code}"))[-1], "Даю согласие")
    await oleg.send("Олегов Олег")
    confirm = (await oleg.send("/forget"))[-1]
    await oleg.press(confirm, "Нет, оставить")
    assert "Олегов Олег" in (await oleg.send("/me"))[-1].text
