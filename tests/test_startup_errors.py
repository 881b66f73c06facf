"""What stops the start is one line on stderr naming the setting or file, and exit status 2.

Each case runs the real `mentorbot` process in an empty directory, as an operator would.
"""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database
from storage.migrate import upgrade
from tests.process import ROOT, BotProcess, free_port

GOOD_KEY = "k" * 43


def _env(**extra: str) -> dict[str, str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in {"BOT_TOKEN", "TELEGRAM_API_BASE", "SECRET_KEY", "DATABASE_URL", "LOG_LEVEL"}
        and not k.startswith(("WEB_", "SANDBOX_"))
    }
    return {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(free_port()),
        "SANDBOX_PORT": "0",
        "LOG_LEVEL": "INFO",  # what an operator sees; nothing may come before the error
        **extra,
    }


def _one_line(status: int, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith("mentorbot: "), err
    return lines[0]


def _run(cwd: Path, *args: str, **env: str) -> str:
    # subprocess.run kills the process on timeout: a bot that starts anyway does not linger.
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=_env(**env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return _one_line(result.returncode, result.stderr)


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_a_busy_web_port(tmp_path: Path, busy_port: int) -> None:
    line = _run(tmp_path, "run", WEB_PORT=str(busy_port))
    assert line.startswith("mentorbot: setting WEB_PORT:") and str(busy_port) in line
    assert "in use" in line


def test_a_busy_sandbox_port(tmp_path: Path, busy_port: int) -> None:
    line = _run(tmp_path, "run", SANDBOX_PORT=str(busy_port))
    assert line.startswith("mentorbot: setting SANDBOX_PORT:") and "in use" in line


def test_an_unresolvable_web_host(tmp_path: Path) -> None:
    line = _run(tmp_path, "run", WEB_HOST="no-such-host.invalid")
    assert line.startswith("mentorbot: setting WEB_HOST:") and "no-such-host.invalid" in line


def test_a_dotenv_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("ADMIN_IDS=1\nBOT_USERNAME=Школа\n".encode("cp1251"))
    line = _run(tmp_path, "run")
    assert line.startswith("mentorbot: file .env:") and "UTF-8" in line


def test_a_damaged_secret_key_file(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secret_key").write_bytes(b"\xff\xfe\x00garbage\x00" * 4)
    line = _run(tmp_path, "run")
    assert line.startswith("mentorbot: file data/secret_key:") and "damaged" in line


def test_a_short_secret_key_is_refused_not_replaced(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "secret_key"
    key_file.parent.mkdir()
    key_file.write_text("short\n")
    line = _run(tmp_path, "run")
    assert line.startswith("mentorbot: file data/secret_key:") and "too short" in line
    assert key_file.read_text() == "short\n"  # not regenerated: nobody is logged out

    line = _run(tmp_path, "run", SECRET_KEY="also-short")
    assert line.startswith("mentorbot: setting SECRET_KEY:") and "16" in line


def test_a_database_at_an_unknown_migration(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'mentorbot.db'}"

    async def newer_database() -> None:
        db = Database(url)
        try:
            await upgrade(db)
            async with db.begin() as conn:
                await conn.execute(text("DELETE FROM alembic_version"))
                await conn.execute(text("INSERT INTO alembic_version VALUES ('9999_future')"))
        finally:
            await db.close()

    asyncio.run(newer_database())
    for command in (("run",), ("db", "upgrade")):
        line = _run(tmp_path, *command, SECRET_KEY=GOOD_KEY)
        assert line.startswith("mentorbot: setting DATABASE_URL:") and "9999_future" in line


async def test_data_and_database_files_are_for_the_owner_only(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual default: files readable by everybody
    bot = BotProcess(tmp_path, {"SANDBOX_PORT": "0"})
    try:
        await bot.start()
        data = tmp_path / "data"
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in data.iterdir()}
        assert {"mentorbot.db", "mentorbot.db-wal", "mentorbot.db-shm", "secret_key"} <= set(modes)
        assert set(modes.values()) == {0o600}, modes
    finally:
        os.umask(old_umask)
        bot.stop()
