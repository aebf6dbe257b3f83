"""The dashboard over real HTTP, signed in through the sandbox's Sign in with Slack: the
incident list and its filters, exports of the same view, an incident's page, and private
incidents shown to their channel's members only."""

import csv
import io
import re

import httpx

from tests.conftest import settle
from tests.dashboard.conftest import sign_in
from tests.e2e.incident_fixtures import (
    declare_and_settle,
    declare_in_form,
    declare_private_and_settle,
    run,
)


def test_sign_in_filter_open_and_export(sandbox, general, dashboard, db, announce_channel):
    payments = declare_and_settle(sandbox, db, "sev1 Payments failing")
    declare_and_settle(sandbox, db, "sev3 Search slow")
    run(sandbox, payments, "role ic me")
    run(sandbox, payments, "update Rolled back the deploy")
    settle(sandbox)
    alice = sandbox.user_id("alice")
    browser = sign_in(sandbox, dashboard.url, "alice")

    listed = browser.get("/incidents").text
    assert "INC-1</a> Payments failing" in listed and "INC-2</a> Search slow" in listed
    sev1 = browser.get("/incidents?severity=sev1").text
    assert "Payments failing" in sev1 and "Search slow" not in sev1
    as_ic = browser.get(f"/incidents?ic={alice}").text
    assert "Payments failing" in as_ic and "Search slow" not in as_ic
    assert f'<option value="{alice}" selected>@alice</option>' in as_ic  # picked by name
    nobody = browser.get("/incidents?ic=U0NOBODY").text  # a link's IC who never was one
    assert '<option value="U0NOBODY" selected>U0NOBODY</option>' in nobody  # as written
    assert "0 incidents ·" in nobody
    assert "1 incident ·" in browser.get("/incidents?severity=sev3").text
    wrong = browser.get("/incidents?severity=sev9&from=yesterday").text
    assert "Left out of the filter: severity &#39;sev9&#39; is not one warroom knows" in wrong
    assert "from &#39;yesterday&#39; is no date (YYYY-MM-DD)" in wrong

    exported = browser.get("/incidents.csv?severity=sev1")
    assert exported.headers["content-disposition"] == 'attachment; filename="incidents.csv"'
    [row] = list(csv.DictReader(io.StringIO(exported.text)))
    assert (row["reference"], row["title"], row["severity"], row["commander"]) == (
        "INC-1",
        "Payments failing",
        "sev1",
        "alice",
    )
    as_json = browser.get("/incidents.json").json()
    assert [r["reference"] for r in as_json] == ["INC-2", "INC-1"]

    page = browser.get("/incidents/1").text
    assert "INC-1: Payments failing" in page and "Incident Commander" in page
    assert "Time to acknowledge" in page
    everything = browser.get("/incidents/1?timeline=all").text
    assert "Rolled back the deploy" in everything
    assert "There is no incident INC-99" in browser.get("/incidents/99").text


def test_a_private_incident_exists_only_for_its_channels_members(
    sandbox, general, dashboard, db, announce_channel
):
    declare_and_settle(sandbox, db, "sev2 Search slow")
    secret = declare_private_and_settle(sandbox, db, "Contractor laptop stolen")
    run(sandbox, secret, "role ic me")  # alice: IC of nothing else
    member = sign_in(sandbox, dashboard.url, "alice")  # declared it: in its channel
    stranger = sign_in(sandbox, dashboard.url, "bob")
    assert "@alice</option>" in member.get("/incidents").text
    assert "@alice</option>" not in stranger.get("/incidents").text  # the IC filter too

    assert "Contractor laptop stolen" in member.get("/incidents").text
    assert "Contractor laptop stolen" in member.get(f"/incidents/{secret.id}").text
    for path in ("/incidents", "/incidents.csv", "/incidents.json", f"/incidents/{secret.id}"):
        shown = stranger.get(path).text
        assert "Contractor laptop stolen" not in shown, path
        assert "Search slow" in shown or path.endswith(str(secret.id)), path
    assert (
        f"There is no incident INC-{secret.id} that you may see"
        in stranger.get(f"/incidents/{secret.id}").text
    )


def test_sign_in_refuses_what_it_should_and_sign_out_needs_the_form_token(
    sandbox, general, dashboard, db, announce_channel
):
    anonymous = httpx.Client(base_url=dashboard.url, timeout=10)
    sent = anonymous.get("/incidents.json?severity=sev1")
    assert sent.status_code == 303
    assert sent.headers["location"] == "/sign-in?next=%2Fincidents.json%3Fseverity%3Dsev1"
    assert anonymous.get("/sign-in/callback?code=x&state=forged").status_code == 400
    to_slack = anonymous.get("/sign-in")
    assert (
        to_slack.status_code == 303 and "/openid/connect/authorize?" in to_slack.headers["location"]
    )
    cookie = to_slack.headers["set-cookie"].lower()
    assert cookie.startswith("warroom_session=") and "httponly" in cookie
    assert "samesite=lax" in cookie

    browser = sign_in(sandbox, dashboard.url, "alice", "/incidents?severity=sev2")
    assert browser.post("/sign-out", data={"csrf": "forged"}).status_code == 403
    assert browser.get("/incidents").url.path == "/incidents"  # still signed in
    assert browser.post("/sign-out", data={"csrf": _csrf(browser)}).text == "Signed out of warroom."
    assert browser.get("/incidents").url.path == "/openid/connect/authorize"


def test_a_sign_in_link_never_leads_off_the_site(sandbox, general, dashboard, db):
    browser = sign_in(sandbox, dashboard.url, "alice", "/incidents")
    browser.post("/sign-out", data={"csrf": _csrf(browser)})
    consent = browser.get("/sign-in?next=https://evil.example.com/")
    link = consent.text.split('<a href="')[1].split('"')[0].replace("&amp;", "&")
    assert browser.get(link).url.path == "/incidents"


def _csrf(browser) -> str:
    return browser.get("/incidents").text.split('name="csrf" value="')[1].split('"')[0]


def test_people_of_another_workspace_are_not_let_in(
    sandbox, general, dashboard, db, announce_channel, bot
):
    assert bot.services.slack.team_id == sandbox.workspace.team_id  # warroom's, as it knows it
    sandbox.workspace.team_id = "T0ELSEWHERE"  # the same person, signing in from elsewhere
    browser = httpx.Client(base_url=dashboard.url, follow_redirects=True, timeout=10)
    consent = browser.get("/incidents")
    link = consent.text.split('<a href="')[1].split('"')[0].replace("&amp;", "&")
    refused = browser.get(link)
    assert refused.status_code == 403 and "another workspace" in refused.text


def test_insights_count_only_what_the_reader_may_see(
    sandbox, general, dashboard, db, announce_channel
):
    declare_and_settle(sandbox, db, "sev2 Search slow")
    declare_private_and_settle(sandbox, db, "Contractor laptop stolen")
    member = sign_in(sandbox, dashboard.url, "alice", "/insights")
    stranger = sign_in(sandbox, dashboard.url, "bob", "/insights")
    shown = member.get("/insights").text
    assert "2 incidents declared from 2026-01-01 to 2026-03-11." in shown
    assert "<title>Week of 2026-03-09: 1 SEV1</title>" in shown  # the bar of the chart
    assert "1 incident declared from" in stranger.get("/insights").text
    assert "1 SEV1" not in stranger.get("/insights").text
    wrong = stranger.get("/insights?from=last+week").text
    assert (
        "from &#39;last week&#39; is no date (YYYY-MM-DD): the period's default is used." in wrong
    )


def test_an_incident_page_lists_the_recent_incidents_it_looks_like(
    sandbox, general, dashboard, db, announce_channel, bot, clock
):
    from warroom.app import postmortems

    first = declare_and_settle(sandbox, db, "sev2 Refunds failing")
    postmortems.save_notes(
        bot.core, first.id, by="U1", contributing_factors="Retry storm\n- No backoff"
    )
    clock.advance(hours=1)
    second = declare_and_settle(sandbox, db, "sev3 Search slow")
    postmortems.save_notes(bot.core, second.id, by="U1", contributing_factors="no backoff")
    clock.advance(hours=1)
    secret = declare_private_and_settle(sandbox, db, "Card data exposed")
    postmortems.save_notes(bot.core, secret.id, by="U1", contributing_factors="No backoff")
    clock.advance(hours=1)
    third = declare_and_settle(sandbox, db, "sev2 Refunds failing again")
    postmortems.save_notes(
        bot.core, third.id, by="U1", contributing_factors="Retry storm\nNo backoff"
    )

    stranger = sign_in(sandbox, dashboard.url, "bob", f"/incidents/{third.id}")
    page = stranger.get(f"/incidents/{third.id}").text
    alike = page.split("Looks like")[1].split("</ol>")[0]
    assert alike.index("INC-1") < alike.index("INC-2")  # two factors in common, then one
    assert "Retry storm, No backoff" in alike and "Card data exposed" not in page
    member = sign_in(sandbox, dashboard.url, "alice", f"/incidents/{third.id}")
    assert "Card data exposed" in member.get(f"/incidents/{third.id}").text


def test_the_postmortem_reads_with_what_the_linter_finds(
    sandbox, general, dashboard, db, announce_channel
):
    declared = declare_and_settle(sandbox, db, "sev2 Refunds failing")
    run(sandbox, declared, "resolve Rolled back")
    secret = declare_private_and_settle(sandbox, db, "Card data exposed")
    run(sandbox, secret, "resolve Keys rotated")
    browser = sign_in(sandbox, dashboard.url, "bob")
    assert "/incidents/1/postmortem" in browser.get("/incidents/1").text  # drafted on resolve
    page = browser.get("/incidents/1/postmortem").text
    assert "INC-1 postmortem: Refunds failing" in page and "What the linter finds" in page
    assert "<li><strong>" in page  # a SEV2 with no action items is one finding at least
    assert "# INC-1" in page  # the Markdown draft, as Slack gets it
    hidden = browser.get(f"/incidents/{secret.id}/postmortem").text
    assert "Card data exposed" not in hidden and "There is no incident" in hidden


def test_search_finds_words_in_titles_and_timelines_and_never_a_hidden_incident(
    sandbox, general, dashboard, db, announce_channel
):
    replica = declare_and_settle(sandbox, db, "sev2 Checkout errors")
    declare_in_form(sandbox, db, "Search slow", "p99 at 4 s for 100% of queries", severity="sev3")
    secret = declare_private_and_settle(sandbox, db, "Replica keys leaked")
    alice = sandbox.user_id("alice")
    sandbox.driver.post_message(alice, replica.channel_id, "The REPLICA is 40 s behind")
    gone = sandbox.driver.post_message(alice, replica.channel_id, "failover in progress")
    sandbox.driver.delete_message(alice, replica.channel_id, gone)
    settle(sandbox)
    member = sign_in(sandbox, dashboard.url, "alice")
    stranger = sign_in(sandbox, dashboard.url, "bob")

    def found(browser, words: str) -> list[str]:
        shown = browser.get("/incidents", params={"q": words}).text
        return re.findall(r'<a href="/incidents/\d+">(INC-\d+)</a>', shown)

    assert found(member, "replica") == [f"INC-{secret.id}", f"INC-{replica.id}"]
    assert found(stranger, "replica") == [f"INC-{replica.id}"]  # a message, whatever its case
    assert found(stranger, "replica behind") == [f"INC-{replica.id}"]  # every word
    assert found(stranger, "replica slow") == []
    assert found(stranger, "100%") == ["INC-2"]  # in the description; % is no wildcard
    assert found(stranger, "1_0%") == [] and found(stranger, "10%s") == []
    assert found(stranger, "failover") == []  # deleted in Slack, out of the search too
    assert found(stranger, "inc-2") == ["INC-2"]
    assert found(stranger, "keys") == [] and found(stranger, f"INC-{secret.id}") == []
    hidden = stranger.get("/incidents.json?q=leaked").json()
    assert hidden == [] and len(member.get("/incidents.json?q=leaked").json()) == 1
    shared = member.get("/incidents?q=replica&severity=sev2").text
    assert 'value="replica"' in shared and "Replica keys leaked" not in shared
    assert "/incidents.csv?q=replica&amp;severity=sev2" in shared  # the export is the view
    past_the_end = member.get("/incidents?page=9").text
    assert "3 incidents ·" in past_the_end and "No incident matches." in past_the_end
    assert "4 incidents ·" not in member.get("/incidents").text  # the window's total, too
    assert "3 incidents ·" in member.get("/incidents").text
    many = member.get("/incidents", params={"q": "a b c d e f g h i"}).text
    assert "Left out of the filter: the search&#39;s words after the first 8" in many


def test_a_timeline_entrys_web_address_is_a_link(sandbox, general, dashboard, db):
    incident = declare_and_settle(sandbox, db, "sev2 Refunds failing")
    bob, alice = sandbox.user_id("bob"), sandbox.user_id("alice")
    sandbox.driver.join(sandbox.bot_user_id, general)
    ts = sandbox.driver.post_message(bob, general, "Refunds <time out> since 14:00")
    settle(sandbox)
    sandbox.driver.message_shortcut(alice, "add_to_timeline", general, ts)
    settle(sandbox)
    [form] = sandbox.open_views("attach_message")
    sandbox.driver.submit_view(alice, form["id"], {"incident": {"value": str(incident.id)}})
    settle(sandbox)
    permalink = sandbox.workspace.permalink(general, ts)

    page = sign_in(sandbox, dashboard.url, "alice").get(f"/incidents/{incident.id}").text
    said = "@alice attached a message by @bob: Refunds &lt;time out&gt; since 14:00"
    assert f'{said} <a href="{permalink}">{permalink}</a></li>' in page
