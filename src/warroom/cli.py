"""The `warroom` command: serve | migrate | doctor | demo | drill | timeline | postmortem |
insights | catalog."""

import argparse
import csv
import gc
import io
import json
import logging
import sys
import time
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path

import uvicorn

from warroom.app import drills
from warroom.app.exports import timeline_json, timeline_markdown
from warroom.app.insights import insights
from warroom.app.postmortem_draft import PostmortemTemplateError, gather, render
from warroom.bot import start_bot
from warroom.catalog import CatalogError, Service, parse
from warroom.config import ConfigError, Settings, load_settings
from warroom.demo.run import run_demo
from warroom.domain.drills import SCENARIOS, Scenario
from warroom.domain.incident import IncidentError
from warroom.domain.insights import quarter_of
from warroom.drill_files import ScenarioFileError, load_scenario
from warroom.logs import configure_logging
from warroom.slack.app import socket_mode
from warroom.slack.doctor import run_doctor, verify_bot_token
from warroom.store import incident_search, incidents, timeline
from warroom.store.db import ANSWER_WITHIN, Database, migrate
from warroom.web.server import KEEP_ALIVE_SECONDS

DRILL_DELIVERY_WAIT = 60  # seconds for Slack to take the drill's last steps


def utc_now() -> datetime:
    return datetime.now(UTC)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="warroom", description="A Slack-first incident bot.")
    top.add_argument("--version", action="version", version=f"warroom {version('warroom')}")
    top.add_argument(
        "--log-format", choices=("text", "json"), default="text", help="one line per event"
    )
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set)")
    serve.add_argument("--port", type=int, default=3000, help="HTTP mode port (default 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP mode address (default 0.0.0.0)")
    commands.add_parser("migrate", help="upgrade the database schema to the latest version")
    commands.add_parser("doctor", help="check the settings, the database and the Slack app")
    demo = commands.add_parser("demo", help="play a whole incident against a local Slack")
    demo.add_argument("--speed", type=float, default=600, help="time compression (default 600)")
    demo.add_argument("--keep", action="store_true", help="keep running and take commands")
    demo.add_argument("--output", type=Path, help="where to write the postmortem Markdown")
    show = commands.add_parser("timeline", help="print an incident's timeline for export")
    show.add_argument("incident", help="the incident, as INC-12 or 12")
    show.add_argument("--all", action="store_true", help="every entry, not only key events")
    show.add_argument("--format", choices=("markdown", "json"), default="markdown")
    report = commands.add_parser("postmortem", help="print an incident's postmortem for export")
    report.add_argument("incident", help="the incident, as INC-12 or 12")
    report.add_argument("--format", choices=("markdown", "json"), default="markdown")
    drill = commands.add_parser("drill", help="play a game-day scenario as a drill in Slack")
    drill.add_argument(
        "scenario", help=f"what goes wrong: {' or '.join(sorted(SCENARIOS))}, or a scenario file"
    )
    drill.add_argument("--by", required=True, help="the facilitator's Slack user id (U...)")
    drill.add_argument("--speed", type=float, default=1.0, help="time compression (default 1)")
    figures = commands.add_parser("insights", help="print how incidents went over a period")
    figures.add_argument("--from", dest="start", type=date.fromisoformat, help="YYYY-MM-DD")
    figures.add_argument("--to", dest="end", type=date.fromisoformat, help="default: today")
    figures.add_argument("--format", choices=("json", "csv"), default="json")
    catalog = commands.add_parser("catalog", help="the service catalog")
    catalog.add_argument("action", choices=("check",), help="check: validate it and list it")
    catalog.add_argument("file", nargs="?", type=Path, help="default: WARROOM_CATALOG")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging(args.log_format)
    if args.command == "doctor":
        # The report is the answer; what the libraries say at INFO would only bury it.
        configure_logging(args.log_format, level=logging.WARNING)
        return run_doctor()
    if args.command == "catalog" and args.file is not None:
        return check_catalog(args.file)
    try:
        if args.command == "demo":
            return run_demo(speed=args.speed, keep=args.keep, output=args.output)
        settings = load_settings()
        configure_logging(args.log_format, secrets=settings.secrets())
        if args.command == "migrate":
            migrate(settings.database_url)
        elif args.command == "timeline":
            print(export_timeline(settings, args.incident, args.all, args.format), end="")
        elif args.command == "postmortem":
            print(export_postmortem(settings, args.incident, args.format), end="")
        elif args.command == "drill":
            print(play_drill(settings, scenario(args.scenario), args.by, args.speed))
        elif args.command == "insights":
            print(export_insights(settings, args.start, args.end, args.format), end="")
        elif args.command == "catalog":
            if settings.warroom_catalog is None:
                raise ConfigError(
                    "Say which catalog: warroom catalog check <file>, or set WARROOM_CATALOG."
                )
            return check_catalog(settings.warroom_catalog)
        else:
            settings.require_slack_credentials()
            serve_bot(settings, args.host, args.port)
        return 0
    except (ConfigError, IncidentError, PostmortemTemplateError) as error:
        print(f"warroom: {error}", file=sys.stderr)
        return 2
    except ScenarioFileError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 1


def _incident_number(reference: str) -> int:
    number = reference.upper().removeprefix("INC-")
    if not number.isdigit():
        raise IncidentError(f"{reference} is not an incident number such as INC-12.")
    return int(number)


def _database(settings: Settings, answer_within: float | None = None) -> Database:
    migrate(settings.database_url)
    return Database(settings.database_url, answer_within)


def export_timeline(settings: Settings, reference: str, everything: bool, form: str) -> str:
    with _database(settings).transaction() as session:
        incident = incidents.get(session, _incident_number(reference))
        entries = timeline.entries(session, incident.id, highlighted_only=not everything)
    render = timeline_json if form == "json" else timeline_markdown
    return render(incident, entries)


def export_postmortem(settings: Settings, reference: str, form: str) -> str:
    with _database(settings).transaction() as session:
        draft = gather(session, _incident_number(reference), depths=settings.postmortem_depths())
    if form == "json":
        return draft.as_json() + "\n"
    return render(draft, settings.warroom_templates_dir)


def scenario(named: str) -> Scenario:
    """A built-in scenario by its name, else the scenario file of that path."""
    if named in SCENARIOS:
        return SCENARIOS[named]
    if not Path(named).suffix and not Path(named).exists():  # a name, mistyped
        raise ConfigError(f"No scenario {named!r}: say {' or '.join(SCENARIOS)}, or a file.")
    return load_scenario(Path(named))


def play_drill(settings: Settings, chosen: Scenario, by: str, speed: float) -> str:
    """Declare the drill and play it, delivering it to Slack from this process too (beside
    any `warroom serve` on the same database), until Slack has it all or a minute passed."""
    settings.require_slack_credentials()
    db = _database(settings, answer_within=ANSWER_WITHIN)
    with start_bot(settings, db, utc_now) as bot:
        number = drills.play(bot.core, chosen, by=by, speed=speed)
        deadline = time.monotonic() + DRILL_DELIVERY_WAIT
        while not drills.delivered(bot.core, number) and time.monotonic() < deadline:
            time.sleep(0.2)
    return f"INC-{number}, a drill of “{chosen.title}”, has played all its steps."


def export_insights(settings: Settings, start: date | None, end: date | None, form: str) -> str:
    """The dashboard's figures, of every incident (the operator sees private ones too);
    the period defaults to this quarter so far."""
    now = utc_now()
    first, _ = quarter_of(now.date())
    with _database(settings).transaction() as session:
        private = [number for number, _, _ in incident_search.private_incidents(session)]
        found = insights(
            session,
            start or first,
            end or now.date(),
            visible_private=private,
            postmortem_due=settings.nag_policy().postmortem_due,
            now=now,
        )
    if form == "json":
        return json.dumps(found.as_json(), indent=2, default=str) + "\n"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("figure", "group", "count", "median / p90"))
    writer.writerows(found.as_rows())
    return out.getvalue()


def check_catalog(path: Path) -> int:
    """Every problem of the catalog, one per line, or what it holds."""
    try:
        services = parse(path.read_text(), str(path))
    except OSError as error:
        print(f"warroom: cannot read {path}: {error.strerror}", file=sys.stderr)
        return 1
    except CatalogError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 1
    for service in services.values():
        print(f"{service.name}: {service_summary(service)}")
    print(f"{path}: {len(services)} service(s), all valid.")
    return 0


def service_summary(service: Service) -> str:
    parts = [
        service.title,
        f"{len(service.owners)} owner(s)",
        f"channel {service.channel_id}" if service.channel_id else "no channel",
        "paged through PagerDuty" if service.pagerduty_key else "no PagerDuty key",
        f"{len(service.runbooks)} runbook(s), {len(service.dashboards)} dashboard(s)",
    ]
    return ", ".join(parts)


def serve_bot(settings: Settings, host: str, port: int) -> None:
    # Before anything else: a token Slack refuses is one sentence, not a start-up traceback.
    verify_bot_token(settings)
    db = _database(settings, answer_within=ANSWER_WITHIN)
    bot = start_bot(settings, db, utc_now)
    bot.scheduler.start()
    if settings.slack_app_token is not None:
        socket_mode(bot.app, settings).connect()  # Slack's side; HTTP still serves the rest
    app = bot.web_app()
    # What starting made lives as long as the process: the cyclic collector need not walk
    # it again on every full collection (pauses of some 60 ms on the dashboard's pages).
    gc.freeze()
    # /healthz, /metrics and the hooks in either mode, and Slack's endpoint in HTTP mode.
    # log_config=None: uvicorn keeps warroom's one-line, redacted log format.
    uvicorn.run(app, host=host, port=port, log_config=None, timeout_keep_alive=KEEP_ALIVE_SECONDS)


if __name__ == "__main__":
    sys.exit(main())
