"""The Bolt app: one WebClient pointed at the configured Slack API, and warroom's listeners;
and reading back what was said while warroom was not listening."""

import logging
import threading

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy.exc import DBAPIError

from warroom.app.core import Core
from warroom.catalog import Catalog
from warroom.config import Settings
from warroom.metrics import Metrics
from warroom.slack import errors, instrumentation, listeners
from warroom.slack.backfill import backfill_open_incidents
from warroom.slack.gateway import SlackGateway, make_client
from warroom.slack.services import Services

log = logging.getLogger(__name__)


def build_services(settings: Settings, core: Core, metrics: Metrics) -> Services:
    client = make_client(
        settings.slack_bot_token.get_secret_value(),
        settings.slack_api_url,
        call_counter=instrumentation.call_counter(metrics),
    )
    return Services(
        settings=settings,
        core=core,
        slack=SlackGateway(client),
        metrics=metrics,
        catalog=Catalog(settings.warroom_catalog),
    )


# What warroom's Slack side is, to the modules that assemble it.
SlackApp = App


def build_app(services: Services) -> SlackApp:
    app = App(
        client=services.slack.client,
        signing_secret=services.settings.slack_signing_secret.get_secret_value(),
        # Acknowledge only after a listener finishes: an event that could not be recorded
        # then gets a 500 and Slack delivers it again. Slow work goes to lazy listeners.
        process_before_response=True,
        # The HTTP front checks signatures before parsing (web.py); Socket Mode needs none.
        request_verification_enabled=False,
        # A pool of warroom's (not Bolt's own), so that stopping the bot shuts it down.
        listener_executor=services.lazy_listeners,
    )

    app.error(lambda error, body: errors.on_error(error, body))
    instrumentation.instrument(app, services.metrics)
    listeners.register(app, services)
    return app


def catch_up_in_background(services: Services, stopping: threading.Event) -> threading.Thread:
    """Record what was said in open incident channels while warroom was not listening, at
    start and whenever events could not be recorded, until `stopping` is set."""
    thread = threading.Thread(
        target=catch_up, args=(services, stopping), name="catch-up", daemon=True
    )
    thread.start()
    return thread


def catch_up(services: Services, stopping: threading.Event, poll_seconds: float = 5) -> None:
    """At start, and again whenever events could not be recorded (the database was down)."""
    try:
        backfill_open_incidents(services)
    except Exception:
        log.exception("catching up after the start failed; /incident sync can retry")
    while not stopping.is_set():
        if not services.events_lost.wait(timeout=1):
            continue
        # Let the database come back and Slack's retries finish.
        if stopping.wait(poll_seconds):
            return
        services.events_lost.clear()
        try:
            backfill_open_incidents(services)
        except DBAPIError:
            services.events_lost.set()  # still down: try again later


def socket_mode(app: App, settings: Settings) -> SocketModeHandler:
    """Socket Mode over the same WebClient, so `apps.connections.open` honours SLACK_API_URL."""
    return SocketModeHandler(
        app, settings.slack_app_token.get_secret_value(), web_client=app.client
    )
