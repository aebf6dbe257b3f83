"""What PagerDuty's REST API accepts when incidents are opened, noted on and resolved: the
rules of `POST /incidents` (createIncident), `POST /incidents/{id}/notes`
(createIncidentNote) and `PUT /incidents/{id}` (updateIncident) bodies, from
PagerDuty/api-schema `reference/REST/openapiv3.json` (the operations, IncidentReference,
UserReference, ServiceReference, IncidentBody, IncidentNote) and PagerDuty/developer-docs
`docs/REST-API/15-Incident-Creation-API.md` (one assignee, not with an escalation policy),
each broken rule said as the emulator answers it, in the `errors` of PagerDuty's error
object."""

URGENCIES = ("high", "low")
STATUSES = ("acknowledged", "resolved")  # what an update may move an incident to


def new_incident_errors(body, services: set[str], users: set[str]) -> list[str]:
    """What is wrong with a createIncident body, given the known service and user ids."""
    incident = body.get("incident") if isinstance(body, dict) else None
    if not isinstance(incident, dict):
        return ["'incident' is required and must be an object"]
    errors = [] if incident.get("type") == "incident" else ["'incident.type' must be incident"]
    if not isinstance(incident.get("title"), str) or not incident["title"].strip():
        errors.append("'incident.title' is required and must be a non-empty string")
    errors += _reference_errors(incident.get("service"), "incident.service", "service", services)
    if incident.get("urgency", "high") not in URGENCIES:
        errors.append("'incident.urgency' must be one of: high, low")
    key = incident.get("incident_key")
    if key is not None and (not isinstance(key, str) or len(key) > 255):
        errors.append("'incident.incident_key' must be a string of at most 255 characters")
    assignments = incident.get("assignments", [])
    if not isinstance(assignments, list):
        return errors + ["'incident.assignments' must be an array"]
    if assignments and "escalation_policy" in incident:
        errors.append("'incident' cannot have both assignments and an escalation_policy")
    if len(assignments) > 1:  # 15-Incident-Creation-API.md: one assignee only
        errors.append("'incident.assignments' can name one assignee only")
    for i, assignment in enumerate(assignments):
        assignee = assignment.get("assignee") if isinstance(assignment, dict) else None
        where = f"incident.assignments[{i}].assignee"
        errors += _reference_errors(assignee, where, "user", users)
    details = incident.get("body", {})
    if not isinstance(details, dict) or details.get("type") != "incident_body":
        errors.append("'incident.body.type' must be incident_body")
    return errors


def note_errors(body) -> list[str]:
    """What is wrong with a createIncidentNote body: `note.content`, a string, is required."""
    note = body.get("note") if isinstance(body, dict) else None
    if not isinstance(note, dict):
        return ["'note' is required and must be an object"]
    if not isinstance(note.get("content"), str):
        return ["'note.content' is required and must be a string"]
    return []


def update_errors(body) -> list[str]:
    """What is wrong with an updateIncident body that moves an incident's status."""
    incident = body.get("incident") if isinstance(body, dict) else None
    if not isinstance(incident, dict):
        return ["'incident' is required and must be an object"]
    errors = []
    if incident.get("type") not in ("incident", "incident_reference"):
        errors.append("'incident.type' must be incident or incident_reference")
    if incident.get("status", "acknowledged") not in STATUSES:  # optional: only type is required
        errors.append("'incident.status' must be one of: acknowledged, resolved")
    return errors


def _reference_errors(reference, where: str, kind: str, known: set[str]) -> list[str]:
    if not isinstance(reference, dict) or reference.get("type") != f"{kind}_reference":
        return [f"'{where}' must be a {kind}_reference"]
    if reference.get("id") not in known:
        return [f"'{where}.id' is not a {kind} of this account"]
    return []
