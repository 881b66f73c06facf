"""A coordinator invited for a municipality sees its organisations, and only those."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from bot.callbacks import StatsCallback
from mentoring.people.invites import InviteError, create_invite
from mentoring.people.organisations import create_organisation
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_invite
from tests.test_curator_surveys import register

NewUser = Callable[..., ChatUser]


async def school(db: Database, name: str, municipality: str, region: str) -> int:
    created = await create_organisation(
        db,
        name=name,
        kind="school",
        municipality=municipality,
        region=region,
        timezone="Europe/Moscow",
    )
    return created.id


async def area_invite(
    db: Database, *, municipality: str | None = None, region: str | None = None
) -> str:
    created = await create_invite(
        db,
        organisation_id=None,
        role="coordinator",
        max_uses=None,
        expires_days=None,
        now=datetime.now(UTC),
        municipality=municipality,
        region=region,
    )
    return created.code


def sheet_text(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data))
    return " ".join(
        str(cell) for ws in workbook for row in ws.iter_rows(values_only=True) for cell in row
    )


async def test_municipality_coordinator_sees_only_his_municipality(
    db: Database, new_user: NewUser
) -> None:
    tula_1 = await school(db, "Тульская школа № 1", "г. Тула", "Тульская область")
    tula_2 = await school(db, "Тульская школа № 2", "г. Тула", "Тульская область")
    aleksin = await school(db, "Алексинская школа", "г. Алексин", "Тульская область")
    coordinator = new_user("Координатор")
    await register(coordinator, await area_invite(db, municipality="г. Тула"), "Петрова Ольга")

    replies = await coordinator.send("/stats")
    assert "г. Тула" in (replies[0].text or "")
    await coordinator.press(replies[-1], "Отчёт XLSX")
    report = sheet_text(coordinator.session.of("SendDocument")[-1]["document"].data)
    assert "Тульская школа № 1" in report and "Тульская школа № 2" in report
    assert "Алексинская школа" not in report

    for action in ("xlsx", "show", "charts"):
        forged = StatsCallback(action=action, org=aleksin).pack()
        await coordinator.press_data(replies[-1], forged)
    assert len(coordinator.session.of("SendDocument")) == 1
    assert sum("недоступна" in str(a.get("text")) for a in coordinator.callback_answers()) == 3

    own = StatsCallback(action="xlsx", org=tula_2).pack()
    await coordinator.press_data(replies[-1], own)
    assert "Тульская школа № 2" in sheet_text(
        coordinator.session.of("SendDocument")[-1]["document"].data
    )
    assert tula_1 != tula_2


async def test_region_coordinator_sees_every_municipality_of_the_region(
    db: Database, new_user: NewUser
) -> None:
    await school(db, "Тульская школа", "г. Тула", "Тульская область")
    await school(db, "Алексинская школа", "г. Алексин", "Тульская область")
    await school(db, "Калужская школа", "г. Калуга", "Калужская область")
    coordinator = new_user("Координатор")
    await register(coordinator, await area_invite(db, region="Тульская область"), "Сидоров Иван")
    replies = await coordinator.send("/stats")
    await coordinator.press(replies[-1], "Отчёт XLSX")
    report = sheet_text(coordinator.session.of("SendDocument")[-1]["document"].data)
    assert "Тульская школа" in report and "Алексинская школа" in report
    assert "Калужская школа" not in report


async def test_curator_keeps_his_organisation_only(db: Database, new_user: NewUser) -> None:
    own = await school(db, "Своя школа", "г. Тула", "Тульская область")
    other = await school(db, "Чужая школа", "г. Тула", "Тульская область")
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, own, "curator"), "Кураторова Елена")
    replies = await curator.send("/stats")
    assert "Своя школа" in (replies[0].text or "")
    await curator.press_data(replies[-1], StatsCallback(action="xlsx", org=other).pack())
    assert curator.session.of("SendDocument") == []


async def test_area_invites_are_for_coordinators_with_one_area(db: Database) -> None:
    with pytest.raises(InviteError):
        await area_invite(db, municipality="г. Тула", region="Тульская область")
    with pytest.raises(InviteError):
        await area_invite(db)
    with pytest.raises(InviteError):
        await create_invite(
            db,
            organisation_id=None,
            role="curator",
            max_uses=None,
            expires_days=None,
            now=datetime.now(UTC),
            municipality="г. Тула",
        )
