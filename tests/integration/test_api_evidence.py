"""Issue 12's queries through real HTTP (issue 10: the API offers every query the CLI has):
checkpoints with their key and cosigners, the key set, consistency from the empty tree and
sizes that are not checkpoints, an event's evidence bundle checked by the standalone checker,
verification catching an edited refusal, refusals filtered as the CLI filters them, history
with event ids and subjects, and groups and compliance as of a date with their freshness.
On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update
from test_api_support import ApiServer, Caller, group_body, api, http, oidc  # noqa: F401
from test_compliance_as_of import project_store
from test_evidence_support import evidence_settings, make_key
from test_projector_compliance import scenario

from bootstrap import checkpoint_now
from entrypoints.demo.script import DemoRun
from infra.evidence.checkpoint import encode_verifier_key
from infra.store.refusals import refused_commands
from service.compliance import compliance_on, end_of, groups_as_of

pytestmark = pytest.mark.integration

CHECKER = Path(__file__).resolve().parents[2] / "tools" / "check_bundle.py"
DAY = date(2024, 7, 1)


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request, tmp_path):
    """The shared settings with a signing key path under ``tmp_path`` (used by ``api``)."""
    return evidence_settings(request.getfixturevalue(f"{request.param}_settings"), tmp_path)


@pytest.fixture
def people(http, oidc) -> dict[str, Caller]:
    tokens = {"oar": oidc.token("oar-1", ("oar-officers",)), "m1": oidc.token("m-1"), "m2": oidc.token("m-2"),
              "x9": oidc.token("x-9"), "auditor": oidc.token("aud-1", ("oar-auditors",))}  # fmt: skip
    return {name: Caller(http, token) for name, token in tokens.items()}


def _active(people, slug: str) -> None:
    assert people["m1"].post("/groups", group_body(slug, "public")).status_code == 201
    assert people["oar"].post(f"/groups/{slug}/approval", {"reason": "clear objectives"}).status_code == 200


def test_checkpoints_keys_proofs_and_an_evidence_bundle(api: ApiServer, people, tmp_path) -> None:
    auditor = people["auditor"]
    _active(people, "cms")
    _active(people, "atlas")
    key = make_key(api.ledger.settings)
    first = checkpoint_now(api.ledger)
    for n in range(2):
        people["oar"].post("/groups/cms/social-media-reports", {"platform": f"site-{n}", "reason": "a page exists"})
    newest = checkpoint_now(api.ledger)
    vkey = encode_verifier_key(key.public_key, key.name)

    listed = auditor.get("/checkpoints").json()["items"]
    assert [c["size"] for c in listed] == [first.size, newest.size]
    assert all(c["key"].startswith("1 (") and c["cosigners"] == [] and c["note"].startswith(key.name) for c in listed)
    assert [k["vkey"] for k in auditor.get("/keys").json()["items"]] == [vkey]
    assert people["m1"].get("/checkpoints").status_code == 403

    empty = auditor.get("/proofs/consistency", old=0, new=first.size)
    assert empty.status_code == 200 and (empty.json()["old_size"], empty.json()["proof"]) == (0, [])
    missing = auditor.get("/proofs/consistency", old=first.size + 1, new=newest.size)
    assert missing.status_code == 404 and f"nearest checkpoint sizes: {first.size} and {newest.size}" in missing.text
    assert auditor.get("/proofs/consistency", old=-1, new=newest.size).status_code == 422

    history = auditor.get("/groups/cms/history").json()["items"]
    approval = next(row for row in history if row["action"] == "GroupApproved")
    assert approval["subject"] and approval["signed_in_with"] and approval["event_id"]
    response = auditor.get(f"/events/{approval['event_id']}/evidence-bundle", checkpoint=first.size)
    assert response.status_code == 200, response.text
    assert approval["event_id"] in response.headers["content-disposition"]
    bundle = response.json()
    assert (bundle["inclusion"]["tree_size"], bundle["consistency"]["tree_size"]) == (first.size, newest.size)
    path = tmp_path / "bundle.json"
    path.write_bytes(response.content)
    checked = subprocess.run([sys.executable, str(CHECKER), str(path), "--key", vkey], capture_output=True, text=True,
                             timeout=60)  # fmt: skip
    assert checked.returncode == 0 and "valid" in checked.stdout and "GroupApproved" in checked.stdout, checked
    bundle["message"]["value"] = bundle["message"]["value"].replace("clear objectives", "unclear objectives")
    path.write_text(json.dumps(bundle))
    tampered = subprocess.run([sys.executable, str(CHECKER), str(path), "--key", vkey], capture_output=True, text=True,
                              timeout=60)  # fmt: skip
    assert tampered.returncode != 0, tampered.stdout
    assert auditor.get("/events/not-an-event/evidence-bundle").status_code == 404
    assert people["m1"].get(f"/events/{approval['event_id']}/evidence-bundle").status_code == 403


def test_verification_catches_an_edited_refusal_and_refusals_filter(api: ApiServer, people) -> None:
    auditor = people["auditor"]
    _active(people, "cms")
    assert people["x9"].post("/groups/cms/deactivation", {"discussed_with_managers": True, "reason": "not mine"}).status_code == 403
    assert auditor.post("/groups/cms/rejection", {"reason": "read only"}).status_code == 403
    assert people["m2"].get("/audit").status_code == 403
    make_key(api.ledger.settings)
    checkpoint_now(api.ledger)
    report = auditor.get("/verification")
    assert report.status_code == 200, report.text
    assert any(c["name"] == "refusals" and c["status"] == "ok" for c in report.json()["checks"])

    by_x9 = auditor.get("/refusals", actor="x-9").json()["items"]
    assert {r["actor_id"] for r in by_x9} == {"x-9"} and all(r["message"] for r in by_x9)
    on_cms = auditor.get("/refusals", group="cms", rule="auditors-are-read-only").json()["items"]
    assert [(r["actor_id"], r["command"]) for r in on_cms] == [("aud-1", "POST /groups/{group}/rejection")]
    assert auditor.get("/refusals", **{"from": "2999-01-01T00:00:00+00:00"}).json()["items"] == []
    everything = auditor.get("/refusals").json()["items"]
    seen, cursor = [], None
    while True:
        page = auditor.get("/refusals", limit=1, **({"cursor": cursor} if cursor else {})).json()
        seen += page["items"]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == everything and len(everything) >= 3

    with api.ledger.engine.begin() as connection:
        connection.execute(update(refused_commands).where(refused_commands.c.actor_id == "x-9")
                           .values(message="nothing was refused"))  # fmt: skip
    tampered = auditor.get("/verification")
    assert tampered.status_code == 409 and tampered.headers["content-type"].startswith("application/problem+json")
    assert "refusal" in tampered.json()["detail"]
    found = [f for f in tampered.json()["findings"] if f["source"] == "refusals"]
    assert found and "edited after it was logged" in found[0]["what"] and found[0]["refusal"]
    assert auditor.get("/verification", witness="not-a-key", witnesses=1).status_code == 400
    unwitnessed = auditor.get("/verification", witnesses=1)  # no witness has cosigned anything
    assert unwitnessed.status_code == 409 and any("witness cosignature" in f["what"] for f in unwitnessed.json()["findings"])


def test_groups_and_compliance_as_of_a_date_with_freshness(api: ApiServer, people) -> None:
    auditor, app = people["auditor"], api.ledger.app
    scenario(DemoRun(app=app, clock=app.clock, suffix=""))

    stale = auditor.get("/compliance").json()  # nothing projected yet: never clean
    assert (stale["source"], stale["fresh"], stale["clean"]) == ("read models", False, False)
    assert stale["freshness"]["store_position"] == api.events_stored() and "empty" in stale["warning"]
    groups = auditor.get("/groups").json()
    assert (groups["fresh"], groups["items"]) == (False, []) and groups["warning"]

    then = auditor.get("/compliance", on=DAY.isoformat()).json()
    expected = compliance_on(app, DAY)
    assert (then["source"], then["fresh"], then["freshness"]) == ("event store", True, None)
    assert then["flags"] == [{"group": f.group, "rule": f.rule, "clause": f.clause, "detail": f.detail}
                             for f in expected.flags]  # fmt: skip
    past = auditor.get("/groups", as_of=DAY.isoformat()).json()
    assert [g["slug"] for g in past["items"]] == [g["slug"] for g in groups_as_of(app, end_of(DAY))]
    assert past["source"] == "event store" and 0 < len(past["items"]) < len(list(app.group_slugs()))
    moment = auditor.get("/groups", as_of="2024-07-01T12:00:00+00:00").json()
    assert {g["slug"] for g in moment["items"]} <= {g["slug"] for g in past["items"]}

    engine, _ = project_store(api.ledger, api.ledger.settings)
    engine.dispose()
    fresh = auditor.get("/groups").json()
    assert fresh["fresh"] and fresh["freshness"]["behind"] == 0 and len(fresh["items"]) == len(list(app.group_slugs()))
    old_view = auditor.get("/compliance", on=DAY.isoformat(), read_models="true").json()
    assert old_view["source"] == "read models" and old_view["fresh"]
    assert old_view["flags"] != then["flags"]  # today's state judged then is not how it stood then

    bad = auditor.get("/groups", as_of="2024-07-01T12:00")
    assert bad.status_code == 400 and bad.json()["field"] == "as_of" and "offset" in bad.json()["detail"]
    assert people["m1"].get("/compliance", on=DAY.isoformat()).status_code == 403
