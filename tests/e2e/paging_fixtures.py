"""A warroom whose catalog's payments service is paged through the PagerDuty emulator, for
the tests that page: each module's `pagerduty` fixture enters `emulator()`, and its
`settings` fixture returns `paged(settings, ...)`."""

import hashlib
import hmac
import json
from contextlib import contextmanager

import httpx

from tests.unit.test_catalog import PAYMENTS
from warroom.emulators.pagerduty import PagerDutyEmulator

ROUTING_KEY = "0123456789abcdef0123456789abcdef"  # PAYMENTS' pagerduty.com/integration-key
WEBHOOK_SECRET = "pagerduty-webhook-secret"
PAGE = "warroom-1-payments"
SENDER = "warroom@example.com"  # the PagerDuty user warroom pages people as


@contextmanager
def emulator():
    with PagerDutyEmulator(webhook_secret=WEBHOOK_SECRET) as pagerduty:
        pagerduty.add_service(
            "PABC123", "Payments API", ROUTING_KEY, [("PBOB", "Bob Builder", "bob@example.com")]
        )
        pagerduty.add_user("PWARROOM", "warroom", SENDER)
        pagerduty.add_user("PALICE", "Alice Example", "alice@example.com")
        yield pagerduty


def paged(settings, tmp_path, sandbox, pagerduty):
    """The settings with the catalog (its owner priya) and PagerDuty's addresses and keys."""
    catalog = tmp_path / "catalog-info.yaml"
    catalog.write_text(PAYMENTS.replace("U0PRIYA", sandbox.user_id("priya")))
    secret = type(settings.slack_signing_secret)
    return settings.model_copy(
        update={
            "warroom_catalog": catalog,
            "warroom_pagerduty_events_url": pagerduty.events_url,
            "warroom_pagerduty_api_url": pagerduty.rest_url,
            "warroom_pagerduty_api_key": secret(pagerduty.api_key),
            "warroom_pagerduty_from": SENDER,
            "warroom_pagerduty_webhook_secret": secret(WEBHOOK_SECRET),
            "warroom_ca_bundle": pagerduty.ca_file,
        }
    )


def webhook(warroom, body: dict, secret=WEBHOOK_SECRET) -> httpx.Response:
    """A PagerDuty v3 webhook as PagerDuty signs it, posted to `warroom` (a server)."""
    raw = json.dumps(body).encode()
    signature = "v1=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    headers = {"x-pagerduty-signature": f"v1=stale, {signature}"}
    return httpx.post(f"{warroom.url}/hooks/pagerduty", content=raw, headers=headers)


def acknowledged(key: str) -> dict:
    """Bob Builder's acknowledgement of the page `key`, as PagerDuty's webhook says it."""
    return {
        "event": {
            "id": "01DEN4HPBQAAAG05V5QQYBRZMF",
            "event_type": "incident.acknowledged",
            "resource_type": "incident",
            "occurred_at": "2026-03-11T14:20:00Z",
            "agent": {"id": "PBOB", "type": "user_reference", "summary": "Bob Builder"},
            "data": {"id": "Q1", "type": "incident", "incident_key": key},
        }
    }
