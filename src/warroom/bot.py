"""warroom assembled: the use cases and their outbox, Slack (the app that listens and the
integration that posts), the outgoing webhook when configured, the deliverer and the
scheduler."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.applications import Starlette

from warroom.app import action_items
from warroom.app.core import Core
from warroom.app.delivery import Deliverer
from warroom.app.outbox import Outbox
from warroom.app.scheduler import Scheduler
from warroom.config import Settings
from warroom.integrations.github_issues import GitHubIssuesIntegration
from warroom.integrations.jira_issues import JiraIntegration
from warroom.integrations.pagerduty import PagerDutyIntegration
from warroom.integrations.statuspage import StatuspageIntegration
from warroom.integrations.tls import trusting
from warroom.integrations.trackers import Owner, Tracker
from warroom.integrations.webhook import WebhookIntegration
from warroom.metrics import Metrics
from warroom.slack.app import SlackApp, build_app, build_services, catch_up_in_background
from warroom.slack.integration import SlackIntegration
from warroom.slack.services import Services
from warroom.store import incidents, outbox
from warroom.store.db import Database
from warroom.web.alert_hooks import alert_routes
from warroom.web.dashboard_app import dashboard_mount
from warroom.web.hooks import hook_routes
from warroom.web.jira_hook import jira_route
from warroom.web.pagerduty_hook import pagerduty_route
from warroom.web.server import create_web_app
from warroom.web.status_page import status_routes


@dataclass(frozen=True)
class Bot:
    app: SlackApp
    services: Services
    scheduler: Scheduler
    deliverer: Deliverer
    stopping: threading.Event  # set once the bot stops: its background threads end

    @property
    def core(self) -> Core:
        return self.services.core

    @property
    def metrics(self) -> Metrics:
        return self.services.metrics

    def web_app(self) -> Starlette:
        """The HTTP front: Slack's endpoint, /healthz, /metrics, the hooks, the status page
        and, with Sign in with Slack set up, the dashboard."""
        settings, services = self.services.settings, self.services
        hooks = hook_routes(
            services.db,
            services.catalog,
            services.now,
            settings.secret("warroom_deploy_token"),
            settings.secret("warroom_github_webhook_secret"),
            ticket_moved=self._ticket_moved,
        )
        if jira_secret := settings.secret("warroom_jira_webhook_secret"):
            hooks.append(jira_route(jira_secret, settings.warroom_jira_url, self._ticket_moved))
        hooks += status_routes(
            services.core,
            settings.warroom_status_page_title,
            services.status_components,
        )
        if pagerduty_secret := settings.secret("warroom_pagerduty_webhook_secret"):
            hooks.append(pagerduty_route(services.core, pagerduty_secret))
        if alerts_token := settings.secret("warroom_alerts_token"):
            hooks += alert_routes(
                services.core,
                alerts_token,
                settings.alert_policy(),
                services=lambda: services.catalog.services().keys(),
                declarer=lambda: services.slack.identity[0],
            )
        if settings.slack_client_id:
            hooks.append(dashboard_mount(services))  # last: it takes every path left
        return create_web_app(
            self.app,
            services.db,
            self.metrics,
            settings.secret("slack_signing_secret"),
            services.events_lost.set,
            hooks,
        )

    def _ticket_moved(self, url: str, closed: bool, by: str) -> bool:
        return action_items.ticket_moved(self.core, url, closed, by) is not None

    def stop(self) -> None:
        self.stopping.set()
        self.scheduler.stop()
        self.deliverer.stop()
        for pool in (self.services.follow_ups, self.services.lazy_listeners):
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "Bot":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def start_bot(settings: Settings, db: Database, now: Callable[[], datetime]) -> Bot:
    """The bot as `warroom serve` runs it: listening, delivering what its outbox holds, and
    catching up on what it missed. Its scheduler is ready to tick; `bot.scheduler.start()`
    makes it tick by itself."""
    metrics = Metrics(
        open_incidents=lambda: _read(db, incidents.open_counts),
        pending_deliveries=lambda: _read(db, outbox.pending_counts),
    )
    events = Outbox()
    core = Core(db=db, now=now, policy=settings.nag_policy(), outbox=events)
    services = build_services(settings, core, metrics)
    events.connect(SlackIntegration(services))
    events.connect(_pagerduty(settings, core, services))
    if settings.warroom_webhook_url:
        secret = settings.warroom_webhook_secret.get_secret_value()
        events.connect(WebhookIntegration(core, settings.warroom_webhook_url, secret))
    if settings.warroom_statuspage_page_id:
        events.connect(_statuspage(settings, core))
    trackers = _trackers(settings, core, services)
    for tracker in trackers:
        events.connect(tracker)
    app = build_app(services)
    deliverer = Deliverer(core, metrics=metrics).start()
    stopping = threading.Event()
    catch_up_in_background(services, stopping)
    scheduler = Scheduler(core, settings.warroom_tick_seconds, metrics)
    if settings.warroom_tracker_reconcile_every:
        for tracker in trackers:
            scheduler.every(settings.warroom_tracker_reconcile_every, tracker.reconcile)
    return Bot(app, services, scheduler, deliverer, stopping)


def _pagerduty(settings: Settings, core: Core, services: Services) -> PagerDutyIntegration:
    """Always connected: it pages only for services the catalog gives a key, and the
    catalog may gain one while warroom runs."""
    return PagerDutyIntegration(
        core,
        services.catalog,
        events_url=settings.warroom_pagerduty_events_url,
        api_url=settings.warroom_pagerduty_api_url,
        api_key=settings.secret("warroom_pagerduty_api_key"),
        from_email=settings.warroom_pagerduty_from,
        page_on_declare=settings.warroom_page_on_declare,
        tls=trusting(settings.warroom_ca_bundle),
    )


def _trackers(settings: Settings, core: Core, services: Services) -> list[Tracker]:
    """GitHub Issues and Jira, each when set up; both answer `/incident action <ticket url>`
    and the reconcile, and each takes the items of the services that choose it."""
    tls, trackers = trusting(settings.warroom_ca_bundle), []
    choice = {
        "default_tracker": settings.default_tracker,
        "owner_of": lambda user: Owner(*services.slack.person(user)),
    }
    if token := settings.secret("warroom_github_token"):
        github = GitHubIssuesIntegration(
            core,
            services.catalog,
            token=token,
            api_url=settings.warroom_github_api_url,
            tls=tls,
            default_project=settings.warroom_github_issues_repo,
            **choice,
        )
        trackers.append(github)
    if settings.warroom_jira_url:
        jira = JiraIntegration(
            core,
            services.catalog,
            url=settings.warroom_jira_url,
            email=settings.warroom_jira_email,
            token=settings.secret("warroom_jira_api_token"),
            issue_type=settings.warroom_jira_issue_type,
            tls=tls,
            default_project=settings.warroom_jira_project,
            **choice,
        )
        trackers.append(jira)
    return trackers


def _statuspage(settings: Settings, core: Core) -> StatuspageIntegration:
    return StatuspageIntegration(
        core,
        settings.warroom_statuspage_api_url,
        settings.warroom_statuspage_page_id,
        settings.secret("warroom_statuspage_api_key"),
        trusting(settings.warroom_ca_bundle),
    )


def _read(db: Database, query):
    with db.transaction() as session:
        return query(session)
