"""Helpers for the real-browser tests: Debian's chromium under Playwright, the real process.

No `playwright install` here (it downloads a browser): Playwright drives the system's
/usr/bin/chromium. Without it the tests skip and say how to install it; with CI=true in
the environment a missing browser fails them instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.process import ROOT, BotProcess, free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

__all__ = [
    "CHROMIUM_ARGS",
    "RunningBot",
    "launch_chromium",
    "save_screenshot",
    "screenshots_on_failure",
    "start_bot",
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
INSTALL_HINT = (
    "install Debian's chromium (`sudo apt-get install chromium`) and the dev extras "
    "(`.venv/bin/pip install -e '.[dev]'`); never `playwright install`"
)


def _missing(what: str) -> None:
    message = f"browser tests need {what}: {INSTALL_HINT}"
    if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        shutil.which("chromium"),
        "/usr/bin/chromium",
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package")
        raise  # unreachable: _missing skips or fails
    path = _chromium_path()
    if path is None:
        _missing("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def screenshots_on_failure(
    context: BrowserContext, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Wrap a fixture's yield: if its test failed, every open page goes to
    test-artifacts/<test name>-<n>.png. (A fixture never sees the test's exception, but
    the session's failure count has grown by the time the fixture is torn down.)"""
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed == failed_before:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]", "_", request.node.name)
    for number, page in enumerate(context.pages):
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}-{number}.png"), full_page=True)
        except Exception:  # a crashed page must not hide the original failure
            continue


def save_screenshot(page: Any, name: str) -> None:
    """The README's pictures: into test-artifacts/ on every run, and over docs/screenshots/
    only with UPDATE_SCREENSHOTS=1, so that a test run leaves the checkout as it was."""
    refresh = os.environ.get("UPDATE_SCREENSHOTS", "") == "1"
    folder = SCREENSHOTS if refresh else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


@dataclass
class RunningBot:
    process: BotProcess
    web_url: str
    sandbox_url: str

    def create_sandbox_user(self, first_name: str, language_code: str = "ru") -> int:
        request = urllib.request.Request(
            f"{self.sandbox_url}/_sandbox/users",
            data=json.dumps({"first_name": first_name, "language_code": language_code}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(json.load(response)["id"])


def _run_in_thread(start: Callable[[], Coroutine[Any, Any, None]]) -> None:
    # Playwright's sync API keeps an event loop running in this thread: use another one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, start()).result()


@contextmanager
def start_bot(workdir: Path, env: dict[str, str]) -> Iterator[RunningBot]:
    """`python -m bot run` in sandbox mode (no BOT_TOKEN), on 127.0.0.1, stopped afterwards."""
    sandbox_port = free_port()
    process = BotProcess(workdir, {"SANDBOX_PORT": str(sandbox_port), **env})
    try:
        _run_in_thread(process.start)
        yield RunningBot(
            process,
            f"http://127.0.0.1:{process.web_port}",
            f"http://127.0.0.1:{sandbox_port}",
        )
    finally:
        process.stop()
