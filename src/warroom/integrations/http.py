"""How an HTTP call to another service becomes an outcome of a delivery step: busy, down
or unreachable is worth trying again (Retry, as long as Retry-After asks); any other
refusal would fail the same way again (Refused)."""

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
        raise Retry(f"{who} could not be reached ({type(error).__name__})") from error
    if answer.is_success:
        return answer
    said = f"{who} answered HTTP {answer.status_code}{_reason(answer)}"
    if answer.status_code in TRY_AGAIN or answer.status_code >= 500:
        raise Retry(said, after=_seconds(answer.headers.get("retry-after")))
    raise Refused(said)


def _reason(answer: httpx.Response) -> str:
    """What a refusal said of itself, when it said it as JSON (`error` or `message`)."""
    try:
        body = answer.json()
    except ValueError:
        return ""
    said = body.get("error") or body.get("message") if isinstance(body, dict) else None
    if isinstance(said, list):
        said = "; ".join(map(str, said))
    return f": {str(said)[:200]}" if said else ""


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is rare from these services)."""
    try:
        return float(retry_after) if retry_after else None
    except ValueError:
        return None
