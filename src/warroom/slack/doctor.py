"""`warroom doctor`: check, one line each, that warroom can run here, and say what to fix."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.schema import CreateIndex

from warroom.config import ConfigError, Settings, load_settings
from warroom.slack.gateway import checking_client, slack_error
from warroom.slack.manifest import bot_scopes
from warroom.store.db import Database, alembic_config
from warroom.store.models import TRIGRAM_INDEX


class Report:
    """Prints each finding as it is made, and counts the failures and warnings."""

    def __init__(self, out: TextIO | None):
        self._out = out
        self.failures = 0
        self.warnings = 0

    def ok(self, what: str) -> None:
        self._print(f"ok   {what}")

    def warn(self, what: str, advice: str) -> None:
        self.warnings += 1
        self._print(f"warn {what}: {advice}")

    def fail(self, what: str, advice: str) -> None:
        self.failures += 1
        self._print(f"FAIL {what}: {advice}")

    def summary(self) -> None:
        if self.failures:
            self._print(
                f"{self.failures} problem(s) found: fix the FAIL lines above, "
                "then run `warroom doctor` again."
            )
        elif self.warnings:
            self._print(f"No problems found, but {self.warnings} warning(s) to read above.")
        else:
            self._print("No problems found: warroom is ready to serve.")

    def _print(self, line: str) -> None:
        # `file=None` is the current sys.stdout, even when a test has replaced it.
        print(line, file=self._out, flush=True)


def run_doctor(
    settings_loader: Callable[[], Settings] = load_settings, out: TextIO | None = None
) -> int:
    """Run every check, printing one line each and a summary; 0 if nothing failed, else 1."""
    report = Report(out)
    settings = check_settings(report, settings_loader)
    if settings is not None:
        slack_credentials_set = check_slack_credentials(report, settings)
        if check_database(report, settings.database_url):
            check_migrations(report, settings.database_url)
        # Socket Mode is worth checking only once Slack answers and the bot is who it says.
        if (
            slack_credentials_set
            and check_bot_token(report, settings)
            and settings.slack_app_token is not None
        ):
            check_socket_mode(report, settings)
    report.summary()
    return 1 if report.failures else 0


def check_settings(report: Report, settings_loader: Callable[[], Settings]) -> Settings | None:
    try:
        settings = settings_loader()
    except ConfigError as error:
        report.fail("settings", f"{error} (set it in the environment or in .env)")
        return None
    report.ok("settings load")
    return settings


def check_slack_credentials(report: Report, settings: Settings) -> bool:
    try:
        settings.require_slack_credentials()
    except ConfigError as error:
        report.fail("Slack credentials", str(error))
        return False
    report.ok("Slack credentials are set")
    return True


def check_database(report: Report, url: str) -> bool:
    """True if the database answers and its schema is worth checking."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        report.fail("database", "DATABASE_URL is not a database URL such as sqlite:///warroom.db")
        return False
    shown = parsed.render_as_string(hide_password=True)
    if _sqlite_file_missing(parsed):
        # Connecting would create it; the doctor only looks.
        report.warn(
            f"database file {parsed.database} does not exist yet",
            "`warroom serve` (or `warroom migrate`) creates it",
        )
        return False
    try:
        database = Database(url)  # raises too, when the URL names a driver not installed
        try:
            database.ping()
        finally:
            database.dispose()
    except Exception as error:
        report.fail(
            f"database {shown} is unreachable ({_first_line(error)})",
            "check DATABASE_URL, and that the database server is running and lets warroom in",
        )
        return False
    report.ok(f"database {shown} is reachable")
    return True


def check_migrations(report: Report, url: str) -> None:
    config = alembic_config(url)
    script = ScriptDirectory.from_config(config)
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        database.dispose()
    latest = set(script.get_heads())
    if current - {revision.revision for revision in script.walk_revisions()}:
        report.fail(
            f"database schema is at revision {', '.join(sorted(current))}, unknown to this warroom",
            "a newer warroom migrated it: upgrade warroom here too",
        )
        return
    if current != latest:
        # Not a failure: `warroom serve` migrates on start.
        state = f"is at revision {', '.join(sorted(current))}" if current else "is empty"
        does = "upgrades it" if current else "creates it"
        report.warn(
            f"database schema {state}, not at the latest migration ({', '.join(sorted(latest))})",
            f"`warroom serve` {does} on start, or run `warroom migrate` first",
        )
        return
    report.ok("database schema is at the latest migration")
    # Alembic prints "No new upgrade operations detected."; the report says it in its own words.
    config.stdout = io.StringIO()
    try:
        command.check(config)
    except CommandError as error:
        report.fail(
            "database schema and warroom's models disagree",
            f"{_first_line(error)}; unless someone changed the schema by hand, "
            "report this as a warroom bug",
        )
        return
    report.ok("database schema matches warroom's models")
    check_search_index(report, url)


def check_search_index(report: Report, url: str) -> None:
    """On PostgreSQL the dashboard's search is served by a trigram index, which a database
    that refused pg_trgm lacks, and which a failed build leaves invalid."""
    state = _search_index_state(url)
    if state == "in place":
        report.ok("the search's trigram index is in place")
    elif state is not None:
        build = str(CreateIndex(TRIGRAM_INDEX).compile(dialect=postgresql.dialect()))
        build = build.replace("CREATE INDEX", "CREATE INDEX CONCURRENTLY", 1)
        what, advice = {
            "missing": ("missing", f"as a superuser: CREATE EXTENSION pg_trgm; then: {build}"),
            "being built": ("being built", "run `warroom doctor` again in a few minutes"),
            "invalid": (  # PostgreSQL shows only our own role's builds in progress
                "invalid (its build was interrupted, or another database user is building it)",
                f"unless someone is: DROP INDEX CONCURRENTLY {TRIGRAM_INDEX.name}; then: {build}",
            ),
        }[state]
        report.warn(
            f"the search's trigram index is {what}, so a search reads every timeline message",
            advice,
        )


def _search_index_state(url: str) -> str | None:
    """The index's state ("in place", "missing", "being built", "invalid"); None on a
    database other than PostgreSQL."""
    database = Database(url)
    try:
        if database.engine.dialect.name != "postgresql":
            return None
        with database.engine.connect() as connection:
            valid = connection.scalar(_INDEX_VALID, {"name": TRIGRAM_INDEX.name})
            building = connection.scalar(_INDEX_BUILDING, {"name": TRIGRAM_INDEX.name})
    finally:
        database.dispose()
    if valid is None:
        return "missing"
    return "being built" if building else "in place" if valid else "invalid"


_INDEX_VALID = text("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(:name)")
_INDEX_BUILDING = text(
    "SELECT count(*) > 0 FROM pg_stat_progress_create_index WHERE index_relid = to_regclass(:name)"
)


class SlackRefused(ConfigError):
    """Slack refused a check, or could not be reached: what happened, and what to do."""

    def __init__(self, what: str, advice: str):
        self.what, self.advice = what, advice
        super().__init__(f"{what}: {advice}.")


def verify_bot_token(settings: Settings) -> SlackResponse:
    """auth.test with the bot token: who the bot is, or SlackRefused saying what to fix."""
    client = checking_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    return _ask_slack(
        settings.slack_api_url,
        client.auth_test,
        rejected="Slack rejected SLACK_BOT_TOKEN",
        advice="copy the Bot User OAuth Token (xoxb-...) from your Slack app's "
        "OAuth & Permissions page",
    )


def _sqlite_file_missing(url) -> bool:
    in_memory = url.database in (None, "", ":memory:")
    return url.get_backend_name() == "sqlite" and not in_memory and not Path(url.database).exists()


def check_bot_token(report: Report, settings: Settings) -> bool:
    """True if Slack accepts the bot token, whatever its scopes."""
    try:
        identity = verify_bot_token(settings)
    except SlackRefused as refused:
        report.fail(refused.what, refused.advice)
        return False
    report.ok(f"Slack bot token works (bot {identity['user']} in {identity['team']})")
    check_bot_scopes(report, settings.slack_api_url, identity)
    return True


def check_bot_scopes(report: Report, api_url: str, identity: SlackResponse) -> None:
    granted = _granted_scopes(identity)
    if granted is None:
        report.warn(
            "bot token scopes not checked",
            f"{api_url} sent no x-oauth-scopes header with auth.test",
        )
        return
    missing = [scope for scope in bot_scopes() if scope not in granted]
    if missing:
        report.fail(
            f"bot token lacks scopes {', '.join(missing)}",
            "reinstall the app from slack-manifest.yml",
        )
        return
    report.ok("bot token has every scope slack-manifest.yml asks for")


def _granted_scopes(response: SlackResponse) -> set[str] | None:
    """The token's scopes, which Slack lists in a header, not the body; None if absent."""
    headers = {name.lower(): value for name, value in response.headers.items()}
    header = headers.get("x-oauth-scopes")
    if header is None:
        return None
    return {scope.strip() for scope in header.split(",") if scope.strip()}


def check_socket_mode(report: Report, settings: Settings) -> None:
    app_token = settings.slack_app_token.get_secret_value()
    client = checking_client(app_token, settings.slack_api_url)
    # Asking for a WebSocket URL proves the token works; the socket itself stays closed.
    try:
        _ask_slack(
            settings.slack_api_url,
            lambda: client.apps_connections_open(app_token=app_token),
            rejected="Slack refused Socket Mode with SLACK_APP_TOKEN",
            advice="copy an app-level token (xapp-...) with the connections:write scope from "
            "your Slack app's Basic Information page, or unset SLACK_APP_TOKEN to serve HTTP",
        )
    except SlackRefused as refused:
        report.fail(refused.what, refused.advice)
        return
    report.ok("Socket Mode accepts SLACK_APP_TOKEN")


def _ask_slack(
    api_url: str, call: Callable[[], SlackResponse], rejected: str, advice: str
) -> SlackResponse:
    """`call()`'s response, or SlackRefused saying why Slack gave none."""
    try:
        return call()
    except SlackApiError as error:
        raise SlackRefused(f"{rejected} (Slack said `{slack_error(error)}`)", advice) from None
    except OSError as error:
        raise SlackRefused(
            f"the Slack API at {api_url} is unreachable ({type(error).__name__})",
            "check SLACK_API_URL and this machine's network",
        ) from None


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
