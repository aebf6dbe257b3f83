"""Atlassian Statuspage as warroom's tests need it: one page's components and incidents
behind the REST API v1 calls warroom makes (`GET /pages/{page_id}/components`,
`POST /pages/{page_id}/incidents`, `PATCH /pages/{page_id}/incidents/{incident_id}`,
`GET /pages/{page_id}/incidents/unresolved`), over real HTTP, with the API key checked and
faults on demand.

Its rules are written from Atlassian's published OpenAPI description of the API, as
generated into sbecker59/statuspage-api-client-go (`api/v1/statuspage/api/openapi.yaml`):
the `Authorization: OAuth <key>` scheme (api_key), the postPagesPageIdIncidents and
patchPagesPageIdIncidents bodies (only `name` required, and only on create), the realtime
incident statuses and the component statuses, and the 401, 404 and 422 answers with an
ErrorEntity body (`message`); none of its text is copied. Statuspage's rate limit (420 or
429, one call a second per key) is in its description only: the emulator answers those
only when asked to fail. An update that names components sets
their status, as Statuspage does.
"""

import itertools
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from warroom.emulators.served import ServedEmulator

INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
COMPONENT_STATUSES = (
    "operational",
    "under_maintenance",
    "degraded_performance",
    "partial_outage",
    "major_outage",
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StatuspageEmulator(ServedEmulator):
    def __init__(self, page_id: str = "kctbh9vrtdwd", api_key: str = "statuspage-test-key"):
        self.page_id, self.api_key = page_id, api_key
        self._ids = (f"{n:012x}" for n in itertools.count(0xA0000000))
        self.components: dict[str, dict] = {}  # by id
        self.incidents: dict[str, dict] = {}  # by id, as the API shows them
        self._lost = 0
        base = "/v1/pages/{page_id}"
        super().__init__(
            [
                (f"{base}/components", self._list_components, "GET"),
                (f"{base}/incidents", self._create, "POST"),
                (f"{base}/incidents/unresolved", self._unresolved, "GET"),
                (f"{base}/incidents/{{incident_id}}", self._patch, "PATCH"),
            ]
        )

    @property
    def api_url(self) -> str:
        return f"{self._server.url}/v1"

    def add_component(self, name: str) -> str:
        with self._lock:
            component_id = next(self._ids)
            self.components[component_id] = {
                "id": component_id,
                "page_id": self.page_id,
                "name": name,
                "status": "operational",
                "created_at": _now(),
                "updated_at": _now(),
            }
            return component_id

    def status_of(self, name: str) -> str:
        with self._lock:
            return next(c["status"] for c in self.components.values() if c["name"] == name)

    def lose_answers(self, times: int) -> None:
        """Make the next `times` changes, then answer 504 as if the answer was lost."""
        with self._lock:
            self._lost += times

    def _answered(self, request: Request, response: Response) -> Response:
        if self._lost and request.method != "GET" and response.status_code < 400:
            self._lost -= 1
            return JSONResponse({"message": "Gateway Timeout"}, 504)
        return response

    def _refused(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"OAuth {self.api_key}":
            return JSONResponse({"message": "Could not authenticate"}, 401)
        if request.path_params["page_id"] != self.page_id:
            return JSONResponse({"message": "The requested resource could not be found."}, 404)
        return None

    async def _list_components(self, request: Request) -> Response:
        """A page of components: `page` from 1, `per_page` at most 100 (since 2023)."""
        page, per_page = (
            request.query_params.get(n, d) for n, d in (("page", "1"), ("per_page", "100"))
        )
        if not (page.isdigit() and per_page.isdigit() and int(page) >= 1 and int(per_page) >= 1):
            return JSONResponse({"message": "page and per_page are whole numbers"}, 400)
        size = min(int(per_page), 100)
        start = (int(page) - 1) * size
        with self._lock:
            return JSONResponse(list(self.components.values())[start : start + size])

    async def _unresolved(self, request: Request) -> Response:
        with self._lock:
            found = [i for i in self.incidents.values() if i["status"] != "resolved"]
            return JSONResponse(found)

    async def _create(self, request: Request) -> Response:
        asked, errors = await self._incident_body(request, creating=True)
        if errors:
            return JSONResponse({"message": "; ".join(errors)}, 422)
        with self._lock:
            incident_id = next(self._ids)
            incident = {"id": incident_id, "page_id": self.page_id, "name": asked["name"]}
            incident |= {"status": "investigating", "created_at": _now(), "incident_updates": []}
            incident["shortlink"] = f"https://stspg.io/{incident_id[-5:]}"
            self.incidents[incident_id] = incident
            self._apply(incident, asked)
            return JSONResponse(incident, 201)

    async def _patch(self, request: Request) -> Response:
        asked, errors = await self._incident_body(request, creating=False)
        with self._lock:
            incident = self.incidents.get(request.path_params["incident_id"])
            if incident is None:
                return JSONResponse({"message": "The requested resource could not be found."}, 404)
            if errors:
                return JSONResponse({"message": "; ".join(errors)}, 422)
            self._apply(incident, asked)
            return JSONResponse(incident)

    async def _incident_body(self, request: Request, creating: bool) -> tuple[dict, list[str]]:
        try:
            body = await request.json()
        except ValueError:
            return {}, ["The request body is not JSON"]
        asked = body.get("incident") if isinstance(body, dict) else None
        if not isinstance(asked, dict):
            return {}, ["incident is missing"]
        errors = []
        if creating and not (isinstance(asked.get("name"), str) and asked["name"].strip()):
            errors.append("Name can't be blank")
        if asked.get("status", "investigating") not in INCIDENT_STATUSES:
            errors.append(f"Status must be one of {', '.join(INCIDENT_STATUSES)}")
        components = asked.get("components", {})
        if not isinstance(components, dict):
            return asked, [*errors, "components must map component ids to statuses"]
        with self._lock:
            unknown = [c for c in components if c not in self.components]
        errors += [f"Component {c} does not exist on this page" for c in unknown]
        bad = [s for s in components.values() if s not in COMPONENT_STATUSES]
        errors += [
            f"Component status {s} is not one of {', '.join(COMPONENT_STATUSES)}" for s in bad
        ]
        return asked, errors

    def _apply(self, incident: dict, asked: dict) -> None:  # holding the lock
        """An update: the incident's status and name, a new incident update with the body,
        and the named components' statuses."""
        incident["status"] = asked.get("status", incident["status"])
        incident["name"] = asked.get("name") or incident["name"]
        for component_id, status in asked.get("components", {}).items():
            self.components[component_id] |= {"status": status, "updated_at": _now()}
        affected = [
            {"code": c, "name": self.components[c]["name"], "new_status": s}
            for c, s in asked.get("components", {}).items()
        ]
        update = {"id": next(self._ids), "status": incident["status"], "created_at": _now()}
        update |= {"body": asked.get("body", ""), "affected_components": affected}
        incident["incident_updates"].insert(0, update)
        incident["updated_at"] = _now()
        incident["resolved_at"] = _now() if incident["status"] == "resolved" else None
