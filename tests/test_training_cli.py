"""`mentorbot training add|list|attendance`."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli.base import cli
from tests.test_cli import _add_school, _ok, runner

__all__ = ["runner"]

FUTURE = ["--date", "01.10.2099", "--time", "15:00"]  # school year 2099/00, whatever today is


def _fails(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code != 0
    return result.output


def test_add_list_and_attendance(runner: CliRunner) -> None:
    org = _add_school(runner).split()[0]
    add = ["training", "add", "--org", org, "--title", "Вебинар для наставников"]
    out = _ok(runner, *add, *FUTURE, "--link", "https://vebinar.example/room")
    session = out.split()[1].rstrip(":")
    assert "0 invitation(s) queued" in out
    assert "passed" in _fails(
        runner, *add, "--date", "01.01.2020", "--time", "10:00", "--place", "зал"
    )
    assert "http(s)" in _fails(runner, *add, *FUTURE, "--link", "javascript:alert(1)")
    assert "http(s)" in _fails(runner, *add, *FUTURE, "--place", "зал", "--material", "ftp://x/y")
    assert "either --link or --place" in _fails(runner, *add, *FUTURE)
    assert "ДД.ММ.ГГГГ" in _fails(
        runner, *add, "--date", "2099-10-01", "--time", "15:00", "--place", "зал"
    )
    listed = _ok(runner, "training", "list", "--org", org, "--year", "2099")
    assert listed.split("\t")[:4] == [session, "01.10.2099 15:00", "scheduled", "mentors"]
    assert "Вебинар для наставников" in listed
    assert _ok(runner, "training", "attendance", "--session", session) == ""
    assert "not started" in _fails(
        runner, "training", "attendance", "--session", session, "--person", "1"
    )
    assert "no invitee 1 of session 999" in _fails(
        runner, "training", "attendance", "--session", "999", "--person", "1"
    )


def test_help_lists_training(runner: CliRunner) -> None:
    assert "Mentor training sessions" in _ok(runner, "--help")
