#!/usr/bin/env python3
"""Check an OAR ledger evidence bundle with nothing but Python (3.9+) and `cryptography`:
    python check_bundle.py BUNDLE.json --key 'oar-ledger.alumni.cern/oar.ledger.v1+1a2b3c4d+AW...'
Exit 0 and what the event says (who, what, when, clause) if the bundle proves it; 7 and the
reason if not; 2 on a usage error. Format: the OAR ledger README, "Evidence bundle".
Self-contained on purpose (RFC 9162 proofs, C2SP notes written out): every step readable."""

import argparse
import base64
import hashlib
import json
import sys
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

BUNDLE = "oar-ledger-evidence-bundle/v1"
EVENT_ID_NAMESPACE = uuid.UUID("6f1c3f9e-8a53-4c59-9a7e-0d5e1f4b7a21")
TYPE_PREFIX = "ch.cern.alumni.ledger."


class Invalid(Exception):
    """The bundle does not prove what it claims; the message says why."""

def canonical(record):  # sorted keys, no white space, UTF-8
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


sha256 = lambda data: hashlib.sha256(data).digest()  # noqa: E731
node = lambda left, right: sha256(b"\x01" + left + right)  # noqa: E731 - RFC 9162 interior node


def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if not 0 <= index < size:
        raise Invalid(f"leaf index {index} is outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise Invalid("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or r != root:
        raise Invalid("inclusion proof does not lead to the checkpoint's root")


def verify_consistency(size1, size2, proof, root1, root2):
    """RFC 9162 section 2.1.4.2; any tree is consistent with the empty tree."""
    if size2 < size1:
        raise Invalid(f"newest checkpoint ({size2}) is smaller than the proving one ({size1})")
    if size1 == 0:  # any tree is consistent with the empty tree
        if proof or root1 != sha256(b""):
            raise Invalid("a proof from the empty tree is empty and starts from the empty tree's root")
        return
    if size1 == size2:
        if proof or root1 != root2:
            raise Invalid("equal sizes need an empty proof and equal roots")
        return
    if not proof:
        raise Invalid("empty consistency proof")
    path = ([root1] if size1 & (size1 - 1) == 0 else []) + list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Invalid("consistency proof too long")
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != root1 or sr != root2:
        raise Invalid("the newest checkpoint does not extend the one the event is included in")


def parse_vkey(text):
    """C2SP signed-note verifier key ``<name>+<hex key id>+<base64(0x01 || Ed25519 key)>``."""
    name, key_id, data = text.strip().split("+", 2)
    raw = base64.b64decode(data, validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise Invalid(f"verifier key {name!r} is not an Ed25519 key")
    if sha256(name.encode() + b"\n" + raw)[:4].hex() != key_id:
        raise Invalid(f"verifier key {name!r}: its key id does not match its key")
    return name, bytes.fromhex(key_id), Ed25519PublicKey.from_public_bytes(raw[1:])


def open_note(note, keys, what):
    """Verify a C2SP checkpoint note signed by one of ``keys``; return its fields."""
    body, sep, signatures = note.partition("\n\n")
    if not sep or not note.endswith("\n"):
        raise Invalid(f"{what} is not a signed note")
    body += "\n"
    signer = None
    for line in signatures[:-1].split("\n"):
        if not line.startswith("\u2014 "):
            raise Invalid(f"{what}: malformed signature line")
        name, _, blob = line[2:].partition(" ")
        blob = base64.b64decode(blob, validate=True)
        for key_name, key_id, public in keys:
            if (key_name, key_id) == (name, blob[:4]):
                try:
                    public.verify(blob[4:], body.encode())
                except InvalidSignature:
                    raise Invalid(f"{what}: the signature by {name} does not verify (altered)") from None
                signer = signer or f"{name}+{key_id.hex()}"
    if signer is None:
        raise Invalid(f"{what} carries no signature by a trusted key")
    origin, size, root, *extensions = body[:-1].split("\n")
    times = [e[5:] for e in extensions if e.startswith("time ")]
    return {"origin": origin, "size": int(size), "root": base64.b64decode(root, validate=True),
            "time": times[0] if times else "?", "signer": signer}


def witness_cosigned(note, vkey):
    """Whether ``note`` carries a valid C2SP cosignature/v1 by witness ``vkey`` (type 0x04)."""
    name, key_id, data = vkey.strip().split("+", 2)
    raw = base64.b64decode(data, validate=True)
    if len(raw) != 33 or raw[0] != 4 or sha256(name.encode() + b"\n" + raw)[:4].hex() != key_id:
        raise Invalid(f"witness key {name!r} is not a cosignature/v1 Ed25519 key")
    body = note[: note.index("\n\n") + 1]
    for line in note[len(body) + 1:].splitlines():
        signer, _, blob = line[2:].partition(" ")
        blob = base64.b64decode(blob, validate=True)
        if signer == name and len(blob) == 76 and blob[:4].hex() == key_id:
            message = b"cosignature/v1\ntime %d\n" % int.from_bytes(blob[4:12], "big") + body.encode()
            try:
                Ed25519PublicKey.from_public_bytes(raw[1:]).verify(blob[12:], message)
                return True
            except InvalidSignature:
                raise Invalid(f"the cosignature by witness {name} does not verify (altered)") from None
    return False


def check_event(bundle):
    """The event's content, hash, id, message headers and leaf all agree; return its body."""
    message, leaf = bundle["message"], bundle["leaf"]
    body, headers, kind = json.loads(message["value"]), message["headers"], bundle["event_type"]
    record = {**{k: v for k, v in body.items() if k != "event_hash"}, "type": kind}
    if canonical(record) != bundle["canonical"].encode():
        raise Invalid("the canonical record is not that of the event's content")
    if sha256(canonical(record)).hex() != body["event_hash"]:
        raise Invalid("the event's content does not hash to its event_hash (altered)")
    event_id = str(uuid.uuid5(EVENT_ID_NAMESPACE, f"{body['originator_id']}/{body['originator_version']}"))
    if event_id != bundle["event_id"]:
        raise Invalid(f"event id {bundle['event_id']} is not that of the event ({event_id})")
    expected = {"ce_id": event_id, "ce_subject": body["originator_id"], "ce_type": TYPE_PREFIX + kind,
                "ce_time": body["timestamp"], "ledger_event_hash": body["event_hash"],
                "ledger_previous_hash": body["previous_hash"], "ledger_position": str(leaf["data"]["position"])}
    differ = sorted(k for k, v in expected.items() if headers.get(k) != v)
    if differ or message["key"] != body["originator_id"]:
        raise Invalid(f"the message's key or headers disagree with the event: {', '.join(differ) or 'key'}")
    data = {"position": leaf["data"]["position"], "group_id": body["originator_id"],
            "version": body["originator_version"], "type": kind, "event_hash": body["event_hash"]}
    if leaf["data"] != data or type(data["position"]) is not int:
        raise Invalid("the leaf record is not that of the event")
    if sha256(b"\x00" + canonical(data)).hex() != leaf["hash"]:
        raise Invalid("the leaf hash is not the hash of the leaf record")
    return body


def check(bundle, trusted, origin=None, witnesses=(), required=0):
    """Everything the bundle claims, checked; returns the facts to print."""
    if bundle.get("format") != BUNDLE:
        raise Invalid(f"not an evidence bundle (format {str(bundle.get('format'))[:60]!r})")
    keys = [parse_vkey(k) for k in (trusted or bundle["verifier_keys"])]
    body = check_event(bundle)
    inclusion, consistency, leaf = bundle["inclusion"], bundle["consistency"], bundle["leaf"]
    signed = open_note(inclusion["checkpoint"], keys, "the checkpoint")
    newest = open_note(consistency["checkpoint"], keys, "the newest checkpoint")
    if (signed["size"], newest["size"]) != (inclusion["tree_size"], consistency["tree_size"]):
        raise Invalid("a checkpoint of one size is presented as another size")
    if origin is not None and signed["origin"] != origin or signed["origin"] != newest["origin"]:
        raise Invalid(f"checkpoint origin {signed['origin']!r} is not the expected log")
    verify_inclusion(bytes.fromhex(leaf["hash"]), leaf["index"], signed["size"],
                     [bytes.fromhex(h) for h in inclusion["proof"]], signed["root"])
    verify_consistency(signed["size"], newest["size"], [bytes.fromhex(h) for h in consistency["proof"]],
                       signed["root"], newest["root"])
    cosigned = sum(witness_cosigned(consistency["checkpoint"], w) for w in witnesses)
    if cosigned < required:
        raise Invalid(f"the newest checkpoint carries {cosigned} of the {required} witness cosignature(s) required")
    newest["witnesses"] = cosigned
    return body, signed, newest


def shown(value):
    """Text from the bundle, printable: control characters escaped, bounded."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= 300 else text[:300] + "..."


def summary(bundle, body, signed, newest, trusted):
    common = {"originator_id", "originator_version", "timestamp", "actor_id", "actor_role", "clause", "reason",
              "previous_hash", "event_hash"}
    about = {k: v for k, v in body.items() if k not in common}
    keys = "given with --key" if trusted else "taken from the bundle: compare them with a key you trust, or pass --key"
    return [
        f"valid: event {bundle['event_id']} is recorded in {shown(signed['origin'])} and unchanged since",
        f"  what:    {shown(bundle['event_type'])} (group {shown(body['originator_id'])}, version "
        f"{body['originator_version']}, ledger position {bundle['leaf']['data']['position']})",
        f"  who:     {shown(body['actor_id'])} as {shown(body['actor_role'])}",
        f"  when:    {shown(body['timestamp'])}",
        f"  clause:  {shown(body['clause'])}",
        f"  reason:  {shown(body.get('reason') or '-')}",
        f"  details: {shown(about)}",
        f"  proof:   leaf {bundle['leaf']['index']} of checkpoint {signed['size']} ({shown(signed['time'])}, "
        f"signed by {shown(signed['signer'])}), consistent with the newest checkpoint {newest['size']} "
        f"({shown(newest['time'])}), cosigned by {newest['witnesses']} trusted witness(es)",
        f"  keys:    {keys}",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check an OAR ledger evidence bundle.")
    parser.add_argument("bundle", help="the bundle file (JSON)")
    parser.add_argument("--key", action="append", default=[], help="a trusted verifier key (repeatable)")
    parser.add_argument("--origin", help="require this log origin")
    parser.add_argument("--witness", action="append", default=[], help="a trusted witness key (repeatable)")
    parser.add_argument("--witnesses", type=int, default=0, help="require this many witness cosignatures")
    args = parser.parse_args(argv)
    try:
        with open(args.bundle, "rb") as stream:
            bundle = json.loads(stream.read().decode("utf-8"))
        if not isinstance(bundle, dict):
            raise Invalid("a bundle is a JSON object")
        lines = summary(bundle, *check(bundle, args.key, args.origin, args.witness, args.witnesses), args.key)
    except OSError as problem:
        print(f"cannot read {args.bundle}: {problem.strerror}", file=sys.stderr)
        return 2
    except (Invalid, KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as problem:
        reason = str(problem) if isinstance(problem, Invalid) else f"malformed bundle ({type(problem).__name__}: {problem})"
        print(f"INVALID: {shown(reason)}", file=sys.stderr)
        return 7
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
