"""The sandbox and the recording session refuse over-long content exactly as Telegram does,
and `send_long` gets a long text through the sandbox in parts it accepts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from bot.long_messages import send_long
from sandbox import SandboxClient, SandboxServer, SandboxUser
from sandbox.media import make_png
from tests.recording import RecordingSession

TOKEN = "123456:TEST"


def keyboard(buttons: int) -> InlineKeyboardMarkup:
    """`buttons` buttons, eight a row (Telegram's widest row)."""
    made = [InlineKeyboardButton(text=str(n), callback_data=f"b:{n}") for n in range(buttons)]
    return InlineKeyboardMarkup(inline_keyboard=[made[i : i + 8] for i in range(0, buttons, 8)])


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    async with SandboxServer() as running:
        yield running


@pytest.fixture
async def sb(server: SandboxServer) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(server.base_url, poll_interval=0.02) as client:
        yield client


@pytest.fixture
async def telegram(server: SandboxServer) -> AsyncIterator[Bot]:
    api = TelegramAPIServer.from_base(server.base_url)
    instance = Bot(token=TOKEN, session=AiohttpSession(api=api))
    yield instance
    await instance.session.close()


async def started(sb: SandboxClient) -> SandboxUser:
    user = await sb.create_user("Анна", username="anna_test")
    await user.send("привет")
    return user


async def test_the_sandbox_refuses_what_telegram_refuses(telegram: Bot, sb: SandboxClient) -> None:
    anna = await started(sb)
    # 4,096 characters after entity parsing pass, however long the HTML; one more does not.
    await telegram.send_message(anna.id, "&lt;" * 4096, parse_mode="HTML")
    await telegram.send_message(anna.id, "<b>" + "я" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await telegram.send_message(anna.id, "&lt;" * 4097, parse_mode="HTML")
    photo = BufferedInputFile(make_png(4, 4, (0, 0, 0)), "p.png")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await telegram.send_photo(anna.id, photo, caption="я" * 1025)
    # At most 100 inline buttons, on sending and on editing.
    sent = await telegram.send_message(anna.id, "сто кнопок", reply_markup=keyboard(100))
    with pytest.raises(TelegramBadRequest, match="Bad Request: reply markup is too long"):
        await telegram.send_message(anna.id, "сто одна", reply_markup=keyboard(101))
    with pytest.raises(TelegramBadRequest, match="Bad Request: reply markup is too long"):
        await telegram.edit_message_reply_markup(
            chat_id=anna.id, message_id=sent.message_id, reply_markup=keyboard(101)
        )
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await telegram.edit_message_text("я" * 4097, chat_id=anna.id, message_id=sent.message_id)
    texts = [m.content for m in await anna.chat() if m.is_bot]
    assert texts == ["<" * 4096, "я" * 4096, "сто кнопок"]


async def test_send_long_gets_a_long_list_through_in_accepted_parts(
    telegram: Bot, sb: SandboxClient
) -> None:
    anna = await started(sb)
    lines = [f"<b>{n}.</b> Кузнецова Анна Игоревна &amp; Петров Пётр" for n in range(1, 501)]
    markup = keyboard(3)
    sent = await send_long(telegram, "\n".join(lines), chat_id=anna.id, reply_markup=markup)
    assert len(sent) > 1
    chat = [m for m in await anna.chat() if m.is_bot]
    assert len(chat) == len(sent)
    shown = "\n".join(m.content for m in chat).split("\n")
    assert shown == [f"{n}. Кузнецова Анна Игоревна & Петров Пётр" for n in range(1, 501)]
    assert all(m.entities for m in chat), "bold survives in every part"
    assert [bool(m.keyboard) for m in chat] == [False] * (len(chat) - 1) + [True]


async def test_the_recording_session_refuses_the_same() -> None:
    session = RecordingSession()
    bot = Bot("42:TEST", session=session)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(1, "я" * 4097)
    await bot.send_message(1, "&amp;" * 4096)  # the production bot's default: HTML
    with pytest.raises(TelegramBadRequest, match="Bad Request: reply markup is too long"):
        await bot.send_message(1, "много кнопок", reply_markup=keyboard(101))
    with pytest.raises(TelegramBadRequest, match="Bad Request: BUTTON_DATA_INVALID"):
        long_data = InlineKeyboardButton(text="x", callback_data="d" * 65)
        await bot.send_message(
            1, "x", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[long_data]])
        )
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await bot.send_photo(1, "file-id", caption="я" * 1025)
    with pytest.raises(TelegramBadRequest, match="Bad Request: MESSAGE_TOO_LONG"):
        await bot.answer_callback_query("1", text="я" * 201)
    assert [r.method for r in session.refused] == [
        "SendMessage",
        "SendMessage",
        "SendMessage",
        "SendPhoto",
        "AnswerCallbackQuery",
    ]
    await bot.session.close()
