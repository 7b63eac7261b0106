"""The typed fields of commands, with their limits: checked before any event is built.

Every text and list field has a maximum, so that the largest event any command can
produce stays far below what the ledger topic accepts (``MAX_EVENT_BYTES``; the README's
size table and ``tests/unit/domain/test_domain_input_limits.py``, which builds the largest
event of every command and measures its Kafka message). Free text is screened by
``domain.text`` for control characters and personal data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from domain.text import refuse_control_characters, refuse_personal_data

MAX_EVENT_BYTES = 256 * 1024
"""No accepted command can produce an event whose Kafka message exceeds this."""

ID_PATTERN = re.compile(
    r"[a-z]{1,12}-(?:[0-9]{1,8}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
)
"""An opaque id: a short lowercase kind prefix, a dash, then a number of 1-8 digits or a
UUID (``m-1042``, ``oar-1``, ``a-3f2b...``). No names, dots, ``@`` or long digit runs, so
an e-mail address, a login such as ``jane.doe``, a phone or an AVS number is refused."""


@dataclass(frozen=True)
class TextLimit:
    """A free-text field: its maximum length in characters and whether it is prose."""

    field: str
    max_chars: int
    multiline: bool = False
    min_chars: int = 1


TEXT_LIMITS = {
    limit.field: limit
    for limit in (
        TextLimit("name", 200),
        TextLimit("title", 200),
        TextLimit("platform", 100),
        TextLimit("sponsor", 200),
        TextLimit("criterion", 500),
        TextLimit("objectives", 2000, multiline=True),
        TextLimit("connection", 1000, multiline=True),
        TextLimit("reason", 2000, multiline=True, min_chars=3),
        TextLimit("summary", 4000, multiline=True),
        TextLimit("description", 2000, multiline=True),
    )
}
"""Per field; shown in the README's size table."""

LIST_LIMITS = {
    "membership_criteria": 20,
    "proposed_managers": 3,
    "marks": 1000,
    "unregistered_attendees": 200,
}
"""Maximum items per list field (ids are at most 49 characters: ``ID_PATTERN``)."""


def _text(kind: str) -> object:
    limit = TEXT_LIMITS[kind]
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=limit.min_chars, max_length=limit.max_chars),
        AfterValidator(partial(refuse_control_characters, allow_newline=limit.multiline)),
        AfterValidator(refuse_personal_data),
    ]


Name = _text("name")
Title = _text("title")
Platform = _text("platform")
Sponsor = _text("sponsor")
Criterion = _text("criterion")
Objectives = _text("objectives")
Connection = _text("connection")
Reason = _text("reason")
Summary = _text("summary")
Description = _text("description")


def opaque_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise ValueError(
            "not an opaque id: a lowercase kind prefix, a dash, then a number of 1-8 digits or a UUID "
            "(e.g. m-1042); names, logins, e-mail addresses and phone or national numbers are refused"
        )
    return value


OpaqueId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=49),
    AfterValidator(opaque_id),
    Field(json_schema_extra={"pattern": f"^{ID_PATTERN.pattern}$"}),  # documented; checked by opaque_id
]
"""A person's id (see ``ID_PATTERN``)."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]

T = TypeVar("T")


def distinct(items: Sequence[T]) -> Sequence[T]:
    """Refuse a list that names the same item twice (``--manager m-3 --manager m-3``)."""
    seen: set[T] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"{item} is given more than once")
        seen.add(item)
    return items


def unsigned(amount: Decimal) -> Decimal:
    """Refuse ``-0``: an amount is written without a sign."""
    if amount.is_signed():
        raise ValueError("an amount may not be negative (not even -0)")
    return amount


Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2), AfterValidator(unsigned)]


def _at_most(count: int, items: object) -> object:
    """Refuse an over-long list before its items are validated (one message, not 600)."""
    if isinstance(items, (list, tuple, dict)) and len(items) > count:
        raise ValueError(f"at most {count} items, got {len(items)}")
    return items


def bounded_list(item: object, field: str, min_items: int = 0) -> object:
    """A tuple of distinct ``item`` values, at most ``LIST_LIMITS[field]`` of them."""
    return Annotated[
        tuple[item, ...],  # type: ignore[valid-type]
        Field(min_length=min_items, max_length=LIST_LIMITS[field]),  # before the validator: maxItems in the schema
        BeforeValidator(partial(_at_most, LIST_LIMITS[field])),
        AfterValidator(distinct),
    ]


def bounded_marks(item: object, value: object, field: str) -> object:
    """A mapping of at most ``LIST_LIMITS[field]`` entries, at least one."""
    return Annotated[
        dict[item, value],  # type: ignore[valid-type]
        Field(min_length=1, max_length=LIST_LIMITS[field]),  # before the validator: maxProperties in the schema
        BeforeValidator(partial(_at_most, LIST_LIMITS[field])),
    ]
