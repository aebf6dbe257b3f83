"""GitHub Issues as the tracker of action items, through githubkit: a new item opens an
issue in the repository of its incident's first service that names one
(`github.com/project-slug`), or in the default repository; the issue's link becomes the
item's ticket. Closing or reopening the item closes or reopens the issue; GitHub's `issues`
webhooks bring the other direction (web/hooks.py).

GitHub takes no idempotency key, so each issue carries its item's marker in its body, and a
retry looks for the marker among the repository's newest issues before opening another.
"""

import re
import ssl

from githubkit import GitHub
from githubkit.exception import RequestError, RequestFailed

from warroom.app import action_items
from warroom.app.core import Core
from warroom.catalog import Catalog
from warroom.domain import events
from warroom.domain.action_items import ActionStatus
from warroom.integrations.base import Delivery, Integration, Refused, Retry
from warroom.store import action_items as stored_items
from warroom.store import incidents
from warroom.store.models import ActionItem, Incident

WHO = "GitHub"
ISSUE = re.compile(r"/(?P<owner>[^/]+)/(?P<repo>[^/]+)/issues/(?P<number>\d+)$")
RECENT = 50  # how many of the newest issues a retry looks through for its marker


def marker(item_id: int) -> str:
    return f"<!-- warroom-action-item-{item_id} -->"


class GitHubIssuesIntegration(Integration):
    name = "github"
    title = WHO

    def __init__(
        self,
        core: Core,
        catalog: Catalog,
        *,
        token: str,
        api_url: str,
        default_repo: str | None,
        tls: ssl.SSLContext,
    ):
        self.core, self.catalog, self.default_repo = core, catalog, default_repo
        # The outbox retries, honouring Retry-After; githubkit's own cache is for reads.
        self.github = GitHub(
            token, base_url=api_url, http_cache=False, auto_retry=False, ssl_verify=tls
        )

    def destinations(self, event: events.Event) -> list[str]:
        wanted = (events.ActionItemAdded, events.ActionItemChanged)
        return [self.name] if isinstance(event, wanted) else []

    def deliver(self, event: events.Event, delivery: Delivery) -> None:
        with self.core.db.transaction() as session:
            item = stored_items.find(session, event.item_id)
            incident = incidents.get(session, item.incident_id)
            session.expunge(item)
        if isinstance(event, events.ActionItemAdded) and not item.ticket_url:
            repo = self._repository(incident)
            if repo is not None:
                delivery.step("open the issue", lambda: self._open(item, incident, repo, delivery))
        elif isinstance(event, events.ActionItemChanged) and (
            ours := ISSUE.search(item.ticket_url or "")
        ):
            delivery.step("match the issue", lambda: self._match(item, ours))

    def _repository(self, incident: Incident) -> str | None:
        found, _ = self.catalog.find(incident.services)
        slugs = [service.github_slug for service in found if service.github_slug]
        return (slugs or [self.default_repo])[0]

    def _open(self, item: ActionItem, incident: Incident, repo: str, delivery: Delivery) -> str:
        owner, name = repo.split("/", 1)
        url = self._opened_before(owner, name, item) if delivery.attempt > 1 else None
        if url is None:
            body = "\n".join(
                [
                    f"An action item from {incident.reference} ({incident.severity.upper()}), "
                    f"due {item.due_on or 'TBD'}.",
                    "Closing this issue marks the action item done in warroom; reopening it "
                    "reopens the item.",
                    marker(item.id),
                ]
            )
            data = {"title": item.text[:256], "body": body}
            url = _calling(lambda: self.github.rest.issues.create(owner, name, data=data)).html_url
        action_items.ticketed(self.core, item.id, url)
        return url

    def _opened_before(self, owner: str, name: str, item: ActionItem) -> str | None:
        listed = _calling(
            lambda: self.github.rest.issues.list_for_repo(
                owner, name, state="all", sort="created", direction="desc", per_page=RECENT
            )
        )
        return next((i.html_url for i in listed if marker(item.id) in (i.body or "")), None)

    def _match(self, item: ActionItem, issue: re.Match) -> None:
        """The issue's state, as the item's: closed as completed or not planned, or open."""
        data = {"state": "open"} if item.is_open else {"state": "closed"}
        if not item.is_open:
            done = item.status == ActionStatus.DONE
            data["state_reason"] = "completed" if done else "not_planned"
        owner, name, number = issue["owner"], issue["repo"], int(issue["number"])
        _calling(lambda: self.github.rest.issues.update(owner, name, number, data=data))


def _calling(call):
    """A GitHub call's parsed answer; busy or down raises Retry, a refusal Refused."""
    try:
        return call().parsed_data
    except RequestFailed as error:
        status = error.response.status_code
        said = f"{WHO} answered HTTP {status}"
        if status in (403, 429) and error.response.headers.get("retry-after"):
            raise Retry(said, after=float(error.response.headers["retry-after"])) from error
        if status == 429 or status >= 500:
            raise Retry(said) from error
        raise Refused(f"{said}: {_message(error)}") from error
    except RequestError as error:
        raise Retry(f"{WHO} could not be reached ({type(error).__name__})") from error


def _message(error: RequestFailed) -> str:
    try:
        return str(error.response.json().get("message", ""))[:200]
    except ValueError:
        return ""
