"""§9 in the web pages, in the system Chromium (Playwright): a manager's rejection the screen
finds uncertain is held; it leaves the manager's list and waits in the OAR's queue with the
criterion, the manager's reason (escaped) and the grounds found; an auditor reads it only;
an officer who manages the group is refused; the OAR overturns it (the managers decide
again), then upholds the next hold. axe finds no serious or critical violation.

A world of its own (``web_world``), so the other page tests keep their counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_world import WebServer, build_world, chromium_path

from infra.settings import Settings

pytestmark = pytest.mark.e2e
REASON = "<i>the applicant is Italian</i>"  # held (nationality); shown as typed, never as markup


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    settings = Settings(var_dir=tmp_path_factory.mktemp("web-held") / "var", _env_file=None)
    ledger, _ = build_world(settings)
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
    page.context.clear_cookies()
    page.goto("/ui/sign-in")
    page.get_by_label("Person id").fill(subject)
    label = {"oar": "OAR officer", "auditor": "Auditor (read only)", "person": "Person (member or group manager)"}[role]
    page.get_by_role("radio", name=label).check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Pending decisions")).to_be_visible()


def no_serious_violation(page: Page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name}: " + results.generate_report()


def reject_as_manager(page: Page) -> None:
    sign_in(page, "m-7", "person")
    row = page.locator("tr", has_text="m-9")
    row.get_by_label("Criterion cited").select_option("worked at CERN")
    row.get_by_label("Reason (required)").fill(REASON)
    row.get_by_role("button", name="Reject").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("recorded MembershipRejectionHeld.v2 for group other")
    expect(status).to_contain_text("held for the OAR's review (§9)")
    expect(page.locator("tr", has_text="m-9")).to_have_count(0)  # no longer the managers' to decide


def held_row(page: Page):
    return page.locator("tr", has_text="held for review")


def test_the_oar_decides_a_held_rejection_in_the_pending_queue(page: Page, world, tmp_path: Path) -> None:
    server, ledger = world
    reject_as_manager(page)
    held = ledger.app.group_events("other")[-1]
    assert (type(held).__name__, held.grounds, held.reason) == ("MembershipRejectionHeld", ("nationality",), REASON)
    assert (held.actor_auth_method, held.policy_pack, held.policy_version) == ("local-token", "cern", "1")

    sign_in(page, "aud-1", "auditor")
    expect(held_row(page)).to_contain_text("auditors read only")

    sign_in(page, "m-7", "oar")  # manages `other`: may not review its own group's rejection
    before = len(ledger.app.group_events("other"))
    held_row(page).get_by_label("Reason (required)").fill("fine by me")
    held_row(page).get_by_role("button", name="Uphold the rejection").click()
    expect(page.get_by_role("alert")).to_contain_text("no-oar-decision-on-own-group")
    assert len(ledger.app.group_events("other")) == before

    sign_in(page, "oar-1", "oar")
    row = held_row(page)
    expect(row).to_contain_text("rejection of m-9 held for review (§9)")
    expect(row).to_contain_text(REASON)  # the typed text, escaped
    expect(row).to_contain_text("nationality")
    expect(row).to_contain_text("worked at CERN")
    expect(row.locator("i")).to_have_count(0)
    no_serious_violation(page, tmp_path, "decisions-held-rejection")
    row.get_by_label("Reason (required)").fill("nationality is no ground (§9)")
    row.get_by_role("button", name=re.compile("^Overturn")).click()
    expect(page.get_by_role("status")).to_contain_text("recorded MembershipRejectionOverturned.v2 for group other")
    expect(held_row(page)).to_have_count(0)
    assert "m-9" in ledger.app.group("other").pending_requests

    reject_as_manager(page)  # held again
    sign_in(page, "oar-1", "oar")
    held_row(page).get_by_label("Reason (required)").fill("no link to CERN shown")
    held_row(page).get_by_role("button", name="Uphold the rejection").click()
    expect(page.get_by_role("status")).to_contain_text("recorded MembershipRejectionUpheld.v2 for group other")
    expect(held_row(page)).to_have_count(0)
    upheld = ledger.app.group_events("other")[-1]
    assert (type(upheld).__name__, upheld.actor_id, upheld.reason) == (
        "MembershipRejectionUpheld", "oar-1", "no link to CERN shown")
    group = ledger.app.group("other")
    assert "m-9" not in group.pending_requests and "m-9" not in group.held_rejections
