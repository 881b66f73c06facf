"""Reminder planning, pure: right UTC times, quiet hours for pupils, stable dedupe keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from mentoring.timing.planners import MeetingFacts, Participant, digest_day, plan_meeting
from mentoring.timing.quiet_hours import in_quiet_hours

MENTOR = Participant(1, 101, "ru", "mentor", pupil=False)
PUPIL = Participant(2, 102, "ru", "mentee", pupil=True)


def meeting(
    starts_at: datetime, tz: str = "Europe/Moscow", status: str = "confirmed"
) -> MeetingFacts:
    return MeetingFacts(7, "regular", status, starts_at, 60, "каб. 12", tz, asker_id=1)


def reminders(items: list, person_id: int) -> dict[int, datetime]:  # type: ignore[type-arg]
    return {
        i.lead_minutes: i.due_at
        for i in items
        if i.kind == "meeting_reminder" and i.person_id == person_id
    }


def test_reminders_a_day_and_an_hour_before_in_utc() -> None:
    start = datetime(2025, 10, 15, 12, 0, tzinfo=UTC)  # 15:00 Moscow
    items = plan_meeting(meeting(start), [MENTOR, PUPIL], start - timedelta(days=3))
    assert reminders(items, 1) == {
        1440: start - timedelta(hours=24),
        60: start - timedelta(hours=1),
    }
    assert reminders(items, 2) == reminders(items, 1)
    [question] = [i for i in items if i.kind == "meeting_held_question"]
    assert question.person_id == 1 and question.due_at == start + timedelta(minutes=60)


def test_pupil_reminder_at_night_moves_to_eight_local() -> None:
    # 07:30 Vladivostok meeting: the 1 h reminder (06:30) waits until 08:00, past the start,
    # so it is dropped; the 24 h one (07:30 the day before) waits until 08:00 that day.
    tz = "Asia/Vladivostok"
    start = datetime(2025, 10, 15, 7, 30, tzinfo=ZoneInfo(tz)).astimezone(UTC)
    items = plan_meeting(meeting(start, tz), [MENTOR, PUPIL], start - timedelta(days=3))
    pupil = reminders(items, 2)
    assert 60 not in pupil
    assert pupil[1440].astimezone(ZoneInfo(tz)) == datetime(2025, 10, 14, 8, 0, tzinfo=ZoneInfo(tz))
    assert reminders(items, 1)[60] == start - timedelta(hours=1)  # adults are not shifted


def test_replanning_gives_the_same_keys_and_a_new_time_new_keys() -> None:
    start = datetime(2025, 10, 15, 12, 0, tzinfo=UTC)
    first = plan_meeting(meeting(start), [MENTOR, PUPIL], start - timedelta(days=2))
    again = plan_meeting(meeting(start), [MENTOR, PUPIL], start - timedelta(days=2, minutes=-5))
    assert [i.dedupe_key for i in first] == [i.dedupe_key for i in again]
    assert len({i.dedupe_key for i in first}) == len(first)
    moved = plan_meeting(meeting(start + timedelta(hours=2)), [MENTOR], start - timedelta(days=2))
    assert not {i.dedupe_key for i in moved} & {i.dedupe_key for i in first}


def test_only_confirmed_meetings_and_no_stale_reminders() -> None:
    start = datetime(2025, 10, 15, 12, 0, tzinfo=UTC)
    assert (
        plan_meeting(meeting(start, status="proposed"), [MENTOR], start - timedelta(days=2)) == []
    )
    late = plan_meeting(meeting(start), [MENTOR], start - timedelta(hours=5))
    assert reminders(late, 1).keys() == {60}


def test_digest_is_due_from_nine_local() -> None:
    at_8 = datetime(2025, 10, 15, 8, 59, tzinfo=ZoneInfo("Asia/Vladivostok")).astimezone(UTC)
    assert digest_day(at_8, "Asia/Vladivostok") is None
    assert (
        digest_day(at_8 + timedelta(minutes=1), "Asia/Vladivostok")
        == at_8.astimezone(ZoneInfo("Asia/Vladivostok")).date()
    )


@given(
    start=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
    ),
    before=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
    tz=st.sampled_from(["Europe/Moscow", "Asia/Vladivostok", "Europe/Kaliningrad"]),
)
def test_pupils_never_at_night_and_reminders_precede_the_meeting(
    start: datetime, before: timedelta, tz: str
) -> None:
    from datetime import time

    items = plan_meeting(meeting(start, tz), [MENTOR, PUPIL], start - before)
    # the mentor is never shifted: he gets each reminder with more than half its lead left,
    # so the checks below do not pass on an empty plan
    mentor_leads = {
        i.lead_minutes
        for i in items
        if i.kind == "meeting_reminder" and i.person_id == MENTOR.person_id
    }
    assert mentor_leads == {60 * h for h in (24, 1) if before > timedelta(hours=h) / 2}
    for item in items:
        if item.kind != "meeting_reminder":
            continue
        assert item.due_at < start
        if item.person_id == PUPIL.person_id:
            local = item.due_at.astimezone(ZoneInfo(tz)).time()
            assert not in_quiet_hours(local, time(21, 0), time(8, 0))
    assert len({i.dedupe_key for i in items}) == len(items)
