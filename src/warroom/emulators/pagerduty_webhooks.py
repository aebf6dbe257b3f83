"""PagerDuty's v3 webhooks as the emulator sends them (PagerDuty/developer-docs
`docs/webhooks/01-Overview.md`, `04-Signatures.md`, `02-Behavior.md`): one at a time, in the
order things happened, each with its X-Webhook-Id and, given a secret, `X-PagerDuty-Signature`
(`v1=` and the HMAC-SHA256 of the body); a 429, a 5xx or no answer is tried again, with a
backoff shrunk to test time."""

import hashlib
import hmac
import json
import queue
import threading
import time
import uuid

import httpx

TRIES, BACKOFF = 5, 0.05  # PagerDuty: 5 tries over ~20 minutes; here, < 1 s


class WebhookSender:
    def __init__(self, url: str | None, secret: str | None):
        self.url, self.secret = url, secret  # a test may set the URL once its receiver runs
        self.attempts: list[tuple[str, int]] = []  # (event type, status; 0: no answer at all)
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        self._worker = threading.Thread(target=self._deliver, daemon=True)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._queue.put(None)  # after the webhooks already queued
        self._worker.join(timeout=10)

    def send(self, event: dict) -> None:
        """Queue one event (unless no URL is set: nobody subscribed)."""
        if self.url is not None:
            self._queue.put((event["event_type"], json.dumps({"event": event}).encode()))

    def _deliver(self) -> None:
        with httpx.Client(timeout=5.0) as client:
            while (item := self._queue.get()) is not None:
                event_type, body = item
                headers = {"Content-Type": "application/json", "X-Webhook-Id": str(uuid.uuid4())}
                if self.secret is not None:
                    digest = hmac.new(self.secret.encode(), body, hashlib.sha256)
                    headers["X-PagerDuty-Signature"] = f"v1={digest.hexdigest()}"
                for attempt in range(TRIES):
                    try:
                        status = client.post(self.url, content=body, headers=headers).status_code
                    except httpx.HTTPError:
                        status = 0
                    with self._lock:
                        self.attempts.append((event_type, status))
                    if 0 < status < 500 and status != 429 or attempt + 1 == TRIES:
                        break
                    time.sleep(BACKOFF * 2**attempt)
