"""The demo's story: the payments outage of an on-call classic, as the people in it would
type it. Each step happens at its own incident time; the demo compresses the waits."""

from dataclasses import dataclass
from datetime import UTC, datetime

DAY = (2026, 3, 11)


def at(hour: int, minute: int) -> datetime:
    return datetime(*DAY, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    when: datetime
    who: str
    what: str  # "say" | "command" | "claim" | "pin" | "attach" | "notes" | "status"
    text: str = ""
    where: str = "incident"  # "incident" or "general"


POSTMORTEM_NOTES = {
    "summary": "The payments service was fully unavailable for 47 minutes (14:18-15:05 UTC) "
    "during business hours after release v2.8.0. About 3,200 checkout attempts failed. "
    "Rolling back to v2.7.4 restored service.",
    "impact": "~3,200 failed checkout attempts; ~$18,000 of transactions (recoverable: "
    "customers can retry); breached the 99.9% monthly availability SLA for payments.",
    "root_cause": "Release v2.8.0 retained payment-session objects after completion (a "
    "missing cleanup call). Under production load host memory was exhausted in 28 minutes "
    "and the OOM killer stopped the payments service.",
    "contributing_factors": "No alert on memory, so the leak was invisible until the crash\n"
    "Load tests run for 5 minutes, too short to surface a slow leak\n"
    "Release and configuration changes reach production without a second approval",
    "detection": "Customers' failed payments and the crash alert at 14:18; the on-call "
    "engineer was paged at 14:21. Nothing warned of the 28 minutes of memory growth before.",
    "response": "The incident was declared at once with an IC, a tech lead, a comms lead "
    "and a scribe; stakeholders had an update every 15 minutes.",
    "recovery": "Rollback to v2.7.4, decided at 14:52 and complete at 15:05; error rate "
    "back to normal and memory flat for 30 minutes afterwards.",
    "lessons": "A slow leak needs a long test and a memory alert to be seen before users do.",
    "what_went_well": "Roles were filled within two minutes and the rollback took 13 minutes.",
}

STORY = [
    Step(at(13, 50), "raj", "say", "Deployed payments v2.8.0 to production.", "general"),
    Step(
        at(14, 18),
        "sam",
        "say",
        "payments-api pods OOMKilled, checkout returns 502 for everyone",
        "general",
    ),
    Step(at(14, 18), "raj", "command", "declare sev1 Payments service down", "general"),
    Step(at(14, 19), "priya", "claim", "ic"),
    Step(at(14, 19), "sam", "claim", "lead"),
    Step(at(14, 20), "alice", "claim", "comms"),
    Step(at(14, 20), "bob", "claim", "scribe"),
    Step(at(14, 21), "bob", "attach", "Deployed payments v2.8.0"),
    Step(
        at(14, 22),
        "alice",
        "command",
        "update investigating Checkout fails for all users; payments pods crash-looping. "
        "Next update by 14:37.",
    ),
    Step(
        at(14, 23),
        "alice",
        "status",
        "Payments failing: Card payments fail for all customers. We are working on it and "
        "will update this page within 30 minutes.",
    ),
    Step(at(14, 30), "sam", "say", "Memory climbs ~3% a minute since the 13:50 deploy"),
    Step(at(14, 30), "bob", "pin", "Memory climbs"),
    Step(
        at(14, 35),
        "alice",
        "command",
        "update identified Memory leak in release v2.8.0; preparing a rollback to v2.7.4.",
    ),
    Step(at(14, 52), "priya", "command", "note Decision: roll back to v2.7.4"),
    Step(at(14, 53), "sam", "say", "Rolling back to v2.7.4 now"),
    Step(at(15, 5), "sam", "command", "mitigated Rollback complete; error rate normal"),
    Step(at(15, 5), "priya", "command", "resolve Payments recovered after the rollback"),
    Step(at(15, 6), "alice", "status"),
    Step(
        at(15, 10),
        "priya",
        "command",
        "action Add the missing session-cleanup call; patch and release @raj due 2026-03-13 p1",
    ),
    Step(
        at(15, 10),
        "priya",
        "command",
        "action Add memory alerts (warn 80%, page 90%) on payments @priya due 2026-03-15 p1",
    ),
    Step(
        at(15, 11),
        "priya",
        "command",
        "action Extend load tests to 1 hour to surface slow leaks @sam due 2026-03-20 p2",
    ),
    Step(
        at(15, 11),
        "priya",
        "command",
        "action Require approval for release and config changes @raj due 2026-03-22 p2",
    ),
    Step(at(15, 30), "raj", "notes"),
    Step(at(15, 40), "priya", "command", "postmortem review"),
    Step(at(16, 0), "priya", "command", "postmortem publish"),
]
