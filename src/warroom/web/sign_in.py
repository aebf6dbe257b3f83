"""Sign in with Slack for the dashboard (OpenID Connect, slack/sign_in.py): `/sign-in` sends
the browser to Slack's authorize page with a one-time `state` kept in the session,
`/sign-in/callback` exchanges Slack's code for a user token (`openid.connect.token`) and asks
who it is (`openid.connect.userInfo`), and `POST /sign-out` forgets them.

Only people of warroom's own workspace get in. The session is a signed cookie (Starlette's,
with itsdangerous), HttpOnly and SameSite=Lax: Lax, because Slack's redirect back is a
top-level navigation from another site, which Strict would send without it. Every form that
changes something carries the session's CSRF token (`csrf_token`), checked by `checked_form`.
"""

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from warroom.slack.sign_in import SignInRefused, SlackSignIn


@dataclass(frozen=True)
class Viewer:
    """Who is signed in."""

    user_id: str
    name: str


def viewer(request: Request) -> Viewer | None:
    signed = request.session.get("viewer")
    return Viewer(**signed) if signed else None


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made at its first form."""
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(24)
    return request.session["csrf"]


async def checked_form(request: Request) -> dict | None:
    """The posted form (urlencoded, as the dashboard's forms post) when it carries the
    session's CSRF token; None when it does not."""
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
    given, expected = form.get("csrf", ""), request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return None
    return form


def sign_in_to(request: Request) -> RedirectResponse:
    """Where a page sends a stranger: signing in, and back to that page afterwards."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/sign-in?{urlencode({'next': back})}", status_code=303)


def sign_in_routes(
    *,
    client_id: str,
    client_secret: str,
    public_url: str,
    slack_api_url: str,
    team_id: Callable[[], str],
) -> list[Route]:
    """`slack_api_url` is the Web API's base (`https://slack.com/api/`). `team_id()` is
    warroom's own workspace."""
    slack = SlackSignIn(client_id, client_secret, f"{public_url}/sign-in/callback", slack_api_url)

    async def start(request: Request) -> Response:
        state = secrets.token_urlsafe(24)
        request.session["state"] = state
        request.session["next"] = _local(request.query_params.get("next", "/incidents"))
        return RedirectResponse(slack.authorize_url(state), status_code=303)

    async def callback(request: Request) -> Response:
        state = request.session.pop("state", None)
        given = request.query_params.get("state", "")
        if not state or not hmac.compare_digest(given.encode(), state.encode()):
            return _refused("This sign-in link is stale or not yours: sign in again.")
        if request.query_params.get("error"):
            return _refused("Slack did not sign you in: " + request.query_params["error"])
        try:
            person = await run_in_threadpool(slack.who, request.query_params.get("code", ""))
        except SignInRefused as refused:
            return _refused(f"Slack refused the sign-in ({refused}).")
        if person.team_id != await run_in_threadpool(team_id):
            return _refused("That Slack account is of another workspace than warroom's.", 403)
        request.session["viewer"] = {"user_id": person.user_id, "name": person.name}
        csrf_token(request)
        return RedirectResponse(request.session.pop("next", "/incidents"), status_code=303)

    async def sign_out(request: Request) -> Response:
        if await checked_form(request) is None:
            return _refused("That form is stale: reload the page and try again.", 403)
        request.session.clear()
        return RedirectResponse("/signed-out", status_code=303)

    async def signed_out(_request: Request) -> Response:
        return PlainTextResponse("Signed out of warroom.")

    return [
        Route("/sign-in", start, methods=["GET"]),
        Route("/sign-in/callback", callback, methods=["GET"]),
        Route("/sign-out", sign_out, methods=["POST"]),
        Route("/signed-out", signed_out, methods=["GET"]),
    ]


def _local(path: str) -> str:
    """Only a path of this site: a sign-in link must not send anyone elsewhere."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return "/incidents"
    return path


def _refused(why: str, status: int = 400) -> Response:
    return PlainTextResponse(why, status_code=status)
