"""Alerts to incidents: a real Alertmanager routes an alert to warroom, a rule declares it
and the channel is staffed (runbook, dashboards, recent deploys, the on-call paged); without
a rule the alert is a prompt in the alerts channel whose button declares it; repeats fold
into the prompt or the incident; resolved alerts are noted; the hooks refuse what they
must."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.alertmanager import RealAlertmanager
from tests.conftest import eventually, settle
from tests.e2e.incident_fixtures import Declared, run
from tests.e2e.paging_fixtures import PAGE, paged
from warroom.domain.timeline import EntryKind
from warroom.store import alert_groups, deploys, incidents, timeline
from warroom.store.models import AlertGroup, Incident

FIXTURES = Path(__file__).parent.parent / "fixtures"
TOKEN = "alerts-token"
LABELS = {"alertname": "HighErrorRate", "service": "payments", "severity": "critical"}
SUMMARY = "payments 5xx rate above 5% for 5 minutes"


@pytest.fixture
def alerts_channel(sandbox) -> str:
    return sandbox.create_channel("alerts", sandbox.user_id("alice"))


@pytest.fixture
def settings(settings, tmp_path, sandbox, pagerduty, alerts_channel):
    """Alert hooks on, the alerts channel, the paged payments service."""
    return paged(settings, tmp_path, sandbox, pagerduty).model_copy(
        update={
            "warroom_alerts_token": type(settings.slack_signing_secret)(TOKEN),
            "warroom_alerts_channel": alerts_channel,
        }
    )


def post(warroom, hook: str, body, token: str = TOKEN) -> httpx.Response:
    content = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return httpx.post(
        f"{warroom.url}/hooks/{hook}",
        content=content,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=10,
    )


def groups(db) -> list[AlertGroup]:
    with db.transaction() as session:
        return list(session.query(AlertGroup).order_by(AlertGroup.id))


def the_incident(db) -> Incident:
    with db.transaction() as session:
        [incident_id] = session.scalars(select(Incident.id)).all()
        return incidents.get(session, incident_id)


def alert_entries(db, incident_id: int) -> list:
    with db.transaction() as session:
        return [
            (e.details["status"], e.text, e.occurred_at)
            for e in timeline.entries(session, incident_id)
            if e.kind == EntryKind.ALERT
        ]


def prompts(sandbox, alerts_channel) -> list[dict]:
    return sandbox.messages(alerts_channel)


@pytest.mark.settings(warroom_auto_declare="severity=critical:sev1")
def test_a_real_alertmanager_alert_becomes_a_staffed_incident_and_resolve_resolves_its_page(
    sandbox, general, warroom, pagerduty, db, announce_channel, alerts_channel, clock
):
    with db.transaction() as session:
        deploys.record(
            session,
            {
                "service": "payments",
                "version": "v2.14.0",
                "deployed_by": "ci",
                "deployed_at": clock() - timedelta(minutes=20),
                "link": None,
                "source": "hook",
                "received_at": clock(),
            },
        )
    started = clock() - timedelta(minutes=3)
    with RealAlertmanager(f"{warroom.url}/hooks/alertmanager", TOKEN) as alertmanager:
        alertmanager.fire(LABELS, {"summary": SUMMARY}, starts_at=started)
        eventually(lambda: groups(db) and groups(db)[0].incident_id, timeout=10)
        settle(sandbox)
        incident = the_incident(db)
        assert (incident.title, incident.severity, incident.services) == (
            SUMMARY,
            "sev1",
            ["payments"],
        )
        assert abs(incident.detected_at - started) < timedelta(seconds=1)
        channel = "\n".join(str(m) for m in sandbox.messages(incident.channel_id))
        assert "Payments runbook" in channel and "Checkout latency" in channel
        assert "v2.14.0" in channel
        assert "Alert firing: " + SUMMARY in channel
        assert "PagerDuty is paging the on-call of payments. On call: Bob Builder." in channel
        assert pagerduty.alert(PAGE)["status"] == "triggered"
        [prompt] = prompts(sandbox, alerts_channel)
        assert "Declared as INC-1." in str(prompt["blocks"])

        alertmanager.resolve(LABELS)
        eventually(lambda: len(alert_entries(db, incident.id)) == 2, timeout=10)
        settle(sandbox)
    assert [status for status, _, _ in alert_entries(db, incident.id)] == ["firing", "resolved"]
    assert any(
        "Alert resolved: " + SUMMARY in m["text"] for m in sandbox.messages(incident.channel_id)
    )
    declared = Declared(
        incident.id, incident.channel_id, incident.headline_ts, incident.announcement_ts
    )
    run(sandbox, declared, "resolve Rolled back v2.14.0")
    assert pagerduty.alert(PAGE)["status"] == "resolved"


def test_without_a_rule_an_alert_prompts_and_its_button_declares_it(
    sandbox, general, warroom, pagerduty, db, announce_channel, alerts_channel
):
    body = json.loads((FIXTURES / "grafana" / "firing.json").read_text())
    answer = post(warroom, "grafana", body)
    assert answer.status_code == 200 and answer.json()["recorded"] is True
    settle(sandbox)
    [prompt] = prompts(sandbox, alerts_channel)
    assert prompt["text"] == "Alert 1 firing: checkout p99 latency above 2 s for 10 minutes"
    assert "suggested *SEV3* for *payments*" in str(prompt["blocks"])

    again = post(warroom, "grafana", body)  # Grafana repeats the notification
    assert again.json()["recorded"] is False
    second = {**body["alerts"][0], "fingerprint": "77aa", "labels": {**LABELS, "pod": "b"}}
    post(warroom, "grafana", {**body, "alerts": [body["alerts"][0], second]})
    settle(sandbox)
    [prompt] = prompts(sandbox, alerts_channel)
    assert prompt["text"].startswith("Alert 2 firing")
    assert pagerduty.events == [] and incidents_count(db) == 0

    sandbox.driver.block_action(
        sandbox.user_id("alice"),
        "declare_from_alert",
        prompt["blocks"][-1]["elements"][0]["value"],
        channel_id=alerts_channel,
        message_ts=prompt["ts"],
    )
    [view] = eventually(lambda: sandbox.open_views("declare_incident"))
    fields = str(view["view"]["blocks"])
    assert "checkout p99 latency above 2 s" in fields and "'sev3'" in fields
    answer = sandbox.driver.submit_view(
        sandbox.user_id("alice"),
        view["id"],
        {
            "title": {"value": "Checkout slow"},
            "severity": {"value": "sev2"},
            "services": {"value": ["payments"]},
        },
    )
    assert answer.status == 200
    settle(sandbox)
    incident = the_incident(db)
    assert (incident.title, incident.severity) == ("Checkout slow", "sev2")
    assert [g.incident_id for g in groups(db)] == [incident.id]
    assert [s for s, _, _ in alert_entries(db, incident.id)] == ["firing", "firing"]
    assert incident.detected_at == datetime(2026, 3, 11, 14, 5, tzinfo=UTC)
    [prompt] = prompts(sandbox, alerts_channel)
    assert "Declared as INC-1." in str(prompt["blocks"])
    assert "declare_from_alert" not in str(prompt["blocks"])

    # The same alert resolving is noted on the incident, not on a new prompt.
    resolved = {**body["alerts"][0], "status": "resolved", "endsAt": "2026-03-11T14:16:00Z"}
    post(warroom, "grafana", {**body, "status": "resolved", "alerts": [resolved]})
    settle(sandbox)
    assert [s for s, _, _ in alert_entries(db, incident.id)][-1] == "resolved"
    assert len(prompts(sandbox, alerts_channel)) == 1


def incidents_count(db) -> int:
    with db.transaction() as session:
        return session.query(Incident).count()


def test_the_prompt_of_alerts_declared_meanwhile_says_so(
    sandbox, general, warroom, pagerduty, db, announce_channel, alerts_channel
):
    post(warroom, "alerts", {"title": "Queue backlog over 10k", "severity": "high"})
    settle(sandbox)
    [prompt] = prompts(sandbox, alerts_channel)
    group_id = prompt["blocks"][-1]["elements"][0]["value"]
    for user in ("alice", "bob"):
        sandbox.driver.block_action(
            sandbox.user_id(user),
            "declare_from_alert",
            group_id,
            channel_id=alerts_channel,
            message_ts=prompt["ts"],
        )
    views = eventually(lambda: len(sandbox.open_views("declare_incident")) == 2)
    views = sandbox.open_views("declare_incident")
    first, second = (
        sandbox.driver.submit_view(sandbox.user_id(user), view["id"], {})
        for user, view in zip(("alice", "bob"), views, strict=True)
    )
    assert first.status == 200
    assert second.body["errors"] == {"title": "These alerts are already INC-1."}
    settle(sandbox)
    assert incidents_count(db) == 1


def test_a_quiet_resolved_group_begins_anew_and_repeats_within_the_window_fold(
    sandbox, general, warroom, pagerduty, db, alerts_channel, bot
):
    firing = {"title": "Disk 90% full", "key": "disk-db1", "severity": "warning"}
    post(warroom, "alerts", firing)
    post(warroom, "alerts", {**firing, "status": "resolved"})
    again = post(warroom, "alerts", firing)  # flapping: within the window, the same prompt
    assert again.json()["recorded"] is True
    settle(sandbox)
    assert len(groups(db)) == 1 and len(prompts(sandbox, alerts_channel)) == 1
    post(warroom, "alerts", {**firing, "status": "resolved"})
    with db.transaction() as session:  # an hour and more of quiet
        [group] = session.query(AlertGroup).all()
        group.last_seen_at -= timedelta(hours=2)
    post(warroom, "alerts", firing)
    settle(sandbox)
    assert len(groups(db)) == 2 and len(prompts(sandbox, alerts_channel)) == 2
    with db.transaction() as session:
        assert alert_groups.taking_in(session, "nothing") is None


@pytest.mark.parametrize("hook", ["alertmanager", "grafana", "alerts"])
def test_hooks_refuse_a_wrong_token_and_unreadable_bodies_and_store_nothing(
    sandbox, warroom, db, hook, alerts_channel
):
    body = json.loads((FIXTURES / "alertmanager" / "firing.json").read_text())
    if hook == "alerts":
        body = {"title": "Checkout failing"}
    assert post(warroom, hook, body, token="wrong").status_code == 401
    assert httpx.post(f"{warroom.url}/hooks/{hook}", json=body).status_code == 401
    answer = post(warroom, hook, b"{not json")
    assert answer.status_code == 400 and answer.json()["ok"] is False
    missing = {k: v for k, v in body.items() if k not in ("alerts", "title")}
    answer = post(warroom, hook, missing)
    assert answer.status_code == 400
    assert answer.json()["reason"] in ("alerts: Field required", "title: Field required")
    assert groups(db) == []
    settle(sandbox)
    assert prompts(sandbox, alerts_channel) == []


def test_links_and_text_in_alerts_cannot_ping_or_link_anywhere(
    sandbox, warroom, db, alerts_channel
):
    post(
        warroom,
        "alerts",
        {
            "title": "<!channel> disk full <https://evil.example|click>",
            "link": "https://ok.example/a",
        },
    )
    bad_link = {"title": "x", "key": "k2", "link": "javascript:alert(1)"}
    assert post(warroom, "alerts", bad_link).status_code == 400
    settle(sandbox)
    [prompt] = prompts(sandbox, alerts_channel)
    assert "<!channel>" not in str(prompt["blocks"]) and "&lt;!channel&gt;" in str(prompt["blocks"])
