"""The postmortem's life: drafted (on resolve, or when asked), filled in, sent for review,
published. Each step re-drafts it from the record wherever it is shown."""

from warroom.app.core import Core
from warroom.domain import events
from warroom.domain.incident import IncidentError
from warroom.domain.postmortem import PostmortemStatus
from warroom.store import postmortems
from warroom.store.postmortems import NOTE_FIELDS


def draft(core: Core, incident_id: int) -> events.PostmortemChanged:
    """(Re)draft it; possible before the incident is resolved too, to see where it stands."""
    return _move(core, incident_id, PostmortemStatus.DRAFT)


def send_for_review(core: Core, incident_id: int) -> events.PostmortemChanged:
    return _move(core, incident_id, PostmortemStatus.IN_REVIEW)


def publish(core: Core, incident_id: int) -> events.PostmortemChanged:
    """Final: stakeholders get it, and the overdue nag stops."""
    return _move(core, incident_id, PostmortemStatus.PUBLISHED)


def save_notes(core: Core, incident_id: int, *, by: str, **fields: str) -> events.PostmortemChanged:
    """What only people know (`NOTE_FIELDS`), from the postmortem form."""
    with core.change(incident_id) as change:
        notes = postmortems.notes(change.session, incident_id)
        for name in NOTE_FIELDS:
            setattr(notes, name, (fields.get(name) or "").strip())
        notes.updated_by, notes.updated_at = by, change.at
        status = PostmortemStatus(change.incident.postmortem_status).after(PostmortemStatus.DRAFT)
        change.incident.postmortem_status = status
        return change.emit(events.PostmortemChanged(incident_id=incident_id, status=status))


def _move(core: Core, incident_id: int, wanted: PostmortemStatus) -> events.PostmortemChanged:
    with core.change(incident_id) as change:
        incident = change.incident
        if wanted != PostmortemStatus.DRAFT and incident.is_open:
            raise IncidentError(
                f"{incident.reference} is not resolved yet: resolve it before the postmortem is "
                f"{wanted.label}."
            )
        try:
            status = PostmortemStatus(incident.postmortem_status).after(wanted)
        except ValueError as refused:
            raise IncidentError(f"The postmortem of {incident.reference}: {refused}") from None
        if status == PostmortemStatus.PUBLISHED and incident.postmortem_published_at is None:
            incident.postmortem_published_at = change.at  # on time or late, for the insights
        incident.postmortem_status = status
        return change.emit(events.PostmortemChanged(incident_id=incident_id, status=status))
