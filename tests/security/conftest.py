"""Shared by the security properties: a declared incident, signed raw requests, and a scan
of everything warroom showed in the sandbox for Slack markup that could ping or link."""

import hashlib
import hmac
import logging
import re
import time

import httpx
import pytest

from tests.conftest import SIGNING_SECRET
from tests.e2e.incident_fixtures import Declared, declare_and_settle
from warroom.slack import blocks


@pytest.fixture
def incident(sandbox, general, warroom, db, announce_channel) -> Declared:
    return declare_and_settle(sandbox, db)


# --- requests -----------------------------------------------------------------------


def signed_headers(body: bytes, secret: str = SIGNING_SECRET, timestamp: int | None = None):
    """Slack's v0 signature over raw bytes. `driver.sign` cannot do this for bytes that are
    not UTF-8 (slack_sdk's SignatureVerifier decodes the body first)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{stamp}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def post_signed(sandbox, body: bytes, content_type: str):
    """POST `body` correctly signed to warroom's request URL: (status, text)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        headers = {"Content-Type": content_type, **signed_headers(body)}
        answer = httpx.post(sandbox.bot_connection.request_urls[0], content=body, headers=headers)
        return answer.status_code, answer.text
    answer = sandbox.driver.send_raw(body, content_type, sandbox.driver.sign(body))
    return answer.status, answer.body


def post_unsigned(sandbox, body: bytes, content_type: str, headers: dict | None = None):
    answer = httpx.post(
        sandbox.bot_connection.request_urls[0],
        content=body,
        headers={"Content-Type": content_type, **(headers or {})},
    )
    return answer.status_code, answer.text


# --- logged errors ------------------------------------------------------------------

WATCHED_LOGGERS = ("warroom", "slack_bolt", "uvicorn")


def logged_errors(caplog, since: int = 0) -> list[str]:
    """Errors logged since record number `since`, with the last line of their traceback."""
    found = []
    for record in caplog.records[since:]:
        if record.levelno >= logging.ERROR and record.name.startswith(WATCHED_LOGGERS):
            where = (record.exc_text or "").strip().splitlines()[-3:]
            found.append(f"{record.name}: {record.getMessage().strip()} {' / '.join(where)}")
    return found


# --- what warroom showed -----------------------------------------------------------

_TAG = re.compile(r"<([^<>]*)>")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Keys whose string values Slack renders as mrkdwn (a `plain_text` object never pings).
_RENDERED = {"text", "pretext", "fallback", "title", "topic", "purpose"}
HUMANS = ("alice", "bob", "priya", "sam", "raj")


class Markup:
    """Which `<...>` sequences warroom may have written itself: mentions of the sandbox's
    users, links to its channels, permalinks, and the placeholders of the help text."""

    def __init__(self, sandbox):
        self.users = {sandbox.user_id(name) for name in HUMANS} | {sandbox.bot_user_id}
        self.channels = set(sandbox.workspace.channels)
        self.permalink = f"https://{sandbox.workspace.team_domain}.slack.com/archives/"
        self.placeholders = {m.group(0) for m in _TAG.finditer(blocks.help_text())}

    def problems(self, text: str) -> list[str]:
        bad = []
        for match in _TAG.finditer(text):
            tag, inner = match.group(0), match.group(1)
            target = inner.split("|", 1)[0]
            if tag in self.placeholders:
                continue
            users, channels = self.users, self.channels
            if (
                inner.startswith("!")  # <!channel>, <!here>, <!everyone>, <!subteam^...>
                or (inner.startswith("@") and target[1:] not in users)
                or (inner.startswith("#") and target[1:] not in channels)
                or (_SCHEME.match(inner) and not target.startswith(self.permalink))
            ):
                bad.append(tag)
        return bad


def rendered_strings(node, where: str):
    """(where, text) for every string Slack would render as markup inside `node`."""
    if isinstance(node, dict):
        plain = node.get("type") == "plain_text"
        for key, value in node.items():
            if isinstance(value, str):
                if key in _RENDERED and not plain:
                    yield where, value
            elif isinstance(value, dict | list):
                yield from rendered_strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from rendered_strings(item, f"{where}[{i}]")


def everything_shown(sandbox, answers=()) -> set[tuple[str, str]]:
    """Every rendered string warroom produced: messages and replies in every conversation,
    topics and purposes, ephemerals (chat.postEphemeral and response_url), views, and the
    acknowledgements in `answers`."""
    shown: set[tuple[str, str]] = set()
    for channel_id in list(sandbox.workspace.channels):
        channel = sandbox.channel(channel_id)
        shown.add((f"{channel_id}.topic", channel.topic))
        shown.add((f"{channel_id}.purpose", channel.purpose))
        for message in sandbox.messages(channel_id, include_replies=True):
            if message.get("bot_id") or message.get("user") == sandbox.bot_user_id:
                shown.update(rendered_strings(message, f"{channel_id}/{message['ts']}"))
    for ephemeral in sandbox.ephemeral_messages():
        shown.update(rendered_strings(ephemeral, f"ephemeral/{ephemeral['ts']}"))
    for view_id, view in sandbox.views.items():
        shown.update(rendered_strings(view.get("view"), f"view/{view_id}"))
    for i, answer in enumerate(answers):
        shown.update(rendered_strings(answer.body, f"ack[{i}]"))
    return shown


def markup_problems(sandbox, shown) -> list[str]:
    markup = Markup(sandbox)
    return [
        f"{where}: {bad} in {text[:300]!r}"
        for where, text in sorted(shown)
        for bad in [markup.problems(text)]
        if bad
    ]
