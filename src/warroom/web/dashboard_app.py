"""The dashboard as one application behind its session cookie: Sign in with Slack, the
incident pages and the insights, mounted beneath everything else warroom serves (Slack's
endpoint and the hooks keep no session)."""

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount

from warroom.slack.services import Services
from warroom.slack.visibility import ChannelMembers
from warroom.web.dashboard import Sources, dashboard_routes
from warroom.web.insights_page import insights_routes
from warroom.web.sign_in import sign_in_routes

SESSION_HOURS = 12  # a working day and then some: a new sign-in each morning


def dashboard_mount(services: Services) -> Mount:
    settings, slack = services.settings, services.slack
    site = settings.slack_api_url.removesuffix("/").removesuffix("/api")
    sources = Sources(
        core=services.core,
        catalog=services.catalog,
        person=slack.display_name,
        members=ChannelMembers(slack),
        channel_link=lambda channel_id: (
            f"{site}/app_redirect?channel={channel_id}&team={slack.team_id}"
        ),
        depths=settings.postmortem_depths(),
        templates_dir=settings.warroom_templates_dir,
    )
    routes = sign_in_routes(
        client_id=settings.slack_client_id,
        client_secret=settings.secret("slack_client_secret"),
        public_url=settings.warroom_public_url,
        slack_api_url=settings.slack_api_url,
        team_id=lambda: slack.team_id,
    )
    session = Middleware(
        SessionMiddleware,
        secret_key=settings.secret("warroom_session_secret"),
        session_cookie="warroom_session",
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=settings.warroom_public_url.startswith("https://"),
    )
    routes += dashboard_routes(sources)
    routes += insights_routes(sources, settings.nag_policy().postmortem_due)
    app = Starlette(routes=routes, middleware=[session])
    return Mount("/", app=app)
