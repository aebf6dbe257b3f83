"""`python -m bench.paging [--declares N] [--latency S]`: a SEV1 declared for a catalog
service until PagerDuty has the page and the channel shows who is on call, with every
Slack Web API call and every PagerDuty call slowed down like a real round trip (50 ms).

Measured from sending `/incident declare` to: the channel ready (headline pinned,
announcement posted), PagerDuty's alert triggered, and the page's news (with the on-call
person, asked of PagerDuty's REST API) posted in the channel.
"""

import argparse
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from bench.databases import fresh_database
from bench.harness import SlackSide
from bench.stats import Spread, percentile
from warroom.bot import start_bot
from warroom.config import load_settings
from warroom.emulators.pagerduty import PagerDutyEmulator
from warroom.sandbox import Sandbox
from warroom.sandbox.waiting import eventually
from warroom.slack.manifest import manifest
from warroom.store import incidents
from warroom.store.db import ANSWER_WITHIN, Database
from warroom.web.background import BackgroundServer

ROUTING_KEY = "0123456789abcdef0123456789abcdef"
CATALOG = f"""\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  title: Payments API
  annotations:
    pagerduty.com/integration-key: {ROUTING_KEY}
    pagerduty.com/service-id: PPAY
spec:
  type: service
  owner: group:payments
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.paging", description=__doc__)
    parser.add_argument("--declares", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per external call")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        samples = _measure(stack, args.declares, args.latency)
    print(f"SEV1 declare for a paged service, {args.latency * 1000:g} ms per external call")
    for name in ("ready", "paged", "on-call shown"):
        values = [sample[name] for sample in samples]
        spread = Spread.of(values)
        print(
            f"  {name:14} median {spread.median:.3f} s  p90 {percentile(values, 0.9):.3f} s"
            f"  max {spread.high:.3f} s  ({spread.runs} declares)"
        )


def _measure(stack: ExitStack, declares: int, latency: float) -> list[dict[str, float]]:
    sandbox, slack, pagerduty, db, _ = paged_bot(stack, latency)
    return [_declare_once(sandbox, slack, pagerduty, db, n) for n in range(1, declares + 1)]


def paged_bot(stack: ExitStack, latency: float, more_settings=lambda sandbox: {}):
    """A warroom serving HTTP against the sandbox and the PagerDuty emulator, each call to
    them taking `latency`, its catalog's payments service paged; `more_settings(sandbox)`
    adds to its settings. (sandbox, its Slack side, the emulator, the database, the server)"""
    sandbox = stack.enter_context(Sandbox.for_app(manifest()))
    slack = SlackSide.of(sandbox)
    pagerduty = stack.enter_context(PagerDutyEmulator(latency=latency))
    pagerduty.add_service("PPAY", "Payments API", ROUTING_KEY, [("PBOB", "Bob", "bob@example.com")])
    catalog = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "catalog-info.yaml"
    catalog.write_text(CATALOG)
    url = stack.enter_context(fresh_database("sqlite"))
    db = Database(url, answer_within=ANSWER_WITHIN)
    stack.callback(db.dispose)
    configured = load_settings(
        _env_file=None,
        slack_bot_token=sandbox.bot_token,
        slack_signing_secret=sandbox.signing_secret,
        slack_api_url=sandbox.api_url,
        database_url=url,
        warroom_announce_channel=slack.announce_channel,
        warroom_catalog=catalog,
        warroom_pagerduty_events_url=pagerduty.events_url,
        warroom_pagerduty_api_url=pagerduty.rest_url,
        warroom_pagerduty_api_key=pagerduty.api_key,
        warroom_ca_bundle=pagerduty.ca_file,
        **more_settings(sandbox),
    )
    bot = stack.enter_context(start_bot(configured, db, lambda: datetime.now(UTC)))
    server = BackgroundServer(bot.web_app()).start()
    stack.callback(server.stop)
    sandbox.connect_http(f"{server.url}/slack/events")
    sandbox.latency = latency
    return sandbox, slack, pagerduty, db, server


def _declare_once(sandbox, slack: SlackSide, pagerduty, db, number: int) -> dict[str, float]:
    start = time.perf_counter()
    incident_id = slack.declare(f"payments: Bench {number}")
    moments: dict[str, float] = {}

    def reached() -> bool:
        with db.transaction() as session:
            incident = incidents.get(session, incident_id)
        now = time.perf_counter() - start
        set_up = incident.headline_ts and incident.announcement_ts
        if "ready" not in moments and set_up and sandbox.pins(incident.channel_id):
            moments["ready"] = now
        if "paged" not in moments and pagerduty.alert(f"warroom-{incident_id}-payments"):
            moments["paged"] = now
        if "on-call shown" not in moments and incident.channel_id:
            texts = [m["text"] for m in sandbox.messages(incident.channel_id)]
            if any("On call: Bob" in text for text in texts):
                moments["on-call shown"] = now
        return len(moments) == 3

    eventually(reached, timeout=30, interval=0.005)
    sandbox.wait_idle()
    return moments


if __name__ == "__main__":
    main()
