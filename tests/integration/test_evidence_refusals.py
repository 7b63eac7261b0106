"""Refusals are evidence (issue 12): each refusal is sealed in a hash chain as it is logged,
the chain is checkpointed as a log of its own, and `verify` names a refusal edited, deleted
or inserted behind the ledger's back, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, insert, select, update
from test_evidence_support import demo_ledger, evidence_settings, make_key

from bootstrap import Ledger
from infra.evidence.checkpoint import open_checkpoint
from infra.evidence.checkpoint_store import CheckpointStore, refusal_checkpoints
from infra.store.refusal_chain import chain_links, refusal_chain
from infra.store.refusals import refused_commands
from service.evidence.refusals import refusal_origin
from bootstrap import checkpoint_now
from service.evidence.verifier import VerifySources, verify_ledger
from infra.evidence.signing import checkpoint_origin

pytestmark = pytest.mark.integration


@pytest.fixture
def signed(settings, clock, tmp_path) -> Iterator[tuple[Ledger, object]]:
    settings = evidence_settings(settings, tmp_path)
    key = make_key(settings)
    ledger = demo_ledger(settings, clock)
    assert checkpoint_now(ledger) is not None
    yield ledger, key
    ledger.close()


def refusal_findings(ledger, key) -> list:
    report = verify_ledger(ledger, VerifySources(key=key, kafka=False))
    return [f for f in report.findings if f.source == "refusals"]


def sql(ledger, statement) -> None:
    with ledger.engine.begin() as connection:
        connection.execute(statement)


def links(ledger):
    with ledger.engine.connect() as connection:
        return chain_links(connection)


def test_refusals_are_chained_and_checkpointed(signed):
    ledger, key = signed
    chain = links(ledger)
    assert len(chain) >= 3 and [link.sequence for link in chain] == list(range(1, len(chain) + 1))
    assert all(b.previous_hash == a.refusal_hash for a, b in zip(chain, chain[1:], strict=False))
    latest = CheckpointStore(ledger.engine, refusal_checkpoints).latest()
    opened = open_checkpoint(latest.note, key.public_key, key.name)
    assert (opened.origin, opened.size) == (refusal_origin(checkpoint_origin(ledger.settings)), len(chain))
    assert refusal_findings(ledger, key) == []


def test_an_edited_refusal_is_named(signed):
    ledger, key = signed
    link = links(ledger)[1]
    sql(ledger, update(refused_commands).where(refused_commands.c.id == link.refusal_id).values(message="nothing happened"))
    [finding] = refusal_findings(ledger, key)
    assert finding.refusal == link.sequence and "edited after it was logged" in finding.what
    assert finding.describe().startswith(f"refusal {link.sequence}: [refusals]")


def test_a_deleted_refusal_is_named(signed):
    ledger, key = signed
    link = links(ledger)[0]
    sql(ledger, delete(refused_commands).where(refused_commands.c.id == link.refusal_id))
    [finding] = refusal_findings(ledger, key)
    assert finding.refusal == 1 and "deleted from the refusal log" in finding.what


def test_a_refusal_deleted_with_its_seal_is_named(signed):
    ledger, key = signed
    link = links(ledger)[1]
    sql(ledger, delete(refused_commands).where(refused_commands.c.id == link.refusal_id))
    sql(ledger, delete(refusal_chain).where(refusal_chain.c.sequence == link.sequence))
    finding = refusal_findings(ledger, key)[0]
    assert finding.refusal == link.sequence + 1 and f"refusals {link.sequence}..{link.sequence} are missing" in finding.what


def test_the_last_refusal_deleted_with_its_seal_is_caught_by_the_signed_checkpoint(signed):
    ledger, key = signed
    last = links(ledger)[-1]
    sql(ledger, delete(refused_commands).where(refused_commands.c.id == last.refusal_id))
    sql(ledger, delete(refusal_chain).where(refusal_chain.c.sequence == last.sequence))
    [finding] = refusal_findings(ledger, key)
    assert finding.checkpoint == last.sequence and "(refusals deleted)" in finding.what


def test_a_refusal_inserted_behind_the_ledgers_back_is_named(signed):
    ledger, key = signed
    sql(ledger, insert(refused_commands).values(
        at=datetime(2025, 3, 1, tzinfo=UTC), actor_id="oar-1", actor_role="oar", command="ApproveGroup",
        group_slug="made-up", rule="invented", clause="CERN-AG §11", message="never happened"))  # fmt: skip
    [finding] = refusal_findings(ledger, key)
    assert "not sealed in the refusal chain" in finding.what and "made-up" in finding.what


def test_a_refusal_logged_later_is_sealed_and_the_next_checkpoint_covers_it(signed, clock):
    ledger, key = signed
    before = len(links(ledger))
    from entrypoints.demo.script import DemoRun
    from domain import commands as c
    from domain.actors import Actor

    slug = next(ledger.app.group_slugs())
    run = DemoRun(app=ledger.app, clock=clock, suffix="z")
    assert not run.do(c.ApproveGroup(actor=Actor(id="a-1", role="member"), group=slug, reason="approving myself"))
    assert len(links(ledger)) == before + 1
    checkpoint_now(ledger)
    assert CheckpointStore(ledger.engine, refusal_checkpoints).latest().size == before + 1
    with ledger.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(refused_commands)).scalar() == before + 1
    assert refusal_findings(ledger, key) == []
