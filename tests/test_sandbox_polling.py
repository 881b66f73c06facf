"""The Telegram sandbox driven by a real aiogram Dispatcher: long polling, commands,
buttons, edits and files."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.enums import ContentType
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
)

from sandbox import ButtonNotFoundError, MessageNotFoundError, SandboxClient, SandboxControlError
from tests.sandbox_bot import CHART, agree_keyboard, dumped

# The shared fixtures, imported by name so that pytest finds them in this module.
from tests.sandbox_bot import bot as bot
from tests.sandbox_bot import sb as sb
from tests.sandbox_bot import server as server

REPORT = "имя;оценка\nАнна;5\n".encode()


@dataclass
class Seen:
    """What the bot under test received, for assertions on the Telegram side."""

    messages: list[Message] = field(default_factory=list)
    callbacks: list[CallbackQuery] = field(default_factory=list)


def build_router(seen: Seen) -> Router:
    router = Router()

    @router.message(CommandStart(deep_link=True))
    async def start_with_code(message: Message, command: CommandObject) -> None:
        seen.messages.append(message)
        text = f"Код: <b>{command.args}</b>. Согласны с правилами?"
        await message.answer(text, parse_mode="HTML", reply_markup=agree_keyboard())

    @router.message(CommandStart())
    async def start_plain(message: Message) -> None:
        seen.messages.append(message)
        await message.answer("Привет! Нужна ссылка-приглашение.")

    @router.message(Command("photo"))
    async def send_chart(message: Message) -> None:
        await message.answer_photo(BufferedInputFile(CHART, "chart.png"), caption="График")

    @router.message(Command("doc"))
    async def send_report(message: Message) -> None:
        await message.answer_document(BufferedInputFile(REPORT, "отчёт.csv"), caption="Отчёт")

    @router.callback_query(F.data == "agree")
    async def on_agree(callback: CallbackQuery) -> None:
        seen.callbacks.append(callback)
        await callback.answer("Принято", show_alert=True)
        undo = InlineKeyboardButton(text="Отменить", callback_data="undo")
        assert isinstance(callback.message, Message)
        await callback.message.edit_text(
            "Вы согласились", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[undo]])
        )

    @router.callback_query(F.data == "undo")
    async def on_undo(callback: CallbackQuery) -> None:
        seen.callbacks.append(callback)
        await callback.answer()
        assert isinstance(callback.message, Message)
        await callback.message.edit_reply_markup(reply_markup=None)

    @router.callback_query()
    async def on_stale(callback: CallbackQuery) -> None:
        seen.callbacks.append(callback)
        await callback.answer("Кнопка устарела")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        seen.messages.append(message)
        await message.answer(f"Эхо: {message.text}")

    @router.message()
    async def wrong_type(message: Message) -> None:
        seen.messages.append(message)
        await message.answer(f"Не понимаю {ContentType(message.content_type).value}")

    return router


@pytest.fixture
def seen() -> Seen:
    return Seen()


@asynccontextmanager
async def running_dispatcher(bot: Bot, sb: SandboxClient, seen: Seen) -> AsyncIterator[Bot]:
    """Real long polling with the test router; stopped the way an app would stop it."""
    dispatcher = Dispatcher()
    dispatcher.include_router(build_router(seen))
    task = asyncio.create_task(
        dispatcher.start_polling(
            bot, handle_signals=False, polling_timeout=2, close_bot_session=False
        )
    )
    await sb.wait_for_call("getMe", timeout=5)  # polling has started once getMe is logged
    try:
        yield bot
    finally:
        await dispatcher.stop_polling()
        await task


@pytest.fixture
async def polling(bot: Bot, sb: SandboxClient, seen: Seen) -> AsyncIterator[Bot]:
    async with running_dispatcher(bot, sb, seen) as running:
        yield running


# --- long polling ------------------------------------------------------------------


async def test_get_updates_long_polls_and_confirms_with_offset(bot: Bot, sb: SandboxClient) -> None:
    anna = await sb.create_user("Анна")
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert time.monotonic() - started >= 0.9  # it really waited for the timeout

    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await anna.send("первое")
    first = await waiting
    assert time.monotonic() - started < 1  # woken by the update, not by the timeout
    assert [u.message.text for u in first if u.message] == ["первое"]

    await anna.send("второе")
    await anna.send("третье")
    unconfirmed = await bot.get_updates()
    assert [u.message.text for u in unconfirmed if u.message] == ["первое", "второе", "третье"]
    after_first = await bot.get_updates(offset=first[0].update_id + 1, limit=1)
    assert [u.message.text for u in after_first if u.message] == ["второе"]
    # The offset confirmed (dropped) the first update for good.
    rest = await bot.get_updates()
    assert [u.message.text for u in rest if u.message] == ["второе", "третье"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == []


async def test_allowed_updates_filters_and_is_remembered(bot: Bot, sb: SandboxClient) -> None:
    anna = await sb.create_user("Анна")
    assert await bot.get_updates(allowed_updates=["callback_query"], timeout=0) == []
    await anna.send("не дойдёт")
    assert await bot.get_updates(timeout=0) == []  # the setting was remembered
    assert await bot.get_updates(allowed_updates=[], timeout=0) == []  # back to default
    await anna.send("дойдёт")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["дойдёт"]
    assert (await bot.get_webhook_info()).pending_update_count == 1
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == []


async def test_second_get_updates_terminates_the_first(bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert await bot.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await first


async def test_updates_sent_before_the_bot_connects_are_delivered(
    bot: Bot, sb: SandboxClient, seen: Seen
) -> None:
    anna = await sb.create_user("Анна")
    await anna.send("/start")
    assert (await sb.bot()).connected is False
    async with running_dispatcher(bot, sb, seen):
        reply = await anna.wait_for_message(timeout=5)
    assert reply.text == "Привет! Нужна ссылка-приглашение."
    assert (await sb.bot()).id == 123456


# --- commands, buttons, edits ---------------------------------------------------------


async def test_start_command_carries_entities_and_deep_link(
    sb: SandboxClient, polling: Bot, seen: Seen
) -> None:
    anna = await sb.create_user("Анна", last_name="Петрова", username="anna_p")
    await anna.send("/start abc")
    reply = await anna.wait_for_message(lambda m: "Код" in m.content, timeout=5)
    assert reply.text == "Код: abc. Согласны с правилами?"
    assert reply.entities == [{"type": "bold", "offset": 5, "length": 3}]
    assert reply.button_texts() == ["Согласен", "Отказаться", "Сайт"]
    assert reply.button("Сайт") is not None
    received = seen.messages[0]
    assert dumped(received.entities) == dumped(
        [MessageEntity(type="bot_command", offset=0, length=6)]
    )
    assert received.from_user is not None and received.from_user.id == anna.id
    assert received.from_user.language_code == "ru"
    assert received.chat.type == "private" and received.chat.username == "anna_p"


async def test_press_answers_callback_and_edits_change_what_user_sees(
    sb: SandboxClient, polling: Bot, seen: Seen
) -> None:
    anna = await sb.create_user("Анна")
    await anna.send("/start abc")
    offer = await anna.wait_for_message(lambda m: "Согласен" in m.button_texts(), timeout=5)

    press = await anna.press(offer, "Согласен")
    answer = await anna.wait_for_answer(press, timeout=5)
    assert (answer.text, answer.show_alert, answer.forged) == ("Принято", True, False)
    edited = await anna.wait_for_edit(offer, timeout=5)
    assert edited.text == "Вы согласились"
    assert edited.button_texts() == ["Отменить"]
    assert edited.edit_date is not None

    callback = seen.callbacks[0]
    assert callback.data == "agree" and callback.chat_instance
    assert isinstance(callback.message, Message)
    assert callback.message.message_id == offer.message_id

    # The old keyboard is gone: its buttons can no longer be pressed normally.
    with pytest.raises(ButtonNotFoundError, match="Согласен"):
        await anna.press(offer, "Согласен")

    await anna.press(edited, "undo")  # by callback_data this time
    cleared = await anna.wait_for_edit(edited, timeout=5)
    assert cleared.keyboard == [] and cleared.text == "Вы согласились"
    assert [c.data for c in await anna.callbacks()] == ["agree", "undo"]


async def test_forged_press_reaches_the_bot_and_bad_presses_raise(
    sb: SandboxClient, polling: Bot, seen: Seen
) -> None:
    anna = await sb.create_user("Анна")
    await anna.send("/start abc")
    offer = await anna.wait_for_message(lambda m: bool(m.keyboard), timeout=5)

    forged = await anna.forged_press(offer, "admin:delete_all")
    answer = await anna.wait_for_answer(forged, timeout=5)
    assert answer.forged and answer.text == "Кнопка устарела"
    assert seen.callbacks[-1].data == "admin:delete_all"

    with pytest.raises(SandboxControlError) as url_button:
        await anna.press(offer, "Сайт")
    assert url_button.value.code == "not_callback_button"
    with pytest.raises(MessageNotFoundError):
        await anna.press(999, "Согласен")
    own_message = (await anna.chat())[0]
    with pytest.raises(MessageNotFoundError):  # users cannot press on their own messages
        await anna.forged_press(own_message, "agree")


async def test_wrong_message_types_reach_the_bot(
    sb: SandboxClient, polling: Bot, seen: Seen
) -> None:
    anna = await sb.create_user("Анна")
    await anna.send_sticker("🐱")
    assert (await anna.wait_for_message(timeout=5)).text == "Не понимаю sticker"
    await anna.send_photo(caption="моё фото")
    assert (await anna.wait_for_message(timeout=5)).text == "Не понимаю photo"
    await anna.send_voice(duration=3)
    assert (await anna.wait_for_message(timeout=5)).text == "Не понимаю voice"

    sticker, photo, voice = seen.messages
    assert sticker.sticker is not None and sticker.sticker.emoji == "🐱"
    assert photo.photo and photo.caption == "моё фото"
    assert (photo.photo[-1].width, photo.photo[-1].height) == (64, 48)
    assert voice.voice is not None and voice.voice.duration == 3


async def test_photos_and_documents_arrive_as_bytes(sb: SandboxClient, polling: Bot) -> None:
    anna = await sb.create_user("Анна")
    await anna.send("/photo")
    photo = await anna.wait_for_message(lambda m: m.kind == "photo", timeout=5)
    assert photo.caption == "График" and photo.file is not None
    assert photo.file.data == CHART
    assert (photo.file.width, photo.file.height) == (40, 30)

    await anna.send("/doc")
    document = await anna.wait_for_message(lambda m: m.kind == "document", timeout=5)
    assert document.file is not None and document.file.data == REPORT
    assert document.file.file_name == "отчёт.csv"
    assert document.file.mime_type == "text/csv"

    # The bot can fetch its own upload back and re-send it by file_id.
    file = await polling.get_file(document.file.file_id)
    assert file.file_path is not None
    downloaded = await polling.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == REPORT
    again = await polling.send_photo(anna.id, photo.file.file_id)
    assert again.photo and again.photo[-1].file_id == photo.file.file_id
    assert (await anna.chat())[-1].file == photo.file
