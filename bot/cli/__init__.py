"""The `mentorbot` command line (also `python -m bot`).

Subcommands are imported on demand (`COMMANDS` in bot/cli/base.py), so a command imports
only what it uses.
"""

from __future__ import annotations

from bot.cli.base import cli

__all__ = ["main"]


def main() -> None:
    cli.freeze_imports = True
    cli(prog_name="mentorbot")
