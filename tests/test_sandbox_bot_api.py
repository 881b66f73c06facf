"""A bare aiogram Bot against the Telegram sandbox: Telegram-shaped errors, edit rules,
injected faults, blocked users, commands and tokens; the control API and the client."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from sandbox import SandboxClient, SandboxControlError, SandboxServer, SandboxUser
from tests.sandbox_bot import CHART, TOKEN, agree_keyboard, dumped, make_bot

# The shared fixtures, imported by name so that pytest finds them in this module.
from tests.sandbox_bot import bot as bot
from tests.sandbox_bot import sb as sb
from tests.sandbox_bot import server as server

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class SendTelepathy(TelegramMethod[bool]):
    """A method Telegram does not have."""

    __returning__ = bool
    __api_method__ = "sendTelepathy"


async def started_user(sb: SandboxClient, name: str = "Анна") -> SandboxUser:
    """A user who has written to the bot, so the bot may write to them."""
    user = await sb.create_user(name, username="anna_test")
    await user.send("привет")
    return user


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
