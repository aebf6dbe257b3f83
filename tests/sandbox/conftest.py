"""Fixtures: a running sandbox, a WebClient that retries like a careful bot, and a tiny
signature-checking receiver standing in for the bot's request URL."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier

from warroom.sandbox import Sandbox


class Receiver:
    """Records every signed request; answers 200 unless told to fail the next few."""

    def __init__(self, signing_secret: str) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.requests: list[dict] = []
        self.failures_left = 0
        self.answer: dict = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.record(body, dict(self.headers))
                payload = json.dumps(receiver.answer).encode() if status == 200 else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/slack/events"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def record(self, body: bytes, headers: dict) -> int:
        valid = self.verifier.is_valid_request(body, headers)
        if headers.get("Content-Type", "").startswith("application/json"):
            parsed = json.loads(body)
        else:
            parsed = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        with self._lock:
            self.requests.append({"body": parsed, "headers": headers, "valid": valid})
            if self.failures_left:
                self.failures_left -= 1
                return 500
        return 200 if valid else 401

    def events(self, event_type: str | None = None) -> list[dict]:
        return [
            r["body"]
            for r in self.requests
            if r["body"].get("type") == "event_callback"
            and event_type in (None, r["body"]["event"]["type"])
        ]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def sandbox():
    with Sandbox(signing_secret="test-secret") as sb:
        sb.delivery.retry_delays = (0.0, 0.05, 0.05)
        yield sb


@pytest.fixture
def client(sandbox):
    client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    # A short fixed pause keeps the suite fast; the default backoff starts at half a second.
    pause = FixedValueRetryIntervalCalculator(fixed_internal=0.01)
    client.retry_handlers.append(
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=pause)
    )
    return client


@pytest.fixture
def receiver(sandbox):
    receiver = Receiver(sandbox.signing_secret)
    sandbox.connect_http(receiver.url)
    yield receiver
    receiver.close()


@pytest.fixture
def incident_channel(client) -> str:
    return client.conversations_create(name="inc-test")["channel"]["id"]
