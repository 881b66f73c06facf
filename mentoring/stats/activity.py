"""The activity part of the report: meetings by type, pairs by form, the pair list, impact.

Meetings and forms are grouped counts kept with the other per-organisation facts (live or
snapshot) and always filled; the pair list and impact monitoring (мониторинг влияния) only
for the detailed report (XLSX, charts). The SQL is in `storage.stats_activity`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from mentoring.matching.compatibility import FORMS
from mentoring.stats.periods import Period, school_year_of
from reports.data import FormStats, ImpactItem, PairRow
from storage import stats_activity as store
from storage.db import Database
from storage.practices import PracticeRow, practice_rows
from surveys.definitions import Registry, SurveyDefinition, load_definitions

__all__ = [
    "Activity",
    "Details",
    "activity_counts",
    "activity_of",
    "details_of",
    "impact_questions",
    "period_choices",
    "survey_titles",
]

ROLES = ("mentee", "mentor")


class Organisation(Protocol):
    """What this module needs of the organisations `build_report` found."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Activity:
    meetings: dict[int, dict[str, int]]  # per organisation id, per meeting type
    by_form: tuple[FormStats, ...] = ()
    pairs: tuple[PairRow, ...] = ()
    impact: tuple[ImpactItem, ...] = ()

    def meetings_total(self) -> dict[str, int]:
        """Meetings held per type, summed over the organisations."""
        summed: dict[str, int] = {}
        for counts in self.meetings.values():
            for kind, count in counts.items():
                summed[kind] = summed.get(kind, 0) + count
        return summed


def _questions(defn: SurveyDefinition) -> dict[str, str]:
    return {q.code: q.impact_item for q in defn.questions if q.impact_item and q.type == "scale"}


@cache
def _definitions() -> Registry:
    """The questionnaires are package data: read once per process."""
    return load_definitions()


@cache
def survey_titles(locale: str) -> dict[str, str]:
    """Questionnaire code → its title in the locale, as the reports name it."""
    registry = _definitions()
    return {code: registry.title(code, locale) for code in registry.codes()}


@cache
def impact_questions() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Per role: question code → impact item of the intake (baseline) and of the satisfaction
    survey (final stage)."""
    registry = _definitions()
    return {
        role: (
            _questions(registry.get(f"intake_{role}")),
            _questions(registry.get(f"satisfaction_{role}")),
        )
        for role in ROLES
    }


def _per_organisation(counts: Sequence[store.MeetingCount]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for c in counts:
        kinds = found.setdefault(c.organisation_id, {})
        kinds[c.kind] = kinds.get(c.kind, 0) + c.held
    return found


def _by_form(
    rows: Sequence[store.FormCounts], counts: Sequence[store.MeetingCount]
) -> tuple[FormStats, ...]:
    """Summed over the organisations, in the order of DESIGN §1, forms unknown to it after;
    forms with nothing left out."""
    held: dict[str, int] = {}
    for c in counts:
        if c.form is not None:
            held[c.form] = held.get(c.form, 0) + c.held
    pairs: dict[str, list[int]] = {}
    for r in rows:
        summed = pairs.setdefault(r.form, [0, 0, 0, 0])
        for i, value in enumerate((r.formed, r.active, r.dissolved, r.mentees_active)):
            summed[i] += value
    order = {form: i for i, form in enumerate(FORMS)}
    found = []
    for form in sorted(pairs.keys() | held.keys(), key=lambda f: (order.get(f, len(order)), f)):
        formed, active, dissolved, mentees = pairs.get(form, [0, 0, 0, 0])
        stats = FormStats(form, formed, active, dissolved, mentees, held.get(form, 0))
        if stats.pairs_formed or stats.pairs_active or stats.pairs_dissolved or stats.meetings_held:
            found.append(stats)
    return tuple(found)


def _pair_rows(rows: Sequence[store.PairListRow], names: Mapping[int, str]) -> tuple[PairRow, ...]:
    # An erased person (/forget) has no name: "" here, the renderer says "data erased".
    return tuple(
        PairRow(
            organisation=names.get(r.organisation_id, ""),
            mentor=r.mentor_name or "",
            mentees=tuple(name or "" for name in r.mentee_names),
            form=r.form,
            order_number=r.order_number or None,
            order_date=r.order_date,
            status=r.status,
        )
        for r in rows
    )


def _impact(
    role: str, means: Sequence[store.ImpactMeans], items: Sequence[str]
) -> list[ImpactItem]:
    order = {item: i for i, item in enumerate(items)}
    found = []
    for m in sorted(means, key=lambda m: (order.get(m.item, len(order)), m.item)):
        change = (
            None if m.mean_before is None or m.mean_after is None else m.mean_after - m.mean_before
        )
        found.append(ImpactItem(f"{role}.{m.item}", m.mean_before, m.mean_after, change, m.both))
    return found


def activity_of(
    meetings: Sequence[store.MeetingCount], forms: Sequence[store.FormCounts]
) -> Activity:
    """Meetings per type and organisation and the by-form figures, from the grouped counts
    (live or from the snapshot, see mentoring/stats/facts.py)."""
    return Activity(meetings=_per_organisation(meetings), by_form=_by_form(forms, meetings))


async def activity_counts(
    conn: AsyncConnection, ids: Sequence[int], period: Period
) -> tuple[list[store.MeetingCount], list[store.FormCounts]]:
    return (
        await store.meetings_held(conn, ids, period.start_at, period.end_at),
        await store.form_counts(conn, ids, period.start_at, period.end_at),
    )


@dataclass(frozen=True, slots=True)
class Details:
    pairs: tuple[PairRow, ...] = ()
    impact: tuple[ImpactItem, ...] = ()
    practices: tuple[PracticeRow, ...] = ()


async def details_of(db: Database, orgs: Sequence[Organisation], period: Period) -> Details:
    """The pair list, impact monitoring and the best practices of the quarters in the period:
    only for the detailed report (XLSX, charts). The parts read different rows, each on its
    own connection, side by side (a region's impact is seconds of SQLite, which frees the GIL)."""
    ids = [o.id for o in orgs]
    if not ids:
        return Details()
    names = {o.id: o.name for o in orgs}

    async def pair_list() -> tuple[PairRow, ...]:
        async with db.connect() as conn:
            rows = await store.pair_list(conn, ids, period.start_at, period.end_at)
        return _pair_rows(rows, names)

    async def impact(
        role: str, baseline: dict[str, str], final: dict[str, str]
    ) -> list[ImpactItem]:
        async with db.connect() as conn:
            means = await store.impact_means(
                conn,
                ids,
                role,
                (f"intake_{role}", baseline),
                (f"satisfaction_{role}", final),
                period.start,
                period.end,
            )
        return _impact(role, means, list(baseline.values()))

    async def practices() -> tuple[PracticeRow, ...]:
        async with db.connect() as conn:
            return await practice_rows(conn, ids, period.start, period.end)

    roles = impact_questions().items()
    pairs, found, impacts = await asyncio.gather(
        pair_list(),
        practices(),
        asyncio.gather(*(impact(role, *questions) for role, questions in roles)),
    )
    return Details(pairs, tuple(item for items in impacts for item in items), found)


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def period_choices(today: date) -> list[tuple[str, str]]:
    """The periods /stats offers as buttons: (kind, period code for `parse_period`)."""
    year = school_year_of(today)
    previous_quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1) - timedelta(days=1)
    return [
        ("school_year", str(year)),
        ("previous_school_year", str(year - 1)),
        ("half_year", f"{today.year}-H{1 if today.month <= 6 else 2}"),
        ("quarter", _quarter(today)),
        ("previous_quarter", _quarter(previous_quarter)),
    ]
