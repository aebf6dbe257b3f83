"""The demo's Slack in a browser: a person types an `/incident` command in the composer,
sees the channel warroom opened with its headline drawn from Block Kit, clicks a button
there, and sees the headline edited in place and the answer only they see."""

import re
from html import unescape

import httpx
import pytest

from tests.conftest import settle
from warroom.demo.slack_html import mrkdwn
from warroom.demo.web_view import web_view
from warroom.web.background import BackgroundServer


@pytest.fixture
def view(sandbox, warroom):
    server = BackgroundServer(web_view(sandbox)).start()
    yield httpx.Client(base_url=server.url, follow_redirects=True, timeout=20)
    server.stop()


def test_type_a_command_click_a_button_and_see_slack_as_drawn(
    sandbox, general, view, db, announce_channel
):
    home = view.get("/")
    assert home.url.path == f"/channels/{general}" and "<h1>#general</h1>" in home.text
    view.post(
        f"/channels/{general}/say", data={"text": "/incident declare sev2 Search <b>slow</b>"}
    )
    settle(sandbox)
    channel = view.get("/")  # the newest incident's channel now
    page = channel.text
    assert "<h3>INC-1: Search &lt;b&gt;slow&lt;/b&gt;</h3>" in page  # a header block, escaped
    assert "pinned" in page and "<b>slow</b>" not in page
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form[2]))
    assert "I&#39;ll be Incident Commander" in form[2]
    clicked = view.post(form[1], data={k: unescape(v) for k, v in fields.items()}).text
    assert "edited" in clicked and "is now Incident Commander" in clicked

    answered = view.post(f"{channel.url.path}/say", data={"text": "/incident status"}).text
    private = answered.split('aria-label="Only you can see this"')[-1]  # the newest
    assert "INC-1" in private and "Search" in private


def test_mrkdwn_is_escaped_then_drawn_and_links_stay_on_the_web():
    names = {"U1": "priya"}
    typed = "*Bold* <@U1> <https://x.example/a?b=1&amp;c=2|runbook> <javascript:alert(1)|x>"
    shown = mrkdwn(typed + " &lt;i&gt; &amp; 5 &gt; 3", names)
    assert "<b>Bold</b>" in shown and "<b>@priya</b>" in shown
    assert '<a href="https://x.example/a?b=1&amp;c=2">runbook</a>' in shown
    assert "javascript" not in shown and "&lt;i&gt; &amp; 5 &gt; 3" in shown  # as typed
