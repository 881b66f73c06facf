"""The back office in a real browser against the real process in sandbox mode."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser import (
    RunningBot,
    launch_chromium,
    save_screenshot,
    screenshots_on_failure,
    start_bot,
)
from tests.pg import database_url

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

pytestmark = pytest.mark.e2e

FIRST_SANDBOX_USER = 700_000_001
CLASS_LIST = (
    "ФИО;Роль;Класс;Дата рождения\n"
    "Иванова Анна Сергеевна;наставляемый;7А;14.03.2013\n"
    "Петров 3000;наставляемый;7А;01.02.2013\n"
    "Сидоров Илья Андреевич;;7Б;06.05.2013\n"
    "Кузнецова Мария Ивановна;наставник;учитель математики;\n"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    workdir: Path = tmp_path_factory.mktemp("browser-admin")
    env = {
        "ADMIN_IDS": str(FIRST_SANDBOX_USER),
        "DATABASE_URL": database_url(workdir, "bot.db"),
    }
    with start_bot(workdir, env) as bot:
        yield bot


@pytest.fixture
def context(browser: Browser, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    context.set_default_timeout(10_000)
    with screenshots_on_failure(context, request):
        yield context
    context.close()


def _say(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.press("#text", "Enter")


def _bot_says(page: Page, text: str) -> Locator:
    from playwright.sync_api import expect

    message = page.locator(".message.bot", has_text=text).last
    expect(message).to_be_visible()
    return message


def _login_link_from_the_bot(page: Page, running: RunningBot) -> str:
    """Register the first sandbox user (an ADMIN_IDS admin) in the chat page and ask /admin."""
    user_id = running.create_sandbox_user("Анна")
    assert user_id == FIRST_SANDBOX_USER
    page.goto(f"{running.sandbox_url}/sandbox?user={user_id}")
    _say(page, "/start")
    _bot_says(page, "Согласие на обработку").get_by_role(
        "button", name="Даю согласие", exact=True
    ).click()
    _bot_says(page, "Как вас зовут")
    _say(page, "Админова Анна Петровна")
    _bot_says(page, "Вы зарегистрированы")
    _say(page, "/admin")
    text = _bot_says(page, "/admin/login").inner_text()
    found = re.search(r"http://127\.0\.0\.1:\d+/admin/login\?token=\S+", text)
    assert found, text
    return found.group()


def test_log_in_create_an_organisation_and_import_a_class_list(
    browser: Browser, running: RunningBot, context: BrowserContext
) -> None:
    from playwright.sync_api import expect

    link = _login_link_from_the_bot(context.new_page(), running)

    admin = context.new_page()
    admin.goto(link)
    admin.get_by_role("button", name="Войти").click()
    expect(admin.locator("h1")).to_have_text("Сводка")

    reuse = context.new_page()
    reuse.goto(link)
    expect(reuse.locator("h1")).to_have_text("Ссылка уже использована")
    reuse.close()

    admin.get_by_role("link", name="Организации").click()
    admin.get_by_label("Название").fill("Гимназия № 7")
    admin.get_by_label("Муниципалитет").fill("г. Тула")
    admin.get_by_label("Регион").fill("Тульская область")
    admin.get_by_role("button", name="Создать", exact=True).click()
    expect(admin.get_by_text("Организация создана.")).to_be_visible()
    admin.locator("#invites select[name=role]").select_option("mentee")
    admin.get_by_role("button", name="Создать ссылку").click()
    expect(admin.locator(".invite[data-role=mentee] svg")).to_be_visible()
    admin.locator("#invites select[name=role]").select_option("mentor")
    admin.get_by_role("button", name="Создать ссылку").click()
    expect(admin.locator(".invite[data-role=mentor] svg")).to_be_visible()
    admin.locator("#invites").scroll_into_view_if_needed()
    save_screenshot(admin, "admin-invites")

    admin.locator("nav").get_by_role("link", name="Импорт списка").click()
    admin.locator("select[name=organisation]").select_option(label="Гимназия № 7")
    admin.set_input_files(
        "input[name=file]",
        files=[{"name": "7a.csv", "mimeType": "text/csv", "buffer": CLASS_LIST.encode()}],
    )
    admin.get_by_role("button", name="Загрузить").click()
    summary = admin.locator("#import-summary")
    expect(summary).to_contain_text("Импортировано: 3", timeout=15_000)
    expect(summary).to_contain_text("С ошибками: 1")
    problems = admin.locator("table.problems")
    expect(problems).to_contain_text("Петров 3000")
    expect(problems).to_contain_text("ФИО должно состоять из букв")

    admin.get_by_role("link", name="Посмотреть импортированных").click()
    expect(admin.locator("table.people")).to_contain_text("Иванова Анна Сергеевна")
    expect(admin.locator("table.people")).not_to_contain_text("Петров 3000")

    admin.locator("nav").get_by_role("link", name="Сводка").click()
    expect(admin.locator("section[data-organisation]")).to_contain_text("Гимназия № 7")
    save_screenshot(admin, "admin-dashboard")

    _dashboard_report_questionnaire_and_pairs(admin)
    _cohort_pairs_approved(admin, running)


def _dashboard_report_questionnaire_and_pairs(admin: Page) -> None:
    """The /stats KPIs and the XLSX report, a questionnaire wave, a pairs proposal."""
    import io
    from datetime import date, timedelta

    from openpyxl import load_workbook
    from playwright.sync_api import expect

    expect(admin.locator("#kpis table.kpis tr[data-kpi]").first).to_be_visible()
    expect(admin.locator("#kpis img.chart")).to_have_js_property("complete", True)
    assert admin.locator("#kpis img.chart").evaluate("img => img.naturalWidth") > 0
    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Скачать отчёт XLSX").click()
    path = download_info.value.path()
    book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    cells = {
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    }
    assert any("Гимназия № 7" in cell for cell in cells)

    admin.locator("nav").get_by_role("link", name="Анкетирование").click()
    launch = admin.locator("#launch")
    launch.locator("select[name=organisation]").select_option(label="Гимназия № 7")
    launch.locator("select[name=survey]").select_option("intake_mentee")
    launch.locator("select[name=role]").select_option("mentee")
    launch.locator("input[name=deadline]").fill((date.today() + timedelta(days=14)).isoformat())
    launch.get_by_role("button", name="Запустить").click()
    expect(admin.get_by_text("Анкетирование запущено")).to_be_visible()
    admin.get_by_role("link", name="← Анкетирование").click()
    expect(admin.locator("table.waves tr[data-wave]")).to_have_count(1)

    admin.locator("nav").get_by_role("link", name="Пары").click()  # one school: straight to it
    expect(admin.locator("h1")).to_have_text("Пары · Гимназия № 7")
    admin.get_by_role("button", name="Предложить пары").click()
    expect(admin.get_by_text("Новых пар не получилось.")).to_be_visible()
    # Imported pupils have not registered in the bot yet: nobody to pair, nothing to approve.
    expect(admin.locator("#proposal")).to_contain_text("Подбирать пока некого")
    expect(admin.locator("#approve")).to_have_count(0)
    save_screenshot(admin, "admin-pairs")


def _run(start: Callable[[], Coroutine[Any, Any, None]]) -> None:
    # Playwright's sync API keeps an event loop running in this thread: use another one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, start()).result()


def _register_cohort(running: RunningBot, mentor_code: str, mentee_code: str) -> None:
    """A mentor and a mentee register by the invite links and answer the intake, in the chat."""
    from datetime import date

    from sandbox import SandboxClient
    from storage.db import Database
    from tests.sandbox_respondent import SandboxRespondent
    from tests.survey_driver import answer_survey
    from tests.test_e2e_pairs import STUDENT, register

    year = date.today().year

    async def go() -> None:
        db = Database(running.process.env["DATABASE_URL"])
        try:
            async with SandboxClient(running.sandbox_url) as sandbox:
                for code, name, plan in (
                    (
                        mentor_code,
                        "Смирнова Ольга",
                        {"capacity": "1", "birth_date": f"01.01.{year - 30}"},
                    ),
                    (mentee_code, "Аннова Анна", {"birth_date": f"01.01.{year - 21}"}),
                ):
                    user = await sandbox.create_user(name.split()[1])
                    await register(user, code, name)
                    await answer_survey(
                        SandboxRespondent(user), db, user.id, {"position": STUDENT} | plan
                    )
        finally:
            await db.close()

    _run(go)


def _invite_code(admin: Page, role: str) -> str:
    link = admin.locator(f".invite[data-role={role}] code.link").first.inner_text()
    return link.rsplit("start=", 1)[1].strip()


def _cohort_pairs_approved(admin: Page, running: RunningBot) -> None:
    """A mentor and a mentee join in the chat; propose → approve by order → the list."""
    from playwright.sync_api import expect

    admin.locator("nav").get_by_role("link", name="Организации").click()
    admin.get_by_role("link", name="Гимназия № 7").first.click()
    _register_cohort(running, _invite_code(admin, "mentor"), _invite_code(admin, "mentee"))

    admin.locator("nav").get_by_role("link", name="Пары").click()
    admin.get_by_role("button", name="Предложить пары").click()
    expect(admin.locator("#proposal")).to_contain_text("Аннова Анна")
    expect(admin.locator("#proposal")).to_contain_text("Смирнова Ольга")
    approve = admin.locator("#approve")
    approve.get_by_label("Номер приказа").fill("№ 7-о")
    approve.get_by_label("Дата приказа").fill("2026-10-01")
    approve.get_by_role("button", name="Утвердить пары").click()
    expect(admin.get_by_text("Пары утверждены")).to_be_visible()
    approved = admin.locator("#approved table.approved")
    expect(approved).to_contain_text("Смирнова Ольга")
    expect(approved).to_contain_text("Аннова Анна")
    expect(approved).to_contain_text("№ 7-о")
    expect(approved).to_contain_text("01.10.2026")
    expect(admin.locator("#approved h2")).to_have_text("Утверждённые пары (1)")

    # A second proposal after the approval: no empty "ready" proposal, nobody to re-assign.
    admin.get_by_role("button", name="Предложить пары").click()
    expect(admin.get_by_text("Новых пар не получилось.")).to_be_visible()
    proposal = admin.locator("#proposal")
    expect(proposal).to_contain_text("Уже в утверждённых парах: 1")
    expect(proposal).not_to_contain_text("Пар нет.")
    expect(proposal).not_to_contain_text("уже в паре")
    expect(proposal.get_by_role("button", name="Назначить")).to_have_count(0)
    expect(admin.get_by_text("Предложение готово")).to_have_count(0)
