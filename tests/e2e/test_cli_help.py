"""``--help`` on the root and on every subcommand group lists what is there."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

GROUPS = {
    "group": ["request", "approve", "reject", "request-termination", "terminate", "deactivate",
              "reactivate", "report-social-media", "share-plan", "report-alumni-data"],
    "manager": ["appoint", "remove"],
    "member": ["join", "request", "approve", "reject", "leave"],
    "event": ["propose", "approve", "reject", "list"],
    "speaker": ["propose", "approve", "reject"],
    "attendance": ["register", "record"],
    "sponsorship": ["request", "approve", "reject"],
    "review": ["list", "uphold", "overturn"],
}  # fmt: skip
QUERIES = ["show", "history", "groups", "refusals", "demo"]


def listed_commands(help_text: str) -> set[str]:
    """The names in the help's "Commands:" section."""
    section = help_text.split("Commands:", 1)[1]
    return {line.split()[0] for line in section.splitlines() if line.startswith("  ") and line.split()}


def test_root_help_lists_every_command_and_the_exit_codes(sqlite_cli):
    done = sqlite_cli.ok("--help")
    assert "Usage: oar-ledger" in done.stdout
    # later layers (kafka, relay, evidence...) add commands: these must be among them
    assert listed_commands(done.stdout) >= set(GROUPS) | set(QUERIES)
    words = " ".join(done.stdout.split())  # help text is wrapped to the terminal width
    for code in ("0 ok", "2 usage/validation", "3 refused by a rule", "4 not found", "5 conflict"):
        assert code in words
    assert done.stderr == ""
    assert not (sqlite_cli.cwd / "var").exists(), "--help must not create the ledger"


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_group_help_lists_its_subcommands(sqlite_cli, group):
    done = sqlite_cli.ok(group, "--help")
    assert f"Usage: oar-ledger {group}" in done.stdout
    assert listed_commands(done.stdout) >= set(GROUPS[group])


def test_command_help_shows_its_options(sqlite_cli):
    done = sqlite_cli.ok("event", "propose", "--help")
    for option in ("--starts-at", "--purpose", "--connection", "--fee", "--cost", "--actor", "--role"):
        assert option in done.stdout
