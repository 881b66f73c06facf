"""Documents in chat: the order on pairs (приказ) as a Word file under /pairs.

The button carries the organisation only; the press is re-checked on the server (the
presser must curate it: `handlers.pairs.on_pairs_action`), and the newest order is sent.
"""

from __future__ import annotations

from aiogram.types import BufferedInputFile, InlineKeyboardButton, Message

from bot.callbacks import PairsCallback
from i18n import Texts, Translator
from i18n.markup import safe
from mentoring.documents.orders import order_document
from storage.db import Database

__all__ = ["ORDER_ACTION", "order_button", "send_order"]

ORDER_ACTION = "order"


def order_button(org: int, t: Texts) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=t("documents.chat.order_button"),
        callback_data=PairsCallback(action=ORDER_ACTION, org=org).pack(),
    )


async def send_order(
    message: Message, db: Database, translator: Translator, org: int, t: Texts
) -> None:
    """The organisation's newest order as .docx, or a word that there is none yet."""
    document = await order_document(db, translator, org)
    if document is None:
        await message.answer(t("documents.chat.no_order"))
        return
    await message.answer_document(
        BufferedInputFile(document.content, filename=document.file_name),
        caption=t("documents.chat.order_caption", title=safe(document.title)),
    )
