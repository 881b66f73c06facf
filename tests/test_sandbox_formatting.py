"""The Telegram sandbox renders text as Telegram does: HTML and automatic entities."""

from __future__ import annotations

import pytest

from sandbox.formatting import detect_entities, parse_html, render
from sandbox.media import image_size, make_png

# --- text rendering ---------------------------------------------------------------------


def test_html_is_parsed_into_entities_like_telegram() -> None:
    text, entities = parse_html('<b>Жир <i>курсив</i></b> 🙂 <a href="https://t.me/x">ссылка</a>')
    assert text == "Жир курсив 🙂 ссылка"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 10},
        {"type": "italic", "offset": 4, "length": 6},
        # The emoji counts as two UTF-16 units, so the link starts at 14, not 13.
        {"type": "text_link", "offset": 14, "length": 6, "url": "https://t.me/x"},
    ]
    code, code_entities = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert code == "x = 1"
    assert code_entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
    ],
)
def test_bad_html_is_rejected(source: str, detail: str) -> None:
    with pytest.raises(Exception, match="can't parse entities") as error:
        parse_html(source)
    assert detail in str(error.value)


def test_auto_entities_and_trimming() -> None:
    text, entities = render(
        "  /help@mentor_sandbox_bot см. https://ya.ru  ", None, None, limit=4096, field="text"
    )
    assert text == "/help@mentor_sandbox_bot см. https://ya.ru"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bot_command", 0, 24),
        ("url", 29, 13),
    ]
    assert detect_entities("цена 5/3 и #тег") == [{"type": "hashtag", "offset": 11, "length": 4}]
    assert image_size(make_png(7, 9)) == (7, 9)
