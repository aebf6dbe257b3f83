"""The public status page: `GET /status` (HTML that needs no JavaScript), `/status.json`
and `/status.atom` (a feed of the public updates). It reads only what was published for
customers (app/status_page.py), never an incident's own record."""

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from warroom.app import status_page
from warroom.app.core import Core
from warroom.web.pages import PAGES

# Customers' browsers and a CDN in front may keep the page this long, so a crowd reloading
# during an incident does not reach the database behind it; an incident moves slower.
CACHE = {"Cache-Control": "public, max-age=30"}


def status_routes(core: Core, name: str, components: Callable[[], list[str]]) -> list[Route]:
    def links(request: Request) -> dict:
        page_url = str(request.url_for("status"))
        return {
            "page_url": page_url,
            "feed_url": page_url + ".atom",
            "json_url": page_url + ".json",
        }

    def read() -> status_page.PublicView:  # the catalog may re-read its file: off the loop
        return status_page.page(core, components())

    async def html(request: Request) -> Response:
        page = await run_in_threadpool(read)
        shown = PAGES.get_template("status.html.j2").render(name=name, page=page, **links(request))
        return HTMLResponse(shown, headers=CACHE)

    async def as_json(request: Request) -> Response:
        page = await run_in_threadpool(read)
        return JSONResponse(_summary(name, page), headers=CACHE)

    async def atom(request: Request) -> Response:
        updates = await run_in_threadpool(status_page.feed, core)
        updated = updates[0].published_at if updates else core.now()
        feed = PAGES.get_template("status.atom.j2").render(
            name=name, updates=updates, updated=updated, **links(request)
        )
        return Response(feed, media_type="application/atom+xml", headers=CACHE)

    return [
        Route("/status", html, methods=["GET"], name="status"),
        Route("/status.json", as_json, methods=["GET"]),
        Route("/status.atom", atom, methods=["GET"]),
    ]


def _summary(name: str, page: status_page.PublicView) -> dict:
    return {
        "page": {"name": name},
        "status": {"description": page.headline, "indicator": page.tone},
        "components": [
            {"name": component, "status": condition.value}
            for component, condition in page.components.items()
        ],
        "incidents": [
            {
                "name": story.title,
                "status": story.phase.value,
                "components": story.affected,
                "updates": [
                    {
                        "status": update.phase,
                        "body": update.message,
                        "published_at": update.published_at.isoformat(),
                    }
                    for update in story.updates
                ],
            }
            for story in page.current + page.recent
        ],
    }
