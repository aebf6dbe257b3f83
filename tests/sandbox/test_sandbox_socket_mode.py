"""Socket Mode with slack_sdk's own builtin client, the one Bolt's SocketModeHandler uses.

One sandbox and one connection for the module: the client takes seconds to close.
"""

import pytest
from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.response import SocketModeResponse

from warroom.sandbox import Sandbox


@pytest.fixture(scope="module")
def socket_sandbox():
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def connected_client(socket_sandbox):
    sandbox = socket_sandbox
    received = []

    def acknowledge(client, request):
        received.append(request)
        payload = {"text": "on it"} if request.type == "slash_commands" else None
        client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=payload)
        )

    client = SocketModeClient(
        app_token=sandbox.app_token,
        web_client=WebClient(token=sandbox.bot_token, base_url=sandbox.api_url),
        auto_reconnect_enabled=False,
    )
    client.socket_mode_request_listeners.append(acknowledge)
    client.connect()
    sandbox.wait_for_socket()
    client.received = received
    yield client
    client.close()


@pytest.fixture
def sandbox(socket_sandbox):
    return socket_sandbox


@pytest.fixture
def socket_client(connected_client):
    connected_client.received.clear()
    return connected_client


def test_slash_commands_travel_over_the_socket_and_return_the_ack(sandbox, socket_client):
    alice = sandbox.user_id("alice")
    general = sandbox.channel_by_name("general").id
    answer = sandbox.driver.slash_command(alice, general, "help")
    assert answer.status == 200 and answer.body == {"text": "on it"}
    [request] = socket_client.received
    assert request.type == "slash_commands" and request.accepts_response_payload
    assert request.payload["text"] == "help" and request.payload["user_id"] == alice
    assert [call.ok for call in sandbox.calls_to("apps.connections.open")] == [True]


def test_events_travel_over_the_socket(sandbox, socket_client):
    client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
    channel = client.conversations_create(name="inc-socket")["channel"]["id"]
    client.chat_postMessage(channel=channel, text="over the socket")
    sandbox.wait_idle()
    [request] = socket_client.received
    assert request.type == "events_api"
    assert request.payload["event"]["text"] == "over the socket"
    assert sandbox.deliveries[-1].status == 200
