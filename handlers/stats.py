"""/stats: KPIs against targets, satisfaction, charts and the XLSX analytical report.

The organisation in a button is only what the button claims: every step recomputes the
person's scope on the server and refuses an organisation outside it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import StatsCallback
from bot.i18n import Texts
from bot.render import safe
from mentoring.access import Scope, load_scope
from mentoring.stats import Period, build_report, parse_period, school_year_of
from reports.charts import distribution_chart, impact_chart, kpi_chart
from reports.data import KpiValue, SatisfactionFigures, StatsReport
from reports.xlsx import analytical_report
from storage import stats as stats_store
from storage.db import Database
from storage.people import Person

MAX_SCOPE_BUTTONS = 50


def _period() -> Period:
    period = parse_period(str(school_year_of(datetime.now(UTC).date())))
    assert period is not None
    return period


def _org_ids(scope: Scope, org: int) -> frozenset[int] | None:
    """The ids to report on, or an empty set when `org` is outside the scope."""
    if org:
        return frozenset({org}) if scope.sees(org) else frozenset()
    return scope.organisation_ids


async def _report(db: Database, scope: Scope, org: int, t: Texts) -> StatsReport | None:
    ids = _org_ids(scope, org)
    if ids is not None and not ids:
        return None
    async with db.connect() as conn:
        orgs = await stats_store.organisations_in_scope(conn, None if ids is None else sorted(ids))
    if not orgs:
        return None
    areas = sorted(scope.municipalities | scope.regions)
    if len(orgs) == 1:
        label = orgs[0].name
    elif not org and areas:
        label = ", ".join(areas)
    else:
        label = t("stats.all_organisations", count=len(orgs))
    return await build_report(db, ids, _period(), scope_label=label, now=datetime.now(UTC))


def _value(kpi: KpiValue, t: Texts) -> str:
    if kpi.value_pct is None:
        return t("stats.no_value")
    return t(
        "stats.value", value=kpi.value_pct, numerator=kpi.numerator, denominator=kpi.denominator
    )


def _satisfaction_line(figures: SatisfactionFigures, t: Texts) -> str:
    value = (
        t("stats.no_value")
        if figures.satisfaction_pct is None
        else t("reports.chart.pct", value=figures.satisfaction_pct)
    )
    return t(
        "stats.satisfaction",
        role=t(f"reports.role.{figures.role}"),
        value=value,
        respondents=figures.respondents,
        asked=figures.asked,
    )


def summary_text(report: StatsReport, t: Texts) -> str:
    total = report.total
    lines = [t("stats.title", scope=safe(report.scope_label), period=report.period_label), ""]
    for kpi in total.kpis:
        mark = "✓" if kpi.met else "✗"
        label = t(f"reports.kpi.{kpi.code}")
        lines.append(
            t("stats.kpi_line", mark=mark, label=label, value=_value(kpi, t), target=kpi.target_pct)
        )
    lines.append("")
    lines.append(_satisfaction_line(total.mentee_satisfaction, t))
    lines.append(_satisfaction_line(total.mentor_satisfaction, t))
    method = (
        t("stats.method_share", threshold=report.threshold)
        if report.method == "share"
        else t("stats.method_mean")
    )
    lines.append(method)
    lines.append(
        t(
            "stats.pairs",
            formed=total.pairs_formed,
            active=total.pairs_active,
            dissolved=total.pairs_dissolved,
        )
    )
    return "\n".join(lines)


def _keyboard(scope: Scope, org: int, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("stats.button.charts"), callback_data=StatsCallback(action="charts", org=org)
    )
    builder.button(text=t("stats.button.xlsx"), callback_data=StatsCallback(action="xlsx", org=org))
    ids = scope.organisation_ids
    if ids is None or len(ids) > 1:
        builder.button(text=t("stats.button.scopes"), callback_data=StatsCallback(action="scopes"))
    builder.adjust(2, 1)
    return builder.as_markup()


async def _show(message: Message, db: Database, scope: Scope, org: int, t: Texts) -> None:
    report = await _report(db, scope, org, t)
    if report is None:
        await message.answer(t("stats.no_organisations"))
        return
    await message.answer(summary_text(report, t))
    png = await asyncio.to_thread(kpi_chart, report.total.kpis, t)
    await message.answer_photo(
        BufferedInputFile(png, filename="kpi.png"), reply_markup=_keyboard(scope, org, t)
    )


async def cmd_stats(message: Message, person: Person | None, db: Database, t: Texts) -> None:
    scope = await load_scope(db, person)
    if scope is None:
        await message.answer(t("stats.refused"))
        return
    await _show(message, db, scope, 0, t)


async def _send_charts(message: Message, report: StatsReport, t: Texts) -> None:
    total = report.total
    png = await asyncio.to_thread(
        distribution_chart, total.mentee_satisfaction, total.mentor_satisfaction, t
    )
    await message.answer_photo(BufferedInputFile(png, filename="distribution.png"))
    if report.impact:
        png = await asyncio.to_thread(impact_chart, report.impact, t)
        await message.answer_photo(BufferedInputFile(png, filename="impact.png"))


async def _send_scopes(message: Message, db: Database, scope: Scope, t: Texts) -> None:
    ids = scope.organisation_ids
    async with db.connect() as conn:
        orgs = await stats_store.organisations_in_scope(conn, None if ids is None else sorted(ids))
    builder = InlineKeyboardBuilder()
    builder.button(text=t("stats.button.all"), callback_data=StatsCallback(action="show", org=0))
    for org in orgs[:MAX_SCOPE_BUTTONS]:
        builder.button(text=org.name[:60], callback_data=StatsCallback(action="show", org=org.id))
    builder.adjust(1)
    await message.answer(t("stats.button.scopes"), reply_markup=builder.as_markup())


async def on_stats_button(
    query: CallbackQuery,
    callback_data: StatsCallback,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    scope = await load_scope(db, person)
    org = callback_data.org
    if scope is None or not isinstance(query.message, Message) or (org and not scope.sees(org)):
        await query.answer(t("stats.no_rights"), show_alert=True)
        return
    await query.answer()
    message = query.message
    if callback_data.action == "scopes":
        await _send_scopes(message, db, scope, t)
        return
    if callback_data.action == "show":
        await _show(message, db, scope, org, t)
        return
    report = await _report(db, scope, org, t)
    if report is None:
        await message.answer(t("stats.no_organisations"))
    elif callback_data.action == "charts":
        await _send_charts(message, report, t)
    elif callback_data.action == "xlsx":
        data = await asyncio.to_thread(analytical_report, report, t)
        name = t("stats.report_file", period=report.period_label.replace("/", "-"))
        await message.answer_document(BufferedInputFile(data, filename=name))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("stats"))(cmd_stats)
    router.callback_query(StatsCallback.filter())(on_stats_button)
    return router
