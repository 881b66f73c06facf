"""The catalogs' markup: what a text in the core may carry besides plain characters.

Texts in the locale files may emphasise with two tags, `<b>…</b>` and `<i>…</i>`, and
nothing else; every value put into a text from outside (a name, a typed answer, an
organisation's title) goes through `safe`, so `<`, `>` and `&` in it are entities. That is
the whole format of a notice's text, whatever the messenger. A front door renders it: the
Telegram one sends it as Telegram's HTML (the two tags are a subset of it); `plain` gives the
bare text for a front door without formatting (a CSV, a log, a plain-text messenger).
"""

from __future__ import annotations

import re
from html import escape, unescape

__all__ = ["TAGS", "plain", "safe"]

TAGS = ("b", "i")
_TAG = re.compile("</?(?:" + "|".join(TAGS) + ")>")


def safe(text: str | None) -> str:
    """A value from outside, made inert in a text: `<`, `>` and `&` become entities."""
    return escape(text or "", quote=False)


def plain(text: str) -> str:
    """The text without its markup: tags dropped, entities turned back into characters."""
    return unescape(_TAG.sub("", text))
