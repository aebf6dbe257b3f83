"""The demo's Slack in a browser, so a newcomer sees what responders see: the sandbox's
channels, their messages as Block Kit draws them (edits in place, pins marked, files by
name), the answers only the viewer sees, buttons that click, and a composer that posts a
message or types an `/incident` command, as one of the sandbox's people.

Plain HTML forms, no JavaScript: the page reloads itself every few seconds while the demo
plays.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from warroom.demo.slack_html import block_html, mrkdwn
from warroom.sandbox import Sandbox
from warroom.web.pages import PAGES

REFRESH_SECONDS = 3


@dataclass
class Viewer:
    """Who the page is looking as, and what their commands answered (Slack shows those to
    them alone, and the sandbox keeps no copy of a command's own answer)."""

    name: str
    answers: dict[str, list[dict]] = field(default_factory=dict)  # by channel


def web_view(sandbox: Sandbox, viewer_name: str = "alice") -> Starlette:
    viewer = Viewer(viewer_name)

    def names() -> dict[str, str]:
        with sandbox.workspace.lock:
            people = {u.id: u.name for u in sandbox.workspace.users.values()}
            return people | {c.id: c.name for c in sandbox.workspace.channels.values()}

    def channels(user: str) -> list:
        """The channels `user` sees in their sidebar: public ones, and private ones they
        are in."""
        with sandbox.workspace.lock:
            seen = [
                channel
                for channel in sandbox.workspace.channels.values()
                if not channel.is_im and (not channel.is_private or user in channel.members)
            ]
        return sorted(seen, key=lambda channel: channel.name)

    def drawn(message: dict, channel_id: str, known: dict[str, str]) -> dict:
        blocks = message.get("blocks") or []
        body = [block_html(b, known, message.get("ts", ""), channel_id) for b in blocks]
        return {
            "author": known.get(message.get("user", ""), message.get("user", "")),
            "when": datetime.fromtimestamp(float(message.get("ts") or 0), UTC),
            "body": body or [mrkdwn(message.get("text", ""), known)],
            "files": [f.get("name") or f.get("title") for f in message.get("files", [])],
            "pinned": bool(message.get("pinned_to")),
            "edited": bool(message.get("edited")),
        }

    def channel_page(channel_id: str) -> str:
        known = names()
        user = sandbox.user_id(viewer.name)
        messages = sandbox.messages(channel_id, include_replies=True)
        private = sandbox.ephemeral_messages(user, channel_id) + viewer.answers.get(channel_id, [])
        return PAGES.get_template("demo_channel.html.j2").render(
            channel=sandbox.channel(channel_id),
            channels=channels(user),
            messages=[drawn(m, channel_id, known) for m in messages],
            private=[drawn(m | {"user": "warroom"}, channel_id, known) for m in private],
            viewer=viewer.name,
            refresh=REFRESH_SECONDS,
        )

    async def home(_request: Request) -> Response:
        """The newest incident's channel, or #general before there is one."""
        shown = channels(sandbox.user_id(viewer.name))
        incidents = [c for c in shown if c.name.startswith("inc-")]
        newest = max(incidents, key=lambda c: c.created, default=sandbox.channel_by_name("general"))
        return RedirectResponse(f"/channels/{newest.id}", status_code=303)

    async def show(request: Request) -> Response:
        html = await run_in_threadpool(channel_page, request.path_params["channel_id"])
        return HTMLResponse(html)

    def say(channel_id: str, text: str) -> None:
        user, driver = sandbox.user_id(viewer.name), sandbox.driver
        if text.startswith("/incident"):
            answer = driver.slash_command(user, channel_id, text.removeprefix("/incident").strip())
            if isinstance(answer.body, dict) and answer.body.get("text"):
                viewer.answers.setdefault(channel_id, []).append(answer.body | {"ts": ""})
        elif text:
            driver.post_message(user, channel_id, text)
        sandbox.settle()

    def click(channel_id: str, form: dict) -> None:
        sandbox.driver.block_action(
            sandbox.user_id(viewer.name),
            form.get("action_id", ""),
            form.get("value") or None,
            channel_id=channel_id,
            message_ts=form.get("ts"),
            block_id=form.get("block_id") or None,
        )
        sandbox.settle()

    async def posted(request: Request) -> Response:
        channel_id = request.path_params["channel_id"]
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        if request.path_params["what"] == "say":
            await run_in_threadpool(say, channel_id, form.get("text", "").strip())
        else:
            await run_in_threadpool(click, channel_id, form)
        return RedirectResponse(f"/channels/{channel_id}", status_code=303)

    return Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/channels/{channel_id}", show, methods=["GET"]),
            Route("/channels/{channel_id}/{what:str}", posted, methods=["POST"]),
        ]
    )
