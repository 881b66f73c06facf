"""A school at real size for tests: hundreds of people with intake answers in a few bulk
inserts (storage.demo.insert_rows), instead of one registration per person in the chat.

Names are unique full names in Russian («Кузнецова Анна Игоревна 0042»), so a test can
check that every person appears in what the bot shows. Birth dates are counted back from
today, so a minor is a minor whatever day the test runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mentoring.demo import people as demo_people
from storage import demo as demo_store
from storage.db import Database

TELEGRAM_BASE = 10_000_000  # + person id: far from the chat fixtures' ids (5001...)


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    telegram_id: int
    name: str


def born_years_ago(years: int, today: date | None = None) -> date:
    today = today or datetime.now(UTC).date()
    return today - timedelta(days=years * 365 + years // 4 + 40)


def _name(index: int) -> str:
    first, sex = demo_people.FIRST_NAMES[index % len(demo_people.FIRST_NAMES)]
    surname = demo_people.SURNAMES[(index // 7) % len(demo_people.SURNAMES)]
    patronymic = demo_people.PATRONYMICS[sex][(index // 3) % len(demo_people.PATRONYMICS[sex])]
    return f"{surname}{'а' if sex == 'f' else ''} {first} {patronymic} {index:04d}"


async def add_members(
    db: Database,
    organisation_id: int,
    role: str,
    count: int,
    *,
    born: date,
    intake: dict[str, Any] | None = None,
) -> list[Member]:
    """`count` active people of `role` with names; with `intake`, a submitted intake
    questionnaire holding those answers (and the birth date)."""
    now = datetime.now(UTC)
    rows: dict[str, list[dict[str, Any]]] = {}
    async with db.begin() as conn:
        ids = await demo_store.next_ids(conn)
        members = []
        for _ in range(count):
            pid = _take(ids, "people")
            member = Member(pid, TELEGRAM_BASE + pid, _name(pid))
            members.append(member)
            rows.setdefault("people", []).append(
                {
                    "id": pid,
                    "telegram_id": member.telegram_id,
                    "full_name": member.name,
                    "username": None,
                    "birth_date": born,
                    "locale": "ru",
                    "status": "active",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            rows.setdefault("memberships", []).append(
                {
                    "id": _take(ids, "memberships"),
                    "person_id": pid,
                    "organisation_id": organisation_id,
                    "role": role,
                    "created_at": now,
                }
            )
            if intake is not None:
                _add_intake(rows, ids, pid, role, intake | {"birth_date": born.isoformat()}, now)
        for table in demo_store.BULK_TABLES:
            await demo_store.insert_rows(conn, table, rows.get(table, []))
    return members


def _take(ids: dict[str, int], table: str) -> int:
    ids[table] += 1
    return ids[table] - 1


def _add_intake(
    rows: dict[str, list[dict[str, Any]]],
    ids: dict[str, int],
    person_id: int,
    role: str,
    answers: dict[str, Any],
    now: datetime,
) -> None:
    response_id = _take(ids, "responses")
    rows.setdefault("responses", []).append(
        {
            "id": response_id,
            "assignment_id": None,
            "person_id": person_id,
            "survey_code": f"intake_{role}",
            "survey_version": 1,
            "state": "{}",
            "status": "submitted",
            "started_at": now,
            "updated_at": now,
            "submitted_at": now,
            "satisfaction_score": None,
        }
    )
    for question, value in answers.items():
        rows.setdefault("answers", []).append(
            {
                "id": _take(ids, "answers"),
                "response_id": response_id,
                "question_code": question,
                "value": value,
                "free_text": False,
                "answered_at": now,
            }
        )


def names(members: Sequence[Member]) -> list[str]:
    return [m.name for m in members]
