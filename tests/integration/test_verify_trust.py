"""``verify`` is not a pass without a trusted key, and it checks every read-model row
(issue 15, items 4 and 5).

* A forged checkpoint note, with the signing key file absent (as an auditor with read
  access has it): before, "signatures NOT checked ... verified", exit 0; now exit 8
  "UNVERIFIED", and exit 7 with the real verifier key.
* An edit or a deletion in any read-model table: before, only the audit trail's position,
  id and hash were compared; now every row is compared with a fold of the stored events.
"""

from __future__ import annotations

import base64
import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer, delete, select, text, update
from test_evidence_cli import run, seed
from test_evidence_support import Tamper
from test_projector_policy import lse, s9
from test_projector_support import create_topics, on_topic, project
from test_relay_support import open_ledger, play_demo_year

from bootstrap import build_projection_engine, build_relay, checkpoint_now
from entrypoints.cli.errors import ExitCode
from entrypoints.demo.script import DemoRun
from infra.db import make_engine
from projections.tables import STATE_TABLES, audit_trail, memberships
from service.evidence.audit_trail import ProjectionAuditTrail
from service.evidence.verifier import VerifySources, verify_ledger

pytestmark = pytest.mark.integration


def test_verify_without_a_trusted_key_is_not_a_pass(tmp_path: Path):
    var = tmp_path / "ledger" / "var"
    seed(var, "x")
    cwd = var.parent
    vkey = run(cwd, "keys", "init", var_dir=var).stdout.strip()
    assert run(cwd, "checkpoint", var_dir=var).returncode == 0
    (var / "keys" / "ledger-signing.key").unlink()  # the auditor has no signing key
    engine = make_engine(f"sqlite:///{var / 'ledger.sqlite'}")
    with engine.begin() as connection:  # a checkpoint note whose signature is not the key's
        note = connection.execute(text("SELECT note FROM checkpoints")).scalar_one()
        head, _, _ = note.partition("\n\n")
        forged = base64.b64encode(bytes(68)).decode()  # well-formed (key id + Ed25519 signature), not the key's
        connection.execute(text("UPDATE checkpoints SET note = :n"), {"n": head + f"\n\n— oar-ledger {forged}\n"})
        connection.execute(text("DELETE FROM verifier_keys"))  # the forger drops the key set (or brings their own)
        connection.execute(text("DELETE FROM key_set_notes"))
    engine.dispose()

    unverified = run(cwd, "verify", "--no-kafka", var_dir=var)
    assert unverified.returncode == ExitCode.UNVERIFIED == 8, (unverified.stdout, unverified.stderr)
    assert "UNVERIFIED checkpoints" in unverified.stdout and "NOT verified" in unverified.stdout
    assert "verified: no disagreement found" not in unverified.stdout
    assert "UNVERIFIED" in unverified.stderr and "--key" in unverified.stderr
    report = json.loads(run(cwd, "verify", "--no-kafka", "--json", var_dir=var).stdout)
    assert report["verified"] is False and report["ok"] is True

    keyed = run(cwd, "verify", "--no-kafka", "--key", vkey, var_dir=var)
    assert keyed.returncode == ExitCode.INTEGRITY, (keyed.stdout, keyed.stderr)
    assert "checkpoint 78" in keyed.stderr


@pytest.fixture(scope="module")
def projected(tmp_path_factory, dev_broker):
    """A signed SQLite ledger holding two demo years, published and projected (the clean
    projection file is copied by each test before it tampers with it)."""
    from datetime import UTC, datetime

    from infra.clock import SimulatedClock
    from infra.settings import Settings
    from test_evidence_support import make_key

    root = tmp_path_factory.mktemp("verify-read-models")
    clock = SimulatedClock(datetime(2025, 1, 6, 9, tzinfo=UTC))
    settings = on_topic(Settings(var_dir=root / "var", _env_file=None), f"test.verify.{root.name}")
    create_topics(settings, dev_broker.bootstrap_servers)
    key = make_key(settings)
    with open_ledger(settings, clock) as ledger:
        play_demo_year(ledger, clock, "rm1")
        play_demo_year(ledger, clock, "rm2")
        issue16 = DemoRun(app=ledger.app, clock=clock, suffix="rm3")  # rows in the §9 and LSE tables too
        s9(issue16)
        lse(issue16)
        issue16.play()
        checkpoint_now(ledger)
        build_relay(ledger, dev_broker.bootstrap_servers).drain()
    engine = build_projection_engine(settings)
    project(settings, engine, dev_broker.bootstrap_servers)
    engine.dispose()
    return settings, clock, key


def check(projected, tmp_path: Path, tamper) -> list:
    """Copy the clean projection, tamper with it, verify; the read-model findings."""
    settings, clock, key = projected
    copy = tmp_path / "projections.sqlite"
    shutil.copy(settings.var_dir / "projections.sqlite", copy)
    engine = make_engine(f"sqlite:///{copy}")
    try:
        with engine.begin() as connection:
            tamper(connection)
        with open_ledger(settings, clock) as ledger:
            report = verify_ledger(ledger, VerifySources(key=key, kafka=False, audit_trail=ProjectionAuditTrail(engine),
                                                         read_models=engine))  # fmt: skip
    finally:
        engine.dispose()
    return report


def test_a_clean_projection_verifies_row_by_row(projected, tmp_path):
    report = check(projected, tmp_path, lambda connection: None)
    assert report.verified, [f.describe() for f in report.findings]
    assert "read models" in [c.name for c in report.checks if c.status == "ok"]


def changed(column, value):
    """Another value of the same type."""
    if isinstance(column.type, Boolean):
        return not value
    if isinstance(column.type, Integer):
        return (value or 0) + 1
    if isinstance(column.type, (DateTime, Date)) or hasattr(value, "year"):
        return value + timedelta(days=1)
    if isinstance(value, (list, dict)):
        return ["tampered"]
    return "tampered"


@pytest.mark.parametrize("table", STATE_TABLES, ids=[t.name for t in STATE_TABLES])
@pytest.mark.parametrize("how", ["edited", "deleted"])
def test_a_tampered_row_of_every_read_model_table_is_caught(projected, tmp_path, table, how):
    keys = [c for c in table.primary_key.columns]
    column = next(c for c in table.columns if not c.primary_key and not c.unique
                  and c.name not in ("group_id",))  # fmt: skip
    if table is audit_trail:
        column = audit_trail.c.actor_id  # the issue's reproduction
    if table is memberships and how == "edited":
        column = memberships.c.decided_by

    def tamper(connection):
        row = connection.execute(select(table).order_by(*keys)).mappings().first()
        assert row is not None, f"the demo years leave {table.name} empty"
        match = [c == row[c.name] for c in keys]
        if how == "deleted":
            connection.execute(delete(table).where(*match))
        else:
            connection.execute(update(table).where(*match).values({column.name: changed(column, row[column.name])}))

    report = check(projected, tmp_path, tamper)
    found = [f for f in report.findings if f.source == "read models"]
    assert not report.ok and found, [f.describe() for f in report.findings]
    assert any(f"read model {table.name} row" in f.what for f in found), [f.what for f in found]


def test_an_event_that_no_longer_folds_is_a_finding_not_a_crash(projected, tmp_path):
    """A stored event altered so that it no longer validates: the store check reports it,
    and the fold reports it too, skipping the rest of its group, instead of raising."""
    settings, clock, key = projected
    var = tmp_path / "var"
    shutil.copytree(settings.var_dir, var)
    copy = settings.model_copy(update={"var_dir": var})
    with open_ledger(copy, clock) as ledger:
        tamper = Tamper(ledger)
        position = tamper.positions()[5]
        tamper.alter(position, actor_role="emperor")
        engine = make_engine(copy.projection_url)
        try:
            report = verify_ledger(ledger, VerifySources(key=key, kafka=False, audit_trail=ProjectionAuditTrail(engine),
                                                         read_models=engine))  # fmt: skip
        finally:
            engine.dispose()
    assert report.first().position == position and report.first().source == "store"
    assert any(f.source == "read models" and f.position == position and "cannot fold" in f.what
               for f in report.findings), [f.describe() for f in report.findings]  # fmt: skip
