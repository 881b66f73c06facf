"""Cases in chat, the curator's side: /cases lists his organisation's write-ups of the
school year, opens one (with its photos), selects the best as cases or unselects them,
asks the mentors, and sends the «Кейсы наставничества» document. Every press is re-checked
by `mentoring.cases` (a curator acts only in his organisations)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.long_messages import send_long
from handlers.forms import close_keyboard
from i18n import Texts, Translator
from i18n.markup import safe
from i18n.wording import school_year_label
from mentoring.cases.requests import ask_for_cases
from mentoring.cases.selection import select_case, visible_writeup, visible_writeups
from mentoring.documents.cases import cases_document
from mentoring.documents.notes import DocumentScope
from mentoring.people.curation import can_curate, curated_organisations
from mentoring.stats.periods import school_year_of
from storage.cases import Writeup
from storage.db import Database
from storage.people import Person

__all__ = ["CaseListCallback", "build_router"]

LIST_BUTTONS = 40  # write-ups with buttons in chat (two each); the rest are in the back office
GOAL_IN_LIST = 80


class CaseListCallback(CallbackData, prefix="csl"):
    """The curator's /cases: org (choose), open, select, unselect, ask, doc; re-checked."""

    action: str
    org: int
    writeup: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


def _form_name(writeup: Writeup, t: Texts) -> str:
    key = f"pairs.form.{writeup.form}"
    try:
        return t(key)
    except KeyError:
        return writeup.form


def _list_keyboard(org: int, writeups: list[Writeup], t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for n, writeup in enumerate(writeups[:LIST_BUTTONS], start=1):
        action = "unselect" if writeup.selected else "select"
        builder.button(
            text=t("cases.list.open_button", n=n),
            callback_data=CaseListCallback(action="open", org=org, writeup=writeup.id),
        )
        builder.button(
            text=t(f"cases.list.{action}_button", n=n),
            callback_data=CaseListCallback(action=action, org=org, writeup=writeup.id),
        )
    builder.button(
        text=t("cases.list.ask_button"), callback_data=CaseListCallback(action="ask", org=org)
    )
    builder.button(
        text=t("cases.list.doc_button"), callback_data=CaseListCallback(action="doc", org=org)
    )
    builder.adjust(*([2] * min(len(writeups), LIST_BUTTONS)), 1, 1)
    return builder.as_markup()


async def _writeups(db: Database, person: Person | None, org: int) -> list[Writeup] | None:
    return await visible_writeups(db, person, org, school_year_of(_now().date()))


async def _show_list(
    message: Message, db: Database, person: Person | None, org: int, t: Texts
) -> None:
    organisations = {o.id: o for o in await curated_organisations(db, person)}
    writeups = await _writeups(db, person, org) if org in organisations else None
    if writeups is None:
        await message.answer(t("cases.list.forbidden"))
        return
    year = school_year_of(_now().date())
    lines = [
        t(
            "cases.list.header",
            organisation=safe(organisations[org].name),
            year=school_year_label(year),
            selected=sum(1 for w in writeups if w.selected),
            total=len(writeups),
        )
    ]
    for n, writeup in enumerate(writeups, start=1):
        goal = (
            writeup.goal if len(writeup.goal) <= GOAL_IN_LIST else writeup.goal[:GOAL_IN_LIST] + "…"
        )
        lines.append(
            t(
                "cases.list.line",
                n=n,
                mark=t("cases.list.selected_mark" if writeup.selected else "cases.list.open_mark"),
                mentor=safe(writeup.mentor_name or t("cases.list.erased")),
                form=_form_name(writeup, t),
                goal=safe(goal),
            )
        )
    if not writeups:
        lines.append(t("cases.list.empty"))
    if len(writeups) > LIST_BUTTONS:
        lines.append(t("cases.list.more", n=LIST_BUTTONS))
    await send_long(message, "\n".join(lines), reply_markup=_list_keyboard(org, writeups, t))


async def cmd_cases(message: Message, person: Person | None, db: Database, t: Texts) -> None:
    organisations = await curated_organisations(db, person)
    if not organisations:
        await message.answer(t("cases.list.not_curator"))
        return
    if len(organisations) == 1:
        await _show_list(message, db, person, organisations[0].id, t)
        return
    builder = InlineKeyboardBuilder()
    for org in organisations[:90]:
        builder.button(text=org.name[:60], callback_data=CaseListCallback(action="org", org=org.id))
    builder.adjust(1)
    await message.answer(t("cases.list.choose_org"), reply_markup=builder.as_markup())


async def _open(message: Message, writeup: Writeup, n: int, t: Texts) -> None:
    text = t(
        "cases.list.full",
        n=n,
        mentor=safe(writeup.mentor_name or t("cases.list.erased")),
        form=_form_name(writeup, t),
        goal=safe(writeup.goal),
        work=safe(writeup.work),
        result=safe(writeup.result),
    )
    await send_long(message, text)
    if len(writeup.photos) == 1:
        await message.answer_photo(writeup.photos[0])
    elif writeup.photos:
        await message.answer_media_group([InputMediaPhoto(media=p) for p in writeup.photos])


async def on_list_button(
    query: CallbackQuery,
    callback_data: CaseListCallback,
    person: Person | None,
    db: Database,
    translator: Translator,
    t: Texts,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        await query.answer(t("hint.stale_button"))
        return
    action, org = callback_data.action, callback_data.org
    if action in ("org", "ask", "doc") and not can_curate(person, org):
        await query.answer(t("cases.list.forbidden"), show_alert=True)
        return
    if action == "org":
        await close_keyboard(query, message)
        await _show_list(message, db, person, org, t)
    elif action == "ask":
        await query.answer()
        asked = await ask_for_cases(db, translator, person, org, _now())
        if isinstance(asked, str):
            await message.answer(t(f"cases.ask.{asked}"))
        else:
            await message.answer(t("cases.ask.done", queued=asked.queued, already=asked.already))
    elif action == "doc":
        await query.answer()
        await _send_document(message, db, translator, person, org, t)
    elif action == "open":
        await _on_open(query, message, callback_data, person, db, t)
    elif action in ("select", "unselect"):
        await _on_select(query, message, callback_data, person, db, t)
    else:
        await query.answer(t("hint.stale_button"))


async def _on_open(
    query: CallbackQuery,
    message: Message,
    callback_data: CaseListCallback,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    writeup = await visible_writeup(db, person, callback_data.writeup)
    if writeup is None:
        await query.answer(t("cases.select.forbidden"), show_alert=True)
        return
    await query.answer()
    listed = await _writeups(db, person, writeup.organisation_id) or []
    n = next((i for i, w in enumerate(listed, start=1) if w.id == writeup.id), 0)
    await _open(message, writeup, n, t)


async def _on_select(
    query: CallbackQuery,
    message: Message,
    callback_data: CaseListCallback,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    selected = callback_data.action == "select"
    result = await select_case(db, person, callback_data.writeup, selected=selected, now=_now())
    await query.answer(t(f"cases.select.{result}"), show_alert=result in ("forbidden", "missing"))
    if result not in ("selected", "unselected", "already"):
        return
    writeups = await _writeups(db, person, callback_data.org)
    if writeups is not None and any(w.id == callback_data.writeup for w in writeups):
        await message.edit_reply_markup(reply_markup=_list_keyboard(callback_data.org, writeups, t))


async def _send_document(
    message: Message,
    db: Database,
    translator: Translator,
    person: Person | None,
    org: int,
    t: Texts,
) -> None:
    names = {o.id: o.name for o in await curated_organisations(db, person)}
    scope = DocumentScope(frozenset({org}), names.get(org, ""))
    document = await cases_document(db, translator, scope, school_year_of(_now().date()), _now())
    if document is None:
        await message.answer(t("cases.doc.none"))
        return
    await message.answer_document(
        BufferedInputFile(document.content, filename=document.file_name),
        caption=t("cases.doc.caption"),
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("cases"))(cmd_cases)
    router.callback_query(CaseListCallback.filter())(on_list_button)
    return router
