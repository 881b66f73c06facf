"""`mentorbot` imports only what the command at hand uses (issue #16): the operator's
`org list` or `invite create` does not wait for aiogram, the charts or the spreadsheets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from click.testing import CliRunner

from bot.cli.base import COMMANDS, cli
from bot.cli.lazy import LazyGroup
from storage.migrate import MIGRATIONS_DIR, script_heads
from tests.process import ROOT

# What the bot process, the charts and the spreadsheets need, and no command below does.
HEAVY = {"aiogram", "aiohttp", "matplotlib", "openpyxl"}
# `--help` reads neither the settings nor the database; a migrated database needs no Alembic.
HELP_ONLY_SKIPS = {"pydantic", "pydantic_settings", "sqlalchemy"}
MIGRATED_SKIPS = {"alembic"}

# Runs the real entry point, then reports which of the watched packages got imported.
WRAPPER = f"""
import json, sys
from bot.cli import main
sys.argv = ["mentorbot", *sys.argv[1:]]
status = 0
try:
    main()
except SystemExit as exc:
    status = exc.code
watched = {sorted(HEAVY | HELP_ONLY_SKIPS | MIGRATED_SKIPS)!r}
print("IMPORTED " + json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in watched)))
sys.exit(status)
"""


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh database with one school, made in-process as `test_cli.py` does."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.delenv("BOT_USERNAME", raising=False)
    added = CliRunner().invoke(cli, ["org", "add", "--name", "МБОУ СОШ № 1", "--kind", "school"])
    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == "1"
    return tmp_path


def _imported(workdir: Path, *args: str) -> tuple[str, set[str]]:
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    output, _, report = result.stdout.rpartition("IMPORTED ")
    return output, {name.split(".")[0] for name in json.loads(report)}


def test_help_imports_no_command(workdir: Path) -> None:
    output, imported = _imported(workdir, "--help")
    assert "org  " in output and "invite  " in output
    assert imported == set(), "--help needs click alone"


def test_org_list_imports_neither_aiogram_nor_reports(workdir: Path) -> None:
    output, imported = _imported(workdir, "org", "list")
    assert "МБОУ СОШ № 1" in output
    assert imported.isdisjoint(HEAVY | MIGRATED_SKIPS), sorted(imported)


def test_invite_create_imports_neither_aiogram_nor_reports(workdir: Path) -> None:
    output, imported = _imported(workdir, "invite", "create", "--org", "1", "--role", "mentor")
    assert re.search(r"link: https://t\.me/mentor_sandbox_bot\?start=\S+", output)
    assert imported.isdisjoint(HEAVY | MIGRATED_SKIPS), sorted(imported)


def _commands_section(group: click.Group, width: int) -> str:
    context = click.Context(group, terminal_width=width, max_content_width=width)
    formatter = context.make_formatter()
    group.format_commands(context, formatter)
    return formatter.getvalue()


@pytest.mark.parametrize("width", [60, 80, 120])
def test_help_lists_each_command_as_its_own_help_would(width: int) -> None:
    """The table in bot/cli/base.py stands in for the commands in `--help`: not a character
    may differ from what click prints for the commands themselves."""
    context = click.Context(cli)
    commands = {name: cli.get_command(context, name) for name in COMMANDS}
    assert all(command is not None and command.name == name for name, command in commands.items())
    loaded = click.Group(commands=commands)
    assert _commands_section(LazyGroup(lazy_commands=COMMANDS), width) == _commands_section(
        loaded, width
    )


def test_the_sandbox_bot_is_named_as_the_bot_process_names_it() -> None:
    from bot.app import SANDBOX_BOT_USERNAME as in_bot_process
    from bot.cli.orgs import SANDBOX_BOT_USERNAME as in_cli

    assert in_cli == in_bot_process


def test_migration_heads_read_as_text_are_alembics() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert script_heads() == frozenset(ScriptDirectory.from_config(config).get_heads())
