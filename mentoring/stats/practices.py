"""Best mentoring practices (лучшие практики наставничества): the rules and the deadline.

Schools report their best practices quarterly, no later than the 5th of the month after the
quarter (seed 003); an organisation's roadmap may set another date for a quarter's report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from mentoring.matching.compatibility import FORMS
from mentoring.people.curation import can_curate
from storage import practices as store
from storage import roadmap as roadmap_store
from storage.db import Database
from storage.people import Person
from storage.practices import Practice, quarter_of, quarter_start
from storage.roadmap import RoadmapItem

__all__ = [
    "DEADLINE_DAY",
    "Added",
    "Practice",
    "add_practice",
    "clean_link",
    "clean_title",
    "deadline_of",
    "default_deadline",
    "parse_quarter",
    "practices_of",
    "quarter_end",
    "quarter_of",
    "quarter_start",
    "report_deadline",
    "valid_form",
]

TITLE_MIN, TITLE_MAX = 3, 200
LINK_MAX = 500
DEADLINE_DAY = 5
# Roadmap items of a quarter's report: report_q3 in mentoring/roadmap/data/roadmap.yaml; a
# municipality's own roadmap may call it quarterly_report_q3.
_REPORT_CODE = re.compile(r"(?:quarterly_)?report_q([1-4])")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


@dataclass(frozen=True, slots=True)
class Added:
    practice: Practice
    deadline: date


def clean_title(text: str | None) -> str | None:
    title = " ".join((text or "").split())
    return title if TITLE_MIN <= len(title) <= TITLE_MAX else None


def clean_link(text: str | None) -> str | None:
    """An http(s) URL with a host, at most LINK_MAX characters; None otherwise."""
    link = (text or "").strip()
    if not link or len(link) > LINK_MAX or any(c.isspace() for c in link):
        return None
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    return link if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def valid_form(form: str) -> bool:
    return form in FORMS


def parse_quarter(text: str | None) -> str | None:
    """`2026-q4` → "2026-Q4"; None when it is not a quarter."""
    match = _QUARTER.fullmatch((text or "").strip().upper())
    return f"{match[1]}-Q{match[2]}" if match else None


def quarter_end(quarter: str) -> date:
    first = quarter_start(quarter)
    following = (
        date(first.year + 1, 1, 1) if first.month == 10 else first.replace(month=first.month + 3)
    )
    return following - timedelta(days=1)


def default_deadline(quarter: str) -> date:
    """The 5th of the month after the quarter."""
    return quarter_end(quarter) + timedelta(days=DEADLINE_DAY)


def deadline_of(quarter: str, roadmap: Sequence[RoadmapItem]) -> date:
    """The roadmap's due date of this quarter's report when it has one, else the default.

    A report item counts for the quarter when its number matches and it falls due within
    three months after the quarter ends (the roadmap is per school year, quarters are not)."""
    end = quarter_end(quarter)
    number = quarter[-1]
    for item in roadmap:
        match = _REPORT_CODE.fullmatch(item.code)
        if match and match[1] == number and end < item.due_on <= end + timedelta(days=92):
            return item.due_on
    return default_deadline(quarter)


async def report_deadline(db: Database, organisation_id: int, quarter: str) -> date:
    async with db.connect() as conn:
        roadmap = await roadmap_store.of_organisation(conn, organisation_id)
    return deadline_of(quarter, roadmap)


async def add_practice(
    db: Database,
    actor: Person | None,
    organisation_id: int,
    *,
    title: str,
    form: str,
    link: str,
    now: datetime,
) -> Added | str:
    """Store a practice for the quarter of `now`; a problem code when it may not be stored:
    "forbidden" (the actor does not curate the organisation), "title", "form" or "link"."""
    if actor is None or not can_curate(actor, organisation_id):
        return "forbidden"
    clean = clean_title(title)
    if clean is None:
        return "title"
    if not valid_form(form):
        return "form"
    url = clean_link(link)
    if url is None:
        return "link"
    quarter = quarter_of(now.date())
    async with db.begin() as conn:
        practice = await store.add(
            conn,
            organisation_id=organisation_id,
            person_id=actor.id,
            title=clean,
            form=form,
            link=url,
            quarter=quarter,
            now=now,
        )
        roadmap = await roadmap_store.of_organisation(conn, organisation_id)
    return Added(practice, deadline_of(quarter, roadmap))


async def practices_of(db: Database, org_ids: Sequence[int], quarter: str) -> list[Practice]:
    async with db.connect() as conn:
        return await store.of_organisations(conn, org_ids, quarter, quarter)
