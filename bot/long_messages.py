"""The one way to send long content within Telegram's limits.

- `split_text` cuts a text into parts of at most 4,096 characters (1,024 for a caption) as
  Telegram measures them: after HTML entity parsing (tags count nothing, `&lt;` one
  character) and in UTF-16 code units (an emoji is two; stricter than counting code points,
  so never too long). It cuts on line boundaries, on a space inside an over-long line, and
  never inside a tag or an entity; a tag open at a cut is closed at the end of the part and
  opened again at the start of the next one, so every part parses on its own.
- `send_long` sends the parts one after another, the keyboard under the last one.
- `paged_keyboard` shows a long picker a page at a time, with ◀ ▶ buttons whose callback
  data names the page; the handler behind them rebuilds the list on the server and clamps
  the page (`page_of`), so a forged page number shows nothing it should not. Each picker
  has its `PageCallback.picker` name and its own page handler beside the command. A long
  list as text is paged the same way: `page_of` the lines, `page_turns` under them, and
  `show_page` with the page's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from typing import Any, Generic, TypeVar

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import LaggingCallback, PageCallback, StatsCallback
from i18n import Texts

__all__ = [
    "CAPTION_LIMIT",
    "MAX_BUTTONS",
    "PAGE_SIZE",
    "TEXT_LIMIT",
    "Page",
    "page_of",
    "page_turns",
    "paged_keyboard",
    "send_long",
    "show_page",
    "split_text",
    "visible_length",
]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
MAX_BUTTONS = 100  # per inline keyboard
PAGE_SIZE = 20  # items per page of a picker: a screenful, well under MAX_BUTTONS
HTML = "HTML"

_TOKEN = re.compile(
    r"<[^<>]*>|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});|\n|[ \t]+|[^<&\n \t]+|[<&]"
)
_PLAIN_TOKEN = re.compile(r"\n|[ \t]+|[^\n \t]+")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][\w-]*)")
_TELEGRAM_ENTITIES = frozenset({"&lt;", "&gt;", "&amp;", "&quot;"})
_CHUNK = 256  # longest run of text kept as one token, so a giant word can still be cut


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class _Token:
    raw: str
    units: int  # visible length in UTF-16 code units
    kind: str  # text | space | newline | open | close

    @property
    def tag(self) -> str:
        found = _TAG_NAME.match(self.raw)
        return found.group(1).lower() if found else ""


def _token(raw: str, html: bool) -> _Token:
    if raw == "\n":
        return _Token(raw, 1, "newline")
    if raw[0] in " \t":
        return _Token(raw, _units(raw), "space")
    if html and len(raw) > 2 and raw[0] == "<" and raw[-1] == ">":
        return _Token(raw, 0, "close" if raw[1] == "/" else "open")
    if html and raw[0] == "&" and raw[-1] == ";" and len(raw) > 1:
        numeric = raw[1] == "#"
        shown = unescape(raw) if numeric or raw in _TELEGRAM_ENTITIES else raw
        return _Token(raw, _units(shown), "text")
    return _Token(raw, _units(raw), "text")


def _tokens(text: str, html: bool, limit: int = TEXT_LIMIT) -> list[_Token]:
    chunk = max(1, min(_CHUNK, limit // 4))
    found = []
    for match in (_TOKEN if html else _PLAIN_TOKEN).finditer(text):
        raw = match.group()
        if len(raw) > chunk and raw[0] not in "<&":
            found += [_token(raw[i : i + chunk], html) for i in range(0, len(raw), chunk)]
        else:
            found.append(_token(raw, html))
    return found


def visible_length(text: str, *, html: bool = True) -> int:
    """What Telegram counts against the limit: UTF-16 units after parsing and trimming."""
    if not html:
        return _units(text.strip())
    tokens = _tokens(text, html)
    shown = [t for t in tokens if t.kind not in ("open", "close")]
    while shown and shown[0].kind in ("space", "newline"):
        shown.pop(0)
    while shown and shown[-1].kind in ("space", "newline"):
        shown.pop()
    return sum(t.units for t in shown)


def _assemble(tokens: Sequence[_Token], carried: list[_Token]) -> tuple[str, list[_Token], bool]:
    """One part's text with the tags carried in reopened and the ones left open closed;
    the tags still open after it; whether it shows anything at all."""
    stack = list(carried)
    for token in tokens:
        if token.kind == "open":
            stack.append(token)
        elif token.kind == "close":
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].tag == token.tag:
                    del stack[depth]
                    break
    closing = "".join(f"</{token.tag}>" for token in reversed(stack))
    body = "".join(token.raw for token in tokens)
    visible = any(t.kind == "text" and t.raw.strip() for t in tokens)
    return "".join(t.raw for t in carried) + body + closing, stack, visible


def split_text(text: str, limit: int = TEXT_LIMIT, *, html: bool = True) -> list[str]:
    """`text` as parts that Telegram accepts, in order; one part when it fits already."""
    if _units(text) <= limit:  # the raw text is never shorter than what is shown
        return [text]
    tokens = _tokens(text, html, limit)
    parts: list[str] = []
    carried: list[_Token] = []
    start = 0
    while start < len(tokens):
        end, resume = _cut(tokens, start, limit)
        part, carried, visible = _assemble(tokens[start:end], carried)
        if visible:
            parts.append(part)
        start = resume
    return parts


def _cut(tokens: Sequence[_Token], start: int, limit: int) -> tuple[int, int]:
    """Where the part beginning at `start` ends, and where the next one begins: at the last
    line break that fits, else the last space, else the last whole token."""
    units = 0
    last_newline: int | None = None
    last_space: int | None = None
    index = start
    while index < len(tokens):
        token = tokens[index]
        if units + token.units > limit and index > start:
            for cut in (last_newline, last_space):
                if cut is not None and cut > start:
                    return cut, cut + 1
            return index, index
        if token.kind == "newline":
            last_newline = index
        elif token.kind == "space":
            last_space = index
        units += token.units
        index += 1
    return index, index


async def send_long(
    target: Message | Bot,
    text: str,
    *,
    chat_id: int | None = None,
    reply_markup: InlineKeyboardMarkup | None = None,
    parse_mode: str | None = HTML,
) -> list[Message]:
    """Send `text` as one message or several (the keyboard under the last); `target` is the
    message being answered, or the bot with `chat_id`."""
    parts = split_text(text, html=parse_mode == HTML)
    sent = []
    for number, part in enumerate(parts, start=1):
        markup = reply_markup if number == len(parts) else None
        if isinstance(target, Message):
            sent.append(await target.answer(part, parse_mode=parse_mode, reply_markup=markup))
        else:
            if chat_id is None:
                raise ValueError("send_long through a Bot needs chat_id")
            sent.append(
                await target.send_message(chat_id, part, parse_mode=parse_mode, reply_markup=markup)
            )
    return sent


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    number: int  # 0-based, within 0..count-1
    count: int
    items: Sequence[T]


def page_of(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """The page `number` of `items`, clamped: a stale or forged number shows a real page."""
    count = max(1, -(-len(items) // size))
    number = min(max(number, 0), count - 1)
    return Page(number, count, items[number * size : (number + 1) * size])


# What a ◀ ▶ press carries: a `PageCallback`, or a command's own callback with a `page`
# field (/stats keeps its period in it).
Where = PageCallback | StatsCallback | LaggingCallback


def page_turns(shown: Page[Any], where: Where, t: Texts) -> list[InlineKeyboardButton]:
    """◀ ▶ for the page `shown` (none when there is one page): `where` with the page number
    of the previous and the next page."""
    turns = []
    if shown.number > 0:
        turns.append(
            InlineKeyboardButton(
                text=t("paging.previous", page=shown.number, pages=shown.count),
                callback_data=where.model_copy(update={"page": shown.number - 1}).pack(),
            )
        )
    if shown.number < shown.count - 1:
        turns.append(
            InlineKeyboardButton(
                text=t("paging.next", page=shown.number + 2, pages=shown.count),
                callback_data=where.model_copy(update={"page": shown.number + 1}).pack(),
            )
        )
    return turns


def paged_keyboard(
    buttons: Sequence[InlineKeyboardButton],
    where: Where,
    t: Texts,
    *,
    extra: Sequence[InlineKeyboardButton] = (),
    size: int = PAGE_SIZE,
) -> InlineKeyboardMarkup:
    """One button a row for the items of page `where.page`, then ◀ ▶ when there are several
    pages (`where` with another page number), then `extra` (e.g. «Готово»)."""
    shown = page_of(buttons, where.page, size)
    rows = [[button] for button in shown.items]
    navigation = page_turns(shown, where, t)
    if navigation:
        rows.append(navigation)
    rows += [[button] for button in extra]
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise ValueError("a page holds more buttons than Telegram allows")
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def show_page(
    message: Message, markup: InlineKeyboardMarkup, *, text: str | None = None
) -> None:
    """Put another page of a picker under the message, or with `text` (at most one
    message's length) another page of a paged text; a press that changes nothing (the last
    page again, a double tap) is no error."""
    try:
        if text is None:
            await message.edit_reply_markup(reply_markup=markup)
        else:
            await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise
