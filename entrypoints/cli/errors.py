"""The one place where errors become exit codes and messages on stderr.

0 ok, 2 usage or validation, 3 refused by a rule, 4 not found, 5 conflict;
operational commands add 6 (broker unavailable) and 7 (integrity: data lost or altered).
"""

from __future__ import annotations

from enum import IntEnum

from pydantic import ValidationError

from domain.errors import AlreadyRecorded, NotFound, RuleViolation
from service.relay import BrokerDataLoss, RelayError
from infra.kafka.relay_lock import RelayBusy
from service.ledger import ConflictError


class ExitCode(IntEnum):
    OK = 0
    USAGE = 2
    REFUSED = 3
    NOT_FOUND = 4
    CONFLICT = 5
    UNAVAILABLE = 6
    INTEGRITY = 7


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
    if isinstance(error, ValidationError):
        return ExitCode.USAGE, describe_validation(error)
    if isinstance(error, CliError):
        return error.code, str(error)
    if isinstance(error, RuleViolation):
        return ExitCode.REFUSED, f"refused: {error.message}\n  rule: {error.rule} ({error.clause})"
    if isinstance(error, NotFound):
        return ExitCode.NOT_FOUND, f"not found: {error}"
    if isinstance(error, (ConflictError, AlreadyRecorded)):
        return ExitCode.CONFLICT, f"conflict: {error}"
    if isinstance(error, BrokerDataLoss):
        return ExitCode.INTEGRITY, f"broker lost data: {error}\n  rebuild the topic with `oar-ledger relay --republish`"
    if isinstance(error, RelayBusy):
        return ExitCode.CONFLICT, f"conflict: {error}"
    if isinstance(error, RelayError):
        return ExitCode.UNAVAILABLE, str(error)
    if _is_kafka_error(error):
        return ExitCode.UNAVAILABLE, f"Kafka broker unavailable: {error}"
    if isinstance(error, LookupError):
        return ExitCode.USAGE, str(error)
    return None


def _is_kafka_error(error: Exception) -> bool:
    from kafka.errors import KafkaError

    from infra.kafka.topics import TopicAdminError

    return isinstance(error, (KafkaError, TopicAdminError))
