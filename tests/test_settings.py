"""Bad settings at start-up: one clear line naming the setting, exit status 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name in {
            "BOT_TOKEN",
            "ADMIN_IDS",
            "DATABASE_URL",
            "DEFAULT_TIMEZONE",
            "TELEGRAM_API_BASE",
        }:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///data/mentorbot.db"
    assert (settings.web_host, settings.web_port) == ("127.0.0.1", 8080)
    assert settings.default_timezone == "Europe/Moscow"
    assert settings.sandbox_mode and settings.admin_ids == frozenset()


def test_admin_ids_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", " 12, 34 ,56")
    assert load_settings().admin_ids == {12, 34, 56}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ADMIN_IDS", "12,abc", "setting ADMIN_IDS: 'abc' is not a Telegram user id"),
        ("ADMIN_IDS", "12;34", "setting ADMIN_IDS"),
        ("DEFAULT_TIMEZONE", "Moscow/Centre", "setting DEFAULT_TIMEZONE: unknown timezone"),
        ("DATABASE_URL", "not a url", "setting DATABASE_URL: cannot parse"),
        ("DATABASE_URL", "mysql://x/y", "setting DATABASE_URL: unsupported database"),
        (
            "DATABASE_URL",
            "sqlite:///data/x.db",
            "setting DATABASE_URL: SQLite needs the async driver",
        ),
        ("BOT_TOKEN", "not-a-token", "setting BOT_TOKEN"),
        ("TELEGRAM_API_BASE", "ftp://x", "setting TELEGRAM_API_BASE"),
        ("LOG_LEVEL", "LOUD", "setting LOG_LEVEL"),
        ("WEB_PORT", "99999", "setting WEB_PORT"),
        ("QUIET_HOURS", "9pm-8am", "setting QUIET_HOURS"),
        ("DIGEST_FREQUENCY", "hourly", "setting DIGEST_FREQUENCY"),
    ],
)
def test_bad_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def _run(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in env} | env
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ADMIN_IDS": "1,x"}, "mentorbot: setting ADMIN_IDS: 'x' is not a Telegram user id"),
        ({"DEFAULT_TIMEZONE": "Nowhere/City"}, "mentorbot: setting DEFAULT_TIMEZONE"),
        (
            {"DATABASE_URL": "sqlite+aiosqlite:////proc/no/such/dir/x.db"},
            "mentorbot: setting DATABASE_URL",
        ),
        (
            {"DATABASE_URL": "postgresql+asyncpg://u:p@127.0.0.1:1/db"},
            "mentorbot: setting DATABASE_URL",
        ),
    ],
)
def test_process_exits_2_with_one_line(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    result = _run(env, tmp_path)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith(expected), result.stderr
    assert "Traceback" not in result.stderr
