"""The evidence bundle: one self-contained JSON file proving that one decision was recorded,
when, by whom, under which clause, and has not been changed since.

Format ``oar-ledger-evidence-bundle/v1`` (specified in the README, section "Evidence
bundle"; checked by the standalone ``tools/check_bundle.py``, which needs only Python and
``cryptography``)::

    {"format": "oar-ledger-evidence-bundle/v1",
     "event_id": "<uuid5 of group id/version>",
     "message": {"key": "<group id>", "headers": {"ce_id": ..., "ledger_position": ...},
                 "value": "<the Kafka message body, exactly the text the relay publishes>"},
     "event_type": "<Name>.v<N>",
     "canonical": "<canonical hash record: body minus event_hash plus type, sorted keys>",
     "leaf": {"index": i, "data": {position, group_id, version, type, event_hash}, "hash": hex},
     "inclusion": {"tree_size": n, "proof": [hex...], "checkpoint": "<signed note of size n>"},
     "consistency": {"tree_size": m, "proof": [hex...], "checkpoint": "<newest signed note>"},
     "verifier_keys": ["<C2SP vkey>", ...]}
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from infra.evidence.checkpoint import VerifierKey, encode_verifier_key
from infra.evidence.errors import NotCovered, TamperError
from infra.evidence.key_set import KeySet
from infra.evidence.records import from_notification
from infra.kafka.envelope import encode_stored
from service.evidence.proofs import Prover

BUNDLE = "oar-ledger-evidence-bundle/v1"


def published_message(recorder: Any, position: int) -> tuple[Any, dict[str, Any]]:
    """(stored record, message) of the event at ``position``, built as the relay builds it."""
    found = recorder.select_notifications(position, 1)
    if not found or found[0].id != position:
        raise TamperError(f"the Merkle leaf names position {position}, which the store no longer holds")
    notification = found[0]
    record = from_notification(notification)
    name = record.type_name.rpartition(".v")[0]  # encode_stored takes the version from the stored state
    key, value, headers = encode_stored(name, notification.originator_id, notification.originator_version,
                                        notification.state, position)  # fmt: skip
    message = {"key": key.decode(), "headers": {k: v.decode() for k, v in headers}, "value": value.decode("utf-8")}
    return record, message


def build_bundle(recorder: Any, engine: Engine, event_id: str, verifier_keys: list[str],
                 at_size: int | None = None) -> dict[str, Any]:  # fmt: skip
    """The bundle for ``event_id``: included in checkpoint ``at_size`` (default: the newest),
    and that checkpoint proven consistent with the newest one."""
    prover = Prover(engine)
    inclusion = prover.inclusion(event_id, at_size)
    newest = prover.checkpoint()
    record, message = published_message(recorder, inclusion["position"])
    if record.event_hash != inclusion["leaf_data"]["event_hash"] or record.recomputed_hash() != record.event_hash:
        raise TamperError(f"event {event_id} in the store no longer matches its Merkle leaf: run `oar-ledger verify`")
    if not verifier_keys:
        raise NotCovered("no verifier key to put in the bundle: run `oar-ledger keys init`")
    size = inclusion["tree_size"]
    consistency = prover.consistency(size, newest.size)["proof"] if newest.size != size else []
    return {
        "format": BUNDLE, "event_id": inclusion["event_id"], "message": message, "event_type": record.type_name,
        "canonical": record.hash_bytes().decode("utf-8"),
        "leaf": {"index": inclusion["leaf_index"], "data": inclusion["leaf_data"], "hash": inclusion["leaf_hash"]},
        "inclusion": {"tree_size": size, "proof": inclusion["proof"], "checkpoint": inclusion["checkpoint"]},
        "consistency": {"tree_size": newest.size, "proof": consistency, "checkpoint": newest.note},
        "verifier_keys": list(verifier_keys),
    }  # fmt: skip


def bundle_keys(engine: Engine, configured: VerifierKey | None) -> list[str]:
    """The verifier keys a bundle carries: every key of the key set (after rotations), else the
    configured verifier key; empty when there is none."""
    keys = [entry.vkey for entry in KeySet(engine).entries()]
    if not keys and configured is not None:
        keys = [encode_verifier_key(configured.public_key, configured.name)]
    return keys


def evidence_bundle(ledger: Any, event_id: str, configured: VerifierKey | None,
                    at_size: int | None = None) -> dict[str, Any]:  # fmt: skip
    """The bundle for ``event_id`` of ``ledger`` (a ``bootstrap.Ledger``), with its keys."""
    keys = bundle_keys(ledger.engine, configured)
    return build_bundle(ledger.app.recorder, ledger.engine, event_id, keys, at_size)
