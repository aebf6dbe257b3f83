"""Deploys reported over HTTP, by a pipeline's bearer token and by GitHub's signed
`deployment_status` events: refused when forged, recorded once, listed on a declare for the
service, and on the postmortem's timeline."""

import hashlib
import hmac
import json

import httpx
import pytest
from sqlalchemy import select

from tests.e2e.incident_fixtures import declare_and_settle, run
from tests.unit.test_catalog import PAYMENTS
from warroom.app.postmortem_draft import gather
from warroom.store.models import Deploy

TOKEN = "deploy-token-for-tests"
GITHUB_SECRET = "github-secret-for-tests"


@pytest.fixture
def settings(settings, tmp_path):
    catalog = tmp_path / "catalog-info.yaml"
    slug = "  annotations:\n    github.com/project-slug: example/payments-api\n"
    catalog.write_text(PAYMENTS.replace("  annotations:\n", slug, 1))
    secret = type(settings.slack_signing_secret)
    return settings.model_copy(
        update={
            "warroom_catalog": catalog,
            "warroom_page_on_declare": (),  # paging is tested against its emulator
            "warroom_deploy_token": secret(TOKEN),
            "warroom_github_webhook_secret": secret(GITHUB_SECRET),
        }
    )


def report(warroom, body, token=TOKEN) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{warroom.url}/hooks/deploys", content=content, headers=headers)


def from_github(warroom, payload: dict, event="deployment_status", secret=GITHUB_SECRET):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"x-github-event": event, "x-hub-signature-256": signature}
    return httpx.post(f"{warroom.url}/hooks/github", content=body, headers=headers)


def recorded(db) -> list[tuple]:
    with db.transaction() as session:
        rows = session.scalars(select(Deploy).order_by(Deploy.deployed_at)).all()
        return [(d.service, d.version, d.deployed_by, d.source) for d in rows]


def deploy(version: str, when: str, **more) -> dict:
    return {"service": "payments", "version": version, "who": "raj", "when": when, **more}


def test_a_pipeline_reports_deploys_once_each_and_forgeries_store_nothing(warroom, db):
    first = deploy("v2.8.0", "2026-03-11T13:50:00Z", link="https://ci.example.com/run/812")
    assert report(warroom, first).status_code == 201
    assert report(warroom, first).json() == {"ok": True, "recorded": False, "known_service": True}

    assert report(warroom, first, token="guess").status_code == 401
    assert report(warroom, first, token=None).status_code == 401
    bad = report(warroom, b"{not json")
    assert bad.status_code == 400 and bad.json()["reason"]
    missing = report(warroom, {"service": "payments", "version": "v2.8.1"})
    assert (missing.status_code, missing.json()["reason"]) == (400, "when: Field required")
    naive = report(warroom, deploy("v2.8.1", "2026-03-11T13:55:00"))
    assert naive.status_code == 400 and "timezone" in naive.json()["reason"]
    unknown = report(warroom, {**deploy("v1", "2026-03-11T13:00:00Z"), "service": "search"})
    assert unknown.json()["known_service"] is False  # recorded all the same

    assert recorded(db) == [("search", "v1", "raj", "hook"), ("payments", "v2.8.0", "raj", "hook")]


GITHUB_DEPLOYMENT = {
    "deployment_status": {
        "state": "success",
        "created_at": "2026-03-11T14:00:00Z",
        "creator": {"login": "priya"},
        "target_url": "https://github.com/example/payments-api/actions/runs/1",
    },
    "deployment": {
        "sha": "9f1c2d3e4b5a69788796a5b4c3d2e1f0a9b8c7d6",
        "ref": "v2.8.1",
        "environment": "production",
    },
    "repository": {"name": "payments-api", "full_name": "example/payments-api"},
}


def test_github_deployments_are_the_catalog_service_of_their_repository(warroom, db):
    assert from_github(warroom, GITHUB_DEPLOYMENT).status_code == 201
    assert from_github(warroom, GITHUB_DEPLOYMENT).status_code == 200  # a redelivery
    assert from_github(warroom, {}, event="ping").status_code == 200
    assert from_github(warroom, GITHUB_DEPLOYMENT, event="push").json()["ignored"] == "push"
    failed = json.loads(json.dumps(GITHUB_DEPLOYMENT))
    failed["deployment_status"]["state"] = "failure"
    assert from_github(warroom, failed).status_code == 202
    assert from_github(warroom, GITHUB_DEPLOYMENT, secret="forged").status_code == 401
    broken = from_github(warroom, {"deployment_status": {"state": "success"}})
    assert broken.status_code == 400
    assert recorded(db) == [("payments", "v2.8.1", "priya", "github")]


def test_a_declare_lists_the_service_deploys_and_the_postmortem_shows_them(
    sandbox, general, warroom, db, announce_channel
):
    for version, when in [("v2.7.4", "2026-03-10T09:00:00Z"), ("v2.8.0", "2026-03-11T13:50:00Z")]:
        assert report(warroom, deploy(version, when)).status_code == 201
    incident = declare_and_settle(sandbox, db, "sev1 payments: Checkout failing")
    [listed] = [m for m in sandbox.messages(incident.channel_id) if "Recent deploys" in m["text"]]
    assert listed["text"].index("v2.8.0") < listed["text"].index("v2.7.4")  # newest first

    run(sandbox, incident, "resolve Rolled back")
    with db.transaction() as session:
        draft = gather(session, incident.id)
    assert [e["text"] for e in draft.key_events if e["kind"] == "deploy"] == [
        "payments v2.8.0 deployed by raj."  # 28 min before the impact; v2.7.4 a day before
    ]
