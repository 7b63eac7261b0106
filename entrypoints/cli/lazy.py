"""Lazy command registration: ``oar-ledger --help`` lists every command from a table, and a
command's module (with its SQLAlchemy, Kafka or eventsourcing imports) is imported only when
that command runs. Built on click's documented lazy-group pattern (typer has none of its own)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import click
import typer
from typer.core import TyperGroup

from entrypoints.cli.help_words import use_words


@dataclass(frozen=True)
class LazyCommand:
    """``target`` is ``module:attribute``: a ``typer.Typer`` (a command group) or a function."""

    name: str
    target: str
    help: str

    def load(self) -> click.Command:
        module, _, attribute = self.target.partition(":")
        found = getattr(importlib.import_module(module), attribute)
        if isinstance(found, typer.Typer):
            command = typer.main.get_group(found)
        else:
            single = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
            single.command(self.name)(found)
            command = typer.main.get_command(single)
        command.name = self.name
        _plain_help(command)
        return use_words(command)


def _plain_help(command: click.Command) -> None:
    """Plain click help for every subcommand, as for the root (no rich boxes or type tags)."""
    if hasattr(command, "rich_markup_mode"):
        command.rich_markup_mode = None  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        _plain_help(sub)


class LazyGroup(TyperGroup):
    """The root group: commands come from ``COMMANDS`` (set by ``entrypoints.cli.main``)."""

    lazy_commands: tuple[LazyCommand, ...] = ()

    def _table(self) -> dict[str, LazyCommand]:
        return {command.name: command for command in self.lazy_commands}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [command.name for command in self.lazy_commands]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        lazy = self._table().get(cmd_name)
        return lazy.load() if lazy is not None else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Help from the table: listing commands imports none of them."""
        rows = [(command.name, command.help) for command in self.lazy_commands]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
