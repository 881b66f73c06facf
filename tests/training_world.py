"""A school with a curator, two mentors and a mentee, for the training tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from i18n import Translator
from mentoring.training import service
from storage import people as people_store
from storage.db import Database
from storage.people import Person
from storage.schema import outbox
from tests.factories import make_member, make_school


@dataclass
class School:
    org: int
    ids: dict[str, int]  # curator, mentor, mentor2, mentee → person id

    async def person(self, db: Database, key: str) -> Person:
        async with db.connect() as conn:
            found = await people_store.get(conn, self.ids[key])
        assert found is not None
        return found

    async def schedule(
        self,
        db: Database,
        translator: Translator,
        now: datetime,
        *,
        day: date,
        at: time = time(15, 0),
        audience: str = "mentors",
        **fields: Any,
    ) -> service.Scheduled:
        draft = service.Draft(
            title=fields.pop("title", "Вебинар для наставников"),
            day=day,
            at=at,
            audience=audience,
            link=fields.pop("link", "https://vebinar.example/room"),
            **fields,
        )
        return await service.schedule(db, translator, await self.person(db, "curator"), draft, now)


async def make_training_school(db: Database, base: int = 7000) -> School:
    org = await make_school(db)
    ids = {}
    for n, (key, name, role) in enumerate(
        (
            ("curator", "Кураторова Елена", "curator"),
            ("mentor", "Смирнова Ольга", "mentor"),
            ("mentor2", "Петров Иван", "mentor"),
            ("mentee", "Аннова Анна", "mentee"),
        )
    ):
        ids[key] = await make_member(db, base + n, name, org, role)
    return School(org, ids)


async def rows(db: Database, kind: str) -> list[Any]:
    async with db.connect() as conn:
        found = await conn.execute(
            select(outbox).where(outbox.c.kind == kind).order_by(outbox.c.id)
        )
    return list(found.mappings())
