"""What people are told about pairs: the curator's readable proposal, and the outbox messages
to both sides when a pair is approved or dissolved (rendered in each recipient's language)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Texts, Translator
from i18n.markup import safe
from mentoring.matching.cohort import Cohort, Profile, load_cohort
from mentoring.notices import Action, Notice, ScheduleFirstMeeting
from mentoring.pairs.service import Approval, ProposalView, record_approval
from mentoring.people.profiles import option_label
from mentoring.roadmap import service as roadmap
from storage import audit, outbox, people
from storage import pairs as pair_store
from storage.db import Database
from surveys.definitions import Registry

__all__ = [
    "POOR_FIT_MAX",
    "alert_poor_fit",
    "approve",
    "curators_of",
    "dissolve",
    "end_pair",
    "render_proposal",
]

INTAKE_BY_ROLE = {"mentee": "intake_mentee", "mentor": "intake_mentor"}
FEEDBACK = "feedback"
POOR_FIT_MAX = 4  # a `fit` score of 1..4 out of 10 in feedback means the pair needs a look


def render_proposal(proposal: ProposalView, t: Texts) -> str:
    lines = [t("pairs.proposal.header")]
    for group in proposal.groups:
        lines.append(
            t(
                "pairs.proposal.mentor",
                name=safe(group.name),
                n=len(group.members),
                seats=group.capacity,
            )
        )
        for member in group.members:
            reasons = ", ".join(t(f"pairs.reason.{code}") for code in member.reasons)
            lines.append(
                t(
                    "pairs.proposal.mentee",
                    name=safe(member.name),
                    score=member.score,
                    reasons=reasons or "—",
                )
            )
    if not proposal.groups:
        lines.append(t("pairs.proposal.no_groups"))
    if proposal.unmatched:
        lines.append(t("pairs.proposal.unmatched_header", n=len(proposal.unmatched)))
        for _, name, reason in proposal.unmatched:
            lines.append(
                t("pairs.proposal.unmatched", name=safe(name), reason=t(f"pairs.reason.{reason}"))
            )
    if proposal.blocking:
        lines.append(t("pairs.proposal.unstable", n=proposal.blocking))
    return "\n".join(lines)


def _about(partner: Profile, registry: Registry, locale: str, t: Texts) -> str:
    intake = registry.get(INTAKE_BY_ROLE[partner.role])
    subjects = ", ".join(option_label(intake, "subjects", s, locale) for s in partner.subjects)
    position = (
        option_label(intake, "position", partner.position, locale) if partner.position else "—"
    )
    text = t(
        "pairs.notice.partner",
        role=t(f"pairs.role.{partner.role}"),
        name=safe(partner.full_name),
        position=safe(position),
        subjects=safe(subjects or "—"),
    )
    if partner.share_contact and partner.username:
        text += "\n" + t("pairs.notice.contact", link=f"https://t.me/{partner.username}")
    return text


async def _notify(
    db: Database,
    translator: Translator,
    registry: Registry,
    *,
    pair_id: int,
    recipient: Profile,
    partners: list[Profile],
    form: str,
    kind: str,
    now: datetime,
    next_step: str | None = None,
) -> None:
    """`next_step`: the key of a closing line (what the recipient does next), if any."""
    if recipient.telegram_id is None:
        return
    t = translator.bind(recipient.locale)
    about = "\n\n".join(_about(p, registry, recipient.locale, t) for p in partners)
    if kind == "pair_approved":
        text = t("pairs.notice.approved", form=t(f"pairs.form.{form}"), partners=about)
        button = Action(t("pairs.notice.meeting_button"), intent=ScheduleFirstMeeting(pair_id))
        # the mentor proposes the first meeting; a mentee is told it will come
        buttons = [button] if recipient.role == "mentor" else []
        if recipient.role != "mentor":
            text += "\n\n" + t("meetings.first_by_mentor")
    else:
        text = t("pairs.notice.dissolved", partners=about)
        buttons = []
    if next_step is not None:
        text += "\n\n" + t(next_step)
    async with db.begin() as conn:
        await outbox.enqueue(
            conn,
            person_id=recipient.person_id,
            chat_id=recipient.telegram_id,
            kind=kind,
            payload=Notice.of(text, buttons).to_payload(),
            due_at=now,
            dedupe_key=f"{kind}:{pair_id}:{recipient.person_id}",
        )


async def _notify_pair(
    db: Database,
    translator: Translator,
    registry: Registry,
    pair: pair_store.Pair,
    cohort: Cohort,
    kind: str,
    now: datetime,
) -> None:
    mentor = cohort.profiles.get(pair.mentor_id)
    mentees = [cohort.profiles[m] for m in pair.mentee_ids if m in cohort.profiles]
    if mentor is None:
        return
    common = {"pair_id": pair.id, "form": pair.form, "kind": kind, "now": now}
    mentor_step, mentee_step = await _next_steps(db, pair, kind)
    await _notify(
        db,
        translator,
        registry,
        recipient=mentor,
        partners=mentees,
        next_step=mentor_step,
        **common,  # type: ignore[arg-type]
    )
    for mentee in mentees:
        await _notify(
            db,
            translator,
            registry,
            recipient=mentee,
            partners=[mentor],
            next_step=mentee_step,
            **common,  # type: ignore[arg-type]
        )


async def _next_steps(
    db: Database, pair: pair_store.Pair, kind: str
) -> tuple[str | None, str | None]:
    """After approval a mentee is "in the programme" only once his personalised programme
    is approved, so the mentor is sent to /plan; a mentor left with no pair is told so."""
    if kind == "pair_approved":
        return "pairs.notice.mentor_next_plan", "pairs.notice.mentee_next_plan"
    async with db.connect() as conn:
        still_leads = any(
            p.mentor_id == pair.mentor_id
            for p in await pair_store.pairs_of_person(conn, pair.mentor_id)
        )
    return (None if still_leads else "pairs.notice.mentor_no_mentees"), None


async def approve(
    db: Database,
    translator: Translator,
    registry: Registry,
    organisation_id: int,
    *,
    order_number: str,
    order_date: date,
    actor_person_id: int | None,
    now: datetime,
) -> Approval:
    """Approve the draft by the order (приказ) and tell both sides of every new pair."""
    approval, cohort = await record_approval(
        db,
        organisation_id,
        order_number=order_number,
        order_date=order_date,
        actor_person_id=actor_person_id,
        now=now,
    )
    if cohort is None:
        return approval
    await roadmap.record_approval_event(db, organisation_id, actor_person_id, now)
    for pair_id in approval.pair_ids:
        async with db.connect() as conn:
            pair = await pair_store.get_pair(conn, pair_id)
        if pair is not None:
            await _notify_pair(db, translator, registry, pair, cohort, "pair_approved", now)
    return approval


async def dissolve(
    db: Database,
    translator: Translator,
    registry: Registry,
    pair_id: int,
    *,
    reason: str,
    actor_person_id: int | None,
    now: datetime,
) -> bool:
    """End an active pair; both sides are told kindly and go back to the pool."""
    async with db.begin() as conn:
        pair = await end_pair(
            conn, pair_id, reason=reason, actor_person_id=actor_person_id, now=now
        )
        if pair is None:
            return False
        cohort = await load_cohort(conn, pair.organisation_id, now.date())
    await _notify_pair(db, translator, registry, pair, cohort, "pair_dissolved", now)
    return True


async def end_pair(
    conn: AsyncConnection,
    pair_id: int,
    *,
    reason: str,
    actor_person_id: int | None,
    now: datetime,
) -> pair_store.Pair | None:
    """Dissolve an active pair, audited; None when it is not active. Telling people is the
    caller's part (`dissolve`, /forget)."""
    pair = await pair_store.get_pair(conn, pair_id)
    if pair is None or not await pair_store.dissolve(conn, pair_id, reason, now):
        return None
    await audit.record(
        conn,
        "pairs.dissolved",
        actor_person_id=actor_person_id,
        object_type="pair",
        object_id=pair_id,
    )
    return pair


async def curators_of(conn: AsyncConnection, organisation_id: int) -> list[int]:
    listed = await people.list_in_organisation(conn, organisation_id)
    return sorted({row.id for row in listed if row.role == "curator"})


async def alert_poor_fit(
    conn: AsyncConnection,
    translator: Translator,
    *,
    person_id: int,
    survey_code: str,
    answers: dict[str, Any],
    now: datetime,
) -> list[int]:
    """A low `fit` in feedback (обратная связь) marks the respondent's active pairs as a poor
    fit (`poor_fit_at`) and tells the curators once per pair and respondent; the pair ids."""
    fit = answers.get("fit")
    if survey_code != FEEDBACK or not isinstance(fit, int) or fit > POOR_FIT_MAX:
        return []
    respondent = await people.get(conn, person_id)
    flagged = []
    for pair in await pair_store.pairs_of_person(conn, person_id):
        await pair_store.mark_poor_fit(conn, pair.id, now)
        flagged.append(pair.id)
        mentor = await people.get(conn, pair.mentor_id)
        for curator_id in await curators_of(conn, pair.organisation_id):
            curator = await people.get(conn, curator_id)
            if curator is None or curator.telegram_id is None:
                continue
            text = translator.get(
                curator.locale,
                "pairs.notice.poor_fit",
                name=safe(respondent.full_name if respondent else ""),
                mentor=safe(mentor.full_name if mentor else ""),
                fit=fit,
            )
            await outbox.enqueue(
                conn,
                person_id=curator_id,
                chat_id=curator.telegram_id,
                kind="pair_poor_fit",
                payload=Notice.of(text).to_payload(),
                due_at=now,
                dedupe_key=f"pair_poor_fit:{pair.id}:{person_id}:{curator_id}",
            )
    return flagged
