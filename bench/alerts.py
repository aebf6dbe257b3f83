"""`python -m bench.alerts [--alerts N] [--latency S] [--flood N]`: alerts from
Alertmanager to staffed incidents, and how many alerts the hook takes in per second.

Latency: each of N critical alerts, for the catalog's paged payments service, is POSTed to
`/hooks/alertmanager` as Alertmanager sends it, and a rule (severity=critical:sev1)
declares it. Measured from the POST to: the channel ready (headline with the service's
runbook pinned), the recent deploys posted, PagerDuty's alert triggered, and the on-call
named in the channel; every Slack and PagerDuty call takes `--latency` (50 ms).

Throughput: `--flood` notifications from 4 processes at once, half of them repeats of one
another (Alertmanager resends a group's alerts every group_interval), into prompts of the
alerts channel; the alerts per second the hook answered, and whether every group got
exactly one prompt.
"""

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import httpx

from bench.paging import paged_bot
from bench.stats import Spread, percentile
from warroom.sandbox.waiting import eventually
from warroom.store import deploys, incidents
from warroom.store.models import AlertGroup

TOKEN = "bench-alerts-token"
SENDERS = 4


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.alerts", description=__doc__)
    parser.add_argument("--alerts", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per external call")
    parser.add_argument("--flood", type=int, default=4000, help="notifications to send at once")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        samples = _staffing(stack, args.alerts, args.latency)
    print(f"critical alert to staffed SEV1, {args.latency * 1000:g} ms per external call")
    for name in ("ready", "deploys posted", "paged", "on-call shown"):
        values = [sample[name] for sample in samples]
        spread = Spread.of(values)
        print(
            f"  {name:15} median {spread.median:.3f} s  p90 {percentile(values, 0.9):.3f} s"
            f"  max {spread.high:.3f} s  ({spread.runs} alerts)"
        )
    with ExitStack() as stack:
        rate, groups, prompts = _flood(stack, args.flood, args.latency)
    print(f"hook throughput, {args.flood} notifications from {SENDERS} senders, half repeats")
    print(f"  {rate:.0f} alerts/s answered; {groups} groups, {prompts} prompts posted")


def _with_alerts(rules: str):
    def settings(sandbox) -> dict:
        alerts = sandbox.create_channel("alerts", sandbox.user_id("alice"))
        return {
            "warroom_alerts_token": TOKEN,
            "warroom_alerts_channel": alerts,
            "warroom_auto_declare": rules,
        }

    return settings


def notification(name: str, starts_at: datetime, service: str = "payments") -> dict:
    """One firing alert, as Alertmanager 0.25's webhook sends it (version 4)."""
    labels = {"alertname": name, "service": service, "severity": "critical"}
    return {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{name}", service="{service}"}}',
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "warroom",
        "groupLabels": {"alertname": name, "service": service},
        "commonLabels": labels,
        "commonAnnotations": {"summary": f"{name} on {service}"},
        "externalURL": "http://alertmanager.example:9093",
        "alerts": [
            {
                "status": "firing",
                "labels": labels,
                "annotations": {"summary": f"{name} on {service}"},
                "startsAt": starts_at.isoformat().replace("+00:00", "Z"),
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.example:9090/graph",
                "fingerprint": f"{abs(hash(name)):016x}"[:16],
            }
        ],
    }


def _staffing(stack: ExitStack, count: int, latency: float) -> list[dict[str, float]]:
    sandbox, _, pagerduty, db, server = paged_bot(
        stack, latency, _with_alerts("severity=critical:sev1")
    )
    with db.transaction() as session:
        now = datetime.now(UTC)
        deploys.record(
            session,
            {
                "service": "payments",
                "version": "v1.0.0",
                "deployed_by": "ci",
                "deployed_at": now - timedelta(hours=1),
                "link": None,
                "source": "hook",
                "received_at": now,
            },
        )
    client = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
    stack.callback(client.close)
    return [_alert_once(sandbox, client, pagerduty, db, n) for n in range(1, count + 1)]


def _alert_once(sandbox, client, pagerduty, db, number: int) -> dict[str, float]:
    body = notification(f"BenchAlert{number}", datetime.now(UTC))
    start = time.perf_counter()
    answer = client.post("/hooks/alertmanager", content=json.dumps(body))
    incident_id = int(answer.json()["incident"].removeprefix("INC-"))
    moments: dict[str, float] = {}

    def reached() -> bool:
        with db.transaction() as session:
            incident = incidents.get(session, incident_id)
        now = time.perf_counter() - start
        if "ready" not in moments and incident.headline_ts and sandbox.pins(incident.channel_id):
            moments["ready"] = now
        if "paged" not in moments and pagerduty.alert(f"warroom-{incident_id}-payments"):
            moments["paged"] = now
        texts = (
            [m["text"] for m in sandbox.messages(incident.channel_id)]
            if incident.channel_id
            else []
        )
        if "deploys posted" not in moments and any("v1.0.0" in text for text in texts):
            moments["deploys posted"] = now
        if "on-call shown" not in moments and any("On call: Bob" in text for text in texts):
            moments["on-call shown"] = now
        return len(moments) == 4

    eventually(reached, timeout=30, interval=0.005)
    sandbox.wait_idle()
    return moments


def _flood(stack: ExitStack, count: int, latency: float) -> tuple[float, int, int]:
    sandbox, _, _, db, server = paged_bot(stack, latency, _with_alerts(""))
    now = datetime.now(UTC)
    distinct = count // 2
    bodies = [json.dumps(notification(f"Flood{n % distinct}", now, "search")) for n in range(count)]
    shares = [bodies[i::SENDERS] for i in range(SENDERS)]
    with ProcessPoolExecutor(SENDERS) as senders:
        start = time.perf_counter()
        answered = sum(senders.map(_send, [server.url] * SENDERS, shares))
        elapsed = time.perf_counter() - start
    assert answered == count, f"only {answered} of {count} notifications were answered 200"
    alerts_channel = sandbox.channel_by_name("alerts").id
    eventually(lambda: len(sandbox.messages(alerts_channel)) >= distinct, timeout=300)
    sandbox.wait_idle()
    with db.transaction() as session:
        groups = session.query(AlertGroup).count()
    return count / elapsed, groups, len(sandbox.messages(alerts_channel))


def _send(url: str, bodies: list[str]) -> int:
    """POST each body in turn on one keep-alive connection; how many were answered 200."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        return sum(
            client.post("/hooks/alertmanager", content=body).status_code == 200 for body in bodies
        )


if __name__ == "__main__":
    main()
