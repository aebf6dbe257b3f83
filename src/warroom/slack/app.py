"""The Bolt app: one WebClient pointed at the configured Slack API, and warroom's listeners."""

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

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
        # Socket Mode and HTTP mode verify the same way; auth.test runs once, here.
        token_verification_enabled=True,
    )
    listeners.register(app, Services(settings=settings, db=db, slack=SlackGateway(client), now=now))
    return app
