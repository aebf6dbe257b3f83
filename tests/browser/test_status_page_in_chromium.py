"""The public status page in a real browser (Playwright driving Debian's Chromium): an update
published from Slack reads the same with JavaScript off, on a phone-sized screen without
sideways scrolling, and by role and name as assistive technology finds it."""

import pytest

from tests.browser_support import DESKTOP, PHONE, chromium_browser, needs_chromium
from tests.e2e.incident_fixtures import declare_and_settle, run
from tests.e2e.status_page_fixtures import publish, with_status_page

pytestmark = needs_chromium


@pytest.fixture
def settings(settings, tmp_path):
    return with_status_page(settings, tmp_path)


@pytest.fixture(scope="module")
def chromium():
    with chromium_browser() as browser:
        yield browser


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_customers_read_the_published_update_without_javascript(
    chromium, screen, sandbox, general, warroom, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev2 payments: Ledger replica lag")
    run(sandbox, declared, "statuspage")
    message = "Some card payments take longer than usual. We are looking into it."
    publish(sandbox, {"title": {"value": "Slow checkout"}, "message": {"value": message}})

    context = chromium.new_context(viewport=screen, java_script_enabled=False)
    page = context.new_page()
    assert page.goto(f"{warroom.url}/status").status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Status"
    assert page.get_by_role("status").inner_text() == "Partial outage"
    checkout = page.get_by_role("listitem").filter(has_text="Checkout")
    assert checkout.inner_text().split() == ["Checkout", "Partial", "outage"]
    story = page.get_by_role("article")
    assert story.get_by_role("heading", level=3).inner_text() == "Slow checkout"
    assert message in story.inner_text() and "Ledger" not in page.content()
    assert page.locator("script").count() == 0
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert sideways <= 0
    feed = page.get_by_role("link", name="Follow updates (Atom feed)")
    assert feed.get_attribute("href").endswith("/status.atom")
    context.close()
