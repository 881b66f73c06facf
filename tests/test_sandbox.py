"""The Telegram sandbox driven by a real aiogram Bot/Dispatcher and by the control client."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ContentType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.methods import TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
)

from sandbox import (
    ButtonNotFoundError,
    MessageNotFoundError,
    SandboxClient,
    SandboxControlError,
    SandboxServer,
    SandboxUser,
)
from sandbox.formatting import detect_entities, parse_html, render
from sandbox.media import image_size, make_png

TOKEN = "123456:TEST"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHART = make_png(40, 30, (200, 40, 40))
REPORT = "имя;оценка\nАнна;5\n".encode()


class SendTelepathy(TelegramMethod[bool]):
    """A method Telegram does not have."""

    __returning__ = bool
    __api_method__ = "sendTelepathy"


def make_bot(server: SandboxServer, token: str = TOKEN) -> Bot:
    api = TelegramAPIServer.from_base(server.base_url)
    return Bot(token=token, session=AiohttpSession(api=api))


def dumped(value: Any) -> Any:
    """aiogram objects carry the bot in private state, so compare their data instead."""
    if isinstance(value, list):
        return [dumped(item) for item in value]
    return value.model_dump(exclude_none=True) if value is not None else None


@dataclass
class Seen:
    """What the bot under test received, for assertions on the Telegram side."""

    messages: list[Message] = field(default_factory=list)
    callbacks: list[CallbackQuery] = field(default_factory=list)


def agree_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Согласен", callback_data="agree"),
                InlineKeyboardButton(text="Отказаться", callback_data="decline"),
            ],
            [InlineKeyboardButton(text="Сайт", url="https://example.org/rules")],
        ]
    )


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
async def server() -> AsyncIterator[SandboxServer]:
    async with SandboxServer() as running:
        yield running


@pytest.fixture
async def sb(server: SandboxServer) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(server.base_url, poll_interval=0.02) as client:
        yield client


@pytest.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    instance = make_bot(server)
    yield instance
    await instance.session.close()


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


async def started_user(sb: SandboxClient, name: str = "Анна") -> SandboxUser:
    """A user who has written to the bot, so the bot may write to them."""
    user = await sb.create_user(name, username="anna_test")
    await user.send("привет")
    return user


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


# --- errors and faults ------------------------------------------------------------------


async def test_errors_are_telegram_shaped(bot: Bot, sb: SandboxClient) -> None:
    anna = await started_user(sb)
    stranger = await sb.create_user("Незнакомец")
    with pytest.raises(TelegramNotFound, match="method not found"):
        await bot(SendTelepathy())
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(42, "кому?")
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await bot.send_message(stranger.id, "привет")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(anna.id, "")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(anna.id, "я" * 4097)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(anna.id, "<b>жирный", parse_mode="HTML")
    long_data = InlineKeyboardButton(text="x", callback_data="d" * 65)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        markup = InlineKeyboardMarkup(inline_keyboard=[[long_data]])
        await bot.send_message(anna.id, "кнопка", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("новый", chat_id=anna.id, message_id=999)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("12345")
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(anna.id, BufferedInputFile(b"not an image", "x.png"))
    # None of the failures left a trace in the chat: only the user's greeting.
    assert [m.sender for m in await anna.chat()] == ["user"]


async def test_edits_follow_telegram_rules(bot: Bot, sb: SandboxClient) -> None:
    anna = await started_user(sb)
    sent = await bot.send_message(anna.id, "Вопрос", reply_markup=agree_keyboard())
    assert dumped(sent.reply_markup) == dumped(agree_keyboard())
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Вопрос", chat_id=anna.id, message_id=sent.message_id, reply_markup=agree_keyboard()
        )
    # Same text but no markup: the keyboard goes away, as in Telegram.
    edited = await bot.edit_message_text("Вопрос", chat_id=anna.id, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.reply_markup is None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=anna.id, message_id=sent.message_id)
    own = (await anna.chat())[0]
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("чужое", chat_id=anna.id, message_id=own.message_id)
    assert await bot.delete_message(anna.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(anna.id, sent.message_id)
    assert [m.message_id for m in await anna.chat()] == [own.message_id]


async def test_caption_edits_follow_the_same_rules(bot: Bot, sb: SandboxClient) -> None:
    anna = await started_user(sb)
    photo = await bot.send_photo(
        anna.id,
        BufferedInputFile(CHART, "chart.png"),
        caption="График",
        reply_markup=agree_keyboard(),
    )
    text_only = await bot.send_message(anna.id, "Без подписи")
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("текст", chat_id=anna.id, message_id=photo.message_id)
    with pytest.raises(TelegramBadRequest, match="there is no caption in the message to edit"):
        await bot.edit_message_caption(
            chat_id=anna.id, message_id=text_only.message_id, caption="подпись"
        )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_caption(
            chat_id=anna.id,
            message_id=photo.message_id,
            caption="График",
            reply_markup=agree_keyboard(),
        )
    # A new caption without markup: the keyboard goes away, as with a text edit.
    edited = await bot.edit_message_caption(
        chat_id=anna.id,
        message_id=photo.message_id,
        caption="<b>Новый</b> график",
        parse_mode="HTML",
    )
    assert isinstance(edited, Message) and edited.caption == "Новый график"
    assert edited.reply_markup is None and edited.edit_date is not None
    assert [e.type for e in edited.caption_entities or []] == ["bold"]


async def test_injected_faults_fail_then_recover(bot: Bot, sb: SandboxClient) -> None:
    anna = await started_user(sb)
    await sb.inject_fault("sendMessage", status=429, retry_after=7, count=2)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as retry:
            await bot.send_message(anna.id, "слишком часто")
        assert retry.value.retry_after == 7
    await bot.send_message(anna.id, "теперь можно")

    await sb.inject_fault("sendMessage", status=500)
    with pytest.raises(TelegramServerError, match="Internal Server Error"):
        await bot.send_message(anna.id, "сервер упал")
    await sb.inject_fault("sendPhoto", status=502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.send_photo(anna.id, BufferedInputFile(CHART, "chart.png"))
    assert await sb.faults() == []
    await bot.send_photo(anna.id, BufferedInputFile(CHART, "chart.png"))

    bot_messages = [m for m in await anna.chat(files=False) if m.is_bot]
    assert [m.content or m.kind for m in bot_messages] == ["теперь можно", "photo"]
    statuses = [call.status for call in await sb.calls("sendMessage")]
    assert statuses == [429, 429, 200, 500]


async def test_blocked_user_gives_forbidden_until_unblocked(bot: Bot, sb: SandboxClient) -> None:
    anna = await started_user(sb)
    await bot.get_updates(timeout=0)  # drains the greeting
    await sb.block(anna)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(anna.id, "вы тут?")
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_chat_action(anna.id, "typing")
    updates = await bot.get_updates(offset=-1, timeout=0)
    member = updates[-1].my_chat_member
    assert member is not None and member.new_chat_member.status == "kicked"

    await sb.unblock(anna)
    await bot.send_message(anna.id, "снова на связи")
    view = await anna.chat_view()
    assert not view.blocked and view.messages[-1].text == "снова на связи"


async def test_set_my_commands_is_recorded_per_scope(bot: Bot, sb: SandboxClient) -> None:
    anna = await started_user(sb)
    mentor_commands = [BotCommand(command="mentees", description="Мои наставляемые")]
    await bot.set_my_commands([BotCommand(command="start", description="Начать")])
    await bot.set_my_commands(mentor_commands, scope=BotCommandScopeChat(chat_id=anna.id))

    call = (await sb.calls("setMyCommands"))[-1]
    assert call.params["scope"] == {"type": "chat", "chat_id": anna.id}
    assert call.params["commands"] == [{"command": "mentees", "description": "Мои наставляемые"}]
    scopes = {entry.scope["type"]: entry.commands for entry in await sb.commands()}
    assert scopes == {
        "default": [{"command": "start", "description": "Начать"}],
        "chat": [{"command": "mentees", "description": "Мои наставляемые"}],
    }
    chat_scope = BotCommandScopeChat(chat_id=anna.id)
    assert dumped(await bot.get_my_commands(scope=chat_scope)) == dumped(mentor_commands)
    await bot.delete_my_commands(scope=chat_scope)
    assert await bot.get_my_commands(scope=chat_scope) == []
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_my_commands(mentor_commands, scope=BotCommandScopeChat(chat_id=5))


async def test_each_token_is_a_separate_bot(
    server: SandboxServer, bot: Bot, sb: SandboxClient
) -> None:
    await bot.get_me()  # the first token to connect takes over the default bot
    anna = await started_user(sb)
    other = make_bot(server, "654321:OTHER")
    try:
        me = await other.get_me()
        assert (me.id, me.is_bot, me.username) == (654321, True, "mentor_sandbox_bot")
        # Anna wrote to the first bot only, so the second one may not start a chat.
        with pytest.raises(TelegramForbiddenError):
            await other.send_message(anna.id, "привет от другого бота")
    finally:
        await other.session.close()
    assert (await bot.get_me()).id == 123456


# --- control API and client -----------------------------------------------------------


async def test_control_api_json_shapes_and_errors(server: SandboxServer, sb: SandboxClient) -> None:
    anna = await sb.create_user("Анна", username="anna_k", language_code="en")
    assert (anna.first_name, anna.username, anna.language_code) == ("Анна", "anna_k", "en")
    with pytest.raises(SandboxControlError) as missing_name:
        await sb.create_user("")
    assert missing_name.value.status == 400
    with pytest.raises(SandboxControlError) as unknown:
        await sb.get_user(1)
    assert unknown.value.code == "user_not_found"

    await anna.send("/start x")
    async with aiohttp.ClientSession() as http:
        url = f"{server.base_url}/_sandbox/users/{anna.id}/chat"
        async with http.get(url) as response:
            chat: dict[str, Any] = await response.json()
        async with http.post(f"{server.base_url}/bot{TOKEN}/getMe") as response:
            assert (await response.json())["result"]["username"] == "mentor_sandbox_bot"
        async with http.post(f"{server.base_url}/botnotatoken/getMe") as response:
            assert response.status == 401
    assert set(chat) >= {"user", "bot", "messages", "callbacks", "blocked", "reply_keyboard"}
    (message,) = chat["messages"]
    assert message["sender"] == "user" and message["text"] == "/start x"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_wait_for_message_times_out_with_context(sb: SandboxClient) -> None:
    anna = await sb.create_user("Анна")
    await anna.send("ау")
    with pytest.raises(AssertionError, match=r"#1 user \[text\] 'ау'"):
        await anna.wait_for_message(timeout=0.2)


async def test_standalone_entry_point_serves_and_stops() -> None:
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "sandbox", "--port", "0"),
        stdout=asyncio.subprocess.PIPE,
        cwd=PROJECT_ROOT,
    )
    try:
        assert process.stdout is not None
        first_line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        base_url = first_line.split()[-1]
        assert base_url.startswith("http://127.0.0.1:")
        async with SandboxClient(base_url) as client:
            assert (await client.bot()).connected is False
    finally:
        process.terminate()
        await process.wait()


# --- text rendering ---------------------------------------------------------------------


def test_html_is_parsed_into_entities_like_telegram() -> None:
    text, entities = parse_html('<b>Жир <i>курсив</i></b> 🙂 <a href="https://t.me/x">ссылка</a>')
    assert text == "Жир курсив 🙂 ссылка"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 10},
        {"type": "italic", "offset": 4, "length": 6},
        # The emoji counts as two UTF-16 units, so the link starts at 14, not 13.
        {"type": "text_link", "offset": 14, "length": 6, "url": "https://t.me/x"},
    ]
    code, code_entities = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert code == "x = 1"
    assert code_entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
    ],
)
def test_bad_html_is_rejected(source: str, detail: str) -> None:
    with pytest.raises(Exception, match="can't parse entities") as error:
        parse_html(source)
    assert detail in str(error.value)


def test_auto_entities_and_trimming() -> None:
    text, entities = render(
        "  /help@mentor_sandbox_bot см. https://ya.ru  ", None, None, limit=4096, field="text"
    )
    assert text == "/help@mentor_sandbox_bot см. https://ya.ru"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bot_command", 0, 24),
        ("url", 29, 13),
    ]
    assert detect_entities("цена 5/3 и #тег") == [{"type": "hashtag", "offset": 11, "length": 4}]
    assert image_size(make_png(7, 9)) == (7, 9)
