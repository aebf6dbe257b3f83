"""The settings of the trackers that action items become tickets in: GitHub Issues and
Jira, which of them takes the items of services that choose neither, and how often warroom
checks the tickets against their items."""

from datetime import timedelta
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings

from warroom.config_types import OptionalDuration, Site


class TrackerSettings(BaseSettings):
    warroom_tracker: Literal["jira", "github"] | None = Field(
        None,
        description="Which tracker takes the action items of services whose catalog entry "
        "has no `warroom/tracker` (`jira` or `github`; empty: Jira when it is set up, "
        "else GitHub).",
    )
    warroom_github_token: SecretStr | None = Field(
        None,
        description="A GitHub token that may open and edit issues: action items become "
        "issues in their service's `github.com/project-slug` repository, or in "
        "`WARROOM_GITHUB_ISSUES_REPO` (off when empty).",
    )
    warroom_github_issues_repo: str | None = Field(
        None,
        description="The repository (`org/repo`) of the action items whose services name none.",
    )
    warroom_github_api_url: str = Field(
        "https://api.github.com", description="GitHub's REST API (GitHub Enterprise: its own)."
    )
    warroom_jira_url: Site = Field(
        None,
        description="Your Jira Cloud site (`https://example.atlassian.net`): action items "
        "become issues in their service's `jira/project-key` project, or in "
        "`WARROOM_JIRA_PROJECT` (off when empty).",
    )
    warroom_jira_email: str | None = Field(
        None, description="Email address of the Jira account warroom acts as."
    )
    warroom_jira_api_token: SecretStr | None = Field(
        None, description="That account's Jira API token (id.atlassian.com, Security)."
    )
    warroom_jira_project: str | None = Field(
        None,
        description="The Jira project key (`OPS`) of the action items whose services name none.",
    )
    warroom_jira_issue_type: str = Field(
        "Task", description="The Jira issue type action items are opened as."
    )
    warroom_jira_webhook_secret: SecretStr | None = Field(
        None,
        description="The secret ending the address of Jira's webhook, "
        "`POST /hooks/jira/<secret>`, which closes and reopens items with their issues "
        "(off when empty).",
    )
    warroom_tracker_reconcile_every: OptionalDuration = Field(
        timedelta(minutes=15),
        description="How often every open action item's ticket is read back, in case a "
        "webhook was missed (`off`: never).",
    )

    @model_validator(mode="after")
    def _jira_has_its_account(self) -> "TrackerSettings":
        if self.warroom_jira_url and not (self.warroom_jira_email and self.warroom_jira_api_token):
            raise ValueError(
                "WARROOM_JIRA_EMAIL and WARROOM_JIRA_API_TOKEN must be set too: Jira Cloud "
                "refuses calls without an account"
            )
        return self

    @property
    def default_tracker(self) -> str:
        return self.warroom_tracker or ("jira" if self.warroom_jira_url else "github")
