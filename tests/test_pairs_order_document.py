"""The order on pairs in chat: after «Утвердить все» the curator presses «📄 Приказ (Word)»
and gets the .docx; the /pairs list has the same button; another school's curator pressing
it (or forging it) gets nothing."""

from __future__ import annotations

from bot.callbacks import PairsCallback
from storage.db import Database
from tests.docx_reading import all_text, rows
from tests.factories import make_invite, make_school
from tests.test_pairs import NewUser, cohort, register

ORDER_BUTTON = "📄 Приказ (Word)"


async def test_the_curator_gets_the_order_after_approval(db: Database, new_user: NewUser) -> None:
    _school, curator, _users = await cohort(db, new_user)
    await curator.send("/pairs")
    await curator.tap("Предложить пары")
    await curator.tap("✅ Утвердить все")
    await curator.send("№ 12-о")
    approved = (await curator.send("01.10.2026"))[-1]
    assert "№ 12-о от 01.10.2026" in approved.text

    await curator.press(approved, ORDER_BUTTON)
    sent = curator.session.of("SendDocument")
    assert len(sent) == 1
    document = sent[-1]["document"]
    assert document.filename == "Приказ № 12-о от 01.10.2026.docx"
    assert "Приказ № 12-о от 01.10.2026: проверьте" in sent[-1]["caption"]
    text = all_text(document.data)
    assert "№ 12-о" in text and "1 октября 2026\u00a0г." in text
    annex = rows(document.data, 3)
    assert {row[2].split(",")[0] for row in annex[1:]} == {"Аннова Анна", "Борисов Борис"}
    assert all(row[4].startswith("с 01.10.2026 по ") for row in annex[1:])

    listing = (await curator.send("/pairs"))[-1]
    await curator.press(listing, ORDER_BUTTON)
    assert len(curator.session.of("SendDocument")) == 2, "the /pairs list has the button too"


async def test_another_schools_curator_gets_no_order(db: Database, new_user: NewUser) -> None:
    school, curator, _users = await cohort(db, new_user)
    await curator.send("/pairs")
    await curator.tap("Предложить пары")
    await curator.tap("✅ Утвердить все")
    await curator.send("№ 12-о")
    await curator.send("01.10.2026")
    other = await make_school(db, "Школа Б")
    stranger = new_user("Чужой")
    await register(stranger, await make_invite(db, other, "curator"), "Чужова Вера")
    reply = (await stranger.send("/help"))[-1]
    await stranger.press_data(reply, PairsCallback(action="order", org=school).pack())
    assert stranger.callback_answers()[-1].get("text") == "Это действие вам недоступно."
    assert stranger.session.of("SendDocument") == []


async def test_without_approved_pairs_the_order_is_not_made(
    db: Database, new_user: NewUser
) -> None:
    school, curator, _users = await cohort(db, new_user)
    reply = (await curator.send("/pairs"))[-1]
    await curator.press_data(reply, PairsCallback(action="order", org=school).pack())
    assert "Утверждённых пар пока нет" in curator.last().text
    assert curator.session.of("SendDocument") == []
