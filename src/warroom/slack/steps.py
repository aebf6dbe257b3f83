"""Slack calls as the steps of a delivery: Slack's failures sorted into those worth
retrying and refusals, and posts that a retry finds instead of making twice."""

from collections.abc import Callable
from http.client import HTTPException
from typing import Any

from slack_sdk.errors import SlackApiError

from warroom.integrations.base import Delivery, Refused, Retry, Step
from warroom.slack.gateway import SlackGateway, slack_error

# Slack's own words for "not now": the same call may well succeed later.
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def guarded(call: Callable[..., Any], *args, **kwargs) -> Callable[[], Any]:
    """`call(*args, **kwargs)` as a step: a failure Slack may get over raises Retry (with
    the wait a 429 asked for), any other refusal raises Refused, in words."""

    def step():
        try:
            return call(*args, **kwargs)
        except SlackApiError as error:
            said = f"Slack said `{slack_error(error)}`"
            status = error.response.status_code
            if status == 429:
                after = (error.response.headers or {}).get("Retry-After") or 1
                raise Retry(said, after=float(after)) from error
            if status >= 500 or error.response.get("error") in TRANSIENT_ERRORS:
                raise Retry(said) from error
            raise Refused(said) from error
        except (OSError, HTTPException) as error:
            raise Retry(f"Slack could not be reached ({type(error).__name__})") from error

    return step


def posting(
    slack: SlackGateway,
    delivery: Delivery,
    what: str,
    channel: str,
    text: str,
    blocks,
    thread_ts: str | None = None,
) -> Step:
    """The step `what` that posts a message (returning its ts). The message carries the
    delivery's key, so that a retry (after a failure that may have posted it anyway, or an
    interruption) finds it rather than posting it twice."""
    key = f"{delivery.key}/{what}"

    def post() -> str:
        if delivery.attempt > 1:
            since = f"{delivery.created_at.timestamp():.6f}"
            found = slack.find_posted(channel, key, since=since, thread_ts=thread_ts)
            if found:
                return found
        return slack.post(channel, text, blocks, key=key, thread_ts=thread_ts)

    return what, guarded(post)
