"""The curator's questionnaire waves in chat: /survey_wave launches one, /responses shows how
far the intake and every wave have got, with who has answered, started or not begun.
/consents and /group_meeting have modules of their own; for a curator of several
organisations each of the four begins with the organisation picker, whose press lands here.

Every step re-checks on the server that the person curates the organisation in question;
the ids in callback data are only what the button claims.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import CuratorOrgCallback, PageCallback, WaveDetailCallback, WaveSurveyCallback
from bot.long_messages import paged_keyboard, send_long, show_page
from handlers.curator_forms import (
    CURATOR_FLOW_PICKER,
    on_organisations_page,
    organisation_chosen,
    pick_organisation,
    step_button_organisation,
)
from handlers.forms import TYPED_ANSWER, close_keyboard, next_step, read_day, start_form
from handlers.group_meeting import ask_meeting_date
from handlers.parent_consents import show_consents
from i18n import Texts, Translator
from i18n.markup import safe
from mentoring.people.curation import can_curate
from mentoring.people.organisations import get_organisation
from mentoring.questionnaires import waves
from storage.db import Database
from storage.people import Person
from surveys.definitions import Registry

__all__ = ["WaveForm", "build_router"]


# --- /survey_wave ----------------------------------------------------------------------------
class WaveForm(StatesGroup):
    survey = State()
    deadline = State()


async def _ask_survey(
    message: Message, state: FSMContext, org_id: int, registry: Registry, locale: str, t: Texts
) -> None:
    builder = InlineKeyboardBuilder()
    for code in waves.LAUNCHABLE:
        builder.button(
            text=registry.title(code, locale), callback_data=WaveSurveyCallback(survey=code)
        )
    builder.adjust(1)
    question = t("curator.wave.choose_survey")
    await start_form(message, state, WaveForm.survey, question, builder.as_markup(), org=org_id)


async def cmd_survey_wave(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    registry: Registry,
    locale: str,
    t: Texts,
) -> None:
    org_id = await pick_organisation(message, person, db, t, CURATOR_FLOW_PICKER + "wave")
    if org_id is not None:
        await _ask_survey(message, state, org_id, registry, locale, t)


async def on_wave_survey(
    query: CallbackQuery,
    callback_data: WaveSurveyCallback,
    state: FSMContext,
    person: Person | None,
    t: Texts,
) -> None:
    stale = t("hint.stale_button")
    allowed = await step_button_organisation(query, None, state, person, stale, alert=False)
    if allowed is None:
        return
    if callback_data.survey not in waves.LAUNCHABLE:
        await query.answer(stale)
        return
    message = allowed[1]
    await close_keyboard(query, message)
    example = datetime.now(UTC).date() + timedelta(days=14)
    question = t("curator.wave.ask_deadline", example=example.strftime("%d.%m.%Y"))
    await next_step(message, state, WaveForm.deadline, question, survey=callback_data.survey)


async def on_wave_deadline(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    registry: Registry,
    translator: Translator,
    locale: str,
    t: Texts,
) -> None:
    data = await state.get_data()
    org_id, code = data.get("org"), data.get("survey")
    if person is None or org_id is None or code is None or not can_curate(person, org_id):
        await state.clear()
        await message.answer(t("curator.not_curator"))
        return
    deadline = await read_day(message, t, t("curator.wave.bad_deadline"))
    if deadline is None:
        return
    role = registry.get(code).audience[0]
    launch = await waves.launch_wave(
        db,
        translator,
        registry,
        organisation_id=org_id,
        survey_code=code,
        role=role,
        deadline=deadline,
        actor_person_id=person.id,
        now=datetime.now(UTC),
    )
    if launch.problem is waves.WaveProblem.PAST_DEADLINE:
        await message.answer(t("curator.wave.bad_deadline"))
        return
    await state.clear()
    title = registry.title(code, locale)
    key = "curator.wave.launched" if launch.invited else "curator.wave.nobody"
    if not launch.invited and launch.answered_before:
        key = "curator.wave.all_answered"
    text = t(key, title=title, invited=launch.invited, deadline=deadline.strftime("%d.%m.%Y"))
    if launch.invited and launch.answered_before:
        text += "\n" + t("curator.wave.answered_before", n=launch.answered_before)
    await message.answer(text)


# --- /responses ------------------------------------------------------------------------------
async def _show_responses(
    message: Message, org_id: int, db: Database, registry: Registry, locale: str, t: Texts
) -> None:
    now = datetime.now(UTC)
    reports = await waves.waves_overview(db, org_id)
    intakes = await waves.intake_overview(db, org_id, now)
    if not reports and not intakes:
        await message.answer(t("curator.responses.none"))
        return
    organisation = await get_organisation(db, org_id)
    name = organisation.name if organisation else ""
    lines = [t("curator.responses.header", organisation=safe(name))]
    if intakes:
        lines.append(t("curator.responses.intake_header", year=intakes[0].school_year))
    for intake in intakes:
        lines.append(
            t(
                "curator.responses.intake_line",
                title=registry.title(intake.survey_code, locale),
                answered=intake.count("answered"),
                total=len(intake.people),
                started=intake.count("started"),
            )
        )
    if intakes and reports:
        lines.append("")
    elif intakes:
        lines.append(t("curator.responses.no_waves"))
    for report in reports:
        title = registry.title(report.wave.survey_code, locale)
        deadline = report.wave.deadline.strftime("%d.%m.%Y")
        lines.append(
            t(
                "curator.responses.wave_line",
                title=title,
                deadline=deadline,
                answered=report.count("answered"),
                total=len(report.people),
                started=report.count("started"),
            )
        )
    keyboard = _waves_keyboard(org_id, reports, 0, registry, locale, t)
    await send_long(message, "\n".join(lines), reply_markup=keyboard)


def _waves_keyboard(
    org_id: int,
    reports: list[waves.WaveReport],
    page: int,
    registry: Registry,
    locale: str,
    t: Texts,
) -> InlineKeyboardMarkup:
    buttons = []
    for report in reports:
        label = f"{registry.title(report.wave.survey_code, locale)} · "
        label += report.wave.deadline.strftime("%d.%m.%Y")
        data = WaveDetailCallback(wave=report.wave.id).pack()
        buttons.append(InlineKeyboardButton(text=label[:60], callback_data=data))
    return paged_keyboard(buttons, PageCallback(picker="waves", page=page, org=org_id), t)


async def on_waves_page(
    query: CallbackQuery,
    callback_data: PageCallback,
    person: Person | None,
    db: Database,
    registry: Registry,
    locale: str,
    t: Texts,
) -> None:
    if not isinstance(query.message, Message) or not can_curate(person, callback_data.org):
        await query.answer(t("hint.no_rights"))
        return
    await query.answer()
    reports = await waves.waves_overview(db, callback_data.org)
    keyboard = _waves_keyboard(callback_data.org, reports, callback_data.page, registry, locale, t)
    await show_page(query.message, keyboard)


async def cmd_responses(
    message: Message, person: Person | None, db: Database, registry: Registry, locale: str, t: Texts
) -> None:
    org_id = await pick_organisation(message, person, db, t, CURATOR_FLOW_PICKER + "responses")
    if org_id is not None:
        await _show_responses(message, org_id, db, registry, locale, t)


async def on_wave_detail(
    query: CallbackQuery,
    callback_data: WaveDetailCallback,
    person: Person | None,
    db: Database,
    registry: Registry,
    locale: str,
    t: Texts,
) -> None:
    report = await waves.wave_report(db, callback_data.wave)
    if (
        report is None
        or not can_curate(person, report.wave.organisation_id)
        or not isinstance(query.message, Message)
    ):
        await query.answer(t("hint.no_rights"))
        return
    await query.answer()
    lines = [
        t(
            "curator.responses.detail_header",
            title=registry.title(report.wave.survey_code, locale),
            deadline=report.wave.deadline.strftime("%d.%m.%Y"),
        )
    ]
    for status in ("answered", "started", "not_started"):
        names = [p.full_name or "—" for p in report.people if p.status == status]
        lines.append("")
        lines.append(t(f"curator.responses.{status}", n=len(names)))
        lines.extend(t("curator.responses.person_line", name=safe(name)) for name in names)
    await send_long(query.message, "\n".join(lines))


# --- for a curator of several organisations: which one -------------------------------------
async def on_org_chosen(
    query: CallbackQuery,
    callback_data: CuratorOrgCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    registry: Registry,
    locale: str,
    t: Texts,
) -> None:
    """The organisation picker of /survey_wave, /responses, /consents or /group_meeting."""
    org_id, flow = callback_data.org, callback_data.flow
    message = await organisation_chosen(query, org_id, person, t("hint.no_rights"), alert=False)
    if message is None:
        return
    if flow == "wave":
        await _ask_survey(message, state, org_id, registry, locale, t)
    elif flow == "responses":
        await _show_responses(message, org_id, db, registry, locale, t)
    elif flow == "consents":
        await show_consents(message, org_id, db, t)
    elif flow == "group_meeting":
        await ask_meeting_date(message, state, org_id, t)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("survey_wave"))(cmd_survey_wave)
    router.message(Command("responses"))(cmd_responses)
    router.callback_query(CuratorOrgCallback.filter())(on_org_chosen)
    router.callback_query(WaveSurveyCallback.filter())(on_wave_survey)
    router.callback_query(WaveDetailCallback.filter())(on_wave_detail)
    router.callback_query(PageCallback.filter(F.picker == "waves"))(on_waves_page)
    router.callback_query(PageCallback.filter(F.picker.startswith("orgs_")))(on_organisations_page)
    router.message(WaveForm.deadline, TYPED_ANSWER)(on_wave_deadline)
    return router
