"""/roadmap: the curator's overdue and coming roadmap items, with buttons to mark one done."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import PageCallback, RoadmapDoneCallback
from bot.long_messages import paged_keyboard, send_long, show_page
from i18n import Texts
from i18n.markup import safe
from mentoring.roadmap import service as roadmap
from storage.db import Database
from storage.people import Person
from storage.roadmap import RoadmapItem

TITLE_ON_BUTTON = 50


def _line(item: RoadmapItem, locale: str, t: Texts) -> str:
    return t(
        "roadmap.line",
        date=item.due_on.strftime("%d.%m.%Y"),
        title=safe(item.title(locale)),
        role=t(f"roles.{item.responsible_role}"),  # «куратор», never the code
    )


async def cmd_roadmap(
    message: Message, person: Person | None, db: Database, locale: str, t: Texts
) -> None:
    views = await roadmap.curator_view(db, person, datetime.now(UTC))
    if not views:
        await message.answer(t("roadmap.not_curator"))
        return
    for view in views:
        lines = [t("roadmap.header", organisation=safe(view.organisation_name))]
        if view.overdue:
            lines += [t("roadmap.overdue")] + [_line(i, locale, t) for i in view.overdue]
        if view.upcoming:
            lines += [t("roadmap.upcoming")] + [_line(i, locale, t) for i in view.upcoming]
        if not (view.overdue or view.upcoming):
            lines.append(t("roadmap.nothing"))
        keyboard = _done_keyboard(view.overdue + view.upcoming, 0, locale, t)
        await send_long(message, "\n".join(lines), reply_markup=keyboard)


def _done_keyboard(
    items: list[RoadmapItem], page: int, locale: str, t: Texts
) -> InlineKeyboardMarkup | None:
    if not items:
        return None
    buttons = [
        InlineKeyboardButton(
            text=t("roadmap.done_button", title=item.title(locale)[:TITLE_ON_BUTTON]),
            callback_data=RoadmapDoneCallback(item=item.id).pack(),
        )
        for item in items
    ]
    where = PageCallback(picker="roadmap", page=page, org=items[0].organisation_id)
    return paged_keyboard(buttons, where, t)


async def on_roadmap_page(
    query: CallbackQuery,
    callback_data: PageCallback,
    person: Person | None,
    db: Database,
    locale: str,
    t: Texts,
) -> None:
    """◀ ▶ under an organisation's items: rebuilt from the organisations he curates now."""
    views = await roadmap.curator_view(db, person, datetime.now(UTC))
    items = [
        item
        for view in views
        for item in view.overdue + view.upcoming
        if item.organisation_id == callback_data.org
    ]
    keyboard = _done_keyboard(items, callback_data.page, locale, t)
    if keyboard is None or not isinstance(query.message, Message):
        await query.answer(t("roadmap.forbidden"), show_alert=True)
        return
    await query.answer()
    await show_page(query.message, keyboard)


async def on_roadmap_done(
    query: CallbackQuery,
    callback_data: RoadmapDoneCallback,
    person: Person | None,
    db: Database,
    locale: str,
    t: Texts,
) -> None:
    # mark_done re-checks that the person curates the item's organisation (can_curate).
    outcome = await roadmap.mark_done(db, callback_data.item, person, datetime.now(UTC))
    if outcome in ("forbidden", "missing"):
        await query.answer(t("roadmap.forbidden"), show_alert=True)
        return
    if outcome == "already":
        await query.answer(t("roadmap.already"))
        return
    item = await roadmap.items_of_id(db, callback_data.item)
    title = item.title(locale) if item is not None else ""
    await query.answer(t("roadmap.marked", title=title))
    if isinstance(query.message, Message):
        await query.message.answer(t("roadmap.marked", title=safe(title)))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("roadmap"))(cmd_roadmap)
    router.callback_query(RoadmapDoneCallback.filter())(on_roadmap_done)
    router.callback_query(PageCallback.filter(F.picker == "roadmap"))(on_roadmap_page)
    return router
