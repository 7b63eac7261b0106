"""The web pages' secret (signs CSRF tokens): 32 random bytes in a file of mode 0600,
created on first use (like the local issuer's key)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from infra.auth.errors import AuthError

SECRET_BYTES = 32


def load_or_create_secret(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: use theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(SECRET_BYTES))
    secret = path.read_bytes()
    if len(secret) < SECRET_BYTES:
        raise AuthError(f"web secret {path} is shorter than {SECRET_BYTES} bytes")
    return secret
