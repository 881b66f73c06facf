"""Group commit (групповая фиксация): concurrent writes committed in one transaction.

Every caller hands in a small write job and awaits its own durable commit, so a survey
answer is still stored before the bot replies; but thirty people answering at once cost
one transaction and one connection instead of thirty transactions queueing for SQLite's
single write lock (each waiting in the busy handler's sleeps).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

__all__ = ["GroupCommit", "WriteJob"]

T = TypeVar("T")
WriteJob = Callable[[AsyncConnection], Awaitable[T]]


class GroupCommit:
    """One writer task; jobs queued while it commits go together into the next batch.

    A job must only write to the database through the connection it is given: when a batch
    fails, it is rolled back and each job is replayed alone, so one bad job fails only its
    own caller.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._pending: list[tuple[WriteJob[Any], asyncio.Future[Any]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, job: WriteJob[T]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append((job, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            # A caller cancelled while queued (shutdown) gets no write it cannot learn about.
            batch = [(job, future) for job, future in self._pending if not future.done()]
            self._pending = []
            try:
                await self._commit(batch)
            except BaseException:  # cancelled at shutdown: nobody waits forever
                for _, future in [*batch, *self._pending]:
                    future.cancel()
                self._pending = []
                raise

    async def _commit(self, batch: list[tuple[WriteJob[Any], asyncio.Future[Any]]]) -> None:
        if not batch:
            return
        try:
            async with self.engine.begin() as conn:
                results = [await job(conn) for job, _ in batch]
        except Exception as exc:
            if len(batch) > 1:
                for single in batch:  # rolled back: replay alone to find the failing job
                    await self._commit([single])
            elif not batch[0][1].done():
                batch[0][1].set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
