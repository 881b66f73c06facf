"""Notes from third parties on a mentee's needs, in the chat.

The author's one-time link (/start n_CODE → the note in one message), the mentee's and the
parent's consent buttons, /notes for the curator (mentees, their notes and requests: request
one, enter one) and for the mentor (only the notes he may read). Rights and state are checked
by the services on every press; nothing in callback data is trusted."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import PageCallback
from bot.long_messages import paged_keyboard, send_long, show_page
from bot.notices import NoteConsentCallback, keyboard
from bot.settings import Settings
from handlers.forms import TYPED_ANSWER, start_form
from i18n import Texts, Translator
from i18n.markup import safe
from i18n.wording import date_in_words
from mentoring.notes import access
from mentoring.notes.consent import CODE_PREFIX, ConsentStep, answer_consent, request_note
from mentoring.notes.telling import AUTHOR_ROLES
from mentoring.notes.writing import MAX_NOTE, NoteProblem, check_link, enter_note, write_by_link
from mentoring.notices import Action, NoteConsent
from mentoring.people.invites import deep_link
from mentoring.people.organisations import get_organisation
from storage.db import Database
from storage.notes import Note, NoteRequest
from storage.people import Person

__all__ = ["NoteForm", "NotesCallback", "build_router"]


class NoteForm(StatesGroup):
    by_link = State()  # the author writes through the link
    by_curator = State()  # the curator enters a note on an agreed request


class NotesCallback(CallbackData, prefix="nts"):
    """A curator's step on one mentee: show, ask (role) or enter (request)."""

    action: str
    mentee: int
    role: str = ""
    request: int = 0


# --- the author's link ----------------------------------------------------------------------------
async def on_note_link(
    message: Message, command: CommandObject, state: FSMContext, db: Database, t: Texts
) -> None:
    code = command.args or ""
    opener = message.from_user.id if message.from_user else message.chat.id
    check = await check_link(db, code, datetime.now(UTC), telegram_id=opener)
    if check.request is None:
        await message.answer(t(f"notes.link.{check.problem or NoteProblem.UNKNOWN}"))
        return
    organisation = await get_organisation(db, check.request.organisation_id)
    await state.set_state(NoteForm.by_link)
    await state.set_data({"note_code": code})
    await message.answer(
        t(
            "notes.link.greeting",
            organisation=safe(organisation.name if organisation else "—"),
            name=safe(check.mentee_name),
            limit=MAX_NOTE,
        )
    )


def _problem_text(problem: NoteProblem | None, text: str, t: Texts) -> str:
    if problem is NoteProblem.TOO_LONG:
        return t("notes.link.too_long", limit=MAX_NOTE, length=len(text.strip()))
    return t(f"notes.link.{problem or NoteProblem.UNKNOWN}")


async def on_note_written(
    message: Message, state: FSMContext, db: Database, translator: Translator, t: Texts
) -> None:
    text = message.text or ""
    _, problem = await write_by_link(
        db,
        translator,
        code=(await state.get_data()).get("note_code", ""),
        text=text,
        telegram_id=message.from_user.id if message.from_user else message.chat.id,
        now=datetime.now(UTC),
    )
    if problem not in (NoteProblem.TOO_LONG, NoteProblem.EMPTY):  # those may try again
        await state.clear()
    await message.answer(_problem_text(problem, text, t) if problem else t("notes.link.thanks"))


async def on_note_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("notes.link.text_expected"))


# --- consent buttons ------------------------------------------------------------------------------
def _choice(request: int, party: str, t: Texts, *answers: str) -> InlineKeyboardMarkup | None:
    return keyboard(
        (
            tuple(
                Action(t(f"notes.consent.{a}"), intent=NoteConsent(request, party, a))
                for a in answers
            ),
        )
    )


async def on_consent_answer(
    query: CallbackQuery,
    callback_data: NoteConsentCallback,
    db: Database,
    translator: Translator,
    t: Texts,
) -> None:
    step = await answer_consent(
        db,
        translator,
        request_id=callback_data.request,
        party=callback_data.party,
        answer=callback_data.answer,
        telegram_id=query.from_user.id,
        now=datetime.now(UTC),
    )
    if step is ConsentStep.STALE or not isinstance(query.message, Message):
        await query.answer(t("notes.consent.stale"))
        return
    await query.answer()
    message, request, party = query.message, callback_data.request, callback_data.party
    if step is ConsentStep.REFUSED:  # a later yes still counts: leave that button
        await message.edit_reply_markup(reply_markup=_choice(request, party, t, "yes"))
        await message.answer(t("notes.consent.refused"))
        return
    await message.edit_reply_markup(reply_markup=None)
    if step is ConsentStep.ASK_MENTOR:
        await message.answer(
            t("notes.consent.mentor_question"),
            reply_markup=_choice(request, party, t, "mentor_yes", "mentor_no"),
        )
        return
    shown = callback_data.answer == "mentor_yes"
    await message.answer(t("notes.consent.done_mentor" if shown else "notes.consent.done_curator"))


# --- /notes ---------------------------------------------------------------------------------------
def _note_lines(notes: list[Note], timezone: str, locale: str, t: Texts) -> list[str]:
    zone = ZoneInfo(timezone)
    return [
        t(
            "notes.curator.note_line",
            author=t(f"notes.author_titles.{n.author_role}"),
            date=date_in_words(n.created_at.astimezone(zone).date(), locale),
            mentor=t("notes.curator.mentor_sees") if n.mentor_may_see else "",
            text=safe(n.text),
        )
        for n in notes
    ]


def _status(request: NoteRequest, link: str, timezone: str, locale: str, t: Texts) -> str:
    if request.status == "open" and request.expires_at is not None:
        day = date_in_words(request.expires_at.astimezone(ZoneInfo(timezone)).date(), locale)
        return t("notes.curator.status.open", day=day, link=safe(link))
    if request.status == "asking" and request.parent_needed:
        return t("notes.curator.status.asking_parent")
    return t(f"notes.curator.status.{request.status}")


async def _bot_username(bot: Bot, settings: Settings) -> str:
    return settings.bot_username or (await bot.me()).username or ""


async def show_mentee(
    message: Message,
    view: access.CuratorView,
    bot: Bot,
    settings: Settings,
    locale: str,
    t: Texts,
) -> None:
    lines = [t("notes.curator.mentee_header", name=safe(view.mentee_name))]
    lines += _note_lines(view.notes, view.timezone, locale, t) or [t("notes.curator.no_notes")]
    username = await _bot_username(bot, settings) if view.requests else ""
    if view.requests:
        lines.append(t("notes.curator.requests_header"))
    for request in view.requests:
        link = deep_link(username, request.code or "")
        lines.append(
            t(
                "notes.curator.request_line",
                author=t(f"notes.author_titles.{request.author_role}"),
                status=_status(request, link, view.timezone, locale, t),
            )
        )
    rows = [
        [
            InlineKeyboardButton(
                text=t("notes.curator.ask_button", author=t(f"notes.author_titles.{role}"))[:60],
                callback_data=NotesCallback(action="ask", mentee=view.mentee_id, role=role).pack(),
            )
        ]
        for role in AUTHOR_ROLES
    ]
    rows += [
        [
            InlineKeyboardButton(
                text=t(
                    "notes.curator.enter_button", author=t(f"notes.author_titles.{r.author_role}")
                )[:60],
                callback_data=NotesCallback(
                    action="enter", mentee=view.mentee_id, request=r.id
                ).pack(),
            )
        ]
        for r in view.requests
        if r.status == "open"
    ]
    await send_long(
        message, "\n\n".join(lines), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
    )


def _overview_keyboard(
    mentees: list[access.MenteeSummary], page: int, t: Texts
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            text=t("notes.curator.mentee_button", name=m.name, count=m.notes)[:60],
            callback_data=NotesCallback(action="show", mentee=m.mentee_id).pack(),
        )
        for m in mentees
    ]
    return paged_keyboard(buttons, PageCallback(picker="notes", page=page), t)


async def _show_mentor_notes(
    message: Message, person: Person, db: Database, locale: str, t: Texts
) -> None:
    found = await access.mentor_notes(db, person, via="chat")
    if not found:
        await message.answer(t("notes.mentor.none"))
        return
    lines = [t("notes.mentor.header")]
    for mentee in found:
        lines.append(t("notes.mentor.mentee", name=safe(mentee.name)))
        lines += _note_lines(mentee.notes, mentee.timezone, locale, t)
    await send_long(message, "\n\n".join(lines))


async def cmd_notes(
    message: Message, person: Person | None, db: Database, locale: str, t: Texts
) -> None:
    roles = person.roles if person is not None and person.registered else frozenset()
    if person is None or not roles & {"curator", "mentor"}:
        await message.answer(t("notes.curator.not_allowed"))
        return
    if "mentor" in roles:
        await _show_mentor_notes(message, person, db, locale, t)
    if "curator" in roles:
        mentees = await access.curator_overview(db, person)
        if not mentees:
            await message.answer(t("notes.curator.no_mentees"))
            return
        await message.answer(
            t("notes.curator.overview"), reply_markup=_overview_keyboard(mentees, 0, t)
        )


async def on_overview_page(
    query: CallbackQuery, callback_data: PageCallback, person: Person | None, db: Database, t: Texts
) -> None:
    mentees = await access.curator_overview(db, person)
    if not mentees or not isinstance(query.message, Message):
        await query.answer(t("hint.no_rights"))
        return
    await query.answer()
    await show_page(query.message, _overview_keyboard(mentees, callback_data.page, t))


async def on_mentee_step(
    query: CallbackQuery,
    callback_data: NotesCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    bot: Bot,
    settings: Settings,
    translator: Translator,
    locale: str,
    t: Texts,
) -> None:
    view = await access.curator_view(db, person, callback_data.mentee, via="chat")
    if person is None or view is None or not isinstance(query.message, Message):
        await query.answer(t("hint.no_rights"))
        return
    if callback_data.action == "ask":
        outcome = await request_note(
            db,
            translator,
            curator=person,
            mentee_id=view.mentee_id,
            author_role=callback_data.role,
            now=datetime.now(UTC),
        )
        await query.answer()
        if outcome.problem is not None:
            await query.message.answer(t(f"notes.curator.problem.{outcome.problem}"))
            return
        view = await access.curator_view(db, person, callback_data.mentee, via="chat") or view
        request = next((r for r in view.requests if r.id == outcome.request_id), None)
        if request is not None and request.status == "open":
            await query.message.answer(t("notes.curator.already_open"))
        else:
            parent = request is not None and request.parent_needed
            await query.message.answer(
                t("notes.curator.asked_parent" if parent else "notes.curator.asked")
            )
    elif callback_data.action == "enter":
        request = next((r for r in view.requests if r.id == callback_data.request), None)
        await query.answer()
        if request is None or request.status != "open":
            await query.message.answer(t("notes.curator.no_consent"))
            return
        author = t(f"notes.author_titles.{request.author_role}")
        await start_form(
            query.message,
            state,
            NoteForm.by_curator,
            t("notes.curator.enter_ask", limit=MAX_NOTE, author=author),
            note_request=request.id,
        )
        return
    else:
        await query.answer()
    await show_mentee(query.message, view, bot, settings, locale, t)


async def on_curator_note(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    t: Texts,
) -> None:
    request_id = (await state.get_data()).get("note_request")
    if person is None or not isinstance(request_id, int):
        await state.clear()
        await message.answer(t("notes.curator.no_consent"))
        return
    text = message.text or ""
    _, problem = await enter_note(
        db, translator, curator=person, request_id=request_id, text=text, now=datetime.now(UTC)
    )
    if problem in (NoteProblem.TOO_LONG, NoteProblem.EMPTY):
        await message.answer(_problem_text(problem, text, t))
        return
    await state.clear()
    if problem is NoteProblem.NOT_YOURS:
        await message.answer(t("hint.no_rights"))
    elif problem is not None:
        await message.answer(
            t("notes.curator.no_consent")
            if problem is NoteProblem.NO_CONSENT
            else _problem_text(problem, text, t)
        )
    else:
        await message.answer(t("notes.curator.entered"))


def build_link_router() -> Router:
    """The author's door, before the invites' `/start CODE`: messages only, so that no
    questionnaire button press passes these filters."""
    # StateFilter, not the bare state: aiogram runs sync filters in a worker thread.
    router = Router(name=f"{__name__}.link")
    router.message(CommandStart(deep_link=True, magic=F.args.startswith(CODE_PREFIX)))(on_note_link)
    router.message(StateFilter(NoteForm.by_link), TYPED_ANSWER)(on_note_written)
    router.message(StateFilter(NoteForm.by_link), ~F.text)(on_note_not_text)
    router.message(StateFilter(NoteForm.by_curator), TYPED_ANSWER)(on_curator_note)
    router.message(StateFilter(NoteForm.by_curator), ~F.text)(on_note_not_text)
    return router


def build_router() -> Router:
    """The curator's and the mentor's /notes, and the consent buttons."""
    router = Router(name=__name__)
    router.message(Command("notes"))(cmd_notes)
    router.callback_query(NoteConsentCallback.filter())(on_consent_answer)
    router.callback_query(NotesCallback.filter())(on_mentee_step)
    router.callback_query(PageCallback.filter(F.picker == "notes"))(on_overview_page)
    return router
