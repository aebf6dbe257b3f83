"""`warroom doctor` against the local Slack sandbox and a real database file."""

import io
import os
import sqlite3
import subprocess
import sys
import time

from slack_sdk.web import SlackResponse

from tests.conftest import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET
from warroom.config import load_settings
from warroom.slack.doctor import Report, check_bot_scopes, run_doctor
from warroom.slack.manifest import bot_scopes
from warroom.web.background import free_port


def doctor(**settings) -> tuple[int, list[str]]:
    """Run the doctor with these settings (and no .env); its exit code and printed lines."""
    out = io.StringIO()
    code = run_doctor(lambda: load_settings(_env_file=None, **settings), out=out)
    return code, out.getvalue().splitlines()


def good_settings(sandbox, database_url, **overrides) -> dict:
    return {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_app_token": APP_TOKEN,
        "slack_api_url": sandbox.api_url,
        "database_url": database_url,
        **overrides,
    }


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FAIL")]


def test_all_ok_with_good_settings_and_a_migrated_database(sandbox, database_url):
    code, lines = doctor(**good_settings(sandbox, database_url))

    assert code == 0, lines
    assert failures(lines) == []
    # PostgreSQL's search has its trigram index checked too.
    on_postgresql = ["ok"] if database_url.startswith("postgresql") else []
    assert [line.split()[0] for line in lines[:-1]] == [
        "ok",  # settings load
        "ok",  # Slack credentials set
        "ok",  # database reachable
        "ok",  # at the latest migration
        "ok",  # models agree with the schema
        *on_postgresql,
        "ok",  # auth.test
        "ok",  # the token's scopes, from auth.test's x-oauth-scopes header
        "ok",  # apps.connections.open
    ]
    assert "every scope slack-manifest.yml asks for" in lines[-3]
    assert "Socket Mode" in lines[-2]
    assert "No problems found" in lines[-1]


def test_a_wrong_bot_token_fails_naming_the_slack_error(sandbox, database_url):
    wrong = "xoxb-not-the-sandbox-token"

    code, lines = doctor(**good_settings(sandbox, database_url, slack_bot_token=wrong))

    assert code == 1
    [failure] = failures(lines)
    assert "SLACK_BOT_TOKEN" in failure and "invalid_auth" in failure
    assert "problem(s) found" in lines[-1]
    assert all(wrong not in line and SIGNING_SECRET not in line for line in lines)


def test_a_wrong_app_token_fails_socket_mode(sandbox, database_url):
    code, lines = doctor(**good_settings(sandbox, database_url, slack_app_token="xapp-wrong"))

    assert code == 1
    [failure] = failures(lines)
    assert "SLACK_APP_TOKEN" in failure and "invalid_auth" in failure


def test_an_empty_database_is_a_warning_because_serve_migrates_it(sandbox, tmp_path):
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()

    code, lines = doctor(**good_settings(sandbox, f"sqlite:///{empty}"))

    assert code == 0, lines
    [warning] = [line for line in lines if line.startswith("warn database schema")]
    assert "is empty" in warning and "`warroom serve` creates it on start" in warning


def test_a_database_file_not_yet_made_is_left_unmade(sandbox, tmp_path):
    missing = tmp_path / "not-yet.db"

    code, lines = doctor(**good_settings(sandbox, f"sqlite:///{missing}"))

    assert code == 0, lines
    assert any(line.startswith("warn database file") and "not-yet.db" in line for line in lines)
    assert not missing.exists()


def test_an_unreachable_slack_is_one_line_and_quick(tmp_path):
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "warroom.cli", "doctor"],
        env={
            **os.environ,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",  # nothing listens
            "DATABASE_URL": f"sqlite:///{tmp_path}/w.db",
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert time.monotonic() - started < 10
    assert result.returncode == 1
    lines = (result.stdout + result.stderr).splitlines()
    assert all(line.split()[0] in ("ok", "warn", "FAIL", "1") for line in lines), lines
    [failure] = failures(lines)
    assert "is unreachable" in failure and "SLACK_API_URL" in failure


def test_an_unreachable_database_fails_without_its_password(sandbox):
    url = "postgresql+psycopg://warroom:hunter2@127.0.0.1:1/warroom"

    code, lines = doctor(**good_settings(sandbox, url))

    assert code == 1
    [failure] = failures(lines)
    assert "127.0.0.1:1" in failure and "DATABASE_URL" in failure
    assert all("hunter2" not in line for line in lines)


def test_a_bad_setting_fails_naming_it_and_stops(sandbox, database_url):
    code, lines = doctor(**good_settings(sandbox, database_url, slack_api_url="slack.com/api"))

    assert code == 1
    assert len(lines) == 2
    assert lines[0].startswith("FAIL") and "SLACK_API_URL" in lines[0]


def test_missing_slack_credentials_fail_and_skip_the_slack_checks(sandbox, database_url):
    code, lines = doctor(**good_settings(sandbox, database_url, slack_signing_secret=""))

    assert code == 1
    [failure] = failures(lines)
    assert "SLACK_SIGNING_SECRET" in failure and "Slack credentials" in failure
    assert not any("Slack bot token" in line for line in lines)


def test_missing_scopes_fail_listing_them():
    """An auth.test answer shaped like real Slack's, header name in Slack's own capitals."""
    granted = bot_scopes()[1:]
    identity = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/auth.test",
        req_args={},
        data={"ok": True},
        headers={"X-OAuth-Scopes": ", ".join(granted)},
        status_code=200,
    )
    out = io.StringIO()
    report = Report(out)

    check_bot_scopes(report, "https://slack.com/api/", identity)

    assert report.failures == 1
    assert out.getvalue().startswith(f"FAIL bot token lacks scopes {bot_scopes()[0]}:")
    assert "reinstall the app from slack-manifest.yml" in out.getvalue()
