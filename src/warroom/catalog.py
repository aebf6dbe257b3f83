"""The service catalog: Backstage `Component` entities (a `catalog-info.yaml`, so teams reuse
what they have), read into the services an incident can be about.

What warroom reads of each Component:
- `metadata.name` (what people type: `/incident declare sev2 payments: ...`) and `title`;
- `metadata.links` whose `type` is `runbook` or `dashboard`;
- the annotations `slack.com/bot-notify` (the service's Slack channel, as Backstage's Slack
  notifications use it), `warroom/slack-owners` (Slack user ids `U...` and user-group ids
  `S...`, comma separated), `pagerduty.com/service-id`, `pagerduty.com/integration-key` and
  `github.com/project-slug` (which repository's deploys and issues are the service's),
  `jira/project-key` (the Jira project of its action items, as Backstage's Jira plugin
  names it), `warroom/tracker` (`jira` or `github`: which of the two takes its action
  items) and `warroom/status-component` (the name customers know it by on the status page).
Other kinds of entity (Group, System, API...) are left alone.

The file is read again whenever it changes; a change that does not parse leaves the last good
catalog in use, and says why in the log.
"""

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from warroom.file_problems import FileProblems, not_yaml, said

log = logging.getLogger(__name__)

SLACK_CHANNEL = "slack.com/bot-notify"
SLACK_OWNERS = "warroom/slack-owners"
PAGERDUTY_SERVICE = "pagerduty.com/service-id"
PAGERDUTY_KEY = "pagerduty.com/integration-key"
GITHUB_SLUG = "github.com/project-slug"  # "org/repo", Backstage's own annotation
JIRA_PROJECT = "jira/project-key"  # "PAY", as Backstage's Jira plugin reads it
TRACKER = "warroom/tracker"
TRACKERS = ("jira", "github")
STATUS_COMPONENT = "warroom/status-component"
# Backstage's rule for names: letters, digits and -_. between them, at most 63 characters.
NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$")
SLACK_OWNER = re.compile(r"^[US][A-Z0-9]{2,}$")
SLACK_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Service:
    name: str
    title: str
    owners: tuple[str, ...] = ()  # Slack user (U...) and user-group (S...) ids
    channel_id: str | None = None
    pagerduty_service: str | None = None
    pagerduty_key: str | None = None
    github_slug: str | None = None
    jira_project: str | None = None
    tracker: str | None = None  # "jira" or "github"; None: the one the settings choose
    status_component: str | None = None  # None: customers do not see it as such
    runbooks: tuple[Link, ...] = ()
    dashboards: tuple[Link, ...] = ()

    @property
    def owner_users(self) -> list[str]:
        return [owner for owner in self.owners if owner.startswith("U")]

    @property
    def owner_groups(self) -> list[str]:
        return [owner for owner in self.owners if owner.startswith("S")]


class CatalogError(FileProblems):
    """The catalog does not parse; `problems` says where and why, one line each."""


class _Link(BaseModel):
    url: HttpUrl
    title: str | None = None
    type: str | None = None


class _Metadata(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    title: str | None = None
    annotations: dict[str, str | None] = Field(default_factory=dict)
    links: list[_Link] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _is_a_name(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError("must be letters, digits and - _ . (at most 63), as in Backstage")
        return value

    @field_validator("annotations")
    @classmethod
    def _slack_ids(cls, annotations: dict[str, str | None]) -> dict[str, str | None]:
        problems = [
            f"{key} is empty (a # starts a YAML comment: quote the value)"
            for key, value in annotations.items()
            if value is None
        ]
        problems += [
            f"{SLACK_OWNERS}: {owner!r} is no Slack user (U...) or user group (S...) id"
            for owner in _owners(annotations.get(SLACK_OWNERS) or "")
            if not SLACK_OWNER.match(owner)
        ]
        channel = annotations.get(SLACK_CHANNEL)
        if channel and not SLACK_CHANNEL_ID.match(channel):
            problems.append(f"{SLACK_CHANNEL}: {channel!r} is no Slack channel id (C...)")
        tracker = annotations.get(TRACKER)
        if tracker and tracker not in TRACKERS:
            problems.append(f"{TRACKER}: {tracker!r} is neither jira nor github")
        if problems:
            raise ValueError("; ".join(problems))
        return annotations


class _Entity(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    api_version: str = Field(alias="apiVersion")
    kind: str
    metadata: _Metadata


def _owners(text: str) -> list[str]:
    return [owner.strip() for owner in text.split(",") if owner.strip()]


def _links(metadata: _Metadata, kind: str) -> tuple[Link, ...]:
    return tuple(
        Link(link.title or kind.capitalize(), str(link.url))
        for link in metadata.links
        if (link.type or "").lower() == kind
    )


def _service(metadata: _Metadata) -> Service:
    notes = metadata.annotations
    return Service(
        name=metadata.name,
        title=metadata.title or metadata.name,
        owners=tuple(_owners(notes.get(SLACK_OWNERS) or "")),
        channel_id=notes.get(SLACK_CHANNEL),
        pagerduty_service=notes.get(PAGERDUTY_SERVICE),
        pagerduty_key=notes.get(PAGERDUTY_KEY),
        github_slug=notes.get(GITHUB_SLUG),
        jira_project=notes.get(JIRA_PROJECT),
        tracker=notes.get(TRACKER),
        status_component=notes.get(STATUS_COMPONENT),
        runbooks=_links(metadata, "runbook"),
        dashboards=_links(metadata, "dashboard"),
    )


def _documents(text: str, source: str) -> Iterator[tuple[int, object]]:
    try:
        yield from enumerate(yaml.safe_load_all(text), start=1)
    except yaml.YAMLError as error:
        raise CatalogError([not_yaml(error, source)]) from None


def parse(text: str, source: str = "the catalog") -> dict[str, Service]:
    """The Components of a catalog file, by name; CatalogError listing every problem."""
    services: dict[str, Service] = {}
    problems = []
    for number, document in _documents(text, source):
        if document is None:
            continue
        where = f"{source}, document {number}"
        if not isinstance(document, dict) or document.get("kind") != "Component":
            continue
        try:
            entity = _Entity.model_validate(document)
        except ValidationError as error:
            name = (document.get("metadata") or {}).get("name", "?")
            problems += [f"{where} ({name}): {said(e)}" for e in error.errors()]
            continue
        name = entity.metadata.name
        if name in services:
            problems.append(f"{where}: a second Component named {name!r}")
            continue
        services[name] = _service(entity.metadata)
    if problems:
        raise CatalogError(problems)
    return services


class Catalog:
    """The catalog file, read again when it changes (a stat per look, no watcher thread)."""

    def __init__(self, path: Path | None):
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._services: dict[str, Service] = {}

    def services(self) -> dict[str, Service]:
        if self.path is None:
            return {}
        with self._lock:
            try:
                stat = self.path.stat()
                seen = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                seen = None
            if seen != self._seen:
                self._seen = seen
                self._reload(seen is not None)
            return self._services

    def _reload(self, readable: bool) -> None:
        if not readable:
            log.warning("the catalog %s cannot be read; keeping the last one", self.path)
            return
        try:
            self._services = parse(self.path.read_text(), str(self.path))
        except (CatalogError, OSError) as error:
            log.warning(
                "the catalog %s changed and is wrong, keeping the last: %s", self.path, error
            )

    def find(self, names: list[str]) -> tuple[list[Service], list[str]]:
        """The services of these names, and the names no service has."""
        known = self.services()
        return [known[n] for n in names if n in known], [n for n in names if n not in known]
