"""A game day: declare a drill from a scenario, then make each of its injects happen in the
drill's channel at its time, as a key event of its timeline (so the postmortem tells what
the responders were given and when). `warroom drill` runs this beside `warroom serve`,
whose deliverer posts it all."""

import time

from warroom.app import incidents as running
from warroom.app.core import Core
from warroom.domain import events
from warroom.domain.drills import Scenario
from warroom.domain.timeline import EntryKind
from warroom.store import outbox


def inject(core: Core, incident_id: int, text: str, *, by: str) -> events.DrillInjected:
    with core.change(incident_id) as change:
        running.still_open(change, "take the drill's next step")
        entry = running.record(change, EntryKind.INJECT, by, text, highlighted=True)
        return running.emitted(change, events.DrillInjected, entry, by)


def delivered(core: Core, incident_id: int) -> bool:
    """Whether every destination has what the drill made happen."""
    with core.db.transaction() as session:
        return not outbox.pending(session, incident_id)


def play(core: Core, scenario: Scenario, *, by: str, speed: float = 1.0) -> int:
    """Declare the drill, as `by` (the facilitator), and play its injects `speed` times
    faster than written; the drill's number."""
    number = running.declare(
        core, title=scenario.title, severity=scenario.severity, by=by, is_drill=True
    ).incident_id
    for step in scenario.injects:
        time.sleep(step.after.total_seconds() / speed)
        inject(core, number, step.text, by=by)
    return number
