import io
import json
import logging

import pytest

from warroom.logs import HANDLER_NAME, configure_logging

BOT_TOKEN = "xoxb-1111-2222-listedsecret"
UNLISTED_TOKEN = "xoxb-3333-4444-neverpassed"
DB_PASSWORD = "hunter2"
DB_URL = f"postgresql+psycopg://warroom:{DB_PASSWORD}@db.internal/warroom"

log = logging.getLogger("tests.logs")


@pytest.fixture
def output():
    """What configure_logging writes; the root logger is put back as it was afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_the_fields_and_the_callers_extras(output):
    configure_logging("json", stream=output)

    log.info("declared %s", "INC-7", extra={"incident": 7, "unserialisable": object()})
    log.warning("second")

    first, second = (json.loads(line) for line in output.getvalue().splitlines())
    assert first["message"] == "declared INC-7"
    assert first["level"] == "INFO"
    assert first["logger"] == "tests.logs"
    assert first["time"].endswith("+00:00")
    assert first["incident"] == 7
    assert "unserialisable" not in first
    assert "exc" not in first
    assert second["level"] == "WARNING"


def test_json_line_holds_the_traceback(output):
    configure_logging("json", stream=output)

    try:
        raise RuntimeError("disk full")
    except RuntimeError:
        log.exception("could not write")

    [line] = output.getvalue().splitlines()
    record = json.loads(line)
    assert record["message"] == "could not write"
    assert "Traceback" in record["exc"] and "RuntimeError: disk full" in record["exc"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secrets_never_reach_the_output(output, fmt):
    configure_logging(fmt, secrets=[BOT_TOKEN, ""], stream=output)

    log.info("token %s and %s, database %s", BOT_TOKEN, UNLISTED_TOKEN, DB_URL)
    try:
        raise ValueError(f"rejected {BOT_TOKEN} {UNLISTED_TOKEN} at {DB_URL}")
    except ValueError:
        log.exception("Slack call failed with %s", UNLISTED_TOKEN)

    written = output.getvalue()
    for secret in (BOT_TOKEN, UNLISTED_TOKEN, "listedsecret", "neverpassed", DB_PASSWORD):
        assert secret not in written
    assert "xoxb-[redacted]" in written
    assert "[redacted]" in written.replace("xoxb-[redacted]", "")
    assert "warroom:[redacted]@db.internal" in written
    assert "ValueError: rejected" in written


def test_app_tokens_are_redacted_without_being_listed(output):
    configure_logging("text", stream=output)

    log.info("socket mode with xapp-1-A0123-4567-abcdef")

    assert "xapp-[redacted]" in output.getvalue()
    assert "abcdef" not in output.getvalue()


def test_text_is_one_line_per_record(output):
    configure_logging("text", stream=output)

    log.info("first")
    log.warning("second\nstill the second")

    lines = output.getvalue().splitlines()
    assert len(lines) == 2
    time, level, logger, message = lines[1].split(" ", 3)
    assert time.endswith("+00:00")
    assert (level, logger, message) == ("WARNING", "tests.logs", "second\\nstill the second")


def test_a_malformed_log_call_is_written_not_raised(output):
    configure_logging("text", stream=output)
    # Straight to our handler: pytest's own capture handler would raise on this record first.
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]

    handler.handle(logging.makeLogRecord({"msg": "%d incidents", "args": ("not a number",)}))

    assert "%d incidents" in output.getvalue()


def test_configuring_twice_replaces_the_handler(output):
    configure_logging("text", stream=output)
    second = io.StringIO()
    configure_logging("json", stream=second)

    log.info("once")

    ours = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
    assert len(ours) == 1
    assert output.getvalue() == ""
    assert json.loads(second.getvalue())["message"] == "once"


def test_chatty_libraries_are_quiet_at_info(output):
    configure_logging("text", stream=output)

    logging.getLogger("httpx").info("HTTP Request: POST https://slack.com/api/chat.postMessage")
    logging.getLogger("slack_sdk.socket_mode.builtin.client").info("ping")

    assert output.getvalue() == ""
