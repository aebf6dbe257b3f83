"""What a request that fails with an exception gets back.

A database failure keeps Bolt's 500 for an event, so that Slack delivers it again. A person
who clicked or submitted something is told in words instead, where Slack shows it: beside
the form's first field, or through the request's response_url (commands catch database
failures themselves). Anything else means the request itself could not be understood, a
malformed or stale payload: it is answered, so Slack does not retry what can never succeed,
and logged as a warning with its traceback for the operators.
"""

import logging
import threading

from slack_bolt import BoltResponse
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import DBAPIError, IntegrityError

from warroom.slack.blocks import UNAVAILABLE

log = logging.getLogger(__name__)

NOT_UNDERSTOOD = (
    "warroom could not make sense of that request, so nothing changed. If you did not expect "
    "this, try again from the incident's channel."
)


def on_error(error: Exception, body: dict) -> BoltResponse | None:
    body = body or {}
    kind = body.get("type") or ("command" if body.get("command") else "request")
    if isinstance(error, DBAPIError) and not isinstance(error, IntegrityError):
        log.warning("the database failed while handling a %s: %r", kind, error)
        return None if kind == "event_callback" else _unavailable(kind, body)
    log.warning("could not handle a %s: %r", kind, error, exc_info=error)
    if kind in ("event_callback", "view_submission"):
        return BoltResponse(status=200, body="")  # nothing to show; do not retry
    return BoltResponse(status=200, body={"response_type": "ephemeral", "text": NOT_UNDERSTOOD})


def _unavailable(kind: str, body: dict) -> BoltResponse:
    """Tell the person the database is out of reach, where they will see it."""
    if kind == "view_submission":
        fields = [
            b["block_id"]
            for b in body.get("view", {}).get("blocks", [])
            if b.get("type") == "input"
        ]
        if fields:
            errors = {fields[0]: UNAVAILABLE}
            return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
    url = body.get("response_url") or next(
        (r.get("response_url") for r in body.get("response_urls") or []), None
    )
    if url:  # after the acknowledgement, which cannot wait for it
        threading.Thread(target=_tell, args=(url,), daemon=True).start()
    return BoltResponse(status=200, body="")


def _tell(response_url: str) -> None:
    try:
        WebhookClient(response_url, timeout=10).send(
            text=UNAVAILABLE, response_type="ephemeral", replace_original=False
        )
    except OSError as error:
        log.warning("could not tell the person the database is unavailable: %r", error)
