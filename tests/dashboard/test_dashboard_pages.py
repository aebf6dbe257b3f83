"""An incident's page on the dashboard says who was paged through PagerDuty (its emulator,
over real TLS) and how far each page got: rung, acknowledged, resolved, never taken back by
news that arrives late."""

import pytest

from tests.conftest import eventually, settle
from tests.dashboard.conftest import sign_in
from tests.e2e.incident_fixtures import declare_and_settle, run
from tests.e2e.paging_fixtures import PAGE, acknowledged, paged, webhook
from warroom.emulators.pagerduty import HTML


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
        return pages_shown(browser, declared)

    assert "The on-call of payments (on call: Bob Builder): triggered</li>" in pages()
    pagerduty.resolve(PAGE, "PBOB")  # PagerDuty's webhook says where its app shows the page
    in_pagerduty = f'(<a href="{HTML}/incidents/PI00001">in PagerDuty</a>)'
    eventually(lambda: f"(on call: Bob Builder): resolved by Bob Builder {in_pagerduty}" in pages())
    late = acknowledged(PAGE)  # news of that incident arriving late, naming another address
    late["event"]["data"] |= {"id": "PI00001", "html_url": "https://elsewhere.example/Q1"}
    assert webhook(dashboard, late).status_code == 200
    sneaky = acknowledged(PAGE)  # and news whose link is no web address
    sneaky["event"] |= {"id": "01DEN4HPBQAAAG05V5QQYBRZMG"}
    sneaky["event"]["data"] |= {"id": "PI00001", "html_url": "javascript:alert(1)"}
    assert webhook(dashboard, sneaky).status_code == 200  # the news counts all the same
    settle(sandbox)
    assert f"(on call: Bob Builder): resolved by Bob Builder {in_pagerduty}" in pages()
    assert "elsewhere" not in pages() and "javascript" not in pages()  # the first link kept
    assert pages().count("<li>") == 1  # one page, however much was said of it


def test_paging_again_keeps_how_far_the_open_page_got_and_after_a_resolve_starts_over(
    sandbox, general, dashboard, pagerduty, db, announce_channel
):
    pagerduty.webhook_url = f"{dashboard.url}/hooks/pagerduty"
    declared = declare_and_settle(sandbox, db, "sev1 payments: Checkout failing")
    browser = sign_in(sandbox, dashboard.url, "alice", f"/incidents/{declared.id}")

    def pages() -> str:
        return pages_shown(browser, declared)

    def in_pagerduty(number: int) -> str:
        return f'(<a href="{HTML}/incidents/PI{number:05d}">in PagerDuty</a>)'

    acknowledged_first = f"acknowledged by Bob Builder {in_pagerduty(1)}</li>"
    pagerduty.acknowledge(PAGE, "PBOB")
    eventually(lambda: acknowledged_first in pages())
    run(sandbox, declared, "page payments Still failing")  # rings the same PagerDuty incident
    settle(sandbox)
    assert pagerduty.alert(PAGE)["status"] == "acknowledged"
    assert acknowledged_first in pages()  # as far as that incident got

    pagerduty.resolve(PAGE, "PBOB")
    eventually(lambda: f"resolved by Bob Builder {in_pagerduty(1)}</li>" in pages())
    run(sandbox, declared, "page payments It is back")  # opens a new PagerDuty incident
    settle(sandbox)
    assert "(on call: Bob Builder): triggered</li>" in pages()
    pagerduty.acknowledge(PAGE, "PBOB")  # acknowledged once more: news of its own
    eventually(lambda: f"acknowledged by Bob Builder {in_pagerduty(2)}</li>" in pages())
    assert pages().count("<li>") == 1


def test_a_person_paged_by_name_is_linked_to_pagerduty_from_the_start(
    sandbox, general, dashboard, pagerduty, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")  # no page yet
    run(sandbox, declared, f"page <@{sandbox.user_id('alice')}> Need you on the ledger")
    browser = sign_in(sandbox, dashboard.url, "alice", f"/incidents/{declared.id}")
    opened = f'(<a href="{HTML}/incidents/PI00001">in PagerDuty</a>)'
    assert f"(on call: Alice Example): triggered {opened}</li>" in pages_shown(browser, declared)


def pages_shown(browser, declared) -> str:
    shown = browser.get(f"/incidents/{declared.id}").text
    return shown.split("<h2>Pages</h2>")[1].split("</ul>")[0]
