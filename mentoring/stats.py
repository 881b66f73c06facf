"""The KPIs of the municipal orders (DESIGN §1) for a scope and a period, as a StatsReport.

Counting rules live here; the SQL is in `storage.stats`, the drawing in `reports/`.
A school year `2026` is 2026/27 (1 September – 31 August); headcounts and targets are per
school year, and a quarter or half-year takes those of the school year it ends in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from mentoring.access import Scope
from mentoring.ages import age_on
from mentoring.targets import merged
from reports.data import (
    KpiValue,
    OrganisationStats,
    ResponseRate,
    SatisfactionFigures,
    SatisfactionMethod,
    StatsReport,
)
from storage import headcounts as headcount_store
from storage import stats as store
from storage.db import Database
from storage.headcounts import Headcount
from surveys.scoring import RespondentScore, summarize

__all__ = [
    "DEFAULT_METHOD",
    "DEFAULT_THRESHOLD",
    "Period",
    "build_report",
    "parse_period",
    "school_year_of",
    "scope_organisations",
]

DEFAULT_METHOD: SatisfactionMethod = "share"
DEFAULT_THRESHOLD = 70.0
YOUNG_SPECIALIST_YEARS = 3
# The satisfaction items are 1–10 scales (DESIGN §2); the response row keeps only the
# normalised score, so the raw mean is recovered from it on that scale.
SCALE_MIN, SCALE_MAX = 1.0, 10.0
SURVEYS = {"mentee": "satisfaction_mentee", "mentor": "satisfaction_mentor"}


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    start: date
    end: date  # inclusive
    school_year: int

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), UTC)

    @property
    def end_at(self) -> datetime:
        """Exclusive end as a moment: midnight after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)


def school_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _school_year(year: int) -> Period:
    return Period(f"{year}/{(year + 1) % 100:02d}", date(year, 9, 1), date(year + 1, 8, 31), year)


def parse_period(text: str) -> Period | None:
    """`2026` (school year 2026/27), `2026-Q3` (calendar quarter), `2026-H1` (half-year)."""
    match = re.fullmatch(r"(\d{4})(?:-([QH])([1-4]))?", text.strip().upper())
    if not match:
        return None
    year = int(match.group(1))
    if match.group(2) is None:
        return _school_year(year)
    part, number = match.group(2), int(match.group(3))
    months = 3 if part == "Q" else 6
    if part == "H" and number > 2:
        return None
    first = date(year, (number - 1) * months + 1, 1)
    after = (
        date(year + 1, 1, 1) if first.month + months > 12 else date(year, first.month + months, 1)
    )
    end = after - timedelta(days=1)
    return Period(f"{year}-{part}{number}", first, end, school_year_of(end))


def scope_organisations(scope: Scope, wanted: int | None = None) -> frozenset[int] | None:
    """The organisation ids the person may see, narrowed to `wanted` if given.

    None: every organisation (an admin without a choice); empty: nothing he may see."""
    visible = scope.organisation_ids
    if wanted is None:
        return visible
    return frozenset({wanted}) if scope.sees(wanted) else frozenset()


def _pct(numerator: int, denominator: int) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


def _aged(born: dict[int, date | None], low: int, high: int, on: date) -> int:
    return sum(1 for b in born.values() if b is not None and low <= age_on(b, on) <= high)


def _kpi(code: str, numerator: int, denominator: int, targets: dict[str, float]) -> KpiValue:
    return KpiValue(code, _pct(numerator, denominator), numerator, denominator, targets[code])


def _respondent(normalised: float) -> RespondentScore:
    raw = SCALE_MIN + normalised / 100.0 * (SCALE_MAX - SCALE_MIN)
    return RespondentScore(normalised, raw, 1)


def satisfaction(
    role: str,
    rows: Sequence[store.ScoreRow],
    method: SatisfactionMethod,
    threshold: float,
) -> SatisfactionFigures:
    submitted = [r for r in rows if r.submitted]
    summary = summarize(
        [None if r.score is None else _respondent(r.score) for r in submitted],
        len(rows),
        method=method,
        threshold=threshold,
    )
    return SatisfactionFigures(
        role="mentee" if role == "mentee" else "mentor",
        method=method,
        threshold=threshold,
        satisfaction_pct=summary.satisfaction_pct,
        mean_normalised=summary.mean_normalised,
        mean_raw=summary.mean_raw,
        respondents=summary.respondents,
        asked=summary.asked,
        response_rate_pct=summary.response_rate_pct,
        distribution=tuple((b.low, b.high, b.count) for b in summary.distribution),
    )


def _satisfaction_kpi(
    code: str,
    figures: SatisfactionFigures,
    rows: Sequence[store.ScoreRow],
    targets: dict[str, float],
) -> KpiValue:
    scores = [r.score for r in rows if r.submitted and r.score is not None]
    satisfied = sum(1 for s in scores if s >= figures.threshold)
    return KpiValue(code, figures.satisfaction_pct, satisfied, len(scores), targets[code])


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the queries found, per organisation id."""

    orgs: list[store.OrganisationRow]
    mentees: dict[int, dict[int, date | None]]
    mentors: dict[int, dict[int, date | None]]
    young: set[int]
    partners: dict[int, set[int]]
    teacher_orgs: set[int]
    scores: dict[str, dict[int, list[store.ScoreRow]]]  # per role, per organisation
    counts: dict[int, store.PairCounts]
    headcounts: dict[int, Headcount]


def _by_organisation(rows: Sequence[store.ScoreRow]) -> dict[int, list[store.ScoreRow]]:
    grouped: dict[int, list[store.ScoreRow]] = {}
    for row in rows:
        grouped.setdefault(row.organisation_id, []).append(row)
    return grouped


def _organisation_stats(
    facts: _Facts,
    members: list[store.OrganisationRow],
    org_id: int | None,
    name: str,
    period: Period,
    targets: dict[str, float],
    method: SatisfactionMethod,
    threshold: float,
) -> OrganisationStats:
    ids = [o.id for o in members]
    heads = [facts.headcounts[i] for i in ids if i in facts.headcounts]

    def head(field: str) -> int:
        return sum(getattr(h, field) or 0 for h in heads)

    on = period.end
    mentees = {pid: b for i in ids for pid, b in facts.mentees.get(i, {}).items()}
    mentors = {pid: b for i in ids for pid, b in facts.mentors.get(i, {}).items()}
    partner_kind = [o.id for o in members if o.kind == "partner"]
    schools = [o.id for o in members if o.kind != "partner"]
    partners_used = set().union(*(facts.partners.get(i, set()) for i in ids))
    recorded = [h.partners_on_record for h in heads if h.partners_on_record is not None]
    partner_total = sum(recorded) if recorded else len(partner_kind)
    by_role = {role: [r for i in ids for r in facts.scores[role].get(i, ())] for role in SURVEYS}
    figures = {role: satisfaction(role, by_role[role], method, threshold) for role in SURVEYS}
    counts = [facts.counts.get(i, store.PairCounts(0, 0, 0)) for i in ids]
    kpis = (
        _kpi("mentees_10_19", _aged(mentees, 10, 19, on), head("pupils_10_19"), targets),
        _kpi("mentors_15_19", _aged(mentors, 15, 19, on), head("pupils_15_19"), targets),
        _kpi("young_specialists", len(facts.young & set(mentees)), head("young_teachers"), targets),
        _kpi("partner_orgs", len(partners_used), partner_total, targets),
        _satisfaction_kpi("mentee_satisfaction", figures["mentee"], by_role["mentee"], targets),
        _satisfaction_kpi("mentor_satisfaction", figures["mentor"], by_role["mentor"], targets),
        _kpi(
            "schools_teacher_model",
            len(facts.teacher_orgs & set(schools)),
            len(schools),
            targets,
        ),
    )
    return OrganisationStats(
        organisation_id=org_id,
        name=name,
        kpis=kpis,
        mentee_satisfaction=figures["mentee"],
        mentor_satisfaction=figures["mentor"],
        pairs_formed=sum(c.formed for c in counts),
        pairs_active=sum(c.active for c in counts),
        pairs_dissolved=sum(c.dissolved for c in counts),
    )


async def build_report(
    db: Database,
    org_ids: frozenset[int] | None,
    period: Period,
    *,
    scope_label: str,
    now: datetime,
    method: SatisfactionMethod = DEFAULT_METHOD,
    threshold: float = DEFAULT_THRESHOLD,
    municipality: str | None = None,
    region: str | None = None,
) -> StatsReport:
    """The report for these organisations (None: all) over the period."""
    async with db.connect() as conn:
        orgs = await store.organisations_in_scope(
            conn,
            None if org_ids is None else sorted(org_ids),
            municipality=municipality,
            region=region,
        )
        ids = [o.id for o in orgs]
        mentees = await store.entered_mentees(conn, ids)
        all_mentees = {pid for found in mentees.values() for pid in found}
        facts = _Facts(
            orgs=orgs,
            mentees=mentees,
            mentors=await store.programme_mentors(conn, ids),
            young=await store.young_specialists(conn, all_mentees, YOUNG_SPECIALIST_YEARS),
            partners=await store.partners_with_active_mentor(conn, ids),
            teacher_orgs=await store.teacher_pair_organisations(conn, ids),
            scores={
                role: _by_organisation(
                    await store.satisfaction_scores(conn, ids, code, period.start, period.end)
                )
                for role, code in SURVEYS.items()
            },
            counts=await store.pair_counts(conn, ids, period.start_at, period.end_at),
            headcounts={
                h.organisation_id: h
                for h in await headcount_store.get_headcounts(conn, ids, period.school_year)
            },
        )
        waves = await store.wave_rows(conn, ids, period.start, period.end)
        targets = merged(
            period.school_year, await headcount_store.target_overrides(conn, period.school_year)
        )
    args = (period, targets, method, threshold)
    total = _organisation_stats(facts, orgs, None, scope_label, *args)
    by_org = tuple(_organisation_stats(facts, [o], o.id, o.name, *args) for o in orgs)
    names = {o.id: o.name for o in orgs}
    rates = tuple(
        ResponseRate(
            w.wave_id,
            names[w.organisation_id],
            w.survey_code,
            w.deadline,
            w.asked,
            w.answered,
            w.started,
        )
        for w in waves
    )
    return StatsReport(
        scope_label=scope_label,
        period_label=period.label,
        generated_at=now,
        method=method,
        threshold=threshold,
        total=total,
        by_organisation=by_org if len(orgs) > 1 else (),
        response_rates=rates,
    )
