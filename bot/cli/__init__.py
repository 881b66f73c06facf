"""The `mentorbot` command line (also `python -m bot`)."""

from __future__ import annotations

from bot.cli import core, demo, orgs, pairs, practices, roadmap, stats, surveys  # noqa: F401  (registers the subcommands)
from bot.cli.base import cli

__all__ = ["main"]


def main() -> None:
    cli(prog_name="mentorbot")
