"""Hooks other systems call: deploys, from any pipeline (`POST /hooks/deploys`, a bearer
token) and from GitHub (`POST /hooks/github`, `deployment_status` events signed with
`X-Hub-Signature-256`), which also says when an action item's issue was closed or reopened
(`issues` events).

Every hook answers a forged or unsigned request 401 and stores nothing, a body it cannot
read 400 with the reason, and records a repeated delivery once.
"""

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field, HttpUrl, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from warroom.catalog import Catalog
from warroom.store import deploys
from warroom.store.db import Database
from warroom.web.answers import ignored, moved, refused, unreadable


class DeployReport(BaseModel):
    """What `POST /hooks/deploys` takes."""

    service: str = Field(min_length=1, max_length=63)
    version: str = Field(min_length=1, max_length=200)
    who: str | None = Field(None, max_length=200)
    when: AwareDatetime
    link: HttpUrl | None = None


class _Login(BaseModel):
    login: str


class _Status(BaseModel):
    state: str
    created_at: AwareDatetime
    creator: _Login | None = None
    target_url: str | None = None
    environment_url: str | None = None
    log_url: str | None = None


class _Deployment(BaseModel):
    sha: str
    ref: str
    environment: str
    creator: _Login | None = None


class _Repository(BaseModel):
    name: str
    full_name: str


class _Issue(BaseModel):
    html_url: str


class IssueEvent(BaseModel):
    """The parts of GitHub's `issues` event an action item's ticket moving is made of."""

    action: str
    issue: _Issue
    sender: _Login | None = None


# What each `issues` action says of the ticket: closed (True) or open again (False).
ISSUE_ACTIONS = {"closed": True, "reopened": False}


class DeploymentStatus(BaseModel):
    """The parts of GitHub's `deployment_status` event a deploy is made of."""

    deployment_status: _Status
    deployment: _Deployment
    repository: _Repository


def hook_routes(
    db: Database,
    catalog: Catalog,
    now: Callable[[], datetime],
    deploy_token: str | None,
    github_secret: str | None,
    ticket_moved: Callable[[str, bool, str], bool] = lambda url, closed, by: False,
) -> list[Route]:
    """The hooks whose secret is configured (the others answer 404: nobody set them up).
    `ticket_moved(url, closed, by)` closes or reopens the action item of an issue, and
    says whether that changed anything."""

    def write(deploy: dict) -> bool:
        with db.transaction() as session:
            return deploys.record(session, {**deploy, "received_at": now()})

    async def stored(deploy: dict) -> JSONResponse:
        new = await run_in_threadpool(write, deploy)
        known = not catalog.services() or deploy["service"] in catalog.services()
        answer = {"ok": True, "recorded": new, "known_service": known}
        return JSONResponse(answer, status_code=201 if new else 200)

    async def deploy_hook(request: Request) -> Response:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").encode()
        if not hmac.compare_digest(given, deploy_token.encode()):
            return refused(401, "missing or wrong bearer token")
        try:
            report = DeployReport.model_validate_json(await request.body())
        except ValidationError as error:
            return unreadable(error)
        deploy = {
            "service": report.service,
            "version": report.version,
            "deployed_by": report.who,
            "deployed_at": report.when,
            "link": str(report.link) if report.link else None,
            "source": "hook",
        }
        return await stored(deploy)

    async def github_hook(request: Request) -> Response:
        body = await request.body()
        expected = "sha256=" + hmac.new(github_secret.encode(), body, hashlib.sha256).hexdigest()
        given = request.headers.get("x-hub-signature-256", "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return refused(401, "missing or wrong X-Hub-Signature-256")
        event = request.headers.get("x-github-event", "")
        if event == "ping":
            return JSONResponse({"ok": True})
        if event == "issues":
            return await issue_moved(body)
        if event != "deployment_status":
            return ignored(event)
        try:
            status = DeploymentStatus.model_validate_json(body)
        except ValidationError as error:
            return unreadable(error)
        if status.deployment_status.state != "success":
            return ignored(status.deployment_status.state)
        return await stored(_github_deploy(status, catalog))

    async def issue_moved(body: bytes) -> Response:
        try:
            issue = IssueEvent.model_validate_json(body)
        except ValidationError as error:
            return unreadable(error)
        if issue.action not in ISSUE_ACTIONS:
            return ignored(issue.action)
        by = f"github:{issue.sender.login}" if issue.sender else "github"
        closed = ISSUE_ACTIONS[issue.action]
        return moved(await run_in_threadpool(ticket_moved, issue.issue.html_url, closed, by[:32]))

    routes = []
    if deploy_token:
        routes.append(Route("/hooks/deploys", deploy_hook, methods=["POST"]))
    if github_secret:
        routes.append(Route("/hooks/github", github_hook, methods=["POST"]))
    return routes


def _github_deploy(status: DeploymentStatus, catalog: Catalog) -> dict:
    """The deploy a successful deployment is: the catalog service whose
    `github.com/project-slug` is the repository, else the repository's name."""
    repository = status.repository
    service = next(
        (s.name for s in catalog.services().values() if s.github_slug == repository.full_name),
        repository.name,
    )
    done, deployment = status.deployment_status, status.deployment
    who = done.creator or deployment.creator
    return {
        "service": service[:63],
        "version": deployment.ref if deployment.ref != deployment.sha else deployment.sha[:12],
        "deployed_by": who.login if who else None,
        "deployed_at": done.created_at,
        "link": done.target_url or done.environment_url or done.log_url,
        "source": "github",
    }
