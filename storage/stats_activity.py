"""SQL for the activity part of /stats and the analytical report: meetings, forms, pairs, impact.

Every query is grouped in SQL and filtered by the organisation ids in scope, so that a region
(1,000 organisations, 200,000 people) costs a handful of queries, never one per organisation.
The rules (what an item means, how rows are shown) live in `mentoring.stats.activity`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    true,
)
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


class FormCounts(NamedTuple):
    organisation_id: int
    form: str
    formed: int
    active: int
    dissolved: int
    mentees_active: int


class MeetingCount(NamedTuple):
    organisation_id: int
    kind: str
    form: str | None  # None: a meeting of no pair, such as the final group meeting
    held: int  # meetings held


class PairListRow(NamedTuple):
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


def _per_person(
    survey_code: str, questions: Mapping[str, str], items: Sequence[str]
) -> Select[tuple[int, ...]]:
    """A row per person: for each item, the mean of his numeric answers to its questions.
    Grouped by person alone, which the responses index already orders, so no sort is made
    over a region's 400,000 answers (a column per item, not a row per person and item)."""
    value = _number(answers.c.value)
    means = [
        func.avg(
            case(
                (answers.c.question_code.in_([q for q, i in questions.items() if i == item]), value)
            )
        ).label(f"item_{n}")
        for n, item in enumerate(items)
    ]
    return (
        select(responses.c.person_id.label("person_id"), *means)
        .select_from(responses.join(answers, answers.c.response_id == responses.c.id))
        .where(
            responses.c.survey_code == survey_code,
            responses.c.status == "submitted",
            answers.c.question_code.in_(list(questions)),
            _is_number(),
        )
        .group_by(responses.c.person_id)
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
    and how many people have both. Each person counts once per item per stage.

    One statement: each stage is read once (MATERIALIZED, on SQLite and PostgreSQL alike)
    and serves its means and the join that counts the people with both."""
    if not before[1] or not after[1]:
        return []
    items = list(dict.fromkeys([*before[1].values(), *after[1].values()]))
    members = select(memberships.c.person_id).where(
        memberships.c.organisation_id.in_(list(org_ids)), memberships.c.role == role
    )
    waves = (
        select(survey_assignments.c.id)
        .join(survey_waves, survey_waves.c.id == survey_assignments.c.wave_id)
        .where(
            survey_waves.c.organisation_id.in_(list(org_ids)),
            survey_waves.c.deadline.between(start, end),
        )
    )
    baseline = (
        _per_person(before[0], before[1], items)
        .where(responses.c.person_id.in_(members))
        .cte("baseline")
        .prefix_with("MATERIALIZED")
    )
    final = (
        _per_person(after[0], after[1], items)
        .where(responses.c.assignment_id.in_(waves))
        .cte("final")
        .prefix_with("MATERIALIZED")
    )
    columns = [f"item_{n}" for n in range(len(items))]
    stages = [
        select(*(f(stage.c[c]) for c in columns for f in (func.avg, func.count))).subquery()
        for stage in (baseline, final)
    ]
    both = (
        select(
            *(
                func.count(case((and_(baseline.c[c].is_not(None), final.c[c].is_not(None)), 1)))
                for c in columns
            )
        )
        .select_from(baseline.join(final, final.c.person_id == baseline.c.person_id))
        .subquery()
    )
    one_row_each = stages[0].join(stages[1], true()).join(both, true())
    query = select(*stages[0].c, *stages[1].c, *both.c).select_from(one_row_each)
    row = (await conn.execute(query)).one()
    width = 2 * len(items)
    found = []
    for n, item in enumerate(items):
        mean_before, n_before = row[2 * n], row[2 * n + 1]
        mean_after, n_after = row[width + 2 * n], row[width + 2 * n + 1]
        if n_before or n_after:
            found.append(
                ImpactMeans(
                    item,
                    None if mean_before is None else float(mean_before),
                    None if mean_after is None else float(mean_after),
                    int(row[2 * width + n]),
                )
            )
    return found
