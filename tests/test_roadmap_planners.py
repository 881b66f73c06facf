"""Pure planning of wave nudges, roadmap reminders and the coordinator's Monday."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mentoring.roadmap.service import dated_items, load_template
from mentoring.timing.planners import (
    Participant,
    plan_roadmap_reminders,
    plan_wave_nudges,
    weekly_digest_monday,
)

PUPIL = Participant(2, 102, "ru", "mentee", pupil=True)
CURATOR = Participant(5, 105, "ru", "curator", pupil=False)


def local(day: date, at: time, tz: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def test_template_dates_follow_the_school_year() -> None:
    items = {i.code: i for i in dated_items(load_template(), 2026)}
    assert items["intake_september"].due_on == date(2026, 9, 20)
    assert items["monitoring_december"].due_on == date(2026, 12, 15)
    assert items["monitoring_may"].due_on == date(2027, 5, 15)
    assert items["report_q4"].due_on == date(2027, 1, 5)
    assert items["intake_april"].due_on == date(2027, 4, 30)
    assert {items[c].due_on.day for c in ("report_q1", "report_q2", "report_q3")} == {5}


def test_nudges_three_days_and_one_day_before_at_ten_local() -> None:
    for tz in ("Europe/Moscow", "Asia/Vladivostok"):
        deadline = date(2026, 10, 20)
        three = local(date(2026, 10, 17), time(10), tz)
        one = local(date(2026, 10, 19), time(10), tz)
        assert plan_wave_nudges(9, deadline, tz, [PUPIL], three - timedelta(minutes=1)) == []
        [first] = plan_wave_nudges(9, deadline, tz, [PUPIL], three)
        assert first.due_at == three and first.dedupe_key == "wave:9:nudge:3:2"
        assert first.respect_quiet_hours
        # the same nudge while its window lasts, with the same key: enqueued once
        [again] = plan_wave_nudges(9, deadline, tz, [PUPIL], three + timedelta(hours=5))
        assert again.dedupe_key == first.dedupe_key
        [second] = plan_wave_nudges(9, deadline, tz, [PUPIL], one + timedelta(minutes=1))
        assert second.due_at == one and second.dedupe_key == "wave:9:nudge:1:2"
        assert plan_wave_nudges(9, deadline, tz, [PUPIL], local(deadline, time(23, 59), tz))
        after = local(deadline + timedelta(days=1), time(0, 1), tz)
        assert plan_wave_nudges(9, deadline, tz, [PUPIL], after) == []


def test_roadmap_reminders_week_day_and_overdue_once() -> None:
    tz = "Asia/Vladivostok"
    due = date(2026, 12, 15)
    week = local(date(2026, 12, 8), time(10), tz)
    [first] = plan_roadmap_reminders(4, due, tz, [CURATOR], week)
    assert first.params["label"] == "before7" and first.due_at == week
    assert first.dedupe_key == "roadmap:4:before7:5:2026-12-15"
    [day] = plan_roadmap_reminders(4, due, tz, [CURATOR], local(date(2026, 12, 14), time(11), tz))
    assert day.params["label"] == "before1"
    overdue_at = local(date(2026, 12, 16), time(10), tz)
    assert plan_roadmap_reminders(4, due, tz, [CURATOR], overdue_at - timedelta(seconds=1)) != []
    [late] = plan_roadmap_reminders(4, due, tz, [CURATOR], overdue_at + timedelta(days=20))
    [later] = plan_roadmap_reminders(4, due, tz, [CURATOR], overdue_at + timedelta(days=40))
    assert late.params["label"] == "overdue" and late.dedupe_key == later.dedupe_key
    moved = plan_roadmap_reminders(4, date(2026, 12, 20), tz, [CURATOR], overdue_at)
    assert moved and moved[0].dedupe_key != first.dedupe_key


def test_coordinator_digest_on_monday_from_nine_local() -> None:
    monday = date(2026, 11, 23)
    for tz in ("Europe/Moscow", "Asia/Vladivostok"):
        assert weekly_digest_monday(local(monday, time(8, 59), tz), tz) is None
        assert weekly_digest_monday(local(monday, time(9, 0), tz), tz) == monday
        tuesday = monday + timedelta(days=1)
        assert weekly_digest_monday(local(tuesday, time(9, 0), tz), tz) is None
