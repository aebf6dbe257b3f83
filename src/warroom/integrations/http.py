"""How an HTTP answer from another service becomes an outcome of a delivery step: busy,
down or unreachable is worth trying again (Retry, as long as Retry-After asks); any other
refusal would fail the same way again (Refused). The clients differ (httpx, githubkit,
requests under the Jira client); the rule is this one."""

from collections.abc import Callable

import httpx

from warroom.integrations.base import Refused, Retry

# Busy or not ready: 420 is Atlassian Statuspage's rate limit, beside the standard 429.
TRY_AGAIN = {408, 420, 425, 429}


def calling(who: str, call: Callable[[], httpx.Response]) -> httpx.Response:
    """`call`'s answer when it succeeded."""
    try:
        answer = call()
    except httpx.TransportError as error:
        raise unreachable(who, error) from error
    if answer.is_success:
        return answer
    raise refusal(who, answer.status_code, answer.headers.get("retry-after"), json_of(answer))


def refusal(who: str, status: int, retry_after: str | None, body: object) -> Retry | Refused:
    """What a failed answer means; `body` is its JSON, if it had any."""
    said = f"{who} answered HTTP {status}{_reason(body)}"
    # A 403 that says when to come back is a rate limit (GitHub's secondary one).
    if status in TRY_AGAIN or status >= 500 or (status == 403 and retry_after):
        return Retry(said, after=_seconds(retry_after))
    return Refused(said)


def unreachable(who: str, error: Exception) -> Retry:
    return Retry(f"{who} could not be reached ({type(error).__name__})")


def json_of(answer) -> object:
    """An answer's JSON body (any client's), or None."""
    try:
        return answer.json()
    except ValueError:
        return None


def _reason(body: object) -> str:
    """What a refusal said of itself: `error` or `message`, or Jira's `errorMessages` and
    `errors` (by field)."""
    if not isinstance(body, dict):
        return ""
    said = body.get("error") or body.get("message") or body.get("errorMessages")
    if isinstance(said, list):
        said = "; ".join(map(str, said))
    if not said and isinstance(body.get("errors"), dict):
        said = "; ".join(f"{field}: {why}" for field, why in body["errors"].items())
    return f": {str(said)[:200]}" if said else ""


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is rare from these services)."""
    try:
        return float(retry_after) if retry_after else None
    except ValueError:
        return None
