"""`warroom demo` plays the whole payments outage, end to end, in well under a minute."""

import io
import re
import time
from html import unescape

import httpx

from warroom.demo.run import run_demo


class DashboardThenTyping:
    """The demo's stdin once it keeps running: the dashboard it names is visited, signed in
    through the sandbox, then the lines are typed."""

    def __init__(self, out: io.StringIO, typed: str):
        self.out, self.typed, self.pages = out, typed, {}

    def __iter__(self):
        url = re.search(r"Its dashboard is at (\S+)/incidents", self.out.getvalue())[1]
        with httpx.Client(base_url=url, follow_redirects=True, timeout=10) as browser:
            consent = browser.get("/incidents")
            first_person = re.search(r'<a href="([^"]+)">Continue as ', consent.text)[1]
            self.pages["incidents"] = browser.get(unescape(first_person)).text
            self.pages["insights"] = browser.get("/insights").text
        return iter(io.StringIO(self.typed))


def test_the_demo_plays_a_whole_incident_and_writes_its_postmortem(tmp_path, monkeypatch):
    out, started = io.StringIO(), time.monotonic()
    stdin = DashboardThenTyping(out, "/incident status\nlooks calm now\n/incident timeline all\n")
    monkeypatch.setattr("sys.stdin", stdin)
    assert run_demo(speed=100_000, keep=True, output=tmp_path / "pm.md", out=out) == 0
    assert time.monotonic() - started < 60
    shown = out.getvalue()
    assert "14:18  raj types /incident declare sev1 Payments service down" in shown
    assert "@priya is now Incident Commander." in shown
    assert "resolved the incident after 47 min" in shown
    assert "POSTMORTEM (PUBLISHED): INC-1 PAYMENTS SERVICE DOWN" in shown
    markdown = (tmp_path / "pm.md").read_text()
    assert markdown.startswith("# INC-1: Payments service down")
    assert "| Impact duration | 47 min |" in markdown
    assert "| Postmortem | published |" in markdown
    assert markdown.count("| P1 | Open |") == 2 and markdown.count("| P2 | Open |") == 2
    assert "~3,200 failed checkout attempts" in markdown
    assert "13:50:00 @bob attached a message by @raj: Deployed payments v2.8.0" in markdown
    assert "_Missing:" not in markdown
    kept = shown.split("warroom keeps running at", 1)[1]  # --keep: then a person types
    assert "(only alice sees) *INC-1: Payments service down*" in kept
    assert "alice\n    looks calm now" in kept
    timeline = kept.split("(only alice sees) *INC-1 timeline, every entry")[1]
    assert "Deployed payments v2.8.0" in timeline  # the entries, not only the header
    assert "Payments service down" in stdin.pages["incidents"]
    assert "<p>1 incident declared from 2026-01-01 to 2026-03-11.</p>" in stdin.pages["insights"]
