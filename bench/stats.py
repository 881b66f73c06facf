"""/stats at region scale: aggregation (SQL), chart, the whole reply, and peak RSS.

    python -m bench.stats            # 1,000 organisations, 200,000 people, ~2.3M answers
    python -m bench.stats --small    # 100 organisations, 20,000 people

The full build takes about a minute here, so it is the default.

The database is built once by the demo generator (bulk inserts) in a child process, so that
the peak RSS printed here is that of the /stats path, and is reused on the next run.
Figures are printed against the goals; nothing is asserted (DESIGN §4).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.i18n import load_translator
from handlers.stats import summary_text
from mentoring.access import load_scope
from mentoring.demo import DemoSize, write_demo
from mentoring.demo_people import REGION
from mentoring.stats import build_report, parse_period, school_year_of
from reports.charts import kpi_chart
from storage import people as people_store
from storage import stats as stats_store
from storage.db import Database
from storage.migrate import upgrade
from storage.schema import coordinator_coverage

GOALS = {"aggregation": 0.100, "reply": 0.5}
RSS_GOAL_MB = 200
COORDINATOR_TELEGRAM_ID = -(10**12)  # a demo id (negative) far below the generated ones


async def _build(url: str, size: DemoSize) -> None:
    db = Database(url)
    await upgrade(db)
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


def _build_in_child(url: str, size: DemoSize) -> None:
    asyncio.run(_build(url, size))


async def _measure(url: str, runs: int) -> None:
    db = Database(url)
    t = load_translator().bind("ru")
    now = datetime.now(UTC)
    period = parse_period(str(school_year_of(now.date())))
    assert period is not None
    async with db.connect() as conn:
        person = await people_store.get_by_telegram_id(conn, COORDINATOR_TELEGRAM_ID)
    timings: dict[str, list[float]] = {"aggregation": [], "chart": [], "reply": []}
    for _ in range(runs):
        started = time.perf_counter()
        scope = await load_scope(db, person)
        assert scope is not None and scope.organisation_ids is not None
        async with db.connect() as conn:
            orgs = await stats_store.organisations_in_scope(conn, sorted(scope.organisation_ids))
        aggregation_started = time.perf_counter()
        report = await build_report(db, scope.organisation_ids, period, scope_label=REGION, now=now)
        timings["aggregation"].append(time.perf_counter() - aggregation_started)
        text = summary_text(report, t)
        chart_started = time.perf_counter()
        png = await asyncio.to_thread(kpi_chart, report.total.kpis, t)
        timings["chart"].append(time.perf_counter() - chart_started)
        timings["reply"].append(time.perf_counter() - started)
    await db.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scope: {len(orgs)} organisations; summary {len(text)} chars; chart {len(png)} bytes")
    for name, values in timings.items():
        best, median = min(values), sorted(values)[len(values) // 2]
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"  goal ≤ {goal * 1000:.0f} ms: {median <= goal}"
        print(f"{name:12} median {median * 1000:8.1f} ms  best {best * 1000:8.1f} ms{verdict}")
    print(f"peak RSS     {rss_mb:8.1f} MB  goal ≤ {RSS_GOAL_MB} MB: {rss_mb <= RSS_GOAL_MB}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="100 organisations, 20,000 people")
    parser.add_argument("--db", type=Path, default=None, help="database file (reused if present)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    size = DemoSize(100, 20_000, 1) if args.small else DemoSize(1000, 200_000, 1)
    path = args.db or Path(f"bench-stats-{size.orgs}-{size.people}.db")
    url = f"sqlite+aiosqlite:///{path}"
    if not path.exists():
        child = multiprocessing.get_context("spawn").Process(
            target=_build_in_child, args=(url, size)
        )
        child.start()
        child.join()
        if child.exitcode:
            sys.exit(child.exitcode)
    asyncio.run(_measure(url, args.runs))


if __name__ == "__main__":
    main()
