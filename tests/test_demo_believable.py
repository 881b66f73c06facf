"""mentorbot demo-data is believable: it keeps the product's own rules at any time of year."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mentoring.demo.seed import DemoSize, write_demo
from mentoring.stats.headcounts import Headcount, _check
from mentoring.stats.kpis import build_report
from mentoring.stats.periods import parse_period, school_year_of
from storage.db import Database
from storage.schema import headcounts, meetings, organisations, survey_waves

SIZE = DemoSize(orgs=10, people=500, seed=3)
# the start of a school year, its middle and its spring: the history must fit each one
MOMENTS = (
    datetime(2026, 9, 10, 6, 0, tzinfo=UTC),
    datetime(2026, 11, 20, 21, 30, tzinfo=UTC),
    datetime(2027, 3, 2, 13, 0, tzinfo=UTC),
)


@pytest.mark.parametrize("now", MOMENTS, ids=lambda n: n.date().isoformat())
async def test_demo_rows_keep_the_rules(db: Database, now: datetime) -> None:
    await write_demo(db, SIZE, force=False, now=now)
    async with db.connect() as conn:
        heads = (await conn.execute(select(headcounts))).mappings().all()
        zones = dict((await conn.execute(select(organisations.c.id, organisations.c.timezone))).all())  # fmt: skip
        held = (await conn.execute(select(meetings))).mappings().all()
        waves = (await conn.execute(select(survey_waves))).mappings().all()
    assert heads
    for row in heads:  # the headcount form's own rules (15–19 within 10–19)
        fields = {k: row[k] for k in ("pupils_10_19", "pupils_15_19", "young_teachers")}
        _check(Headcount(row["organisation_id"], row["year"], **fields, teachers_under_35=None, partners_on_record=None))  # fmt: skip
    assert held
    for meeting in held:  # a weekday, between 8:00 and 18:00 where the school is, already past
        starts = meeting["starts_at"].replace(tzinfo=UTC)
        local = starts.astimezone(ZoneInfo(zones[meeting["organisation_id"]]))
        ends = local + timedelta(minutes=meeting["duration_minutes"])
        assert local.weekday() < 5 and local.hour >= 8 and ends.time() <= time(18, 0), local
        assert starts < now
    assert waves and all(w["deadline"] > now.date() for w in waves)


@pytest.mark.parametrize("now", MOMENTS, ids=lambda n: n.date().isoformat())
async def test_no_quarter_shows_more_than_its_school_year(db: Database, now: datetime) -> None:
    await write_demo(db, SIZE, force=False, now=now)
    year = school_year_of(now.date())
    whole = parse_period(str(year))
    assert whole is not None
    total = (await build_report(db, None, whole, scope_label="демо", now=now)).total
    assert total.pairs_formed > 0
    for label in (f"{year}-Q3", f"{year}-Q4", f"{year + 1}-Q1", f"{year + 1}-Q2"):
        period = parse_period(label)
        assert period is not None
        part = (await build_report(db, None, period, scope_label="демо", now=now)).total
        assert part.pairs_formed <= total.pairs_formed, label
        for mine, theirs in zip(part.kpis, total.kpis, strict=True):
            assert mine.numerator <= theirs.numerator, (label, mine.code)
            if mine.value_pct is not None and theirs.value_pct is not None and mine.code in ("mentees_10_19", "mentors_15_19", "young_specialists"):  # fmt: skip
                assert mine.value_pct <= theirs.value_pct, (label, mine.code)
    assert date(year, 9, 1) <= now.date()
