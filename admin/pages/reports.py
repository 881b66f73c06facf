"""The /stats figures on the web: KPI table on the dashboard, the KPI chart, the XLSX report.

The same `build_report` as the chat's /stats; rendering (matplotlib, openpyxl) runs in a
thread so a chart never stalls the event loop that also serves the bot.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from aiohttp import web

from admin.context import Actor, actor_of, context_of
from bot.i18n import Texts
from mentoring.stats import Period, build_report, parse_period, school_year_of
from reports.charts import kpi_chart
from reports.data import StatsReport
from reports.xlsx import analytical_report
from storage import stats as stats_store

__all__ = [
    "PeriodChoice",
    "bot_texts",
    "period_choices",
    "routes",
    "scope_report",
    "selected_period",
]

routes = web.RouteTableDef()


@dataclass(frozen=True, slots=True)
class PeriodChoice:
    code: str
    kind: str  # school_year / quarter / half_year
    label: str


def period_choices(today: date) -> list[PeriodChoice]:
    """This and last school year, then this calendar year's quarters and halves."""
    year = school_year_of(today)
    codes = [("school_year", str(year)), ("school_year", str(year - 1))]
    codes += [("quarter", f"{today.year}-Q{n}") for n in range(1, 5)]
    codes += [("half_year", f"{today.year}-H{n}") for n in (1, 2)]
    choices = []
    for kind, code in codes:
        period = parse_period(code)
        assert period is not None
        choices.append(PeriodChoice(code, kind, period.label))
    return choices


def selected_period(request: web.Request) -> tuple[str, Period]:
    today = context_of(request).config.clock().date()
    code = request.query.get("period", "")[:10]
    period = parse_period(code) if code else None
    if period is None:
        code = str(school_year_of(today))
        period = parse_period(code)
        assert period is not None
    return code, period


def bot_texts(request: web.Request, actor: Actor) -> Texts:
    """The chat's texts (stats.*, reports.*) in the actor's language, as the charts expect."""
    return context_of(request).config.translator.bind(actor.locale)


async def scope_report(
    request: web.Request, actor: Actor, period: Period, *, details: bool = False
) -> StatsReport | None:
    """The actor's report; `details` adds the pair list, impact and practices (the XLSX)."""
    ctx = context_of(request)
    ids = actor.scope.organisation_ids
    async with ctx.config.db.connect() as conn:
        orgs = await stats_store.organisations_in_scope(conn, None if ids is None else sorted(ids))
    if not orgs:
        return None
    t = bot_texts(request, actor)
    label = orgs[0].name if len(orgs) == 1 else t("stats.all_organisations", count=len(orgs))
    return await build_report(
        ctx.config.db, ids, period, scope_label=label, now=ctx.config.clock(), details=details
    )


@routes.get("/stats/kpi.png", name="stats_kpi_chart")
async def kpi_chart_png(request: web.Request) -> web.Response:
    actor = actor_of(request)
    _, period = selected_period(request)
    report = await scope_report(request, actor, period)
    if report is None:
        raise web.HTTPNotFound()
    png = await asyncio.to_thread(kpi_chart, report.total.kpis, bot_texts(request, actor))
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "no-store"})


@routes.get("/stats/report.xlsx", name="stats_report")
async def report_xlsx(request: web.Request) -> web.Response:
    actor = actor_of(request)
    _, period = selected_period(request)
    report = await scope_report(request, actor, period, details=True)
    if report is None:
        raise web.HTTPNotFound()
    t = bot_texts(request, actor)
    data = await asyncio.to_thread(analytical_report, report, t)
    name = t("stats.report_file", period=report.period_label.replace("/", "-"))
    return web.Response(
        body=data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=\"report.xlsx\"; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )
