"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when
WARROOM_TEST_DATABASE_URL is set), the local Slack sandbox, and warroom serving HTTP
against it, wired exactly as in production."""

import logging
import os
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.e2e.paging_fixtures import emulator
from warroom.sandbox.waiting import eventually  # noqa: F401  (tests import it from here)
from warroom.store.db import Database, migrate
from warroom.store.models import Base

POSTGRES_URL = os.environ.get("WARROOM_TEST_DATABASE_URL")


@pytest.fixture(autouse=True)
def no_unexpected_errors(request, caplog):
    """Work after the acknowledgement runs in background threads, where a bug only shows as
    a logged error. Any such error fails the test, unless it is marked to expect them."""
    caplog.set_level(logging.WARNING)
    yield
    if request.node.get_closest_marker("expect_error_logs"):
        return
    errors = [
        r
        for r in caplog.get_records("call") + caplog.get_records("teardown")
        if r.levelno >= logging.ERROR and r.name.startswith(("warroom", "slack_bolt"))
    ]
    assert not errors, "unexpected errors logged:\n" + "\n".join(r.getMessage() for r in errors)


@pytest.fixture(autouse=True)
def no_log_handler_left_behind():
    """A test that runs the CLI gets its log handler, writing to stderr as pytest captures it
    for that test alone; later tests' threads must not write to that closed stream."""
    from warroom.logs import HANDLER_NAME

    root = logging.getLogger()
    level = root.level
    yield
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


@pytest.fixture(scope="session")
def migrated_url(tmp_path_factory) -> str:
    """A database at the head migration, made once per test session."""
    if POSTGRES_URL:
        engine = create_engine(POSTGRES_URL)
        try:
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        except OperationalError as error:
            pytest.skip(f"WARROOM_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {error}")
        finally:
            engine.dispose()
        migrate(POSTGRES_URL)
        return POSTGRES_URL
    template = tmp_path_factory.mktemp("template") / "warroom.db"
    migrate(f"sqlite:///{template}")
    return f"sqlite:///{template}"


@pytest.fixture
def database_url(migrated_url, tmp_path) -> str:
    """A clean database for one test: a copy of the migrated SQLite file, or emptied tables."""
    if migrated_url.startswith("sqlite"):
        copy = tmp_path / "warroom.db"
        shutil.copy(migrated_url.removeprefix("sqlite:///"), copy)
        return f"sqlite:///{copy}"
    engine = create_engine(migrated_url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return migrated_url


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


def settle(sandbox) -> None:
    """Wait until warroom has finished its follow-up work (see `Sandbox.settle`)."""
    sandbox.settle()


class FakeClock:
    """A clock tests move by hand instead of sleeping."""

    def __init__(self, start: datetime = datetime(2026, 3, 11, 14, 18, tzinfo=UTC)):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def core(db, clock):
    """The use cases on the test's database and clock, their events going nowhere."""
    from warroom.app.core import Core
    from warroom.app.outbox import Outbox
    from warroom.config import load_settings

    policy = load_settings(_env_file=None).nag_policy()
    return Core(db=db, now=clock, policy=policy, outbox=Outbox())


SIGNING_SECRET = "sandbox-signing-secret"
BOT_TOKEN = "xoxb-sandbox-bot-token"
APP_TOKEN = "xapp-sandbox-app-token"


@pytest.fixture
def sandbox():
    from warroom.sandbox import Sandbox
    from warroom.slack.manifest import manifest

    with Sandbox.for_app(
        manifest(), signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, app_token=APP_TOKEN
    ) as sb:
        yield sb


@pytest.fixture
def pagerduty():
    """The PagerDuty emulator (tests/e2e/paging_fixtures.py), for a module whose `settings`
    are `paged(...)`."""
    with emulator() as pagerduty:
        yield pagerduty


@pytest.fixture
def general(sandbox) -> str:
    """#general, where everyone is and where incidents get declared from."""
    return sandbox.channel_by_name("general").id


@pytest.fixture
def announce_channel(sandbox) -> str:
    return sandbox.create_channel("incidents", sandbox.user_id("alice"))


@pytest.fixture
def settings(request, sandbox, database_url, announce_channel):
    """The settings of a test's warroom; `@pytest.mark.settings(name=value)` adds to them."""
    from warroom.config import load_settings

    marker = request.node.get_closest_marker("settings")
    return load_settings(
        _env_file=None,  # a developer's .env must not leak into the tests
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=sandbox.api_url,
        database_url=database_url,
        warroom_announce_channel=announce_channel,
        **(marker.kwargs if marker else {}),
    )


@pytest.fixture
def bot(sandbox, settings, db, clock):
    """warroom as `serve` builds it; its scheduler ticks only when a test calls `tick()`."""
    from warroom.bot import start_bot

    with start_bot(settings, db, clock) as started:
        yield started


def deliver_everything(bot, clock: "FakeClock", timeout: float = 30) -> None:
    """Deliver all that warroom's outbox holds, moving the clock on to each retry's time."""
    from warroom.store import outbox

    deadline = time.monotonic() + timeout
    while True:
        bot.deliverer.deliver_due()
        with bot.core.db.transaction() as session:
            due = outbox.next_due(session)
        if due is None:
            return
        if due > clock():
            clock.current = due
        else:
            time.sleep(0.02)  # held by the deliverer in the background
        if time.monotonic() > deadline:
            raise TimeoutError("the outbox still held deliveries")


def watch_bot_work(sandbox, bot, db=None) -> None:
    """Have `sandbox.settle` wait for what the bot does after acknowledging and for what
    its outbox holds: a follow-up that only answers through its response_url makes no Web
    API call settle could see. The outbox is read in `db` when given: a database the test
    does not cut off, where the bot's own goes through a proxy that does."""
    following_up = _following_up(bot)
    outbox_db = db or bot.core.db
    sandbox.watch_bot_work(lambda: following_up() or _outbox_has_due_work(outbox_db, bot))


def _following_up(bot) -> Callable[[], bool]:
    """Whether work queued after an acknowledgement (a command's follow-up, a lazy
    listener) is still running or waiting."""
    futures = []
    for pool in (bot.services.follow_ups, bot.services.lazy_listeners):
        pool.submit = _keeping(pool.submit, futures)
    return lambda: not all(future.done() for future in futures)


def _keeping(submit, futures: list) -> Callable:
    def submit_and_keep(*args, **kwargs):
        future = submit(*args, **kwargs)
        futures.append(future)
        return future

    return submit_and_keep


def _outbox_has_due_work(db, bot) -> bool:
    """A delivery due by the bot's clock is waiting (or being delivered)."""
    from warroom.store import outbox

    with db.transaction() as session:
        due = outbox.next_due(session)
    return due is not None and due <= bot.core.now()


@pytest.fixture
def warroom(sandbox, bot, db):
    """warroom serving HTTP on a free port, with the sandbox delivering to it."""
    from warroom.web.background import BackgroundServer

    server = BackgroundServer(bot.web_app()).start()
    sandbox.connect_http(f"{server.url}/slack/events")
    watch_bot_work(sandbox, bot)
    yield server
    server.stop()
