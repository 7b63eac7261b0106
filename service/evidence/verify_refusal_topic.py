"""The refusals topic against the refusal chain: every sealed refusal published as sealed,
none forged (a message whose hash does not match its content, or the chain's)."""

from __future__ import annotations

import json
from typing import Any

from domain.canonical import record_hash
from infra.store.refusal_chain import chain_links
from service.evidence.findings import Check, VerifyReport
from service.evidence.verify_kafka import read_topic


def verify_refusal_topic(client: dict[str, Any], topic: str, engine: Any, report: VerifyReport) -> None:
    sink, before = report.sink("kafka"), report.found("kafka")
    with engine.connect() as connection:
        links = {link.sequence: link for link in chain_links(connection)}
    seen: set[int] = set()
    try:
        records = list(read_topic(client, topic, idle_timeout=5.0))
    except LookupError:
        records = []
    for record in records:
        where = f"message at offset {record.offset} of {topic}"
        try:
            body = json.loads(record.value)
            sequence, sealed = int(body["sequence"]), body["refusal_hash"]
        except (ValueError, TypeError, KeyError):
            sink(None, f"{where} is not a refusal record")
            continue
        content = {k: v for k, v in body.items() if k != "refusal_hash"}
        link = links.get(sequence)
        if record_hash(content) != sealed or link is None or link.refusal_hash != sealed:
            sink(None, f"{where} is forged or altered: it does not match refusal {sequence} of the chain",
                 refusal=sequence)  # fmt: skip
        seen.add(sequence)
    missing = [s for s, link in links.items() if link.published and s not in seen]
    for sequence in missing[:50]:
        sink(None, f"published to {topic}, yet missing from it", refusal=sequence)
    status = "mismatch" if report.found("kafka") > before else "ok"
    report.checks.append(Check("refusals topic", status, f"{len(records)} message(s) on {topic} compared with "
                               f"the refusal chain ({len(links)} sealed)"))  # fmt: skip
