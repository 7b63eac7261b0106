"""The web pages in a real browser: the system Chromium driven by Playwright, against the
app of `oar-ledger serve` on a real port, on a ledger seeded through the service layer.

OAR decides a waiting group and a sponsorship; a manager moderates a request of their own
group and is refused on another's; an auditor opens a group, picks a past date, sees the
past managers, follows an event to its proof and checks it with `oar-ledger verify-proof`;
a form without its CSRF token writes nothing; the exports are the CLI's bytes; people's
text is escaped; axe finds no serious or critical violation on any page. Screenshots of
every page are saved under the run's tmp output (``<basetemp>/screenshots``).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_world import TRICKY_NAME, TRICKY_OBJECTIVES, WebServer, build_world, chromium_path

from infra.evidence.signing import load_signer
from infra.settings import Settings

pytestmark = pytest.mark.e2e
OAR_LEDGER = Path(sys.executable).parent / "oar-ledger"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(var_dir=tmp_path_factory.mktemp("web") / "var", _env_file=None)


@pytest.fixture(scope="module")
def world(settings: Settings) -> Iterator[tuple]:
    ledger, clock = build_world(settings)
    server = WebServer(settings, ledger)
    yield server, ledger
    server.close()
    ledger.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def page(browser: Browser, world) -> Iterator[Page]:
    context = browser.new_context(base_url=world[0].url, viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    opened = context.new_page()
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield opened
    context.close()
    assert dialogs == [], f"a script ran from untrusted text: {dialogs}"


def sign_in(page: Page, subject: str, role: str) -> None:
    page.goto("/ui/sign-in")
    expect(page.get_by_text("Development sign-in.")).to_be_visible()
    page.get_by_label("Person id").fill(subject)
    label = {"oar": "OAR officer", "auditor": "Auditor (read only)", "person": "Person (member or group manager)"}[role]
    page.get_by_role("radio", name=label).check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Pending decisions")).to_be_visible()


def check_page(page: Page, shots: Path, name: str) -> None:
    """A screenshot, and axe: no serious or critical violation."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name}: " + results.generate_report()


def events_of(ledger, slug: str) -> list:
    return ledger.app.group_events(slug)


def test_oar_decides_a_waiting_group_and_a_sponsorship(page: Page, world, shots: Path, settings: Settings) -> None:
    server, ledger = world
    page.goto("/ui/decisions")
    expect(page).to_have_url(re.compile(r"/ui/sign-in\?next="))  # no session: the sign-in form
    check_page(page, shots, "sign-in")
    sign_in(page, "oar-1", "oar")
    check_page(page, shots, "decisions-oar")
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("sponsorship acme")  # oldest first: the sponsorship waits since January
    group_row = page.locator("tr", has_text="group request").filter(has_text="newcomers")
    expect(group_row).to_contain_text("11 / 14")  # days waited against the CERN pack's limit
    group_row.get_by_label("Reason (required)").fill("objectives are clear")
    group_row.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("recorded GroupApproved.v2 for group newcomers")
    approved = events_of(ledger, "newcomers")[-1]
    assert (type(approved).__name__, approved.actor_id, approved.actor_role.value) == ("GroupApproved", "oar-1", "oar")
    assert approved.reason == "objectives are clear"
    assert (approved.actor_auth_method, approved.actor_auth_issuer) == ("local-token", settings.local_issuer)
    page.goto("/ui/groups/newcomers")  # the timeline says how the decider signed in
    expect(page.locator("tr", has_text="GroupApproved")).to_contain_text(f"local-token ({settings.local_issuer})")
    page.goto("/ui/decisions")

    sponsor_row = page.locator("tr", has_text="sponsorship acme")
    sponsor_row.get_by_label("Reason (required)").fill("screening passed; a local optics firm")
    sponsor_row.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("recorded SponsorshipApproved.v2 for group tricky")
    assert type(events_of(ledger, "tricky")[-1]).__name__ == "SponsorshipApproved"
    expect(page.locator("tr", has_text="sponsorship acme")).to_have_count(0)


def test_a_refusal_shows_its_rule_and_clause(page: Page, world, shots: Path) -> None:
    """m-7 manages `other` and holds the OAR claim: the conflict-of-interest rule refuses."""
    server, ledger = world
    before = len(events_of(ledger, "other"))
    sign_in(page, "m-7", "oar")
    row = page.locator("tr", has_text="Picnic")
    row.get_by_label("Reason (required)").fill("looks fine to me")
    row.get_by_role("button", name="Approve").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("no-oar-decision-on-own-group")
    expect(alert).to_contain_text("OAR governance rule (not a guideline clause)")
    assert len(events_of(ledger, "other")) == before
    check_page(page, shots, "refusal")
    page.goto("/ui/refusals?group=other")
    expect(page.locator("tbody tr", has_text="no-oar-decision-on-own-group")).to_have_count(1)


def test_manager_moderates_own_group_and_is_refused_on_another(page: Page, world, shots: Path) -> None:
    server, ledger = world
    sign_in(page, "m-1", "person")
    check_page(page, shots, "decisions-manager")
    expect(page.locator("tr", has_text="m-9")).to_have_count(0)  # `other` is not m-1's group
    request_row = page.locator("tr", has_text="m-3")
    expect(request_row).to_contain_text(TRICKY_NAME)
    request_row.get_by_label("Criterion cited").select_option("worked at CERN")
    request_row.get_by_label("Reason (required)").fill("confirmed by the CERN alumni directory")
    request_row.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("recorded MembershipApproved.v2 for group tricky")
    assert "m-3" in ledger.app.group("tricky").members

    # The same form, for a request of a group m-1 does not manage: 403 with rule and clause.
    token = page.locator("input[name=csrf_token]").first.input_value()
    before = len(events_of(ledger, "other"))
    response = page.request.post("/ui/decisions", form={
        "csrf_token": token, "kind": "membership", "decision": "approve", "group": "other", "member": "m-9",
        "criterion": "worked at CERN", "reason": "I say so"})  # fmt: skip
    assert response.status == 403
    body = response.text()
    assert "only-managers-moderate" in body and "CERN-AG §19" in body
    assert len(events_of(ledger, "other")) == before
    page.set_content(body)
    check_page(page, shots, "refused")


def test_a_form_without_its_csrf_token_writes_nothing(page: Page, world) -> None:
    server, ledger = world
    sign_in(page, "oar-1", "oar")
    before = ledger.app.recorder.max_notification_id()
    form = {"kind": "group", "decision": "reject", "group": "other", "reason": "forged"}
    missing = page.request.post("/ui/decisions", form=form)
    forged = page.request.post("/ui/decisions", form=form | {"csrf_token": "forged.token.value"})
    assert (missing.status, forged.status) == (403, 403)
    assert "CSRF" in missing.text()
    assert ledger.app.recorder.max_notification_id() == before


def test_auditor_sees_the_past_managers_and_follows_an_event_to_its_evidence(
    page: Page, world, shots: Path, settings: Settings, tmp_path: Path
) -> None:
    server, ledger = world
    sign_in(page, "aud-1", "auditor")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)  # auditors read only
    page.get_by_role("link", name="Groups").click()
    expect(page.get_by_role("link", name=TRICKY_NAME)).to_be_visible()  # escaped, shown as text
    check_page(page, shots, "groups")
    page.get_by_role("link", name=TRICKY_NAME).click()
    expect(page.get_by_text(TRICKY_OBJECTIVES).first).to_be_visible()
    expect(page.locator("dd.managers").first).to_have_text("m-1, m-4")
    check_page(page, shots, "group")
    page.get_by_label("State as of (UTC)").fill("2025-01-08T12:00")
    page.get_by_role("button", name="Show").click()
    then = page.locator("section", has=page.get_by_role("heading", name=re.compile("^As of")))
    expect(then.locator("dd.managers")).to_have_text("m-1, m-2")
    expect(then.get_by_role("table")).to_contain_text("manager m-2")
    check_page(page, shots, "group-as-of")

    page.get_by_role("link", name=re.compile(r"Evidence of event 1 \(GroupRequested\)")).click()
    expect(page.get_by_role("heading", name=re.compile("Evidence of event"))).to_be_visible()
    check_page(page, shots, "event-evidence")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the inclusion proof (JSON)").click()
    proof = tmp_path / "proof.json"
    download.value.save_as(proof)
    command = page.locator("pre").nth(1).inner_text()
    assert command.startswith("oar-ledger verify-proof ")
    with page.expect_download() as download:  # the bundle, checked by the standalone checker the page names
        page.get_by_role("link", name="Download the evidence bundle (JSON)").click()
    bundle = tmp_path / "bundle.json"
    download.value.save_as(bundle)
    standalone = page.locator("pre").first.inner_text()
    assert standalone.startswith("python check_bundle.py ")
    keys = [word for pair in re.findall(r"--key '([^']+)'", standalone) for word in ("--key", pair)]
    checker = Path(__file__).resolve().parents[2] / "tools" / "check_bundle.py"
    bundled = subprocess.run([sys.executable, str(checker), str(bundle), *keys], capture_output=True, text=True,
                             timeout=60)  # fmt: skip
    assert bundled.returncode == 0 and "GroupRequested" in bundled.stdout, bundled.stdout + bundled.stderr
    checked = subprocess.run([str(OAR_LEDGER), "verify-proof", str(proof), "--key", load_signer(settings).verifier_key()],
                             capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_oversight_pages_and_exports_equal_the_cli(page: Page, world, shots: Path, settings: Settings,
                                                   tmp_path: Path) -> None:  # fmt: skip
    sign_in(page, "aud-1", "auditor")
    for name, path in (("compliance", "/ui/compliance?on=2025-03-03"), ("refusals", "/ui/refusals"),
                       ("evidence", "/ui/evidence?verify=true"), ("gathering", "/ui/groups/tricky/events/talk")):  # fmt: skip
        page.goto(path)
        check_page(page, shots, name)
    page.goto("/ui/groups/tricky?as_of=2024-12-31T23:00")  # before the group was requested
    expect(page.get_by_role("status")).to_contain_text("it was requested later")
    page.goto("/ui/compliance?on=2025-03-03")
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_text("as it stood at the end of 2025-03-03")).to_be_visible()  # as of, from the store
    expect(page.locator("svg[aria-labelledby=trend-title] text", has_text="2025-02-28")).to_have_count(1)
    page.goto("/ui/compliance")  # today: the read models, saying how far they are projected
    expect(page.get_by_text("Today, from the read models")).to_be_visible()
    page.goto("/ui/evidence?verify=true")
    expect(page.get_by_role("status")).to_contain_text("OK")
    page.goto("/ui/evidence")  # the run just made is recorded, as `oar-ledger verify` runs are
    expect(page.get_by_text("Last recorded verification")).to_contain_text("passed")
    env = {"PATH": "/usr/bin:/bin", "OAR_VAR_DIR": str(settings.var_dir)}
    issuer = world[0].app.state.context.local_issuer
    token = issuer.issue("aud-1", [settings.auditor_claim_value], timedelta(minutes=5), datetime.now(UTC))
    for fmt in ("csv", "json", "jsonl"):
        out = tmp_path / f"cli.{fmt}"
        subprocess.run([str(OAR_LEDGER), "audit", "export", "--format", fmt, "--group", "tricky", "--out", str(out)],
                       check=True, capture_output=True, timeout=60, env=env)  # fmt: skip
        web = page.request.get(f"/ui/exports/audit.{fmt}?group=tricky")
        assert web.status == 200
        assert web.body() == out.read_bytes(), fmt
        api = page.request.get(f"/audit/export?format={fmt}&group=tricky", headers={"Authorization": f"Bearer {token}"})
        assert api.body() == out.read_bytes(), f"API {fmt}"


def test_members_see_no_oversight(page: Page, world) -> None:
    sign_in(page, "p-5", "person")
    expect(page.get_by_role("link", name="Evidence")).to_have_count(0)
    response = page.request.get("/ui/refusals")
    assert response.status == 403 and "oversight-is-oar-or-auditor" in response.text()


def test_hostile_form_input_is_refused_naming_the_field_and_writes_nothing(page: Page, world) -> None:
    """The forms validate as the CLI's commands (issue 15): personal data in a reason, or a
    name where a person id is expected, is refused with the field named; nothing is written."""
    server, ledger = world
    page.goto("/ui/sign-in")
    page.get_by_label("Person id").fill("jane.doe")
    page.get_by_role("radio", name="OAR officer").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("invalid subject: an opaque person id")).to_be_visible()
    before = ledger.app.recorder.max_notification_id()
    sign_in(page, "oar-1", "oar")
    row = page.locator("tbody tr").first
    row.get_by_label("Reason (required)").fill("fine, ask jane.doe@example.org")
    row.get_by_role("button", name="Approve").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("invalid reason")
    expect(alert).to_contain_text("looks like an e-mail address")
    expect(alert).not_to_contain_text("jane.doe@example.org")
    assert ledger.app.recorder.max_notification_id() == before
