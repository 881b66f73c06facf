"""Login CSRF: another site cannot sign a curator's browser in to an account of its choosing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from admin.tokens import issue_login_token
from i18n import Translator
from storage.db import Database
from tests.admin_web import BASE_URL, SECRET, AdminWeb, admin_web, make_person
from tests.factories import make_school


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


async def _post_login(web: AdminWeb, token: str, headers: dict[str, str]) -> tuple[int, str]:
    agent = await web.agent()
    response = await agent.http.post(
        web.server.make_url("/admin/login"),
        data={"token": token},
        headers=headers,
        allow_redirects=False,
    )
    return response.status, await response.text()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": BASE_URL, "Sec-Fetch-Site": "cross-site"},  # the browser's word wins
        {"Sec-Fetch-Site": "same-site", "Referer": "http://sub.127.0.0.1/"},
        {"Origin": "http://127.0.0.1:8443"},  # another port is another origin
        {"Origin": "null"},
        {"Origin": "null", "Referer": "https://evil.example/form"},
        {"Referer": "https://evil.example/form"},
        {},  # says nothing about where it comes from
    ],
)
async def test_a_cross_site_login_is_refused_and_the_link_kept(
    web: AdminWeb, db: Database, headers: dict[str, str]
) -> None:
    school = await make_school(db)
    attacker = await make_person(db, "Чужой Иван", "curator", school)
    token = issue_login_token(SECRET, attacker, web.clock())
    status, page = await _post_login(web, token, headers)
    assert status == 403 and 'data-reason="cross_site"' in page
    assert "Форма входа пришла с другого сайта" in page

    # Refused before anything is spent: the link still works from the office's own page.
    status, _ = await _post_login(web, token, {"Origin": BASE_URL})
    assert status == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": BASE_URL},
        {"Origin": BASE_URL + ":80", "Sec-Fetch-Site": "same-origin"},  # the default port
        {"Origin": "null", "Referer": BASE_URL + "/admin/login?token=x"},
        {"Referer": BASE_URL + "/admin/login?token=x"},
    ],
)
async def test_a_login_from_the_office_page_works(
    web: AdminWeb, db: Database, headers: dict[str, str]
) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school)
    status, _ = await _post_login(web, issue_login_token(SECRET, curator, web.clock()), headers)
    assert status == 303


async def test_the_login_page_lets_the_browser_say_its_origin(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school)
    agent = await web.agent()
    token = issue_login_token(SECRET, curator, web.clock())
    response = await agent.get(f"/admin/login?token={token}")
    # "no-referrer" would make the browser post `Origin: null`, and the check would refuse it.
    assert response.headers["Referrer-Policy"] == "same-origin"
    await agent.get("/admin/")
    assert (await agent.get("/admin/")).headers["Referrer-Policy"] == "no-referrer"
