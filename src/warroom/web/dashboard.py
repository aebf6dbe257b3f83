"""The dashboard, for looking back in a browser: `/incidents` (searched for words, filtered by
status, severity, service, IC and declare dates, with CSV and JSON exports of the same
view), `/incidents/<n>` (an incident's record) and `/insights` (web/insights_page.py).
Server-rendered HTML that needs no JavaScript, behind Sign in with Slack.

A private incident exists here only for members of its channel: the lists, exports and
figures leave it out for anyone else, and its page answers 404, as for no incident at all.
"""

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from warroom.app.core import Core
from warroom.app.incident_record import record
from warroom.app.postmortem_draft import PostmortemTemplateError, gather, render
from warroom.app.similar_incidents import similar_to
from warroom.catalog import Catalog
from warroom.domain.action_items import ActionStatus
from warroom.domain.incident import IncidentError, Role, Severity, Status
from warroom.domain.postmortem import Depth
from warroom.domain.timeline import address_of, describe
from warroom.slack.visibility import may_see
from warroom.store import incident_search
from warroom.web import dashboard_query
from warroom.web.pages import PAGES
from warroom.web.sign_in import Viewer, csrf_token, sign_in_to, viewer


@dataclass(frozen=True)
class Sources:
    """What the dashboard reads, besides the database."""

    core: Core
    catalog: Catalog
    person: Callable[[str | None], str]  # "@priya" for a Slack user id
    members: Callable[[str], set[str]]  # who is in a channel
    channel_link: Callable[[str], str]  # a Slack channel's address
    depths: Mapping[Severity, Depth]  # how much postmortem each severity needs
    templates_dir: Path | None  # the operator's postmortem template, if any


def visible_private(sources: Sources, who: Viewer) -> set[int]:
    """The private incidents `who` may see."""
    with sources.core.db.transaction() as session:
        private = incident_search.private_incidents(session)
    return {
        incident_id
        for incident_id, channel_id, declarer in private
        if may_see(who.user_id, channel_id, declarer, sources.members)
    }


def page(request: Request, template: str, **values) -> HTMLResponse:
    """A dashboard page, with who is signed in and the form token their forms carry."""
    shown = PAGES.get_template(template).render(
        viewer=viewer(request), csrf=csrf_token(request), **values
    )
    return HTMLResponse(shown, headers={"Cache-Control": "private, no-store"})


def signed_in(handler):
    """Pages for signed-in people only: anyone else is sent to sign in first."""

    async def guarded(request: Request) -> Response:
        who = viewer(request)
        return sign_in_to(request) if who is None else await handler(request, who)

    return guarded


def dashboard_routes(sources: Sources) -> list[Route]:
    def listing(who: Viewer, query: dashboard_query.Query):
        allowed = visible_private(sources, who)
        with sources.core.db.transaction() as session:
            found = incident_search.search(session, query.filters, allowed, query.page)
            offered = incident_search.commanders(session, allowed)
        choices = sorted((sources.person(user), user) for user in offered)
        wanted = query.filters.commander
        if wanted and wanted not in offered:  # a link may name anyone: shown as written
            choices.append((wanted, wanted))
        return *found, choices

    async def incidents(request: Request, who: Viewer) -> Response:
        query = dashboard_query.parse(request.query_params)
        rows, total, commanders = await run_in_threadpool(listing, who, query)
        return page(
            request,
            "dashboard_incidents.html.j2",
            rows=rows,
            total=total,
            query=query,
            pages=max(1, -(-total // incident_search.PER_PAGE)),
            person=sources.person,
            severities=list(Severity),
            statuses=list(Status),
            services=sorted(sources.catalog.services()),
            commanders=commanders,
        )

    def everything(who: Viewer, query: dashboard_query.Query):
        allowed = visible_private(sources, who)
        with sources.core.db.transaction() as session:
            return incident_search.every(session, query.filters, allowed)

    async def export(request: Request, who: Viewer) -> Response:
        query = dashboard_query.parse(request.query_params)
        rows = [_exported(row, sources) for row in await run_in_threadpool(everything, who, query)]
        if request.path_params["format"] == "json":
            return JSONResponse(rows)
        return Response(_csv(rows), media_type="text/csv; charset=utf-8", headers=_attachment())

    def incident_record(who: Viewer, number: int, everything: bool, at: int):
        """The incident's record and the incidents like it; None when it is not to be seen
        (or does not exist: the page says the same either way)."""
        allowed = visible_private(sources, who)
        with sources.core.db.transaction() as session:
            try:
                found = record(
                    session,
                    number,
                    sources.catalog,
                    sources.channel_link,
                    everything=everything,
                    page=at,
                )
            except IncidentError:
                return None
            if found.incident.is_private and number not in allowed:
                return None
            alike = similar_to(session, found.incident, allowed)
            session.expunge_all()
            return found, alike

    async def incident(request: Request, who: Viewer) -> Response:
        number = request.path_params["number"]
        everything = request.query_params.get("timeline") == "all"
        at = dashboard_query.page_number(request.query_params.get("page", "1"))
        shown = await run_in_threadpool(incident_record, who, number, everything, at)
        if shown is None:
            return page(request, "dashboard_missing.html.j2", number=number)
        return page(
            request,
            "dashboard_incident.html.j2",
            record=shown[0],
            similar=shown[1],
            person=sources.person,
            describe=lambda entry: describe(
                entry, person=sources.person, quote=str, addressed=False
            ),
            address_of=address_of,
            ActionStatus=ActionStatus,
            Role=Role,
        )

    def drafted(who: Viewer, number: int):
        with sources.core.db.transaction() as session:
            try:
                draft = gather(session, number, sources.person, sources.depths)
            except IncidentError:
                return None
        hidden = draft.is_private and number not in visible_private(sources, who)
        return None if hidden else draft

    async def postmortem(request: Request, who: Viewer) -> Response:
        number = request.path_params["number"]
        draft = await run_in_threadpool(drafted, who, number)
        if draft is None:
            return page(request, "dashboard_missing.html.j2", number=number)
        try:
            markdown = render(draft, sources.templates_dir)
        except PostmortemTemplateError as error:
            markdown = str(error)
        shown = {"draft": draft, "markdown": markdown, "number": number}
        return page(request, "dashboard_postmortem.html.j2", **shown)

    return [
        Route("/incidents", signed_in(incidents), methods=["GET"]),
        Route("/incidents/{number:int}/postmortem", signed_in(postmortem), methods=["GET"]),
        Route("/incidents.{format:str}", signed_in(export), methods=["GET"]),
        Route("/incidents/{number:int}", signed_in(incident), methods=["GET"]),
    ]


def _exported(row: incident_search.Row, sources: Sources) -> dict:
    exported = asdict(row)
    exported["reference"] = f"INC-{row.id}"
    # "alice", not "@alice": a cell starting with @ is a formula to spreadsheets.
    exported["commander"] = sources.person(row.commander).lstrip("@") if row.commander else None
    exported["services"] = list(row.services)
    for moment in ("declared_at", "mitigated_at", "resolved_at"):
        exported[moment] = exported[moment].isoformat() if exported[moment] else None
    return exported


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    columns = ["reference", "title", "severity", "status", "is_private", "is_drill", "commander"]
    columns += ["services", "declared_at", "mitigated_at", "resolved_at"]
    writer = csv.DictWriter(out, columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        cells = row | {"services": " ".join(row["services"])}
        writer.writerow({column: _inert(value) for column, value in cells.items()})
    return out.getvalue()


def _inert(value):
    """A cell a spreadsheet will not run: text people wrote may start like a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _attachment() -> dict:
    return {"Content-Disposition": 'attachment; filename="incidents.csv"'}
