"""The service layer's own errors: what a use case reports beyond a domain refusal.

Entrypoints translate them in one place each (``entrypoints/cli/errors.py``,
``entrypoints/api/problems.py``).
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the errors the service layer raises itself."""


class ConflictError(ServiceError):
    """Concurrent writers kept changing the group; the command was not recorded."""


class StaleVersion(ServiceError):
    """The caller decided on a version of the group that is no longer the current one."""

    def __init__(self, group: str, expected: int, current: int) -> None:
        super().__init__(f"group {group} is at version {current}, not {expected}: reload and decide again")
        self.group, self.expected, self.current = group, expected, current
