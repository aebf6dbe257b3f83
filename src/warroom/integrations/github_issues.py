"""GitHub Issues as a tracker of action items (integrations/trackers.py), through
githubkit: the project is a repository (`github.com/project-slug`), the owner and due date
are written in the issue's body, which also hides the item's marker (a retry looks for it
among the repository's newest issues). GitHub's `issues` webhooks bring closing and
reopening back (web/hooks.py).
"""

import re

from githubkit import GitHub
from githubkit.exception import RequestError, RequestFailed

from warroom.app.core import Core
from warroom.catalog import Catalog, Service
from warroom.domain.action_items import ActionStatus
from warroom.integrations.http import json_of, refusal, unreachable
from warroom.integrations.trackers import Ticket, Tracker, description, marker
from warroom.store.models import ActionItem, Incident

WHO = "GitHub"
ISSUE = re.compile(r"/(?P<owner>[^/]+)/(?P<repo>[^/]+)/issues/(?P<number>\d+)$")
RECENT = 50  # how many of the newest issues a retry looks through for its marker


class GitHubIssuesIntegration(Tracker):
    name = "github"
    title = WHO

    def __init__(self, core: Core, catalog: Catalog, *, token: str, api_url: str, tls, **choice):
        super().__init__(core, catalog, **choice)
        # The outbox retries, honouring Retry-After; githubkit's own cache is for reads.
        self.github = GitHub(
            token, base_url=api_url, http_cache=False, auto_retry=False, ssl_verify=tls
        )

    def project_of(self, service: Service) -> str | None:
        return service.github_slug

    def owns(self, url: str) -> bool:
        return ISSUE.search(url) is not None

    def open(self, item: ActionItem, incident: Incident, project: str, retry: bool) -> str:
        owner, name = project.split("/", 1)
        if retry and (url := self._opened_before(owner, name, item)):
            return url
        data = {"title": item.text[:256], "body": self._body(item, incident)}
        return _calling(lambda: self.github.rest.issues.create(owner, name, data=data)).html_url

    def _opened_before(self, owner: str, name: str, item: ActionItem) -> str | None:
        listed = _calling(
            lambda: self.github.rest.issues.list_for_repo(
                owner, name, state="all", sort="created", direction="desc", per_page=RECENT
            )
        )
        return next((i.html_url for i in listed if _marker(item.id) in (i.body or "")), None)

    def _body(self, item: ActionItem, incident: Incident) -> str:
        paragraphs = description(item, incident, self.owner_of(item.owner_id))
        return "\n\n".join([*paragraphs, _marker(item.id)])

    def update(self, item: ActionItem, incident: Incident, url: str) -> None:
        """Title, owner and due date (in the body), and the state: closed as completed or
        not planned, or open."""
        data = {"title": item.text[:256], "body": self._body(item, incident)}
        data["state"] = "open" if item.is_open else "closed"
        if not item.is_open:
            done = item.status == ActionStatus.DONE
            data["state_reason"] = "completed" if done else "not_planned"
        owner, name, number = _parts(url)
        _calling(lambda: self.github.rest.issues.update(owner, name, number, data=data))

    def ticket(self, url: str) -> Ticket:
        owner, name, number = _parts(url)
        issue = _calling(lambda: self.github.rest.issues.get(owner, name, number))
        return Ticket(title=issue.title, closed=issue.state == "closed")


def _marker(item_id: int) -> str:
    """Hidden in the issue's Markdown."""
    return f"<!-- {marker(item_id)} -->"


def _parts(url: str) -> tuple[str, str, int]:
    found = ISSUE.search(url)
    return found["owner"], found["repo"], int(found["number"])


def _calling(call):
    """A GitHub call's parsed answer; busy or down raises Retry, a refusal Refused."""
    try:
        return call().parsed_data
    except RequestFailed as error:
        answer, retry_after = error.response, error.response.headers.get("retry-after")
        raise refusal(WHO, answer.status_code, retry_after, json_of(answer)) from error
    except RequestError as error:
        raise unreachable(WHO, error) from error
