"""Which key signs checkpoints, which key verifies them, and the checkpoint origin,
all derived from the settings (the only module here that reads them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from infra.evidence.checkpoint import (
    Checkpoint,
    VerifierKey,
    check_key_name,
    encode_verifier_key,
    parse_verifier_key,
    sign_checkpoint,
)
from infra.evidence.errors import CheckpointFormatError, KeyFileError, MissingSigningKey
from infra.evidence.keys import load_private_key
from infra.settings import Settings

ORIGIN_PREFIX = "oar-ledger.alumni.cern/"
KEYS_INIT_HINT = "run `oar-ledger keys init` to create one"


def signing_key_path(settings: Settings) -> Path:
    return settings.signing_key_path or settings.var_dir / "keys" / "ledger-signing.key"


def checkpoint_origin(settings: Settings) -> str:
    return settings.checkpoint_origin or f"{ORIGIN_PREFIX}{settings.ledger_topic}"


def key_name(settings: Settings) -> str:
    """The signing key's name: the log's origin, as the C2SP checkpoint format recommends."""
    return settings.signing_key_name or checkpoint_origin(settings)


@dataclass(frozen=True)
class Signer:
    """The checkpoint-signing key and its signed-note name."""

    private_key: Ed25519PrivateKey
    name: str

    def sign(self, checkpoint: Checkpoint) -> str:
        return sign_checkpoint(checkpoint, self.private_key, self.name)

    def verifier_key(self) -> str:
        return encode_verifier_key(self.private_key.public_key(), self.name)

    def verifier(self) -> VerifierKey:
        return VerifierKey(self.name, self.private_key.public_key())


def load_signer(settings: Settings) -> Signer:
    """The configured signing key; :class:`MissingSigningKey` if there is no key file."""
    path = signing_key_path(settings)
    check_key_name(key_name(settings))
    if not path.exists():
        raise MissingSigningKey(f"no checkpoint-signing key at {path}: {KEYS_INIT_HINT}")
    return Signer(load_private_key(path), key_name(settings))


def ensure_signing_key(settings: Settings) -> tuple[str, bool]:
    """(verifier key, created): make the signing key if there is none (the demo's embedded
    default); an existing key is kept."""
    from infra.evidence.keys import generate_key

    try:
        return load_signer(settings).verifier_key(), False
    except MissingSigningKey:
        return generate_key(signing_key_path(settings), key_name(settings)), True


def read_verifier_key(text_or_path: str) -> VerifierKey:
    """A verifier key given as the vkey string itself or as a file holding it."""
    candidate = text_or_path.strip()
    if "+" in candidate and "\n" not in candidate:
        try:
            return parse_verifier_key(candidate)
        except CheckpointFormatError:
            if not Path(candidate).is_file():
                raise
    path = Path(candidate)
    try:
        return parse_verifier_key(path.read_text(encoding="utf-8").strip())
    except FileNotFoundError as exc:
        raise KeyFileError(f"{text_or_path!r} is neither a verifier key nor a readable file") from exc
    except OSError as exc:
        raise KeyFileError(f"cannot read verifier key file {path}: {exc}") from exc


def configured_verifier(settings: Settings) -> VerifierKey | None:
    """``settings.verifier_key`` if set, else the public half of the signing key, else None."""
    if settings.verifier_key:
        return read_verifier_key(settings.verifier_key)
    try:
        return load_signer(settings).verifier()
    except MissingSigningKey:
        return None
