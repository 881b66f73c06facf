"""The stats refresh job: every few minutes, count the /stats periods for every organisation
and store the snapshot large scopes read (mentoring/stats/facts.py).

Skipped while the whole deployment has no more organisations than a scope counted live.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.base import BaseScheduler

from mentoring.stats.activity import period_choices
from mentoring.stats.facts import LIVE_LIMIT, REFRESH_EVERY, refresh_snapshots
from mentoring.stats.kpis import DEFAULT_THRESHOLD
from mentoring.stats.periods import Period, parse_period
from scheduler.clock import Clock
from storage import stats as stats_store
from storage.db import Database

__all__ = ["JOB_ID", "StatsRefresher"]

log = logging.getLogger(__name__)

JOB_ID = "stats-refresh"


class StatsRefresher:
    def __init__(self, db: Database, clock: Clock, *, threshold: float = DEFAULT_THRESHOLD):
        self.db = db
        self.clock = clock
        self.threshold = threshold

    async def run_once(self) -> int:
        """Rows written; 0 when the deployment is small enough to count live."""
        async with self.db.connect() as conn:
            ids = [o.id for o in await stats_store.organisations_in_scope(conn, None)]
        if len(ids) <= LIVE_LIMIT:
            return 0
        now = self.clock.now()
        periods: list[Period] = []
        for _, code in period_choices(now.date()):
            period = parse_period(code)
            if period is not None and period not in periods:
                periods.append(period)
        return await refresh_snapshots(self.db, ids, periods, self.threshold, now)

    async def _tick(self) -> None:
        try:
            await self.run_once()
        except Exception:  # a bad run must not stop the next one
            log.exception("stats.refresh_failed")

    def start(self, scheduler: BaseScheduler) -> None:
        scheduler.add_job(
            self._tick,
            "interval",
            seconds=REFRESH_EVERY.total_seconds(),
            id=JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            next_run_time=self.clock.now(),
        )
