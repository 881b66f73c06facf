"""Personalised programmes (персонализированная программа наставничества): the mentor drafts
one per mentee, the mentee reads and comments, the curator approves or returns it.

Every step re-reads the plan and the pair, so a stale or forged button changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Texts, Translator
from i18n.markup import safe
from i18n.names import genitive
from mentoring.notices import Action, Intent, Notice, PlanStep
from mentoring.pairs.notices import curators_of
from mentoring.people.curation import can_curate
from storage import audit, outbox, people
from storage import pairs as pair_store
from storage.db import Database
from storage.pairs import Plan
from storage.people import Person

__all__ = [
    "DURATIONS",
    "MAX_GOALS",
    "PlanDraft",
    "comment",
    "mentees_to_plan",
    "parse_activities",
    "parse_goal",
    "parse_results",
    "plans_of_mentee",
    "render_plan",
    "review",
    "reviewable",
    "submit",
]

MAX_GOALS = 5
MAX_ACTIVITIES = 24
SHORT_TEXT = 200
LONG_TEXT = 1000
DURATIONS = tuple(range(3, 13))
MONTH_PREFIXES = (
    ("янв", "jan"),
    ("фев", "feb"),
    ("мар", "mar"),
    ("апр", "apr"),
    ("май", "мая", "may"),
    ("июн", "jun"),
    ("июл", "jul"),
    ("авг", "aug"),
    ("сен", "sep"),
    ("окт", "oct"),
    ("ноя", "nov"),
    ("дек", "dec"),
)
ACTIVITY_LINE = re.compile(r"^\s*([^:\-–—]+?)\s*[:\-–—]\s*(.+?)\s*$")


@dataclass(frozen=True, slots=True)
class PlanDraft:
    goals: list[str]
    duration_months: int
    activities: list[dict[str, Any]]  # [{"month": 1..12, "text": str}]
    expected_results: str


# --- input -----------------------------------------------------------------------------------------
def parse_goal(text: str) -> str | None:
    goal = " ".join(text.split())
    return goal if 0 < len(goal) <= SHORT_TEXT else None


def parse_results(text: str) -> str | None:
    results = text.strip()
    return results if 0 < len(results) <= LONG_TEXT else None


def _month(token: str) -> int | None:
    token = token.strip().lower()
    if token.isdigit():
        number = int(token)
        return number if 1 <= number <= 12 else None
    for number, prefixes in enumerate(MONTH_PREFIXES, start=1):
        if len(token) >= 3 and token.startswith(prefixes):
            return number
    return None


def parse_activities(text: str) -> list[dict[str, Any]] | None:
    """Lines like «Октябрь: знакомство» or «10 — проект»; None when any line is not one."""
    found: list[dict[str, Any]] = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        match = ACTIVITY_LINE.match(line)
        month = _month(match.group(1)) if match else None
        if match is None or month is None or len(match.group(2)) > SHORT_TEXT:
            return None
        found.append({"month": month, "text": match.group(2)})
    return found or None


def render_plan(plan: PlanDraft | Plan, t: Texts) -> str:
    lines = [t("plans.render.goals")]
    lines += [f"  {n}. {safe(goal)}" for n, goal in enumerate(plan.goals, start=1)]
    lines.append(t("plans.render.duration", months=plan.duration_months))
    lines.append(t("plans.render.activities"))
    for activity in plan.activities:
        month = t(f"plans.month.{activity['month']}")
        lines.append(f"  • {month}: {safe(str(activity['text']))}")
    lines.append(t("plans.render.results", results=safe(plan.expected_results)))
    return "\n".join(lines)


# --- reading ---------------------------------------------------------------------------------------
async def _name(conn: AsyncConnection, person_id: int) -> str:
    person = await people.get(conn, person_id)
    return person.full_name or "—" if person else "—"


async def mentees_to_plan(db: Database, mentor_id: int) -> list[tuple[int, int, str]]:
    """(pair id, mentee id, mentee name) for every mentee of the mentor's active pairs."""
    async with db.connect() as conn:
        mine = [
            p for p in await pair_store.pairs_of_person(conn, mentor_id) if p.mentor_id == mentor_id
        ]
        return [(p.id, m, await _name(conn, m)) for p in mine for m in p.mentee_ids]


async def plans_of_mentee(db: Database, mentee_id: int) -> list[Plan]:
    async with db.connect() as conn:
        found = []
        for pair in await pair_store.pairs_of_person(conn, mentee_id):
            plan = await pair_store.get_plan(conn, pair.id, mentee_id)
            if plan is not None and plan.status in ("submitted", "approved"):
                found.append(plan)
        return found


# --- notices ---------------------------------------------------------------------------------------
async def _tell(
    conn: AsyncConnection,
    translator: Translator,
    person_id: int,
    kind: str,
    now: datetime,
    render: Callable[[Texts], str],
    buttons: Sequence[tuple[str, Intent]] = (),
) -> None:
    person = await people.get(conn, person_id)
    if person is None or person.telegram_id is None:
        return
    t = translator.bind(person.locale)
    rows = [[Action(t(label), intent=intent)] for label, intent in buttons]
    await outbox.enqueue(
        conn,
        person_id=person_id,
        chat_id=person.telegram_id,
        kind=kind,
        payload=Notice.of(render(t), *rows).to_payload(),
        due_at=now,
        dedupe_key=f"{kind}:{person_id}:{now.isoformat()}",
    )


# --- the steps -------------------------------------------------------------------------------------
async def submit(
    db: Database,
    translator: Translator,
    *,
    mentor_id: int,
    pair_id: int,
    mentee_id: int,
    draft: PlanDraft,
    now: datetime,
) -> str | None:
    """Save the plan as submitted and tell the mentee and the curators; a problem code or None."""
    async with db.begin() as conn:
        pair = await pair_store.get_pair(conn, pair_id)
        if pair is None or pair.status != "active" or pair.mentor_id != mentor_id:
            return "not_yours"
        if mentee_id not in pair.mentee_ids:
            return "not_yours"
        existing = await pair_store.get_plan(conn, pair_id, mentee_id)
        if existing is not None and existing.status == "approved":
            return "approved_already"
        await pair_store.save_plan(
            conn,
            pair_id=pair_id,
            mentee_id=mentee_id,
            goals=draft.goals,
            duration_months=draft.duration_months,
            activities=draft.activities,
            expected_results=draft.expected_results,
            status="submitted",
            now=now,
        )
        plan = await pair_store.get_plan(conn, pair_id, mentee_id)
        assert plan is not None
        mentor, mentee = safe(await _name(conn, mentor_id)), safe(await _name(conn, mentee_id))
        comment_button = ("plans.comment_button", PlanStep(plan.id, "comment"))
        await _tell(
            conn,
            translator,
            mentee_id,
            "plan_submitted",
            now,
            lambda t: t("plans.notice.to_mentee", mentor=mentor) + "\n\n" + render_plan(draft, t),
            [comment_button],
        )
        review_buttons = [
            ("plans.approve_button", PlanStep(plan.id, "approve")),
            ("plans.return_button", PlanStep(plan.id, "return")),
        ]
        for curator_id in await curators_of(conn, pair.organisation_id):
            await _tell(
                conn,
                translator,
                curator_id,
                "plan_for_review",
                now,
                lambda t: (
                    t("plans.notice.to_curator", mentor=mentor, mentee=mentee)
                    + "\n\n"
                    + render_plan(draft, t)
                ),
                review_buttons,
            )
    return None


async def comment(
    db: Database, translator: Translator, *, mentee_id: int, plan_id: int, text: str, now: datetime
) -> str | None:
    async with db.begin() as conn:
        plan = await pair_store.get_plan_by_id(conn, plan_id)
        pair = await pair_store.get_pair(conn, plan.pair_id) if plan else None
        if plan is None or pair is None or plan.mentee_id != mentee_id or pair.status != "active":
            return "not_yours"
        await pair_store.set_plan_status(
            conn, plan_id, plan.status, now, from_statuses=(plan.status,), mentee_comment=text
        )
        mentee = safe(await _name(conn, mentee_id))
        await _tell(
            conn,
            translator,
            pair.mentor_id,
            "plan_comment",
            now,
            lambda t: t("plans.notice.mentee_comment", mentee=mentee, comment=safe(text)),
        )
    return None


async def reviewable(db: Database, actor: Person | None, plan_id: int) -> bool:
    """The plan waits for review and the actor curates its pair's organisation."""
    async with db.connect() as conn:
        plan = await pair_store.get_plan_by_id(conn, plan_id)
        pair = await pair_store.get_pair(conn, plan.pair_id) if plan else None
    return (
        plan is not None
        and pair is not None
        and pair.status == "active"
        and plan.status == "submitted"
        and can_curate(actor, pair.organisation_id)
    )


async def review(
    db: Database,
    translator: Translator,
    *,
    actor: Person | None,
    plan_id: int,
    approved: bool,
    curator_comment: str | None,
    now: datetime,
) -> str | None:
    """Approve or return a submitted plan; a returned one goes back to the mentor with the comment."""
    if not await reviewable(db, actor, plan_id):
        return "stale"
    async with db.begin() as conn:
        plan = await pair_store.get_plan_by_id(conn, plan_id)
        pair = await pair_store.get_pair(conn, plan.pair_id) if plan else None
        assert plan is not None and pair is not None
        status = "approved" if approved else "returned"
        if not await pair_store.set_plan_status(
            conn,
            plan_id,
            status,
            now,
            from_statuses=("submitted",),
            curator_comment=curator_comment,
        ):
            return "stale"
        await audit.record(
            conn,
            f"plans.{status}",
            actor_person_id=actor.id if actor else None,
            object_type="plan",
            object_id=plan_id,
        )
        mentee_name = await _name(conn, plan.mentee_id)
        mentee, mentee_gen = safe(mentee_name), safe(genitive(mentee_name))
        note = safe(curator_comment or "")
        if approved:
            for person_id in (pair.mentor_id, plan.mentee_id):
                await _tell(
                    conn,
                    translator,
                    person_id,
                    "plan_approved",
                    now,
                    lambda t: t("plans.notice.approved", mentee=mentee, mentee_gen=mentee_gen),
                )
        else:
            await _tell(
                conn,
                translator,
                pair.mentor_id,
                "plan_returned",
                now,
                lambda t: t(
                    "plans.notice.returned", mentee=mentee, mentee_gen=mentee_gen, comment=note
                ),
            )
    return None
