"""Region-wide /stats reads the periodic snapshot: the same figures as counting live, as of
when, never older than MAX_AGE, and organisations created since are still counted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from mentoring.demo.seed import DemoSize, write_demo
from mentoring.people.organisations import create_organisation
from mentoring.stats.facts import LIVE_LIMIT, MAX_AGE, OrgFacts, live_facts, refresh_snapshots
from mentoring.stats.kpis import build_report, parse_period
from reports.data import StatsReport
from scheduler.clock import FakeClock
from scheduler.stats_refresh import StatsRefresher
from storage import stats as stats_store
from storage import stats_snapshots as snapshot_store
from storage.db import Database

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
PERIOD = parse_period("2026")
assert PERIOD is not None


async def _org_ids(db: Database) -> list[int]:
    async with db.connect() as conn:
        return [o.id for o in await stats_store.organisations_in_scope(conn, None)]


def _figures(report: StatsReport) -> tuple[object, ...]:
    """Everything counted, without when it was counted."""
    return (
        report.total.kpis,
        report.total.mentee_satisfaction,
        report.total.mentor_satisfaction,
        report.total.pairs_formed,
        report.total.pairs_active,
        report.total.pairs_dissolved,
        tuple(replace(org, name="") for org in report.by_organisation),
        report.response_rates,
        report.by_form,
    )


async def _report(db: Database, ids: list[int], now: datetime) -> StatsReport:
    assert PERIOD is not None
    return await build_report(db, frozenset(ids), PERIOD, scope_label="region", now=now)


@pytest.fixture
async def region(db: Database) -> list[int]:
    await write_demo(db, DemoSize(orgs=LIVE_LIMIT + 5, people=900, seed=3), force=False, now=NOW)
    ids = await _org_ids(db)
    assert len(ids) > LIVE_LIMIT
    return ids


async def test_the_snapshot_gives_the_live_figures_and_says_when(
    db: Database, region: list[int]
) -> None:
    live = await _report(db, region, NOW)
    assert live.counted_at is None
    assert live.total.pairs_active > 0 and live.total.mentee_satisfaction.respondents > 0
    assert live.by_form and live.total.meetings_held_by_type

    written = await StatsRefresher(db, FakeClock(NOW)).run_once()
    assert written >= len(region)  # one row per organisation and offered period
    served = await _report(db, region, NOW + timedelta(minutes=5))
    assert served.counted_at == NOW
    assert _figures(served) == _figures(live)


async def test_a_stale_snapshot_or_another_threshold_is_counted_live(
    db: Database, region: list[int]
) -> None:
    assert PERIOD is not None
    await refresh_snapshots(db, region, [PERIOD], 70.0, NOW)
    stale = await _report(db, region, NOW + MAX_AGE + timedelta(seconds=1))
    assert stale.counted_at is None
    other = await build_report(
        db, frozenset(region), PERIOD, scope_label="r", now=NOW, threshold=80.0
    )
    assert other.counted_at is None


async def test_an_organisation_created_after_the_refresh_is_counted(
    db: Database, region: list[int]
) -> None:
    assert PERIOD is not None
    await refresh_snapshots(db, region, [PERIOD], 70.0, NOW)
    new = await create_organisation(
        db,
        name="Новая школа",
        kind="school",
        municipality="г. Тула",
        region="Тульская область",
        timezone="Europe/Moscow",
    )
    ids = [*region, new.id]
    served = await _report(db, ids, NOW)
    assert served.counted_at == NOW
    assert {o.organisation_id for o in served.by_organisation} == set(ids)


async def test_a_small_scope_is_always_live(db: Database, region: list[int]) -> None:
    assert PERIOD is not None
    await refresh_snapshots(db, region, [PERIOD], 70.0, NOW)
    one = await _report(db, region[:1], NOW)
    assert one.counted_at is None


async def test_small_deployments_skip_the_refresh(db: Database) -> None:
    await write_demo(db, DemoSize(orgs=3, people=200, seed=4), force=False, now=NOW)
    assert await StatsRefresher(db, FakeClock(NOW)).run_once() == 0


async def test_facts_survive_the_json_round_trip(db: Database, region: list[int]) -> None:
    assert PERIOD is not None
    facts = await live_facts(db, region, PERIOD, 70.0)
    assert any(f.waves and f.partners and f.meetings and f.forms for f in facts.values())
    for item in facts.values():
        assert OrgFacts.from_json(item.to_json()) == item


async def test_a_refresh_is_read_anew_and_an_old_format_is_counted_live(
    db: Database, region: list[int]
) -> None:
    """Parsed rows are kept per process until a refresh replaces them (a new computed_at);
    a row in the format of an older release is counted live rather than misread."""
    assert PERIOD is not None
    await refresh_snapshots(db, region, [PERIOD], 70.0, NOW)
    first = await _report(db, region, NOW)
    facts = await live_facts(db, region, PERIOD, 70.0)
    busier = {
        org: replace(f, pairs=f.pairs._replace(active=f.pairs.active + 1))
        for org, f in facts.items()
    }
    later = NOW + timedelta(minutes=10)
    async with db.begin() as conn:
        await snapshot_store.replace_period(
            conn, PERIOD.label, 70.0, later, ((org, f.to_json()) for org, f in busier.items())
        )
    again = await _report(db, region, later)
    assert again.counted_at == later
    assert again.total.pairs_active == first.total.pairs_active + len(region)

    old_format = '{"mentees":{"entered":0,"aged":0,"young":0}}'  # named fields: before v2
    last = later + timedelta(minutes=10)
    async with db.begin() as conn:
        await snapshot_store.replace_period(
            conn, PERIOD.label, 70.0, last, ((org, old_format) for org in region)
        )
    live = await _report(db, region, last)
    assert live.counted_at is None and _figures(live) == _figures(first)
