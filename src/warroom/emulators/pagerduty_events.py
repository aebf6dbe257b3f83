"""What PagerDuty's Events API v2 accepts: the rules of `POST /v2/enqueue`'s body, from
PagerDuty/api-schema `reference/events-v2/openapiv3.json` (createV2Event; Payload, Links,
Images) and `docs/events-API-v2/02-Trigger-Events.md` (32-character routing key, dedup_key
<= 255, summary <= 1024), each broken rule said as the emulator answers it."""

from datetime import UTC, datetime

ACTIONS = ("trigger", "acknowledge", "resolve")
SEVERITIES = ("critical", "error", "warning", "info")


def instant(text) -> datetime | None:
    """An ISO 8601 date-time (UTC if it names no offset); None if `text` is none."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def event_errors(event: dict) -> list[str]:
    """What is wrong with an Events API v2 body, each naming its field; [] if nothing."""
    key, action, dedup = event.get("routing_key"), event.get("event_action"), event.get("dedup_key")
    errors = [] if isinstance(key, str) else ["'routing_key' is required and must be a string"]
    if isinstance(key, str) and len(key) != 32:
        errors.append("Length of 'routing_key' is incorrect (should be 32 characters)")
    if isinstance(key, str) and not (key.isascii() and key.isalnum()):
        errors.append("'routing_key' cannot contain non-alphanumeric characters.")
    if action not in ACTIONS:
        errors.append("'event_action' must be one of: trigger, acknowledge, resolve")
    if dedup in (None, "") and action in ("acknowledge", "resolve"):
        errors.append(f"'dedup_key' is required for {action} events")
    elif dedup not in (None, "") and (not isinstance(dedup, str) or len(dedup) > 255):
        errors.append("'dedup_key' must be a string of at most 255 characters")
    if action == "trigger":
        errors += _payload_errors(event.get("payload"))
    for field, needed in (("links", "href"), ("images", "src")):
        items = event.get(field, [])
        if not isinstance(items, list):
            errors.append(f"'{field}' must be an array")
            continue
        bad = [
            i for i, o in enumerate(items) if not isinstance(o, dict) or not _text(o.get(needed))
        ]
        errors += [f"'{field}[{i}].{needed}' is required and must be a string" for i in bad]
    return errors


def _payload_errors(payload) -> list[str]:
    if not isinstance(payload, dict):
        return ["'payload' is required for trigger events and must be an object"]
    errors = [
        f"'payload.{name}' is required and must be a non-empty string"
        for name in ("summary", "source")
        if not _text(payload.get(name))
    ]
    if _text(payload.get("summary")) and len(payload["summary"]) > 1024:
        errors.append("'payload.summary' must be at most 1024 characters")
    if payload.get("severity") not in SEVERITIES:
        errors.append("'payload.severity' must be one of: critical, error, warning, info")
    if "timestamp" in payload and not instant(payload["timestamp"]):
        errors.append("'payload.timestamp' must be an ISO 8601 date-time")
    for name in ("component", "group", "class"):
        if name in payload and not isinstance(payload[name], str):
            errors.append(f"'payload.{name}' must be a string")
    if not isinstance(payload.get("custom_details", {}), dict):
        errors.append("'payload.custom_details' must be an object")
    return errors


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())
