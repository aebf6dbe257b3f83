"""Atlassian Statuspage, for teams that already have one: every update published from Slack
is also published there, through its REST API v1 (httpx), by the same flow as warroom's own
page. The first update of an incident opens a Statuspage incident; the later ones update it.

Components are matched by name (warroom's names are what customers know, and so are
Statuspage's); one Statuspage does not have is said in the channel, and the rest of the
update still goes out. Each update sets every component the incident ever named to what
warroom's own page shows now, so the two pages agree. Statuspage takes no idempotency key,
so a retry looks for the incident an earlier attempt may have opened before opening one.
"""

import itertools
import ssl
from functools import partial

import httpx

from warroom.app import status_page
from warroom.app.core import Core
from warroom.domain import events
from warroom.domain.timeline import EntryKind
from warroom.integrations.base import Delivery, Integration, Refused
from warroom.integrations.http import calling
from warroom.store import timeline
from warroom.store.models import TimelineEntry

TIMEOUT_SECONDS = 15
WHO = "Atlassian Statuspage"
PER_PAGE = 100  # the most a list call answers


class StatuspageIntegration(Integration):
    name = "statuspage"
    title = WHO

    def __init__(self, core: Core, api_url: str, page_id: str, api_key: str, tls: ssl.SSLContext):
        self.core, self.page = core, f"{api_url.rstrip('/')}/pages/{page_id}"
        headers = {"Authorization": f"OAuth {api_key}"}
        self._client = httpx.Client(headers=headers, timeout=TIMEOUT_SECONDS, verify=tls)

    def destinations(self, event: events.Event) -> list[str]:
        return [self.name] if isinstance(event, events.StatusPagePublished) else []

    def deliver(self, event: events.Event, delivery: Delivery) -> None:
        with self.core.db.transaction() as session:
            entry = session.get(TimelineEntry, event.entry_id)
            session.expunge(entry)
            told = timeline.details_of(session, event.incident_id, EntryKind.STATUS_PAGE)
        ids = delivery.step("look up the components", self._component_ids)
        if ids is None:
            return  # refused (a wrong key, a wrong page): the channel is told why
        body = {
            "name": entry.details["title"],
            "status": entry.details["phase"],
            "body": entry.text,
        }
        body["components"] = self._conditions(told, ids)
        body["component_ids"] = list(body["components"])
        opened = next((d["statuspage_incident"] for d in told if "statuspage_incident" in d), None)
        if opened is None and delivery.attempt > 1:
            opened = self._found_open(entry)  # a lost answer to an earlier attempt's POST
        if opened is None:
            delivery.step("open the incident", lambda: self._open(entry, body))
        else:
            delivery.step("update the incident", lambda: self._update(opened, body))
        missing = [name for name in entry.details["components"] if name not in ids]
        delivery.steps([(f"set {name}", _no_such_component(name)) for name in missing])

    def _conditions(self, told: list[dict], ids: dict[str, str]) -> dict[str, str]:
        """The condition of every component the incident ever named, as warroom's own page
        shows it now: the worst of the open incidents, operational once none names it."""
        named = list(dict.fromkeys(name for d in told for name in d["components"]))
        shown = status_page.page(self.core, named).components
        return {ids[name]: shown[name].value for name in named if name in ids}

    def _found_open(self, entry: TimelineEntry) -> str | None:
        answer = calling(WHO, lambda: self._client.get(f"{self.page}/incidents/unresolved"))
        found = next(
            (i["id"] for i in answer.json() if i.get("name") == entry.details["title"]), None
        )
        if found is not None:
            with self.core.db.transaction() as session:
                timeline.add_details(session, entry.id, statuspage_incident=found)
        return found

    def _component_ids(self) -> dict[str, str]:
        """Every component's id by its name, a page of PER_PAGE at a time."""
        ids = {}
        for page in itertools.count(1):
            params = {"page": page, "per_page": PER_PAGE}
            listing = partial(self._client.get, f"{self.page}/components", params=params)
            listed = calling(WHO, listing).json()
            ids |= {component["name"]: component["id"] for component in listed}
            if len(listed) < PER_PAGE:
                return ids

    def _open(self, entry: TimelineEntry, body: dict) -> str:
        answer = calling(
            WHO, lambda: self._client.post(f"{self.page}/incidents", json={"incident": body})
        )
        opened = answer.json()["id"]
        with self.core.db.transaction() as session:
            timeline.add_details(session, entry.id, statuspage_incident=opened)
        return opened

    def _update(self, opened: str, body: dict) -> None:
        url = f"{self.page}/incidents/{opened}"
        calling(WHO, lambda: self._client.patch(url, json={"incident": body}))


def _no_such_component(name: str):
    def refuse() -> None:
        raise Refused(f"{WHO} has no component called {name}")

    return refuse
