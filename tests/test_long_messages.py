"""The one way to send long content: parts Telegram accepts, pages of at most 100 buttons."""

from __future__ import annotations

import re

from aiogram.types import InlineKeyboardButton
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.callbacks import PageCallback
from bot.long_messages import (
    CAPTION_LIMIT,
    MAX_BUTTONS,
    TEXT_LIMIT,
    page_of,
    paged_keyboard,
    split_text,
    visible_length,
)
from i18n import Translator
from sandbox.formatting import parse_html, render, utf16_len


def accepted(part: str, limit: int = TEXT_LIMIT) -> str:
    """The text Telegram (the sandbox's faithful parser) stores for a part; raises as it would."""
    text, _ = render(part, "HTML", None, limit=limit, field="text")
    return text


def words(text: str) -> list[str]:
    return text.split()


_FRAGMENTS = st.sampled_from(
    [
        "слово",
        "Иванова Мария Петровна",
        " ",
        "\n",
        "\n\n",
        "&lt;",
        "&amp;",
        "&quot;",
        "&#128512;",
        "😀",
        "<b>жирный текст</b>",
        "<b>начало\nпродолжение</b>",
        "<i>курсив <b>и жирный</b></i>",
        '<a href="https://t.me/mentor_test_bot">ссылка с пробелом</a>',
        "x" * 300,
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_FRAGMENTS, min_size=1, max_size=400), st.sampled_from([TEXT_LIMIT, 200, 60]))
def test_every_part_parses_fits_and_nothing_is_lost(fragments: list[str], limit: int) -> None:
    text = "".join(fragments)
    if not text.strip():
        return
    parts = split_text(text, limit)
    shown = [accepted(part, limit) for part in parts]
    assert all(utf16_len(s) <= limit for s in shown)
    whole, _ = parse_html(text)
    # Cuts fall on whitespace or between tokens: the words, glued, are the same.
    assert "".join(words("".join(shown))) == "".join(words(whole))


def test_a_text_that_fits_is_one_part_unchanged() -> None:
    text = "<b>Заголовок</b>\n" + "строка\n" * 100
    assert split_text(text) == [text]


def test_lines_are_kept_whole_and_bold_is_closed_and_reopened() -> None:
    lines = [f"{n}. Иванова Мария Петровна, наставляемая" for n in range(1, 301)]
    text = "<b>" + "\n".join(lines) + "</b>"
    parts = split_text(text)
    assert len(parts) > 1
    for part in parts:
        assert part.startswith("<b>") and part.endswith("</b>")
        assert visible_length(part) <= TEXT_LIMIT
        accepted(part)
    shown = [line for part in parts for line in accepted(part).split("\n")]
    assert shown == lines  # every line whole, in order, none cut in two


def test_length_is_counted_after_entity_parsing() -> None:
    # 5,000 escaped "<" are 20,000 characters of HTML but 5,000 characters on screen.
    text = "&lt;" * 5000
    assert visible_length(text) == 5000
    parts = split_text(text)
    assert len(parts) == 2
    assert "".join(accepted(p) for p in parts) == "<" * 5000


def test_emoji_count_twice_as_in_utf16() -> None:
    text = "😀" * 3000  # 6,000 UTF-16 units
    parts = split_text(text)
    assert [utf16_len(p) for p in parts] == [4096, 1904]


def test_an_overlong_line_is_cut_at_a_space_never_inside_a_tag_or_entity() -> None:
    line = " ".join(['<a href="https://example.org/x">ссылка</a> &amp;'] * 800)
    parts = split_text(line)
    assert len(parts) > 1
    for part in parts:
        accepted(part)
        assert not re.search(r"&[a-z]*$", part) and not re.search(r"<[^>]*$", part)


def test_caption_limit() -> None:
    parts = split_text("подпись " * 400, CAPTION_LIMIT)
    assert all(visible_length(p) <= CAPTION_LIMIT for p in parts)
    assert len(parts) == 4


def test_plain_text_keeps_angle_brackets_as_they_are() -> None:
    text = "a < b\n" * 1000
    parts = split_text(text, html=False)
    assert all(len(p) <= TEXT_LIMIT for p in parts)
    assert "".join(p + "\n" for p in parts).split() == text.split()


def test_pages_are_clamped() -> None:
    items = list(range(45))
    assert page_of(items, 0).items == list(range(20))
    assert page_of(items, 2).items == list(range(40, 45))
    assert page_of(items, 99).number == 2  # a forged page shows the last real one
    assert page_of(items, -5).number == 0
    assert page_of([], 3).count == 1


def test_a_paged_keyboard_has_arrows_and_never_more_than_100_buttons(
    translator: Translator,
) -> None:
    t = translator.bind("ru")
    buttons = [
        InlineKeyboardButton(text=f"Наставник {n}", callback_data=f"x:{n}") for n in range(250)
    ]
    extra = [InlineKeyboardButton(text="Убрать", callback_data="x:remove")]
    first = paged_keyboard(buttons, PageCallback(picker="p", page=0, org=3), t, extra=extra)
    labels = [b.text for row in first.inline_keyboard for b in row]
    assert labels[:2] == ["Наставник 0", "Наставник 1"]
    assert labels[-2:] == ["стр. 2 из 13 ▶", "Убрать"]
    middle = paged_keyboard(buttons, PageCallback(picker="p", page=5, org=3), t)
    navigation = middle.inline_keyboard[-1]
    assert [b.text for b in navigation] == ["◀ стр. 5 из 13", "стр. 7 из 13 ▶"]
    assert PageCallback.unpack(navigation[1].callback_data or "") == PageCallback(
        picker="p", page=6, org=3
    )
    for page in range(13):
        markup = paged_keyboard(buttons, PageCallback(picker="p", page=page), t)
        assert sum(len(row) for row in markup.inline_keyboard) <= MAX_BUTTONS
