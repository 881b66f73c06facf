"""Dates, names and greetings as an official Russian document writes them: «1 октября
2026 г.», «И.П. Петрова» under a signature, «Иванову Ивану Петровичу» at the head of a
letter (i18n.names declines it), «Уважаемая Анна Сергеевна!»."""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date

from i18n import Texts
from i18n.names import dative, gender

__all__ = [
    "NBSP",
    "addressed",
    "greeting",
    "initials",
    "long_date",
    "order_number",
    "short_date",
    "surname_initials",
]

NBSP = "\u00a0"  # initials never part from the surname at a line's end


def long_date(day: date, locale: str = "ru") -> str:
    """«1 октября 2026 г.» (en: «1 October 2026»)."""
    if locale == "en":
        return format_date(day, "d MMMM y", locale="en")
    return f"{format_date(day, 'd MMMM y', locale='ru')}{NBSP}г."


def short_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _parts(full_name: str) -> list[str]:
    return full_name.split()


def initials(full_name: str) -> str:
    """«Петрова Ирина Сергеевна» → «И.С. Петрова», as a signature is typed (ГОСТ Р 7.0.97)."""
    parts = _parts(full_name)
    if len(parts) < 2:
        return full_name.strip()
    letters = "".join(f"{part[0]}." for part in parts[1:3])
    return f"{letters}{NBSP}{parts[0]}"


def surname_initials(full_name: str) -> str:
    """«Петрова Ирина Сергеевна» → «Петрова И.С.», as names are listed."""
    parts = _parts(full_name)
    if len(parts) < 2:
        return full_name.strip()
    return f"{parts[0]}{NBSP}" + "".join(f"{part[0]}." for part in parts[1:3])


def order_number(text: str) -> str:
    """The order's number without the «№» the document prints itself: «№ 12-о» → «12-о»."""
    return re.sub(r"^\s*(?:№|N|No\.?)\s*", "", text).strip()


def addressed(full_name: str) -> str:
    """To whom a letter is addressed: the full name in the dative («Иванову Ивану
    Петровичу»); a name the rules cannot decline stays as it was typed."""
    return dative(" ".join(_parts(full_name)))


def greeting(full_name: str, t: Texts) -> str:
    """«Уважаемый Иван Петрович!», «Уважаемая Анна!»; when the name does not tell a man
    from a woman, «Здравствуйте, Саша!», never a masculine form by default."""
    parts = _parts(full_name)
    called = " ".join(parts[1:]) if len(parts) > 1 else " ".join(parts)
    known = gender(" ".join(parts)) if parts else None
    key = {"masc": "masc", "femn": "femn"}.get(known or "", "unknown")
    return t(f"documents.greeting.{key}", name=called)
