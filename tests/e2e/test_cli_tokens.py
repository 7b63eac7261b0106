"""The issue's reproduction through the real console command: a self-declared
``--actor oar-666 --role oar`` terminates nothing once authentication is configured;
the actor recorded is the verified token's subject, in the role the token and ledger give."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

G = "openlab"
REQUEST = ("--name", "Openlab alumni", "--type", "cern-activity", "--managed-by", "alumni",
           "--visibility", "public", "--objectives", "Connect alumni of CERN openlab",
           "--manager", "m-1", "--manager", "m-2")  # fmt: skip


def test_self_declared_actors_write_nothing_when_authentication_is_configured(sqlite_cli) -> None:
    cli = sqlite_cli
    cli.env["OAR_REQUIRE_TOKEN"] = "true"
    member = cli.ok("tokens", "issue", "--subject", "m-1", "--ttl", "10m").stdout.strip()
    oar = cli.ok("tokens", "issue", "--subject", "oar-1", "--role", "oar").stdout.strip()
    cli.ok("--token", member, "group", "request", G, *REQUEST)
    cli.env["OAR_TOKEN"] = oar
    cli.ok("group", "approve", G, "--reason", "objectives are clear")
    del cli.env["OAR_TOKEN"]

    spoof = cli("group", "terminate", G, "--initiative", "oar", "--actor", "oar-666", "--role", "oar",
                "--reason", "I say so")  # fmt: skip
    assert spoof.returncode == 3 and "no verified identity" in spoof.stderr
    as_member = cli("--token", member, "group", "terminate", G, "--initiative", "oar", "--reason", "I say so")
    assert as_member.returncode == 3 and "only-oar-terminates" in as_member.stderr
    forged = cli("--token", member[:-4] + "AAAA", "group", "terminate", G, "--initiative", "oar", "--reason", "I say so")
    assert forged.returncode == 3 and "invalid token" in forged.stderr
    claimed = cli("--token", member, "group", "terminate", G, "--initiative", "oar", "--actor", "oar-1",
                  "--reason", "I say so")  # fmt: skip
    assert claimed.returncode == 2 and "conflict with the token" in claimed.stderr

    history = cli.history(G)
    assert [(h["actor"], h["role"], h["action"]) for h in history] == [
        ("m-1", "member", "GroupRequested"), ("oar-1", "oar", "GroupApproved")]  # fmt: skip
    # each event records how its actor was established: the local issuer's token
    assert {(h["authenticated_by"], h["issuer"]) for h in history} == {("local-token", "oar-ledger-local")}


def test_without_authentication_the_embedded_cli_still_takes_actor_and_role(sqlite_cli) -> None:
    sqlite_cli.ok("group", "request", G, *REQUEST, "--actor", "m-1", "--role", "member")
    missing = sqlite_cli("group", "approve", G, "--reason", "objectives are clear")
    assert missing.returncode == 2 and "--actor" in missing.stderr
    (requested,) = sqlite_cli.history(G)
    assert (requested["authenticated_by"], requested["issuer"]) == ("local-cli", None)
