"""Failures through the real ``oar-ledger`` command: exit code, a message on stderr that
names the field or the rule and clause, and no new event in the group's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.e2e

G = "cms-alumni"
CRITERION = "was a member of the CMS collaboration"
OAR = ("--actor", "oar-1", "--role", "oar")
M1 = ("--actor", "m-1", "--role", "manager")
REQUEST = ("--name", "CMS CERN Alumni", "--type", "scientific-collaboration", "--managed-by", "alumni",
           "--visibility", "private", "--objectives", "Connect alumni of the CMS collaboration",
           "--manager", "m-1", "--manager", "m-2", "--manager", "m-3", "--criterion", CRITERION,
           "--actor", "m-1", "--role", "member")  # fmt: skip
LATER = (datetime.now(UTC) + timedelta(days=60)).replace(microsecond=0).isoformat()

# refused attempts seen by this module's tests, for the `refusals` test: (command, rule)
SEEN_REFUSED: list[tuple[str, str]] = []


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_sqlite_cli):
    """An active private group with three managers, a pending request and an approved
    event; returns the CLI and the group's history."""
    cli = new_sqlite_cli(tmp_path_factory.mktemp("exit-codes"))
    cli.ok("group", "request", G, *REQUEST)
    cli.ok("group", "approve", G, "--reason", "objectives are clear", *OAR)
    cli.ok("member", "request", G, "--actor", "a-1", "--role", "member")
    cli.ok("event", "propose", G, "colloquium", "--title", "Colloquium", "--starts-at", LATER,
           "--purpose", "scientific", "--connection", "CMS results for CMS alumni", *M1)  # fmt: skip
    cli.ok("event", "approve", G, "colloquium", "--reason", "relevant", *OAR)
    history = cli.history(G)
    assert len(history) == 5
    return cli, history


CASES = [
    # -- 2: usage and validation; the message names the field ---------------------------
    pytest.param(("group", "request", "Bad_Slug", *REQUEST), 2, ["invalid group", "pattern"], None, id="bad-slug"),
    pytest.param(("event", "propose", G, "talk", "--title", "Talk", "--starts-at", "next tuesday",
                  "--purpose", "scientific", "--connection", "a talk for the group", *M1),
                 2, ["invalid starts-at"], None, id="bad-datetime"),  # fmt: skip
    pytest.param(("event", "propose", G, "talk", "--title", "Talk", "--starts-at", "2030-05-01T18:00",
                  "--purpose", "scientific", "--connection", "a talk for the group", *M1),
                 2, ["invalid starts-at", "timezone"], None, id="datetime-without-offset"),  # fmt: skip
    pytest.param(("group", "request", "new-group", *REQUEST[:2], "--type", "castle", *REQUEST[4:]),
                 2, ["--type", "castle"], None, id="bad-enum-type"),  # fmt: skip
    pytest.param(("group", "approve", G, "--reason", "fine", "--actor", "oar-1", "--role", "king"),
                 2, ["--role", "king"], None, id="bad-enum-role"),  # fmt: skip
    pytest.param(("group", "approve", G, "--reason", "ok", *OAR), 2, ["invalid reason"], None, id="short-reason"),
    # -- 3: refused by a rule; stderr names the rule and the § clause ----------------------
    pytest.param(("manager", "appoint", G, "m-4", *M1), 3, ["at-most-three-managers", "§7"],
                 ("AppointManager", "at-most-three-managers"), id="fourth-manager"),  # fmt: skip
    pytest.param(("member", "reject", G, "a-1", "--criterion", CRITERION,
                  "--reason", "rejected because of their nationality", *M1),
                 3, ["no-discriminatory-grounds", "§9", "nationality"],
                 ("RejectMembership", "no-discriminatory-grounds"), id="nationality-rejection"),  # fmt: skip
    pytest.param(("sponsorship", "request", G, "colloquium", "smokeco", "--sponsor", "SmokeCo",
                  "--sector", "tobacco", "--reason", "pays for the drinks", *M1),
                 3, ["no-weapons-or-tobacco-sponsor", "§26"],
                 ("RequestSponsorship", "no-weapons-or-tobacco-sponsor"), id="tobacco-sponsor"),  # fmt: skip
    pytest.param(("group", "terminate", G, "--initiative", "oar", "--reason", "we are done", *M1),
                 3, ["only-oar-terminates", "§14, §32"], ("TerminateGroup", "only-oar-terminates"),
                 id="termination-by-manager"),  # fmt: skip
    # -- 4: not found; 5: conflict --------------------------------------------------------
    pytest.param(("group", "approve", "no-such-group", "--reason", "looks fine", *OAR),
                 4, ["not found", "no-such-group"], None, id="unknown-group"),  # fmt: skip
    pytest.param(("show", "no-such-group", "--json"), 4, ["not found", "no-such-group"], None, id="show-unknown-group"),
    pytest.param(("group", "request", G, *REQUEST), 5, ["conflict", G, "already"], None, id="duplicate-group-request"),
]


@pytest.mark.parametrize(("args", "code", "says", "refused"), CASES)
def test_failure_exit_code_message_and_nothing_recorded(world, args, code, says, refused):
    cli, history = world
    done = cli(*args)
    assert done.returncode == code, f"{done.returncode}:\n{done.stdout}\n{done.stderr}"
    for fragment in says:
        assert fragment in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert "recorded" not in done.stdout
    if code == 3:
        assert "refused:" in done.stderr and "CERN-AG §" in done.stderr
        SEEN_REFUSED.append(refused)
    assert cli.history(G) == history, "a failed command added an event"


def test_refusals_lists_the_refused_attempts(world):
    cli, history = world
    done = cli("group", "approve", G, "--reason", "we approve ourselves", "--actor", "a-1", "--role", "member")
    assert done.returncode == 3 and "only-oar-decides-group-creation" in done.stderr
    rows = cli.json("refusals", "--json")
    assert rows, "no refusal listed"
    for row in rows:
        assert {"at", "actor_id", "actor_role", "command", "group_slug", "rule", "clause", "message"} <= set(row)
        assert row["group_slug"] == G and row["clause"].startswith("CERN-AG §")
    listed = [(row["command"], row["rule"]) for row in rows]
    assert listed == [*SEEN_REFUSED, ("ApproveGroup", "only-oar-decides-group-creation")]
    last = rows[-1]
    assert (last["actor_id"], last["actor_role"], last["clause"]) == ("a-1", "member", "CERN-AG §11, §16")
    assert "may not" in last["message"]
    table = cli.ok("refusals").stdout
    assert "only-oar-decides-group-creation" in table
    assert cli.history(G) == history


def test_a_missing_database_password_file_exits_2_naming_it(sqlite_cli) -> None:
    env = sqlite_cli.env | {"OAR_DATABASE_PASSWORD_FILE": str(sqlite_cli.cwd / "absent")}
    done = type(sqlite_cli)(env=env, cwd=sqlite_cli.cwd, database="sqlite")("groups")
    assert done.returncode == 2
    assert "invalid database-password-file" in done.stderr and "no such file" in done.stderr
    assert not (sqlite_cli.cwd / "var").exists()  # nothing written


def test_refusals_filter_by_group_actor_rule_clause_and_time(world):
    cli, _ = world
    everything = cli.json("refusals", "--json")
    assert len(everything) >= 2 and len({r["rule"] for r in everything}) >= 2

    def listed(*filters: str) -> list[dict]:
        return cli.json("refusals", *filters, "--json")

    rule = "only-oar-decides-group-creation"
    assert listed("--rule", rule) == [r for r in everything if r["rule"] == rule] != []
    assert listed("--actor", "a-1") == [r for r in everything if r["actor_id"] == "a-1"] != []
    assert listed("--clause", "CERN-AG §7") == [r for r in everything if r["clause"] == "CERN-AG §7"] != []
    assert listed("--group", G) == everything and listed("--group", "other-group") == []
    first, last = everything[0]["at"], everything[-1]["at"]
    assert listed("--from", last) == [r for r in everything if r["at"] >= last]
    assert listed("--to", first) == [r for r in everything if r["at"] <= first]
    assert listed("--from", "2999-01-01T00:00+00:00") == [] and listed("--rule", rule, "--actor", "nobody") == []
    bad = cli("refusals", "--from", "2025-01-01T00:00")
    assert bad.returncode == 2 and "invalid --from" in bad.stderr
    table = cli.ok("refusals", "--rule", rule).stdout
    assert "message" in table and "may not" in table


def test_history_table_names_event_id_subject_and_sign_in(world):
    cli, history = world
    table = cli.ok("history", G).stdout
    for column in ("event id", "subject", "signed in", "clause"):
        assert column in table
    assert all(row["event_id"] in table for row in history)
    assert "member a-1" in table and "event colloquium" in table and "local-cli" in table
    assert [row["subject"] for row in history][:2] == [f"group {G}", f"group {G}"]
