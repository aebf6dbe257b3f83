"""Nags: those that fell due become events in the outbox, claimed once across replicas."""

from datetime import datetime

from sqlalchemy.orm import Session

from warroom.app.core import Core
from warroom.domain.events import NagDue
from warroom.store import reminders


def claim_due(core: Core) -> list[NagDue]:
    """Every nag due now, claimed and put in the outbox in one transaction."""
    with core.db.transaction() as session:
        now = core.now()
        due = [
            NagDue(
                incident_id=nag.incident_id,
                kind=nag.kind,
                reminder_id=nag.reminder_id,
                action_item_id=nag.action_item_id,
                due_at=nag.due_at,
            )
            for nag in reminders.claim_due(session, now, core.policy)
        ]
        core.outbox.put(session, due, now)
    if due:
        core.outbox.committed()
    return due


def snooze(core: Core, reminder_id: int) -> datetime | None:
    """Hold a nag; until when, or None when it has already stopped."""
    with core.db.transaction() as session:
        held = reminders.snooze(session, reminder_id, core.now(), core.policy)
        return held.due_at if held else None


def still_due(session: Session, nag: NagDue, core: Core) -> bool:
    """Whether a nag that waited in the outbox is still warranted when it is sent."""
    claimed = reminders.Nag(
        nag.reminder_id, nag.kind, nag.incident_id, nag.action_item_id, nag.due_at
    )
    return reminders.still_due(session, claimed, core.policy)
