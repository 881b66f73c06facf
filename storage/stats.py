"""SQL aggregation for /stats and the analytical report: counts and rows, no KPI rules.

Every query takes the organisation ids in scope; the rules (ages, targets, methods) live in
`mentoring.stats.kpis`. Satisfaction reads `responses.satisfaction_score`, scored once at
submission, never the answers (DESIGN §2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import (
    answers,
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
    "MenteeCounts",
    "OrganisationRow",
    "PairFacts",
    "SatisfactionCounts",
    "WaveRow",
    "mentee_counts",
    "organisations_in_scope",
    "pair_facts",
    "partners_with_active_mentor",
    "satisfaction_tallies",
    "wave_rows",
]

TEACHER_FORMS = ("teacher_teacher", "head_teacher")


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: int
    name: str
    kind: str
    municipality: str
    region: str
    timezone: str = "UTC"  # IANA name: the workbook states its local time


class MenteeCounts(NamedTuple):
    entered: int
    aged: int
    young: int


@dataclass(frozen=True, slots=True)
class SatisfactionCounts:
    """Sums over one organisation's assignments of one questionnaire; `buckets` maps a bucket
    number (the index of the highest lower edge the score reaches) to its scored respondents."""

    asked: int = 0
    respondents: int = 0
    scored: int = 0
    satisfied: int = 0
    sum_normalised: float = 0.0
    buckets: dict[int, int] = field(default_factory=dict)


class WaveRow(NamedTuple):
    wave_id: int
    organisation_id: int
    survey_code: str
    deadline: date
    asked: int
    answered: int
    started: int


class PairFacts(NamedTuple):
    formed: int = 0
    active: int = 0
    dissolved: int = 0
    mentors: int = 0
    mentors_aged: int = 0
    teacher_pairs: int = 0


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
        organisations.c.timezone,
    ).order_by(organisations.c.id)
    if ids is not None:
        query = query.where(organisations.c.id.in_(list(ids)))
    if municipality is not None:
        query = query.where(organisations.c.municipality == municipality)
    if region is not None:
        query = query.where(organisations.c.region == region)
    return [OrganisationRow(*row) for row in (await conn.execute(query)).all()]


def _entered() -> Select[tuple[int, int]]:
    """(organisation, mentee) of the mentees that entered the programme (DESIGN §1): named in
    an active pair approved by an order, with an approved personalised plan."""
    return (
        select(pairs.c.organisation_id, pair_mentees.c.mentee_id)
        .select_from(
            pairs.join(pair_mentees, pair_mentees.c.pair_id == pairs.c.id).join(
                plans,
                and_(plans.c.pair_id == pairs.c.id, plans.c.mentee_id == pair_mentees.c.mentee_id),
            )
        )
        .where(pairs.c.status == "active", _approved(), plans.c.status == "approved")
    )


def _in_scope(column: ColumnElement[int], org_ids: Sequence[int] | None) -> ColumnElement[bool]:
    return true() if org_ids is None else column.in_(list(org_ids))


def _young_teachers(max_years: int) -> Select[tuple[int]]:
    """People whose latest submitted mentee intake says: a young teacher with at most
    `max_years` full years of experience. Starts from the indexed position answer, so only
    young teachers' responses are read."""
    later = responses.alias("later")
    position = answers.alias("position")
    years = answers.alias("years")
    return (
        select(responses.c.person_id)
        .select_from(
            position.join(responses, responses.c.id == position.c.response_id).join(
                years,
                and_(
                    years.c.response_id == responses.c.id,
                    years.c.question_code == "experience_years",
                ),
            )
        )
        .where(
            position.c.question_code == "position",
            # The JSON text of the answer, portable across SQLite and PostgreSQL; the same
            # expression as the index ix_answers_question_value.
            cast(position.c.value, String) == '"young_teacher"',
            responses.c.survey_code == "intake_mentee",
            responses.c.status == "submitted",
            # Number answers are whole numbers (surveys/questions.py), stored as JSON text.
            cast(years.c.value, String).in_([str(n) for n in range(max_years + 1)]),
            ~exists().where(
                later.c.person_id == responses.c.person_id,
                later.c.survey_code == "intake_mentee",
                later.c.status == "submitted",
                later.c.id > responses.c.id,
            ),
        )
    )


async def mentee_counts(
    conn: AsyncConnection,
    org_ids: Sequence[int] | None,
    *,
    born_after: date,
    born_until: date,
    young_max_years: int,
) -> dict[int, MenteeCounts]:
    """Per organisation (None: all): mentees that entered the programme, those of them born
    in (born_after, born_until], and those who are young specialists. One grouped query."""
    entered = _entered().where(_in_scope(pairs.c.organisation_id, org_ids)).subquery()
    mentee = entered.c.mentee_id
    aged = and_(people.c.birth_date > born_after, people.c.birth_date <= born_until)
    query = (
        select(
            entered.c.organisation_id,
            func.count(distinct(mentee)),
            func.count(distinct(case((aged, mentee)))),
            func.count(distinct(case((mentee.in_(_young_teachers(young_max_years)), mentee)))),
        )
        .join(people, people.c.id == mentee)
        .group_by(entered.c.organisation_id)
    )
    return {
        int(org): MenteeCounts(int(total), int(in_band), int(young))
        for org, total, in_band, young in (await conn.execute(query)).all()
    }


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


async def satisfaction_tallies(
    conn: AsyncConnection,
    org_ids: Sequence[int] | None,
    survey_codes: Sequence[str],
    start: date,
    end: date,
    *,
    threshold: float,
    bucket_edges: Sequence[float],
) -> dict[str, dict[int, SatisfactionCounts]]:
    """Per questionnaire and organisation, over the assignments of waves with their deadline in
    [start, end]: asked, respondents (submitted), scored, at or above `threshold`, the sum of
    the stored normalised scores and the count per score bucket. Grouped in SQL: a few rows
    per organisation, never one per person."""
    submitted = responses.c.status == "submitted"
    score = responses.c.satisfaction_score
    # The bucket number, as the highest lower edge the score reaches: plain comparisons, the
    # same on every database (no floor(), which SQLite may lack), NULL for no score.
    bucket = case(
        *(
            (and_(submitted, score >= edge), number)
            for number, edge in reversed(list(enumerate(bucket_edges)))
        ),
    )
    query = (
        select(
            survey_waves.c.survey_code,
            survey_waves.c.organisation_id,
            bucket,
            func.count(survey_assignments.c.id),
            func.count(responses.c.id).filter(submitted),
            func.count(score).filter(submitted),
            func.count(score).filter(submitted, score >= threshold),
            func.coalesce(func.sum(score).filter(submitted), 0.0),
        )
        .select_from(
            survey_assignments.join(
                survey_waves, survey_waves.c.id == survey_assignments.c.wave_id
            ).outerjoin(responses, responses.c.assignment_id == survey_assignments.c.id)
        )
        .where(
            _in_scope(survey_waves.c.organisation_id, org_ids),
            survey_waves.c.survey_code.in_(list(survey_codes)),
            survey_waves.c.deadline.between(start, end),
            survey_assignments.c.status != "cancelled",
        )
        .group_by(survey_waves.c.survey_code, survey_waves.c.organisation_id, bucket)
    )
    found: dict[str, dict[int, SatisfactionCounts]] = {code: {} for code in survey_codes}
    for code, org, bin_, asked, answered, scored, satisfied, total in (
        await conn.execute(query)
    ).all():
        known = found[code].get(int(org), SatisfactionCounts())
        found[code][int(org)] = SatisfactionCounts(
            known.asked + int(asked),
            known.respondents + int(answered),
            known.scored + int(scored),
            known.satisfied + int(satisfied),
            known.sum_normalised + float(total),
            {**known.buckets, int(bin_): int(scored)}
            if bin_ is not None and scored
            else known.buckets,
        )
    return found


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


async def pair_facts(
    conn: AsyncConnection,
    org_ids: Sequence[int] | None,
    start: datetime,
    end: datetime,
    *,
    born_after: date,
    born_until: date,
) -> dict[int, PairFacts]:
    """Per organisation, over its pairs approved by an order: approved in [start, end), active
    now, dissolved in the period; the distinct mentors of its active pairs and those born in
    (born_after, born_until]; its active pairs of a teacher form. One grouped query."""
    active = pairs.c.status == "active"
    mentor = pairs.c.mentor_id
    aged = and_(people.c.birth_date > born_after, people.c.birth_date <= born_until)
    query = (
        select(
            pairs.c.organisation_id,
            func.count().filter(pairs.c.approved_at >= start, pairs.c.approved_at < end),
            func.count().filter(active),
            func.count().filter(pairs.c.dissolved_at >= start, pairs.c.dissolved_at < end),
            func.count(distinct(case((active, mentor)))),
            func.count(distinct(case((and_(active, aged), mentor)))),
            func.count().filter(active, pairs.c.form.in_(TEACHER_FORMS)),
        )
        .join(people, people.c.id == mentor)
        .where(_approved(), _in_scope(pairs.c.organisation_id, org_ids))
        .group_by(pairs.c.organisation_id)
    )
    return {
        int(row[0]): PairFacts(*(int(value) for value in row[1:]))
        for row in (await conn.execute(query)).all()
    }
