"""`/insights?from=2026-10-01&to=2026-12-31`: the period's figures (app/insights.py) for
whoever is signed in, their private incidents counted only where they may see them; the
incidents per week drawn as an SVG bar chart, with the same numbers as a table beside it."""

from dataclasses import dataclass
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from warroom.app.insights import MEASURES, Insights, insights
from warroom.domain.incident import Severity
from warroom.domain.insights import quarter_of
from warroom.web.dashboard import Sources, page, signed_in, visible_private
from warroom.web.sign_in import Viewer

CHART_HEIGHT, BAR_WIDTH, GAP = 160, 18, 6


@dataclass(frozen=True)
class Bar:
    x: int
    week: date
    segments: list[tuple[str, int, int, int]]  # severity, y, height, count


def insights_routes(sources: Sources, postmortem_due) -> list[Route]:
    def read(who: Viewer, start: date, end: date) -> Insights:
        allowed = visible_private(sources, who)
        with sources.core.db.transaction() as session:
            return insights(
                session,
                start,
                end,
                visible_private=allowed,
                postmortem_due=postmortem_due,
                now=sources.core.now(),
            )

    async def shown(request: Request, who: Viewer) -> Response:
        today = sources.core.now().date()
        start, end, problems = _period(request, quarter_of(today)[0], today)
        found = await run_in_threadpool(read, who, start, end)
        return page(
            request,
            "dashboard_insights.html.j2",
            found=found,
            problems=problems,
            bars=_bars(found),
            chart_height=CHART_HEIGHT,
            chart_width=max(1, len(found.per_week)) * (BAR_WIDTH + GAP),
            bar_width=BAR_WIDTH,
            measures=MEASURES,
            severities=[s.label for s in Severity],
            person=sources.person,
        )

    return [Route("/insights", signed_in(shown), methods=["GET"])]


def _period(request: Request, first: date, last: date) -> tuple[date, date, list[str]]:
    problems, chosen = [], {}
    for name, default in (("from", first), ("to", last)):
        given = request.query_params.get(name) or ""
        try:
            chosen[name] = date.fromisoformat(given) if given else default
        except ValueError:
            problems.append(f"{name} {given!r} is no date (YYYY-MM-DD)")
            chosen[name] = default
    return chosen["from"], chosen["to"], problems


def _bars(found: Insights) -> list[Bar]:
    """Each week's bar, stacked by severity, scaled to the busiest week."""
    busiest = max((sum(c.values()) for _, c in found.per_week), default=1)
    bars = []
    for index, (week, counts) in enumerate(found.per_week):
        y, segments = CHART_HEIGHT, []
        for severity in (s.label for s in Severity):
            if counts.get(severity):
                height = round(CHART_HEIGHT * counts[severity] / busiest)
                y -= height
                segments.append((severity, y, height, counts[severity]))
        bars.append(Bar(index * (BAR_WIDTH + GAP), week, segments))
    return bars
