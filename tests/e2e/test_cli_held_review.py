"""Issue 16 through the real ``oar-ledger`` command: the §9 screen's three outcomes and the
OAR's review, §19 deactivation grounds, and the LSE plan and alumni-data commands.
Every failure: its exit code, a message naming the rule and clause (or the field), nothing written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.e2e

CRITERION = "was a member of the CMS collaboration"
OAR = ("--actor", "oar-1", "--role", "oar")
M1 = ("--actor", "m-1", "--role", "manager")


def as_member(person: str) -> tuple[str, ...]:
    return ("--actor", person, "--role", "member")


def request(cli, slug: str, *extra: str, visibility: str = "private", managers=("m-1", "m-2")) -> None:
    criteria = ("--criterion", CRITERION) if visibility == "private" else ()
    cli.ok("group", "request", slug, "--name", slug.upper(), "--type", "scientific-collaboration", "--managed-by",
           "alumni", "--visibility", visibility, "--objectives", "Connect alumni of the CMS collaboration",
           *[x for m in managers for x in ("--manager", m)], *criteria, *extra, *as_member("m-1"))  # fmt: skip
    cli.ok("group", "approve", slug, "--reason", "objectives are clear", *OAR)


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, new_sqlite_cli):
    return new_sqlite_cli(tmp_path_factory.mktemp("policy"))


def fails(cli, args: tuple[str, ...], code: int, *says: str) -> str:
    """Run a command that must fail; each test then checks its group's history holds only
    the accepted events (nothing written by a failure)."""
    done = cli(*args)
    assert done.returncode == code, f"{done.returncode}:\n{done.stdout}\n{done.stderr}"
    for fragment in says:
        assert fragment in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "seeds/" not in done.stderr and "recorded" not in done.stdout
    return done.stderr


def reject(group: str, person: str, reason: str) -> tuple[str, ...]:
    return ("member", "reject", group, person, "--criterion", CRITERION, "--reason", reason, *M1)


def test_s9_refused_recorded_or_held_then_reviewed_by_the_oar(cli):
    request(cli, "cms")
    for person in ("a-1", "a-2"):
        cli.ok("member", "request", "cms", *as_member(person))
    fails(cli, reject("cms", "a-1", "we do not want Frenchmen"), 3, "no-discriminatory-grounds", "CERN-AG §9",
          "nationality ('frenchmen')")  # fmt: skip
    assert "recorded MembershipRejectionHeld.v2" in cli.ok(*reject("cms", "a-1", "the applicant is Italian")).stdout
    fails(cli, ("review", "uphold", "cms", "a-1", "--reason", "I uphold my own", *M1), 3,
          "only-oar-reviews-held-rejections", "§9")  # fmt: skip
    fails(cli, ("member", "approve", "cms", "a-1", "--criterion", CRITERION, "--reason", "fine", *M1), 3,
          "decide-pending-requests-only", "held for the OAR's review")  # fmt: skip
    overturned = cli.ok("review", "overturn", "cms", "a-1", "--reason", "nationality is no ground", *OAR)
    assert "recorded MembershipRejectionOverturned.v2" in overturned.stdout
    recorded = cli.ok(*reject("cms", "a-1", "did not attend the orientation session"))
    assert "recorded MembershipRejected.v2" in recorded.stdout
    cli.ok(*reject("cms", "a-2", "she is retired"))
    upheld = cli.ok("review", "uphold", "cms", "a-2", "--reason", "no CMS record; retirement irrelevant", *OAR)
    assert "recorded MembershipRejectionUpheld.v2" in upheld.stdout
    history = cli.history("cms")
    assert [row["action"] for row in history[4:]] == [
        "MembershipRejectionHeld", "MembershipRejectionOverturned", "MembershipRejected",
        "MembershipRejectionHeld", "MembershipRejectionUpheld"]  # fmt: skip
    held = history[4]
    assert (held["actor"], held["reason"], held["details"]["grounds"]) == ("m-1", "the applicant is Italian",
                                                                          ["nationality"])  # fmt: skip
    assert (history[5]["actor"], history[5]["reason"]) == ("oar-1", "nationality is no ground")


def test_s19_deactivation_grounds_and_the_cern_pack_refuses_lse_commands(cli):
    request(cli, "quiet", visibility="public")
    base = ("group", "deactivate", "quiet", "--reason", "no activity", *OAR)
    fails(cli, base, 3, "deactivation-grounds", "CERN-AG §19", "0 days ago")
    fails(cli, (*base, "--ground", "other"), 2, "other_clause")
    fails(cli, (*base, "--ground", "other", "--clause", "§45"), 3, "deactivation-grounds", "§45")
    fails(cli, ("group", "share-plan", "quiet", "--year", "2030", "--summary", "talks", *M1), 3,
          "command-not-governed", "Guidelines for CERN Alumni Group Managers")  # fmt: skip
    cli.ok(*base, "--ground", "other", "--clause", "§12")
    history = cli.history("quiet")
    assert [row["action"] for row in history] == ["GroupRequested", "GroupApproved", "GroupDeactivated"]
    assert history[-1]["clause"] == "CERN-AG §19, other ground §12"


def test_lse_plans_and_alumni_data_reports(cli):
    request(cli, "lse-nyc", "--policy", "lse", visibility="public", managers=("m-1",))
    year = str(datetime.now(UTC).year)
    shared = cli.ok("group", "share-plan", "lse-nyc", "--year", year, "--summary", "four talks", *M1)
    assert "recorded ActivityPlanShared.v2" in shared.stdout
    fails(cli, ("group", "share-plan", "lse-nyc", "--year", "2001", "--summary", "old", *M1), 3,
          "plan-for-this-or-next-year", "LSE-AG 'Alumni groups' ¶1")  # fmt: skip
    report = ("group", "report-alumni-data", "lse-nyc", "--description", "a list of members", "--reason", "seen",
              *as_member("a-1"))  # fmt: skip
    cli.ok(*report[:3], "--kind", "mailing-list", *report[3:])
    fails(cli, (*report[:3], "--kind", "spreadsheet", *report[3:]), 2, "--kind")
    history = cli.history("lse-nyc")
    assert [(row["action"], row["clause"]) for row in history[2:]] == [
        ("ActivityPlanShared", "LSE-AG 'Alumni groups' ¶1"), ("AlumniDataReported", "LSE-AG 'Alumni groups' ¶2")]
