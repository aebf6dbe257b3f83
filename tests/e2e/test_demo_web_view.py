"""The demo's Slack in a browser: a person types an `/incident` command in the composer,
sees the channel warroom opened with its headline drawn from Block Kit, clicks a button
there, and sees the headline edited in place and the answer only they see; a form warroom
opens is drawn, refused with its errors beside what was typed, submitted, or closed."""

import re
from html import unescape
from pathlib import Path

import httpx
import pytest
from starlette.datastructures import ImmutableMultiDict

import warroom
from tests.conftest import settle
from warroom.demo.slack_forms import modal_html, submitted
from warroom.demo.slack_html import EMOJI, block_html, mrkdwn
from warroom.demo.web_view import web_view
from warroom.store import incidents
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


def test_the_demo_knows_every_emoji_warroom_writes():
    source = "".join(path.read_text() for path in Path(warroom.__file__).parent.rglob("*.py"))
    written = set(re.findall(r":([a-z][a-z0-9_+-]+):", source)) - {"memory"}  # SQLite's
    assert written - EMOJI.keys() == set()


def test_the_emoji_warroom_uses_are_drawn_and_other_colons_stay_as_written():
    shown = mrkdwn(":white_check_mark: Resolved at 14:18:00 :no_such_emoji: a:b:rocket:", {})
    assert shown == "\u2705 Resolved at 14:18:00 :no_such_emoji: a:b\U0001f680"
    assert mrkdwn("`:memo:` :memo:", {}) == "<code>:memo:</code> \U0001f4dd"  # none in code
    header = block_html(
        {"type": "header", "text": {"type": "plain_text", "text": ":rotating_light: <SEV1>"}},
        {},
        "",
        "",
    )
    assert header == "<h3>\U0001f6a8 &lt;SEV1&gt;</h3>"


def test_a_form_warroom_opens_is_filled_in_refused_kept_and_submitted(
    sandbox, general, view, db, announce_channel
):
    opened = view.post(f"/channels/{general}/say", data={"text": "/incident declare"}).text
    dialog = opened.split('role="dialog"')[1].split("</section>")[0]
    assert '<h2 id="modal-title">Declare an incident</h2>' in dialog
    assert 'http-equiv="refresh"' not in opened  # a reload would wipe what is typed
    field = r'<(?:div class="field"><label|fieldset class="field"><legend)>([^<]+)'
    labels = [label.strip() for label in re.findall(field, dialog)]
    assert labels == [
        "Title",
        "Severity",
        "When did the impact start? (UTC)",
        "What do we know so far?",
        "Visibility",
    ]
    assert '<option value="sev3" selected>' in dialog  # the default severity
    assert 'value="private"> Private incident' in dialog

    typed = {"channel": general, "input-0": "Checkout <failing>", "input-1": "sev1"}
    refused = view.post(f"/views/{_view_id(opened)}", data=typed | {"input-2": "yesterday 25:99"})
    dialog = refused.text.split('role="dialog"')[1]
    assert 'role="alert">' in dialog.split("When did the impact start?")[1].split("</div>")[0]
    assert 'value="Checkout &lt;failing&gt;"' in dialog  # nothing typed is lost
    assert '<option value="sev1" selected>' in dialog

    declared = view.post(f"/views/{_view_id(opened)}", data=typed | {"input-4": "private"})
    settle(sandbox)
    with db.transaction() as session:
        incident = incidents.get(session, 1)
        assert (incident.title, incident.severity, incident.is_private) == (
            "Checkout <failing>",
            "sev1",
            True,
        )
    assert "is open in" in declared.text.split('role="dialog"')[1]  # the form says where


def test_a_form_closed_is_gone_and_nothing_is_declared(sandbox, general, view, db):
    opened = view.post(f"/channels/{general}/say", data={"text": "/incident declare"}).text
    closed = view.post(f"/views/{_view_id(opened)}", data={"channel": general, "close": "1"})
    assert 'role="dialog"' not in closed.text and 'http-equiv="refresh"' in closed.text
    assert sandbox.open_views("declare_incident") == []
    with db.transaction() as session:
        assert incidents.open_incidents(session) == []


def _view_id(page: str) -> str:
    return re.search(r'<form method="post" action="/views/(\w+)">', page)[1]


def test_a_refused_form_keeps_an_unchosen_select_unchosen_and_leaves_undrawn_inputs_be():
    pick = {"type": "static_select", "action_id": "pick", "options": [_option("a"), _option("b")]}
    far = {"type": "external_select", "action_id": "far", "initial_option": _option("x")}
    view = {
        "blocks": [
            {"type": "input", "block_id": "one", "label": _plain("One"), "element": pick},
            {"type": "input", "block_id": "two", "label": _plain("Two"), "element": far},
        ]
    }
    typed = ImmutableMultiDict([("input-0", ""), ("input-1", "y")])
    drawn = modal_html(view, {}, {}, {}, {"one": "Pick one"}, typed)
    assert '<option value="">Choose…</option>' in drawn and " selected" not in drawn
    assert 'role="alert">Pick one<' in drawn and "external_select (use it in Slack)" in drawn
    assert submitted(view, typed) == {"one": {"pick": None}}  # "two" keeps its initial option


def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def _option(value: str) -> dict:
    return {"text": _plain(value.upper()), "value": value}
