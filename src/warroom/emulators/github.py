"""GitHub's REST API as warroom's action-item tests need it: issues of a few repositories
(`POST /repos/{owner}/{repo}/issues`, `GET` and `PATCH .../issues/{issue_number}`,
`GET .../issues`)
over real HTTP, with the token checked, and the signed `issues` webhooks GitHub sends when
someone closes or reopens an issue on the website.

It is checked against GitHub's published description, github/rest-api-description, through
the models githubkit generates from it (githubkit_schemas): each request body is validated
with the operation's body model, refused 422 as GitHub refuses it, and each issue answered
validates as the description's Issue.
"""

import hashlib
import hmac
import itertools
import json
from datetime import UTC, datetime

import httpx
from githubkit_schemas.latest.models import (
    Issue,
    ReposOwnerRepoIssuesIssueNumberPatchBody,
    ReposOwnerRepoIssuesPostBody,
)
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from warroom.emulators.served import ServedEmulator

WEB = "https://github.example"  # where html_url points: a website nobody serves


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _user(login: str, user_id: int) -> dict:
    """A simple-user, every field the description requires."""
    api = f"https://api.github.example/users/{login}"
    user = {"login": login, "id": user_id, "node_id": f"U_{user_id}", "gravatar_id": ""}
    user |= {"avatar_url": f"{WEB}/{login}.png", "url": api, "html_url": f"{WEB}/{login}"}
    for name in ("followers", "subscriptions", "organizations", "repos", "received_events"):
        user[f"{name}_url"] = f"{api}/{name}"
    for name in ("following", "gists", "starred", "events"):
        user[f"{name}_url"] = f"{api}/{name}{{/other}}"
    return user | {"type": "User", "site_admin": False}


class GitHubEmulator(ServedEmulator):
    def __init__(self, token: str = "github-test-token", webhook_secret: str | None = None):
        self.token, self.webhook_secret = token, webhook_secret
        self.webhook_url: str | None = None  # a test points it at warroom once it runs
        self._ids = itertools.count(1001)
        self.issues: dict[str, list[dict]] = {}  # by "owner/repo"
        self.deliveries: list[int] = []  # the status warroom answered each webhook with
        issues = "/repos/{owner}/{repo}/issues"
        super().__init__(
            [
                (issues, self._create, "POST"),
                (issues, self._list, "GET"),
                (f"{issues}/{{number}}", self._update, "PATCH"),
                (f"{issues}/{{number}}", self._get, "GET"),
            ]
        )

    @property
    def api_url(self) -> str:
        return self._server.url

    def add_repo(self, slug: str) -> None:
        with self._lock:
            self.issues.setdefault(slug, [])

    def open_issue(self, slug: str, title: str) -> dict:
        """As if someone opened an issue on the website."""
        with self._lock:
            issue = self._issue(slug, len(self.issues[slug]) + 1, title, None)
            self.issues[slug].append(issue)
            return issue

    def set_state(self, slug: str, number: int, state: str, login: str = "octocat") -> None:
        """As if `login` closed or reopened the issue on the website: GitHub's webhook
        follows, signed with the secret (unless no webhook is set up, or it was lost)."""
        with self._lock:
            issue = self.issues[slug][number - 1]
            issue |= {"state": state, "updated_at": _now()}
            issue["closed_at"] = _now() if state == "closed" else None
            action = "closed" if state == "closed" else "reopened"
            event = {"action": action, "issue": dict(issue), "sender": _user(login, 7)}
        self._send("issues", event)

    def _send(self, kind: str, event: dict) -> None:
        if self.webhook_url is None:
            return
        body = json.dumps(event).encode()
        digest = hmac.new(self.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {"X-GitHub-Event": kind, "X-Hub-Signature-256": f"sha256={digest}"}
        headers["Content-Type"] = "application/json"
        answer = httpx.post(self.webhook_url, content=body, headers=headers, timeout=10)
        with self._lock:
            self.deliveries.append(answer.status_code)

    def _refused(self, request: Request) -> Response | None:
        given = request.headers.get("authorization", "")
        if given not in (f"Bearer {self.token}", f"token {self.token}"):
            return JSONResponse({"message": "Bad credentials"}, 401)
        slug = f"{request.path_params['owner']}/{request.path_params['repo']}"
        with self._lock:
            if slug not in self.issues:
                return JSONResponse({"message": "Not Found"}, 404)
        return None

    async def _create(self, request: Request) -> Response:
        asked = await self._body(request, ReposOwnerRepoIssuesPostBody)
        if isinstance(asked, Response):
            return asked
        slug = f"{request.path_params['owner']}/{request.path_params['repo']}"
        with self._lock:
            number = len(self.issues[slug]) + 1
            issue = self._issue(slug, number, str(asked["title"]), asked.get("body"))
            self.issues[slug].append(issue)
            return JSONResponse(issue, 201)

    async def _list(self, request: Request) -> Response:
        slug = f"{request.path_params['owner']}/{request.path_params['repo']}"
        state = request.query_params.get("state", "open")
        per_page = int(request.query_params.get("per_page", "30"))
        with self._lock:
            found = [i for i in reversed(self.issues[slug]) if state in ("all", i["state"])]
            return JSONResponse(found[:per_page])

    async def _get(self, request: Request) -> Response:
        with self._lock:
            issue = self._numbered(request)
            return JSONResponse(issue) if issue else JSONResponse({"message": "Not Found"}, 404)

    async def _update(self, request: Request) -> Response:
        asked = await self._body(request, ReposOwnerRepoIssuesIssueNumberPatchBody)
        if isinstance(asked, Response):
            return asked
        with self._lock:
            issue = self._numbered(request)
            if issue is None:
                return JSONResponse({"message": "Not Found"}, 404)
            if asked.get("state") and asked["state"] != issue["state"]:
                issue["closed_at"] = _now() if asked["state"] == "closed" else None
            edited = ("title", "state", "state_reason", "body")
            issue |= {k: asked[k] for k in edited if k in asked}
            issue["updated_at"] = _now()
            return JSONResponse(issue)

    def _numbered(self, request: Request) -> dict | None:
        slug = f"{request.path_params['owner']}/{request.path_params['repo']}"
        number = int(request.path_params["number"])
        issues = self.issues[slug]
        return issues[number - 1] if 0 < number <= len(issues) else None

    async def _body(self, request: Request, model) -> dict | Response:
        """The body as the operation's model reads it, or GitHub's 422."""
        try:
            body = json.loads(await request.body())
            model.model_validate(body)
        except ValueError as error:  # ValidationError is one
            errors = error.errors() if isinstance(error, ValidationError) else []
            fields = [{"resource": "Issue", "field": ".".join(map(str, e["loc"]))} for e in errors]
            return JSONResponse({"message": "Validation Failed", "errors": fields}, 422)
        return body

    def _issue(self, slug: str, number: int, title: str, body: str | None) -> dict:
        issue_id, api = next(self._ids), f"https://api.github.example/repos/{slug}"
        issue = {"id": issue_id, "node_id": f"I_{issue_id}", "number": number, "title": title}
        issue |= {"url": f"{api}/issues/{number}", "repository_url": api}
        for name in ("labels", "comments", "events"):
            issue[f"{name}_url"] = f"{api}/issues/{number}/{name}"
        issue |= {"html_url": f"{WEB}/{slug}/issues/{number}", "state": "open", "body": body}
        issue |= {"user": _user("warroom-bot", 1), "labels": [], "milestone": None}
        issue |= {"locked": False, "comments": 0, "closed_at": None, "state_reason": None}
        issue |= {"created_at": _now(), "updated_at": _now(), "author_association": "NONE"}
        Issue.model_validate(issue)  # as the description says an issue is, or fail loudly
        return issue
