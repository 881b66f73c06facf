"""The stats worker process lives and dies with the bot, even when the bot is SIGKILLed."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from pathlib import Path

from sandbox.server import SandboxServer
from tests.pg import database_url
from tests.process import BotProcess, free_port


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


async def _worker_pid(bot: BotProcess, timeout: float = 30) -> int:
    for _ in range(int(timeout * 10)):
        found = re.search(r"stats\.worker_started pid=(\d+)", bot.log())
        if found:
            return int(found.group(1))
        await asyncio.sleep(0.1)
    raise AssertionError(f"no stats worker started:\n{bot.log()}")


async def test_the_worker_goes_when_the_bot_is_killed(tmp_path: Path) -> None:
    sandbox = SandboxServer(host="127.0.0.1", port=free_port())
    await sandbox.start()
    bot = BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": "123456:E2E-WORKER",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": database_url(tmp_path, "bot.db"),
        },
    )
    worker = 0
    try:
        await bot.start()
        worker = await _worker_pid(bot)
        assert _alive(worker)
        bot.kill()
        for _ in range(100):
            if not _alive(worker):
                break
            await asyncio.sleep(0.1)
        assert not _alive(worker), "the stats worker outlived the bot"
    finally:
        bot.stop()
        if worker and _alive(worker):  # only if the test failed: leave nothing behind
            os.kill(worker, signal.SIGKILL)
        await sandbox.stop()
