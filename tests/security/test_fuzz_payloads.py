"""Hostile and broken requests through warroom's real HTTP endpoint.

Correctly signed but malformed requests must never make warroom answer 500 or log an
error (a Bolt "Unhandled request" warning is fine); unsigned, forged or stale ones get 401.
"""

import json
import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.conftest import SIGNING_SECRET, settle
from tests.security.conftest import logged_errors, post_signed, post_unsigned, signed_headers
from warroom.slack import forms, nags, postmortem_views

JSON, FORM = "application/json", "application/x-www-form-urlencoded"
MISSING = 999_999  # an incident, reminder or view nobody ever made
HTTP = settings(
    max_examples=30,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
pytestmark = pytest.mark.expect_error_logs  # each test checks the logs itself, uvicorn's too


def form(payload) -> bytes:
    return urlencode(
        {"payload": payload if isinstance(payload, str) else json.dumps(payload)}
    ).encode()


def interaction(sandbox, kind: str, **fields) -> dict:
    alice = sandbox.user_id("alice")
    return {
        "type": kind,
        "token": "sandbox-verification-token",
        "api_app_id": sandbox.app_id,
        "team": {"id": sandbox.team_id, "domain": "sandbox"},
        "user": {"id": alice, "username": "alice", "name": "alice", "team_id": sandbox.team_id},
        "is_enterprise_install": False,
        "trigger_id": sandbox.workspace.issue_trigger(alice),
        **fields,
    }


def click(sandbox, action_id: str, value=None, channel_id="C0NOWHERE", **action) -> dict:
    return interaction(
        sandbox,
        "block_actions",
        container={"type": "message", "message_ts": "1.000001", "channel_id": channel_id},
        channel={"id": channel_id, "name": "somewhere"},
        actions=[
            {"type": "button", "action_id": action_id, "block_id": "b", "action_ts": "1.2"}
            | ({"value": value} if value is not None else {})
            | action
        ],
    )


def submit(sandbox, callback_id: str, metadata: str = "", values=None, **view) -> dict:
    return interaction(
        sandbox,
        "view_submission",
        view={
            "id": "V0NOWHERE",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": metadata,
            "state": {"values": values or {}},
        }
        | view,
    )


def event(sandbox, inner, **outer) -> bytes:
    body = {
        "token": "sandbox-verification-token",
        "team_id": sandbox.team_id,
        "api_app_id": sandbox.app_id,
        "type": "event_callback",
        "event_id": f"Ev{time.monotonic_ns()}",
        "event_time": 1,
        "event": inner,
    } | outer
    return json.dumps(body).encode()


def text_value(text):
    return {"value": {"type": "plain_text_input", "value": text}}


def malformed_cases(sandbox, channel_id: str) -> dict[str, tuple[bytes, str]]:
    alice = sandbox.user_id("alice")
    message = {"type": "message", "channel": channel_id, "user": alice, "text": "hi", "ts": "1.1"}
    drop = {k: v for k, v in json.loads(event(sandbox, message)).items() if k != "event_id"}
    attach_meta = json.dumps({"channel": channel_id, "ts": "1.1", "user": alice, "text": "x"})
    cases = {
        # bodies that do not parse
        "non-UTF-8 bytes": (b"\xff\xfe\x00 not text", JSON),
        "non-UTF-8 form": (b"command=/incident&text=\xff", FORM),
        "truncated JSON": (event(sandbox, message)[:40], JSON),
        "JSON array": (b"[1, 2]", JSON),
        "JSON string": (b'"event_callback"', JSON),
        "payload= not JSON": (b"payload=not-json", FORM),
        "payload= truncated": (form(json.dumps(click(sandbox, "claim_role_ic", "ic"))[:50]), FORM),
        # events
        "event_callback without event": (event(sandbox, None), JSON),
        "event is a string": (event(sandbox, "message"), JSON),
        "event without type": (event(sandbox, {"user": alice}), JSON),
        "message without event_id": (json.dumps(drop).encode(), JSON),
        "message without channel or user": (event(sandbox, {"type": "message", "ts": "1.1"}), JSON),
        "app_home_opened without user": (event(sandbox, {"type": "app_home_opened"}), JSON),
        "reaction_added without item": (
            event(sandbox, {"type": "reaction_added", "user": alice, "reaction": "pushpin"}),
            JSON,
        ),
        # buttons and pickers
        "block_actions without actions": (form(interaction(sandbox, "block_actions")), FORM),
        "block_actions without user": (
            form({k: v for k, v in click(sandbox, "claim_role_ic", "ic").items() if k != "user"}),
            FORM,
        ),
        "unknown action_id": (form(click(sandbox, "no_such_action", "x")), FORM),
        "claim button with a value that is no role": (
            form(click(sandbox, "claim_role_ic", "emperor")),
            FORM,
        ),
        "claim button without value": (form(click(sandbox, "claim_role_ic")), FORM),
        "assign picker for an unknown role": (
            form(click(sandbox, "assign_role_emperor", selected_user=alice)),
            FORM,
        ),
        "snooze of a reminder that does not exist": (
            form(click(sandbox, nags.SNOOZE_BUTTON, str(MISSING))),
            FORM,
        ),
        "snooze with a value that is no number": (
            form(click(sandbox, nags.SNOOZE_BUTTON, "soon")),
            FORM,
        ),
        "post-update button of an incident that does not exist": (
            form(click(sandbox, nags.POST_UPDATE_BUTTON, str(MISSING))),
            FORM,
        ),
        "postmortem edit button of an incident that does not exist": (
            form(click(sandbox, postmortem_views.EDIT_BUTTON, str(MISSING))),
            FORM,
        ),
        # forms
        "view_submission without view": (form(interaction(sandbox, "view_submission")), FORM),
        "view without type": (
            form(interaction(sandbox, "view_submission", view={"id": "V1", "callback_id": "x"})),
            FORM,
        ),
        "unknown callback_id": (form(submit(sandbox, "no_such_form")), FORM),
        "declare form without state": (
            form(submit(sandbox, forms.DECLARE_CALLBACK, state=None)),
            FORM,
        ),
        "update form of an incident that does not exist": (
            form(submit(sandbox, forms.UPDATE_CALLBACK, str(MISSING), {"text": text_value("x")})),
            FORM,
        ),
        "update form without private_metadata": (
            form(submit(sandbox, forms.UPDATE_CALLBACK, "", {"text": text_value("x")})),
            FORM,
        ),
        "notes form of an incident that does not exist": (
            form(submit(sandbox, postmortem_views.NOTES_CALLBACK, str(MISSING))),
            FORM,
        ),
        "attach form picking an incident that does not exist": (
            form(
                submit(
                    sandbox,
                    forms.ATTACH_CALLBACK,
                    attach_meta,
                    {"incident": {"value": {"selected_option": {"value": str(MISSING)}}}},
                )
            ),
            FORM,
        ),
        "attach form with private_metadata that is not JSON": (
            form(
                submit(
                    sandbox,
                    forms.ATTACH_CALLBACK,
                    "{not json",
                    {"incident": {"value": {"selected_option": {"value": "1"}}}},
                )
            ),
            FORM,
        ),
    }
    return cases


def outcome(sandbox, caplog, body: bytes, content_type: str, wait: float = 0.15) -> str | None:
    """Send one signed request; None if warroom handled it, else what went wrong."""
    since = len(caplog.records)
    status, answer = post_signed(sandbox, body, content_type)
    time.sleep(wait)  # lazy listeners start right after the acknowledgement
    errors = logged_errors(caplog, since)
    if status is None or status >= 500 or errors:
        return f"HTTP {status} {str(answer)[:60]!r}; logged: {errors}"
    return None


def test_malformed_requests_are_answered_without_a_crash(sandbox, warroom, incident, caplog):
    """Each case on its own line of the failure, with the last lines of its traceback."""
    failures = []
    for name, (body, content_type) in malformed_cases(sandbox, incident.channel_id).items():
        problem = outcome(sandbox, caplog, body, content_type)
        if problem:
            failures.append(f"{name}: {problem}")
    settle(sandbox)
    assert not failures, "\n".join(failures)


# --- random bodies, correctly signed -------------------------------------------------

junk = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.builds(lambda t: b"payload=" + t.encode(), st.text(max_size=100)),
    st.builds(lambda t: b"{" + t.encode(), st.text(max_size=100)),
)


@HTTP
@given(body=junk, content_type=st.sampled_from([JSON, FORM, "text/plain"]))
@example(body=b"{", content_type=JSON)
def test_random_signed_bodies_never_crash(sandbox, warroom, caplog, body, content_type):
    assert outcome(sandbox, caplog, body, content_type, wait=0) is None


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def mangle(payload, data):
    """Delete a few keys anywhere in `payload`, or replace their values with random JSON."""
    node = payload
    while isinstance(node, dict) and node and data.draw(st.booleans(), label="descend"):
        key = data.draw(st.sampled_from(sorted(node)), label="into")
        if not isinstance(node[key], dict):
            break
        node = node[key]
    if isinstance(node, dict) and node:
        key = data.draw(st.sampled_from(sorted(node)), label="key")
        if data.draw(st.booleans(), label="delete"):
            del node[key]
        else:
            node[key] = data.draw(json_value, label="value")
    return payload


@HTTP
@given(data=st.data(), which=st.integers(0, 5))
def test_mangled_payloads_never_crash(sandbox, warroom, caplog, data, which):
    alice = sandbox.user_id("alice")
    general = sandbox.channel_by_name("general").id
    message = {"type": "message", "channel": general, "user": alice, "text": "hi", "ts": "1.1"}
    templates = [
        lambda: (json.loads(event(sandbox, message)), JSON),
        lambda: (json.loads(event(sandbox, {"type": "app_home_opened", "user": alice})), JSON),
        lambda: (click(sandbox, "claim_role_ic", "ic", channel_id=general), FORM),
        lambda: (click(sandbox, nags.SNOOZE_BUTTON, "1"), FORM),
        lambda: (submit(sandbox, forms.DECLARE_CALLBACK, values={"title": text_value("x")}), FORM),
        lambda: (submit(sandbox, forms.UPDATE_CALLBACK, "1", {"text": text_value("x")}), FORM),
    ]
    payload, content_type = templates[which]()
    for _ in range(data.draw(st.integers(1, 3), label="mangles")):
        payload = mangle(payload, data)
    body = json.dumps(payload).encode() if content_type == JSON else form(payload)
    assert outcome(sandbox, caplog, body, content_type, wait=0) is None


# --- /incident with random text ------------------------------------------------------

any_char = st.characters(blacklist_categories=("Cs",))
words = st.sampled_from(
    [
        "declare",
        "role",
        "update",
        "severity",
        "rename",
        "mitigated",
        "resolve",
        "reopen",
        "action",
        "actions",
        "note",
        "timeline",
        "sync",
        "postmortem",
        "status",
        "list",
        "help",
        "sev1",
        "ic",
        "me",
        "<@U123>",
        "<!here>",
        "due",
        "friday",
        "p1",
        "all",
        "page",
        "2",
        "²",
    ]
)
command_text = st.one_of(
    st.text(any_char, max_size=200),
    st.lists(st.one_of(words, st.text(any_char, max_size=5)), max_size=8).map(" ".join),
    st.builds(lambda w, n, c: f"{w} " + c * n, words, st.integers(10_000, 100_000), any_char),
)


@HTTP
@given(text=command_text, in_incident=st.booleans())
@example(text="timeline ²", in_incident=False)
@example(text="note " + "x" * 100_000, in_incident=True)
def test_random_incident_texts_get_a_specific_answer(
    sandbox, general, incident, caplog, text, in_incident
):
    alice = sandbox.user_id("alice")
    since = len(caplog.records)
    before = len(sandbox.ephemeral_messages(user_id=alice)) + len(sandbox.views)
    channel = incident.channel_id if in_incident else general
    answer = sandbox.driver.slash_command(alice, channel, text)
    assert answer.status == 200, (answer, logged_errors(caplog, since))
    said = (answer.body or {}).get("text", "") if isinstance(answer.body, dict) else ""
    if not said.strip():  # acknowledged silently: a form or a response_url answer must follow
        settle(sandbox)
        after = len(sandbox.ephemeral_messages(user_id=alice)) + len(sandbox.views)
        assert after > before, f"no answer at all to {text[:80]!r}"
    assert not logged_errors(caplog, since)


def test_background_work_of_random_commands_logs_no_error(sandbox, general, incident, caplog):
    """What the commands above leave running must finish cleanly too (checked at the end)."""
    alice = sandbox.user_id("alice")
    for text in ("declare sev3 <!here> & <@U123>", "role ic <@U123>", "sync", "list", "help"):
        sandbox.driver.slash_command(alice, incident.channel_id, text)
    settle(sandbox)
    assert not logged_errors(caplog)


# --- authentication ------------------------------------------------------------------

valid_command = urlencode({"command": "/incident", "text": "help", "user_id": "U1"}).encode()


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    body=st.one_of(st.just(valid_command), st.text(max_size=200).map(str.encode)),
    forgery=st.sampled_from(["unsigned", "wrong secret", "stale", "future", "bad signature"]),
)
@example(body=valid_command, forgery="stale")
def test_unsigned_forged_or_stale_requests_get_401(sandbox, warroom, caplog, body, forgery):
    since = len(caplog.records)
    now = int(time.time())
    headers = {
        "unsigned": {},
        "wrong secret": signed_headers(body, secret="not-" + SIGNING_SECRET),
        "stale": signed_headers(body, timestamp=now - 600),
        "future": signed_headers(body, timestamp=now + 600),
        "bad signature": {**signed_headers(body), "X-Slack-Signature": "v0=" + "0" * 64},
    }[forgery]
    status, _ = post_unsigned(sandbox, body, FORM, headers)
    assert status == 401, (status, logged_errors(caplog, since))
    assert not logged_errors(caplog, since)


@pytest.mark.parametrize("body", [b"{", b"payload=not-json", b"\xff\xfe", b"[1]"])
def test_unsigned_garbage_gets_401_not_500(sandbox, warroom, caplog, body):
    """Nobody without the signing secret can make warroom fail or log errors."""
    status, _ = post_unsigned(sandbox, body, JSON)
    problem = f"HTTP {status}; logged: {logged_errors(caplog)}"
    assert status == 401, problem
