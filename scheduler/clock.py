"""Time as a dependency: the dispatcher and the rate limiter read it and sleep through it.

`FakeClock` lets tests move time forward without waiting: sleepers wake, in order, when
`advance()` passes their wake-up time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FakeClock", "SystemClock"]


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC wall-clock time (for due times and leases stored in the database)."""
        ...

    def monotonic(self) -> float:
        """Seconds that never jump back (for spacing sends; wall time may be adjusted)."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FakeClock:
    """A clock that moves only when told to.

    With `auto_advance=True` every sleep moves time forward to its own wake-up time at once
    (handy when a test only cares that time passes, not exactly how sleepers interleave);
    a sleeper never wakes before its time in either mode.
    """

    SETTLE_ROUNDS = 20  # event-loop turns given to woken tasks before time moves on

    def __init__(self, start: datetime | None = None, *, auto_advance: bool = False) -> None:
        self._start = start or datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
        if self._start.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._elapsed = 0.0
        self.auto_advance = auto_advance
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return (self._start + timedelta(seconds=self._elapsed)).astimezone(UTC)

    def monotonic(self) -> float:
        return self._elapsed

    @property
    def sleepers(self) -> int:
        return sum(1 for _, _, waiter in self._sleepers if not waiter.done())

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        wake_at = self._elapsed + seconds
        if self.auto_advance:
            self._elapsed = max(self._elapsed, wake_at)
            await asyncio.sleep(0)
            return
        waiter = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (wake_at, next(self._order), waiter))
        await waiter  # cancelling the sleeper cancels `waiter`; advance() skips it

    async def advance(self, seconds: float, *, stalled: bool = False) -> None:
        """Move time forward, waking each sleeper at exactly its wake-up time.

        `stalled=True` plays a busy event loop instead: time jumps first, and every
        sleeper due by then wakes late, all at the new time.
        """
        if seconds < 0:
            raise ValueError("time does not go back")
        await self._settle()
        target = self._elapsed + seconds
        if stalled:
            self._elapsed = target
        while self._sleepers and self._sleepers[0][0] <= target:
            wake_at, _, waiter = heapq.heappop(self._sleepers)
            if waiter.done():
                continue
            self._elapsed = max(self._elapsed, wake_at)
            waiter.set_result(None)
            await self._settle()
        self._elapsed = max(self._elapsed, target)
        await self._settle()

    async def _settle(self) -> None:
        for _ in range(self.SETTLE_ROUNDS):
            await asyncio.sleep(0)
