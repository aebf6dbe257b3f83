"""The demo's Slack in a browser, so a newcomer sees what responders see: the sandbox's
channels, their messages as Block Kit draws them (edits in place, pins marked, files by
name), the answers only the viewer sees, buttons that click, the forms (modals) warroom
opens, filled in and submitted or closed, and a composer that posts a message or types an
`/incident` command, as one of the sandbox's people.

Plain HTML forms, no JavaScript: the page reloads itself every few seconds while the demo
plays, except while a modal is open (it would wipe what is being typed).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from warroom.demo.slack_forms import modal_html, submitted
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
    refusals: dict[str, tuple[dict[str, str], ImmutableMultiDict]] = field(
        default_factory=dict
    )  # by view: the bot's errors by block, and the form it refused


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

    def modal(user: str, known: dict[str, str]) -> dict | None:
        """The modal in front of the viewer, drawn as a form, or None."""
        shown = sandbox.modal_shown(user)
        if shown is None:
            return None
        with sandbox.workspace.lock:
            people = {u.id: u.name for u in sandbox.workspace.users.values() if not u.is_bot}
        places = {c.id: f"#{c.name}" for c in channels(user)}
        errors, typed = viewer.refusals.get(shown["id"], ({}, None))
        return {
            "id": shown["id"],
            "title": shown["title"]["text"],
            "submit": (shown.get("submit") or {}).get("text"),
            "close": (shown.get("close") or {}).get("text", "Cancel"),
            "body": modal_html(shown, known, people, places, errors, typed),
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
            modal=modal(user, known),
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

    def answer_modal(view_id: str, form: ImmutableMultiDict) -> None:
        """Submit the modal with what the form holds, or close it; what the bot refuses
        stays on the form, beside the input it is about, as in Slack."""
        user = sandbox.user_id(viewer.name)
        if view_id not in sandbox.views:
            return  # already answered (sent twice, or from the browser's history)
        if form.get("close"):
            sandbox.driver.close_view(user, view_id)
        else:
            shown = sandbox.workspace.views.get(view_id)
            answer = sandbox.driver.submit_view(user, view_id, submitted(shown, form))
            body = answer.body if isinstance(answer.body, dict) else {}
            if body.get("response_action") == "errors":
                viewer.refusals[view_id] = (body["errors"], form)
            else:
                viewer.refusals.pop(view_id, None)
        sandbox.settle()

    async def modal_answered(request: Request) -> Response:
        form = await _form(request)
        await run_in_threadpool(answer_modal, request.path_params["view_id"], form)
        return RedirectResponse(f"/channels/{form.get('channel', '')}", status_code=303)

    async def posted(request: Request) -> Response:
        channel_id = request.path_params["channel_id"]
        form = await _form(request)
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
            Route("/views/{view_id}", modal_answered, methods=["POST"]),
        ]
    )


async def _form(request: Request) -> ImmutableMultiDict:
    """A posted form's fields (Starlette's own parser needs python-multipart)."""
    return ImmutableMultiDict(parse_qsl((await request.body()).decode("utf-8", "replace")))
