"""The import rule (README, Layout), checked by import-linter from ``pyproject.toml``:
entrypoints -> bootstrap -> consumers -> service -> infra -> projections -> domain, never
upwards, and no import cycle between sibling modules or packages anywhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("entrypoints", "bootstrap", "consumers", "service", "infra", "projections", "domain")
LINT = Path(sys.executable).parent / "lint-imports"


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_project_keeps_every_import_contract() -> None:
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


@pytest.fixture
def copy_of_project(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("module", "source", "complaint"),
    [
        ("domain/upwards.py", "import infra.settings\n", "domain is not allowed to import infra"),
        ("infra/upwards.py", "from service import ledger\n", "infra is not allowed to import service"),
        ("projections/upwards.py", "import consumers.projector\n", "projections is not allowed to import consumers"),
        ("service/upwards.py", "import entrypoints.cli.main\n", "service is not allowed to import entrypoints"),
        ("domain/values_back.py", "import domain.policy.registry\nimport domain.commands\n", None),
    ],
    ids=["domain-to-infra", "infra-to-service", "projections-to-consumers", "service-to-entrypoints", "no-violation"],
)
def test_a_violating_import_breaks_the_rule(copy_of_project: Path, module: str, source: str, complaint: str | None) -> None:
    (copy_of_project / module).write_text(source)
    done = lint(copy_of_project)
    if complaint is None:
        assert done.returncode == 0, done.stdout
        return
    assert done.returncode == 1, done.stdout
    assert complaint in done.stdout


def test_an_import_cycle_between_siblings_breaks_the_rule(copy_of_project: Path) -> None:
    values = copy_of_project / "domain" / "values.py"
    values.write_text(values.read_text() + "\nimport domain.ids  # noqa: E402\n")
    ids = copy_of_project / "domain" / "ids.py"
    ids.write_text(ids.read_text() + "\nimport domain.values  # noqa: E402\n")
    done = lint(copy_of_project)
    assert done.returncode == 1, done.stdout
    assert "No cycles are allowed in domain" in done.stdout
