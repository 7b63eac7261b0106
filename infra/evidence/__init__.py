"""Tamper-evidence primitives: an RFC 6962 / RFC 9162 Merkle log, its proofs and
signed checkpoints (C2SP tlog-checkpoint inside a C2SP signed note).

Everything here is pure: no I/O except the key-file helpers in ``keys``.
"""
