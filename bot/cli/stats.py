"""`mentorbot headcount set`, `targets set`, `stats`, `report`: KPIs from the command line."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli.base import fail, run_async, settings_or_exit, with_database
from i18n import load_translator
from i18n.wording import school_year_label
from mentoring.stats import targets as target_service
from mentoring.stats.headcounts import HeadcountError, set_headcounts
from mentoring.stats.kpis import Period, build_report, parse_period
from reports.data import StatsReport
from storage.db import Database


@click.group()
def headcount() -> None:
    """Headcounts (численность) per organisation and school year: the KPI denominators."""


@headcount.command("set")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--year", type=int, required=True, help="school year's first year: 2026 = 2026/27")
@click.option("--pupils-10-19", type=click.IntRange(min=0))
@click.option("--pupils-15-19", type=click.IntRange(min=0))
@click.option("--young-teachers", type=click.IntRange(min=0), help="teachers with 0–3 years")
@click.option("--teachers-under-35", type=click.IntRange(min=0))
@click.option("--partners", type=click.IntRange(min=0), help="partner organisations on record")
def headcount_set(
    organisation_id: int,
    year: int,
    pupils_10_19: int | None,
    pupils_15_19: int | None,
    young_teachers: int | None,
    teachers_under_35: int | None,
    partners: int | None,
) -> None:
    """Set the headcounts given; those left out keep their stored values."""
    settings = settings_or_exit()

    async def _set(db: Database) -> None:
        await set_headcounts(
            db,
            organisation_id,
            year,
            now=datetime.now(UTC),
            pupils_10_19=pupils_10_19,
            pupils_15_19=pupils_15_19,
            young_teachers=young_teachers,
            teachers_under_35=teachers_under_35,
            partners_on_record=partners,
        )

    try:
        run_async(with_database(settings, _set))
    except HeadcountError as exc:
        fail(str(exc))
    click.echo(f"headcount of organisation {organisation_id} for {school_year_label(year)} set")


@click.group()
def targets() -> None:
    """KPI targets: per-year overrides of mentoring/stats/data/targets.yaml."""


@targets.command("set")
@click.option("--kpi", required=True)
@click.option("--year", type=int, required=True)
@click.option("--value", type=float, required=True, help="percent, 0–100")
def targets_set(kpi: str, year: int, value: float) -> None:
    settings = settings_or_exit()
    try:
        target_service.check_target(kpi, value)
    except target_service.TargetError as exc:
        fail(str(exc))

    async def _set(db: Database) -> None:
        await target_service.set_target(db, kpi, year, value, datetime.now(UTC))

    run_async(with_database(settings, _set))
    click.echo(f"target {kpi} for {year}: {value:g}%")


def _parse_scope(text: str) -> tuple[frozenset[int] | None, str | None, str | None]:
    kind, _, value = text.partition(":")
    if kind == "org" and value.isdigit():
        return frozenset({int(value)}), None, None
    if kind == "municipality" and value:
        return None, value, None
    if kind == "region" and value:
        return None, None, value
    fail(f"--scope: expected org:ID, municipality:NAME or region:NAME, got {text!r}")


def _build(scope: str, period: Period, *, details: bool = False) -> StatsReport:
    settings = settings_or_exit()
    ids, municipality, region = _parse_scope(scope)

    async def _run(db: Database) -> StatsReport:
        return await build_report(
            db,
            ids,
            period,
            scope_label=scope.partition(":")[2],
            now=datetime.now(UTC),
            municipality=municipality,
            region=region,
            details=details,
        )

    return run_async(with_database(settings, _run))


def _period_or_fail(text: str) -> Period:
    try:
        period = parse_period(text)
    except ValueError:  # a year past the calendar's end
        period = None
    if period is None:
        fail(f"expected a period like 2026, 2026-Q3 or 2026-H1, got {text!r}")
    return period


@click.command("stats")
@click.option("--scope", required=True, help="org:ID | municipality:NAME | region:NAME")
@click.option("--year", default=None, help="school year (2026 = 2026/27), or 2026-Q3, 2026-H1")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def stats_command(scope: str, year: str | None, fmt: str) -> None:
    """KPIs against targets, satisfaction and pairs for a scope."""
    from i18n.markup import plain
    from mentoring.stats.kpis import school_year_of
    from reports.summary import summary_text

    period = _period_or_fail(year or str(school_year_of(datetime.now(UTC).date())))
    report = _build(scope, period)
    if fmt == "json":
        click.echo(json.dumps(asdict(report), ensure_ascii=False, default=str))
    else:
        text = summary_text(report, load_translator().bind("ru"))
        click.echo(plain(text))  # the catalogs' markup off, «&lt;» back to «<»


@click.command("report")
@click.option("--scope", required=True, help="org:ID | municipality:NAME | region:NAME")
@click.option("--period", "period_text", required=True, help="2026 | 2026-Q3 | 2026-H1")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def report_command(scope: str, period_text: str, out: Path) -> None:
    """The analytical report (аналитическая справка) as XLSX."""
    from reports.xlsx import analytical_report  # openpyxl: only this command writes XLSX

    report = _build(scope, _period_or_fail(period_text), details=True)
    out.write_bytes(analytical_report(report, load_translator().bind("ru")))
    click.echo(f"{out}: {len(report.by_organisation) or 1} organisations, {report.period_label}")
