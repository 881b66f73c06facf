"""After a meeting: its outcome recorded by the mentor or the curator (состоялась / не
состоялась), and for a held one the feedback questionnaire to every participant."""

from __future__ import annotations

from datetime import datetime, timedelta

from i18n import Translator
from mentoring.meetings.participants import may_manage
from mentoring.meetings.service import Outcome, load_for
from mentoring.questionnaires.feedback import start_feedback
from storage import meetings as store
from storage.db import Database
from storage.people import Person
from surveys.definitions import Registry

__all__ = ["FEEDBACK_DELAY", "record_outcome"]

FEEDBACK_DELAY = timedelta(hours=1)  # the feedback questionnaire, after the meeting ends


async def record_outcome(
    db: Database,
    translator: Translator,
    registry: Registry,
    actor: Person | None,
    meeting_id: int,
    *,
    held: bool,
    now: datetime,
) -> Outcome:
    """Held or not held (состоялась / не состоялась); held → feedback for every participant.

    The feedback questionnaire is due an hour after the meeting's end (or at once, when
    the outcome is recorded later than that).
    """
    async with db.begin() as conn:
        meeting, people, mentor = await load_for(conn, actor, meeting_id)
        if meeting is None or actor is None:
            return Outcome(False, "stale")
        if not may_manage(actor, meeting, mentor):
            return Outcome(False, "no_rights")
        if meeting.starts_at > now:
            return Outcome(False, "not_yet")
        if not await store.set_fields(
            conn,
            meeting_id,
            expected_status=("confirmed", "proposed"),
            now=now,
            status="held" if held else "not_held",
        ):
            return Outcome(False, "stale")
    if held:
        end = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        due = max(now, end + FEEDBACK_DELAY)
        for person in people:
            if person.role == "curator":
                continue
            await start_feedback(
                db,
                translator,
                registry,
                person_id=person.person_id,
                meeting_id=meeting_id,
                organisation_id=meeting.organisation_id,
                now=now,
                due_at=due,
            )
    return Outcome(True, meeting_id=meeting_id)
