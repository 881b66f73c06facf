"""The /stats figures on the web: KPI table on the dashboard, the KPI chart, the XLSX report.

The same `StatsService` as the chat's /stats: in the running bot, charts and workbooks are
made by its worker process, so they never stall the event loop that also serves the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from aiohttp import web

from admin.context import Actor, actor_of, context_of
from i18n import Texts
from mentoring.stats.kpis import Period, parse_period, school_year_of
from mentoring.stats.service import StatsRequest
from reports.data import StatsReport

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


async def _request(request: web.Request, actor: Actor, code: str) -> StatsRequest | None:
    ctx = context_of(request)
    # The coordinator's areas name his scope, as the chat's /stats does («г. Тула»).
    areas = sorted(actor.scope.municipalities | actor.scope.regions)
    return await ctx.config.stats.request(
        actor.scope.organisation_ids, code, actor.locale, ctx.config.clock(), areas=areas
    )


async def scope_report(request: web.Request, actor: Actor, code: str) -> StatsReport | None:
    """The actor's report for the dashboard's table (no charts)."""
    wanted = await _request(request, actor, code)
    return None if wanted is None else await context_of(request).config.stats.report(wanted)


@routes.get("/stats/kpi.png", name="stats_kpi_chart")
async def kpi_chart_png(request: web.Request) -> web.Response:
    actor = actor_of(request)
    code, _ = selected_period(request)
    wanted = await _request(request, actor, code)
    if wanted is None:
        raise web.HTTPNotFound()
    charts = (await context_of(request).config.stats.summary(wanted)).charts
    png = next((chart.png for chart in charts if chart.name == "kpi"), None)
    if png is None:  # nothing to draw: the page says so in words instead
        raise web.HTTPNotFound()
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "no-store"})


@routes.get("/stats/report.xlsx", name="stats_report")
async def report_xlsx(request: web.Request) -> web.Response:
    actor = actor_of(request)
    code, _ = selected_period(request)
    wanted = await _request(request, actor, code)
    if wanted is None:
        raise web.HTTPNotFound()
    t = bot_texts(request, actor)
    result = await context_of(request).config.stats.workbook(wanted)
    data, report = result.workbook, result.report
    name = t("stats.report_file", period=report.period_label.replace("/", "-"))
    return web.Response(
        body=data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=\"report.xlsx\"; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )
