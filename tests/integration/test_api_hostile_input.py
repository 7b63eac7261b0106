"""Hostile input through real HTTP: the API validates bodies as the CLI's commands (issue 15),
so every field limit, the control-character and personal-data screens and the opaque-id
pattern answer 4xx naming the field, and nothing is written."""

from __future__ import annotations

import pytest
from test_api_support import ApiServer, Caller, group_body, api, http, oidc  # noqa: F401

pytestmark = pytest.mark.integration


@pytest.fixture
def people(http, oidc) -> dict[str, Caller]:
    tokens = {"oar": oidc.token("oar-1", ("oar-officers",)), "m1": oidc.token("m-1"),
              "named": oidc.token("jane.doe")}  # fmt: skip
    return {name: Caller(http, token) for name, token in tokens.items()}


def _fields(response) -> set[str]:
    return {problem["field"] for problem in response.json().get("errors", [])}


def test_the_issue_reproduction_is_refused_before_anything_is_written(api: ApiServer, people) -> None:
    """600 criteria of 2,000 characters: refused by the body limit or the field limits, never stored."""
    body = group_body("cms") | {"membership_criteria": [f"{i} " + "c" * 1995 for i in range(600)]}
    answer = people["m1"].post("/groups", body)
    assert answer.status_code in (413, 422), answer.text
    just_under_the_body_limit = group_body("cms") | {"membership_criteria": [f"criterion {i}" for i in range(21)]}
    answer = people["m1"].post("/groups", just_under_the_body_limit)
    assert answer.status_code == 422 and "membership_criteria" in _fields(answer), answer.text
    assert "at most 20 items, got 21" in answer.json()["detail"]
    assert api.events_stored() == 0


@pytest.mark.parametrize(("field", "value", "says"), [
    ("name", "x" * 201, "at most 200 characters"),
    ("name", "CMS \x1b[31malumni", "control character U+001B"),
    ("objectives", "Write to jane.doe@example.org for details", "looks like an e-mail address"),
    ("objectives", "Call +41 22 767 61 11 to join", "looks like a phone number"),
    ("proposed_managers", ["jane.doe"], "not an opaque id"),
    ("proposed_managers", ["m-3", "m-3"], "more than once"),
    ("membership_criteria", ["c" * 501], "at most 500 characters"),
])  # fmt: skip
def test_a_bad_field_is_named_and_nothing_is_written(api: ApiServer, people, field: str, value, says: str) -> None:
    answer = people["m1"].post("/groups", group_body("cms") | {field: value})
    assert answer.status_code == 422, answer.text
    assert any(name.split(".")[0] == field for name in _fields(answer)), answer.json()
    assert says in answer.json()["detail"]
    assert "jane.doe@example.org" not in answer.text  # personal data is never echoed
    assert api.events_stored() == 0


def test_decisions_refuse_personal_data_and_control_characters(api: ApiServer, people) -> None:
    assert people["m1"].post("/groups", group_body("cms")).status_code == 201
    before = api.events_stored()
    for reason, says in (("ok, see 756.1234.5678.97", "AVS"), ("fine\x07\x07", "U+0007"), ("-0", "at least 3")):
        answer = people["oar"].post("/groups/cms/approval", {"reason": reason})
        assert answer.status_code == 422 and "reason" in _fields(answer) and says in answer.json()["detail"]
    assert people["m1"].post("/groups/cms/managers", {"manager": "Jane Doe"}).status_code == 422
    assert api.events_stored() == before


def test_a_token_subject_that_is_not_an_opaque_id_writes_nothing(api: ApiServer, people) -> None:
    answer = people["named"].post("/groups", group_body("cms", managers=("m-1",)))
    assert answer.status_code == 401 and "not an opaque person id" in answer.json()["detail"], answer.text
    assert api.events_stored() == 0
