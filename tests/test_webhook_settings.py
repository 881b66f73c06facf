"""WEBHOOK_URL and WEBHOOK_SECRET: what Telegram would refuse stops the start as one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from tests.process import ROOT, free_port


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET", "BOT_TOKEN", "TELEGRAM_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_no_webhook_by_default() -> None:
    settings = load_settings()
    assert settings.webhook_url == "" and settings.webhook_secret is None


@pytest.mark.parametrize(
    "url",
    [
        "https://mentor.example.org/telegram/webhook",
        "https://mentor.example.org:8443/tg",
        "http://127.0.0.1:8080/tg",
        "http://localhost:8080/tg",
    ],
)
def test_https_or_this_machine(url: str) -> None:
    settings = load_settings(webhook_url=url, webhook_secret="A-z_09")
    assert settings.webhook_url == url
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == "A-z_09"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"webhook_url": "http://mentor.example.org/tg", "webhook_secret": "abc"},
            "setting WEBHOOK_URL: 'http://mentor.example.org/tg' must be an https:// URL "
            "(http:// only for 127.0.0.1 or localhost)",
        ),
        (
            {"webhook_url": "mentor.example.org/tg", "webhook_secret": "abc"},
            "setting WEBHOOK_URL: 'mentor.example.org/tg' must be an https:// URL "
            "(http:// only for 127.0.0.1 or localhost)",
        ),
        (
            {"webhook_url": "https://mentor.example.org/tg"},
            "setting WEBHOOK_SECRET: required when WEBHOOK_URL is set (1-256 of A-Z a-z 0-9 _ -)",
        ),
        (
            {"webhook_url": "https://mentor.example.org/tg", "webhook_secret": "with space"},
            "setting WEBHOOK_SECRET: must be 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule)",
        ),
        (
            {"webhook_url": "https://mentor.example.org/tg", "webhook_secret": "x" * 257},
            "setting WEBHOOK_SECRET: must be 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule)",
        ),
        (
            {"webhook_url": "https://mentor.example.org/tg", "webhook_secret": "пароль"},
            "setting WEBHOOK_SECRET: must be 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule)",
        ),
    ],
)
def test_refused(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(**overrides)
    assert str(refused.value) == message


def test_the_longest_secret_telegram_takes() -> None:
    settings = load_settings(webhook_url="https://m.example.org/tg", webhook_secret="x" * 256)
    assert settings.webhook_secret is not None


def test_a_url_without_a_secret_stops_the_process_with_one_line(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WEB", "BOT_", "SANDBOX_"))},
        "PYTHONPATH": str(ROOT),
        "WEB_PORT": str(free_port()),
        "SANDBOX_PORT": "0",
        "WEBHOOK_URL": "https://mentor.example.org/telegram/webhook",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert lines == [
        "mentorbot: setting WEBHOOK_SECRET: required when WEBHOOK_URL is set "
        "(1-256 of A-Z a-z 0-9 _ -)"
    ]
