"""Who lags (отстающие): the organisations of a scope below target on at least one KPI.

One rule for every door: the chat's «Кто отстаёт» list and the back office's table of
organisations mark a KPI as lagging through `below_target`, and order the organisations
with `worst_first`. Pure: it reads a `StatsReport` (or its organisations) and returns data.

"Worst" is, in this order:
1. more KPIs below target;
2. the larger total shortfall: the sum, over those KPIs, of the share of the target that is
   missing (42 % against a target of 70 % misses 0.4 of it). Shares, not percentage points,
   so that 5 % against a target of 10 % (half missing) weighs more than 95 % against 100 %;
3. the name (numbers in it as numbers: «№ 2» before «№ 10»), then the id, so that the order
   never depends on the query's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, tzinfo

from i18n.markup import safe
from i18n.wording import counted, number, period_title
from reports.data import KpiValue, OrganisationStats, StatsReport
from reports.kpi_text import pct

__all__ = [
    "NAME_LENGTH",
    "Lagging",
    "below_target",
    "lagging_entry",
    "lagging_header",
    "name_key",
    "shortfall",
    "who_lags",
    "worst_first",
]

Texts = Callable[..., str]
NAME_LENGTH = 80  # of an organisation's or a municipality's name in the list (up to 300)


def below_target(kpi: KpiValue) -> bool:
    """The KPI has a value and misses its target (`KpiValue.met`). A KPI without a value
    (no headcount entered, nobody asked) is «нет данных», not behind."""
    return kpi.value_pct is not None and not kpi.met


def shortfall(kpi: KpiValue) -> float:
    """The share of the target that is missing (0 when the KPI is not below target)."""
    if not below_target(kpi) or kpi.value_pct is None or kpi.target_pct <= 0:
        return 0.0
    return (kpi.target_pct - kpi.value_pct) / kpi.target_pct


_DIGITS = re.compile(r"(\d+)")


def name_key(name: str) -> tuple[str | int, ...]:
    """Names in the order people expect: «Школа № 2» before «Школа № 10»."""
    parts = _DIGITS.split(name.casefold())  # text, number, text, …: always in that rhythm
    return tuple(int(part) if n % 2 else part for n, part in enumerate(parts))


def worst_first(
    organisation: OrganisationStats,
) -> tuple[int, float, tuple[str | int, ...], int]:
    """A sort key: ascending order puts the worst organisation first."""
    behind = [kpi for kpi in organisation.kpis if below_target(kpi)]
    return (
        -len(behind),
        -sum(shortfall(kpi) for kpi in behind),
        name_key(organisation.name),
        organisation.organisation_id or 0,
    )


@dataclass(frozen=True, slots=True)
class Lagging:
    """One organisation below target: which KPIs, in the order reports show them."""

    organisation_id: int
    name: str
    behind: tuple[KpiValue, ...]


def who_lags(organisations: StatsReport | Iterable[OrganisationStats]) -> tuple[Lagging, ...]:
    """The organisations below target on at least one KPI, worst first (see the module)."""
    if isinstance(organisations, StatsReport):
        organisations = organisations.by_organisation
    found = []
    for organisation in sorted(organisations, key=worst_first):
        behind = tuple(kpi for kpi in organisation.kpis if below_target(kpi))
        if behind and organisation.organisation_id is not None:  # not a scope's total
            found.append(Lagging(organisation.organisation_id, organisation.name, behind))
    return tuple(found)


def _shortened(text: str, length: int = NAME_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def lagging_header(
    report: StatsReport, listed: int, t: Texts, locale: str, zone: tzinfo = UTC
) -> str:
    """What the list is of: the scope, the period, how many of its organisations lag."""
    lines = [
        t(
            "stats.lagging.title",
            scope=safe(_shortened(report.scope_label, 2 * NAME_LENGTH)),
            period=period_title(report.period_label, t),
        )
    ]
    if report.counted_at is not None:
        lines.append(t("stats.counted_at", time=report.counted_at.astimezone(zone)))
    if listed:
        organisations = counted(listed, "stats.lagging.organisations", t, locale)
        lines.append(
            t(
                "stats.lagging.summary",
                organisations=organisations,
                total=number(len(report.by_organisation), locale, digits=0),
            )
        )
    else:
        lines.append(t("stats.lagging.none"))
    return "\n".join(lines)


def lagging_entry(number: int, item: Lagging, t: Texts, locale: str, place: str = "") -> str:
    """One organisation: its place in the list, its name (and municipality, when the list
    spans several), and each KPI below target with its value and target."""
    name = safe(_shortened(item.name))
    where = t("stats.lagging.place", place=safe(_shortened(place))) if place else ""
    behind = counted(len(item.behind), "stats.lagging.behind", t, locale)
    lines = [t("stats.lagging.entry", number=number, name=name, place=where, behind=behind)]
    for kpi in item.behind:
        assert kpi.value_pct is not None  # below target: it has a value
        lines.append(
            t(
                "stats.lagging.kpi_line",
                label=t(f"stats.lagging.kpi.{kpi.code}"),
                value=pct(kpi.value_pct, t),
                target=pct(kpi.target_pct, t),
            )
        )
    return "\n".join(lines)
