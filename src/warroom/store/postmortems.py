"""What people wrote for a postmortem, and where its summary is in Slack."""

from sqlalchemy.orm import Session

from warroom.store.models import PostmortemNotes

NOTE_FIELDS = (
    "summary",
    "impact",
    "root_cause",
    "contributing_factors",
    "detection",
    "response",
    "recovery",
    "lessons",
    "what_went_well",
)


def notes(session: Session, incident_id: int) -> PostmortemNotes:
    """The incident's notes, blank ones if nobody wrote any yet (added to the session)."""
    found = session.get(PostmortemNotes, incident_id)
    if found is None:
        found = PostmortemNotes(incident_id=incident_id, **dict.fromkeys(NOTE_FIELDS, ""))
        session.add(found)
    return found


def summary_message(session: Session, incident_id: int) -> str | None:
    found = session.get(PostmortemNotes, incident_id)
    return found.summary_message_ts if found else None


def remember_summary_message(session: Session, incident_id: int, ts: str) -> None:
    notes(session, incident_id).summary_message_ts = ts
