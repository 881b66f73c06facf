"""A real aiogram Bot pointed at the Telegram sandbox, and the fixtures its tests share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import SandboxClient, SandboxServer
from sandbox.media import make_png

TOKEN = "123456:TEST"
CHART = make_png(40, 30, (200, 40, 40))


def make_bot(server: SandboxServer, token: str = TOKEN) -> Bot:
    api = TelegramAPIServer.from_base(server.base_url)
    return Bot(token=token, session=AiohttpSession(api=api))


def dumped(value: Any) -> Any:
    """aiogram objects carry the bot in private state, so compare their data instead."""
    if isinstance(value, list):
        return [dumped(item) for item in value]
    return value.model_dump(exclude_none=True) if value is not None else None


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
