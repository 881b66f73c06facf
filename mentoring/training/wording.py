"""How a session reads in a notice or a list: its date in words, its local time, where."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from i18n import Texts
from storage.training import TrainingSession

__all__ = ["local_start", "session_line", "when", "where"]


def local_start(session: TrainingSession) -> datetime:
    return session.starts_at.astimezone(ZoneInfo(session.timezone))


def when(session: TrainingSession, locale: str) -> str:
    """«5 декабря, 16:00» in the session's own zone."""
    local = local_start(session)
    day = format_date(local.date(), format="d MMMM", locale=locale)
    return f"{day}, {local.strftime('%H:%M')}"


def where(session: TrainingSession, t: Texts) -> str:
    if session.link:
        return t("training.where_link", link=session.link)
    return t("training.where_place", place=session.place or "")


def session_line(
    session: TrainingSession, t: Texts, locale: str, inert: Callable[[str], str] = str
) -> str:
    """One line of the schedule; `inert` makes the title safe for the caller's markup."""
    return t(
        "training.list_line",
        when=when(session, locale),
        title=inert(session.title),
        audience=t(f"training.audience.{session.audience}"),
        cancelled=t("training.cancelled_mark") if session.status != "scheduled" else "",
    )
