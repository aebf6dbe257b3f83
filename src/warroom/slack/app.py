"""The Bolt app: one WebClient pointed at the configured Slack API, and warroom's listeners."""

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from warroom.config import Settings
from warroom.db import Database
from warroom.slack import listeners
from warroom.slack.gateway import SlackGateway, make_client
from warroom.slack.services import Services


def build_app(settings: Settings, db: Database, now: Callable[[], datetime]) -> App:
    client = make_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # Acknowledge only after a listener finishes: an event that could not be recorded
        # then gets a 500 and Slack delivers it again. Slow work goes to lazy listeners.
        process_before_response=True,
    )
    listeners.register(app, Services(settings=settings, db=db, slack=SlackGateway(client), now=now))
    return app


def socket_mode(app: App, settings: Settings) -> SocketModeHandler:
    """Socket Mode over the same WebClient, so `apps.connections.open` honours SLACK_API_URL."""
    return SocketModeHandler(
        app, settings.slack_app_token.get_secret_value(), web_client=app.client
    )
