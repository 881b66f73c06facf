"""SQL aggregation for /stats and the analytical report: counts and rows, no KPI rules.

Every query takes the organisation ids in scope; the rules (ages, targets, methods) live in
`mentoring.stats`. Satisfaction reads `responses.satisfaction_score`, scored once at
submission, never the answers (DESIGN §2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, String, and_, cast, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import (
    answers,
    coordinator_coverage,
    invite_coverage,
    memberships,
    organisations,
    pair_mentees,
    pairs,
    people,
    plans,
    responses,
    survey_assignments,
    survey_waves,
)

__all__ = [
    "Coverage",
    "OrganisationRow",
    "PairCounts",
    "ScoreRow",
    "WaveRow",
    "bind_invite_coverage",
    "coverage_of",
    "covered_organisations",
    "entered_mentees",
    "organisations_in_scope",
    "pair_counts",
    "partners_with_active_mentor",
    "programme_mentors",
    "satisfaction_scores",
    "set_invite_coverage",
    "teacher_pair_organisations",
    "wave_rows",
    "young_specialists",
]

TEACHER_FORMS = ("teacher_teacher", "head_teacher")


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: int
    name: str
    kind: str
    municipality: str
    region: str


@dataclass(frozen=True, slots=True)
class ScoreRow:
    organisation_id: int
    submitted: bool
    score: float | None


@dataclass(frozen=True, slots=True)
class WaveRow:
    wave_id: int
    organisation_id: int
    survey_code: str
    deadline: date
    asked: int
    answered: int
    started: int


@dataclass(frozen=True, slots=True)
class PairCounts:
    formed: int
    active: int
    dissolved: int


@dataclass(frozen=True, slots=True)
class Coverage:
    """A coordinator's area: municipalities and regions whose organisations he sees."""

    municipalities: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.municipalities or self.regions)


async def set_invite_coverage(
    conn: AsyncConnection, invite_id: int, *, municipality: str | None, region: str | None
) -> None:
    await conn.execute(
        insert(invite_coverage).values(
            invite_id=invite_id, municipality=municipality, region=region
        )
    )


async def bind_invite_coverage(
    conn: AsyncConnection, person_id: int, invite_id: int, now: datetime
) -> None:
    """Copy the invite's coverage, if any, to the person who registered with it."""
    query = select(invite_coverage.c.municipality, invite_coverage.c.region).where(
        invite_coverage.c.invite_id == invite_id
    )
    for municipality, region in (await conn.execute(query)).all():
        await conn.execute(
            insert(coordinator_coverage).values(
                person_id=person_id, municipality=municipality, region=region, created_at=now
            )
        )


async def coverage_of(conn: AsyncConnection, person_id: int) -> Coverage:
    query = select(coordinator_coverage.c.municipality, coordinator_coverage.c.region).where(
        coordinator_coverage.c.person_id == person_id
    )
    rows = (await conn.execute(query)).all()
    return Coverage(
        municipalities=frozenset(m for m, _ in rows if m),
        regions=frozenset(r for _, r in rows if r),
    )


async def covered_organisations(conn: AsyncConnection, coverage: Coverage) -> frozenset[int]:
    if not coverage:
        return frozenset()
    query = select(organisations.c.id).where(
        or_(
            organisations.c.municipality.in_(sorted(coverage.municipalities)),
            organisations.c.region.in_(sorted(coverage.regions)),
        )
    )
    return frozenset(int(i) for i in (await conn.execute(query)).scalars())


def _approved() -> ColumnElement[bool]:
    return and_(pairs.c.order_number != "", pairs.c.order_date.is_not(None))


async def organisations_in_scope(
    conn: AsyncConnection,
    ids: Sequence[int] | None,
    *,
    municipality: str | None = None,
    region: str | None = None,
) -> list[OrganisationRow]:
    """Organisations by id (None: all), optionally narrowed to a municipality or region."""
    query = select(
        organisations.c.id,
        organisations.c.name,
        organisations.c.kind,
        organisations.c.municipality,
        organisations.c.region,
    ).order_by(organisations.c.id)
    if ids is not None:
        query = query.where(organisations.c.id.in_(list(ids)))
    if municipality is not None:
        query = query.where(organisations.c.municipality == municipality)
    if region is not None:
        query = query.where(organisations.c.region == region)
    return [OrganisationRow(*row) for row in (await conn.execute(query)).all()]


async def entered_mentees(
    conn: AsyncConnection, org_ids: Sequence[int]
) -> dict[int, dict[int, date | None]]:
    """Per organisation: the mentees that entered the programme (DESIGN §1: named in an active
    pair approved by an order, with an approved personalised plan), with their birth dates.
    One query for all organisations, not one per organisation."""
    query = (
        select(pairs.c.organisation_id, pair_mentees.c.mentee_id, people.c.birth_date)
        .select_from(
            pairs.join(pair_mentees, pair_mentees.c.pair_id == pairs.c.id)
            .join(
                plans,
                and_(plans.c.pair_id == pairs.c.id, plans.c.mentee_id == pair_mentees.c.mentee_id),
            )
            .join(people, people.c.id == pair_mentees.c.mentee_id)
        )
        .where(
            pairs.c.organisation_id.in_(list(org_ids)),
            pairs.c.status == "active",
            _approved(),
            plans.c.status == "approved",
        )
        .distinct()
    )
    found: dict[int, dict[int, date | None]] = {org_id: {} for org_id in org_ids}
    for org_id, mentee_id, born in (await conn.execute(query)).all():
        found[int(org_id)][int(mentee_id)] = born
    return found


async def programme_mentors(
    conn: AsyncConnection, org_ids: Sequence[int]
) -> dict[int, dict[int, date | None]]:
    """Per organisation: mentors of its active pairs approved by an order, with birth dates."""
    query = (
        select(pairs.c.organisation_id, pairs.c.mentor_id, people.c.birth_date)
        .join(people, people.c.id == pairs.c.mentor_id)
        .where(pairs.c.organisation_id.in_(list(org_ids)), pairs.c.status == "active", _approved())
        .distinct()
    )
    found: dict[int, dict[int, date | None]] = {org_id: {} for org_id in org_ids}
    for org_id, mentor_id, born in (await conn.execute(query)).all():
        found[int(org_id)][int(mentor_id)] = born
    return found


async def young_specialists(
    conn: AsyncConnection, person_ids: set[int], max_years: int
) -> set[int]:
    """Of these people, those whose latest submitted mentee intake says: a young teacher with
    at most `max_years` full years of experience. Only young teachers' answers are read."""
    if not person_ids:
        return set()
    latest = (
        select(responses.c.person_id, func.max(responses.c.id).label("response_id"))
        .where(
            responses.c.survey_code == "intake_mentee",
            responses.c.status == "submitted",
        )
        .group_by(responses.c.person_id)
        .subquery()
    )
    position = answers.alias("position")
    query = (
        select(latest.c.person_id, answers.c.value)
        .select_from(
            latest.join(
                position,
                and_(
                    position.c.response_id == latest.c.response_id,
                    position.c.question_code == "position",
                ),
            ).join(
                answers,
                and_(
                    answers.c.response_id == latest.c.response_id,
                    answers.c.question_code == "experience_years",
                ),
            )
        )
        # The JSON text of the answer, portable across SQLite and PostgreSQL.
        .where(cast(position.c.value, String) == '"young_teacher"')
    )
    found = set()
    for pid, years in (await conn.execute(query)).all():
        if int(pid) in person_ids and isinstance(years, int | float) and 0 <= years <= max_years:
            found.add(int(pid))
    return found


async def partners_with_active_mentor(
    conn: AsyncConnection, org_ids: Sequence[int]
) -> dict[int, set[int]]:
    """Per organisation in scope: the partner organisations (kind "partner") one of whose
    mentors is the mentor of an active approved pair there or, for a partner organisation
    itself, anywhere."""
    partner_members = (
        select(memberships.c.person_id, memberships.c.organisation_id.label("partner_id"))
        .join(organisations, organisations.c.id == memberships.c.organisation_id)
        .where(organisations.c.kind == "partner", memberships.c.role == "mentor")
        .subquery()
    )
    scope = list(org_ids)
    query = (
        select(pairs.c.organisation_id, partner_members.c.partner_id)
        .join(partner_members, partner_members.c.person_id == pairs.c.mentor_id)
        .where(
            pairs.c.status == "active",
            _approved(),
            or_(pairs.c.organisation_id.in_(scope), partner_members.c.partner_id.in_(scope)),
        )
        .distinct()
    )
    found: dict[int, set[int]] = {org_id: set() for org_id in org_ids}
    for pair_org, partner_id in (await conn.execute(query)).all():
        for key in (int(pair_org), int(partner_id)):
            if key in found:
                found[key].add(int(partner_id))
    return found


async def teacher_pair_organisations(conn: AsyncConnection, org_ids: Sequence[int]) -> set[int]:
    """Organisations with at least one active approved pair of a teacher form."""
    query = (
        select(pairs.c.organisation_id)
        .where(
            pairs.c.organisation_id.in_(list(org_ids)),
            pairs.c.status == "active",
            pairs.c.form.in_(TEACHER_FORMS),
            _approved(),
        )
        .distinct()
    )
    return {int(org_id) for org_id in (await conn.execute(query)).scalars()}


async def satisfaction_scores(
    conn: AsyncConnection, org_ids: Sequence[int], survey_code: str, start: date, end: date
) -> list[ScoreRow]:
    """One row per assignment of `survey_code` in a wave of these organisations with its
    deadline in [start, end]: submitted or not, and the response's stored score."""
    query = (
        select(survey_waves.c.organisation_id, responses.c.status, responses.c.satisfaction_score)
        .select_from(
            survey_assignments.join(
                survey_waves, survey_waves.c.id == survey_assignments.c.wave_id
            ).outerjoin(responses, responses.c.assignment_id == survey_assignments.c.id)
        )
        .where(
            survey_waves.c.organisation_id.in_(list(org_ids)),
            survey_waves.c.survey_code == survey_code,
            survey_waves.c.deadline.between(start, end),
            survey_assignments.c.status != "cancelled",
        )
    )
    return [
        ScoreRow(int(org_id), status == "submitted", None if score is None else float(score))
        for org_id, status, score in (await conn.execute(query)).all()
    ]


async def wave_rows(
    conn: AsyncConnection, org_ids: Sequence[int], start: date, end: date
) -> list[WaveRow]:
    status = survey_assignments.c.status
    query = (
        select(
            survey_waves.c.id,
            survey_waves.c.organisation_id,
            survey_waves.c.survey_code,
            survey_waves.c.deadline,
            func.count(survey_assignments.c.id),
            func.count(survey_assignments.c.id).filter(status == "submitted"),
            func.count(survey_assignments.c.id).filter(status == "in_progress"),
        )
        .join(survey_assignments, survey_assignments.c.wave_id == survey_waves.c.id)
        .where(
            survey_waves.c.organisation_id.in_(list(org_ids)),
            survey_waves.c.deadline.between(start, end),
            status != "cancelled",
        )
        .group_by(survey_waves.c.id)
        .order_by(survey_waves.c.deadline, survey_waves.c.id)
    )
    return [
        WaveRow(int(a), int(b), str(c), d, int(e), int(f), int(g))
        for a, b, c, d, e, f, g in (await conn.execute(query)).all()
    ]


async def pair_counts(
    conn: AsyncConnection, org_ids: Sequence[int], start: datetime, end: datetime
) -> dict[int, PairCounts]:
    """Per organisation: pairs approved in [start, end), active now, dissolved in the period."""
    in_period = and_(pairs.c.approved_at >= start, pairs.c.approved_at < end)
    dissolved = and_(pairs.c.dissolved_at >= start, pairs.c.dissolved_at < end)
    query = (
        select(
            pairs.c.organisation_id,
            func.count().filter(in_period),
            func.count().filter(pairs.c.status == "active"),
            func.count().filter(dissolved),
        )
        .where(pairs.c.organisation_id.in_(list(org_ids)), _approved())
        .group_by(pairs.c.organisation_id)
    )
    found = {org_id: PairCounts(0, 0, 0) for org_id in org_ids}
    for org_id, formed, active, gone in (await conn.execute(query)).all():
        found[int(org_id)] = PairCounts(int(formed), int(active), int(gone))
    return found
