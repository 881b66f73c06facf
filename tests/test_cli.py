"""The `mentorbot` CLI: organisations, invites (with QR), people lists, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.base import cli


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.delenv("BOT_USERNAME", raising=False)
    return CliRunner()


def _ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _add_school(runner: CliRunner) -> str:
    return _ok(
        runner,
        "org",
        "add",
        "--name",
        "МБОУ СОШ № 1",
        "--kind",
        "school",
        "--municipality",
        "г. Тула",
        "--region",
        "Тульская область",
        "--timezone",
        "Europe/Moscow",
    ).strip()


def test_org_add_and_list(runner: CliRunner) -> None:
    org_id = _add_school(runner)
    assert org_id == "1"
    assert "МБОУ СОШ № 1\tг. Тула\tТульская область\tEurope/Moscow" in _ok(runner, "org", "list")


def test_db_upgrade(runner: CliRunner) -> None:
    assert "up to date" in _ok(runner, "db", "upgrade")


def test_invite_create_prints_code_link_and_writes_qr(runner: CliRunner, tmp_path: Path) -> None:
    org_id = _add_school(runner)
    qr = tmp_path / "invite.png"
    out = _ok(
        runner,
        "invite",
        "create",
        "--org",
        org_id,
        "--role",
        "mentor",
        "--max-uses",
        "30",
        "--qr",
        str(qr),
    )
    code = re.search(r"code: (\S+)", out).group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,64}", code), "deep-link alphabet, ≥ 64 bits"
    assert f"link: https://t.me/mentor_sandbox_bot?start={code}" in out
    assert qr.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    listed = _ok(runner, "invite", "list", "--org", org_id)
    assert code in listed and "mentor" in listed and "0/30" in listed


def test_invite_codes_are_unique(runner: CliRunner) -> None:
    org_id = _add_school(runner)
    codes = {
        re.search(
            r"code: (\S+)", _ok(runner, "invite", "create", "--org", org_id, "--role", "mentee")
        ).group(1)
        for _ in range(5)
    }
    assert len(codes) == 5


def test_people_list_formats(runner: CliRunner) -> None:
    org_id = _add_school(runner)
    assert _ok(runner, "people", "list", "--org", org_id, "--format", "json").strip() == "[]"
    header = next(
        csv.reader(io.StringIO(_ok(runner, "people", "list", "--org", org_id, "--format", "csv")))
    )
    assert header == ["id", "full_name", "role", "status", "locale", "created_at"]
    assert json.loads(_ok(runner, "people", "list", "--org", org_id, "--format", "json")) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["invite", "create", "--org", "99", "--role", "mentee"], "no organisation with id 99"),
        (
            ["invite", "create", "--org", "1", "--role", "mentee", "--max-uses", "0"],
            "--max-uses must be",
        ),
        (
            ["org", "add", "--name", "X Y", "--kind", "school", "--timezone", "Mars/Base"],
            "unknown timezone",
        ),
        (["people", "list", "--org", "42"], "no organisation with id 42"),
    ],
)
def test_errors_are_one_line_and_non_zero(
    runner: CliRunner, args: list[str], expected: str
) -> None:
    _add_school(runner)
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("mentorbot: ")
    assert expected in result.stderr and "Traceback" not in result.stderr
