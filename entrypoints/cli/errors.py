"""The one place where errors become exit codes and messages on stderr.

0 ok, 1 internal error (a bug), 2 usage, validation or configuration, 3 refused by a rule,
4 not found, 5 conflict, 6 unavailable (Kafka broker or database), 7 integrity (data lost
or altered); ``verify`` adds 8 (unverified: no trusted key checked the checkpoint
signatures). Every message is redacted (no password or database URL secret) before it is
shown; no input or environment produces a traceback (``OAR_DEBUG=1`` shows the one of an
internal error).
"""

from __future__ import annotations

from enum import IntEnum

from pydantic import ValidationError

from domain.errors import AlreadyRecorded, NotFound, RuleViolation

MAX_PROBLEMS_SHOWN = 10


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    REFUSED = 3
    NOT_FOUND = 4
    CONFLICT = 5
    UNAVAILABLE = 6
    INTEGRITY = 7
    UNVERIFIED = 8


class CliError(Exception):
    """A CLI-level problem (bad option value, missing input) with its exit code."""

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.code = code


def describe_validation(error: ValidationError) -> str:
    problems = error.errors()
    lines = []
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        field = ".".join(str(part) for part in problem["loc"]) or "input"
        lines.append(f"invalid {field.replace('_', '-')}: {problem['msg']}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more problem(s)")
    return "\n".join(lines)


def translate(error: Exception) -> tuple[ExitCode, str]:
    """(exit code, redacted message) for any error; ``ExitCode.INTERNAL`` for a bug."""
    from infra.redaction import redact

    found = _domain_or_cli(error) or _operational(error)
    if found is None:
        found = ExitCode.INTERNAL, f"internal error (a bug, please report it): {type(error).__name__}: {error}"
    code, message = found
    return code, redact(message)


def _domain_or_cli(error: Exception) -> tuple[ExitCode, str] | None:
    # Imported here: a command that never touched Kafka or the event store does not load them.
    from bootstrap.policy import PolicyPackSettingError
    from infra.auth.errors import InvalidToken
    from infra.backup import BackupError
    from infra.db import DatabaseUrlError
    from infra.kafka.relay_lock import RelayBusy
    from infra.migrations.schema import SchemaOutOfDate
    from service.access import AccessDenied
    from service.errors import ConflictError

    if isinstance(error, ValidationError):
        return ExitCode.USAGE, describe_validation(error)
    if isinstance(error, CliError):
        return error.code, str(error)
    if isinstance(error, InvalidToken):
        return ExitCode.REFUSED, f"refused: invalid token ({error.reason}); nothing written"
    if isinstance(error, AccessDenied):
        return ExitCode.REFUSED, f"refused: {error.message}\n  rule: {error.rule} (OAR governance rule)"
    if isinstance(error, RuleViolation):
        return ExitCode.REFUSED, f"refused: {error.message}\n  rule: {error.rule} ({error.clause})"
    if isinstance(error, NotFound):
        return ExitCode.NOT_FOUND, f"not found: {error}"
    if isinstance(error, (ConflictError, AlreadyRecorded, RelayBusy)):
        return ExitCode.CONFLICT, f"conflict: {error}"
    if isinstance(error, BackupError):
        return ExitCode.USAGE, f"backup: {error}"
    if isinstance(error, (DatabaseUrlError, SchemaOutOfDate, PolicyPackSettingError)):
        return ExitCode.USAGE, str(error)
    return None


def _operational(error: Exception) -> tuple[ExitCode, str] | None:
    from consumers.failures import ProjectorStopped
    from service.relay import BrokerDataLoss, MessageRefused, RelayError

    if isinstance(error, BrokerDataLoss):
        return ExitCode.INTEGRITY, f"broker lost data: {error}\n  rebuild the topic with `oar-ledger relay --republish`"
    if isinstance(error, MessageRefused):
        return ExitCode.INTEGRITY, (
            f"relay stopped: {error}\n  events before position {error.position} are published, none after it; "
            "the refusal is recorded (`oar-ledger verify` reports it)\n  remove the cause (too large: raise the "
            "topic's max.message.bytes and OAR_KAFKA_MAX_MESSAGE_BYTES, README Reliability), then start the "
            "relay again: it sends this event again")
    if isinstance(error, ProjectorStopped):
        return ExitCode.INTEGRITY, f"projector stopped: {error}"
    if isinstance(error, RelayError):
        return ExitCode.UNAVAILABLE, str(error)
    if _is_kafka_error(error):
        return ExitCode.UNAVAILABLE, f"Kafka broker unavailable: {error}"
    if _is_database_unavailable(error):
        return ExitCode.UNAVAILABLE, f"database unavailable: {_first_line(error)}"
    if isinstance(error, (ConnectionError, TimeoutError)):
        return ExitCode.UNAVAILABLE, f"unavailable: {error}"
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return ExitCode.USAGE, f"cannot use{where}: {error.strerror or error}"
    if isinstance(error, LookupError):
        return ExitCode.USAGE, str(error)
    return None


def _is_kafka_error(error: Exception) -> bool:
    from kafka.errors import KafkaError

    from infra.kafka.topics import TopicAdminError

    return isinstance(error, (KafkaError, TopicAdminError))


def _is_database_unavailable(error: Exception) -> bool:
    """Cannot connect, no such database, the server went away (not a bug in a query)."""
    import sqlite3

    import psycopg
    import sqlalchemy.exc
    from eventsourcing import persistence

    return isinstance(error, (
        sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, psycopg.OperationalError,
        persistence.OperationalError, persistence.InterfaceError, sqlite3.OperationalError,
    ))  # fmt: skip


def _first_line(error: Exception) -> str:
    """The driver's own message, without SQLAlchemy's statement and background link."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip()
    return " ".join(part.strip() for part in text.splitlines()[:2] if part.strip()) or type(error).__name__
