"""`warroom demo`: warroom against the local Slack sandbox, no workspace needed."""

import sys
import tempfile
import time
from datetime import UTC, datetime

from warroom.config import load_settings
from warroom.db import Database, migrate
from warroom.sandbox import Sandbox
from warroom.sandbox.terminal import render_message
from warroom.slack.app import start_bot
from warroom.slack.manifest import bot_events
from warroom.web import BackgroundServer, create_web_app

CAST = ("alice", "bob", "priya", "sam", "raj")


def run_demo(out=sys.stdout) -> int:
    with tempfile.TemporaryDirectory() as folder, Sandbox(bot_events=bot_events()) as sandbox:
        database_url = f"sqlite:///{folder}/warroom.db"
        migrate(database_url)
        db = Database(database_url)
        people = [sandbox.user_id(name) for name in CAST]
        general = sandbox.channel_by_name("general").id
        announcements = sandbox.create_channel("incidents", people[0], members=people[1:])
        settings = load_settings(
            _env_file=None,
            slack_bot_token=sandbox.bot_token,
            slack_signing_secret=sandbox.signing_secret,
            slack_api_url=sandbox.api_url,
            database_url=database_url,
            warroom_announce_channel=announcements,
        )
        bot = start_bot(settings, db, lambda: datetime.now(UTC))
        server = BackgroundServer(create_web_app(bot.app, db, bot.metrics)).start()
        try:
            sandbox.connect_http(f"{server.url}/slack/events")
            show = Screen(sandbox, out)
            show.say(
                f"warroom is serving {server.url}, talking to a local Slack at {sandbox.api_url}"
            )
            show.command("raj", general, "declare sev1 Payments failing")
            show.reply_to("raj")
            sandbox.wait_idle()
            incident_channel = next(
                c for c in sandbox.workspace.channels.values() if c.name.startswith("inc-")
            )
            show.channel(incident_channel.id)
            show.channel(announcements)
        finally:
            server.stop()
            db.dispose()
    return 0


class Screen:
    """What a person watching Slack would see, printed as it happens."""

    def __init__(self, sandbox: Sandbox, out):
        self.sandbox, self.out = sandbox, out

    def names(self) -> dict[str, str]:
        ws = self.sandbox.workspace
        return {u.id: u.name for u in ws.users.values()} | {
            c.id: c.name for c in ws.channels.values()
        }

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def command(self, user: str, channel_id: str, text: str) -> None:
        self.say(f"\n{user} types: /incident {text}")
        self.seen_replies = len(self.sandbox.ephemeral_messages(self.sandbox.user_id(user)))
        answer = self.sandbox.driver.slash_command(self.sandbox.user_id(user), channel_id, text)
        self.say(f"  warroom (only {user} sees this): {answer.body.get('text', '')}")

    def reply_to(self, user: str, timeout: float = 10) -> None:
        """Wait for warroom's follow-up to `user`'s last command, and show it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = self.sandbox.ephemeral_messages(self.sandbox.user_id(user))
            if len(replies) > self.seen_replies:
                self.say(f"  warroom (only {user} sees this): {replies[-1]['text']}")
                return
            time.sleep(0.02)
        raise TimeoutError(f"warroom did not answer {user} within {timeout} s")

    def channel(self, channel_id: str) -> None:
        snapshot = self.sandbox.channel(channel_id)
        self.say(f"\n===== #{snapshot.name} =====  topic: {snapshot.topic}")
        names = self.names()
        for message in self.sandbox.messages(channel_id):
            self.say(render_message(message, names))
