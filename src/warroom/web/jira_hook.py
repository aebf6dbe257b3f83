"""Jira's webhook (`POST /hooks/jira/<secret>`): when an issue that is an action item's
ticket moves into or out of the "done" status category, the item is closed or reopened.

Jira Cloud's admin webhooks are authenticated by what their address holds, so the secret is
the path's last part, compared in constant time; a wrong one is answered 401 and changes
nothing. Events other than a status change are acknowledged and ignored.
"""

import hmac
from collections.abc import Callable

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from warroom.web.answers import ignored, moved, refused, unreadable


class _Category(BaseModel):
    key: str


class _Status(BaseModel):
    statusCategory: _Category


class _Fields(BaseModel):
    status: _Status


class _Issue(BaseModel):
    key: str
    fields: _Fields


class _Change(BaseModel):
    field: str


class _Changelog(BaseModel):
    items: list[_Change] = []


class _User(BaseModel):
    displayName: str = "someone"


class IssueUpdated(BaseModel):
    """The parts of a `jira:issue_updated` event an item's ticket moving is made of."""

    webhookEvent: str
    issue: _Issue | None = None
    changelog: _Changelog | None = None
    user: _User | None = None


def jira_route(secret: str, site: str, ticket_moved: Callable[[str, bool, str], bool]) -> Route:
    """`ticket_moved(url, closed, by)` closes or reopens the item whose ticket is the issue
    at `url` (on `site`), and says whether that changed anything."""

    async def jira_hook(request: Request) -> Response:
        if not hmac.compare_digest(request.path_params["secret"].encode(), secret.encode()):
            return refused(401, "wrong secret in the webhook's address")
        try:
            event = IssueUpdated.model_validate_json(await request.body())
        except ValidationError as error:
            return unreadable(error)
        changes = event.changelog.items if event.changelog else []
        if event.issue is None or not any(change.field == "status" for change in changes):
            return ignored(event.webhookEvent)
        closed = event.issue.fields.status.statusCategory.key == "done"
        by = f"jira:{event.user.displayName if event.user else 'someone'}"[:32]
        url = f"{site}/browse/{event.issue.key}"
        return moved(await run_in_threadpool(ticket_moved, url, closed, by))

    return Route("/hooks/jira/{secret}", jira_hook, methods=["POST"])
