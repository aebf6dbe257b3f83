"""An incident's page on the dashboard says who was paged through PagerDuty (its emulator,
over real TLS) and how far each page got: rung, acknowledged, resolved, never taken back by
news that arrives late."""

import pytest

from tests.conftest import eventually, settle
from tests.dashboard.conftest import sign_in
from tests.e2e.incident_fixtures import declare_and_settle
from tests.e2e.paging_fixtures import PAGE, acknowledged, paged, webhook


@pytest.fixture
def settings(settings, tmp_path, sandbox, pagerduty):
    return paged(settings, tmp_path, sandbox, pagerduty)


def test_the_incident_page_follows_each_page_from_rung_to_resolved(
    sandbox, general, dashboard, pagerduty, db, announce_channel
):
    pagerduty.webhook_url = f"{dashboard.url}/hooks/pagerduty"
    declared = declare_and_settle(sandbox, db, "sev1 payments: Checkout failing")
    browser = sign_in(sandbox, dashboard.url, "alice", f"/incidents/{declared.id}")

    def pages() -> str:
        shown = browser.get(f"/incidents/{declared.id}").text
        return shown.split("<h2>Pages</h2>")[1].split("</ul>")[0]

    assert "The on-call of payments (on call: Bob Builder): triggered" in pages()
    pagerduty.resolve(PAGE, "PBOB")
    eventually(lambda: "(on call: Bob Builder): resolved by Bob Builder" in pages())
    assert webhook(dashboard, acknowledged(PAGE)).status_code == 200  # news arriving late
    settle(sandbox)
    assert "(on call: Bob Builder): resolved by Bob Builder" in pages()  # not taken back
    assert pages().count("<li>") == 1  # one page, however much was said of it
