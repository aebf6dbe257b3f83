"""The PagerDuty emulator's incidents opened, listed, noted on and moved through the REST API
(createIncident, listIncidents, createIncidentNote, listIncidentNotes, updateIncident), as
warroom pages a person by name: a part of `PagerDutyEmulator`, whose state and lock it works
on."""

import json
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from warroom.emulators.pagerduty_model import Alert, listed, now, rest_error, stamp
from warroom.emulators.pagerduty_rest import new_incident_errors, note_errors, update_errors

MOST_NOTES = 2000  # createIncidentNote: "a maximum of 2000 notes" per incident


class RestIncidents:
    async def _list(self, request: Request) -> Response:
        """listIncidents, by `incident_key` and `statuses[]` (the filters warroom uses)."""
        key, statuses = (
            request.query_params.get("incident_key"),
            request.query_params.getlist("statuses[]"),
        )
        with self._lock:
            found = [
                self._rest_incident(alert)
                for alert in self._alerts.values()
                if key is None or alert.dedup_key == key
                if not statuses or alert.status in statuses
            ]
        return listed(request, "incidents", found)

    async def _open(self, request: Request) -> Response:
        """createIncident: an incident on a service, assigned to users, rung at once."""
        try:
            body = json.loads(await request.body())
        except ValueError:
            return rest_error(400, "Invalid Input Provided", 2001, ["JSON parse error"])
        with self._lock:
            errors = new_incident_errors(body, set(self._services), set(self._users))
            if errors:
                return rest_error(400, "Invalid Input Provided", 2001, errors)
            asked = body["incident"]
            service = self._services[asked["service"]["id"]]
            key = asked.get("incident_key") or uuid.uuid4().hex
            known = self._alerts.get(key)
            if known and known.service is service and known.status != "resolved":
                # 15-Incident-Creation-API.md: a 400; the words are those its clients match.
                errors = ["Open incident with matching dedup key already exists on this service"]
                return rest_error(400, "Arguments Caused Error", 2002, errors)
            assigned = [a["assignee"]["id"] for a in asked.get("assignments", [])]
            self._numbers += 1
            shown = {"status": "triggered", "summary": asked["title"], "events": 0}
            shown |= {"urgency": asked.get("urgency", "high"), "assignees": assigned}
            shown["details"] = asked.get("body", {}).get("details")
            users = assigned or service.users
            alert = Alert(shown, key, service, self._numbers, now(), users)
            self._alerts[key] = alert
            self._notify("incident.triggered", alert, self._user_ref(self._by(request)))
            return JSONResponse({"incident": self._rest_incident(alert)}, 201)

    async def _note(self, request: Request) -> Response:
        """createIncidentNote: a note by the `From` user, answered 200 with the IncidentNote."""
        try:
            body = json.loads(await request.body())
        except ValueError:
            return rest_error(400, "Invalid Input Provided", 2001, ["JSON parse error"])
        if errors := note_errors(body):
            return rest_error(400, "Invalid Input Provided", 2001, errors)
        with self._lock:
            found = [a for a in self._alerts.values() if a.id == request.path_params["id"]]
            if not found:
                return rest_error(404, "Not Found", 2100)
            notes = found[0].notes
            if len(notes) >= MOST_NOTES:  # chosen: the limit's refusal in the usual shape
                errors = [f"An incident can have at most {MOST_NOTES} notes"]
                return rest_error(400, "Arguments Caused Error", 2002, errors)
            channel = {"summary": "The PagerDuty website or APIs", "type": "web_trigger"}
            notes.append(
                {
                    "id": f"PN{len(notes) + 1:05d}",
                    "user": self._user_ref(self._by(request)),
                    "channel": channel,
                    "content": body["note"]["content"],
                    "created_at": stamp(now()),
                }
            )
            return JSONResponse({"note": notes[-1]})

    async def _notes(self, request: Request) -> Response:
        """listIncidentNotes: every note, oldest first (the operation has no pagination)."""
        with self._lock:
            found = [a for a in self._alerts.values() if a.id == request.path_params["id"]]
            if not found:
                return rest_error(404, "Not Found", 2100)
            return JSONResponse({"notes": list(found[0].notes)})

    async def _update(self, request: Request) -> Response:
        """updateIncident, as far as warroom moves one: acknowledged or resolved."""
        try:
            body = json.loads(await request.body())
        except ValueError:
            return rest_error(400, "Invalid Input Provided", 2001, ["JSON parse error"])
        if errors := update_errors(body):
            return rest_error(400, "Invalid Input Provided", 2001, errors)
        with self._lock:
            found = [a for a in self._alerts.values() if a.id == request.path_params["id"]]
            if not found:
                return rest_error(404, "Not Found", 2100)
            agent = self._user_ref(self._by(request))
            if "status" in body["incident"]:
                self._move(found[0], body["incident"]["status"], agent)
            return JSONResponse({"incident": self._rest_incident(found[0])})

    def _rest_incident(self, alert: Alert) -> dict:  # holding the lock
        """An incident as the REST API shows it: as the webhooks do, and with its number
        and assignments named as the Incident schema names them."""
        incident = self._incident(alert)
        incident["incident_number"] = incident.pop("number")
        assignees = incident.pop("assignees")
        at = stamp(alert.created_at)
        incident["assignments"] = [{"at": at, "assignee": user} for user in assignees]
        return incident
