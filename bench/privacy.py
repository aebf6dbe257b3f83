"""A private incident worked in its channel beside a public one: every place outside its
channel where the private incident's secret word shows up counts as a leak - other channels
(announcements included), what people are shown elsewhere, /metrics and /healthz, the log at
INFO and above, and the postmortem and timeline exports of the public incident."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from bench.harness import Harness
from bench.reliability_scenarios import Tally
from warroom.app import postmortem_draft as postmortem
from warroom.app.exports import timeline_json, timeline_markdown
from warroom.store import incidents, timeline

SECRET = "Zanzibar"  # in everything the private incident is about, and nowhere else


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # the message and any traceback


@contextmanager
def _log_at_info() -> Iterator[list[str]]:
    """Every line logged at INFO and above meanwhile, by any thread; nothing printed."""
    root = logging.getLogger()
    collector, saved = _Collector(), (root.handlers[:], root.level)
    root.handlers, root.level = [collector], logging.INFO
    try:
        yield collector.lines
    finally:
        root.handlers, root.level = saved


def private_incident_beside_a_public_one(url: str) -> Tally:
    tally = Tally("private incident beside a public one")
    with _log_at_info() as log_lines, Harness(url) as harness:
        sandbox, alice = harness.sandbox, harness.alice
        private_id = harness.slack.declare_private(f"{SECRET} payroll export exposed")
        public_id = harness.declare("Checkout errors", severity="sev2")
        private, public = (harness.wait_for_channel(i) for i in (private_id, public_id))
        sandbox.driver.post_message(alice, private, f"{SECRET} access logs: 3 downloads")
        commands = [
            (private, f"update identified The {SECRET} bucket is private again"),
            (private, f"note {SECRET} credentials rotated"),
            (private, f"resolve Closed the {SECRET} bucket"),
            (public, "resolve Rolled back the checkout deploy"),
            (public, "postmortem"),
            (harness.general, "list"),
        ]
        for channel, text in commands:
            sandbox.driver.slash_command(alice, channel, text)
            sandbox.settle()
        places = {
            "messages in other channels": _messages_outside(sandbox, private),
            "ephemeral messages outside its channel": [
                e["text"] for e in sandbox.ephemeral_messages() if e["channel"] != private
            ],
            "/metrics and /healthz": _pages(harness.servers["warroom"].url),
            "log lines at INFO and above": list(log_lines),
            "the public incident's postmortem and timeline": _exports(harness, public_id),
        }
        tally.requests += 4 + len(commands)  # both declares, the form's opening and submission
        tally.count_slack_side(harness)
        if not any(SECRET in m["text"] for m in sandbox.messages(private)):
            raise RuntimeError("the private incident's channel never showed the secret")
    for place, texts in places.items():
        leaks = sum(SECRET in text for text in texts)
        tally.leaked += leaks
        tally.notes.append(f"{place}: {len(texts)} checked, {leaks} with the secret")
    return tally


def _messages_outside(sandbox, private_channel: str) -> list[str]:
    with sandbox.workspace.lock:
        channels = [c for c in sandbox.workspace.channels if c != private_channel]
    return [
        str(message)  # text, blocks and attachments alike
        for channel in channels
        for message in sandbox.messages(channel, include_replies=True)
    ]


def _pages(base_url: str) -> list[str]:
    return [httpx.get(base_url + path, timeout=30).text for path in ("/metrics", "/healthz")]


def _exports(harness: Harness, incident_id: int) -> list[str]:
    with harness.db.transaction() as session:
        incident = incidents.get(session, incident_id)
        entries = timeline.entries(session, incident_id)
        draft = postmortem.gather(session, incident_id)
    return [
        postmortem.render(draft),
        draft.as_json(),
        timeline_markdown(incident, entries),
        timeline_json(incident, entries),
    ]
