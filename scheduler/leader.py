"""Runs the scheduler's jobs (the outbox sender among them) only while this process leads.

Every replica builds the same scheduler with the same jobs, started paused. `LeaderLoop`
tries the election every `interval` seconds: elected, it resumes the scheduler; deposed
(its lock's connection lost), it pauses it again. A dead leader's lock is released by
PostgreSQL when its connection closes, so another replica takes over within one interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from apscheduler.schedulers.base import BaseScheduler

from storage.leadership import Election

__all__ = ["TRY_EVERY", "LeaderLoop"]

log = logging.getLogger(__name__)

TRY_EVERY = 5.0  # seconds: a takeover within 15 s needs at most a third of that


class LeaderLoop:
    def __init__(
        self, election: Election, scheduler: BaseScheduler, interval: float = TRY_EVERY
    ) -> None:
        self.election = election
        self.scheduler = scheduler
        self.interval = interval
        self.leading = False
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def step(self) -> bool:
        """One look at the election; returns whether this process leads now."""
        now_leading = (
            await self.election.held() if self.leading else await self.election.try_acquire()
        )
        if now_leading and not self.leading:
            log.info("leader.elected: running the scheduler and the outbox sender")
            self.scheduler.resume()
        elif self.leading and not now_leading:
            log.warning("leader.deposed: pausing the scheduler")
            self.scheduler.pause()
        if now_leading != self.leading:
            self.leading = now_leading
            self._changed.set()
        return now_leading

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="leader-election")

    async def _run(self) -> None:
        while True:
            try:
                await self.step()
            except Exception:  # one failed look must not end the election for good
                log.exception("leader.step_failed")
            await asyncio.sleep(self.interval)

    async def wait_changed(self) -> None:
        self._changed.clear()
        await self._changed.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.leading:
            self.scheduler.pause()
            self.leading = False
        await self.election.release()
