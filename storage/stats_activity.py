"""SQL for the activity part of /stats and the analytical report: meetings, forms, pairs, impact.

Every query is grouped in SQL and filtered by the organisation ids in scope, so that a region
(1,000 organisations, 200,000 people) costs a handful of queries, never one per organisation.
The rules (what an item means, how rows are shown) live in `mentoring.stats.activity`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Float, Select, String, and_, case, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import (
    answers,
    meetings,
    memberships,
    pair_mentees,
    pairs,
    people,
    responses,
    survey_assignments,
    survey_waves,
)

__all__ = [
    "FormCounts",
    "ImpactMeans",
    "MeetingCount",
    "PairListRow",
    "form_counts",
    "impact_means",
    "meetings_held",
    "pair_list",
]


@dataclass(frozen=True, slots=True)
class FormCounts:
    organisation_id: int
    form: str
    formed: int
    active: int
    dissolved: int
    mentees_active: int


@dataclass(frozen=True, slots=True)
class MeetingCount:
    organisation_id: int
    kind: str
    form: str | None  # None: a meeting of no pair, such as the final group meeting
    count: int


@dataclass(frozen=True, slots=True)
class PairListRow:
    pair_id: int
    organisation_id: int
    mentor_name: str | None  # None after /forget
    mentee_names: tuple[str | None, ...]
    form: str
    order_number: str
    order_date: date | None
    status: str


@dataclass(frozen=True, slots=True)
class ImpactMeans:
    item: str
    mean_before: float | None
    mean_after: float | None
    both: int  # respondents with a value at both stages


def _approved() -> ColumnElement[bool]:
    return and_(pairs.c.order_number != "", pairs.c.order_date.is_not(None))


async def meetings_held(
    conn: AsyncConnection, org_ids: Sequence[int], start: datetime, end: datetime
) -> list[MeetingCount]:
    """Meetings held that started in [start, end), per organisation, type and form of the pair:
    one scan of the period's meetings serves both the per-type and the per-form counts."""
    query = (
        select(meetings.c.organisation_id, meetings.c.kind, pairs.c.form, func.count())
        .select_from(meetings.outerjoin(pairs, pairs.c.id == meetings.c.pair_id))
        .where(
            meetings.c.organisation_id.in_(list(org_ids)),
            meetings.c.status == "held",
            meetings.c.starts_at >= start,
            meetings.c.starts_at < end,
        )
        .group_by(meetings.c.organisation_id, meetings.c.kind, pairs.c.form)
    )
    return [
        MeetingCount(int(org_id), str(kind), None if form is None else str(form), int(count))
        for org_id, kind, form, count in (await conn.execute(query)).all()
    ]


async def form_counts(
    conn: AsyncConnection, org_ids: Sequence[int], start: datetime, end: datetime
) -> list[FormCounts]:
    """Per organisation and form: approved pairs formed in [start, end), active, dissolved in
    [start, end), and the mentees of the active pairs (counted per pair from the covering
    primary-key index)."""
    mentees = (
        select(func.count())
        .where(pair_mentees.c.pair_id == pairs.c.id)
        .correlate(pairs)
        .scalar_subquery()
    )
    active = pairs.c.status == "active"
    query = (
        select(
            pairs.c.organisation_id,
            pairs.c.form,
            func.count().filter(and_(pairs.c.approved_at >= start, pairs.c.approved_at < end)),
            func.count().filter(active),
            func.count().filter(and_(pairs.c.dissolved_at >= start, pairs.c.dissolved_at < end)),
            func.coalesce(func.sum(case((active, mentees), else_=0)), 0),
        )
        .where(pairs.c.organisation_id.in_(list(org_ids)), _approved())
        .group_by(pairs.c.organisation_id, pairs.c.form)
    )
    return [
        FormCounts(int(org_id), str(form), int(a), int(b), int(c), int(d))
        for org_id, form, a, b, c, d in (await conn.execute(query)).all()
    ]


async def pair_list(
    conn: AsyncConnection, org_ids: Sequence[int], start: datetime, end: datetime
) -> list[PairListRow]:
    """Approved pairs that are active, or were approved or dissolved in [start, end), with the
    names of their people: two queries, whatever the number of pairs."""
    listed = and_(
        pairs.c.organisation_id.in_(list(org_ids)),
        _approved(),
        or_(
            pairs.c.status == "active",
            and_(pairs.c.approved_at >= start, pairs.c.approved_at < end),
            and_(pairs.c.dissolved_at >= start, pairs.c.dissolved_at < end),
        ),
    )
    query = (
        select(
            pairs.c.id,
            pairs.c.organisation_id,
            people.c.full_name,
            pairs.c.form,
            pairs.c.order_number,
            pairs.c.order_date,
            pairs.c.status,
        )
        .join(people, people.c.id == pairs.c.mentor_id)
        .where(listed)
        .order_by(pairs.c.organisation_id, pairs.c.order_date, pairs.c.id)
    )
    rows = (await conn.execute(query)).all()
    names_query = (
        select(pair_mentees.c.pair_id, people.c.full_name)
        .join(people, people.c.id == pair_mentees.c.mentee_id)
        .where(pair_mentees.c.pair_id.in_(select(pairs.c.id).where(listed)))
        .order_by(pair_mentees.c.pair_id, people.c.full_name, people.c.id)
    )
    mentees: dict[int, list[str | None]] = {}
    for pair_id, name in (await conn.execute(names_query)).all():
        mentees.setdefault(int(pair_id), []).append(name)
    return [
        PairListRow(
            int(pid),
            int(org_id),
            mentor,
            tuple(mentees.get(int(pid), ())),
            str(form),
            str(number),
            order_date,
            str(status),
        )
        for pid, org_id, mentor, form, number, order_date, status in rows
    ]


def _number(value: ColumnElement[object]) -> ColumnElement[float]:
    # The JSON text of a scale answer, portable across SQLite and PostgreSQL.
    return cast(cast(value, String), Float)


def _is_number() -> ColumnElement[bool]:
    text = cast(answers.c.value, String)
    return and_(answers.c.value.is_not(None), text.not_in(["null", "true", "false"]))


def _per_person(survey_code: str, questions: Mapping[str, str]) -> Select[tuple[int, str, float]]:
    """Per person and item: the mean of his numeric answers to the questions of the item."""
    item = case(dict(questions), value=answers.c.question_code)
    return (
        select(
            responses.c.person_id.label("person_id"),
            item.label("item"),
            func.avg(_number(answers.c.value)).label("value"),
        )
        .select_from(responses.join(answers, answers.c.response_id == responses.c.id))
        .where(
            responses.c.survey_code == survey_code,
            responses.c.status == "submitted",
            answers.c.question_code.in_(list(questions)),
            _is_number(),
        )
        .group_by(responses.c.person_id, item)
    )


async def impact_means(
    conn: AsyncConnection,
    org_ids: Sequence[int],
    role: str,
    before: tuple[str, Mapping[str, str]],
    after: tuple[str, Mapping[str, str]],
    start: date,
    end: date,
) -> list[ImpactMeans]:
    """Per impact item: the mean baseline over the submitted intakes (`before`: survey code and
    question code → item) of the people with `role` in these organisations, the mean final
    value over submitted responses (`after`) in their waves with the deadline in [start, end],
    and how many people have both. Each person counts once per item per stage."""
    if not before[1] or not after[1]:
        return []
    members = select(memberships.c.person_id).where(
        memberships.c.organisation_id.in_(list(org_ids)), memberships.c.role == role
    )
    baseline = _per_person(*before).where(responses.c.person_id.in_(members)).subquery()
    waves = (
        select(survey_assignments.c.id)
        .join(survey_waves, survey_waves.c.id == survey_assignments.c.wave_id)
        .where(
            survey_waves.c.organisation_id.in_(list(org_ids)),
            survey_waves.c.deadline.between(start, end),
        )
    )
    final = _per_person(*after).where(responses.c.assignment_id.in_(waves)).subquery()
    means: dict[str, list[float | None]] = {}
    for index, stage in enumerate((baseline, final)):
        query = select(stage.c.item, func.avg(stage.c.value)).group_by(stage.c.item)
        for item, mean in (await conn.execute(query)).all():
            means.setdefault(str(item), [None, None])[index] = float(mean)
    both_query = (
        select(baseline.c.item, func.count())
        .join(
            final,
            and_(final.c.person_id == baseline.c.person_id, final.c.item == baseline.c.item),
        )
        .group_by(baseline.c.item)
    )
    both = {str(item): int(n) for item, n in (await conn.execute(both_query)).all()}
    return [
        ImpactMeans(item, values[0], values[1], both.get(item, 0)) for item, values in means.items()
    ]
