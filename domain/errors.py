"""The domain's error hierarchy. The CLI and API translate these in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class RuleViolation(DomainError):
    """A command broke a rule of the governing policy: nothing is recorded."""

    def __init__(self, rule: str, clause: str, message: str) -> None:
        super().__init__(f"{message} [rule {rule}, {clause}]")
        self.rule = rule
        self.clause = clause
        self.message = message


class NotAuthorized(RuleViolation):
    """An authority rule refused: the actor lacks the role, or the standing in the group
    (managing it, being the member), that the command needs. Entrypoints answer 403."""


class HeldForReview(DomainError):
    """Not a refusal: a rule found the decision uncertain and a person must review it.

    Raised by a rule that holds instead of refusing (CERN-AG §9, see
    ``domain.policy.cern_diversity``) and always caught by the aggregate, which then
    records the decision as held for the OAR's review instead of as taken.
    """

    def __init__(self, rule: str, clause: str, grounds: tuple[str, ...], evidence: str) -> None:
        super().__init__(f"held for review: {evidence} [rule {rule}, {clause}]")
        self.rule, self.clause, self.grounds, self.evidence = rule, clause, grounds, evidence


class NotFound(DomainError):
    """A command named a group, event or sponsorship the ledger does not hold."""

    def __init__(self, kind: str, ref: object) -> None:
        super().__init__(f"no {kind} {ref!s} in the ledger")
        self.kind = kind
        self.ref = ref


class AlreadyRecorded(DomainError):
    """The thing a command would create exists already (duplicate request)."""
