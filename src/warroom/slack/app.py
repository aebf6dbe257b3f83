"""The Bolt app: one WebClient pointed at the configured Slack API, and warroom's listeners."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette

from warroom import incidents
from warroom.config import Settings
from warroom.metrics import Metrics
from warroom.scheduler import Scheduler
from warroom.slack import blocks, errors, listeners
from warroom.slack.backfill import backfill_open_incidents
from warroom.slack.gateway import SlackGateway, make_client
from warroom.slack.nags import send_nag
from warroom.slack.provision import provision, unfinished_setups
from warroom.slack.services import Services
from warroom.store.db import Database
from warroom.web.server import create_web_app

log = logging.getLogger(__name__)


def build_services(
    settings: Settings, db: Database, now: Callable[[], datetime], metrics: Metrics
) -> Services:
    client = make_client(
        settings.slack_bot_token.get_secret_value(),
        settings.slack_api_url,
        call_counter=metrics.retry_handler(),
    )
    return Services(settings=settings, db=db, slack=SlackGateway(client), now=now, metrics=metrics)


def build_app(services: Services) -> App:
    app = App(
        client=services.slack.client,
        signing_secret=services.settings.slack_signing_secret.get_secret_value(),
        # Acknowledge only after a listener finishes: an event that could not be recorded
        # then gets a 500 and Slack delivers it again. Slow work goes to lazy listeners.
        process_before_response=True,
        # The HTTP front checks signatures before parsing (web.py); Socket Mode needs none.
        request_verification_enabled=False,
    )

    app.error(lambda error, body: errors.on_error(error, body))
    services.metrics.instrument_app(app)
    listeners.register(app, services)
    return app


@dataclass(frozen=True)
class Bot:
    app: App
    services: Services
    scheduler: Scheduler

    @property
    def metrics(self) -> Metrics:
        return self.services.metrics

    def web_app(self) -> Starlette:
        """The HTTP mode front: Slack's endpoint, /healthz and /metrics."""
        secret = self.services.settings.slack_signing_secret.get_secret_value()
        return create_web_app(
            self.app, self.services.db, self.metrics, secret, self.services.events_lost.set
        )


def start_bot(settings: Settings, db: Database, now: Callable[[], datetime]) -> Bot:
    """The bot as `warroom serve` runs it: listening, and catching up on what it missed.
    Its scheduler is ready to tick; `bot.scheduler.start()` makes it tick by itself."""
    metrics = Metrics(open_incidents=lambda: _open_counts(db))
    services = build_services(settings, db, now, metrics)
    app = build_app(services)
    catch_up_in_background(services)
    scheduler = Scheduler(
        db,
        now,
        services.policy,
        lambda nag: send_nag(services, nag),
        settings.warroom_tick_seconds,
        metrics,
    )
    return Bot(app, services, scheduler)


def _open_counts(db: Database) -> dict[str, tuple[int, int]]:
    with db.transaction() as session:
        return incidents.open_counts(session)


def catch_up_in_background(services: Services) -> threading.Thread:
    """Finish declares that a stop interrupted, then record what was said in open incident
    channels while warroom was not running."""
    thread = threading.Thread(target=catch_up, args=(services,), name="catch-up", daemon=True)
    thread.start()
    return thread


def catch_up(services: Services, poll_seconds: float = 5) -> None:
    """At start, and again whenever events could not be recorded (the database was down)."""
    try:
        _finish_interrupted_setups(services)
        backfill_open_incidents(services)
        while _finish_interrupted_setups(services):
            time.sleep(poll_seconds)  # younger setups may still be under way: look again
    except Exception:
        log.exception("catching up after the start failed; /incident sync can retry")
    while True:
        services.events_lost.wait()
        time.sleep(poll_seconds)  # let the database come back and Slack's retries finish
        services.events_lost.clear()
        try:
            backfill_open_incidents(services)
        except DBAPIError:
            services.events_lost.set()  # still down: try again later


def _finish_interrupted_setups(services: Services) -> bool:
    """Finish the setups a stop interrupted; True while younger unfinished ones remain."""
    ready, waiting = unfinished_setups(services)
    for incident_id in ready:
        setup = provision(services, incident_id, resuming=True)
        if setup.channel_id:
            text = f"warroom was restarted while setting up {setup.reference}. " + (
                "The setup is now complete." if not setup.failures else setup.report()
            )
            services.slack.post(setup.channel_id, *blocks.notice(text))
    return waiting


def socket_mode(app: App, settings: Settings) -> SocketModeHandler:
    """Socket Mode over the same WebClient, so `apps.connections.open` honours SLACK_API_URL."""
    return SocketModeHandler(
        app, settings.slack_app_token.get_secret_value(), web_client=app.client
    )
