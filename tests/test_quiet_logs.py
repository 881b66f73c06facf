"""The log at INFO carries the bot's events, not APScheduler's two lines a second."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent

from bot.cli.base import QUIET_LOGGERS, configure_logging
from scheduler.setup import build_scheduler


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


async def test_a_scheduler_job_leaves_no_info_lines(
    caplog: pytest.LogCaptureFixture, restored_logging: None
) -> None:
    configure_logging("INFO")  # as `mentorbot run` does
    executed = asyncio.Event()

    def on_executed(event: JobExecutionEvent) -> None:
        executed.set()  # dispatched after the executor has logged the run

    async def tick() -> None:
        logging.getLogger("scheduler.test").info("tick.done")

    scheduler = build_scheduler("Europe/Moscow")
    scheduler.add_listener(on_executed, EVENT_JOB_EXECUTED)
    scheduler.add_job(tick, id="tick")  # no trigger: runs once, now
    scheduler.start()
    try:
        await asyncio.wait_for(executed.wait(), timeout=30)
    finally:
        scheduler.shutdown(wait=False)

    messages = [(r.levelno, r.name, r.getMessage()) for r in caplog.records]
    assert (logging.INFO, "scheduler.test", "tick.done") in messages  # INFO does reach the log
    assert not [m for m in messages if m[1].startswith("apscheduler") and m[0] < logging.WARNING]


async def test_a_failing_job_is_still_logged(
    caplog: pytest.LogCaptureFixture, restored_logging: None
) -> None:
    configure_logging("INFO")
    failed = asyncio.Event()

    async def broken() -> None:
        raise RuntimeError("boom")

    scheduler = build_scheduler("Europe/Moscow")
    scheduler.add_listener(lambda event: failed.set(), EVENT_JOB_ERROR)  # after the log line
    scheduler.add_job(broken, id="broken")
    scheduler.start()
    try:
        await asyncio.wait_for(failed.wait(), timeout=30)
    finally:
        scheduler.shutdown(wait=False)
    assert any(
        r.name == "apscheduler.executors.default" and r.levelno >= logging.ERROR
        for r in caplog.records
    )
