"""The demo's Slack-like page in a real browser (Playwright driving Debian's Chromium,
JavaScript off): type a command in the composer, open the incident's channel, click the
headline's button, and read the headline edited in place; fill in the declare form, be
refused, correct it and declare."""

import pytest

from tests.browser_support import DESKTOP, chromium_browser, needs_chromium
from warroom.demo.web_view import web_view
from warroom.web.background import BackgroundServer

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def chromium():
    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def view(sandbox, warroom):
    server = BackgroundServer(web_view(sandbox)).start()
    yield server
    server.stop()


def test_a_newcomer_declares_and_takes_a_role_on_the_demo_page(
    chromium, sandbox, general, view, db, announce_channel
):
    page = chromium.new_context(viewport=DESKTOP, java_script_enabled=False).new_page()
    page.goto(f"{view.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "#general"
    page.get_by_label("Message, or /incident …").fill("/incident declare sev2 Search slow")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("link", name="# inc-1-search-slow").click()
    assert page.get_by_role("heading", level=3).first.inner_text() == "INC-1: Search slow"
    page.get_by_role("button", name="I'll be Incident Commander").click()
    assert "is now Incident Commander" in page.get_by_role("main").inner_text()
    assert page.locator("script").count() == 0


def test_a_newcomer_fills_in_the_declare_form_on_the_demo_page(
    chromium, sandbox, general, view, db, announce_channel
):
    page = chromium.new_context(viewport=DESKTOP, java_script_enabled=False).new_page()
    page.goto(f"{view.url}/")
    page.get_by_label("Message, or /incident …").fill("/incident declare")
    page.get_by_role("button", name="Send").click()
    form = page.get_by_role("dialog", name="Declare an incident")
    form.get_by_label("Title").fill("Checkout failing")
    form.get_by_label("Severity").select_option("sev1")
    form.get_by_label("When did the impact start? (UTC)").fill("yesterday 25:99")
    form.get_by_role("button", name="Declare").click()
    form = page.get_by_role("dialog", name="Declare an incident")
    assert form.get_by_role("alert").count() == 1  # refused, beside the time
    assert form.get_by_label("Title").input_value() == "Checkout failing"  # kept
    form.get_by_label("When did the impact start? (UTC)").fill("")
    form.get_by_label("Private incident (security, HR...)").check()
    form.get_by_role("button", name="Declare").click()
    assert "is open in" in page.get_by_role("dialog").inner_text()
    page.get_by_role("link", name="🔒 inc-1", exact=True).click()  # no title in its name
    assert page.get_by_role("heading", level=3).first.inner_text() == "INC-1: Checkout failing"
