"""Events API delivery: a worker thread that sends events to the bot in order, with retries.

Events are queued where they happen (often inside a chat.postMessage the bot is making), and
sent from this thread, so the bot never waits on its own event. A delivery the bot does not
acknowledge in time, or answers with an error, is retried up to 3 times like Slack does, with
`X-Slack-Retry-Num` / `X-Slack-Retry-Reason`.
"""

import queue
import threading
from dataclasses import dataclass

from .bot_connection import BotAnswer, BotConnection

MAX_RETRIES = 3


@dataclass(frozen=True)
class DeliveryAttempt:
    event_id: str
    event_type: str
    retry_num: int
    status: int | None
    error: str | None


class EventDelivery:
    def __init__(self, connection: BotConnection) -> None:
        self._connection = connection
        # Slack retries almost at once, then after 1 and 5 minutes; the sandbox keeps the
        # shape but not the wait. Index i is the pause before retry i + 1.
        self.retry_delays: tuple[float, ...] = (0.0, 0.2, 0.5)
        self.undelivered: list[dict] = []
        self.attempts: list[DeliveryAttempt] = []
        self._paused = False
        self._queue: queue.Queue[dict | None] = queue.Queue()
        self._idle = threading.Condition()
        self._outstanding = 0
        self._stopping = threading.Event()
        self._worker = threading.Thread(target=self._run, name="sandbox-delivery", daemon=True)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._stopping.set()
        self._queue.put(None)
        self._worker.join(timeout=5)

    def submit(self, callback: dict) -> None:
        """Queue an `event_callback`; kept aside instead while the bot is down."""
        with self._idle:
            if self._paused:
                self.undelivered.append(callback)
                return
            self._outstanding += 1
        self._queue.put(callback)

    def pause(self) -> None:
        with self._idle:
            self._paused = True

    def resume(self, deliver_missed: bool = False) -> None:
        """Deliver events again; missed ones only if asked (Slack drops them for a bot that
        was down, so by default the bot has to backfill from history)."""
        with self._idle:
            self._paused = False
            missed = list(self.undelivered) if deliver_missed else []
            if deliver_missed:
                self.undelivered.clear()
        for callback in missed:
            self.submit(callback)

    def wait_idle(self, timeout: float = 5.0) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._outstanding == 0, timeout):
                raise TimeoutError(f"{self._outstanding} event deliveries still outstanding")

    def _run(self) -> None:
        while True:
            callback = self._queue.get()
            if callback is None or self._stopping.is_set():
                return
            try:
                self._deliver(callback)
            finally:
                with self._idle:
                    self._outstanding -= 1
                    self._idle.notify_all()

    def _deliver(self, callback: dict) -> None:
        if self._connection.mode is None:
            with self._idle:
                self.undelivered.append(callback)
            return
        answer = self._attempt(callback, 0, "")
        for retry_num in range(1, MAX_RETRIES + 1):
            if answer.ok or self._stopping.is_set():
                return
            self._stopping.wait(self.retry_delays[min(retry_num, len(self.retry_delays)) - 1])
            answer = self._attempt(callback, retry_num, _retry_reason(answer))

    def _attempt(self, callback: dict, retry_num: int, retry_reason: str) -> BotAnswer:
        answer = self._connection.send(
            "events_api", callback, retry_num=retry_num, retry_reason=retry_reason
        )
        self.attempts.append(
            DeliveryAttempt(
                callback["event_id"],
                callback["event"]["type"],
                retry_num,
                answer.status,
                answer.error,
            )
        )
        return answer


def _retry_reason(answer: BotAnswer) -> str:
    if answer.status is not None:
        return "http_error"
    return answer.error or "http_timeout"
