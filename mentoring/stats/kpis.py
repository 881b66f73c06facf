"""The KPIs of the municipal orders (DESIGN §1) for a scope and a period, as a StatsReport.

Counting rules live here; the SQL is in `storage.stats`, the drawing in `reports/`.
A school year `2026` is 2026/27 (1 September – 31 August); headcounts and targets are per
school year, and a quarter or half-year takes those of the school year it ends in.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from mentoring.people.access import Scope
from mentoring.stats.activity import Details, activity_of, details_of, survey_titles
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
from surveys.scoring import ScoreTally, bucket_edges, figures_of

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


@cache
def _bins(width: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The lower and upper edges of the distribution's buckets."""
    lows = bucket_edges(width)
    return lows, tuple(min(low + width, 100.0) for low in lows)


def satisfaction(
    role: str, counts: ScoreTally, method: SatisfactionMethod, threshold: float
) -> SatisfactionFigures:
    """The figures of a tally: `surveys.scoring.summary_of` without its intermediate objects,
    as a region makes two per organisation."""
    pct, mean_normalised, mean_raw, rate = figures_of(counts, method)
    lows, highs = _bins(BUCKET_WIDTH)
    buckets = counts.buckets + (0,) * (len(lows) - len(counts.buckets))
    return SatisfactionFigures(
        role="mentee" if role == "mentee" else "mentor",
        method=method,
        threshold=threshold,
        satisfaction_pct=pct,
        mean_normalised=mean_normalised,
        mean_raw=mean_raw,
        respondents=counts.respondents,
        asked=counts.asked,
        response_rate_pct=rate,
        distribution=tuple(zip(lows, highs, buckets, strict=True)),
    )


NO_TALLY = ScoreTally()


def _sum(tallies: Sequence[ScoreTally]) -> ScoreTally:
    """The sum of tallies, field by field in one pass (a region adds up a thousand)."""
    if len(tallies) == 1:
        return tallies[0]
    buckets = [0] * max((len(t.buckets) for t in tallies), default=0)
    for tally in tallies:
        for index, count in enumerate(tally.buckets):
            buckets[index] += count
    return ScoreTally(
        asked=sum(t.asked for t in tallies),
        respondents=sum(t.respondents for t in tallies),
        scored=sum(t.scored for t in tallies),
        satisfied=sum(t.satisfied for t in tallies),
        sum_normalised=sum(t.sum_normalised for t in tallies),
        sum_raw=sum(t.sum_raw for t in tallies),
        buckets=tuple(buckets),
    )


def _satisfaction_kpi(
    code: str, figures: SatisfactionFigures, counts: ScoreTally, targets: dict[str, float]
) -> KpiValue:
    return KpiValue(code, figures.satisfaction_pct, counts.satisfied, counts.scored, targets[code])


@dataclass(frozen=True, slots=True)
class _Rules:
    targets: dict[str, float]
    method: SatisfactionMethod
    threshold: float


def _organisation_stats(
    facts: Mapping[int, OrgFacts],
    headcounts: Mapping[int, Headcount],
    members: Sequence[store.OrganisationRow],
    org_id: int | None,
    name: str,
    rules: _Rules,
    meetings: dict[str, int],
) -> OrganisationStats:
    """The figures of one organisation, or of several summed: the total of a scope is the sum
    of its organisations' counts, as its denominators are the sum of their headcounts."""
    targets = rules.targets
    heads = [headcounts[o.id] for o in members if o.id in headcounts]

    def head(field: str) -> int:
        return sum(getattr(h, field) or 0 for h in heads)

    found = [facts[o.id] for o in members if o.id in facts]
    partners_used = frozenset().union(*(f.partners for f in found))
    recorded = [h.partners_on_record for h in heads if h.partners_on_record is not None]
    partner_total = sum(recorded) if recorded else sum(o.kind == "partner" for o in members)
    tallies = {role: _sum([f.scores.get(role, NO_TALLY) for f in found]) for role in SURVEYS}
    figures = {
        role: satisfaction(role, tallies[role], rules.method, rules.threshold) for role in SURVEYS
    }
    schools = [o.id for o in members if o.kind != "partner"]
    teacher_schools = sum(1 for i in schools if i in facts and facts[i].pairs.teacher_pairs)
    paired = [f.pairs for f in found]
    kpis = (
        _kpi("mentees_10_19", sum(f.mentees.aged for f in found), head("pupils_10_19"), targets),
        _kpi("mentors_15_19", sum(p.mentors_aged for p in paired), head("pupils_15_19"), targets),
        _kpi(
            "young_specialists",
            sum(f.mentees.young for f in found),
            head("young_teachers"),
            targets,
        ),
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
        meetings_held_by_type=meetings,
        municipality=members[0].municipality if org_id is not None else "",
    )


def _zone(orgs: Sequence[store.OrganisationRow]) -> tuple[str, int]:
    """The zone of most of the organisations (the first met among equals) and how many keep
    it: the workbook states its times there and says so."""
    counts = Counter(o.timezone for o in orgs)
    if not counts:
        return "UTC", 0
    zone = max(counts, key=lambda z: counts[z])  # Counter keeps the order first met
    return zone, counts[zone]


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
    locale: str = "ru",
) -> StatsReport:
    """The report for these organisations (None: all) over the period; `details` adds the
    pair list and impact monitoring (the XLSX report and the charts). `locale`: that of the
    questionnaires' titles."""
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
    if details:  # the live pair list and impact read other tables: side by side
        (facts, counted_at), extra = await asyncio.gather(
            facts_for(db, ids, period, threshold, now), details_of(db, orgs, period)
        )
    else:
        (facts, counted_at), extra = await facts_for(db, ids, period, threshold, now), Details()
    activity = activity_of(
        [m for f in facts.values() for m in f.meetings],
        [c for f in facts.values() for c in f.forms],
    )
    rules = _Rules(targets, method, threshold)
    meetings = activity.meetings
    by_org = tuple(
        _organisation_stats(facts, headcounts, [o], o.id, o.name, rules, meetings.get(o.id, {}))
        for o in orgs
    )
    total = _organisation_stats(
        facts, headcounts, orgs, None, scope_label, rules, activity.meetings_total()
    )
    zone, in_zone = _zone(orgs)
    return StatsReport(
        scope_label=scope_label,
        period_label=period.label,
        generated_at=now,
        method=method,
        threshold=threshold,
        total=total,
        by_organisation=by_org if len(orgs) > 1 else (),
        response_rates=_response_rates(facts, orgs, locale),
        pairs=extra.pairs,
        impact=extra.impact,
        practices=extra.practices,
        by_form=activity.by_form,
        counted_at=counted_at,
        timezone=zone,
        timezone_organisations=in_zone,
        organisation_count=len(orgs),
    )


def _response_rates(
    facts: Mapping[int, OrgFacts], orgs: Sequence[store.OrganisationRow], locale: str
) -> tuple[ResponseRate, ...]:
    """Every wave of the period, by deadline, named by its questionnaire's title."""
    names = {o.id: o.name for o in orgs}
    titles = survey_titles(locale)
    waves = sorted(
        (w for f in facts.values() for w in f.waves), key=lambda w: (w.deadline, w.wave_id)
    )
    return tuple(
        ResponseRate(
            w.wave_id,
            names[w.organisation_id],
            titles.get(w.survey_code, w.survey_code),
            w.deadline,
            w.asked,
            w.answered,
            w.started,
        )
        for w in waves
    )
