"""How numbers and time zones are said to people: «12,5 %», «1 234» (a non-breaking thin
space between thousands), «Москва (UTC+3)», never `12.5` or `Europe/Moscow`.

One formatter for the chat, the back office and the XLSX labels; Babel knows the locales'
ways (CLDR), so English readers get «12.5%» and «Moscow (UTC+3)».
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, get_timezone_location
from babel.numbers import format_decimal

__all__ = [
    "counted",
    "date_in_words",
    "number",
    "percent",
    "period_title",
    "plural_form",
    "school_year_label",
    "zone_label",
]

THIN_NBSP = "\u202f"  # between thousands: the Russian typographic habit, and never a line break


def number(value: float, locale: str, *, digits: int = 1, fixed: bool = False) -> str:
    """12345.67 → «12 345,7» (ru), «12,345.7» (en); whole numbers without a decimal part,
    unless `fixed` (5 → «5,0»: a column of means reads alike)."""
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * digits if digits else "")
    text = format_decimal(round(value, digits), format=pattern, locale=_babel(locale))
    return text.replace("\u00a0", THIN_NBSP) if _babel(locale) == "ru" else text


def percent(value_pct: float, locale: str, *, digits: int = 1) -> str:
    """A percentage given as 0–100: «12,5 %» (ru, with a non-breaking space), «12.5%» (en)."""
    shown = number(value_pct, locale, digits=digits)
    return f"{shown}\u00a0%" if _babel(locale) == "ru" else f"{shown}%"


def counted(count: int, key: str, t: Callable[..., str], locale: str) -> str:
    """A number with its noun declined: «1 организация», «3 организации», «5 организаций».
    The text `key` has a form per CLDR plural category, each with `{n}`: `one`, `few`,
    `many` and `other` (English needs only `one` and `other`, but both catalogs have all)."""
    return t(f"{key}.{plural_form(count, locale)}", n=number(count, locale, digits=0))


def date_in_words(day: date, locale: str) -> str:
    """«2 декабря 2026 г.» (ru), «December 2, 2026» (en): a date as a report states it."""
    return format_date(day, format="long", locale=_babel(locale))


def plural_form(count: int, locale: str) -> str:
    """The CLDR plural category of `count` (one, few, many, other): «1 организация»,
    «3 организации», «5 организаций» are three texts `.one`, `.few`, `.many` in the catalogs."""
    return str(Locale.parse(_babel(locale)).plural_form(abs(count)))


def zone_label(zone: str, locale: str, now: datetime) -> str:
    """«Москва (UTC+3)»: the zone's city as people name it and its offset at `now`."""
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):
        return zone
    offset = now.astimezone(tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    utc = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "") if minutes else "UTC"
    try:
        city = get_timezone_location(tz, locale=_babel(locale), return_city=True)
    except LookupError:
        city = zone
    return utc if city == "UTC" else f"{city} ({utc})"


def _babel(locale: str) -> str:
    return "en" if locale == "en" else "ru"


def school_year_label(year: int) -> str:
    """2026 → «2026/27»."""
    return f"{year}/{(year + 1) % 100:02d}"


_ROMAN = ("I", "II", "III", "IV")
_PERIOD_PARTS = {"Q": 4, "H": 2}


def period_title(label: str, t: Callable[..., str]) -> str:
    """A period's code as people say it: «2026-Q1» → «I квартал 2026», «2026-H2» →
    «2-е полугодие 2026», «2026» → «2026/27». Codes stay in URLs, file names and snapshots;
    people read this (texts `periods.*` in the locale files). A code that names no period
    is shown as it is."""
    text = label.strip().upper()
    match = re.fullmatch(r"(\d{4})(?:/\d{2})?", text)
    if match:
        return school_year_label(int(match.group(1)))
    match = re.fullmatch(r"(\d{4})-([QH])([1-4])", text)
    if not match or int(match.group(3)) > _PERIOD_PARTS[match.group(2)]:
        return label
    number, year = int(match.group(3)), match.group(1)
    key = "periods.quarter" if match.group(2) == "Q" else "periods.half_year"
    return t(key, roman=_ROMAN[number - 1], n=number, year=year)
