"""The words of a chart: what it is about (territory, period, the day of the data) and line
breaking that keeps words together, measured in the font the chart is drawn in."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, tzinfo
from zoneinfo import ZoneInfo

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from i18n.wording import date_in_words, period_title
from reports.data import StatsReport

__all__ = ["ChartSubject", "keep_together", "locale_of", "subtitle", "wrap", "wrap_to"]

Texts = Callable[..., str]
NBSP = "\u00a0"


@dataclass(frozen=True, slots=True)
class ChartSubject:
    """What a chart is about: the territory in words, the period (its code or label) and the
    day the data is for."""

    scope: str
    period: str
    as_of: date

    @classmethod
    def of(cls, report: StatsReport, zone: tzinfo | None = None) -> ChartSubject:
        """The report's scope and period; the day its counts were taken (a snapshot's day
        for a large scope) on the calendar of `zone`, by default the organisations' zone."""
        moment = report.counted_at or report.generated_at
        day = moment.astimezone(zone or _zone(report.timezone)).date()
        return cls(report.scope_label, report.period_label, day)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):  # a name this system's zone data does not know
        return UTC


def locale_of(t: Texts) -> str:
    """The reader's way of writing numbers and dates, as the KPI texts have it."""
    return t("reports.kpi_text.number_locale")


def subtitle(subject: ChartSubject | None, t: Texts) -> str:
    """«г. Тула — I квартал 2026, по состоянию на 2 декабря 2026 г.»"""
    if subject is None:
        return ""
    period = period_title(subject.period, t)
    if period[:4].isdigit() and "/" in period:  # «2026/27»: a school year says so
        period = t("reports.chart.school_year", label=period)
    day = date_in_words(subject.as_of, locale_of(t))
    # The period and the date stay whole when the line wraps: «2 декабря | 2026 г.» would not.
    period, day = (words.replace(" ", NBSP) for words in (period, day))
    return t("reports.chart.subtitle", scope=subject.scope, period=period, date=day)


def wrap_to(text: str, prop: FontProperties, width_in: float) -> list[str]:
    """Lines of `text` no wider than `width_in` in this font, measured, not guessed."""
    measure = TextToPath()
    limit = width_in * 72  # the measure is in points
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            width = measure.get_text_width_height_descent(candidate, prop, ismath=False)[0]
            if line and width > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


# A one- or two-letter word («в», «с», «и») and a lone «%» do not stand at a line's edge.
_SHORT_WORD = re.compile(r"(?<![\w\-–])(\w{1,2}) (?=\w)")


def keep_together(text: str) -> str:
    """Non-breaking spaces after short words and before «%», as a typesetter would put."""
    return _SHORT_WORD.sub(lambda m: m.group(1) + NBSP, text).replace(" %", NBSP + "%")


def wrap(text: str, width: int, max_lines: int = 3) -> str:
    lines = textwrap.wrap(keep_together(text), width) or [""]  # breaks at ASCII spaces only
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], textwrap.shorten(rest, width)]
    return "\n".join(lines)
