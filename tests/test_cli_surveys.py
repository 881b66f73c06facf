"""`mentorbot survey launch`, `consent record-paper`, `group-meeting add`."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli.base import cli
from mentoring.people import registration
from storage.db import Database
from storage.schema import consents, outbox, survey_assignments
from tests.factories import make_invite, make_school


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    return CliRunner()


async def _cohort(db_url: str) -> tuple[int, list[int]]:
    from storage.migrate import upgrade

    db = Database(db_url)
    await upgrade(db)
    school = await make_school(db)
    code = await make_invite(db, school, "mentee", max_uses=5)
    ids = []
    for n in range(2):
        outcome = await registration.grant_consent(
            db,
            telegram_id=4000 + n,
            username=None,
            locale="ru",
            invite_code=code,
            as_admin=False,
            text_version="v",
            now=datetime.now(UTC),
        )
        assert outcome.person_id is not None
        await registration.complete_registration(db, outcome.person_id, f"Участник {'АБ'[n]}")
        ids.append(outcome.person_id)
    await db.close()
    return school, ids


async def _rows(db_url: str, query):  # type: ignore[no-untyped-def]
    db = Database(db_url)
    async with db.connect() as conn:
        rows = (await conn.execute(query)).all()
    await db.close()
    return rows


def test_survey_launch_queues_invitations(runner: CliRunner, db_url: str) -> None:
    school, _ = asyncio.run(_cohort(db_url))
    deadline = (date.today() + timedelta(days=5)).isoformat()
    result = runner.invoke(
        cli,
        [
            "survey",
            "launch",
            "--org",
            str(school),
            "--survey",
            "satisfaction_mentee",
            "--role",
            "mentee",
            "--deadline",
            deadline,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 invitations queued" in result.stdout
    rows = asyncio.run(
        _rows(db_url, select(outbox.c.chat_id).where(outbox.c.kind == "survey_invitation"))
    )
    assert sorted(r.chat_id for r in rows) == [4000, 4001]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--survey", "nonsense", "--role", "mentee", "--deadline", "2099-01-01"],
            "unknown questionnaire",
        ),
        (
            ["--survey", "satisfaction_mentor", "--role", "mentee", "--deadline", "2099-01-01"],
            "not for that role",
        ),
        (
            ["--survey", "satisfaction_mentee", "--role", "mentee", "--deadline", "2000-01-01"],
            "in the past",
        ),
        (
            ["--survey", "satisfaction_mentee", "--role", "mentee", "--deadline", "01.01.2099"],
            "expected YYYY-MM-DD",
        ),
    ],
)
def test_survey_launch_errors(
    runner: CliRunner, db_url: str, args: list[str], expected: str
) -> None:
    school, _ = asyncio.run(_cohort(db_url))
    result = runner.invoke(cli, ["survey", "launch", "--org", str(school), *args])
    assert result.exit_code == 2 and expected in result.stderr


def test_consent_record_paper(runner: CliRunner, db_url: str) -> None:
    _, ids = asyncio.run(_cohort(db_url))
    result = runner.invoke(
        cli, ["consent", "record-paper", "--person", str(ids[0]), "--by", "Кураторова Е. В."]
    )
    assert result.exit_code == 0, result.output
    rows = asyncio.run(
        _rows(db_url, select(consents.c.granted_by).where(consents.c.kind == "parent"))
    )
    assert [r.granted_by for r in rows] == ["paper: Кураторова Е. В."]
    missing = runner.invoke(cli, ["consent", "record-paper", "--person", "999"])
    assert missing.exit_code == 2 and "no person with id 999" in missing.stderr


def test_group_meeting_add_sends_preferences(runner: CliRunner, db_url: str) -> None:
    school, ids = asyncio.run(_cohort(db_url))
    result = runner.invoke(
        cli,
        [
            "group-meeting",
            "add",
            "--org",
            str(school),
            "--date",
            date.today().isoformat(),
            "--attendees",
            ",".join(map(str, ids)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 preference questionnaires queued" in result.stdout
    rows = asyncio.run(
        _rows(
            db_url,
            select(survey_assignments.c.survey_code, survey_assignments.c.subject_type).where(
                survey_assignments.c.survey_code == "preference_mentee"
            ),
        )
    )
    assert [tuple(r) for r in rows] == [("preference_mentee", "group_meeting")] * 2
