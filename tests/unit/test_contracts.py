"""The published contracts (``contracts/``): JSON Schemas of the message bodies and the
AsyncAPI document, checked against the code and against real encoded messages.

The checked-in files must equal a fresh rendering from the pydantic models (drift test), and
real messages from the envelope codec must validate against them, for every event type.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import infra.contracts as contracts
from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.canonical import GENESIS_HASH, record_hash
from domain.events.base import LedgerEvent
from domain.events.catalog import event_types, versioned_class
from infra.kafka.envelope import encode
from infra.settings import Settings

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = REPO / contracts.CONTRACTS_DIR
ASYNCAPI_URI = contracts.SCHEMA_BASE_URI + contracts.ASYNCAPI_FILE.as_posix()
FORMATS = Draft202012Validator.FORMAT_CHECKER
# Published: every event type at v2 (written now) and at v1 (still on the topic as recorded),
# except the types introduced in v2 (never recorded as v1).
INTRODUCED_IN_V2 = {"MembershipRejectionHeld", "MembershipRejectionUpheld", "MembershipRejectionOverturned",
                    "ActivityPlanShared", "AlumniDataReported"}  # fmt: skip
PUBLISHED = {*event_types(), *(name.replace(".v2", ".v1") for name, cls in event_types().items()
                               if cls.__name__ not in INTRODUCED_IN_V2)}  # fmt: skip

# -- sample events: one story that records every event type -----------------------------------

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
OAR = Actor(id="oar-1", role="oar")
M1 = Actor(id="m-1", role="manager")


def member(person: str) -> Actor:
    return Actor(id=person, role="member")


def _request(slug: str, visibility: str, managers: tuple[str, ...], **extra: Any) -> Group:
    return Group.request(
        c.RequestGroup(
            actor=member("m-1"),
            group=slug,
            name=slug.upper(),
            group_type="scientific-collaboration",
            managed_by="alumni",
            visibility=visibility,
            objectives=f"Keep {slug.upper()} alumni in touch",
            proposed_managers=managers,
            **extra,
        ),
        T0,
    )


def _private_group_story() -> Group:
    """A private group's life, from request to termination."""
    g = _request("cms", "private", ("m-1", "m-2"), membership_criteria=("worked on CMS",))
    at = T0
    g.approve(c.ApproveGroup(actor=OAR, group="cms", reason="objectives are clear"), at)
    g.appoint_manager(c.AppointManager(actor=OAR, group="cms", manager="m-3"), at)
    g.remove_manager(
        c.RemoveManager(actor=OAR, group="cms", manager="m-3", reason="stepped down"), at
    )
    for person in ("a-1", "a-2"):
        g.request_membership(c.RequestMembership(actor=member(person), group="cms"), at)
    g.approve_membership(
        c.ApproveMembership(
            actor=M1, group="cms", member="a-1", criterion="worked on CMS", reason="meets it"
        ),
        at,
    )
    g.reject_membership(
        c.RejectMembership(
            actor=M1, group="cms", member="a-2", criterion="worked on CMS", reason="never did"
        ),
        at,
    )
    for person, review in (("a-3", g.uphold_rejection), ("a-4", g.overturn_rejection)):  # §9 held, reviewed
        g.request_membership(c.RequestMembership(actor=member(person), group="cms"), at)
        g.reject_membership(
            c.RejectMembership(
                actor=M1, group="cms", member=person, criterion="worked on CMS", reason="she is Italian"
            ),
            at,
        )
        decision = c.UpholdRejection if person == "a-3" else c.OverturnRejection
        review(decision(actor=OAR, group="cms", member=person, reason="reviewed by the OAR"), at)
    meetup = dict(group="cms", gathering="meetup")
    g.propose_gathering(
        c.ProposeGathering(
            actor=M1,
            **meetup,
            title="Alumni meetup at Point 5",
            starts_at=at + 60 * DAY,
            purpose="community-building",
            connection="a visit to the CMS cavern",
            fee_per_participant=Decimal("20.00"),
            cost_per_participant=Decimal("25.50"),
        ),
        at,
    )
    g.approve_gathering(c.ApproveGathering(actor=OAR, **meetup, reason="relevant"), at)
    at += DAY
    g.list_gathering(c.ListGathering(actor=M1, **meetup, listed_on=at.date()), at)
    g.propose_speaker(c.ProposeSpeaker(actor=M1, **meetup, speaker="s-1"), at)
    g.approve_speaker(c.ApproveSpeaker(actor=OAR, **meetup, speaker="s-1", reason="an expert"), at)
    g.propose_speaker(c.ProposeSpeaker(actor=M1, **meetup, speaker="s-2"), at)
    g.reject_speaker(c.RejectSpeaker(actor=OAR, **meetup, speaker="s-2", reason="off topic"), at)
    for slug, decide in (("acme", g.approve_sponsorship), ("beta", g.reject_sponsorship)):
        g.request_sponsorship(
            c.RequestSponsorship(
                actor=M1,
                **meetup,
                sponsorship=slug,
                sponsor=f"{slug.title()} Instruments",
                sector="other",
                bidding_for_cern_contracts=False,
                offers_cern_name_or_logo=False,
                reason="covers the coffee break",
            ),
            at,
        )
        decision = c.ApproveSponsorship if slug == "acme" else c.RejectSponsorship
        decide(decision(actor=OAR, **meetup, sponsorship=slug, reason="after screening"), at)
    g.register_participant(c.RegisterParticipant(actor=M1, **meetup, member="a-1"), at)
    at = T0 + 61 * DAY
    g.record_attendance(
        c.RecordAttendance(
            actor=M1, **meetup, marks={"a-1": "attended"}, unregistered_attendees=("x-9",)
        ),
        at,
    )
    g.propose_gathering(
        c.ProposeGathering(
            actor=M1,
            group="cms",
            gathering="rally",
            title="Anniversary rally",
            starts_at=at + 30 * DAY,
            purpose="cern-related",
            connection="the CMS detector anniversary",
        ),
        at,
    )
    g.reject_gathering(
        c.RejectGathering(actor=OAR, group="cms", gathering="rally", reason="too vague"), at
    )
    g.report_social_media(
        c.ReportSocialMediaSpace(
            actor=OAR, group="cms", platform="a chat group", reason="reported by a member"
        ),
        at,
    )
    g.leave(c.LeaveGroup(actor=member("a-1"), group="cms"), at)
    at = T0 + 500 * DAY
    g.deactivate(
        c.DeactivateGroup(
            actor=OAR, group="cms", discussed_with_managers=True, reason="inactive for a year"
        ),
        at,
    )
    g.reactivate(c.ReactivateGroup(actor=OAR, group="cms", reason="new plans"), at + DAY)
    g.request_termination(
        c.RequestTermination(actor=M1, group="cms", reason="the managers stop"), at + 2 * DAY
    )
    g.terminate(
        c.TerminateGroup(
            actor=OAR, group="cms", initiative="managers-request", reason="as requested"
        ),
        at + 3 * DAY,
    )
    return g


def _other_groups() -> list[Group]:
    public = _request("atlas", "public", ("m-1", "m-2"))
    public.approve(c.ApproveGroup(actor=OAR, group="atlas", reason="objectives are clear"), T0)
    public.join(c.JoinGroup(actor=member("a-1"), group="atlas"), T0)
    rejected = _request("misc", "public", ("m-1",))
    rejected.reject(c.RejectGroup(actor=OAR, group="misc", reason="no clear objectives"), T0)
    lse = _request("lse-nyc", "public", ("m-1",), policy_pack="lse")
    lse.approve(c.ApproveGroup(actor=OAR, group="lse-nyc", reason="welcome"), T0)
    lse.share_activity_plan(
        c.ShareActivityPlan(actor=M1, group="lse-nyc", year=T0.year, summary="four talks"), T0
    )
    lse.report_alumni_data(
        c.ReportAlumniData(
            actor=OAR, group="lse-nyc", kind="database", description="a spreadsheet", reason="seen"
        ),
        T0,
    )
    return [public, rejected, lse]


def _story() -> list[LedgerEvent]:
    groups = [_private_group_story(), *_other_groups()]
    return [event for group in groups for event in group.pending_events]


EVENTS = _story()
SAMPLES: dict[str, LedgerEvent] = {}
for _event in EVENTS:
    SAMPLES.setdefault(_event.type_name(), _event)


def _message(event: LedgerEvent, position: int = 1) -> tuple[str, dict[str, Any], dict[str, str]]:
    key, value, headers = encode(event, position)
    return key.decode(), json.loads(value), {name: raw.decode() for name, raw in headers}


# -- the checked-in files -------------------------------------------------------------------


def _load(relative: str | Path) -> dict[str, Any]:
    return json.loads((CONTRACTS / relative).read_text(encoding="utf-8"))


def _schema(type_name: str) -> dict[str, Any]:
    return _load(contracts.schema_path(type_name))


def _asyncapi() -> dict[str, Any]:
    return _load(contracts.ASYNCAPI_FILE)


def _body_validator(type_name: str) -> Draft202012Validator:
    return Draft202012Validator(_schema(type_name), format_checker=FORMATS)


def _registry() -> Registry:
    """The AsyncAPI document and every schema, at their URIs, so that references resolve."""
    schemas = [_load(path) for path in sorted((CONTRACTS / "schemas").glob("*.json"))]
    resources = [(schema["$id"], Resource.from_contents(schema)) for schema in schemas]
    resources.append((ASYNCAPI_URI, DRAFT202012.create_resource(_asyncapi())))
    return Registry().with_resources(resources)


def _asyncapi_validator(pointer: str) -> Draft202012Validator:
    """A validator for the schema at ``pointer`` inside the AsyncAPI document."""
    return Draft202012Validator(
        {"$ref": f"{ASYNCAPI_URI}#{pointer}"}, registry=_registry(), format_checker=FORMATS
    )


def test_checked_in_contracts_are_up_to_date() -> None:
    problems = contracts.check_contracts(CONTRACTS)
    assert problems == [], f"contracts/ drifted from the models: {contracts.DRIFT_HINT}: {problems}"


def test_a_model_change_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    class SpeakerThanked(LedgerEvent):
        gathering: str

    changed = {**event_types(), SpeakerThanked.type_name(): SpeakerThanked}
    monkeypatch.setattr("infra.contracts.schemas.event_types", lambda: changed)
    problems = contracts.check_contracts(CONTRACTS)
    assert "missing: schemas/SpeakerThanked.v1.json" in problems
    assert "stale: asyncapi.json" in problems


def test_rendering_is_stable_sorted_and_newline_terminated() -> None:
    first, second = contracts.render_contracts(), contracts.render_contracts()
    assert first == second
    for path, text in first.items():
        assert text.endswith("}\n"), path
        canonical = json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False)
        assert text == canonical + "\n", path


def test_contracts_do_not_depend_on_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    before = contracts.render_contracts()
    monkeypatch.setenv("OAR_LEDGER_TOPIC", "somewhere.else")
    monkeypatch.setenv("OAR_TOPIC_PARTITIONS", "48")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker.example:9092")
    assert contracts.render_contracts() == before


def test_check_and_write_report_and_fix_missing_stale_and_extra_files(tmp_path: Path) -> None:
    root = tmp_path / "contracts"
    rendered = contracts.render_contracts()
    assert len(contracts.check_contracts(root)) == len(rendered)  # all missing
    assert sorted(contracts.write_contracts(root)) == sorted(root / p for p in rendered)
    assert contracts.check_contracts(root) == []
    assert contracts.write_contracts(root) == []  # up to date: nothing rewritten

    (root / "schemas" / "GroupApproved.v1.json").unlink()
    (root / "asyncapi.json").write_text("{}\n", encoding="utf-8")
    (root / "schemas" / "GroupRenamed.v1.json").write_text("{}\n", encoding="utf-8")
    (root / "README.md").write_text("hand-written notes are left alone\n", encoding="utf-8")
    assert sorted(contracts.check_contracts(root)) == [
        "extra: schemas/GroupRenamed.v1.json (no event type generates it)",
        "missing: schemas/GroupApproved.v1.json",
        "stale: asyncapi.json",
    ]
    changed = contracts.write_contracts(root)
    assert sorted(p.relative_to(root).as_posix() for p in changed) == [
        "asyncapi.json", "schemas/GroupApproved.v1.json", "schemas/GroupRenamed.v1.json",
    ]  # fmt: skip
    assert contracts.check_contracts(root) == []
    assert not (root / "schemas" / "GroupRenamed.v1.json").exists()
    assert (root / "README.md").exists()


def test_main_check_fails_on_drift_with_the_fix_and_write_repairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "contracts"
    assert contracts.main(["check", "--dir", str(root)]) == 1
    err = capsys.readouterr().err
    assert "missing: asyncapi.json" in err
    assert "python -m infra.contracts write" in err
    assert contracts.main(["write", "--dir", str(root)]) == 0
    assert contracts.main(["check", "--dir", str(root)]) == 0
    assert "up to date" in capsys.readouterr().out


# -- JSON Schemas -----------------------------------------------------------------------------


def test_every_event_type_has_a_schema_and_nothing_else_does() -> None:
    found = {path.name for path in (CONTRACTS / "schemas").glob("*.json")}
    assert found == {f"{name}.json" for name in PUBLISHED} | {"CommandRefused.v1.json"}  # + the refusals topic


def test_the_v1_schemas_stay_published_without_the_v2_fields() -> None:
    """Stored v1 events are published as v1: their schemas are kept, and they differ from v2
    exactly by the fields v2 added (a GroupRequested named its pack already in v1)."""
    for name, cls in event_types().items():
        if cls.__name__ in INTRODUCED_IN_V2:
            continue
        v1, v2 = _schema(name.replace(".v2", ".v1")), _schema(name)
        added = set(v2["properties"]) - set(v1["properties"])
        expected = {"actor_auth_method", "actor_auth_issuer", "policy_version"}
        assert added == (expected if name == "GroupRequested.v2" else expected | {"policy_pack"}), name
        assert v1["required"] == list(v1["properties"]) or set(v1["required"]) == set(v1["properties"])


@pytest.mark.parametrize("type_name", sorted(event_types()))
def test_schema_is_valid_draft_2020_12_and_describes_the_whole_body(type_name: str) -> None:
    schema = _schema(type_name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://alumni.cern/oar-ledger/schemas/{type_name}.json"
    assert schema["title"] == type_name
    assert schema["description"]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    fields = set(event_types()[type_name].model_fields) - {"originator_topic"}
    assert set(schema["properties"]) == fields
    assert sorted(schema["required"]) == sorted(fields)


def test_a_class_docstring_becomes_the_schema_description() -> None:
    class Documented(LedgerEvent):
        """A fact with a story."""

    assert contracts.body_schema("Documented.v1", Documented)["description"].startswith(
        "A fact with a story.\n\n"
    )
    undocumented = _schema("GroupApproved.v1")["description"]
    assert "Common fields of every event" not in undocumented  # not the base class's docstring


def test_the_story_records_every_event_type() -> None:
    missing = set(event_types()) - set(SAMPLES)
    assert not missing, f"add these event types to the sample story: {sorted(missing)}"


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.type_name()}@{e.originator_version}")
def test_encoded_body_validates_against_its_schema(event: LedgerEvent) -> None:
    _, body, _ = _message(event)
    _body_validator(event.type_name()).validate(body)


@pytest.mark.parametrize("type_name", sorted(SAMPLES))
def test_body_with_an_extra_field_is_invalid(type_name: str) -> None:
    _, body, _ = _message(SAMPLES[type_name])
    validator = _body_validator(type_name)
    for extra in ("unexpected", "originator_topic", "type"):
        with pytest.raises(ValidationError, match="Additional properties"):
            validator.validate({**body, extra: "x"})


@pytest.mark.parametrize("type_name", sorted(SAMPLES))
def test_body_missing_any_field_is_invalid(type_name: str) -> None:
    _, body, _ = _message(SAMPLES[type_name])
    validator = _body_validator(type_name)
    for name in body:
        incomplete = {k: v for k, v in body.items() if k != name}
        with pytest.raises(ValidationError, match="is a required property"):
            validator.validate(incomplete)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor_role", "boss"),
        ("event_hash", ""),
        ("previous_hash", "ABC"),
        ("originator_id", "not-a-uuid"),
        ("originator_version", "3"),
        ("reason", 42),
        ("manager_id", None),
    ],
)
def test_body_with_a_wrong_value_is_invalid(field: str, value: Any) -> None:
    _, body, _ = _message(SAMPLES["ManagerAppointed.v2"])
    with pytest.raises(ValidationError):
        _body_validator("ManagerAppointed.v2").validate({**body, field: value})


def test_nullable_reason_is_required_but_may_be_null() -> None:
    event = SAMPLES["ManagerAppointed.v2"]
    _, body, _ = _message(event)
    assert body["reason"] is None  # appointed without a reason in the story
    _body_validator("ManagerAppointed.v2").validate(body)


def test_the_documented_hash_chain_holds_on_encoded_bodies() -> None:
    """event_hash = SHA-256 of the canonical body without event_hash, plus "type"."""
    last: dict[str, str] = {}
    for position, event in enumerate(EVENTS, start=1):
        key, body, headers = _message(event, position)
        record = {k: v for k, v in body.items() if k != "event_hash"}
        record["type"] = headers["ce_type"].removeprefix("ch.cern.alumni.ledger.")
        assert record_hash(record) == body["event_hash"] == headers["ledger_event_hash"]
        assert body["previous_hash"] == headers["ledger_previous_hash"]
        assert body["previous_hash"] == last.get(key, GENESIS_HASH)
        last[key] = body["event_hash"]


# -- AsyncAPI ---------------------------------------------------------------------------------


def _refs(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            else:
                yield from _refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, f"{where}/{index}")


def _pointer(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_asyncapi_is_a_3_0_0_document_with_servers_and_the_ledger_topics() -> None:
    doc = _asyncapi()
    assert doc["asyncapi"] == "3.0.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    description = doc["info"]["description"]
    guarantees = ("key is the group id", "At-least-once", "ce_id", "ledger_position", "SHA-256")
    for guarantee in guarantees:
        assert guarantee in description
    assert set(doc["servers"]) == {"production", "development"}
    assert {server["protocol"] for server in doc["servers"].values()} == {"kafka"}
    assert doc["servers"]["development"]["host"].startswith("127.0.0.1:")

    ledger, checkpoints = doc["channels"]["ledger"], doc["channels"]["checkpoints"]
    assert ledger["address"] == Settings.model_fields["ledger_topic"].default == "oar.ledger.v1"
    assert checkpoints["address"] == Settings.model_fields["checkpoint_topic"].default
    for channel in (ledger, checkpoints):
        binding = channel["bindings"]["kafka"]
        assert binding["topic"] == channel["address"]
        assert binding["topicConfiguration"]["retention.ms"] == -1
        assert binding["topicConfiguration"]["cleanup.policy"] == ["delete"]
    partitions = Settings.model_fields["topic_partitions"].default
    assert ledger["bindings"]["kafka"]["partitions"] == partitions
    assert checkpoints["bindings"]["kafka"]["partitions"] == 1

    checkpoint_message = _pointer(doc, "/components/messages/SignedCheckpoint")
    assert checkpoint_message["contentType"] == "text/plain"
    assert _pointer(doc, checkpoint_message["payload"]["$ref"][1:])["type"] == "string"


def test_asyncapi_lists_every_event_type_in_the_channel_and_operations() -> None:
    doc = _asyncapi()
    names = PUBLISHED
    assert set(doc["channels"]["ledger"]["messages"]) == names
    operations = doc["operations"]
    assert operations["publishLedgerEvents"]["action"] == "send"
    assert operations["receiveLedgerEvents"]["action"] == "receive"
    for name in ("publishLedgerEvents", "receiveLedgerEvents"):
        operation = operations[name]
        assert operation["channel"] == {"$ref": "#/channels/ledger"}
        refs = {ref["$ref"] for ref in operation["messages"]}
        assert refs == {f"#/channels/ledger/messages/{n}" for n in names}
    for name, operation in operations.items():
        channel = operation["channel"]["$ref"]
        for ref in operation["messages"]:  # an operation's messages belong to its channel
            assert ref["$ref"].startswith(channel + "/messages/"), name


def test_asyncapi_references_resolve_and_payloads_are_the_schema_files() -> None:
    doc = _asyncapi()
    files = set()
    for where, ref in _refs(doc):
        if ref.startswith("#"):
            _pointer(doc, ref[1:])  # raises if the target is missing
        else:
            assert ref.startswith("./schemas/"), (where, ref)
            assert (CONTRACTS / ref).is_file(), (where, ref)
            assert urljoin(ASYNCAPI_URI, ref) == _load(ref)["$id"]
            files.add(ref)
    assert files == {f"./schemas/{name}.json" for name in PUBLISHED} | {"./schemas/CommandRefused.v1.json"}
    for name in PUBLISHED:
        message = doc["components"]["messages"][name]
        assert message["payload"] == {"$ref": f"./schemas/{name}.json"}
        assert message["contentType"] == "application/json"
        assert message["bindings"]["kafka"]["key"] == {"$ref": "#/components/schemas/GroupId"}


def test_asyncapi_headers_are_the_ones_the_envelope_writes() -> None:
    doc = _asyncapi()
    headers = doc["components"]["schemas"]["LedgerHeaders"]
    _, _, written = _message(EVENTS[0])
    assert set(headers["properties"]) == set(written) == set(headers["required"])
    assert all(prop["description"] for prop in headers["properties"].values())
    Draft202012Validator.check_schema(headers)


@pytest.mark.parametrize("type_name", sorted(SAMPLES))
def test_encoded_message_validates_against_the_asyncapi_message(type_name: str) -> None:
    key, body, headers = _message(SAMPLES[type_name], position=41)
    message = f"/components/messages/{type_name}"
    _asyncapi_validator(f"{message}/payload").validate(body)
    _asyncapi_validator(f"{message}/headers").validate(headers)
    _asyncapi_validator(f"{message}/bindings/kafka/key").validate(key)

    other = "GroupApproved.v1" if type_name != "GroupApproved.v1" else "GroupRejected.v1"
    with pytest.raises(ValidationError):  # another type's ce_type is refused
        _asyncapi_validator(f"{message}/headers").validate(
            {**headers, "ce_type": f"ch.cern.alumni.ledger.{other}"}
        )
    with pytest.raises(ValidationError):
        _asyncapi_validator(f"{message}/headers").validate(
            {k: v for k, v in headers.items() if k != "ledger_position"}
        )
    with pytest.raises(ValidationError):
        _asyncapi_validator(f"{message}/bindings/kafka/key").validate("cms")


def test_types_introduced_in_v2_have_no_v1_schema_and_no_v1_is_read() -> None:
    """The §9 review and LSE events were added at v2: no v1 form is published, and a message
    or stored event claiming one is refused as unknown, not upcast."""
    introduced = {cls.__name__ for cls in event_types().values() if cls.introduced_in == 2}
    assert introduced == INTRODUCED_IN_V2
    for name in INTRODUCED_IN_V2:
        assert not (CONTRACTS / "schemas" / f"{name}.v1.json").exists()
        with pytest.raises(LookupError, match="unknown ledger event type"):
            versioned_class(f"{name}.v1")

