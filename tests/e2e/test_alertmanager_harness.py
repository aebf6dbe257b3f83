"""The real-Alertmanager harness (tests/alertmanager.py) against a tiny webhook receiver.

tests/fixtures/alertmanager/ holds a firing and a resolved body such a run sent (externalURL
made http://alertmanager.example:9093), as real payload samples for other tests.
"""

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.alertmanager import RealAlertmanager, alertmanager_binary
from tests.conftest import eventually
from warroom.web.background import BackgroundServer

FIXTURES = Path(__file__).parent.parent / "fixtures" / "alertmanager"
TOKEN = "am-webhook-token"
LABELS = {
    "alertname": "HighErrorRate",
    "service": "checkout",
    "severity": "critical",
    "instance": "checkout-1:8080",
}
ANNOTATIONS = {"summary": "checkout 5xx rate above 5% for 5 minutes"}


class Receiver:
    """A webhook endpoint recording each POST's headers and JSON body."""

    def __init__(self):
        self.posts: list[tuple[dict, dict]] = []
        app = Starlette(routes=[Route("/alertmanager", self.record, methods=["POST"])])
        self.server = BackgroundServer(app)

    async def record(self, request: Request) -> Response:
        self.posts.append((dict(request.headers), await request.json()))
        return Response(status_code=200)

    @property
    def url(self) -> str:
        return f"{self.server.url}/alertmanager"

    def nth(self, n: int) -> tuple[dict, dict]:
        """The n-th POST (from 1), waiting up to 10 s for it."""
        return eventually(lambda: len(self.posts) >= n and self.posts[n - 1], timeout=10)


@pytest.fixture
def receiver():
    alertmanager_binary()  # skips (or, in CI, fails) before anything starts
    receiver = Receiver()
    receiver.server.start()
    yield receiver
    receiver.server.stop()


def shape(body: dict) -> tuple:
    return sorted(body), sorted(body["alerts"][0])


def test_an_alert_is_sent_firing_with_the_bearer_token_then_resolved(receiver):
    with RealAlertmanager(receiver.url, TOKEN) as am:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", am.url)
        am.fire(LABELS, ANNOTATIONS)
        headers, firing = receiver.nth(1)
        assert headers["authorization"] == f"Bearer {TOKEN}"
        assert headers["content-type"] == "application/json"
        assert firing["version"] == "4" and firing["status"] == "firing"
        assert firing["receiver"] == "warroom"
        assert firing["groupKey"] == '{}:{alertname="HighErrorRate", service="checkout"}'
        assert firing["groupLabels"] == {"alertname": "HighErrorRate", "service": "checkout"}
        assert firing["commonLabels"] == LABELS and firing["commonAnnotations"] == ANNOTATIONS
        assert firing["truncatedAlerts"] == 0
        # Its own URL, named by the machine's hostname rather than the address it listens on.
        assert firing["externalURL"].endswith(":" + am.url.rsplit(":", 1)[1])
        [alert] = firing["alerts"]
        assert alert["status"] == "firing" and alert["labels"] == LABELS
        assert alert["annotations"] == ANNOTATIONS
        assert re.fullmatch(r"[0-9a-f]{16}", alert["fingerprint"])
        assert datetime.fromisoformat(alert["startsAt"])
        assert alert["endsAt"] == "0001-01-01T00:00:00Z"  # Go's zero time: no end yet

        am.resolve(LABELS)
        headers, resolved = receiver.nth(2)
        assert headers["authorization"] == f"Bearer {TOKEN}"
        assert resolved["status"] == "resolved" and resolved["groupKey"] == firing["groupKey"]
        [gone] = resolved["alerts"]
        assert gone["status"] == "resolved" and gone["fingerprint"] == alert["fingerprint"]
        assert gone["startsAt"] == alert["startsAt"] and gone["annotations"] == ANNOTATIONS
        assert datetime.fromisoformat(gone["endsAt"]) > datetime.fromisoformat(gone["startsAt"])

    # The saved samples are bodies of this very shape.
    assert shape(json.loads((FIXTURES / "firing.json").read_text())) == shape(firing)
    assert shape(json.loads((FIXTURES / "resolved.json").read_text())) == shape(resolved)


def test_two_alerts_of_one_group_arrive_in_one_notification(receiver):
    # With group_wait 0 s the first alert would go alone, the second a group_interval later.
    with RealAlertmanager(receiver.url, TOKEN, group_wait="1s") as am:
        for instance in ("checkout-1:8080", "checkout-2:8080"):
            am.fire({**LABELS, "instance": instance}, ANNOTATIONS)
        _, body = receiver.nth(1)
        assert [a["labels"]["instance"] for a in body["alerts"]] == [
            "checkout-1:8080",
            "checkout-2:8080",
        ]
        assert body["commonLabels"] == {k: v for k, v in LABELS.items() if k != "instance"}
        assert len({a["fingerprint"] for a in body["alerts"]}) == 2
        assert len(receiver.posts) == 1
