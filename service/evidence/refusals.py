"""Refusals as evidence: the refusal log's own Merkle tree, signed checkpoints and topic.

Every refusal is sealed in ``refusal_chain`` as it is logged (``infra.store.refusal_chain``).
Here the chain becomes a verifiable log of its own: leaf ``i`` is
``SHA-256(0x00 || bytes of refusal_hash of sequence i+1)``, and its checkpoints are C2SP
notes like the ledger's, with the origin ``<ledger origin>/refusals``, signed by the same
key, stored in ``refusal_checkpoints`` and published on the checkpoint topic. Each sealed
refusal is published on the refusals topic (schema ``CommandRefused.v1``).

The refusal log is small (denied attempts are rare), so its tree is rebuilt from the chain
each time instead of kept incrementally like the ledger's.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from infra.evidence.checkpoint import Checkpoint
from infra.evidence.checkpoint_store import CheckpointStore, StoredCheckpoint, refusal_checkpoints
from infra.evidence.errors import TamperError
from infra.evidence.merkle import MerkleTree, leaf_hash
from infra.evidence.publish import CheckpointPublisher, RefusalPublisher
from infra.evidence.signing import Signer
from infra.store.refusal_chain import ChainLink, chain_links, mark_published, refusal_record
from infra.store.refusals import Refusal, refused_commands

log = logging.getLogger("oar.evidence")
ORIGIN_SUFFIX = "/refusals"


def refusal_origin(ledger_origin: str) -> str:
    return ledger_origin + ORIGIN_SUFFIX


def refusal_tree(links: list[ChainLink]) -> MerkleTree:
    return MerkleTree(leaf_hash(bytes.fromhex(link.refusal_hash)) for link in links)


def refusal_rows(engine: Engine) -> dict[int, Refusal]:
    with engine.connect() as connection:
        rows = connection.execute(select(refused_commands)).mappings().all()
    return {row["id"]: Refusal(**{k: row[k] for k in Refusal.__dataclass_fields__}) for row in rows}


def refusal_message(link: ChainLink, refusal: Refusal) -> bytes:
    """The refusals topic's message value: the hashed record plus its hash."""
    record = refusal_record(link.sequence, link.previous_hash, refusal) | {"refusal_hash": link.refusal_hash}
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class RefusalEvidence:
    """Checkpoints and publishes the refusal log (for ``oar-ledger checkpoint`` and the relay)."""

    def __init__(self, engine: Engine, signer: Signer, ledger_origin: str, *,
                 checkpoints: CheckpointPublisher | None = None, refusals: RefusalPublisher | None = None) -> None:  # fmt: skip
        self.engine, self.signer, self.origin = engine, signer, refusal_origin(ledger_origin)
        self.store = CheckpointStore(engine, refusal_checkpoints)
        self.checkpoint_publisher, self.refusal_publisher = checkpoints, refusals

    def checkpoint(self, now: datetime) -> StoredCheckpoint | None:
        """Sign a checkpoint of the refusal log if it grew; None if nothing new."""
        with self.engine.connect() as connection:
            links = chain_links(connection)
        latest, tree = self.store.latest(), refusal_tree(links)
        made = None
        if tree.size and (latest is None or latest.size < tree.size):
            if latest is not None and tree.root_at(latest.size) != latest.root_hash:
                raise TamperError(f"the refusal chain no longer matches refusal checkpoint {latest.size}: "
                                  "run `oar-ledger verify`")  # fmt: skip
            signed = Checkpoint(self.origin, tree.size, tree.root(), now)
            made = StoredCheckpoint(tree.size, signed.root_hash, signed.time, self.signer.sign(signed))
            made = made if self.store.add(made) else None
        self.publish_pending(links)
        return made

    def publish_pending(self, links: list[ChainLink]) -> None:
        """Unpublished refusals, then unpublished refusal checkpoints; stop at a failure."""
        try:
            if self.refusal_publisher is not None:
                rows = None
                for link in (link for link in links if not link.published):
                    rows = rows if rows is not None else refusal_rows(self.engine)
                    refusal = rows[link.refusal_id]
                    self.refusal_publisher.publish(refusal.group_slug, refusal_message(link, refusal), link.sequence)
                    with self.engine.begin() as connection:
                        mark_published(connection, link.sequence)
            if self.checkpoint_publisher is not None:
                for stored in self.store.unpublished():
                    self.checkpoint_publisher.publish(stored)
                    self.store.mark_published(stored.size)
        except KeyError as missing:
            raise TamperError(f"refusal {missing} is sealed in the chain but gone from the log") from None
        except Exception as problem:  # noqa: BLE001 - the broker may be down: retried next time
            log.warning("refusal evidence not published yet: %s", problem)

    def close(self) -> None:
        for publisher in (self.checkpoint_publisher, self.refusal_publisher):
            if publisher is not None:
                publisher.close()


def refusal_evidence_for(ledger: Any, signer: Signer, origin: str, bootstrap: str | None) -> RefusalEvidence:
    from infra.evidence.publish import publisher_for, refusal_publisher_for

    settings = ledger.settings
    return RefusalEvidence(ledger.engine, signer, origin, checkpoints=publisher_for(settings, bootstrap, refusal_origin(origin)),
                           refusals=refusal_publisher_for(settings, bootstrap))  # fmt: skip


def republish(engine: Engine) -> None:
    """After a broker lost data: every refusal and refusal checkpoint is sent again."""
    from sqlalchemy import update

    from infra.store.refusal_chain import refusal_chain

    with engine.begin() as connection:
        connection.execute(update(refusal_chain).values(published=False))
        connection.execute(update(refusal_checkpoints).values(published=False))
