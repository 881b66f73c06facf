"""The scheduler: APScheduler 3 `AsyncIOScheduler` on the bot's event loop."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

__all__ = ["build_scheduler"]


def build_scheduler(timezone: str) -> AsyncIOScheduler:
    """Jobs are added by id with plain arguments, so they can be rebuilt after a restart."""
    return AsyncIOScheduler(
        timezone=timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
