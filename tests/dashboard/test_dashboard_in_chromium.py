"""The dashboard in a real browser (Playwright driving Debian's Chromium, JavaScript off): a
person signs in with Slack, filters, opens an incident and exports what they see; a person
outside a private incident's channel never sees it: not in the list, a search, an export,
its page, its postmortem, the insights or another incident's "Looks like"."""

import pytest

from tests.browser_support import DESKTOP, PHONE, chromium_browser, needs_chromium
from tests.e2e.incident_fixtures import declare_and_settle, declare_private_and_settle, run
from warroom.app import postmortems

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def chromium():
    with chromium_browser() as browser:
        yield browser


def signed_in(chromium, dashboard, real_name: str, screen=DESKTOP):
    context = chromium.new_context(viewport=screen, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{dashboard.url}/incidents")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in to the sandbox workspace"
    page.get_by_role("link", name=f"Continue as {real_name}").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Incidents"
    return page


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_sign_in_filter_open_and_export_in_a_browser(
    chromium, screen, sandbox, general, dashboard, db, announce_channel
):
    payments = declare_and_settle(sandbox, db, "sev1 Payments failing")
    declare_and_settle(sandbox, db, "sev3 Search slow")
    run(sandbox, payments, "update Rolled back the deploy")
    page = signed_in(
        chromium, dashboard, sandbox.workspace.users[sandbox.user_id("alice")].real_name, screen
    )
    rows = page.get_by_role("table").get_by_role("row")
    assert rows.count() == 3  # the header and two incidents

    page.get_by_role("checkbox", name="SEV1").check()
    page.get_by_role("button", name="Filter").click()
    assert "severity=sev1" in page.url  # the view is its address
    assert rows.count() == 2 and "Payments failing" in rows.nth(1).inner_text()
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert sideways <= 0  # on a phone the table scrolls in its box, not the page

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    exported = download.value.path().read_text()
    assert "Payments failing" in exported and "Search slow" not in exported

    page.get_by_role("link", name="INC-1").click()
    assert page.get_by_role("heading", level=1).inner_text() == "INC-1: Payments failing"
    page.get_by_role("link", name="Everything").click()
    assert "Rolled back the deploy" in page.get_by_role("list").last.inner_text()
    assert page.locator("script").count() == 0


def test_a_stranger_to_a_private_incident_never_sees_it_in_a_browser(
    chromium, sandbox, general, dashboard, db, announce_channel, bot, clock
):
    secret = declare_private_and_settle(sandbox, db, "Contractor laptop stolen")
    clock.advance(hours=1)
    public = declare_and_settle(sandbox, db, "sev2 Search slow")  # later: looks like it
    for declared in (public, secret):  # the same contributing factor
        postmortems.save_notes(bot.core, declared.id, by="U1", contributing_factors="No MFA")
    run(sandbox, secret, "resolve Laptop wiped")  # its postmortem is drafted
    users = sandbox.workspace.users
    member = signed_in(chromium, dashboard, users[sandbox.user_id("alice")].real_name)
    stranger = signed_in(chromium, dashboard, users[sandbox.user_id("bob")].real_name)

    def shown(page, path: str) -> str:
        page.goto(f"{dashboard.url}{path}")
        return page.content()

    def exported(page) -> str:
        page.goto(f"{dashboard.url}/incidents")
        with page.expect_download() as download:
            page.get_by_role("link", name="Export CSV").click()
        return download.value.path().read_text()

    def searched(page, words: str) -> str:
        page.goto(f"{dashboard.url}/incidents")
        page.get_by_role("searchbox", name="Search").fill(words)
        page.get_by_role("button", name="Filter").click()
        return page.get_by_role("table").inner_text()

    title = "Contractor laptop stolen"
    views = {
        "list": lambda page: shown(page, "/incidents"),
        "search": lambda page: searched(page, "laptop wiped"),
        "CSV export": exported,
        "JSON export": lambda page: shown(page, "/incidents.json"),
        "its page": lambda page: shown(page, f"/incidents/{secret.id}"),
        "its postmortem": lambda page: shown(page, f"/incidents/{secret.id}/postmortem"),
        "looks like": lambda page: shown(page, f"/incidents/{public.id}"),
    }
    for view, read in views.items():
        assert title in read(member), view  # so its absence below means something
        assert title not in read(stranger), view
    assert "There is no incident" in shown(stranger, f"/incidents/{secret.id}")
    assert "2 incidents declared" in shown(member, "/insights")
    assert "1 incident declared" in shown(stranger, "/insights")
