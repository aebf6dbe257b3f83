"""Notifications as senders shape them, read into alert batches: the real Alertmanager body
in tests/fixtures, Grafana's extra fields, and links that are empty or not web addresses."""

import json
from datetime import UTC, datetime
from pathlib import Path

from warroom.domain.alerts import AlertStatus
from warroom.web.alert_hooks import Notification, notified

FIXTURES = Path(__file__).parent.parent / "fixtures"


def body(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_alertmanager_body_becomes_one_batch_of_its_group():
    batch = notified("alertmanager", Notification.model_validate(body("alertmanager/firing.json")))
    assert batch.title == "checkout 5xx rate above 5% for 5 minutes"
    assert (
        batch.labels["severity"] == "critical" and batch.link == "http://alertmanager.example:9093/"
    )
    [alert] = batch.alerts
    assert (alert.fingerprint, alert.status) == ("beb69e792e2dfd2e", AlertStatus.FIRING)
    assert alert.starts_at.tzinfo == UTC and alert.link is None  # its generatorURL is empty


def test_the_first_link_that_is_a_web_address_is_the_alert_s():
    grafana = body("grafana/firing.json")
    [alert] = notified("grafana", Notification.model_validate(grafana)).alerts
    assert alert.link == "https://grafana.example.com/d/payments?viewPanel=4"
    grafana["alerts"][0] |= {"panelURL": "", "dashboardURL": "not a link"}
    [alert] = notified("grafana", Notification.model_validate(grafana)).alerts
    assert alert.link == "https://grafana.example.com/alerting/grafana/d2f1a7/view"
    assert alert.starts_at == datetime(2026, 3, 11, 14, 5, tzinfo=UTC)


def test_a_sender_without_fingerprints_gets_one_from_the_labels():
    raw = body("alertmanager/firing.json")
    raw["alerts"][0].pop("fingerprint")
    first = notified("alertmanager", Notification.model_validate(raw)).alerts[0]
    again = notified("alertmanager", Notification.model_validate(raw)).alerts[0]
    assert first.fingerprint == again.fingerprint and len(first.fingerprint) == 16
