"""Hostile input and a hostile environment through the real ``oar-ledger`` command (issue
15, reproductions 2, 7, 10, 11, 12): each gives its documented exit code and a message
naming the field or the setting, never a traceback, never a password, and nothing is
written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

G = "cms-alumni"
MEMBER = ("--actor", "m-1", "--role", "member")
M1 = ("--actor", "m-1", "--role", "manager")
OAR = ("--actor", "oar-1", "--role", "oar")
REQUEST = ("--name", "CMS alumni", "--type", "other", "--managed-by", "alumni", "--visibility", "private",
           "--objectives", "Connect the alumni of CMS", "--criterion", "worked on CMS")  # fmt: skip
SECRET = "s3cret-pw"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_sqlite_cli):
    """An approved group with an approved event; returns the CLI and the group's history."""
    cli = new_sqlite_cli(tmp_path_factory.mktemp("hostile-input"))
    cli.ok("group", "request", G, *REQUEST, "--manager", "m-1", "--manager", "m-2", *MEMBER)
    cli.ok("group", "approve", G, "--reason", "objectives are clear", *OAR)
    cli.ok("event", "propose", G, "gala", "--title", "Gala", "--starts-at", "2030-05-20T18:00+02:00",
           "--purpose", "community-building", "--connection", "the alumni meet", *M1)  # fmt: skip
    cli.ok("event", "approve", G, "gala", "--reason", "relevant", *OAR)
    cli.ok("keys", "init")
    return cli, cli.history(G)


def fails(cli, code: int, *args: str, says: tuple[str, ...] = ()) -> str:
    done = cli(*args)
    assert done.returncode == code, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr and SECRET not in done.stdout + done.stderr
    for fragment in says:
        assert fragment in done.stderr, done.stderr
    return done.stderr


CRITERIA_600 = tuple(arg for _ in range(600) for arg in ("--criterion", "c" * 2000))
INPUTS = [
    pytest.param(("group", "request", "big-group", *REQUEST[:-2], *CRITERIA_600, "--manager", "m-1", "--manager",
                  "m-2", *MEMBER), ("invalid membership-criteria", "at most 20 items, got 600"), id="600-criteria"),
    pytest.param(("group", "reject", G, "--reason", "\x01\x02\x03\x04", *OAR),
                 ("invalid reason", "control character U+0001"), id="control-characters"),
    pytest.param(("group", "request", "esc-group", *REQUEST[:1], "CMS \x1b[31m", *REQUEST[2:], "--manager", "m-1",
                  *MEMBER), ("invalid name", "U+001B"), id="escape-in-name"),
    pytest.param(("group", "request", "dup-group", *REQUEST, "--manager", "m-3", "--manager", "m-3", *MEMBER),
                 ("invalid proposed-managers", "m-3 is given more than once"), id="duplicate-manager"),
    pytest.param(("event", "propose", G, "talk", "--title", "Talk", "--starts-at", "2030-06-01T18:00+02:00",
                  "--purpose", "scientific", "--connection", "a talk", "--cost", "-0", *M1),
                 ("invalid cost-per-participant", "-0"), id="minus-zero-cost"),
    pytest.param(("sponsorship", "request", G, "gala", "acme", "--sponsor", "Jane Doe <jane.doe@gmail.com>",
                  "--sector", "other", "--not-bidding", "--reason", "pays the room", *M1),
                 ("invalid sponsor", "e-mail address", "personal data"), id="sponsor-email"),
    pytest.param(("group", "reject", G, "--reason", "call her on +41 22 767 61 11", *OAR),
                 ("invalid reason", "phone number"), id="phone-in-reason"),
    pytest.param(("attendance", "record", G, "gala", "--attended", "a-1", "--did-not-attend", "a-1", *M1),
                 ("invalid attended/did-not-attend", "a-1 is given more than once"), id="two-marks-for-one"),
    pytest.param(("manager", "appoint", G, "jane.doe", *M1), ("invalid manager", "not an opaque id"), id="name-id"),
    pytest.param(("manager", "appoint", G, "756.1234.5678.97", *M1), ("invalid manager", "opaque id"), id="avs-id"),
    pytest.param(("prove", "not-a-uuid'; --"), ("invalid EVENT_ID", "not-a-uuid"), id="prove-not-a-uuid"),
    pytest.param(("prove", "--consistency", "10", "5"), ("invalid --consistency", "0 <= OLD <= NEW"),
                 id="prove-consistency-backwards"),
    pytest.param(("history", G, "--from", "2025-03-01T00:00Z", "--to", "2025-01-01T00:00Z"),
                 ("invalid --from", "is after --to"), id="history-from-after-to"),
]


@pytest.mark.parametrize(("args", "says"), INPUTS)
def test_bad_input_is_a_usage_error_naming_the_field_and_writes_nothing(world, args, says) -> None:
    cli, history = world
    fails(cli, 2, *args, says=says)
    if args[:2] == ("group", "request"):
        assert cli("show", args[2]).returncode == 4
    else:
        assert cli.history(G) == history


@pytest.mark.parametrize(("target", "says"), [
    ("missing-folder/audit.csv", "does not exist"), (".", "it is a folder"), ("/dev/full", "No space left"),
])  # fmt: skip
def test_an_unwritable_out_path_is_a_usage_error_and_leaves_nothing(world, target: str, says: str) -> None:
    cli, _ = world
    before = sorted(p.name for p in cli.cwd.iterdir())
    fails(cli, 2, "audit", "export", "--format", "csv", "--out", target, says=(f"cannot write --out {target}", says))
    fails(cli, 2, "keys", "public", "--out", target, says=(f"cannot write --out {target}", says))
    assert sorted(p.name for p in cli.cwd.iterdir()) == before


def test_a_complete_export_still_works(world) -> None:
    cli, _ = world
    cli.ok("audit", "export", "--format", "csv", "--out", "audit.csv")
    assert (cli.cwd / "audit.csv").read_text(encoding="utf-8").startswith("position,")
    assert not [p for p in cli.cwd.iterdir() if p.name.endswith(".partial")]


def url(tail: str) -> str:
    return f"postgresql://postgres:{SECRET}@127.0.0.1:{tail}"


DATABASES = [
    pytest.param({"OAR_DATABASE_URL": url("5432/oar_no_such_db")}, ("groups",), 6,
                 ("database unavailable", 'database "oar_no_such_db" does not exist'), id="missing-database"),
    pytest.param({"OAR_DATABASE_URL": url("1/test")}, ("show", G), 6, ("database unavailable", "port 1 failed"),
                 id="unreachable-port"),
    pytest.param({"OAR_DATABASE_URL": url("abc/test")}, ("show", G), 2, ("invalid OAR_DATABASE_URL", ":***@"),
                 id="malformed-port"),
    pytest.param({"OAR_DATABASE_URL": f"mysql://oar:{SECRET}@db/oar"}, ("db", "init"), 2,
                 ("invalid OAR_DATABASE_URL", "unsupported database 'mysql'"), id="unsupported-database"),
    pytest.param({}, ("replay", "--into", f"mysql://oar:{SECRET}@db/oar"), 2, ("invalid --into", "mysql"),
                 id="replay-into-unsupported"),
    pytest.param({}, ("replay", "--into", url("5432/oar_no_such_db")), 6, ("database unavailable",),
                 id="replay-into-missing"),
    pytest.param({}, ("projections", "compare", "sqlite:///nowhere.sqlite", "sqlite:///var/projections.sqlite"),
                 4, ("no projection database at FIRST",), id="compare-missing"),
    pytest.param({}, ("projections", "compare", "oracle://x", "sqlite:///var/projections.sqlite"), 2,
                 ("invalid FIRST",), id="compare-unsupported"),
]


@pytest.mark.parametrize(("env", "args", "code", "says"), DATABASES)
def test_a_bad_database_setting_has_an_exit_code_a_message_and_no_password(world, env, args, code, says) -> None:
    cli, _ = world
    fails(cli.__class__(env=cli.env | env, cwd=cli.cwd, database=cli.database), code, *args, says=says)
    assert not (cli.cwd / "nowhere.sqlite").exists()


def test_db_init_does_not_print_the_database_password(postgres_cli) -> None:
    with_password = postgres_cli.env["OAR_DATABASE_URL"].replace("postgres@", f"postgres:{SECRET}@")
    cli = postgres_cli.__class__(env=postgres_cli.env | {"OAR_DATABASE_URL": with_password},
                                 cwd=postgres_cli.cwd, database="postgres")  # fmt: skip
    done = cli.ok("db", "init")
    assert SECRET not in done.stdout + done.stderr
    assert "postgresql://postgres:***@127.0.0.1:5432/" in done.stdout


def test_a_signing_key_open_to_others_is_refused(world) -> None:
    cli, _ = world
    key = cli.cwd / "var" / "keys" / "ledger-signing.key"
    assert key.stat().st_mode & 0o777 == 0o600
    key.chmod(0o644)
    try:
        for args in (("keys", "public"), ("checkpoint", "--force")):
            fails(cli, 2, *args, says=("permissions 0644", "too open", "chmod 600"))
    finally:
        key.chmod(0o600)
    cli.ok("keys", "public")


def test_var_and_its_databases_are_private_whatever_the_umask(sqlite_cli) -> None:
    for args in (("group", "request", G, *REQUEST, "--manager", "m-1", "--manager", "m-2", *MEMBER), ("groups", "--allow-stale")):
        done = subprocess.run([str(Path(sys.executable).parent / "oar-ledger"), *args], env=sqlite_cli.env, cwd=sqlite_cli.cwd, umask=0o022,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
    var = sqlite_cli.cwd / "var"
    assert var.stat().st_mode & 0o777 == 0o700
    files = {p.name: p.stat().st_mode & 0o777 for p in var.iterdir() if ".sqlite" in p.name}
    assert {"ledger.sqlite", "projections.sqlite"} <= set(files)
    assert set(files.values()) == {0o600}, files


def test_an_existing_world_readable_database_is_tightened(sqlite_cli) -> None:
    sqlite_cli.ok("groups")
    projections = Path(sqlite_cli.cwd / "var" / "projections.sqlite")
    projections.chmod(0o644)
    sqlite_cli.ok("groups")
    assert projections.stat().st_mode & 0o777 == 0o600
