"""Long operations (an import of thousands of rows) run as in-process asyncio jobs.

The request that starts a job returns at once; the job's page polls its progress. Jobs
live in memory (one process), so a restart forgets them, but never their effects: each
unit of work commits on its own.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["Job", "JobRegistry"]

log = logging.getLogger(__name__)


@dataclass
class Job:
    id: str
    owner_person_id: int
    kind: str
    started_at: datetime
    total: int | None = None  # unknown while the file is being read
    done: int = 0
    status: str = "running"  # running / done / failed
    result: Any = None

    @property
    def percent(self) -> int:
        if self.status != "running":
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class JobRegistry:
    def __init__(self, keep: int = 100) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()
        self._keep = keep

    def start(
        self,
        *,
        owner_person_id: int,
        kind: str,
        now: datetime,
        work: Callable[[Job], Awaitable[Any]],
    ) -> Job:
        job = Job(secrets.token_urlsafe(9), owner_person_id, kind, now)
        self._jobs[job.id] = job
        while len(self._jobs) > self._keep:
            self._jobs.popitem(last=False)
        task = asyncio.create_task(self._run(job, work), name=f"job-{kind}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, job: Job, work: Callable[[Job], Awaitable[Any]]) -> None:
        try:
            job.result = await work(job)
            job.status = "done"
        except Exception as exc:
            # The job page shows the failure. No traceback in the log: an SQL error's text
            # may quote the row's values, and those are personal data.
            job.status = "failed"
            log.error("job.failed id=%s kind=%s error=%s", job.id, job.kind, type(exc).__name__)

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    async def wait_all(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.wait_all()
