"""Every ledger event type by its versioned name (``ManagerAppointed.v2``), and the one
place that turns a recorded form (any version) into today's event class.

Upcasting follows eventsourcing's convention (``Mapper.to_domain_event``): a stored state
carries ``class_version`` when above 1, and the class offers ``upcast_v<N>_v<N+1>(state)``
for every older version. Our mapper is our own (pydantic), so the loop is repeated here,
in the domain, where the Kafka consumers can use it too.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from domain.events import gathering, group, sponsorship
from domain.events.base import LedgerEvent

_TYPE_NAME = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9]*)\.v(?P<version>[1-9][0-9]{0,2})$")
_NOT_HASHED = ("event_hash", "originator_topic")


@cache
def event_types() -> dict[str, type[LedgerEvent]]:
    """The current version of every event type, by versioned name."""
    return {cls.type_name(): cls for cls in _classes().values()}


@cache
def _classes() -> dict[str, type[LedgerEvent]]:
    modules = (group, gathering, sponsorship)
    return {
        value.__name__: value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, LedgerEvent) and value.__module__ == module.__name__
    }


def event_class(type_name: str) -> type[LedgerEvent]:
    """The class that reads events recorded as ``type_name`` (any version up to today's)."""
    return versioned_class(type_name)[0]


@cache  # a known name only (an unknown one raises, and is not kept): a few dozen entries
def versioned_class(type_name: str) -> tuple[type[LedgerEvent], int]:
    """(class, recorded version) for ``Name.vN``; LookupError for an unknown name or version."""
    match = _TYPE_NAME.match(type_name)
    cls = _classes().get(match["name"]) if match else None
    if cls is None or not cls.introduced_in <= int(match["version"]) <= cls.class_version:  # type: ignore[index]
        raise LookupError(f"unknown ledger event type {type_name!r}")
    return cls, int(match["version"])  # type: ignore[index]


def decode_event(cls: type[LedgerEvent], state: dict[str, Any], version: int) -> LedgerEvent:
    """Validate ``state`` (an event's JSON form, recorded at ``version``) as today's ``cls``.

    An older form is upcast one version at a time; the event keeps the record it was hashed
    over when recorded, so its ``event_hash`` still verifies (``hash_record``).
    """
    if version == cls.class_version:
        return cls.model_validate(state)
    if version > cls.class_version:
        raise LookupError(f"{cls.__name__}.v{version} is newer than this release reads")
    if version < cls.introduced_in:
        raise LookupError(f"{cls.__name__}.v{version} does not exist: the type was introduced in v{cls.introduced_in}")
    as_recorded = {k: v for k, v in state.items() if k not in _NOT_HASHED}
    as_recorded["type"] = f"{cls.__name__}.v{version}"
    upcast = dict(state)
    for step in range(version, cls.class_version):
        getattr(cls, f"upcast_v{step}_v{step + 1}")(upcast)
    event = cls.model_validate(upcast)
    event._as_recorded = as_recorded
    return event
