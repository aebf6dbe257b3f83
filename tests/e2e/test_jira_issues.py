"""Action items tracked as Jira issues, against the Jira emulator (written from Jira Cloud's
published OpenAPI description): a new item opens an issue in its service's project, assigned
to the Jira account with the owner's email address; done, reopened and edited in Slack moves
and edits the issue; moving the issue in Jira moves the item; Jira down is retried; each
service chooses its tracker."""

import httpx
import pytest
from sqlalchemy import select

from tests.conftest import deliver_everything, settle
from tests.e2e.incident_fixtures import declare_and_settle, run
from tests.e2e.test_action_items import items
from tests.e2e.tracker_fixtures import catalog_with, edit, mark_done
from warroom.emulators.github import GitHubEmulator
from warroom.emulators.jira import JiraEmulator
from warroom.integrations.trackers import marker
from warroom.store.models import ActionItem

SECRET = "jira-webhook-secret-in-the-url"


@pytest.fixture
def jira():
    with JiraEmulator() as emulator:
        emulator.add_project("PAY")
        emulator.add_project("OPS")
        yield emulator


@pytest.fixture
def github():
    with GitHubEmulator() as emulator:
        emulator.add_repo("example/payments")
        yield emulator


@pytest.fixture
def settings(settings, tmp_path, jira, github):
    """Both trackers set up: payments chooses Jira's PAY; Jira is also the default."""
    catalog = catalog_with(
        tmp_path,
        {
            "warroom/tracker": "jira",
            "jira/project-key": "PAY",
            "github.com/project-slug": "example/payments",  # its deploys come from there
        },
    )
    secret = type(settings.slack_signing_secret)
    return settings.model_copy(
        update={
            "warroom_catalog": catalog,
            "warroom_jira_url": jira.url,
            "warroom_jira_email": jira.email,
            "warroom_jira_api_token": secret(jira.token),
            "warroom_jira_project": "OPS",
            "warroom_jira_webhook_secret": secret(SECRET),
            "warroom_github_token": secret(github.token),
            "warroom_github_api_url": github.api_url,
        }
    )


@pytest.fixture
def hooked(jira, warroom):
    jira.webhook_url = f"{warroom.url}/hooks/jira/{SECRET}"
    return jira


def item_status(db) -> str:
    with db.transaction() as session:
        return session.scalar(select(ActionItem.status))


def test_an_item_and_its_jira_issue_move_and_change_together(
    sandbox, general, warroom, hooked, github, db, announce_channel
):
    priya_in_jira = hooked.add_user("Priya Shah", "priya@example.com")
    declared = declare_and_settle(sandbox, db, "sev2 payments: Refunds slow")
    priya, sam = sandbox.user_id("priya"), sandbox.user_id("sam")
    run(sandbox, declared, f"action Add memory alerts on payments <@{priya}> due 2026-03-20")
    [item] = items(db)
    assert item.ticket_url == f"{hooked.url}/browse/PAY-1"
    fields = hooked.issue("PAY-1")["fields"]
    assert fields["summary"] == "Add memory alerts on payments"
    assert fields["duedate"] == "2026-03-20" and fields["labels"] == [marker(item.id)]
    assert fields["assignee"] == {"accountId": priya_in_jira}
    said = str(fields["description"])
    assert "INC-1 (SEV2)" in said and "Owner: @priya, due 2026-03-20." in said
    assert github.issues["example/payments"] == []  # the service chose Jira

    edit(
        sandbox,
        declared,
        priya,
        item.id,
        {"text": "Add memory alerts on payments and refunds", "owner": sam, "due": "2026-03-27"},
    )
    fields = hooked.issue("PAY-1")["fields"]
    assert fields["summary"] == "Add memory alerts on payments and refunds"
    assert fields["duedate"] == "2026-03-27"
    assert fields["assignee"] is None  # Jira knows no sam@example.com: the description says
    assert "Owner: @sam, due 2026-03-27." in str(fields["description"])

    mark_done(sandbox, declared, priya, item.id)
    assert hooked.issue("PAY-1")["fields"]["status"]["name"] == "Done"

    hooked.move("PAY-1", "In Progress")
    settle(sandbox)
    assert item_status(db) == "open" and hooked.deliveries == [200]
    hooked.move("PAY-1", "Done")
    settle(sandbox)
    assert item_status(db) == "done"
    hooked.move("PAY-1", "Done")  # Jira says it again: nothing changes
    assert hooked.deliveries == [200, 200, 202]

    forged = {"webhookEvent": "jira:issue_updated", "issue": hooked.issue("PAY-1")}
    answer = httpx.post(f"{warroom.url}/hooks/jira/not-the-secret", json=forged)
    assert answer.status_code == 401 and item_status(db) == "done"


def test_jira_down_is_retried_once_and_the_default_project_takes_items_of_no_service(
    sandbox, general, warroom, jira, bot, clock, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 Search slow")  # no service: the default
    jira.fail(503, times=1)
    run(sandbox, declared, f"action Tune the index <@{sandbox.user_id('sam')}> due TBD")
    assert jira.projects["OPS"] == []
    deliver_everything(bot, clock)
    [issue] = jira.projects["OPS"]
    assert items(db)[0].ticket_url == f"{jira.url}/browse/{issue['key']}"
    assert issue["fields"]["duedate"] is None and issue["fields"]["assignee"] is None
    # The retry looked for an issue an earlier attempt might have opened, then opened one.
    searched = [call for call in jira.calls if call[1].endswith("/search/jql")]
    assert searched == [("GET", "/rest/api/3/search/jql", 200)]


@pytest.mark.settings(warroom_tracker="github")
def test_a_service_that_chooses_github_goes_there_when_jira_is_the_default(
    sandbox, general, warroom, jira, github, db, announce_channel, settings, tmp_path
):
    assert settings.default_tracker == "github"
    declared = declare_and_settle(sandbox, db, "sev3 Search slow")  # no service: GitHub
    run(sandbox, declared, f"action Tune the index <@{sandbox.user_id('sam')}> due TBD")
    assert jira.projects["OPS"] == [] and items(db)[0].ticket_url is None  # no default repo


def test_the_reconcile_reads_jira_back_and_leaves_items_whose_change_is_on_its_way(
    sandbox, general, warroom, jira, bot, clock, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    sam = sandbox.user_id("sam")
    run(sandbox, declared, f"action Tune the refund index <@{sam}> due TBD")
    jira_of = bot.core.outbox.integrations["jira"]
    jira.move("PAY-1", "Done")  # no webhook is set up
    assert jira_of.reconcile() == 1
    settle(sandbox)
    assert item_status(db) == "done"

    jira.fail(503)  # the item is reopened in Slack, and Jira does not hear of it yet
    reopened = {"text": "Tune the refund index", "owner": sam, "status": "open"}
    edit(sandbox, declared, sam, items(db)[0].id, reopened)
    assert jira.calls[-1][2] == 503
    jira.recover()
    assert jira_of.reconcile() == 0  # its change is still on its way: left alone
    assert item_status(db) == "open"
    deliver_everything(bot, clock)
    assert jira.issue("PAY-1")["fields"]["status"]["name"] == "To Do"
    assert jira_of.reconcile() == 0 and item_status(db) == "open"


def test_an_existing_jira_issue_becomes_an_item_with_its_due_date(
    sandbox, general, warroom, jira, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev3 payments: Refunds slow")
    sam = sandbox.user_id("sam")
    key = jira.add_issue("PAY", "Retire the refund cron", duedate="2026-04-01")
    link = f"{jira.url}/browse/{key}"
    sandbox.driver.slash_command(sam, declared.channel_id, f"action <{link}> <@{sam}> due TBD")
    settle(sandbox)
    [item] = items(db)
    assert (item.text, item.ticket_url, str(item.due_on)) == (
        "Retire the refund cron",
        link,
        "2026-04-01",
    )
    assert len(jira.projects["PAY"]) == 1

    jira.fail(503)
    other = f"{jira.url}/browse/{jira.add_issue('PAY', 'Another')}"
    sandbox.driver.slash_command(sam, declared.channel_id, f"action {other} <@{sam}> due TBD")
    settle(sandbox)
    [said] = [m["text"] for m in sandbox.ephemeral_messages(sam) if "Could not read" in m["text"]]
    assert "Jira answered HTTP 503" in said and "nothing was added" in said
    assert len(items(db)) == 1
