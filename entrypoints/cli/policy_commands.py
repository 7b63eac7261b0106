"""``oar-ledger policy``: the rules of each pack as they stood on a date, and the README's
generated rules catalogue."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from domain.policy.catalogue import describe
from domain.policy.registry import installed_packs, policy_pack
from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.render import err, line, out, print_json, table
from infra.clock import system_clock
from infra.rules_catalogue import DRIFT_HINT, CatalogueError, check_catalogue, write_catalogue

policy_app = typer.Typer(help="Policy packs: their rules and versions.", no_args_is_help=True)


@policy_app.command("show")
def show(
    ctx: typer.Context,
    pack: Annotated[str | None, typer.Option("--pack", help="One pack (default: every installed pack).")] = None,
    on: Annotated[str, typer.Option("--on", help="The date, YYYY-MM-DD (default: today).")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """The rules of each pack as they stood on a date: the version then in force, the text
    it encodes (title, version, publisher, address, SHA-256), each command's clause and
    rules (with their clauses), and the compliance flags."""
    day = _day(on)
    names = [_known(pack)] if pack is not None else list(installed_packs())
    packs = [describe(policy_pack(name, day)) for name in names]
    if as_json or state(ctx).json_output:
        print_json({"on": day, "packs": packs})
        return
    for info in packs:
        since = info["effective_from"] or "the start (undated)"
        line(f"{info['pack']} v{info['version']} on {day}: {info['title']}, in force from {since}", style="bold")
        line(f"  {info['amendment']}")
        _source(info["source"])
        rows = [[c["command"], c["clause"], "\n".join(f"{r['rule']} ({r['clause']})" for r in c["rules"])]
                for c in info["commands"]]  # fmt: skip
        table(f"Commands governed by {info['pack']} v{info['version']}", ["command", "clause recorded", "rules"], rows)
        table("Compliance flags", ["flag", "clause", "settings"],
              [[f["flag"], f["clause"], ", ".join(f"{k}={v}" for k, v in f.items() if k not in ("flag", "clause"))]
               for f in info["flags"]])  # fmt: skip


@policy_app.command("catalogue")
def catalogue(
    check: Annotated[bool, typer.Option("--check", help="Only check; exit 7 if the README is out of date.")] = False,
    readme: Annotated[Path, typer.Option("--readme", help="The README holding the catalogue.")] = Path("README.md"),
) -> None:
    """Regenerate (or --check) the rules catalogue section of the README from the packs."""
    try:
        if check:
            if not check_catalogue(readme):
                err.print(f"{readme}: the rules catalogue differs from the packs", markup=False)
                raise CliError(DRIFT_HINT, ExitCode.INTEGRITY)
            out.print(f"{readme}: rules catalogue up to date")
            return
        changed = write_catalogue(readme)
    except (CatalogueError, OSError) as problem:
        raise CliError(f"invalid --readme: {problem}") from None
    out.print(f"{readme}: {'rules catalogue rewritten' if changed else 'up to date'}")


def _source(source: dict[str, Any]) -> None:
    line(f"  Source: {_cited(source)}")
    line(f"  SHA-256 of the text encoded: {source['sha256']}")
    for text in source["refers_to"]:
        line(f"  Refers to: {_cited(text)}")


def _cited(text: dict[str, Any]) -> str:
    return f"{text['title']}, {text['version']}, {text['publisher']}, {text['address']}"


def _day(on: str) -> date:
    if not on:
        return system_clock().date()
    try:
        return date.fromisoformat(on)
    except ValueError:
        raise CliError(f"invalid --on: {on[:40]!r} is not a date (YYYY-MM-DD)") from None


def _known(pack: str) -> str:
    if pack not in installed_packs():
        known = ", ".join(installed_packs())
        raise CliError(f"invalid --pack: unknown policy pack {pack[:40]!r}; installed: {known}")
    return pack
