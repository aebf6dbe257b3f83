"""Logging: one line per event, as text or JSON, with secrets redacted before it is written."""

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

REDACTED = "[redacted]"
HANDLER_NAME = "warroom"

# Slack tokens keep their kind (`xoxb-`, `xapp-`) so a redacted line still says which one it was.
_SLACK_TOKEN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")
# The password between `user:` and `@` in `scheme://user:password@host/...`.
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*):[^@\s]+@")

# Library loggers that say something at INFO for every request or connection.
_CHATTY_LIBRARIES = ("httpx", "httpcore", "urllib3", "slack_sdk.socket_mode", "websockets")

# What every LogRecord has; any other attribute came from a caller's `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class Redactor(logging.Filter):
    """Rewrites each record so that no secret reaches the output, whatever the formatter."""

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = _SLACK_TOKEN.sub(rf"\1-{REDACTED}", text)
        return _URL_PASSWORD.sub(rf"\1:{REDACTED}@", text)

    def filter(self, record: logging.LogRecord) -> bool:
        # Merge the %-args first: a secret may arrive as an argument, or only appear once
        # the message is put together.
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not raise into the code that made it
            message = f"{record.msg} (unformattable arguments {record.args!r})"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info:
            # Formatters reuse exc_text when it is set, so this is the traceback they print.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for name, value in _extra_fields(record).items():
            if isinstance(value, str):
                setattr(record, name, self.redact(value))
        return True


def _extra_fields(record: logging.LogRecord) -> dict:
    return {k: v for k, v in vars(record).items() if k not in _RECORD_ATTRIBUTES}


def _utc_time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """`time level logger message`; a traceback, if any, follows on its own lines."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatTime(self, record, datefmt=None) -> str:  # noqa: N802 (logging's name)
        return _utc_time(record)

    def formatMessage(self, record) -> str:  # noqa: N802 (logging's name)
        # A multi-line message would read as several events.
        return super().formatMessage(record).replace("\n", "\\n")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, exc, and the caller's extras."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": _utc_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info or record.exc_text:
            line["exc"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = record.stack_info
        for name, value in _extra_fields(record).items():
            if _serialisable(value):
                line.setdefault(name, value)  # an extra never overwrites a standard field
        return json.dumps(line, ensure_ascii=False)


def _serialisable(value) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def configure_logging(
    fmt: str = "text",
    level: int = logging.INFO,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    """Send every log record to one handler on stderr (or `stream`), replacing the one a
    previous call installed; handlers others put on the root logger are left alone."""
    formatters = {"text": TextFormatter, "json": JsonFormatter}
    if fmt not in formatters:
        raise ValueError(f"log format must be one of {', '.join(formatters)}, not {fmt!r}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatters[fmt]())
    handler.addFilter(Redactor(secrets))

    root = logging.getLogger()
    for previous in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(previous)
        previous.close()
    root.addHandler(handler)
    root.setLevel(level)
    # At DEBUG someone is chasing a problem and wants everything, the libraries included.
    library_level = logging.NOTSET if level <= logging.DEBUG else logging.WARNING
    for name in _CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(library_level)
