"""What typed text may hold (issue 15, reproductions 7 and 11): control characters,
personal data, duplicate ids and ``-0`` are refused before any event is built, with a
message naming the field; ordinary prose with dates, times and amounts is accepted."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.actors import Actor
from domain.fields import TEXT_LIMITS
from domain.text import refuse_control_characters, refuse_personal_data

pytestmark = pytest.mark.unit

OAR, M1 = Actor(id="oar-1", role="oar"), Actor(id="m-1", role="manager")
GATHERING = dict(actor=M1, group="cms", gathering="gala")
STARTS = "2030-05-20T18:00+02:00"


def command_with(field: str, text: str) -> None:
    """Build a command holding ``text`` in the free-text ``field``."""
    request = dict(actor=Actor(id="m-1", role="member"), group="cms", name="CMS alumni", group_type="other",
                   managed_by="alumni", visibility="private", objectives="Keep CMS alumni in touch",
                   proposed_managers=("m-1", "m-2"))  # fmt: skip
    proposal = dict(**GATHERING, title="Gala", starts_at=STARTS, purpose="scientific", connection="CMS alumni meet")
    build = {
        "name": lambda: c.RequestGroup(**request | {"name": text}),
        "objectives": lambda: c.RequestGroup(**request | {"objectives": text}),
        "criterion": lambda: c.RequestGroup(**request | {"membership_criteria": (text,)}),
        "reason": lambda: c.ApproveGroup(actor=OAR, group="cms", reason=text),
        "title": lambda: c.ProposeGathering(**proposal | {"title": text}),
        "connection": lambda: c.ProposeGathering(**proposal | {"connection": text}),
        "platform": lambda: c.ReportSocialMediaSpace(actor=OAR, group="cms", platform=text, reason="seen there"),
        "sponsor": lambda: c.RequestSponsorship(**GATHERING, sponsorship="acme", sponsor=text, sector="other",
                                                bidding_for_cern_contracts=False, offers_cern_name_or_logo=False,
                                                reason="pays the room"),  # fmt: skip
        "summary": lambda: c.ShareActivityPlan(actor=OAR, group="cms", year=2026, summary=text),
        "description": lambda: c.ReportAlumniData(actor=OAR, group="cms", kind="database", description=text,
                                                  reason="seen there"),  # fmt: skip
    }
    build[field]()


def refused_field(field: str, text: str) -> str:
    with pytest.raises(ValidationError) as caught:
        command_with(field, text)
    [problem] = caught.value.errors()
    assert problem["loc"][0] in (field, "membership_criteria")
    return problem["msg"]


CONTROL = ["\x01\x02\x03\x04", "red \x1b[31m text", "link \x1b]8;;http://evil\x07click", "bell \x07",
           "csi \x9b31m", "del \x7f", "nul \x00", "tab\there", "cr\rhere", "rtl \u202e override",
           "isolate \u2066x\u2069", "line \u2028 separator", "surrogate \udcff"]  # fmt: skip


@pytest.mark.parametrize("field", sorted(TEXT_LIMITS))
@pytest.mark.parametrize("text", CONTROL, ids=lambda t: repr(t)[:20])
def test_control_characters_are_refused_in_every_text_field(field: str, text: str) -> None:
    message = refused_field(field, text)
    assert "control character U+" in message or "unicode" in message


@pytest.mark.parametrize("field", sorted(TEXT_LIMITS))
def test_line_breaks_only_where_a_field_holds_prose(field: str) -> None:
    text = "first line\nsecond line"
    if TEXT_LIMITS[field].multiline:
        command_with(field, text)
    else:
        assert "this field is one line" in refused_field(field, text)


PERSONAL = {
    "an e-mail address": ["Jane Doe <jane.doe@gmail.com>", "write to j_doe+alumni@cern.ch please"],
    "a Swiss AVS/AHV number": ["756.1234.5678.97", "AVS 756 1234 5678 97", "7561234567897"],
    "a US social security number": ["SSN 078-05-1120"],
    "a UK national insurance number": ["NINO JG 10 37 89 B", "AB123456C"],
    "a French social security number": ["NIR 1 84 12 76 451 089 46"],
    "an Italian fiscal code": ["CF RSSMRA85T10A562S"],
    "a phone number": ["+41 22 767 61 11", "0041 22 767 6111", "call 022 767 61 11", "079.123.45.67",
                       "01 23 45 67 89", "(555) 123-4567", "555-123-4567"],  # fmt: skip
    "a long identification number": ["badge 123456789"],
}


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in PERSONAL.items() for t in texts])
def test_personal_data_is_refused_and_not_echoed(kind: str, text: str) -> None:
    with pytest.raises(ValueError) as caught:
        refuse_personal_data(text)
    message = str(caught.value)
    assert message.startswith(f"looks like {kind}") and "CERN-AG §19" in message
    assert text not in message


@pytest.mark.parametrize("field", sorted(TEXT_LIMITS))
def test_every_free_text_field_screens_for_personal_data(field: str) -> None:
    assert "personal data may not enter the ledger" in refused_field(field, "contact jane.doe@example.org now")


@pytest.mark.parametrize("text", [
    "met on 2025-05-20 18:00 at Point 5", "on 05.06.2025 10:00 in Building 40", "2025-05-20T18:00+02:00",
    "20 participants at 15.50 CHF each", "budget of 12000000 CHF", "between 2024 and 2025", "§9 and §19 apply",
    "room 40-S2-A01", "+2 guests", "CERN-AG §26: sponsor screening passed", "1954 to 2024: seventy years",
    "Zoë's \"group\" \\ — 日本 😀 [/bold] [link=http://x]y[/link]",
])  # fmt: skip
def test_ordinary_prose_with_dates_times_and_amounts_is_accepted(text: str) -> None:
    assert refuse_personal_data(text) == text
    assert refuse_control_characters(text, allow_newline=False) == text


@pytest.mark.parametrize(("make", "message"), [
    (lambda: c.RequestGroup(actor=Actor(id="m-1", role="member"), group="cms", name="CMS", group_type="other",
                            managed_by="alumni", visibility="private", objectives="Keep in touch",
                            proposed_managers=("m-1", "m-3", "m-3")), "m-3 is given more than once"),
    (lambda: c.RequestGroup(actor=Actor(id="m-1", role="member"), group="cms", name="CMS", group_type="other",
                            managed_by="alumni", visibility="private", objectives="Keep in touch",
                            membership_criteria=("worked on CMS", "worked on CMS"), proposed_managers=("m-1",)),
     "worked on CMS is given more than once"),
    (lambda: c.RecordAttendance(**GATHERING, marks={"a-1": "attended"}, unregistered_attendees=("x-1", "x-1")),
     "x-1 is given more than once"),
])  # fmt: skip
def test_an_id_or_criterion_given_twice_is_refused(make, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make()


@pytest.mark.parametrize("field", ["fee_per_participant", "cost_per_participant"])
@pytest.mark.parametrize("amount", ["-0", "-0.00", "-1"])
def test_a_signed_amount_is_refused_even_minus_zero(field: str, amount: str) -> None:
    with pytest.raises(ValidationError) as caught:
        c.ProposeGathering(**GATHERING, title="Gala", starts_at=STARTS, purpose="scientific",
                           connection="CMS alumni meet", **{field: amount})  # fmt: skip
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]
