"""Errors raised by the tamper-evidence primitives."""


class EvidenceError(Exception):
    """Base class for every tamper-evidence failure."""


class ProofError(EvidenceError):
    """An inclusion or consistency proof does not verify."""


class SignatureError(EvidenceError):
    """A signed note carries no valid signature by the expected key."""


class CheckpointFormatError(EvidenceError):
    """A note, checkpoint body or verifier key is malformed."""


class KeyFileError(EvidenceError):
    """A private-key file cannot be written or read."""


class MissingSigningKey(KeyFileError):
    """No private signing key where the settings say: run ``oar-ledger keys init``."""


class TamperError(EvidenceError):
    """The ledger disagrees with its own hashes: refusing to extend or sign over it."""


class NotCovered(EvidenceError):
    """An event or checkpoint that a proof needs is unknown or not checkpointed yet."""
