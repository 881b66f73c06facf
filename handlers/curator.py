"""The curator's questionnaire work in chat: /survey_wave, /responses, /consents, /group_meeting.

Every step re-checks on the server that the person curates the organisation in question;
the ids in callback data are only what the button claims.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    AttendeeCallback,
    CuratorOrgCallback,
    PageCallback,
    PaperConsentCallback,
    WaveDetailCallback,
    WaveSurveyCallback,
)
from bot.i18n import Texts, Translator
from bot.long_messages import paged_keyboard, send_long, show_page
from bot.parsing import is_impossible_day, parse_day
from bot.render import safe
from handlers.curator_forms import (
    CURATOR_FLOW_PICKER,
    on_organisations_page,
    organisation_picker,
)
from mentoring import waves
from mentoring.curation import can_curate, curated_organisations
from mentoring.organisations import get_organisation
from mentoring.parental import paper_consent_target, record_paper_consent, valid_parent_name
from storage.db import Database
from storage.people import Person, PersonRow
from surveys.definitions import Registry


class WaveForm(StatesGroup):
    survey = State()
    deadline = State()


class GroupMeetingForm(StatesGroup):
    held_on = State()
    attendees = State()


class PaperConsentForm(StatesGroup):
    signer = State()  # who signed the paper: the parent's name, as the web form asks


def _title(registry: Registry, code: str, locale: str) -> str:
    return registry.title(code, locale)


async def _pick_org(
    message: Message, person: Person | None, db: Database, flow: str, t: Texts
) -> int | None:
    """The organisation to work on: the only one, or None after asking which (or refusing)."""
    organisations = await curated_organisations(db, person)
    if not organisations:
        await message.answer(t("curator.not_curator"))
        return None
    if len(organisations) == 1:
        return organisations[0].id
    picker = organisation_picker(organisations, CURATOR_FLOW_PICKER + flow, t)
    await message.answer(t("curator.choose_org"), reply_markup=picker)
    return None


async def _org_name(db: Database, org_id: int) -> str:
    organisation = await get_organisation(db, org_id)
    return organisation.name if organisation else ""


# --- /survey_wave -----------------------------------------------------------------------------
async def _ask_survey(
    message: Message, state: FSMContext, org_id: int, registry: Registry, locale: str, t: Texts
) -> None:
    await state.set_state(WaveForm.survey)
    await state.set_data({"org": org_id})
    builder = InlineKeyboardBuilder()
    for code in waves.LAUNCHABLE:
        builder.button(
            text=_title(registry, code, locale), callback_data=WaveSurveyCallback(survey=code)
        )
    builder.adjust(1)
    await message.answer(t("curator.wave.choose_survey"), reply_markup=builder.as_markup())


async def cmd_survey_wave(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    registry: Registry,
    locale: str,
    t: Texts,
) -> None:
    org_id = await _pick_org(message, person, db, "wave", t)
    if org_id is not None:
        await _ask_survey(message, state, org_id, registry, locale, t)


async def on_wave_survey(
    query: CallbackQuery,
    callback_data: WaveSurveyCallback,
    state: FSMContext,
    person: Person | None,
    t: Texts,
) -> None:
    org_id = (await state.get_data()).get("org")
    if not isinstance(query.message, Message) or org_id is None or not can_curate(person, org_id):
        await query.answer(t("hint.stale_button"))
        return
    if callback_data.survey not in waves.LAUNCHABLE:
        await query.answer(t("hint.stale_button"))
        return
    await query.answer()
    await state.update_data(survey=callback_data.survey)
    await state.set_state(WaveForm.deadline)
    await query.message.edit_reply_markup(reply_markup=None)
    example = datetime.now(UTC).date() + timedelta(days=14)
    await query.message.answer(t("curator.wave.ask_deadline", example=example.strftime("%d.%m.%Y")))


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
    deadline = parse_day(message.text)
    if deadline is None:
        impossible = is_impossible_day(message.text)
        await message.answer(
            t("curator.no_such_date" if impossible else "curator.wave.bad_deadline")
        )
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
    title = _title(registry, code, locale)
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
    organisation = await _org_name(db, org_id)
    lines = [t("curator.responses.header", organisation=safe(organisation))]
    if intakes:
        lines.append(t("curator.responses.intake_header", year=intakes[0].school_year))
    for intake in intakes:
        lines.append(
            t(
                "curator.responses.intake_line",
                title=_title(registry, intake.survey_code, locale),
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
        title = _title(registry, report.wave.survey_code, locale)
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
        label = f"{_title(registry, report.wave.survey_code, locale)} · "
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
    org_id = await _pick_org(message, person, db, "responses", t)
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
            title=_title(registry, report.wave.survey_code, locale),
            deadline=report.wave.deadline.strftime("%d.%m.%Y"),
        )
    ]
    for status in ("answered", "started", "not_started"):
        names = [p.full_name or "—" for p in report.people if p.status == status]
        lines.append("")
        lines.append(t(f"curator.responses.{status}", n=len(names)))
        lines.extend(t("curator.responses.person_line", name=safe(name)) for name in names)
    await send_long(query.message, "\n".join(lines))


# --- /consents -------------------------------------------------------------------------------
async def _show_consents(message: Message, org_id: int, db: Database, t: Texts) -> None:
    organisation = await _org_name(db, org_id)
    minors = await waves.minors_lacking_parent_consent(db, org_id, datetime.now(UTC).date())
    if not minors:
        await message.answer(t("curator.consents.none", organisation=safe(organisation)))
        return
    lines = [t("curator.consents.header", organisation=safe(organisation))]
    for row in minors:
        lines.append(
            t("curator.consents.person_line", name=safe(row.full_name), role=t(f"roles.{row.role}"))
        )
    await send_long(
        message, "\n".join(lines), reply_markup=_consents_keyboard(org_id, minors, 0, t)
    )


def _consents_keyboard(
    org_id: int, minors: list[PersonRow], page: int, t: Texts
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            text=t("curator.consents.paper_button", name=row.full_name or "—")[:60],
            callback_data=PaperConsentCallback(person=row.id).pack(),
        )
        for row in minors
    ]
    return paged_keyboard(buttons, PageCallback(picker="consents", page=page, org=org_id), t)


async def on_consents_page(
    query: CallbackQuery, callback_data: PageCallback, person: Person | None, db: Database, t: Texts
) -> None:
    if not isinstance(query.message, Message) or not can_curate(person, callback_data.org):
        await query.answer(t("hint.no_rights"))
        return
    await query.answer()
    today = datetime.now(UTC).date()
    minors = await waves.minors_lacking_parent_consent(db, callback_data.org, today)
    await show_page(
        query.message, _consents_keyboard(callback_data.org, minors, callback_data.page, t)
    )


async def cmd_consents(message: Message, person: Person | None, db: Database, t: Texts) -> None:
    org_id = await _pick_org(message, person, db, "consents", t)
    if org_id is not None:
        await _show_consents(message, org_id, db, t)


async def on_paper_consent(
    query: CallbackQuery,
    callback_data: PaperConsentCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    target = await paper_consent_target(db, person, callback_data.person, datetime.now(UTC).date())
    if target is None or not isinstance(query.message, Message):
        await query.answer(t("hint.stale_button"))
        return
    await query.answer()
    await state.set_state(PaperConsentForm.signer)
    await state.set_data({"child": callback_data.person})
    await query.message.answer(t("parent.paper.ask_signer", child=safe(target.child_name)))


async def on_paper_signer(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    child = (await state.get_data()).get("child")
    today = datetime.now(UTC).date()
    target = (
        await paper_consent_target(db, person, child, today) if isinstance(child, int) else None
    )
    if person is None or target is None or not isinstance(child, int):
        await state.clear()
        await message.answer(t("parent.paper.gone"))
        return
    signer = valid_parent_name(message.text or "")
    if signer is None:
        await message.answer(t("parent.name_invalid"))
        return
    await state.clear()
    await record_paper_consent(
        db,
        person_id=child,
        signed_by=signer,
        recorded_by=f"curator #{person.id} (chat)",
        text_version=t("parent.consent_version"),
        actor_person_id=person.id,
    )
    await message.answer(
        t("parent.paper.recorded", child=safe(target.child_name), signer=safe(signer))
    )
    await _show_consents(message, target.organisation_id, db, t)  # the list without him


# --- /group_meeting --------------------------------------------------------------------------
async def _ask_meeting_date(message: Message, state: FSMContext, org_id: int, t: Texts) -> None:
    await state.set_state(GroupMeetingForm.held_on)
    await state.set_data({"org": org_id})
    await message.answer(t("curator.group_meeting.ask_date"))


async def cmd_group_meeting(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    org_id = await _pick_org(message, person, db, "group_meeting", t)
    if org_id is not None:
        await _ask_meeting_date(message, state, org_id, t)


async def _attendee_keyboard(
    db: Database, org_id: int, chosen: set[int], t: Texts, page: int = 0
) -> InlineKeyboardMarkup:
    buttons = []
    for row in await waves.group_meeting_candidates(db, org_id):
        mark = "✔ " if row.id in chosen else ""
        label = f"{mark}{row.full_name or '—'} · {t(f'roles.{row.role}')}"
        data = AttendeeCallback(person=row.id).pack()
        buttons.append(InlineKeyboardButton(text=label[:60], callback_data=data))
    done = InlineKeyboardButton(
        text=t("curator.group_meeting.done_button"), callback_data=AttendeeCallback(person=0).pack()
    )
    where = PageCallback(picker="attendees", page=page, org=org_id)
    return paged_keyboard(buttons, where, t, extra=[done])


async def on_attendees_page(
    query: CallbackQuery,
    callback_data: PageCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    data = await state.get_data()
    org_id = data.get("org")
    if (
        not isinstance(query.message, Message)
        or org_id != callback_data.org
        or not can_curate(person, org_id)
    ):
        await query.answer(t("hint.stale_button"))
        return
    await query.answer()
    await state.update_data(page=callback_data.page)
    chosen = set(data.get("chosen", []))
    keyboard = await _attendee_keyboard(db, org_id, chosen, t, callback_data.page)
    await show_page(query.message, keyboard)


async def on_meeting_date(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    org_id = (await state.get_data()).get("org")
    if org_id is None or not can_curate(person, org_id):
        await state.clear()
        await message.answer(t("curator.not_curator"))
        return
    held_on = parse_day(message.text)
    if held_on is None and is_impossible_day(message.text):
        await message.answer(t("curator.no_such_date"))
        return
    if held_on is None or held_on > await waves.local_today(db, org_id, datetime.now(UTC)):
        await message.answer(t("curator.group_meeting.bad_date"))
        return
    if not await waves.group_meeting_candidates(db, org_id):
        await state.clear()
        await message.answer(t("curator.group_meeting.nobody_registered"))
        return
    await state.update_data(held_on=held_on.isoformat(), chosen=[])
    await state.set_state(GroupMeetingForm.attendees)
    await message.answer(
        t("curator.group_meeting.choose_attendees"),
        reply_markup=await _attendee_keyboard(db, org_id, set(), t),
    )


async def on_attendee(
    query: CallbackQuery,
    callback_data: AttendeeCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    registry: Registry,
    translator: Translator,
    t: Texts,
) -> None:
    data = await state.get_data()
    org_id = data.get("org")
    if (
        not isinstance(query.message, Message)
        or org_id is None
        or not can_curate(person, org_id)
        or person is None
    ):
        await query.answer(t("hint.stale_button"))
        return
    chosen = set(data.get("chosen", []))
    if callback_data.person:
        candidates = {r.id for r in await waves.group_meeting_candidates(db, org_id)}
        if callback_data.person not in candidates:
            await query.answer(t("hint.stale_button"))
            return
        chosen ^= {callback_data.person}
        await state.update_data(chosen=sorted(chosen))
        await query.answer()
        keyboard = await _attendee_keyboard(db, org_id, chosen, t, int(data.get("page", 0)))
        await query.message.edit_reply_markup(reply_markup=keyboard)
        return
    if not chosen:
        await query.answer(t("curator.group_meeting.need_attendees"))
        return
    await query.answer()
    held_on = date.fromisoformat(data["held_on"])
    result = await waves.record_group_meeting(
        db,
        translator,
        registry,
        organisation_id=org_id,
        held_on=held_on,
        attendee_ids=sorted(chosen),
        actor_person_id=person.id,
        now=datetime.now(UTC),
    )
    await state.clear()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(
        t(
            "curator.group_meeting.recorded",
            date=held_on.strftime("%d.%m.%Y"),
            attendees=len(chosen),
            invited=result.invited,
        )
    )


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
    if not isinstance(query.message, Message) or not can_curate(person, callback_data.org):
        await query.answer(t("hint.no_rights"))
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    if callback_data.flow == "wave":
        await _ask_survey(query.message, state, callback_data.org, registry, locale, t)
    elif callback_data.flow == "responses":
        await _show_responses(query.message, callback_data.org, db, registry, locale, t)
    elif callback_data.flow == "consents":
        await _show_consents(query.message, callback_data.org, db, t)
    elif callback_data.flow == "group_meeting":
        await _ask_meeting_date(query.message, state, callback_data.org, t)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("survey_wave"))(cmd_survey_wave)
    router.message(Command("responses"))(cmd_responses)
    router.message(Command("consents"))(cmd_consents)
    router.message(Command("group_meeting"))(cmd_group_meeting)
    router.callback_query(CuratorOrgCallback.filter())(on_org_chosen)
    router.callback_query(WaveSurveyCallback.filter())(on_wave_survey)
    router.callback_query(WaveDetailCallback.filter())(on_wave_detail)
    router.callback_query(PaperConsentCallback.filter())(on_paper_consent)
    router.callback_query(AttendeeCallback.filter())(on_attendee)
    router.callback_query(PageCallback.filter(F.picker == "attendees"))(on_attendees_page)
    router.callback_query(PageCallback.filter(F.picker.startswith("orgs_")))(on_organisations_page)
    router.callback_query(PageCallback.filter(F.picker == "consents"))(on_consents_page)
    router.callback_query(PageCallback.filter(F.picker == "waves"))(on_waves_page)
    router.message(WaveForm.deadline, F.text, ~F.text.startswith("/"))(on_wave_deadline)
    router.message(GroupMeetingForm.held_on, F.text, ~F.text.startswith("/"))(on_meeting_date)
    router.message(PaperConsentForm.signer, F.text, ~F.text.startswith("/"))(on_paper_signer)
    return router
