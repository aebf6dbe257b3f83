"""Jira Cloud's REST API v3 as warroom's action-item tests need it: the projects, issues,
users and workflow of one site behind the calls warroom makes, over real HTTP with basic
auth checked, faults on demand, and the `jira:issue_updated` webhook Jira sends when someone
moves an issue on the website.

Its rules are written from Atlassian's published OpenAPI description of the platform API as
kept in APIs-guru/openapi-directory
(`APIs/atlassian.com/jira/1001.0.0-SNAPSHOT/openapi.yaml`): getServerInfo (`deploymentType`
Cloud), createIssue (201 CreatedIssue: id, key, self), getIssue (IssueBean; 404 when the
issue is unknown), editIssue and doTransition (204, a transition `id` required),
getTransitions (IssueTransition with `to`, a StatusDetails whose StatusCategory has a
`key`), findUsers (400 without `query` or `accountId`) and the ErrorCollection body of
refusals (`errorMessages`, `errors` by field). Answers hold only the properties those
schemas have: IssueBean and ErrorCollection allow no others. Two parts come from Atlassian's
current documentation instead, the description being older: `GET /rest/api/3/search/jql`
(which replaced `/search`; only the JQL warroom writes is understood) and the webhook's
body. The field rules (a summary of one line, at most 255 characters; v3 descriptions as an
Atlassian Document; `duedate` as YYYY-MM-DD) are Jira's as it answers them, in its words'
spirit.
"""

import base64
import itertools
import re
import time
from datetime import date

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from warroom.emulators.served import ServedEmulator

API = "/rest/api/3"
# The simplified workflow every new Jira project starts with: name, id, status category.
STATUSES = {
    "To Do": ("10000", "new"),
    "In Progress": ("10001", "indeterminate"),
    "Done": ("10002", "done"),
}
TRANSITIONS = {"11": "To Do", "21": "In Progress", "31": "Done"}  # any status to any other
ISSUE_BEAN = {"id", "key", "self", "expand", "fields", "transitions", "changelog", "names"}
OUR_JQL = re.compile(r'^project = "(?P<project>[^"]+)" AND labels = "(?P<label>[^"]+)"$')


def refused(status: int, messages: list[str] = (), errors: dict | None = None) -> JSONResponse:
    """An ErrorCollection, as Jira says why it refuses."""
    return JSONResponse({"errorMessages": list(messages), "errors": errors or {}}, status)


class JiraEmulator(ServedEmulator):
    def __init__(self, email: str = "warroom@example.com", token: str = "jira-test-token"):
        self.email, self.token = email, token
        self.webhook_url: str | None = None  # a test points it at warroom once it runs
        self._ids = itertools.count(10001)
        self.projects: dict[str, list[dict]] = {}  # issues by project key, oldest first
        self.users: list[dict] = []
        self.deliveries: list[int] = []  # the status warroom answered each webhook with
        issue = f"{API}/issue/{{key}}"
        routes = [
            (f"{API}/issue", self._create, "POST"),
            (issue, self._get, "GET"),
            (issue, self._edit, "PUT"),
            (f"{issue}/transitions", self._transitions, "GET"),
            (f"{issue}/transitions", self._transition, "POST"),
            (f"{API}/user/search", self._find_users, "GET"),
            (f"{API}/search/jql", self._search, "GET"),
            (f"{API}/field", self._fields, "GET"),
            (f"{API}/serverInfo", self._server_info, "GET"),
        ]
        super().__init__(routes)

    @property
    def url(self) -> str:
        return self._server.url

    def add_project(self, key: str) -> None:
        with self._lock:
            self.projects.setdefault(key, [])

    def add_user(self, display_name: str, email: str) -> str:
        account_id = f"5b10ac8d82e05b22cc7d{len(self.users):04d}"
        with self._lock:
            self.users.append(
                {"accountId": account_id, "accountType": "atlassian", "active": True}
                | {"displayName": display_name, "emailAddress": email}
                | {"self": f"{self.url}{API}/user?accountId={account_id}"}
            )
        return account_id

    def add_issue(self, project: str, summary: str, duedate: str | None = None) -> str:
        """As if someone opened an issue on the website; its key."""
        with self._lock:
            return self._opened(project, {"summary": summary, "duedate": duedate})["key"]

    def issue(self, key: str) -> dict:
        with self._lock:
            return self._find(key)

    def move(self, key: str, status: str, by: str = "Jo Admin") -> None:
        """As if `by` moved the issue to `status` on the website: the webhook follows
        (unless none is set up, or it was lost)."""
        with self._lock:
            issue = self._find(key)
            before = issue["fields"]["status"]
            issue["fields"]["status"] = _status(status)
            event = {
                "timestamp": int(time.time() * 1000),
                "webhookEvent": "jira:issue_updated",
                "issue_event_type_name": "issue_generic",
                "user": {"accountId": "557058:admin", "displayName": by},
                "issue": dict(issue),
                "changelog": {
                    "id": str(next(self._ids)),
                    "items": [
                        {"field": "status", "fieldtype": "jira", "fieldId": "status"}
                        | {"from": before["id"], "fromString": before["name"]}
                        | {"to": issue["fields"]["status"]["id"], "toString": status}
                    ],
                },
            }
        if self.webhook_url is None:
            return
        answer = httpx.post(self.webhook_url, json=event, timeout=10)
        with self._lock:
            self.deliveries.append(answer.status_code)

    # the API

    def _refused(self, request: Request) -> Response | None:
        expected = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Response(status_code=401)  # the description gives most 401s no body
        return None

    async def _create(self, request: Request) -> Response:
        fields = (await _json(request)).get("fields")
        if not isinstance(fields, dict):
            return refused(400, ["The request has no fields."])
        with self._lock:
            if problems := self._problems(fields, creating=True):
                return refused(400, errors=problems)
            issue = self._opened(fields["project"]["key"], fields)
            return JSONResponse({k: issue[k] for k in ("id", "key", "self")}, 201)

    async def _get(self, request: Request) -> Response:
        with self._lock:
            issue = self._find(request.path_params["key"])
            if issue is None:
                return _no_issue()
            wanted = request.query_params.get("fields", "*all").split(",")
            shown = {k: v for k, v in issue["fields"].items() if "*all" in wanted or k in wanted}
            answer = issue | {"fields": shown}
        assert set(answer) <= ISSUE_BEAN  # as the description's IssueBean allows
        return JSONResponse(answer)

    async def _edit(self, request: Request) -> Response:
        fields = (await _json(request)).get("fields") or {}
        with self._lock:
            issue = self._find(request.path_params["key"])
            if issue is None:
                return _no_issue()
            if problems := self._problems(fields, creating=False):
                return refused(400, errors=problems)
            issue["fields"] |= fields
        return Response(status_code=204)

    async def _transitions(self, request: Request) -> Response:
        with self._lock:
            issue = self._find(request.path_params["key"])
            if issue is None:
                return _no_issue()
            now = issue["fields"]["status"]["name"]
        offered = [
            {"id": tid, "name": name, "to": _status(name), "isAvailable": True}
            for tid, name in TRANSITIONS.items()
            if name != now
        ]
        return JSONResponse({"transitions": offered})

    async def _transition(self, request: Request) -> Response:
        asked = ((await _json(request)).get("transition") or {}).get("id")
        with self._lock:
            issue = self._find(request.path_params["key"])
            if issue is None:
                return _no_issue()
            if str(asked) not in TRANSITIONS:
                return refused(400, ["No transition is specified, or it is not valid."])
            issue["fields"]["status"] = _status(TRANSITIONS[str(asked)])
        return Response(status_code=204)

    async def _find_users(self, request: Request) -> Response:
        query = request.query_params.get("query", "").lower()
        if not query and not request.query_params.get("accountId"):
            return refused(400, ["One of 'accountId', 'query' or 'property' must be given."])
        with self._lock:
            found = [
                u
                for u in self.users
                if query in u["emailAddress"].lower() or query in u["displayName"].lower()
            ]
        return JSONResponse(found[: int(request.query_params.get("maxResults", "50"))])

    async def _search(self, request: Request) -> Response:
        ours = OUR_JQL.match(request.query_params.get("jql", ""))
        if ours is None:
            return refused(400, ["The emulator understands only the JQL warroom writes."])
        with self._lock:
            issues = self.projects.get(ours["project"], [])
            found = [i for i in issues if ours["label"] in i["fields"].get("labels", [])]
        return JSONResponse({"issues": found, "isLast": True})

    async def _fields(self, request: Request) -> Response:
        names = ("summary", "status", "duedate", "labels", "assignee", "description")
        return JSONResponse([{"id": n, "name": n, "clauseNames": [n]} for n in names])

    async def _server_info(self, request: Request) -> Response:
        info = {"baseUrl": self.url, "version": "1001.0.0-SNAPSHOT", "deploymentType": "Cloud"}
        return JSONResponse(info | {"versionNumbers": [1001, 0, 0], "serverTitle": "Jira"})

    def _opened(self, project: str, fields: dict) -> dict:
        issue_id = str(next(self._ids))
        issue = {"id": issue_id, "key": f"{project}-{len(self.projects[project]) + 1}"}
        issue["self"] = f"{self.url}{API}/issue/{issue_id}"
        issue["fields"] = {"status": _status("To Do"), "labels": [], "assignee": None}
        issue["fields"] |= {"duedate": None, "description": None}
        issue["fields"] |= {k: v for k, v in fields.items() if k != "project"}
        self.projects[project].append(issue)
        return issue

    def _find(self, key: str) -> dict | None:
        issues = (i for project in self.projects.values() for i in project)
        return next((i for i in issues if key in (i["key"], i["id"])), None)

    def _problems(self, fields: dict, creating: bool) -> dict[str, str]:
        """Jira's refusals by field, for what warroom sends."""
        problems = {}
        if creating and (fields.get("project") or {}).get("key") not in self.projects:
            problems["project"] = "Specify a valid project ID or key"
        if creating and (fields.get("issuetype") or {}).get("name") != "Task":
            problems["issuetype"] = "Specify an issue type"
        summary = fields.get("summary", "" if creating else "unchanged")
        if not isinstance(summary, str) or not summary.strip():
            problems["summary"] = "You must specify a summary of the issue."
        elif len(summary) > 255 or "\n" in summary:
            problems["summary"] = "Summary must be one line of less than 255 characters."
        description = fields.get("description")
        if description is not None and (description or {}).get("type") != "doc":
            problems["description"] = "Operation value must be an Atlassian Document."
        if (due := fields.get("duedate")) is not None and not _is_date(due):
            problems["duedate"] = "Error parsing date string: " + str(due)
        assignee = fields.get("assignee")
        known = {u["accountId"] for u in self.users}
        if assignee is not None and assignee.get("accountId") not in known:
            problems["assignee"] = "Specify a valid value for assignee"
        return problems


def _status(name: str) -> dict:
    status_id, category = STATUSES[name]  # each category has one status, named as it is
    return {"id": status_id, "name": name, "statusCategory": {"key": category, "name": name}}


def _is_date(value) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 10


def _no_issue() -> JSONResponse:
    return refused(404, ["Issue does not exist or you do not have permission to see it."])


async def _json(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
