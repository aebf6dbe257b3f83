"""The system under test, wired as in production: the Slack sandbox, warroom's Bolt app served
over HTTP on a migrated database, and the bare Bolt baseline served the same way."""

import re
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from bench.bare_bolt import bare_bolt_app
from bench.traffic import Workspace
from warroom.bot import start_bot
from warroom.config import load_settings
from warroom.metrics import Metrics
from warroom.sandbox import Sandbox
from warroom.sandbox.interactions import slash_command_form
from warroom.sandbox.models import ResponseUrlContext
from warroom.sandbox.waiting import eventually
from warroom.slack.forms import DECLARE_CALLBACK
from warroom.slack.manifest import manifest
from warroom.store.db import ANSWER_WITHIN, Database
from warroom.store.models import Incident, TimelineEntry
from warroom.web.background import BackgroundServer
from warroom.web.server import create_web_app

EVENTS_PATH = "/slack/events"


@dataclass(frozen=True)
class SlackSide:
    """The sandbox's people and channels a bot under test needs: alice, who declares in
    #general, and #incidents for announcements."""

    sandbox: Sandbox
    alice: str
    general: str
    announce_channel: str

    @classmethod
    def of(cls, sandbox: Sandbox) -> "SlackSide":
        alice = sandbox.user_id("alice")
        general = sandbox.channel_by_name("general").id
        return cls(sandbox, alice, general, sandbox.create_channel("incidents", alice))

    def declare(self, title: str, severity: str = "sev1") -> int:
        """Type `/incident declare` in #general; the new incident's id once acknowledged."""
        answer = self.sandbox.driver.slash_command(
            self.alice, self.general, f"declare {severity} {title}"
        )
        text = (answer.body or {}).get("text", "") if isinstance(answer.body, dict) else ""
        if answer.status != 200 or not text.startswith("Declaring INC-"):
            raise RuntimeError(f"declare was not acknowledged: {answer}")
        return int(text.split()[1].removeprefix("INC-"))

    def declare_private(self, title: str) -> int:
        """Declare a SEV1 through the form, its private option ticked; the new incident's id."""
        self.sandbox.driver.slash_command(self.alice, self.general, "declare")
        [view_id] = eventually(lambda: [v["id"] for v in self.sandbox.open_views(DECLARE_CALLBACK)])
        fields = {
            "title": {"value": title},
            "severity": {"value": "sev1"},
            "description": {"value": ""},
            "private": {"value": ["private"]},
        }
        answer = self.sandbox.driver.submit_view(self.alice, view_id, fields)
        declared = re.search(r"Declaring INC-(\d+)", str(answer.body))
        if answer.status != 200 or declared is None:
            raise RuntimeError(f"the declare form was not accepted: {answer}")
        return int(declared.group(1))


class Harness:
    def __init__(self, database_url: str, server=BackgroundServer, wrap_bolt=lambda app: app):
        """`server` serves each ASGI app on a thread; `wrap_bolt` wraps warroom's Bolt app
        (both are for profiling, see bench.profiling)."""
        self.database_url = database_url
        self._server_class = server
        self._wrap_bolt = wrap_bolt
        self.servers: dict[str, BackgroundServer] = {}

    def __enter__(self) -> "Harness":
        with ExitStack() as stack:
            self.sandbox = stack.enter_context(Sandbox.for_app(manifest()))
            self.slack = SlackSide.of(self.sandbox)
            self.alice, self.general = self.slack.alice, self.slack.general
            self.announce_channel = self.slack.announce_channel
            settings = load_settings(
                _env_file=None,
                slack_bot_token=self.sandbox.bot_token,
                slack_signing_secret=self.sandbox.signing_secret,
                slack_api_url=self.sandbox.api_url,
                database_url=self.database_url,
                warroom_announce_channel=self.announce_channel,
            )
            self.db = Database(self.database_url, answer_within=ANSWER_WITHIN)  # as served
            stack.callback(self.db.dispose)
            warroom = stack.enter_context(start_bot(settings, self.db, lambda: datetime.now(UTC)))
            warroom_app = self._wrap_bolt(warroom.app)
            self.warroom_url = self._serve(stack, "warroom", warroom_app, warroom.metrics)
            self.sandbox.connect_http(self.warroom_url)
            bare = bare_bolt_app(
                self.sandbox.signing_secret, self.sandbox.bot_token, self.sandbox.api_url
            )
            self.bare_url = self._serve(
                stack, "bare", bare, Metrics(open_incidents=dict, pending_deliveries=dict)
            )
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stack.close()

    def _serve(self, stack: ExitStack, name: str, bolt, metrics: Metrics) -> str:
        server = self._server_class(
            create_web_app(bolt, self.db, metrics, self.sandbox.signing_secret)
        ).start()
        self.servers[name] = server
        stack.callback(server.stop)
        return server.url + EVENTS_PATH

    # --- what the load process needs to speak for Slack ------------------------------

    @property
    def workspace(self) -> Workspace:
        return Workspace(
            team_id=self.sandbox.team_id,
            app_id=self.sandbox.app_id,
            bot_user_id=self.sandbox.bot_user_id,
            signing_secret=self.sandbox.signing_secret,
        )

    def slash_command_form(self, text: str, command: str = "/incident") -> dict[str, str]:
        """The form the sandbox would post for alice typing `command text` in #general."""
        ws = self.sandbox.workspace
        with ws.lock:
            token = ws.issue_response_url(ResponseUrlContext(self.alice, self.general, None))
            return slash_command_form(
                team_id=ws.team_id,
                team_domain=ws.team_domain,
                app_id=ws.app_id,
                user=ws.user(self.alice),
                channel_id=self.general,
                channel_name="general",
                command=command,
                text=text,
                response_url=self.sandbox.url_for(f"response/{token}"),
                trigger_id=ws.issue_trigger(self.alice),
            )

    # --- incidents ------------------------------------------------------------------

    def declare(self, title: str, severity: str = "sev1") -> int:
        return self.slack.declare(title, severity)

    def incident(self, incident_id: int) -> Incident:
        with self.db.transaction() as session:
            return session.get(Incident, incident_id)

    def wait_for_channel(self, incident_id: int) -> str:
        channel_id = eventually(lambda: self.incident(incident_id).channel_id)
        self.sandbox.wait_idle()  # the bot's own posts have reached it as events
        return channel_id

    def wait_for_setup_report(self, incident_id: int) -> str:
        """The ephemeral message that ends a declare: the bot's last word about it."""
        reference = f"INC-{incident_id}"

        def report():
            for message in self.sandbox.ephemeral_messages(user_id=self.alice):
                if message["text"].startswith((f"I recorded {reference}", f"{reference} is")):
                    return message["text"]
            return None

        return eventually(report)

    def timeline_messages(self, channel_id: str) -> int:
        with self.db.transaction() as session:
            query = select(func.count()).where(TimelineEntry.slack_channel_id == channel_id)
            return session.scalar(query)
