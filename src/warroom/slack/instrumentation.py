"""warroom's metrics of its Slack side: every request Bolt dispatches timed by kind, and
every Web API call counted by method and outcome."""

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryHandler, RetryState

from warroom.metrics import Metrics

_KIND_BY_PAYLOAD_TYPE = {
    "event_callback": "event",
    "block_actions": "action",
    "view_submission": "view",
    "view_closed": "view",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "block_suggestion": "options",
}


def request_kind(body: dict) -> str:
    """Which kind of Slack request a Bolt request body is, for the `kind` label."""
    if "command" in body:
        return "command"
    return _KIND_BY_PAYLOAD_TYPE.get(body.get("type"), "other")


class CallCounter(RetryHandler):
    """Counts every Web API call by method and outcome, and the retries it took.

    WebClient consults its retry handlers in order after every attempt, successful or not,
    and stops at the first that retries. So the last handler is consulted exactly once per
    call, on its final attempt: it sees the outcome Slack gave, and `state.current_attempt`
    says how many retries came before. It never retries itself.

    A retry handler rather than a WebClient subclass: Bolt gives each request its own
    WebClient carrying a copy of the app client's handler list, and paginated responses
    fetch their next pages without `api_call`; a handler sees all of those calls.
    """

    def __init__(self, record: Callable[[str, str], None]):
        super().__init__(max_retry_count=0)
        self._record = record

    def __deepcopy__(self, _memo) -> "CallCounter":
        # Bolt deep-copies the app's WebClient for every request; every copy must still
        # count into the one registry (whose locks cannot be copied anyway).
        return self

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = urlsplit(request.url).path.rsplit("/", 1)[-1]
        for _ in range(state.current_attempt):
            self._record(method, "retry")
        succeeded = (
            error is None
            and response is not None
            and response.status_code == 200
            and (response.body or {}).get("ok") is True
        )
        self._record(method, "ok" if succeeded else "error")
        return False


def instrument(app: App, metrics: Metrics) -> None:
    """Time every request the Bolt app dispatches, over HTTP and Socket Mode alike.

    A Bolt global middleware cannot do this: its `next()` only flags that the chain may
    go on, and the listener runs after the middleware has returned. Both adapters call
    `app.dispatch`, which returns once the request is acknowledged, so it is wrapped.
    """
    dispatch = app.dispatch

    def timed_dispatch(req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        try:
            return dispatch(req)
        finally:
            metrics.request_handled(request_kind(req.body), time.perf_counter() - started)

    app.dispatch = timed_dispatch


def call_counter(metrics: Metrics) -> RetryHandler:
    """Counts Web API calls; it must come last in a WebClient's `retry_handlers`."""
    return CallCounter(metrics.slack_call)
