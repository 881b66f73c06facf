"""A click group that imports a subcommand's module only when that subcommand is used.

`mentorbot org list` then never imports aiogram, matplotlib or openpyxl, and `mentorbot
--help` imports no command module at all: it lists the help texts kept in the table.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Mapping
from typing import Any, NamedTuple

import click

__all__ = ["LazyCommand", "LazyGroup"]


class LazyCommand(NamedTuple):
    target: str  # "package.module:attribute", a click command or group
    help: str  # the first paragraph of the command's own help, shown by `--help`


class LazyGroup(click.Group):
    # Set by the `mentorbot` process (bot.cli.main), not where tests invoke the group. An
    # imported module's classes and functions live as long as the process; frozen out of the
    # collector's sight they cost no full collection, the one at exit included: a fifth of
    # the CPU time of `mentorbot org list`.
    freeze_imports = False

    def __init__(self, *args: Any, lazy_commands: Mapping[str, LazyCommand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.add_command(self._import(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def _import(self, name: str) -> click.Command:
        module_name, _, attribute = self.lazy_commands[name].target.partition(":")
        module = importlib.import_module(module_name)
        if self.freeze_imports:
            gc.freeze()
        command = getattr(module, attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_commands[name].target} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own version asks every command for its help, importing every module; a
        # stand-in with the table's text is shortened exactly as the real command would be.
        listed = [
            (
                name,
                self.commands.get(name) or click.Command(name, help=self.lazy_commands[name].help),
            )
            for name in self.list_commands(ctx)
        ]
        listed = [(name, command) for name, command in listed if not command.hidden]
        if not listed:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in listed)
        with formatter.section("Commands"):
            formatter.write_dl(
                [(name, command.get_short_help_str(limit)) for name, command in listed]
            )
