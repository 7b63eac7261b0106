"""Every ledger event type, by its versioned name (``ManagerAppointed.v1``)."""

from __future__ import annotations

from functools import cache

from domain.events import gathering, group, sponsorship
from domain.events.base import LedgerEvent


@cache
def event_types() -> dict[str, type[LedgerEvent]]:
    modules = (group, gathering, sponsorship)
    classes = [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, LedgerEvent) and value.__module__ == module.__name__
    ]
    return {cls.type_name(): cls for cls in classes}


def event_class(type_name: str) -> type[LedgerEvent]:
    try:
        return event_types()[type_name]
    except KeyError:
        raise LookupError(f"unknown ledger event type {type_name!r}") from None
