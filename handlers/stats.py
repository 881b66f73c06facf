"""/stats: KPIs against targets, satisfaction, charts and the XLSX analytical report; for
several organisations, «Кто отстаёт» (those below target, worst first, a page at a time).

The organisation and the period in a button are only what the button claims: every step
recomputes the person's scope on the server, refuses an organisation outside it and re-parses
the period, refusing one that does not parse.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import LaggingCallback, StatsCallback
from bot.long_messages import page_of, page_turns, paged_keyboard, send_long, show_page
from bot.settings import Settings
from i18n import Texts
from i18n.wording import period_title
from mentoring.people.access import Scope, load_scope
from mentoring.stats.activity import period_choices
from mentoring.stats.kpis import parse_period, school_year_of, scope_organisations
from mentoring.stats.lagging import lagging_entry, lagging_header, who_lags
from mentoring.stats.service import Chart, StatsRequest, StatsService
from reports.data import StatsReport
from reports.summary import summary_text
from storage import stats as stats_store
from storage.db import Database
from storage.people import Person


def _period(code: str) -> str | None:
    """The period code of a button ("" is the current school year); None when it does not
    parse."""
    code = code or str(school_year_of(datetime.now(UTC).date()))
    try:
        return code if parse_period(code) is not None else None
    except ValueError:  # "9999": a year past the calendar's end
        return None


async def _request(
    stats: StatsService, scope: Scope, org: int, period: str, locale: str
) -> StatsRequest | None:
    """What to report on, or None when nothing in the scope matches."""
    areas = () if org else sorted(scope.municipalities | scope.regions)
    wanted = scope_organisations(scope, org or None)
    return await stats.request(wanted, period, locale, datetime.now(UTC), areas=areas)


def _keyboard(scope: Scope, org: int, period: str, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for action in ("charts", "xlsx", "period"):
        builder.button(
            text=t(f"stats.button.{action}"),
            callback_data=StatsCallback(action=action, org=org, period=period),
        )
    ids = scope.organisation_ids
    if ids is None or len(ids) > 1:
        builder.button(
            text=t("stats.button.scopes"),
            callback_data=StatsCallback(action="scopes", org=org, period=period),
        )
        builder.button(text=t("stats.button.lagging"), callback_data=LaggingCallback(period=period))
    builder.adjust(2, 2)
    return builder.as_markup()


async def _show(
    message: Message,
    request: StatsRequest,
    stats: StatsService,
    keyboard: InlineKeyboardMarkup,
    t: Texts,
    zone: tzinfo,
    scope: Scope,
) -> None:
    result = await stats.summary(request)
    # /headcount is a curator's (and an admin's) command: a coordinator is told who owes it.
    enters = scope.is_admin or bool(scope.curated)
    await send_long(message, summary_text(result.report, t, zone, enters_headcounts=enters))
    # For several organisations the KPI chart is followed by satisfaction by organisation.
    await _send_charts(message, result.charts, t, keyboard)


async def _send_charts(
    message: Message,
    charts: Sequence[Chart],
    t: Texts,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """The pictures that were drawn. A chart with nothing to draw is a sentence, never an
    empty picture: the caption of the last picture, or a message when none was drawn. The
    buttons go under the last one."""
    drawn = [(chart.name, chart.png) for chart in charts if chart.png is not None]
    missing = "\n".join(t(f"stats.no_chart.{chart.name}") for chart in charts if chart.png is None)
    if not drawn:
        if missing:
            await message.answer(missing, reply_markup=keyboard)
        return
    for number, (name, png) in enumerate(drawn, start=1):
        last = number == len(drawn)
        await message.answer_photo(
            BufferedInputFile(png, filename=f"{name}.png"),
            caption=(missing or None) if last else None,
            reply_markup=keyboard if last else None,
        )


async def cmd_stats(
    message: Message,
    person: Person | None,
    db: Database,
    settings: Settings,
    stats: StatsService,
    locale: str,
    t: Texts,
) -> None:
    scope = await load_scope(db, person)
    if scope is None:
        await message.answer(t("stats.refused"))
        return
    code = _period("")
    assert code is not None  # the current school year always parses
    request = await _request(stats, scope, 0, code, locale)
    if request is None:
        await message.answer(t("stats.no_organisations"))
        return
    zone = ZoneInfo(settings.default_timezone)
    await _show(message, request, stats, _keyboard(scope, 0, "", t), t, zone, scope)


async def _send_periods(message: Message, org: int, t: Texts) -> None:
    builder = InlineKeyboardBuilder()
    for kind, code in period_choices(datetime.now(UTC).date()):
        period = parse_period(code)
        assert period is not None  # period_choices only makes codes that parse
        builder.button(
            text=t(f"stats.period.{kind}", label=period_title(period.label, t)),
            callback_data=StatsCallback(action="show", org=org, period=code),
        )
    builder.adjust(1)
    await message.answer(t("stats.period.title"), reply_markup=builder.as_markup())


async def _scopes_keyboard(
    db: Database, scope: Scope, code: str, page: int, t: Texts
) -> InlineKeyboardMarkup:
    """«Вся область» first, then every organisation of the scope, a page at a time."""
    ids = scope.organisation_ids
    async with db.connect() as conn:
        orgs = await stats_store.organisations_in_scope(conn, None if ids is None else sorted(ids))
    whole = InlineKeyboardButton(
        text=t("stats.button.all"),
        callback_data=StatsCallback(action="show", org=0, period=code).pack(),
    )
    # Grouped by municipality: sorted by it and, when the scope spans several, named by it.
    orgs = sorted(orgs, key=lambda o: (o.region or "", o.municipality or ""))  # stable: by id
    several = len({o.municipality for o in orgs}) > 1
    buttons = [
        InlineKeyboardButton(
            text=(f"{org.municipality} · {org.name}" if several and org.municipality else org.name)[
                :60
            ],
            callback_data=StatsCallback(action="show", org=org.id, period=code).pack(),
        )
        for org in orgs
    ]
    where = StatsCallback(action="scopes_page", period=code, page=page)
    return paged_keyboard(buttons, where, t, extra=[whole])


async def on_stats_button(
    query: CallbackQuery,
    callback_data: StatsCallback,
    person: Person | None,
    db: Database,
    settings: Settings,
    stats: StatsService,
    locale: str,
    t: Texts,
) -> None:
    scope = await load_scope(db, person)
    org = callback_data.org
    if scope is None or not isinstance(query.message, Message) or (org and not scope.sees(org)):
        await query.answer(t("stats.no_rights"), show_alert=True)
        return
    code = _period(callback_data.period)
    if code is None:  # a forged or stale button: nothing this bot would have sent
        await query.answer(t("stats.bad_period"), show_alert=True)
        return
    await query.answer()
    message = query.message
    if callback_data.action in ("scopes", "scopes_page"):
        keyboard = await _scopes_keyboard(db, scope, callback_data.period, callback_data.page, t)
        if callback_data.action == "scopes":
            await message.answer(t("stats.button.scopes"), reply_markup=keyboard)
        else:
            await show_page(message, keyboard)
        return
    if callback_data.action == "period":
        await _send_periods(message, org, t)
        return
    request = await _request(stats, scope, org, code, locale)
    if request is None:
        await message.answer(t("stats.no_organisations"))
    elif callback_data.action == "show":
        keyboard = _keyboard(scope, org, callback_data.period, t)
        zone = ZoneInfo(settings.default_timezone)
        await _show(message, request, stats, keyboard, t, zone, scope)
    elif callback_data.action == "charts":
        result = await stats.charts(request)
        await _send_charts(message, result.charts, t)
    elif callback_data.action == "xlsx":
        result = await stats.workbook(request)
        name = t("stats.report_file", period=result.report.period_label.replace("/", "-"))
        await message.answer_document(BufferedInputFile(result.workbook, filename=name))


# Organisations a page of «Кто отстаёт»: seven KPIs each under a long name still fit one
# message (tests/test_stats_lagging.py checks the worst case).
LAGGING_PAGE = 6


def _lagging_page(
    report: StatsReport,
    where: LaggingCallback,
    t: Texts,
    locale: str,
    zone: tzinfo,
) -> tuple[str, list[InlineKeyboardButton]]:
    """The page `where.page` (clamped) of the list, and its ◀ ▶."""
    listed = who_lags(report)
    shown = page_of(listed, where.page, LAGGING_PAGE)
    # The municipality beside each name when the scope spans several (a region).
    places = {o.organisation_id: o.municipality for o in report.by_organisation}
    several = len(set(places.values())) > 1
    parts = [lagging_header(report, len(listed), t, locale, zone)]
    if shown.number == 0 and listed:
        parts.append(t("stats.lagging.order"))
    first = shown.number * LAGGING_PAGE + 1
    for number, item in enumerate(shown.items, start=first):
        place = places.get(item.organisation_id, "") if several else ""
        parts.append(lagging_entry(number, item, t, locale, place))
    if shown.number == 0:
        parts.append(t("stats.lagging.web"))
    turns = page_turns(shown, where.model_copy(update={"action": "page"}), t)
    return "\n\n".join(parts), turns


async def on_lagging(
    query: CallbackQuery,
    callback_data: LaggingCallback,
    person: Person | None,
    db: Database,
    settings: Settings,
    stats: StatsService,
    locale: str,
    t: Texts,
) -> None:
    """«Кто отстаёт»: the organisations of the presser's scope below target, worst first (see
    `mentoring.stats.lagging`). The button names no scope: it is the presser's, reloaded on
    every press; one organisation (a curator) is refused, as is a period that does not parse."""
    scope = await load_scope(db, person)
    if scope is None or not isinstance(query.message, Message):
        await query.answer(t("stats.refused"), show_alert=True)
        return
    ids = scope.organisation_ids
    if ids is not None and len(ids) < 2:
        await query.answer(t("stats.lagging.single"), show_alert=True)
        return
    code = _period(callback_data.period)
    if code is None:
        await query.answer(t("stats.bad_period"), show_alert=True)
        return
    request = await _request(stats, scope, 0, code, locale)
    report = None if request is None else await stats.report(request)
    if report is None or not report.by_organisation:  # an admin of a single organisation
        await query.answer(t("stats.lagging.single"), show_alert=True)
        return
    await query.answer()
    zone = ZoneInfo(settings.default_timezone)
    text, turns = _lagging_page(report, callback_data, t, locale, zone)
    markup = InlineKeyboardMarkup(inline_keyboard=[turns] if turns else [])
    if callback_data.action == "page":
        await show_page(query.message, markup, text=text)
    else:
        await query.message.answer(text, reply_markup=markup if turns else None)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("stats"))(cmd_stats)
    router.callback_query(StatsCallback.filter())(on_stats_button)
    router.callback_query(LaggingCallback.filter())(on_lagging)
    return router
