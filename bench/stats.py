"""/stats at region scale: aggregation (SQL), charts, the whole reply, the XLSX, peak RSS.

    python -m bench.stats            # 1,000 organisations, 200,000 people, ~3.5M answers
    python -m bench.stats --small    # 100 organisations, 20,000 people

The full build takes about a minute and a half here, and it is the default.

The database is built once by the demo generator (bulk inserts) in a child process, so that
the peak RSS printed here is that of the /stats path, and is reused (migrated) on the next run.

A region-wide scope reads the per-organisation snapshot the scheduler refreshes every 10
minutes (mentoring/stats/facts.py); the bench prints the live count, the refresh and the
snapshot-served reply, so both costs are visible. As in the running bot, the charts and the
workbook are made by the stats worker processes (mentoring/stats/service.py); their peak RSS
and that of this bot-side process are printed apart.

Two baselines are measured in the same run, so that the figures mean the same on any machine:
a raw SQLite scan of the answers table (what counting from the answers would cost at the
least) and matplotlib drawing an empty figure to PNG (the floor of any chart). The figures
are printed against the goals and as ratios to the baselines; nothing is asserted (DESIGN §4).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import re
import resource
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from i18n import load_translator
from mentoring.demo.people import REGION
from mentoring.demo.seed import DemoSize, write_demo
from mentoring.people.access import load_scope
from mentoring.stats.facts import live_facts
from mentoring.stats.kpis import DEFAULT_THRESHOLD, parse_period, school_year_of
from mentoring.stats.service import StatsRequest, StatsService
from reports.summary import summary_text
from scheduler.clock import SystemClock
from scheduler.stats_refresh import StatsRefresher
from storage import people as people_store
from storage.db import Database
from storage.migrate import upgrade
from storage.schema import coordinator_coverage
from storage.transfer import CopyError, copy_database

GOALS = {"aggregation": 0.100, "reply": 0.5, "xlsx": 5.0}
XLSX_RUNS = 3
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


def _peak_mb(pid: int) -> float:
    """VmHWM, the peak RSS of another process (ru_maxrss only knows this one and its dead
    children, and keeps the parent's peak across fork and exec)."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+)", status)
    assert found is not None
    return int(found.group(1)) / 1024


def _aiogram_import_mb() -> float:
    """Peak RSS of a fresh interpreter that only imports aiogram: the floor of any bot."""
    code = (
        "import re, aiogram; "
        "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout) / 1024


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _line(name: str, values: list[float], goal: float | None = None) -> str:
    best, median = min(values), _median(values)
    verdict = "" if goal is None else f"  goal ≤ {goal * 1000:.0f} ms: {median <= goal}"
    return f"{name:24} median {median * 1000:8.1f} ms  best {best * 1000:8.1f} ms{verdict}"


def _answers_scan(path: Path, runs: int) -> list[float]:
    """Baseline: a raw SQLite scan of every answer row (sqlite3, no SQLAlchemy, no Python per
    row), the least any count from the answers could cost."""
    timings = []
    with sqlite3.connect(path) as conn:
        for _ in range(runs + 1):  # the first run warms the page cache
            started = time.perf_counter()
            conn.execute("SELECT sum(length(value)) FROM answers").fetchone()
            timings.append(time.perf_counter() - started)
    return timings[1:]


def _empty_figure_times(runs: int) -> list[float]:
    """Baseline: matplotlib drawing an empty figure of the charts' size to PNG (run in the
    child that measures it, so that this bot-side process never loads matplotlib)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    timings = []
    for _ in range(runs + 1):  # the first draw loads the fonts
        started = time.perf_counter()
        figure = Figure(figsize=(12, 8), dpi=100)
        FigureCanvasAgg(figure)
        figure.subplots()
        figure.savefig(io.BytesIO(), format="png")
        timings.append(time.perf_counter() - started)
    return timings[1:]


def _empty_figure(runs: int) -> list[float]:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_empty_figure_times, runs).result()


def _ratio(name: str, value: float, baseline: float, what: str) -> str:
    return f"{name:24} {value / baseline:6.1f} × {what}"


async def _measure(url: str, path: Path, runs: int) -> None:
    scan = _median(_answers_scan(path, runs))
    empty = _median(_empty_figure(runs))
    db = Database(url)
    translator = load_translator()
    t = translator.bind("ru")
    now = datetime.now(UTC)
    code = str(school_year_of(now.date()))
    period = parse_period(code)
    assert period is not None
    async with db.connect() as conn:
        person = await people_store.get_by_telegram_id(conn, COORDINATOR_TELEGRAM_ID)
    scope = await load_scope(db, person)
    assert scope is not None and scope.organisation_ids is not None
    ids = sorted(scope.organisation_ids)
    timings: dict[str, list[float]] = {"live": [], "aggregation": [], "reply": []}
    for _ in range(runs):
        started = time.perf_counter()
        await live_facts(db, ids, period, DEFAULT_THRESHOLD)
        timings["live"].append(time.perf_counter() - started)
    stats = StatsService(db, translator)  # as the bot runs it: charts in the worker processes
    request = StatsRequest(scope.organisation_ids, code, REGION, "ru", now)
    await stats.report(request)  # what a process loads once (the questionnaires' titles)
    started = time.perf_counter()
    rows = await StatsRefresher(db, SystemClock()).run_once()
    refresh = time.perf_counter() - started

    stats.start_worker()
    await stats.summary(request)  # the workers have loaded
    # The first count after a refresh parses the snapshot; later ones find it parsed.
    started = time.perf_counter()
    report = await stats.report(request)
    first_aggregation = time.perf_counter() - started
    for _ in range(runs):
        started = time.perf_counter()
        report = await stats.report(request)
        timings["aggregation"].append(time.perf_counter() - started)
    bot_mb = _rss_mb()
    for _ in range(runs):
        started = time.perf_counter()
        scope = await load_scope(db, person)  # what the handler does, in order
        assert scope is not None and scope.organisation_ids is not None
        result = await stats.summary(request)
        text = summary_text(result.report, t)
        timings["reply"].append(time.perf_counter() - started)
    worker_pids = stats.worker_pids
    assert worker_pids and result.report.counted_at is not None
    reply_worker_mb = max(_peak_mb(pid) for pid in worker_pids)
    xlsx: list[float] = []
    for _ in range(XLSX_RUNS):
        started = time.perf_counter()
        workbook = await stats.workbook(request)  # the «Отчёт XLSX» button
        xlsx.append(time.perf_counter() - started)
    workbook_worker_mb = max(_peak_mb(pid) for pid in worker_pids)
    stats.close()
    await db.close()

    print(
        f"scope: {len(ids)} organisations; summary {len(text)} chars; {len(report.by_organisation)} rows"
    )
    print(_line("counting live (SQL)", timings["live"]))
    print(f"{'snapshot refresh':24} {refresh:8.2f} s for {rows} rows (every 10 min, 5 periods)")
    print(
        f"{'aggregation, 1st after refresh':24} {first_aggregation * 1000:8.1f} ms "
        "(parses the snapshot once per refresh and process)"
    )
    print(_line("aggregation (snapshot)", timings["aggregation"], GOALS["aggregation"]))
    print(_line("whole reply, 2 charts", timings["reply"], GOALS["reply"]))
    print(
        f"{'XLSX button':24} median {_median(xlsx):8.2f} s   best {min(xlsx):8.2f} s  "
        f"goal ≤ {GOALS['xlsx']:.0f} s: {_median(xlsx) <= GOALS['xlsx']} "
        f"({len(workbook.report.impact)} impact items, {len(workbook.workbook) / 1e6:.1f} MB)"
    )
    print(f"baseline: SQLite scan of the answers table  median {scan * 1000:8.1f} ms")
    print(f"baseline: matplotlib empty figure (PNG)     median {empty * 1000:8.1f} ms")
    print(_ratio("aggregation", _median(timings["aggregation"]), scan, "the answers scan"))
    print(_ratio("whole reply", _median(timings["reply"]), empty, "an empty figure"))
    print(_ratio("XLSX button", _median(xlsx), scan, "the answers scan"))
    print(
        f"peak RSS of the /stats work (workers) {reply_worker_mb:6.1f} MB  goal ≤ {RSS_GOAL_MB} MB: "
        f"{reply_worker_mb <= RSS_GOAL_MB}; {workbook_worker_mb:.1f} MB after the XLSX"
    )
    print(
        f"peak RSS of the bot side (this process) {bot_mb:6.1f} MB, at most {_rss_mb():.1f} MB; "
        f"a bare `import aiogram` alone peaks at {_aiogram_import_mb():.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="100 organisations, 20,000 people")
    parser.add_argument("--db", type=Path, default=None, help="database file (reused if present)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--database-url",
        default=None,
        help="also measure on this (empty or earlier filled) PostgreSQL database: the SQLite "
        "demo is copied into it with `db copy`'s code, and both are measured in this run",
    )
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
    print("== SQLite ==")
    asyncio.run(_measure(url, path, args.runs))
    if args.database_url:
        asyncio.run(_fill(url, args.database_url))
        print("== PostgreSQL ==")
        asyncio.run(_measure(args.database_url, path, args.runs))


async def _fill(source_url: str, target_url: str) -> None:
    """The same demo in the other database (once: a filled target is measured as it is)."""
    source, target = Database(source_url), Database(target_url)
    try:
        await upgrade(target)
        started = time.perf_counter()
        try:
            copies = await copy_database(source, target)
        except CopyError as exc:
            print(f"target kept as it is ({exc})")
            return
        rows = sum(c.rows for c in copies)
        print(f"copied {rows} rows into the target in {time.perf_counter() - started:.1f} s")
    finally:
        await source.close()
        await target.close()


if __name__ == "__main__":
    main()
