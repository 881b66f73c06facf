"""The sandbox chat page in a real browser: join by an invite link and answer by buttons."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from storage.db import Database
from storage.migrate import upgrade
from tests.browser import (
    RunningBot,
    launch_chromium,
    save_screenshot,
    screenshots_on_failure,
    start_bot,
)
from tests.factories import make_invite, make_school
from tests.pg import database_url

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

pytestmark = pytest.mark.e2e


@dataclass
class World:
    bot: RunningBot
    invite_code: str


async def _school_with_invite(db_url: str) -> str:
    db = Database(db_url)
    try:
        await upgrade(db)
        return await make_invite(db, await make_school(db), "mentee")
    finally:
        await db.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    workdir: Path = tmp_path_factory.mktemp("browser-sandbox")
    db_url = database_url(workdir, "bot.db")
    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's loop runs in this thread
        code = pool.submit(asyncio.run, _school_with_invite(db_url)).result()
    with start_bot(workdir, {"DATABASE_URL": db_url}) as bot:
        yield World(bot, code)


@pytest.fixture
def context(browser: Browser, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 900, "height": 1000}, locale="ru-RU")
    context.set_default_timeout(10_000)
    with screenshots_on_failure(context, request):
        yield context
    context.close()


def _bot_says(page: Page, text: str) -> Locator:
    from playwright.sync_api import expect

    message = page.locator(".message.bot", has_text=text).last
    expect(message).to_be_visible()
    return message


def test_register_by_an_invite_link_and_answer_two_questions(
    browser: Browser, world: World, context: BrowserContext
) -> None:
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(f"{world.bot.web_url}/sandbox")  # the main web server points to the page
    expect(page).to_have_url(f"{world.bot.sandbox_url}/sandbox")
    page.get_by_label("Имя", exact=True).fill("Анна")
    page.get_by_label("Фамилия").fill("Иванова")
    page.get_by_label("Возраст").fill("14")
    page.get_by_role("button", name="Создать и открыть").click()
    expect(page.locator("#chat-name")).to_have_text("Анна Иванова")
    expect(page.locator("#chat-meta")).to_contain_text("возраст 14")

    page.fill("#invite-input", f"https://t.me/mentor_sandbox_bot?start={world.invite_code}")
    page.get_by_role("button", name="Открыть приглашение").click()
    expect(page.locator(".message.user").last).to_contain_text(f"/start {world.invite_code}")
    consent = _bot_says(page, "Согласие на обработку персональных данных")
    expect(consent.locator("b").first).to_have_text("Согласие на обработку персональных данных")
    consent.get_by_role("button", name="Даю согласие", exact=True).click()
    _bot_says(page, "Как вас зовут")
    page.fill("#text", "Иванова Анна Сергеевна")
    page.get_by_role("button", name="Отправить").click()
    _bot_says(page, "Вы зарегистрированы")

    _bot_says(page, "Кто вы сейчас?").get_by_role("button", name="Школьник", exact=True).click()
    _bot_says(page, "В каком вы классе?").get_by_role("button", name="7 класс", exact=True).click()
    _bot_says(page, "Ваша дата рождения?")
    save_screenshot(page, "sandbox-chat")
