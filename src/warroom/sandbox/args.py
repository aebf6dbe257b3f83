"""Web API arguments as they arrive: JSON bodies, form bodies and query strings alike.

slack_sdk sends some methods as JSON and others form-encoded, where structured arguments
(`blocks`, `view`, `files`...) are JSON strings; `Args` hides that difference.
"""

import contextlib
import json

from .errors import SlackError

# Arguments that are JSON documents even when they arrive inside a form or a query string.
JSON_ARGUMENTS = frozenset({"blocks", "attachments", "view", "files", "metadata"})


def decode_arguments(raw: dict) -> dict:
    """Turn JSON-string structured arguments into objects; keep undecodable ones as they are."""
    decoded = {}
    for name, value in raw.items():
        if name in JSON_ARGUMENTS and isinstance(value, str) and value:
            # Undecodable: the method reports it as invalid when it reads the argument.
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(value)
        decoded[name] = value
    return decoded


class Args:
    def __init__(self, values: dict) -> None:
        self.values = values

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        return str(value)

    def required(self, name: str, error: str) -> str:
        """A string argument Slack cannot do without; `error` is what Slack answers then."""
        value = self.str(name)
        if value is None:
            raise SlackError(error)
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("1", "true")

    def int(self, name: str, default: int) -> int:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SlackError("invalid_arguments", f"{name} must be an integer") from None

    def json(self, name: str, kind: type, error: str = "invalid_arguments") -> object | None:
        """A structured argument of type `kind` (list or dict), or None when absent."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, kind):
            raise SlackError(error, f"{name} must be a JSON {kind.__name__}")
        return value

    def id_list(self, name: str) -> list[str]:
        """A comma-separated list of IDs, such as `users` for conversations.invite."""
        value = self.values.get(name) or ""
        items = value if isinstance(value, list) else str(value).split(",")
        return [item.strip() for item in items if item.strip()]
