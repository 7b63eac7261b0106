"""The README, the shipped docs and code, and every CLI help text stand on their own (issue 14):
they cite the guidelines by title, version and public address, never by a file outside the
repository (a ``seeds/`` file, ``../shared/``, ``DESIGN.md``) that users do not have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from entrypoints.cli.main import create_app

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"seeds/|\.\./shared|/work/shared|DESIGN\.md")
SHIPPED = ("README.md", "docs", "domain", "service", "infra", "projections", "bootstrap", "entrypoints",
           "contracts", "deploy", "consumers", "tools", "bench", "Dockerfile", "docker-compose.yml", "Makefile",
           "pyproject.toml")  # fmt: skip
TEXT = {".py", ".md", ".html", ".json", ".yaml", ".yml", ".toml", ".txt", ".js", ".css", ".sh", ""}


def _shipped_files() -> list[Path]:
    files = []
    for name in SHIPPED:
        path = ROOT / name
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []
        files += [p for p in found if p.suffix in TEXT and "__pycache__" not in p.parts]
    return files


def test_no_shipped_file_points_outside_the_repository() -> None:
    files = _shipped_files()
    assert ROOT / "README.md" in files and len(files) > 100
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}"
             for path in files for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if OUTSIDE.search(line)]  # fmt: skip
    assert found == []


def _helps(command, ctx) -> list[tuple[str, str]]:
    """The help text of ``command`` and of every command under it (typer's click commands)."""
    found = [(ctx.command_path, command.get_help(ctx))]
    for name in command.list_commands(ctx) if hasattr(command, "list_commands") else ():
        sub = command.get_command(ctx, name)
        found += _helps(sub, sub.context_class(sub, info_name=name, parent=ctx))
    return found


def test_no_cli_help_points_outside_the_repository() -> None:
    root = typer.main.get_command(create_app())
    helps = _helps(root, root.context_class(root, info_name="oar-ledger"))
    assert len(helps) > 60 and "policy show" in dict(helps)["oar-ledger policy show"]
    assert [path for path, text in helps if OUTSIDE.search(text)] == []
