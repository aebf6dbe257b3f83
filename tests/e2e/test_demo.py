"""`warroom demo` plays the whole payments outage, end to end, in well under a minute."""

import io
import time

from warroom.demo.run import run_demo


def test_the_demo_plays_a_whole_incident_and_writes_its_postmortem(tmp_path, monkeypatch):
    out, started = io.StringIO(), time.monotonic()
    typed = "/incident status\nlooks calm now\n/incident timeline all\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
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
