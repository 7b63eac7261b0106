"""The demo year through the application, on SQLite and PostgreSQL (wired as in
``entrypoints/cli/demo_command.py``, without the broker): it records events, exercises every
guideline rule of the demo's coverage table, and can run twice on the same database.

The CLI takes the compliance flags from the projections (through Kafka); here they are
computed from the aggregates with the same policy-pack checks (``service.history``).
The full path through the broker is covered by ``tests/e2e/test_cli_demo.py``."""

from __future__ import annotations

import pytest
from test_application_support import position

from domain.canonical import GENESIS_HASH, record_hash
from bootstrap import build_ledger
from entrypoints.cli.demo_command import REVIEW_DATE
from entrypoints.demo.script import DemoRun
from entrypoints.demo.summary import GUIDELINE_RULES, print_summary
from entrypoints.demo.year import run_year
from service.history import compliance_flags

pytestmark = pytest.mark.integration


def play_year(ledger, clock, suffix: str) -> tuple[DemoRun, list[list[object]]]:
    run = DemoRun(app=ledger.app, clock=clock, suffix=suffix)
    run_year(run)
    clock.set(REVIEW_DATE)
    groups = recorded_groups(ledger.app, run)
    flags = [flag for slug in groups for flag in compliance_flags(ledger.app.group(slug), REVIEW_DATE)]
    return run, print_summary(run, REVIEW_DATE, flags)


def recorded_groups(app, run: DemoRun) -> dict[str, list]:
    slugs = set(app.group_slugs())
    return {slug: app.group_events(slug) for slug in run.groups if slug in slugs}


def check_run(ledger, run: DemoRun, rows: list[list[object]], refusals_before: int) -> None:
    app = ledger.app
    # every guideline rule of the coverage table is exercised: accepted, refused or flagged at least once
    assert [row[0] for row in rows] == [token for token, _ in GUIDELINE_RULES]
    unexercised = [row[:2] for row in rows if not any(row[2:])]
    assert unexercised == []

    # one event per accepted command, each chained and sealed
    groups = recorded_groups(app, run)
    accepted = [o for o in run.outcomes if o.accepted]
    assert sum(len(events) for events in groups.values()) == len(accepted)
    for events in groups.values():
        assert events[0].previous_hash == GENESIS_HASH
        for before, after in zip(events, events[1:]):
            assert after.previous_hash == before.event_hash
        assert all(record_hash(e.hash_record()) == e.event_hash for e in events)

    # refusals are part of the story and each cites a clause; rule refusals are logged
    refused = run.refusals
    assert refused and all(o.clause for o in refused)
    logged = [r for _, r in ledger.refusals.since(refusals_before)]
    assert len(logged) == len(refused)
    assert {(r.group_slug, r.command, r.clause) for r in logged} == {(o.group, o.command, o.clause) for o in refused}
    rules = {r.rule for r in logged}
    assert {
        "at-most-three-managers", "no-discriminatory-grounds", "no-weapons-or-tobacco-sponsor",
        "only-oar-terminates", "terminated-group-is-closed", "relevant-event", "fee-at-cost",
        "participants-are-members", "speaker-approved-beforehand",
    } <= rules  # fmt: skip


def test_demo_year_records_and_covers_every_design_rule(ledger, settings, clock, capsys):
    assert position(ledger) == 0
    run, rows = play_year(ledger, clock, "aaaa")
    printed = capsys.readouterr().out
    assert "Guideline rules exercised" in printed and "Refused attempts" in printed
    assert position(ledger) > 50
    check_run(ledger, run, rows, refusals_before=0)
    first_versions = {slug: len(events) for slug, events in recorded_groups(ledger.app, run).items()}

    # A second run (a second process, in real life) on the same database adds new groups.
    second_ledger = build_ledger(settings, clock)
    try:
        refusals_before, before = second_ledger.refusals.last_id(), position(second_ledger)
        again, rows_again = play_year(second_ledger, clock, "bbbb")
        assert position(second_ledger) > before
        assert set(again.groups).isdisjoint(run.groups)
        assert len(again.outcomes) == len(run.outcomes)
        assert [o.accepted for o in again.outcomes] == [o.accepted for o in run.outcomes]
        check_run(second_ledger, again, rows_again, refusals_before)

        slugs = list(second_ledger.app.group_slugs())
        assert set(first_versions) | set(recorded_groups(second_ledger.app, again)) == set(slugs)
        # the first run's groups are untouched
        assert {s: second_ledger.app.group(s).version for s in first_versions} == first_versions
    finally:
        second_ledger.close()
