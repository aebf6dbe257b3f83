"""How the sandbox reaches the bot, as Slack would: signed HTTP requests to its request URL,
or envelopes on its Socket Mode connection once it has one."""

import json
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from .socket_hub import SocketHub

DEFAULT_ACK_TIMEOUT = 3.0  # Slack's deadline for acknowledging anything


@dataclass
class BotAnswer:
    """The bot's answer: HTTP status and parsed body, or a Socket Mode ack (status 200,
    body = the ack's `payload`). `status` is None when the bot did not answer in time."""

    status: int | None
    body: Any = None
    error: str | None = None  # "http_timeout" or "connection_failed" when there is no status
    detail: str = ""  # what the transport said, for whoever reads a failed assertion

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def signature_headers(signing_secret: str, body: bytes, timestamp: int | None = None) -> dict:
    """Slack's v0 request signature; pass another secret or an old timestamp to forge one."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(signing_secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def _http_body(kind: str, payload: dict) -> tuple[bytes, str]:
    """Events arrive as JSON, commands as a form, interactivity as a form field `payload`."""
    if kind == "events_api":
        return json.dumps(payload).encode(), "application/json"
    form = payload if kind == "slash_commands" else {"payload": json.dumps(payload)}
    return urlencode(form).encode(), "application/x-www-form-urlencoded"


def _parse(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


class BotConnection:
    def __init__(self, signing_secret: str, hub: SocketHub) -> None:
        self.signing_secret = signing_secret
        self.request_urls: tuple[str, ...] = ()
        self._turn = 0
        self._turn_lock = threading.Lock()
        self.ack_timeout = DEFAULT_ACK_TIMEOUT
        self._hub = hub
        self._http = httpx.Client()

    @property
    def mode(self) -> str | None:
        """ "socket", "http" or None when the bot cannot be reached at all."""
        if self._hub.is_connected():
            return "socket"
        return "http" if self.request_urls else None

    def _next_url(self) -> str:
        """The request URLs in turn, as a load balancer in front of several replicas takes
        them: every request, whoever sends it, goes to the next one."""
        with self._turn_lock:
            url = self.request_urls[self._turn % len(self.request_urls)]
            self._turn += 1
        return url

    def send(
        self,
        kind: str,
        payload: dict,
        *,
        retry_num: int = 0,
        retry_reason: str = "",
        signing_secret: str | None = None,
        timestamp_offset: int = 0,
    ) -> BotAnswer:
        """Deliver an `events_api`, `slash_commands` or `interactive` payload.

        Over HTTP, `signing_secret` and `timestamp_offset` forge the signature (a wrong secret,
        a stale or future timestamp); Socket Mode has no signatures."""
        if self.mode == "socket":
            ack = self._hub.send(
                kind,
                payload,
                timeout=self.ack_timeout,
                retry_attempt=retry_num,
                retry_reason=retry_reason,
            )
            if ack is None:
                return BotAnswer(None, error="http_timeout")
            return BotAnswer(200, ack.get("payload"))
        body, content_type = _http_body(kind, payload)
        stamp = int(time.time()) + timestamp_offset
        signature = signature_headers(signing_secret or self.signing_secret, body, stamp)
        headers = {"Content-Type": content_type, **signature}
        if retry_num:
            headers.update(
                {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
            )
        return self.send_raw(body, headers)

    def send_raw(self, body: bytes, headers: dict) -> BotAnswer:
        """POST exactly these bytes and headers to the (next) request URL (HTTP mode only)."""
        if not self.request_urls:
            return BotAnswer(None, error="connection_failed")
        try:
            response = self._http.post(
                self._next_url(), content=body, headers=headers, timeout=self.ack_timeout
            )
        except httpx.TimeoutException as failure:
            return BotAnswer(None, error="http_timeout", detail=repr(failure))
        except httpx.TransportError as failure:
            return BotAnswer(None, error="connection_failed", detail=repr(failure))
        return BotAnswer(response.status_code, _parse(response))

    def close(self) -> None:
        self._http.close()
