"""Read-only queries of the back office: counts per organisation, people lists, the audit log.

`org_ids` is the viewer's scope: a set of organisation ids, or None for everything (admin).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, String, and_, case, cast, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import (
    answers,
    audit_log,
    consents,
    invites,
    memberships,
    organisations,
    people,
    people_imports,
    responses,
)

__all__ = [
    "AuditRow",
    "Chooser",
    "OrganisationCounts",
    "PersonFacts",
    "PersonListing",
    "audit_actions",
    "audit_rows",
    "choosers_of",
    "names_in_scope",
    "organisation_counts",
    "people_facts",
    "people_listing",
]


@dataclass(slots=True)
class OrganisationCounts:
    organisation_id: int
    people: dict[tuple[str, str], int] = field(default_factory=dict)  # (role, status) → n
    invites: int = 0
    invites_usable: int = 0
    invite_uses: int = 0


def _in_scope(column: Any, org_ids: frozenset[int] | None) -> Any:
    if org_ids is None:
        return true()
    return column.in_(sorted(org_ids)) if org_ids else false()


async def organisation_counts(
    conn: AsyncConnection, org_ids: frozenset[int] | None, now: datetime
) -> dict[int, OrganisationCounts]:
    counts: dict[int, OrganisationCounts] = {}
    people_query = (
        select(memberships.c.organisation_id, memberships.c.role, people.c.status, func.count())
        .select_from(memberships.join(people))
        .where(
            memberships.c.organisation_id.is_not(None),
            _in_scope(memberships.c.organisation_id, org_ids),
        )
        .group_by(memberships.c.organisation_id, memberships.c.role, people.c.status)
    )
    for org_id, role, status, number in await conn.execute(people_query):
        counts.setdefault(org_id, OrganisationCounts(org_id)).people[(role, status)] = number
    usable = and_(
        or_(invites.c.expires_at.is_(None), invites.c.expires_at > now),
        or_(invites.c.max_uses.is_(None), invites.c.uses < invites.c.max_uses),
    )
    # Personal links of imported people are counted with the people, not as invites.
    invite_query = (
        select(
            invites.c.organisation_id,
            func.count(),
            func.coalesce(func.sum(case((usable, 1), else_=0)), 0),
            func.coalesce(func.sum(invites.c.uses), 0),
        )
        .select_from(invites.outerjoin(people_imports, people_imports.c.invite_id == invites.c.id))
        .where(people_imports.c.person_id.is_(None), _in_scope(invites.c.organisation_id, org_ids))
        .group_by(invites.c.organisation_id)
    )
    for org_id, total, open_, uses in await conn.execute(invite_query):
        if org_id is None:
            continue
        entry = counts.setdefault(org_id, OrganisationCounts(org_id))
        entry.invites, entry.invites_usable, entry.invite_uses = total, open_, uses
    return counts


@dataclass(frozen=True, slots=True)
class PersonListing:
    id: int
    full_name: str | None
    birth_date: date | None
    status: str
    in_telegram: bool
    organisation_id: int | None
    organisation_name: str | None
    role: str


async def people_listing(
    conn: AsyncConnection,
    org_ids: frozenset[int] | None,
    *,
    organisation_id: int | None = None,
    role: str | None = None,
    status: str | None = None,
) -> list[PersonListing]:
    """One row per membership in scope, filtered; ordered by organisation, role, name."""
    query = (
        select(
            people.c.id,
            people.c.full_name,
            people.c.birth_date,
            people.c.status,
            people.c.telegram_id.is_not(None).label("in_telegram"),
            memberships.c.organisation_id,
            organisations.c.name.label("organisation_name"),
            memberships.c.role,
        )
        .select_from(people.join(memberships).outerjoin(organisations))
        .where(_in_scope(memberships.c.organisation_id, org_ids))
        .order_by(organisations.c.name, memberships.c.role, people.c.full_name, people.c.id)
    )
    if organisation_id is not None:
        query = query.where(memberships.c.organisation_id == organisation_id)
    if role:
        query = query.where(memberships.c.role == role)
    if status:
        query = query.where(people.c.status == status)
    result = await conn.execute(query)
    return [
        PersonListing(**{**row, "in_telegram": bool(row["in_telegram"])})
        for row in result.mappings()
    ]


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    actor_person_id: int | None
    action: str
    object_type: str | None
    object_id: str | None
    details: dict[str, Any] | None


def _members_of(org_ids: frozenset[int]) -> Select[Any]:
    return select(memberships.c.person_id).where(memberships.c.organisation_id.in_(sorted(org_ids)))


def _audit_scope(org_ids: frozenset[int]) -> Any:
    """Entries by people of these organisations, or about them, their people or invites."""
    as_text = [str(i) for i in sorted(org_ids)]
    scope_invites = select(cast(invites.c.id, String)).where(
        invites.c.organisation_id.in_(sorted(org_ids))
    )
    scope_people = select(cast(memberships.c.person_id, String)).where(
        memberships.c.organisation_id.in_(sorted(org_ids))
    )
    return or_(
        audit_log.c.actor_person_id.in_(_members_of(org_ids)),
        and_(audit_log.c.object_type == "organisation", audit_log.c.object_id.in_(as_text)),
        and_(audit_log.c.object_type == "person", audit_log.c.object_id.in_(scope_people)),
        and_(audit_log.c.object_type == "invite", audit_log.c.object_id.in_(scope_invites)),
    )


async def audit_rows(
    conn: AsyncConnection,
    org_ids: frozenset[int] | None,
    *,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRow]:
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
    if org_ids is not None:
        query = query.where(_audit_scope(org_ids) if org_ids else false())
    if action:
        query = query.where(audit_log.c.action == action)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if until is not None:
        query = query.where(audit_log.c.at < until)
    return [AuditRow(**row) for row in (await conn.execute(query)).mappings()]


async def audit_actions(conn: AsyncConnection) -> list[str]:
    result = await conn.execute(select(audit_log.c.action).distinct().order_by(audit_log.c.action))
    return list(result.scalars())


async def names_in_scope(
    conn: AsyncConnection, person_ids: Iterable[int], org_ids: frozenset[int] | None
) -> dict[int, str]:
    """Names of those people the viewer may see anyway (members of his organisations)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    query = select(people.c.id, people.c.full_name).where(
        people.c.id.in_(ids), people.c.full_name.is_not(None)
    )
    if org_ids is not None:
        query = query.where(people.c.id.in_(_members_of(org_ids)) if org_ids else false())
    return {row.id: row.full_name for row in await conn.execute(query)}


@dataclass(frozen=True, slots=True)
class Chooser:
    person_id: int
    full_name: str | None
    rank: int  # 1 for the first choice; 0 where the question does not rank


async def choosers_of(
    conn: AsyncConnection,
    person_id: int,
    question_code: str,
    org_ids: frozenset[int] | None,
    *,
    ranked: bool,
) -> list[Chooser]:
    """Who named this person in his latest submitted preference questionnaire (people in
    the viewer's scope only), first choices first."""
    query = (
        select(responses.c.person_id, people.c.full_name, answers.c.value)
        .select_from(answers.join(responses).join(people, people.c.id == responses.c.person_id))
        .where(answers.c.question_code == question_code, responses.c.status == "submitted")
        .order_by(responses.c.submitted_at, responses.c.id)
    )
    if org_ids is not None:
        query = query.where(responses.c.person_id.in_(_members_of(org_ids)) if org_ids else false())
    latest: dict[int, tuple[str | None, Any]] = {}
    for chooser_id, full_name, value in await conn.execute(query):
        latest[chooser_id] = (full_name, value)  # a later response replaces an earlier one
    found = []
    for chooser_id, (full_name, value) in latest.items():
        keys = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if str(person_id) in keys:
            rank = keys.index(str(person_id)) + 1 if ranked else 0
            found.append(Chooser(chooser_id, full_name, rank))
    return sorted(found, key=lambda c: (c.rank, c.full_name or "", c.person_id))


@dataclass(slots=True)
class PersonFacts:
    """What the people list shows beside the name: consents, the intake and its answers."""

    consents: set[str] = field(default_factory=set)  # kinds given and not withdrawn
    intake_status: str | None = None  # in_progress / submitted; None when not started
    intake_code: str | None = None  # of the latest submitted intake
    intake_answers: dict[str, Any] = field(default_factory=dict)


async def people_facts(
    conn: AsyncConnection,
    person_ids: Iterable[int],
    intake_codes: tuple[str, ...],
    questions: tuple[str, ...],
) -> dict[int, PersonFacts]:
    """Consents and the intake (latest response of these questionnaires, and these answers
    of the latest submitted one) of one page of people."""
    ids = sorted(set(person_ids))
    facts = {pid: PersonFacts() for pid in ids}
    if not ids:
        return facts
    given = select(consents.c.person_id, consents.c.kind).where(
        consents.c.person_id.in_(ids), consents.c.withdrawn_at.is_(None)
    )
    for pid, kind in await conn.execute(given):
        facts[pid].consents.add(kind)
    started = (
        select(responses.c.id, responses.c.person_id, responses.c.survey_code, responses.c.status)
        .where(responses.c.person_id.in_(ids), responses.c.survey_code.in_(intake_codes))
        .order_by(responses.c.started_at, responses.c.id)
    )
    latest_submitted: dict[int, int] = {}
    for response_id, pid, code, status in await conn.execute(started):
        entry = facts[pid]
        if status == "submitted":
            latest_submitted[response_id] = pid
            entry.intake_code = code
            entry.intake_status = status
        elif entry.intake_status != "submitted":
            entry.intake_status = status
    if latest_submitted:
        by_person = {pid: rid for rid, pid in latest_submitted.items()}  # the last one wins
        chosen = sorted(by_person.values())
        rows = select(answers.c.response_id, answers.c.question_code, answers.c.value).where(
            answers.c.response_id.in_(chosen), answers.c.question_code.in_(questions)
        )
        for response_id, question, value in await conn.execute(rows):
            facts[latest_submitted[response_id]].intake_answers[question] = value
    return facts
