"""Action items tracked as GitHub issues, against the GitHub emulator (whose bodies and
answers are checked with the models of github/rest-api-description): a new item opens an
issue in its service's repository and the issue's link becomes its ticket; closing it in
Slack closes the issue, and closing or reopening the issue on GitHub does the same to the
item; GitHub down is retried."""

import httpx
import pytest
from sqlalchemy import select

from tests.conftest import deliver_everything, eventually, settle
from tests.e2e.incident_fixtures import declare_and_settle, run
from tests.e2e.test_action_items import items, post_list
from tests.unit.test_catalog import PAYMENTS
from warroom.emulators.github import GitHubEmulator
from warroom.integrations.trackers import marker
from warroom.slack.action_views import DONE_BUTTON
from warroom.store.models import ActionItem

SECRET = "github-webhook-secret"


@pytest.fixture
def github():
    with GitHubEmulator(webhook_secret=SECRET) as emulator:
        emulator.add_repo("example/payments")
        emulator.add_repo("example/ops")
        yield emulator


@pytest.fixture
def settings(settings, tmp_path, github):
    catalog = tmp_path / "catalog-info.yaml"
    unpaged = "".join(line for line in PAYMENTS.splitlines(True) if "pagerduty.com" not in line)
    slug = "  annotations:\n    github.com/project-slug: example/payments\n"
    catalog.write_text(unpaged.replace("  annotations:\n", slug))
    secret = type(settings.slack_signing_secret)
    return settings.model_copy(
        update={
            "warroom_catalog": catalog,
            "warroom_github_token": secret(github.token),
            "warroom_github_api_url": github.api_url,
            "warroom_github_issues_repo": "example/ops",
            "warroom_github_webhook_secret": secret(SECRET),
        }
    )


@pytest.fixture
def hooked(github, warroom):
    github.webhook_url = f"{warroom.url}/hooks/github"
    return github


def item_status(db) -> str:
    with db.transaction() as session:
        return session.scalar(select(ActionItem.status))


def test_an_item_and_its_issue_move_together_both_ways(
    sandbox, general, warroom, hooked, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    priya = sandbox.user_id("priya")
    run(sandbox, declared, f"action Add memory alerts on payments <@{priya}> due TBD")
    [issue] = hooked.issues["example/payments"]
    assert issue["title"] == "Add memory alerts on payments" and issue["state"] == "open"
    assert "Owner: @priya, due TBD." in issue["body"] and marker(1) in issue["body"]
    [item] = items(db)
    assert item.ticket_url == issue["html_url"]

    listing = sandbox.driver.slash_command(priya, declared.channel_id, "actions").body
    ts = post_list(sandbox, declared, listing)
    sandbox.driver.block_action(
        priya, DONE_BUTTON, str(item.id), channel_id=declared.channel_id, message_ts=ts
    )
    settle(sandbox)
    assert (issue["state"], issue["state_reason"]) == ("closed", "completed")

    hooked.set_state("example/payments", 1, "open")
    settle(sandbox)
    assert item_status(db) == "open" and hooked.deliveries == [200]
    hooked.set_state("example/payments", 1, "closed")
    settle(sandbox)
    assert item_status(db) == "done"
    hooked.set_state("example/payments", 1, "closed")  # GitHub says it again: nothing changes
    assert hooked.deliveries == [200, 200, 202]

    forged = {"action": "reopened", "issue": {"html_url": issue["html_url"]}}
    headers = {"X-GitHub-Event": "issues", "X-Hub-Signature-256": "sha256=" + "0" * 64}
    answer = httpx.post(f"{warroom.url}/hooks/github", json=forged, headers=headers)
    assert answer.status_code == 401 and item_status(db) == "done"


def test_github_down_is_retried_and_an_item_without_a_service_goes_to_the_default_repo(
    sandbox, general, warroom, github, bot, clock, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 Search slow")  # no service: the default
    github.fail(502, times=1)
    run(sandbox, declared, f"action Tune the index <@{sandbox.user_id('sam')}> due TBD")
    assert github.issues["example/ops"] == []
    deliver_everything(bot, clock)
    [issue] = github.issues["example/ops"]
    assert items(db)[0].ticket_url == issue["html_url"]
    assert github.issues["example/payments"] == []


def test_github_down_for_minutes_tells_the_items_owner_once_and_then_the_all_clear(
    sandbox, general, warroom, github, bot, clock, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    sam = sandbox.user_id("sam")
    github.fail(503)
    run(sandbox, declared, f"action Tune the refund index <@{sam}> due TBD")
    for _ in range(4):  # attempts over five minutes: one warning, to the owner
        clock.advance(minutes=1, seconds=15)
        bot.deliverer.deliver_due()
    settle(sandbox)

    def told():
        return [m for m in sandbox.direct_messages(sam) if "GitHub" in m["text"]]

    [warning] = eventually(told)
    assert (
        "GitHub has been refusing the new action item of INC-1 (#1 “Tune the refund index”)"
        in (warning["text"])
    )
    assert not [m for m in sandbox.messages(declared.channel_id) if "refusing" in m["text"]]

    github.recover()
    deliver_everything(bot, clock)
    settle(sandbox)
    assert items(db)[0].ticket_url == github.issues["example/payments"][0]["html_url"]
    [warning] = told()
    assert "GitHub got INC-1's delayed events" in warning["text"]


def test_a_repository_github_does_not_know_is_said_to_the_owner_and_the_item_stays(
    sandbox, general, warroom, github, db, announce_channel
):
    del github.issues["example/payments"]  # the repository is gone, or the token cannot see it
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    sam = sandbox.user_id("sam")
    run(sandbox, declared, f"action Tune the refund index <@{sam}> due TBD")
    settle(sandbox)
    [notice] = eventually(
        lambda: [m for m in sandbox.direct_messages(sam) if "refused" in m["text"]]
    )
    assert "GitHub refused the new action item of INC-1 (#1" in notice["text"]
    assert "HTTP 404: Not Found" in notice["text"]
    [item] = items(db)
    assert item.text == "Tune the refund index" and item.ticket_url is None


def test_the_reconcile_catches_up_on_webhooks_that_never_came(
    sandbox, general, warroom, github, bot, db, announce_channel
):
    """No webhook is set up here: only reading the issues back notices them move."""
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    sam = sandbox.user_id("sam")
    run(sandbox, declared, f"action Tune the refund index <@{sam}> due TBD")
    run(sandbox, declared, f"action Page on refund latency <@{sam}> due TBD")
    github_of = bot.core.outbox.integrations["github"]
    assert github_of.reconcile() == 0  # they agree

    github.set_state("example/payments", 1, "closed")
    assert [i.status for i in items(db)] == ["open", "open"]
    assert github_of.reconcile() == 1
    settle(sandbox)
    assert [i.status for i in items(db)] == ["done", "open"]
    assert github.issues["example/payments"][0]["state"] == "closed"  # and stays so

    github.set_state("example/payments", 1, "open")  # reopened after it was closed
    github.fail(502, times=1)  # one issue cannot be read: the next reconcile tries again
    assert github_of.reconcile() == 0
    assert github_of.reconcile() == 1
    assert [i.status for i in items(db)] == ["open", "open"]


def test_an_existing_issue_becomes_an_action_item_by_its_link(
    sandbox, general, warroom, hooked, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    sam = sandbox.user_id("sam")
    issue = hooked.open_issue("example/payments", "Refund worker leaks connections")
    link = issue["html_url"]
    answer = sandbox.driver.slash_command(
        sam, declared.channel_id, f"action <{link}> <@{sam}> due 2026-03-20"
    )
    assert answer.body["text"] == f"Reading {link} ..."
    settle(sandbox)
    [item] = items(db)
    assert (item.text, item.ticket_url, str(item.due_on), item.owner_id) == (
        "Refund worker leaks connections",
        link,
        "2026-03-20",
        sam,
    )
    assert len(hooked.issues["example/payments"]) == 1  # no second issue for it
    told = [m["text"] for m in sandbox.ephemeral_messages(sam)]
    assert any("Refund worker leaks connections" in text for text in told)

    sandbox.driver.slash_command(sam, declared.channel_id, f"action {link} <@{sam}> due TBD")
    settle(sandbox)
    assert f"Action item #1 already tracks {link}; nothing was added." in [
        m["text"] for m in sandbox.ephemeral_messages(sam)
    ]
    hooked.set_state("example/payments", 1, "closed")
    settle(sandbox)
    assert item_status(db) == "done"

    closed = hooked.open_issue("example/payments", "Old idea")
    hooked.set_state("example/payments", 2, "closed")
    sandbox.driver.slash_command(
        sam, declared.channel_id, f"action {closed['html_url']} <@{sam}> due TBD"
    )
    settle(sandbox)
    assert f"{closed['html_url']} is already closed in GitHub; nothing was added." in [
        m["text"] for m in sandbox.ephemeral_messages(sam)
    ]
    elsewhere = "https://tracker.example.com/tickets/12"
    answer = sandbox.driver.slash_command(
        sam, declared.channel_id, f"action {elsewhere} <@{sam}> due TBD"
    )
    assert "is no GitHub ticket warroom can read" in answer.body["text"]
    assert len(items(db)) == 1
