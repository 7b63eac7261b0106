"""Secrets never leave the process: database URLs and passwords are redacted in every
message the CLI prints and every log record.

``redact`` hides the password of any ``scheme://user:password@host`` URL in a text and
any secret the settings hold (the database passwords, the SASL password), wherever they
appear. ``RedactingFilter`` applies it to log records.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from domain.text import is_control

MASK = "***"
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*):(?P<password>[^@\s/]*)@")
_KEY_VALUE_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<password>'[^']*'|\"[^\"]*\"|\S+)", re.IGNORECASE)

_SECRET_PAIR = re.compile(
    r"(?i)\b(password|passwd|secret|token|sasl_plain_password)(['\"]?\s*[=:]\s*['\"]?)[^\s,'\"}]+"
)
"""``token=…``, ``{'password': '…'}``, ``sasl_plain_password='…'`` (a library's config in a message)."""

_known_secrets: set[str] = set()


def remember_secrets(secrets: Iterable[str | None]) -> None:
    """Secrets to hide wherever they appear (passwords of the configured URLs, ...)."""
    _known_secrets.update(s for s in secrets if s and len(s) >= 3)


def redact(text: str) -> str:
    """``text`` without passwords: URL passwords, ``password=...`` pairs, known secrets."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}:{MASK}@", text)
    text = _KEY_VALUE_PASSWORD.sub(lambda m: f"{m['head']}{MASK}", text)
    text = _SECRET_PAIR.sub(rf"\1\2{MASK}", text)
    for secret in sorted(_known_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def redact_url(url: str | None) -> str:
    """A database URL fit to print (``postgresql://oar:***@db:5432/oar``)."""
    return "" if url is None else redact(url)


def remember_url(url: str | None) -> None:
    """Remember the password of a URL as a secret (as written, and percent-decoded)."""
    match = _URL_PASSWORD.search(url or "")
    if match is not None and match["password"]:
        from urllib.parse import unquote

        remember_secrets([match["password"], unquote(match["password"])])


def inert(text: str) -> str:
    """Control characters (but line breaks) as ``\\uNNNN``: a log line cannot drive a terminal."""
    return "".join(f"\\u{ord(c):04x}" if is_control(c, allow_newline=True) else c for c in text)


class RedactingFilter(logging.Filter):
    """Redacts the formatted message of every record passing through a handler, and shows
    its control characters as escapes (stored text may reach a log line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = inert(redact(message))
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_log_redaction() -> None:
    """Add the filter to every handler of the root logger (call after logging is set up)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
