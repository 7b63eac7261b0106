"""The one place where errors become exit codes and messages on stderr.

0 ok, 2 usage or validation, 3 refused by a rule, 4 not found, 5 conflict;
operational commands add 6 (broker unavailable) and 7 (integrity: data lost or altered);
``verify`` adds 8 (unverified: no trusted key checked the checkpoint signatures).
"""

from __future__ import annotations

from enum import IntEnum

from pydantic import ValidationError

from domain.errors import AlreadyRecorded, NotFound, RuleViolation


class ExitCode(IntEnum):
    OK = 0
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
    lines = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or "input"
        lines.append(f"invalid {field.replace('_', '-')}: {problem['msg']}")
    return "\n".join(lines)


def translate(error: Exception) -> tuple[ExitCode, str] | None:
    """(exit code, message) for errors we expect; None for a bug (let it crash)."""
    # Imported here: a command that never touched Kafka or the event store does not load them.
    from bootstrap.policy import PolicyPackSettingError
    from consumers.failures import ProjectorStopped
    from infra.auth.errors import InvalidToken
    from infra.backup import BackupError
    from infra.kafka.relay_lock import RelayBusy
    from infra.migrations.schema import SchemaOutOfDate
    from service.access import AccessDenied
    from service.errors import ConflictError
    from service.relay import BrokerDataLoss, MessageRefused, RelayError

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
    if isinstance(error, (ConflictError, AlreadyRecorded)):
        return ExitCode.CONFLICT, f"conflict: {error}"
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
    if isinstance(error, RelayBusy):
        return ExitCode.CONFLICT, f"conflict: {error}"
    if isinstance(error, RelayError):
        return ExitCode.UNAVAILABLE, str(error)
    if _is_kafka_error(error):
        return ExitCode.UNAVAILABLE, f"Kafka broker unavailable: {error}"
    if isinstance(error, BackupError):
        return ExitCode.USAGE, f"backup: {error}"
    if isinstance(error, (SchemaOutOfDate, PolicyPackSettingError)):
        return ExitCode.USAGE, str(error)
    if isinstance(error, LookupError):
        return ExitCode.USAGE, str(error)
    return None


def _is_kafka_error(error: Exception) -> bool:
    from kafka.errors import KafkaError

    from infra.kafka.topics import TopicAdminError

    return isinstance(error, (KafkaError, TopicAdminError))
