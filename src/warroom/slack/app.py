"""The Bolt app: one WebClient pointed at the configured Slack API, and warroom's listeners."""

import threading
from collections.abc import Callable
from datetime import datetime

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from warroom.config import Settings
from warroom.db import Database
from warroom.slack import listeners
from warroom.slack.backfill import backfill_open_incidents
from warroom.slack.gateway import SlackGateway, make_client
from warroom.slack.services import Services


def build_services(settings: Settings, db: Database, now: Callable[[], datetime]) -> Services:
    client = make_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    return Services(settings=settings, db=db, slack=SlackGateway(client), now=now)


def build_app(services: Services) -> App:
    app = App(
        client=services.slack.client,
        signing_secret=services.settings.slack_signing_secret.get_secret_value(),
        # Acknowledge only after a listener finishes: an event that could not be recorded
        # then gets a 500 and Slack delivers it again. Slow work goes to lazy listeners.
        process_before_response=True,
    )
    listeners.register(app, services)
    return app


def start_bot(settings: Settings, db: Database, now: Callable[[], datetime]) -> App:
    """The bot as `warroom serve` runs it: listening, and catching up on what it missed."""
    services = build_services(settings, db, now)
    app = build_app(services)
    catch_up_in_background(services)
    return app


def catch_up_in_background(services: Services) -> threading.Thread:
    """Record what was said in open incident channels while warroom was not running."""
    thread = threading.Thread(
        target=backfill_open_incidents, args=(services,), name="catch-up", daemon=True
    )
    thread.start()
    return thread


def socket_mode(app: App, settings: Settings) -> SocketModeHandler:
    """Socket Mode over the same WebClient, so `apps.connections.open` honours SLACK_API_URL."""
    return SocketModeHandler(
        app, settings.slack_app_token.get_secret_value(), web_client=app.client
    )
