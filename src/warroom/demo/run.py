"""`warroom demo`: a whole incident against the local Slack sandbox, no workspace needed.

The sandbox's clock drives warroom's clock, so the recorded times keep the incident's
shape while the waits between steps are compressed by `speed`.
"""

import re
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from warroom.bot import start_bot
from warroom.config import load_settings
from warroom.demo.script import POSTMORTEM_NOTES, STORY, Step
from warroom.demo.web_view import web_view
from warroom.sandbox import Sandbox
from warroom.sandbox.terminal import body_lines, render_message
from warroom.slack.manifest import manifest
from warroom.store.db import Database, migrate
from warroom.web.background import BackgroundServer, free_port

MENTION = re.compile(r"@(\w+)")


def run_demo(speed: float = 600, keep: bool = False, output: Path | None = None, out=None) -> int:
    out = out or sys.stdout
    with (
        tempfile.TemporaryDirectory() as folder,
        Sandbox.for_app(manifest()) as sandbox,
    ):
        sandbox.clock.set(STORY[0].when.timestamp())  # before anything is posted
        database_url = f"sqlite:///{folder}/warroom.db"
        migrate(database_url)
        db = Database(database_url)
        general = sandbox.channel_by_name("general").id
        announcements = sandbox.create_channel(
            "incidents",
            sandbox.user_id("alice"),
            members=[sandbox.user_id(name) for name in ("bob", "priya", "sam", "raj")],
        )
        port = free_port()  # Sign in with Slack returns to the dashboard there
        settings = load_settings(
            _env_file=None,
            slack_bot_token=sandbox.bot_token,
            slack_signing_secret=sandbox.signing_secret,
            slack_api_url=sandbox.api_url,
            slack_client_id=sandbox.sign_in.client_id,
            slack_client_secret=sandbox.sign_in.client_secret,
            warroom_public_url=f"http://127.0.0.1:{port}",
            warroom_session_secret=secrets.token_urlsafe(32),
            database_url=database_url,
            warroom_announce_channel=announcements,
        )
        bot = start_bot(settings, db, lambda: datetime.fromtimestamp(sandbox.clock.now(), UTC))
        server = BackgroundServer(bot.web_app(), port=port).start()
        view = BackgroundServer(web_view(sandbox)).start()
        try:
            sandbox.connect_http(f"{server.url}/slack/events")
            screen = Screen(sandbox, general, out)
            screen.say(
                f"warroom is serving {server.url}, talking to a local Slack at {sandbox.api_url}."
                f"\nSee the channels as Slack draws them, and click, at {view.url}/"
                "\nThe incident below plays at its own times, compressed. Watch the channels."
            )
            for step in STORY:
                screen.play(step, speed)
            screen.show_channel(announcements, "what stakeholders saw in #incidents")
            markdown = screen.published_postmortem()
            path = output or Path("INC-1-postmortem.md")
            path.write_text(markdown)
            screen.say(f"\n{'=' * 72}\n{markdown}\n{'=' * 72}\nThe postmortem is in {path}.")
            if keep:
                screen.keep_playing(server.url)
            else:
                screen.say(
                    "`warroom demo --keep` keeps it all running: type more commands, click in "
                    "the web page, and open the status page and the dashboard."
                )
        finally:
            view.stop()
            server.stop()
            bot.stop()
            db.dispose()
    return 0


class Screen:
    """What a person watching Slack would see, printed as it happens."""

    def __init__(self, sandbox: Sandbox, general: str, out):
        self.sandbox, self.general, self.out = sandbox, general, out
        self.shown: dict[str, str] = {}  # each message as last drawn, by its ts

    @property
    def incident_channel(self) -> str | None:
        channel = self.sandbox.channel_by_name("inc-1-payments-service-down")
        return channel.id if channel else None

    def names(self) -> dict[str, str]:
        ws = self.sandbox.workspace
        return {u.id: u.name for u in ws.users.values()} | {
            c.id: c.name for c in ws.channels.values()
        }

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def play(self, step: Step, speed: float) -> None:
        wait = (step.when.timestamp() - self.sandbox.clock.now()) / speed
        time.sleep(max(0.0, min(wait, 2.0)))
        # Never back in time: two steps in the same minute keep their order.
        self.sandbox.clock.set(max(step.when.timestamp(), self.sandbox.clock.now()))
        where = self.general if step.where == "general" else self.incident_channel
        user = self.sandbox.user_id(step.who)
        driver = self.sandbox.driver
        before = len(self.sandbox.ephemeral_messages(user))
        if step.what == "say":
            driver.post_message(user, where, step.text)
        elif step.what == "command":
            self.say(f"\n{step.when:%H:%M}  {step.who} types /incident {step.text}")
            answer = driver.slash_command(user, where, self._as_slack_sends(step.text))
            if isinstance(answer.body, dict) and answer.body.get("text"):
                self._private(step.who, answer.body)
        elif step.what == "claim":
            self._click_headline(user, step.text)
        elif step.what == "pin":
            driver.add_reaction(user, where, self._find(where, step.text), "pushpin")
        elif step.what == "attach":
            self._attach(user, step.text)
        elif step.what == "notes":
            self._fill_postmortem(user)
        elif step.what == "status":
            self._publish_status(step, user)
        self.sandbox.settle()
        for reply in self.sandbox.ephemeral_messages(user)[before + 1 :]:
            self._private(step.who, reply)
        self._show_new(self.general)
        if self.incident_channel:
            self._show_new(self.incident_channel)

    def _as_slack_sends(self, text: str) -> str:
        """`@priya` as Slack delivers a mention when escaping is on: `<@U...|priya>`."""
        ws = self.sandbox.workspace
        known = {u.name: u.id for u in ws.users.values()}
        return MENTION.sub(
            lambda m: f"<@{known[m.group(1)]}|{m.group(1)}>" if m.group(1) in known else m[0],
            text,
        )

    def _private(self, who: str, answer: dict) -> None:
        """An answer only `who` sees, drawn whole: blocks, not just their fallback text."""
        lines = body_lines(answer, self.names())
        self.say(f"       (only {who} sees) {lines[0].strip() if lines else ''}")
        for line in lines[1:]:
            self.say(f"       {line}")

    def _find(self, channel: str, start: str) -> str:
        return next(m["ts"] for m in self.sandbox.messages(channel) if start in m["text"])

    def _click_headline(self, user: str, role: str) -> None:
        channel = self.incident_channel
        self.sandbox.driver.join(user, channel)
        self.sandbox.settle()
        headline = self.sandbox.channel(channel).pins[0]
        self.sandbox.driver.block_action(
            user, f"claim_role_{role}", role, channel_id=channel, message_ts=headline
        )

    def _attach(self, user: str, start: str) -> None:
        ts = self._find(self.general, start)
        self.sandbox.driver.message_shortcut(user, "add_to_timeline", self.general, ts)
        self.sandbox.settle()
        form = self._latest_view("attach_message")
        self.sandbox.driver.submit_view(user, form, {"incident": {"value": "1"}})

    def _fill_postmortem(self, user: str) -> None:
        self.say(
            f"\n{datetime.fromtimestamp(self.sandbox.clock.now(), UTC):%H:%M}  "
            "raj fills in the postmortem form"
        )
        channel = self.incident_channel
        summary = next(
            m for m in self.sandbox.messages(channel) if m["text"].startswith("Postmortem (")
        )
        self.sandbox.driver.block_action(
            user, "postmortem_edit", "1", channel_id=channel, message_ts=summary["ts"]
        )
        self.sandbox.settle()
        values = {name: {"value": text} for name, text in POSTMORTEM_NOTES.items()}
        self.sandbox.driver.submit_view(user, self._latest_view("postmortem_notes"), values)

    def _publish_status(self, step: Step, user: str) -> None:
        """The comms lead's status page form, then its preview's Publish. `step.text` is
        "title: message", or empty for the closing update the resolve proposes."""
        channel = self.incident_channel
        if step.text:
            self.say(f"\n{step.when:%H:%M}  {step.who} types /incident statuspage")
            self.sandbox.driver.slash_command(user, channel, "statuspage")
            title, message = step.text.split(": ", 1)
            fields = {"title": {"value": title}, "message": {"value": message}}
        else:
            self.say(f"\n{step.when:%H:%M}  {step.who} presses Post the closing update")
            ts = self._find(channel, "Post the closing update?")
            self.sandbox.driver.block_action(
                user, "open_status_page_closing_form", "1", channel_id=channel, message_ts=ts
            )
            fields = {}
        self.sandbox.settle()
        self.sandbox.driver.submit_view(user, self._latest_view("status_page_form"), fields)
        self.sandbox.settle()
        self.sandbox.driver.submit_view(user, self._latest_view("status_page_preview"))

    def _latest_view(self, callback_id: str) -> str:
        return self.sandbox.open_views(callback_id)[-1]["id"]

    def _show_new(self, channel_id: str) -> None:
        names = self.names()
        name = self.sandbox.channel(channel_id).name
        for message in self.sandbox.messages(channel_id, include_replies=True):
            drawn = render_message(message, names)
            if self.shown.get(message["ts"]) != drawn:  # new, or edited in place since
                self.shown[message["ts"]] = drawn
                self.say(f"  #{name}  " + drawn.replace("\n", "\n  "))

    def show_channel(self, channel_id: str, title: str) -> None:
        self.say(f"\n----- {title} -----")
        self._show_new(channel_id)

    def published_postmortem(self) -> str:
        """The Markdown warroom attached to its postmortem summary in the channel."""
        channel = self.incident_channel
        summary = next(
            m for m in self.sandbox.messages(channel) if m["text"].startswith("Postmortem (")
        )
        files = [r for r in self.sandbox.replies(channel, summary["ts"]) if r.get("files")]
        return self.sandbox.file_content(files[-1]["files"][0]["id"]).decode()

    def keep_playing(self, url: str) -> None:
        """Leave everything running and let a person type as alice."""
        self.say(
            f"\nwarroom keeps running at {url} (customers' status page: {url}/status)."
            f"\nIts dashboard is at {url}/incidents (sign in as anyone in the sandbox), and"
            f" how the quarter went at {url}/insights."
            "\nType as alice in #inc-1-payments-service-down:"
            "\n  /incident <command>   a command (try /incident help, /incident status)"
            "\n  anything else         a message in the channel"
            "\nEnd with Ctrl-D."
        )
        alice = self.sandbox.user_id("alice")
        for line in sys.stdin:
            text = line.strip()
            before = len(self.sandbox.ephemeral_messages(alice))
            if text.startswith("/incident"):
                answer = self.sandbox.driver.slash_command(
                    alice, self.incident_channel, self._as_slack_sends(text[9:].strip())
                )
                if isinstance(answer.body, dict) and answer.body.get("text"):
                    self._private("alice", answer.body)
            elif text:
                self.sandbox.driver.post_message(alice, self.incident_channel, text)
            self.sandbox.settle()
            for reply in self.sandbox.ephemeral_messages(alice)[before + 1 :]:
                self._private("alice", reply)
            self._show_new(self.incident_channel)
