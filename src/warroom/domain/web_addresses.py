"""Links that come from outside (typed by people, sent by alerting tools, given by PagerDuty)
are shown only as one normalised http(s) address: what cannot appear in one, such as `<`, `"`
or a space, percent-encoded, and so is `|`, which would end a mrkdwn link's address or a
Markdown table's cell. `&` stays, as addresses need it: HTML escapes it, and Slack and
Markdown read it in an address as written."""

from pydantic import HttpUrl, TypeAdapter, ValidationError

_HTTP = TypeAdapter(HttpUrl)


def http_address(text: str | None) -> str | None:
    """`text` as a normalised http(s) address; None when it is none."""
    if not text:
        return None
    try:
        return str(_HTTP.validate_python(text.strip())).replace("|", "%7C")
    except ValidationError:
        return None
