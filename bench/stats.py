"""/stats at region scale: aggregation (SQL), chart, the whole reply, and peak RSS.

    python -m bench.stats            # 1,000 organisations, 200,000 people, ~2.3M answers
    python -m bench.stats --small    # 100 organisations, 20,000 people

The full build takes about a minute here, so it is the default.

The database is built once by the demo generator (bulk inserts) in a child process, so that
the peak RSS printed here is that of the /stats path, and is reused (migrated) on the next run.

A region-wide scope reads the per-organisation snapshot the scheduler refreshes every 10
minutes (mentoring/stats_facts.py); the bench prints the live count, the refresh and the
snapshot-served reply, so both costs are visible.
Figures are printed against the goals; nothing is asserted (DESIGN §4).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.i18n import load_translator
from handlers.stats import summary_text
from mentoring.access import load_scope
from mentoring.demo import DemoSize, write_demo
from mentoring.demo_people import REGION
from mentoring.stats import DEFAULT_THRESHOLD, build_report, parse_period, school_year_of
from mentoring.stats_facts import live_facts
from reports.charts import kpi_chart, satisfaction_by_organisation_chart
from reports.xlsx import analytical_report
from scheduler.clock import SystemClock
from scheduler.stats_refresh import StatsRefresher
from storage import people as people_store
from storage.db import Database
from storage.migrate import upgrade
from storage.schema import coordinator_coverage

GOALS = {"aggregation": 0.100, "reply": 0.5}
RSS_GOAL_MB = 200
COORDINATOR_TELEGRAM_ID = -(10**12)  # a demo id (negative) far below the generated ones


async def _build(url: str, size: DemoSize, exists: bool) -> None:
    db = Database(url)
    await upgrade(db)  # a database kept from an older checkout gets the new indexes
    if exists:
        await db.close()
        return
    started = time.perf_counter()
    counts = await write_demo(db, size, force=False)
    async with db.begin() as conn:
        person_id = await people_store.create(
            conn, telegram_id=COORDINATOR_TELEGRAM_ID, locale="ru", username=None, status="active"
        )
        await people_store.add_membership(conn, person_id, None, "coordinator")
        await conn.execute(
            coordinator_coverage.insert().values(
                person_id=person_id, region=REGION, created_at=datetime.now(UTC)
            )
        )
    await db.close()
    print(f"built in {time.perf_counter() - started:.1f} s: {counts}")


def _build_in_child(url: str, size: DemoSize, exists: bool) -> None:
    asyncio.run(_build(url, size, exists))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _aiogram_import_mb() -> float:
    """Peak RSS of a fresh interpreter that only imports aiogram: the floor of any bot."""
    # VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork and exec.
    code = (
        "import re, aiogram; "
        "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout) / 1024


def _line(name: str, values: list[float], goal: float | None = None) -> str:
    best, median = min(values), sorted(values)[len(values) // 2]
    verdict = "" if goal is None else f"  goal ≤ {goal * 1000:.0f} ms: {median <= goal}"
    return f"{name:22} median {median * 1000:8.1f} ms  best {best * 1000:8.1f} ms{verdict}"


async def _measure(url: str, runs: int) -> None:
    imported_mb = _rss_mb()
    db = Database(url)
    t = load_translator().bind("ru")
    now = datetime.now(UTC)
    period = parse_period(str(school_year_of(now.date())))
    assert period is not None
    async with db.connect() as conn:
        person = await people_store.get_by_telegram_id(conn, COORDINATOR_TELEGRAM_ID)
    scope = await load_scope(db, person)
    assert scope is not None and scope.organisation_ids is not None
    ids = sorted(scope.organisation_ids)
    timings: dict[str, list[float]] = {"live": [], "aggregation": [], "chart": [], "reply": []}
    for _ in range(runs):
        started = time.perf_counter()
        await live_facts(db, ids, period, DEFAULT_THRESHOLD)
        timings["live"].append(time.perf_counter() - started)
    started = time.perf_counter()
    rows = await StatsRefresher(db, SystemClock()).run_once()
    refresh = time.perf_counter() - started
    for _ in range(runs):
        started = time.perf_counter()
        scope = await load_scope(db, person)
        assert scope is not None and scope.organisation_ids is not None
        aggregation_started = time.perf_counter()
        report = await build_report(
            db, scope.organisation_ids, period, scope_label=REGION, now=datetime.now(UTC)
        )
        timings["aggregation"].append(time.perf_counter() - aggregation_started)
        text = summary_text(report, t)
        chart_started = time.perf_counter()
        # What /stats sends a coordinator: the KPI chart and satisfaction by organisation.
        png = await asyncio.to_thread(kpi_chart, report.total.kpis, t)
        await asyncio.to_thread(satisfaction_by_organisation_chart, report.by_organisation, t)
        timings["chart"].append(time.perf_counter() - chart_started)
        timings["reply"].append(time.perf_counter() - started)
    assert report.counted_at is not None, "the region scope should read the snapshot"
    peak_mb = _rss_mb()
    # The «Отчёт XLSX» button: the detailed report (pair list, impact, practices) and the
    # workbook, once, after the reply's peak was taken.
    started = time.perf_counter()
    detailed = await build_report(
        db, scope.organisation_ids, period, scope_label=REGION, now=now, details=True
    )
    details_s = time.perf_counter() - started
    started = time.perf_counter()
    workbook = await asyncio.to_thread(analytical_report, detailed, t)
    workbook_s = time.perf_counter() - started
    await db.close()
    print(f"scope: {len(ids)} organisations; summary {len(text)} chars; chart {len(png)} bytes")
    print(_line("counting live (SQL)", timings["live"]))
    print(f"{'snapshot refresh':22} {refresh:8.2f} s for {rows} rows (every 10 min, 5 periods)")
    print(_line("aggregation (snapshot)", timings["aggregation"], GOALS["aggregation"]))
    print(_line("two charts", timings["chart"]))
    print(_line("whole reply", timings["reply"], GOALS["reply"]))
    aiogram_mb = _aiogram_import_mb()
    print(
        f"peak RSS {peak_mb:8.1f} MB  goal ≤ {RSS_GOAL_MB} MB: {peak_mb <= RSS_GOAL_MB}; "
        f"after imports {imported_mb:.1f} MB, so /stats itself adds {peak_mb - imported_mb:.1f} MB; "
        f"a bare `import aiogram` alone peaks at {aiogram_mb:.1f} MB"
    )
    print(
        f"XLSX button: detailed report {details_s:.2f} s ({len(detailed.pairs)} pairs, "
        f"{len(detailed.impact)} impact items), workbook {workbook_s:.2f} s, "
        f"{len(workbook) / 1e6:.1f} MB; peak RSS then {_rss_mb():.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="100 organisations, 20,000 people")
    parser.add_argument("--db", type=Path, default=None, help="database file (reused if present)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    size = DemoSize(100, 20_000, 1) if args.small else DemoSize(1000, 200_000, 1)
    path = args.db or Path(f"bench-stats-{size.orgs}-{size.people}.db")
    url = f"sqlite+aiosqlite:///{path}"
    child = multiprocessing.get_context("spawn").Process(
        target=_build_in_child, args=(url, size, path.exists())
    )
    child.start()
    child.join()
    if child.exitcode:
        sys.exit(child.exitcode)
    asyncio.run(_measure(url, args.runs))


if __name__ == "__main__":
    main()
