"""What a request that fails with an exception gets back.

A database failure keeps Bolt's 500, so that Slack delivers an event again (commands catch it
themselves and answer in words). Anything else means the request itself could not be
understood, a malformed or stale payload: it is answered, so Slack does not retry what can
never succeed, and logged as a warning with its traceback for the operators.
"""

import logging

from slack_bolt import BoltResponse
from sqlalchemy.exc import DBAPIError, IntegrityError

log = logging.getLogger(__name__)

NOT_UNDERSTOOD = (
    "warroom could not make sense of that request, so nothing changed. If you did not expect "
    "this, try again from the incident's channel."
)


def on_error(error: Exception, body: dict) -> BoltResponse | None:
    if isinstance(error, DBAPIError) and not isinstance(error, IntegrityError):
        log.warning("the database failed while handling a request; Slack may retry: %r", error)
        return None
    kind = (body or {}).get("type") or ("command" if (body or {}).get("command") else "request")
    log.warning("could not handle a %s: %r", kind, error, exc_info=error)
    if kind in ("event_callback", "view_submission"):
        return BoltResponse(status=200, body="")  # nothing to show; do not retry
    return BoltResponse(status=200, body={"response_type": "ephemeral", "text": NOT_UNDERSTOOD})
