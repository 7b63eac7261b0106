"""Logging for every process: one event per line on stderr, as JSON (``OAR_LOG_FORMAT=json``,
the image's default) or as text. Each line carries the invocation's ``command_id`` (and, in the
API, the ``request_id``); credentials in URLs and ``password=``-like pairs are masked before a
line is written, whatever a library put in its message (``infra/redaction.py``: also every
secret of the settings), and control characters are shown as escapes."""

from __future__ import annotations

import logging
import sys
import uuid
from contextvars import ContextVar

from infra.redaction import inert, redact

COMMAND_ID: ContextVar[str | None] = ContextVar("command_id", default=None)
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(command_id)s]: %(message)s"

__all__ = ["COMMAND_ID", "REQUEST_ID", "configure_logging", "new_command_id", "redact"]


class _Context(logging.Filter):
    """Adds the ids of the current command or request, and masks secrets in the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.command_id = COMMAND_ID.get() or "-"
        request_id = REQUEST_ID.get()
        if request_id is not None:
            record.request_id = request_id
        record.msg, record.args = inert(redact(record.getMessage())), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def new_command_id() -> str:
    """A fresh id for this invocation, attached to every line it logs."""
    command_id = uuid.uuid4().hex[:16]
    COMMAND_ID.set(command_id)
    return command_id


def configure_logging(log_format: str = "text", level: str = "INFO") -> None:
    """Replace the root handlers with one stderr handler in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_Context())
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(command_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z", json_ensure_ascii=False,
        ))  # fmt: skip
    else:
        handler.setFormatter(logging.Formatter(_TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("kafka").setLevel(logging.CRITICAL)  # its own retries are noise here
