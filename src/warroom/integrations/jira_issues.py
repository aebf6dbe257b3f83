"""Jira Cloud as a tracker of action items (integrations/trackers.py), through the `jira`
client on REST API v3: the project is a Jira project (`jira/project-key`), the owner becomes
the assignee when Jira knows their Slack email address, the due date is the issue's, and the
item's marker is a label (a retry searches for it). Done and reopened are workflow
transitions to and from the "done" status category. Jira's webhooks bring closing and
reopening back (web/jira_hook.py).
"""

import re
import ssl
import threading
from datetime import date

import requests
from jira import JIRA, JIRAError
from requests.adapters import HTTPAdapter

from warroom.app.core import Core
from warroom.catalog import Catalog, Service
from warroom.integrations.base import Refused
from warroom.integrations.http import json_of, refusal, unreachable
from warroom.integrations.trackers import Owner, Ticket, Tracker, description, marker
from warroom.store.models import ActionItem, Incident

WHO = "Jira"
DONE = "done"  # the status category every workflow's finished statuses belong to
FIELDS = "summary,status,duedate"


class JiraIntegration(Tracker):
    name = "jira"
    title = WHO

    def __init__(
        self,
        core: Core,
        catalog: Catalog,
        *,
        url: str,
        email: str,
        token: str,
        issue_type: str,
        tls: ssl.SSLContext,
        **choice,
    ):
        super().__init__(core, catalog, **choice)
        self.url, self.issue_type, self.tls = url, issue_type, tls
        self.browse = re.compile(rf"^{re.escape(url)}/browse/(?P<key>[A-Z][A-Z0-9_]*-\d+)$")
        self._account = (email, token)
        self._lock = threading.Lock()
        self._client: JIRA | None = None

    @property
    def jira(self) -> JIRA:
        """The client, made at the first call: it asks Jira what it is (Cloud, whose search
        it then uses), which must not keep warroom from starting while Jira is down."""
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def _connect(self) -> JIRA:
        # The outbox retries, honouring Retry-After: the client must not sleep on its own.
        client = JIRA(
            self.url,
            basic_auth=self._account,
            options={"rest_api_version": "3", "check_update": False},
            get_server_info=False,
            max_retries=0,
            timeout=10,
        )
        client._session.mount("https://", _Trusting(self.tls))  # it takes no SSLContext
        # What the client would have asked first, asked once our trust is in place.
        client.deploymentType = client.server_info().get("deploymentType")
        return client

    def project_of(self, service: Service) -> str | None:
        return service.jira_project

    def owns(self, url: str) -> bool:
        return self.browse.match(url) is not None

    def open(self, item: ActionItem, incident: Incident, project: str, retry: bool) -> str:
        if retry and (key := self._opened_before(project, item)):
            return self._link(key)
        fields = {
            "project": {"key": project},
            "issuetype": {"name": self.issue_type},
            "labels": [marker(item.id)],
            **self._fields(item, incident),
        }
        created = _calling(lambda: self.jira.create_issue(fields=fields, prefetch=False))
        return self._link(created.key)

    def _opened_before(self, project: str, item: ActionItem) -> str | None:
        jql = f'project = "{project}" AND labels = "{marker(item.id)}"'
        found = _calling(
            lambda: self.jira.enhanced_search_issues(
                jql, maxResults=1, fields="summary", json_result=True
            )
        )
        return next((issue["key"] for issue in found.get("issues", [])), None)

    def update(self, item: ActionItem, incident: Incident, url: str) -> None:
        key = self._key(url)
        issue = _calling(lambda: self.jira.issue(key, fields=FIELDS))
        _calling(lambda: issue.update(fields=self._fields(item, incident)))
        if _is_done(issue.raw["fields"]) == item.is_open:
            self._move(key, to_done=not item.is_open)

    def ticket(self, url: str) -> Ticket:
        issue = _calling(lambda: self.jira.issue(self._key(url), fields=FIELDS)).raw["fields"]
        due = issue.get("duedate")
        return Ticket(
            title=issue.get("summary") or "",
            closed=_is_done(issue),
            due_on=date.fromisoformat(due) if due else None,
        )

    def _fields(self, item: ActionItem, incident: Incident) -> dict:
        owner = self.owner_of(item.owner_id)
        return {
            "summary": item.text[:255],
            "description": _document(description(item, incident, owner)),
            "duedate": item.due_on.isoformat() if item.due_on else None,
            "assignee": self._assignee(owner),
        }

    def _assignee(self, owner: Owner) -> dict | None:
        """The Jira account with the owner's email address; None (unassigned) when there is
        none, and the description names the owner."""
        if owner.email is None:
            return None
        users = _calling(lambda: self.jira.search_users(query=owner.email, maxResults=2))
        exact = [u for u in users if getattr(u, "emailAddress", "").lower() == owner.email.lower()]
        return {"accountId": exact[0].accountId} if exact else None

    def _move(self, key: str, to_done: bool) -> None:
        """Through the workflow transition that leads to (or out of) the done category;
        a reopening prefers the first status (to do) over one in progress."""
        transitions = _calling(lambda: self.jira.transitions(key))
        wanted = [t for t in transitions if (_category(t["to"]) == DONE) == to_done]
        wanted.sort(key=lambda t: _category(t["to"]) != "new")
        if not wanted:
            goal = "done" if to_done else "open again"
            raise Refused(f"the workflow of {key} offers no transition that makes it {goal}")
        _calling(lambda: self.jira.transition_issue(key, wanted[0]["id"]))

    def _key(self, url: str) -> str:
        return self.browse.match(url)["key"]

    def _link(self, key: str) -> str:
        return f"{self.url}/browse/{key}"


class _Trusting(HTTPAdapter):
    """HTTPS trusting what the operator's `WARROOM_CA_BUNDLE` adds to the system's."""

    def __init__(self, tls: ssl.SSLContext):
        self.tls = tls
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, ssl_context=self.tls, **kwargs)


def _document(paragraphs: list[str]) -> dict:
    """Plain paragraphs as the Atlassian Document Format that v3 descriptions are."""
    content = [{"type": "paragraph", "content": [{"type": "text", "text": p}]} for p in paragraphs]
    return {"type": "doc", "version": 1, "content": content}


def _category(status: dict) -> str:
    return (status.get("statusCategory") or {}).get("key", "")


def _is_done(fields: dict) -> bool:
    return _category(fields.get("status") or {}) == DONE


def _calling(call):
    """A Jira call's answer; busy or down raises Retry, a refusal Refused."""
    try:
        return call()
    except JIRAError as error:
        answer = error.response
        if answer is None:
            raise unreachable(WHO, error) from error
        retry_after = answer.headers.get("retry-after")
        raise refusal(WHO, error.status_code, retry_after, json_of(answer)) from error
    except requests.RequestException as error:
        raise unreachable(WHO, error) from error
