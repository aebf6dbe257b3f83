"""The `warroom` command: serve | migrate | demo."""

import argparse
import logging
import sys
from datetime import UTC, datetime

import uvicorn

from warroom import incidents, timeline
from warroom.config import ConfigError, Settings, load_settings
from warroom.db import Database, migrate
from warroom.demo import run_demo
from warroom.export import timeline_json, timeline_markdown
from warroom.incidents import IncidentError
from warroom.slack.app import socket_mode, start_bot
from warroom.web import create_web_app


def utc_now() -> datetime:
    return datetime.now(UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="warroom", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set)")
    serve.add_argument("--port", type=int, default=3000, help="HTTP mode port (default 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP mode address (default 0.0.0.0)")
    commands.add_parser("migrate", help="upgrade the database schema to the latest version")
    commands.add_parser("demo", help="declare an incident against a local Slack sandbox")
    show = commands.add_parser("timeline", help="print an incident's timeline for export")
    show.add_argument("incident", help="the incident, as INC-12 or 12")
    show.add_argument("--all", action="store_true", help="every entry, not only key events")
    show.add_argument("--format", choices=("markdown", "json"), default="markdown")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        if args.command == "demo":
            return run_demo()
        settings = load_settings()
        if args.command == "migrate":
            migrate(settings.database_url)
            return 0
        if args.command == "timeline":
            print(export_timeline(settings, args.incident, args.all, args.format), end="")
            return 0
        settings.require_slack_credentials()
        return serve_bot(settings, args.host, args.port)
    except (ConfigError, IncidentError) as error:
        print(f"warroom: {error}", file=sys.stderr)
        return 2


def export_timeline(settings: Settings, reference: str, everything: bool, form: str) -> str:
    number = reference.upper().removeprefix("INC-")
    if not number.isdigit():
        raise IncidentError(f"{reference} is not an incident number such as INC-12.")
    migrate(settings.database_url)
    db = Database(settings.database_url)
    with db.transaction() as session:
        incident = incidents.get(session, int(number))
        entries = timeline.entries(session, incident.id, highlighted_only=not everything)
    render = timeline_json if form == "json" else timeline_markdown
    return render(incident, entries)


def serve_bot(settings: Settings, host: str, port: int) -> int:
    migrate(settings.database_url)
    db = Database(settings.database_url)
    bolt = start_bot(settings, db, utc_now)
    if settings.slack_app_token is not None:
        socket_mode(bolt, settings).start()
    else:
        uvicorn.run(create_web_app(bolt, db), host=host, port=port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
