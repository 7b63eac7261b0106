"""Ed25519 checkpoint-signing keys, stored as unencrypted PKCS#8 PEM files of mode 0600."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from infra.evidence.checkpoint import check_key_name, encode_verifier_key
from infra.evidence.errors import KeyFileError

KEY_FILE_MODE = 0o600


def public_verifier_key(private_key: Ed25519PrivateKey, name: str) -> str:
    """The signed-note verifier key (``<name>+<hash>+<base64 key>``) to publish."""
    return encode_verifier_key(private_key.public_key(), name)


def generate_key(path: Path, name: str, *, overwrite: bool = False) -> str:
    """Write a new Ed25519 private key to ``path`` and return its verifier key string.

    The file is created with mode 0600 (parent directories with 0700). An existing file
    is never replaced unless ``overwrite`` is true, and then atomically.
    """
    check_key_name(name)
    path = Path(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if overwrite:
            _replace(path, pem)
        else:
            _create_exclusive(path, pem)
    except FileExistsError as exc:
        message = f"key file {path} already exists; pass overwrite=True to replace it"
        raise KeyFileError(message) from exc
    except OSError as exc:
        raise KeyFileError(f"cannot write key file {path}: {exc}") from exc
    return public_verifier_key(key, name)


def _write(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), KEY_FILE_MODE)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _create_exclusive(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    try:
        _write(fd, data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _replace(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        _write(fd, data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_private(path: Path) -> bytes:
    """The key file's bytes; refused, as ssh does, if group or others may read or write it."""
    with open(path, "rb") as handle:
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
        if mode & 0o077:
            raise KeyFileError(
                f"permissions {mode:04o} of the signing key {path} are too open: it must be accessible "
                f"by its owner only; run `chmod 600 {path}` (and check who may have copied it)"
            )
        return handle.read()


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read an unencrypted PEM Ed25519 private key, raising ``KeyFileError`` otherwise."""
    path = Path(path)
    try:
        data = _read_private(path)
    except FileNotFoundError as exc:
        raise KeyFileError(f"no key file at {path}") from exc
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc}") from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFileError(f"{path} is not an unencrypted PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, expected an Ed25519 key")
    return key
