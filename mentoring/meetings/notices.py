"""What people are told about a meeting: invitations naming who proposes it and with whom,
"confirmed" to every member, a move to the members and the curators, and why a stale
button no longer works. Queued in the outbox in each recipient's language.

An invitation already delivered is also rewritten once its meeting is settled by someone
else (`settled_invitations`): the same invitation, a line saying what happened, no buttons.
The outbox does not keep a delivered text, so the invitation is rendered again from the
meeting, in the recipient's language; the chat front door makes the edits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator
from mentoring.notices import Action, AnswerInvitation, Notice
from mentoring.timing.planners import MeetingFacts, Participant
from mentoring.timing.quiet_hours import shift_out_of_quiet_hours
from storage import outbox
from storage import pairs as pair_store
from storage import people as people_store
from storage.meetings import Meeting

__all__ = [
    "InvitationEdit",
    "Members",
    "curators",
    "local_date_time",
    "members",
    "notify",
    "settled_invitations",
    "stale_reason",
]

# The events whose notice carries the answer buttons (see _propose_to_others).
INVITATION_EVENTS = ("proposed", "moved")


@dataclass(frozen=True, slots=True)
class Members:
    """The pair's names, mentor first; empty for the all-pairs meeting."""

    mentor: str = ""
    mentees: tuple[str, ...] = ()

    def listed(self, translator: Translator, locale: str) -> str:
        mentor = translator.get(locale, "meetings.mentor_mark", name=self.mentor)
        return ", ".join((mentor, *self.mentees))

    def pair(self, translator: Translator, locale: str) -> str:
        if not self.mentor:
            return translator.get(locale, "meetings.all_pairs_short")
        return translator.get(
            locale, "meetings.pair_label", mentor=self.mentor, mentees=", ".join(self.mentees)
        )


@dataclass(frozen=True, slots=True)
class InvitationEdit:
    """A delivered invitation to rewrite: where it is and its new text (no buttons)."""

    chat_id: int
    message_id: int
    text: str


async def _name(conn: AsyncConnection, person_id: int | None) -> str:
    person = await people_store.get(conn, person_id) if person_id is not None else None
    return (person.full_name or "?") if person else "?"


async def members(conn: AsyncConnection, meeting: Meeting) -> Members:
    pair = await pair_store.get_pair(conn, meeting.pair_id) if meeting.pair_id else None
    if pair is None:
        return Members()
    mentees = tuple([await _name(conn, m) for m in pair.mentee_ids])
    return Members(await _name(conn, pair.mentor_id), mentees)


async def curators(conn: AsyncConnection, organisation_id: int) -> list[Participant]:
    found = []
    for row in await people_store.list_in_organisation(conn, organisation_id):
        if row.role != "curator":
            continue
        person = await people_store.get(conn, row.id)
        if person is not None and person.telegram_id is not None:
            found.append(
                Participant(person.id, person.telegram_id, person.locale, "curator", False)
            )
    return found


def local_date_time(moment: datetime, timezone: str) -> dict[str, str]:
    local = moment.astimezone(ZoneInfo(timezone))
    return {"date": local.strftime("%d.%m.%Y"), "time": local.strftime("%H:%M")}


async def stale_reason(
    conn: AsyncConnection, meeting: Meeting, timezone: str, at: int | None
) -> tuple[str, dict[str, str]]:
    """Why an answer to this meeting is too late: the locale key suffix and its parameters.

    `at` is the start the pressed button named: a meeting since moved says where to."""
    if meeting.status == "cancelled":
        return "was_cancelled", {"reason": meeting.cancel_reason or "—"}
    if meeting.status in ("held", "not_held"):
        return "over", {}
    if at and at != int(meeting.starts_at.timestamp()):
        return "moved", local_date_time(meeting.starts_at, timezone)
    if meeting.status == "confirmed":
        return "already_confirmed", {"name": await _name(conn, meeting.confirmed_by)}
    if meeting.status == "declined":
        return "was_declined", {}
    return "stale", {}


async def notify(
    conn: AsyncConnection,
    translator: Translator,
    people: list[Participant],
    meeting: MeetingFacts,
    *,
    event: str,
    due_at: datetime,
    dedupe_prefix: str,
    buttons: tuple[str, ...] = (),
    group: Members | None = None,
    outbox_kind: str = "",
    **extra: str,
) -> None:
    """Queue `meetings.notice.<event>` to each person; pupils never at night."""
    stamp = int(meeting.starts_at.timestamp())
    for person in people:
        named = {}
        if group is not None:
            named = {
                "members": group.listed(translator, person.locale),
                "pair": group.pair(translator, person.locale),
            }
        text = translator.get(
            person.locale,
            f"meetings.notice.{event}",
            kind=translator.get(person.locale, f"meetings.kind.{meeting.kind}"),
            place=meeting.place,
            **local_date_time(meeting.starts_at, meeting.timezone),
            **named,
            **extra,
        )
        answers = [
            Action(
                translator.get(person.locale, f"meetings.button.{answer}"),
                intent=AnswerInvitation(meeting.id, answer, stamp),
            )
            for answer in buttons
        ]
        due = shift_out_of_quiet_hours(due_at, meeting.timezone) if person.pupil else due_at
        await outbox.enqueue(
            conn,
            person_id=person.person_id,
            chat_id=person.chat_id,
            kind=outbox_kind or f"meeting_{event}",
            payload=Notice.of(text, answers, marked=False).to_payload(
                respect_quiet_hours=person.pupil, timezone=meeting.timezone
            ),
            due_at=due,
            dedupe_key=f"{dedupe_prefix}:{person.person_id}",
        )


async def settled_invitations(
    conn: AsyncConnection,
    translator: Translator,
    meeting: Meeting,
    timezone: str,
    *,
    skip: set[int],
    outcome: str,
    **params: str,
) -> tuple[InvitationEdit, ...]:
    """The invitations to `meeting` as it stood (its time and proposer before the change)
    that were delivered to anyone not in `skip`, each rewritten: the invitation again, then
    `meeting_edits.<outcome>` with `params`, in the recipient's language.

    Only invitations to the meeting's current time: an older one was rewritten (moved)
    when the meeting moved from it."""
    stamp = int(meeting.starts_at.timestamp())
    rows = []
    for event in INVITATION_EVENTS:
        rows += await outbox.delivered_with_prefix(conn, f"meeting:{meeting.id}:{event}:{stamp}:")
    if not rows:
        return ()
    group = await members(conn, meeting)
    proposer = await _name(conn, meeting.proposed_by)
    edits = []
    for row in sorted(rows, key=lambda r: r.id):
        person = await people_store.get(conn, row.person_id)
        if row.person_id in skip or row.message_id is None or person is None:
            continue
        locale = person.locale
        invitation = translator.get(
            locale,
            "meetings.notice.proposed",
            kind=translator.get(locale, f"meetings.kind.{meeting.kind}"),
            place=meeting.place,
            proposer=proposer,
            members=group.listed(translator, locale),
            **local_date_time(meeting.starts_at, timezone),
        )
        line = translator.get(locale, f"meeting_edits.{outcome}", **params)
        edits.append(InvitationEdit(row.chat_id, row.message_id, f"{invitation}\n\n{line}"))
    return tuple(edits)
