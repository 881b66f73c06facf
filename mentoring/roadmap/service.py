"""The roadmap (дорожная карта): a yearly template as data, dated per organisation.

`dated_items` is pure (template + school year → dates); the services import the items
idempotently, list them, show a curator what is due or overdue and mark items done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.ext.asyncio import AsyncConnection

from mentoring.people.curation import can_curate, curated_organisations
from storage import organisations as org_store
from storage import roadmap as roadmap_store
from storage.db import Database
from storage.people import Person
from storage.roadmap import NewItem, RoadmapItem

__all__ = [
    "EVENT_ITEMS",
    "UPCOMING",
    "CuratorView",
    "TemplateItem",
    "curator_view",
    "dated_items",
    "import_roadmap",
    "items_of",
    "items_of_id",
    "load_template",
    "mark_done",
    "organisations_of_municipality",
    "record_approval_event",
    "record_event",
]

TEMPLATE_PATH = Path(__file__).parent / "data" / "roadmap.yaml"
FIRST_MONTH = 8  # months from August on belong to the school year's first calendar year
UPCOMING = timedelta(days=30)

# The events of the year and the roadmap items each one completes: one mapping, called by
# the services (mentoring/questionnaires/waves.py, mentoring/pairs/notices.py) whatever the front door.
# Each inner tuple is one item, given as alternative codes: of those still open, the one
# due nearest the event is marked (the spring and the September intake are both intakes).
EVENT_ITEMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "group_meeting": (("group_meeting",), ("preference_survey",)),
    "wave:intake_mentee": (("intake_september", "intake_april"),),
    "wave:intake_mentor": (("intake_september", "intake_april"), ("mentor_base",)),
    "wave:satisfaction_mentee": (("satisfaction_survey",),),
    "wave:satisfaction_mentor": (("satisfaction_survey",),),
    "pairs_approved": (("pairs",),),
    "mentors_trained": (("training_september", "training_april"),),
    "third_party_notes": (("third_party_info",),),
    "cases_selected": (("cases",),),
}


@dataclass(frozen=True, slots=True)
class TemplateItem:
    code: str
    stage: str
    month: int
    day: int
    role: str
    title_ru: str
    title_en: str


@cache
def load_template(path: Path = TEMPLATE_PATH) -> tuple[TemplateItem, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = tuple(
        TemplateItem(
            code=str(raw["code"]),
            stage=str(raw["stage"]),
            month=int(raw["month"]),
            day=int(raw["day"]),
            role=str(raw["role"]),
            title_ru=str(raw["title"]["ru"]),
            title_en=str(raw["title"]["en"]),
        )
        for raw in data["items"]
    )
    if len({item.code for item in items}) != len(items):
        raise ValueError(f"{path}: roadmap item codes repeat")
    return items


def dated_items(template: tuple[TemplateItem, ...], year: int) -> list[NewItem]:
    """The template's items dated for the school year `year`/`year + 1`."""
    return [
        NewItem(
            code=item.code,
            title_ru=item.title_ru,
            title_en=item.title_en,
            stage=item.stage,
            due_on=date(year if item.month >= FIRST_MONTH else year + 1, item.month, item.day),
            responsible_role=item.role,
        )
        for item in template
    ]


async def organisations_of_municipality(db: Database, municipality: str) -> list[int]:
    async with db.connect() as conn:
        everything = await org_store.list_all(conn)
    wanted = municipality.strip().casefold()
    return [org.id for org in everything if org.municipality.strip().casefold() == wanted]


async def import_roadmap(
    db: Database, organisation_ids: list[int], year: int, *, now: datetime | None = None
) -> int:
    """Create the year's items for each organisation; items already there are kept.

    With `now`, items of the year already past on the organisation's local date are marked
    skipped, not left overdue: a school that starts in the middle of the year starts at
    the next step (the same in the chat, the web and the CLI, which all come here)."""
    items = dated_items(load_template(), year)
    added = 0
    async with db.begin() as conn:
        for organisation_id in organisation_ids:
            added += await roadmap_store.add_items(conn, organisation_id, year, items)
            if now is not None:
                today = await _local_date(conn, organisation_id, now)
                await roadmap_store.mark_skipped(conn, organisation_id, year, today, now)
    return added


async def _local_date(conn: AsyncConnection, organisation_id: int, now: datetime) -> date:
    organisation = await org_store.get(conn, organisation_id)
    zone = organisation.timezone if organisation is not None else "Europe/Moscow"
    return now.astimezone(ZoneInfo(zone)).date()


async def record_event(
    conn: AsyncConnection,
    organisation_id: int,
    event: str,
    *,
    actor_person_id: int | None,
    now: datetime,
    link: str | None = None,
) -> list[int]:
    """Mark the items `event` completes (see EVENT_ITEMS) done; returns their ids."""
    today = await _local_date(conn, organisation_id, now)
    items = await roadmap_store.of_organisation(conn, organisation_id)
    open_items = [i for i in items if not i.done or i.skipped]
    marked = []
    for codes in EVENT_ITEMS.get(event, ()):
        candidates = [i for i in open_items if i.code in codes]
        if not candidates:
            continue
        item = min(candidates, key=lambda i: (abs((i.due_on - today).days), i.id))
        if await roadmap_store.mark_done(conn, item.id, actor_person_id, now, link=link):
            marked.append(item.id)
    return marked


async def items_of(db: Database, organisation_id: int) -> list[RoadmapItem]:
    async with db.connect() as conn:
        return await roadmap_store.of_organisation(conn, organisation_id)


async def items_of_id(db: Database, item_id: int) -> RoadmapItem | None:
    async with db.connect() as conn:
        return await roadmap_store.get(conn, item_id)


async def mark_done(
    db: Database, item_id: int, person: Person | None, now: datetime, *, check_rights: bool = True
) -> str:
    """ "done", "already", "missing" or "forbidden" (the actor does not curate its organisation)."""
    async with db.begin() as conn:
        item = await roadmap_store.get(conn, item_id)
        if item is None:
            return "missing"
        if check_rights and not can_curate(person, item.organisation_id):
            return "forbidden"
        done = await roadmap_store.mark_done(
            conn, item_id, person.id if person is not None else None, now
        )
    return "done" if done else "already"


@dataclass(frozen=True, slots=True)
class CuratorView:
    organisation_name: str
    overdue: list[RoadmapItem]
    upcoming: list[RoadmapItem]


async def curator_view(db: Database, person: Person | None, now: datetime) -> list[CuratorView]:
    """Per curated organisation: open items overdue and due in the next 30 days, by the
    organisation's own calendar (Vladivostok's today is not Kaliningrad's)."""
    views = []
    for organisation in await curated_organisations(db, person):
        today = now.astimezone(ZoneInfo(organisation.timezone)).date()
        open_items = [i for i in await items_of(db, organisation.id) if not i.done]
        views.append(
            CuratorView(
                organisation.name,
                [i for i in open_items if i.due_on < today],
                [i for i in open_items if today <= i.due_on <= today + UPCOMING],
            )
        )
    return views


async def record_approval_event(
    db: Database, organisation_id: int, actor_person_id: int | None, now: datetime
) -> None:
    """Pairs fixed by an order (приказ о закреплении): the roadmap's «pairs» item is done."""
    async with db.begin() as conn:
        await record_event(
            conn,
            organisation_id,
            "pairs_approved",
            actor_person_id=actor_person_id,
            now=now,
            link=f"/pairs/{organisation_id}",
        )
