"""mentorbot demo-data: deterministic for a seed, refuses real people, feeds /stats."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from mentoring.demo.seed import DemoSize, RealPeopleError, write_demo
from mentoring.stats.activity import impact_questions
from mentoring.stats.kpis import build_report, parse_period, school_year_of
from storage.db import Database
from storage.migrate import upgrade
from storage.schema import answers, organisations, pairs, people, responses
from tests.test_cli import _ok, runner

__all__ = ["runner"]

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SMALL = DemoSize(orgs=10, people=600, seed=7)


async def _fresh(tmp_path: Path, name: str) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / name}")
    await upgrade(db)
    return db


async def _dump(db: Database) -> list[tuple[object, ...]]:
    async with db.connect() as conn:
        rows = []
        for table in (organisations, people, pairs, responses, answers):
            rows += [tuple(r) for r in (await conn.execute(select(table).order_by(table.c.id)))]
        return rows


async def test_the_same_seed_gives_the_same_programme(tmp_path: Path) -> None:
    first, second, other = [await _fresh(tmp_path, f"{n}.db") for n in ("a", "b", "c")]
    await write_demo(first, SMALL, force=False, now=NOW)
    await write_demo(second, SMALL, force=False, now=NOW)
    await write_demo(other, DemoSize(10, 600, seed=8), force=False, now=NOW)
    assert await _dump(first) == await _dump(second)
    assert await _dump(first) != await _dump(other)
    for db in (first, second, other):
        await db.close()


async def test_refuses_a_database_with_real_people(db: Database) -> None:
    from storage import people as people_store

    async with db.begin() as conn:
        await people_store.create(
            conn, telegram_id=5001, locale="ru", username=None, status="active"
        )
    with pytest.raises(RealPeopleError):
        await write_demo(db, SMALL, force=False, now=NOW)
    async with db.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(people))).scalar_one() == 1
    counts = await write_demo(db, SMALL, force=True, now=NOW)
    assert counts["people"] == SMALL.people


async def test_stats_on_the_demo_are_non_trivial(db: Database) -> None:
    counts = await write_demo(db, DemoSize(orgs=20, people=2000, seed=1), force=False, now=NOW)
    assert counts["organisations"] == 20 and counts["people"] == 2000
    assert counts["answers"] > 10_000 and counts["meetings"] > 300
    period = parse_period(str(school_year_of(NOW.date())))
    assert period is not None
    report = await build_report(db, None, period, scope_label="Тульская область", now=NOW)
    kpis = {k.code: k for k in report.total.kpis}
    for code, (low, high) in {
        "mentees_10_19": (40, 100),
        "mentors_15_19": (1, 60),
        "young_specialists": (20, 100),
        "partner_orgs": (30, 100),
        "mentee_satisfaction": (30, 95),
        "mentor_satisfaction": (30, 95),
        "schools_teacher_model": (10, 100),
    }.items():
        value = kpis[code].value_pct
        assert value is not None and low <= value <= high, (code, value)
    figures = report.total.mentee_satisfaction
    assert 0.7 < figures.respondents / figures.asked < 0.95
    assert sum(1 for *_, count in figures.distribution if count) >= 4  # a spread, not a spike
    assert report.total.pairs_active > 300
    assert len(report.by_organisation) == 20


async def test_the_detailed_report_shows_the_programme_effect(db: Database) -> None:
    await write_demo(db, SMALL, force=False, now=NOW)
    period = parse_period(str(school_year_of(NOW.date())))
    assert period is not None
    report = await build_report(db, None, period, scope_label="демо", now=NOW, details=True)
    items = {i.item_code: i for i in report.impact}
    questions = impact_questions()
    assert questions
    for role, (baseline, _) in questions.items():
        asked = [items.get(f"{role}.{item}") for item in baseline.values()]
        assert asked and all(i is not None and i.n > 0 for i in asked), (role, asked)
    means = [(i.mean_before, i.mean_after) for i in items.values()]
    assert means and all(
        b is not None and a is not None and 1 <= min(b, a) <= max(b, a) <= 10 for b, a in means
    )
    # the generator aims at about +1 point of ten (some people get worse); 0.3 leaves room
    changes = [i.change or 0.0 for i in items.values()]
    assert sum(changes) / len(changes) > 0.3, changes


def test_cli_refuses_then_forces(runner: CliRunner) -> None:
    first = _ok(runner, "demo-data", "--orgs", "4", "--people", "200", "--seed", "3")
    assert "people: 200" in first
    _ok(runner, "demo-data", "--orgs", "4", "--people", "200")  # only demo people so far
    _ok(runner, "org", "add", "--name", "МБОУ СОШ № 1", "--kind", "school")
    report = json.loads(_ok(runner, "stats", "--scope", "municipality:г. Тула", "--format", "json"))
    assert report["total"]["pairs_active"] > 0
