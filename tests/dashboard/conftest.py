"""The dashboard's tests: a warroom with its dashboard on a port known in advance (Sign in
with Slack returns to it), and a person's way in, through the sandbox's authorize page as a
browser goes."""

import re
from html import unescape

import httpx
import pytest

from tests.conftest import watch_bot_work
from warroom.web.background import BackgroundServer, free_port

SESSION_SECRET = "dashboard-session-secret-of-32-bytes-or-more"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def settings(settings, sandbox, port):
    secret = type(settings.slack_signing_secret)
    return settings.model_copy(
        update={
            "slack_client_id": sandbox.sign_in.client_id,
            "slack_client_secret": secret(sandbox.sign_in.client_secret),
            "warroom_public_url": f"http://127.0.0.1:{port}",
            "warroom_session_secret": secret(SESSION_SECRET),
        }
    )


@pytest.fixture
def dashboard(sandbox, bot, db, port):
    """warroom serving HTTP on `port`, with the sandbox delivering to it."""
    server = BackgroundServer(bot.web_app(), port=port).start()
    sandbox.connect_http(f"{server.url}/slack/events")
    watch_bot_work(sandbox, bot)
    yield server
    server.stop()


def sign_in(sandbox, base_url: str, name: str, path: str = "/incidents") -> httpx.Client:
    """A browser session signed in as the sandbox person called `name`, back at `path`."""
    client = httpx.Client(base_url=base_url, follow_redirects=True, timeout=10)
    consent = client.get(path)  # a stranger is sent to sign in, then to Slack
    assert consent.url.path == "/openid/connect/authorize", consent.url
    real_name = sandbox.workspace.users[sandbox.user_id(name)].real_name
    link = re.search(rf'<a href="([^"]+)">Continue as {re.escape(real_name)}</a>', consent.text)
    landed = client.get(unescape(link[1]))
    assert landed.status_code == 200 and landed.url.raw_path.decode() == path, landed.url
    return client
