"""/stats work for every front door (chat, back office, CLI): the report, its charts, the XLSX.

Drawing charts and writing a region's workbook are pure-Python CPU (a chart is hundreds of
milliseconds, a region's workbook seconds). In a thread of the bot process they would hold
the GIL and stall every chat for that long, and the memory they take would stay with the
bot. So the running bot starts two worker processes (`start_worker`) that import no aiogram,
keep their own database connections and do this work; the bot only formats the text. A
scope's summary has its two charts drawn by both at once. Without workers (tests, CLI) the
same functions run in this process, charts in a thread.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from mentoring.stats.kpis import build_report
from mentoring.stats.periods import parse_period
from reports.data import StatsReport
from reports.labels import label
from storage import stats as stats_store
from storage.db import Database

__all__ = ["Chart", "StatsRequest", "StatsResult", "StatsService"]

log = logging.getLogger(__name__)

T = TypeVar("T")
PARENT_CHECK_SECONDS = 1.0
WORKERS = 2
Texts = Callable[..., str]


@dataclass(frozen=True, slots=True)
class StatsRequest:
    """What to report on; the caller has already checked the scope."""

    org_ids: frozenset[int] | None  # None: every organisation
    period: str  # a code for parse_period: "2026", "2026-H1", "2026-Q3"
    scope_label: str
    locale: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Chart:
    """One picture of a reply, or None where it would have nothing to draw: the front door
    then says the sentence `stats.no_chart.<name>` instead of sending an empty image."""

    name: str  # kpi, satisfaction, distribution, impact
    png: bytes | None


@dataclass(frozen=True, slots=True)
class StatsResult:
    report: StatsReport
    charts: tuple[Chart, ...] = ()  # in the order they are shown
    workbook: bytes = b""

    @property
    def images(self) -> tuple[bytes, ...]:
        """The PNGs that were drawn, in order."""
        return tuple(chart.png for chart in self.charts if chart.png is not None)


def _texts(translator: Any, locale: str) -> Texts:
    bound: Texts = translator.bind(locale)
    return bound


async def _report(db: Database, request: StatsRequest, *, details: bool) -> StatsReport:
    period = parse_period(request.period)
    if period is None:
        raise ValueError(f"unknown period {request.period!r}")
    return await build_report(
        db,
        request.org_ids,
        period,
        scope_label=request.scope_label,
        now=request.now,
        details=details,
        locale=request.locale,
    )


# matplotlib and the workbook writer are imported where they are used: the bot process,
# which hands this work to the workers, never loads them.


def _summary_images(report: StatsReport, t: Texts) -> tuple[Chart, ...]:
    """The KPI chart; for several organisations also satisfaction by organisation."""
    return _kpi_image(report, t) + _organisations_image(report, t)


def _kpi_image(report: StatsReport, t: Texts) -> tuple[Chart, ...]:
    from reports.charts import ChartSubject, kpi_chart

    return (Chart("kpi", kpi_chart(report.total.kpis, t, ChartSubject.of(report))),)


def _organisations_image(report: StatsReport, t: Texts) -> tuple[Chart, ...]:
    from reports.charts import ChartSubject, satisfaction_by_organisation_chart

    if not report.by_organisation:
        return ()
    orgs, subject = report.by_organisation, ChartSubject.of(report)
    return (Chart("satisfaction", satisfaction_by_organisation_chart(orgs, t, subject)),)


# A summary's pictures, drawn by one worker or, for a scope, by two side by side.
SUMMARY_PARTS = {
    "summary": _summary_images,
    "summary_kpi": _kpi_image,
    "summary_organisations": _organisations_image,
}


def _detail_images(report: StatsReport, t: Texts) -> tuple[Chart, ...]:
    from reports.charts import ChartSubject, distribution_chart, impact_chart

    subject = ChartSubject.of(report)
    total = report.total
    mentee, mentor = total.mentee_satisfaction, total.mentor_satisfaction
    labels = {
        item.item_code: label(t, f"reports.impact_item.{item.item_code}", item.item_code)
        for item in report.impact
    }
    return (
        Chart("distribution", distribution_chart(mentee, mentor, t, subject)),
        Chart("impact", impact_chart(report.impact, t, labels, subject)),
    )


async def _compute(
    db: Database,
    translator: Any,
    kind: str,
    request: StatsRequest,
    render: Callable[..., Any],
) -> StatsResult:
    t = _texts(translator, request.locale)
    if kind in SUMMARY_PARTS:
        report = await _report(db, request, details=False)
        charts = await render(SUMMARY_PARTS[kind], report, t)
        # The text needs the total only; a region's thousand organisations stay here.
        return StatsResult(replace(report, by_organisation=()), charts)
    report = await _report(db, request, details=True)
    # The caller needs the pictures or the file, not a region's 70,000 pair rows back.
    light = replace(report, by_organisation=(), pairs=(), practices=())
    if kind == "charts":
        return StatsResult(light, await render(_detail_images, report, t))
    if kind == "workbook":
        from reports.xlsx import analytical_report

        return StatsResult(light, workbook=await render(analytical_report, report, t))
    raise ValueError(f"unknown stats work {kind!r}")


async def _in_thread(function: Callable[..., T], *args: Any) -> T:
    return await asyncio.to_thread(function, *args)


async def _inline(function: Callable[..., T], *args: Any) -> T:
    return function(*args)


# -- the worker process ---------------------------------------------------------------------
# One event loop, one database and the texts per worker, made once by the initializer.
_worker: dict[str, Any] = {}


def _exit_with_parent(parent: int) -> None:
    """A worker must not outlive the bot: a SIGKILLed parent closes nothing, so watch it."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _worker_init(database_url: str, parent: int) -> None:
    from i18n import load_translator  # the texts only: i18n.translator imports no aiogram

    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _worker["loop"] = asyncio.new_event_loop()
    _worker["db"] = Database(database_url)
    _worker["translator"] = load_translator()
    # What is loaded now lives as long as the worker: kept out of the collector's full passes,
    # which would otherwise walk it every few requests (tens of ms on a region's report).
    gc.freeze()


def _worker_run(kind: str, request: StatsRequest) -> StatsResult:
    loop: asyncio.AbstractEventLoop = _worker["loop"]
    return loop.run_until_complete(
        _compute(_worker["db"], _worker["translator"], kind, request, _inline)
    )


def _worker_ready() -> bool:
    return "db" in _worker


@contextmanager
def _without_main_module() -> Iterator[None]:
    """A spawned child re-imports the parent's __main__ (for `mentorbot run` that is the
    console script, hence bot.cli, aiogram and all); the worker needs none of it, and it
    would double the worker's memory. So the child is shown an empty __main__."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class StatsService:
    def __init__(self, db: Database, translator: Any) -> None:
        self.db = db
        self.translator = translator
        self._pool: ProcessPoolExecutor | None = None

    @property
    def worker_pid(self) -> int | None:
        """The worker's process id once it runs (for measurements)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return next(iter(processes), None)

    @property
    def worker_pids(self) -> tuple[int, ...]:
        processes = getattr(self._pool, "_processes", None) or {}
        return tuple(processes)

    def start_worker(self) -> None:
        """Start the worker processes; they load in the background (a second or two) and the
        first request waits for them. Two: a scope's two summary charts are drawn side by
        side (each is hundreds of milliseconds), and a workbook being written leaves the
        other free for /stats."""
        self._pool = ProcessPoolExecutor(
            max_workers=WORKERS,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(self.db.url, os.getpid()),
        )
        with _without_main_module():  # a process starts with each submission, up to WORKERS
            ready = [self._pool.submit(_worker_ready) for _ in range(WORKERS)]
        ready[0].add_done_callback(
            lambda _: log.info("stats.worker_started pid=%s", self.worker_pid)
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def _run(self, kind: str, request: StatsRequest) -> StatsResult:
        if self._pool is None:
            return await _compute(self.db, self.translator, kind, request, _in_thread)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(_worker_run, kind, request))

    async def request(
        self,
        org_ids: frozenset[int] | None,
        period: str,
        locale: str,
        now: datetime,
        *,
        areas: Sequence[str] = (),
    ) -> StatsRequest | None:
        """What to report on (org_ids already checked against the person's scope), or None
        when no organisation matches. Its label: the organisation's name; for several, the
        coordinator's areas when given, else «Все организации (N)»."""
        if org_ids is not None and not org_ids:
            return None
        async with self.db.connect() as conn:
            orgs = await stats_store.organisations_in_scope(
                conn, None if org_ids is None else sorted(org_ids)
            )
        if not orgs:
            return None
        if len(orgs) == 1:
            scope_label = orgs[0].name
        elif areas:
            scope_label = ", ".join(areas)
        else:
            t = _texts(self.translator, locale)
            scope_label = t("stats.all_organisations", count=len(orgs))
        return StatsRequest(org_ids, period, scope_label, locale, now)

    async def report(self, request: StatsRequest) -> StatsReport:
        """The report alone (a table on a page): counting, no drawing, so in this process."""
        return await _report(self.db, request, details=False)

    async def summary(self, request: StatsRequest) -> StatsResult:
        """The report with the KPI chart (and satisfaction by organisation for several)."""
        single = request.org_ids is not None and len(request.org_ids) < 2
        if self._pool is None or single:
            return await self._run("summary", request)
        # Each worker counts (tens of ms, from the snapshot) and draws one of the two charts.
        kpi, organisations = await asyncio.gather(
            self._run("summary_kpi", request), self._run("summary_organisations", request)
        )
        return replace(kpi, charts=kpi.charts + organisations.charts)

    async def charts(self, request: StatsRequest) -> StatsResult:
        """The detailed report with the distribution and impact charts."""
        return await self._run("charts", request)

    async def workbook(self, request: StatsRequest) -> StatsResult:
        """The detailed report and its XLSX analytical note."""
        return await self._run("workbook", request)
