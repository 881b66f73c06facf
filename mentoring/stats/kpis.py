"""The KPIs of the municipal orders (DESIGN §1) for a scope and a period, as a StatsReport.

Counting rules live here; the SQL is in `storage.stats`, the drawing in `reports/`.
A school year `2026` is 2026/27 (1 September – 31 August); headcounts and targets are per
school year, and a quarter or half-year takes those of the school year it ends in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from mentoring.people.access import Scope
from mentoring.stats.activity import Details, activity_of, details_of
from mentoring.stats.facts import BUCKET_WIDTH, SURVEYS, OrgFacts, facts_for
from mentoring.stats.periods import Period, parse_period, school_year_of
from mentoring.stats.targets import merged
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
from surveys.scoring import ScoreTally, summary_of

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


def scope_organisations(scope: Scope, wanted: int | None = None) -> frozenset[int] | None:
    """The organisation ids the person may see, narrowed to `wanted` if given.

    None: every organisation (an admin without a choice); empty: nothing he may see."""
    visible = scope.organisation_ids
    if wanted is None:
        return visible
    return frozenset({wanted}) if scope.sees(wanted) else frozenset()


def _pct(numerator: int, denominator: int) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


def _kpi(code: str, numerator: int, denominator: int, targets: dict[str, float]) -> KpiValue:
    return KpiValue(code, _pct(numerator, denominator), numerator, denominator, targets[code])


def satisfaction(
    role: str, counts: ScoreTally, method: SatisfactionMethod, threshold: float
) -> SatisfactionFigures:
    summary = summary_of(counts, method=method, threshold=threshold, bucket_width=BUCKET_WIDTH)
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


NO_TALLY = ScoreTally()


def _sum(tallies: Iterable[ScoreTally]) -> ScoreTally:
    """The sum of tallies; one organisation's own tally as it is (the common case)."""
    listed = list(tallies)
    if len(listed) == 1:
        return listed[0]
    return sum(listed, NO_TALLY)


def _satisfaction_kpi(
    code: str, figures: SatisfactionFigures, counts: ScoreTally, targets: dict[str, float]
) -> KpiValue:
    return KpiValue(code, figures.satisfaction_pct, counts.satisfied, counts.scored, targets[code])


def _organisation_stats(
    facts: dict[int, OrgFacts],
    headcounts: dict[int, Headcount],
    members: list[store.OrganisationRow],
    org_id: int | None,
    name: str,
    targets: dict[str, float],
    method: SatisfactionMethod,
    threshold: float,
) -> OrganisationStats:
    """The figures of one organisation, or of several summed: the total of a scope is the sum
    of its organisations' counts, as its denominators are the sum of their headcounts."""
    ids = [o.id for o in members]
    heads = [headcounts[i] for i in ids if i in headcounts]

    def head(field: str) -> int:
        return sum(getattr(h, field) or 0 for h in heads)

    found = [facts[i] for i in ids if i in facts]
    partner_kind = [o.id for o in members if o.kind == "partner"]
    schools = [o.id for o in members if o.kind != "partner"]
    partners_used = set().union(*(f.partners for f in found))
    recorded = [h.partners_on_record for h in heads if h.partners_on_record is not None]
    partner_total = sum(recorded) if recorded else len(partner_kind)
    tallies = {role: _sum(f.scores.get(role, NO_TALLY) for f in found) for role in SURVEYS}
    figures = {role: satisfaction(role, tallies[role], method, threshold) for role in SURVEYS}
    teacher_schools = sum(1 for i in schools if i in facts and facts[i].pairs.teacher_pairs)
    mentees = [f.mentees for f in found]
    paired = [f.pairs for f in found]
    kpis = (
        _kpi("mentees_10_19", sum(m.aged for m in mentees), head("pupils_10_19"), targets),
        _kpi("mentors_15_19", sum(p.mentors_aged for p in paired), head("pupils_15_19"), targets),
        _kpi("young_specialists", sum(m.young for m in mentees), head("young_teachers"), targets),
        _kpi("partner_orgs", len(partners_used), partner_total, targets),
        _satisfaction_kpi("mentee_satisfaction", figures["mentee"], tallies["mentee"], targets),
        _satisfaction_kpi("mentor_satisfaction", figures["mentor"], tallies["mentor"], targets),
        _kpi("schools_teacher_model", teacher_schools, len(schools), targets),
    )
    return OrganisationStats(
        organisation_id=org_id,
        name=name,
        kpis=kpis,
        mentee_satisfaction=figures["mentee"],
        mentor_satisfaction=figures["mentor"],
        pairs_formed=sum(p.formed for p in paired),
        pairs_active=sum(p.active for p in paired),
        pairs_dissolved=sum(p.dissolved for p in paired),
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
    details: bool = False,
) -> StatsReport:
    """The report for these organisations (None: all) over the period; `details` adds the
    pair list and impact monitoring (the XLSX report and the charts)."""
    async with db.connect() as conn:
        orgs = await store.organisations_in_scope(
            conn,
            None if org_ids is None else sorted(org_ids),
            municipality=municipality,
            region=region,
        )
        ids = [o.id for o in orgs]
        headcounts = {
            h.organisation_id: h
            for h in await headcount_store.get_headcounts(conn, ids, period.school_year)
        }
        targets = merged(
            period.school_year, await headcount_store.target_overrides(conn, period.school_year)
        )
    facts, counted_at = await facts_for(db, ids, period, threshold, now)
    args = (targets, method, threshold)
    total = _organisation_stats(facts, headcounts, orgs, None, scope_label, *args)
    by_org = tuple(_organisation_stats(facts, headcounts, [o], o.id, o.name, *args) for o in orgs)
    waves = sorted(
        (w for f in facts.values() for w in f.waves), key=lambda w: (w.deadline, w.wave_id)
    )
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
    activity = activity_of(
        [m for f in facts.values() for m in f.meetings],
        [c for f in facts.values() for c in f.forms],
    )
    total, by_org = activity.with_meetings(total, by_org)
    extra = await details_of(db, orgs, period) if details else Details()
    return StatsReport(
        scope_label=scope_label,
        period_label=period.label,
        generated_at=now,
        method=method,
        threshold=threshold,
        total=total,
        by_organisation=by_org if len(orgs) > 1 else (),
        response_rates=rates,
        pairs=extra.pairs,
        impact=extra.impact,
        practices=extra.practices,
        by_form=activity.by_form,
        counted_at=counted_at,
    )
