"""Settings, read once from the environment and `.env`, validated before anything starts."""

import re
from datetime import timedelta
from pathlib import Path

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import SettingsConfigDict

from warroom.catalog import CatalogError, parse
from warroom.config_dashboard import DashboardSettings
from warroom.config_trackers import TrackerSettings
from warroom.config_types import AutoDeclareRules, Duration, Names, OptionalDuration, Severities
from warroom.domain.alerts import AlertPolicy
from warroom.domain.incident import DEFAULT_UPDATE_CADENCE, Severity
from warroom.domain.nags import NagPolicy
from warroom.domain.postmortem import DEFAULT_DEPTH, Depth
from warroom.integrations.standard_webhooks import signing_key


def _cadence(severity: Severity, meaning: str):
    return Field(DEFAULT_UPDATE_CADENCE[severity], description=meaning)


_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_EMOJI_NAME = re.compile(r"^[a-z0-9_+'-]+(::skin-tone-[2-6])?$")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line that names it."""


class Settings(TrackerSettings, DashboardSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_ignore_empty=True, extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr = Field(
        SecretStr(""), description="Bot token (`xoxb-...`) from the Slack app's OAuth page."
    )
    slack_signing_secret: SecretStr = Field(
        SecretStr(""), description="Signing secret from the Slack app's Basic Information page."
    )
    slack_app_token: SecretStr | None = Field(
        None,
        description="App-level token (`xapp-...`, scope `connections:write`). "
        "When set, warroom connects over Socket Mode; otherwise it serves HTTP.",
    )
    slack_api_url: str = Field(
        "https://slack.com/api/",
        description="Base URL of the Slack Web API (also used for Socket Mode's "
        "`apps.connections.open`). Change it only to point at a Slack-compatible API.",
    )
    database_url: str = Field(
        "sqlite:///warroom.db",
        description="SQLAlchemy database URL: SQLite file by default, "
        "`postgresql+psycopg://user@host/db` in production.",
    )
    warroom_announce_channel: str | None = Field(
        None,
        description="Channel ID (`C...`) where stakeholders see one announcement per incident.",
    )
    warroom_default_severity: Severity = Field(
        Severity.SEV3, description="Severity used when `/incident declare` names none."
    )
    warroom_highlight_emoji: str = Field(
        "pushpin", description="Reaction that marks a key timeline event (`pushpin`, `:pushpin:`)."
    )
    warroom_update_cadence_sev1: OptionalDuration = _cadence(
        Severity.SEV1, "How often a SEV1 needs a status update (`15m`; `off` for never)."
    )
    warroom_update_cadence_sev2: OptionalDuration = _cadence(
        Severity.SEV2, "How often a SEV2 needs a status update."
    )
    warroom_update_cadence_sev3: OptionalDuration = _cadence(
        Severity.SEV3, "How often a SEV3 needs a status update."
    )
    warroom_update_cadence_sev4: OptionalDuration = _cadence(
        Severity.SEV4, "How often a SEV4 needs a status update (off by default)."
    )
    warroom_no_ic_after: Duration = Field(
        timedelta(minutes=5),
        description="Nag a SEV1/SEV2 that has no IC this long after declaring.",
    )
    warroom_public_update_after: OptionalDuration = Field(
        timedelta(minutes=5),
        description="Nag the comms lead (or the IC) of an incident of "
        "`WARROOM_PUBLIC_UPDATE_SEVERITIES` that has told customers nothing on the status "
        "page this long after declaring (`off`: never).",
    )
    warroom_public_update_severities: Severities = Field(
        (Severity.SEV1, Severity.SEV2),
        description="Severities whose customers expect a status page update soon after the "
        "declare (comma separated; `none`: none).",
    )
    warroom_action_reminder_interval: Duration = Field(
        timedelta(days=1), description="How often an overdue action item's owner is reminded."
    )
    warroom_postmortem_due_sev1: OptionalDuration = Field(
        timedelta(days=3), description="When a SEV1's postmortem is overdue, after resolving."
    )
    warroom_postmortem_due_sev2: OptionalDuration = Field(
        timedelta(days=5), description="When a SEV2's postmortem is overdue, after resolving."
    )
    warroom_postmortem_depth_sev1: Depth = Field(
        DEFAULT_DEPTH[Severity.SEV1],
        description="How much postmortem a SEV1 needs: `full` (every section, action items "
        "required), `abbreviated` (summary, impact, timeline, root cause, action items) or "
        "`actions` (the action items alone).",
    )
    warroom_postmortem_depth_sev2: Depth = Field(
        DEFAULT_DEPTH[Severity.SEV2], description="How much postmortem a SEV2 needs."
    )
    warroom_postmortem_depth_sev3: Depth = Field(
        DEFAULT_DEPTH[Severity.SEV3], description="How much postmortem a SEV3 needs."
    )
    warroom_postmortem_depth_sev4: Depth = Field(
        DEFAULT_DEPTH[Severity.SEV4], description="How much postmortem a SEV4 needs."
    )
    warroom_snooze: Duration = Field(
        timedelta(minutes=15), description="How long a nag's Snooze button holds it."
    )
    warroom_tick_seconds: int = Field(
        30, gt=0, description="How often the scheduler looks for nags that are due."
    )
    warroom_templates_dir: Path | None = Field(
        None, description="Folder of Jinja2 templates that override the bundled ones."
    )
    warroom_catalog: Path | None = Field(
        None,
        description="Service catalog: a Backstage `catalog-info.yaml` of Component entities "
        "(read again when it changes; `warroom catalog check` validates it).",
    )
    warroom_deploy_token: SecretStr | None = Field(
        None,
        description="Bearer token of `POST /hooks/deploys`, where pipelines report deploys "
        "(the hook is off when empty).",
    )
    warroom_github_webhook_secret: SecretStr | None = Field(
        None,
        description="Secret of the GitHub webhook sending `deployment_status` and `issues` "
        "events to `POST /hooks/github` (off when empty).",
    )
    warroom_alerts_token: SecretStr | None = Field(
        None,
        description="Bearer token of the alert hooks: `POST /hooks/alertmanager`, "
        "`/hooks/grafana` and `/hooks/alerts` (off when empty).",
    )
    warroom_status_page_title: str = Field(
        "Status", description="The name the public status page (`/status`) goes by."
    )
    warroom_status_components: Names = Field(
        (),
        description="Components of the status page, as customers know them (comma "
        "separated), besides the catalog's `warroom/status-component` annotations.",
    )
    warroom_statuspage_page_id: str | None = Field(
        None,
        description="An Atlassian Statuspage page that every update published from Slack also "
        "goes to (off when empty; needs `WARROOM_STATUSPAGE_API_KEY`).",
    )
    warroom_statuspage_api_key: SecretStr | None = Field(
        None, description="An Atlassian Statuspage API key with access to that page."
    )
    warroom_statuspage_api_url: str = Field(
        "https://api.statuspage.io/v1", description="Atlassian Statuspage's REST API."
    )
    warroom_alerts_channel: str | None = Field(
        None,
        description="Channel ID (`C...`) where firing alerts are posted with a button to "
        "declare an incident (none when empty: only the auto-declare rules act on alerts).",
    )
    warroom_auto_declare: AutoDeclareRules = Field(
        (),
        description="Alerts that declare an incident at once: `label=value:severity` rules, "
        "comma separated, such as `severity=critical:sev1` (empty: a person declares).",
    )
    warroom_alert_group_window: Duration = Field(
        timedelta(hours=1),
        description="How long a resolved alert group still takes in repeats of its alerts "
        "before alerts under its key begin a new prompt.",
    )
    warroom_pagerduty_events_url: str = Field(
        "https://events.pagerduty.com",
        description="PagerDuty's Events API v2, where pages are triggered and resolved "
        "(the EU service region: `https://events.eu.pagerduty.com`).",
    )
    warroom_pagerduty_api_url: str = Field(
        "https://api.pagerduty.com",
        description="PagerDuty's REST API, asked who is on call (EU: `https://api.eu.pagerduty.com`).",
    )
    warroom_pagerduty_api_key: SecretStr | None = Field(
        None,
        description="A PagerDuty REST API key, to say who is on call when a service is paged "
        "(off when empty: pages still go out). Read-only is enough, unless people are paged "
        "by name: that needs a full-access key and `WARROOM_PAGERDUTY_FROM`.",
    )
    warroom_pagerduty_from: str | None = Field(
        None,
        description="Email address of the PagerDuty user that `/incident page @person` opens "
        "pages as (the REST API's `From`; off when empty: only services are paged).",
    )
    warroom_pagerduty_webhook_secret: SecretStr | None = Field(
        None,
        description="Secret of the PagerDuty v3 webhook subscription sending incident events "
        "to `POST /hooks/pagerduty` (off when empty).",
    )
    warroom_page_on_declare: Severities = Field(
        (Severity.SEV1, Severity.SEV2),
        description="Severities whose declare pages the on-call of every affected service "
        "that has a `pagerduty.com/integration-key` (comma separated; `none`: none).",
    )
    warroom_ca_bundle: Path | None = Field(
        None,
        description="A PEM file of extra certificate authorities to trust for outgoing HTTPS "
        "(a TLS-inspecting proxy's), besides the system's.",
    )
    warroom_webhook_url: str | None = Field(
        None,
        description="Where to POST every change to an incident, as JSON signed the "
        "Standard Webhooks way (off when empty).",
    )
    warroom_webhook_secret: SecretStr | None = Field(
        None,
        description="The webhook's signing secret: `whsec_` and the base64 of 24 to 64 "
        "random bytes.",
    )

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_is_http(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("warroom_pagerduty_events_url", "warroom_pagerduty_api_url")
    @classmethod
    def _is_https(cls, value: str) -> str:
        """PagerDuty's client talks HTTPS only; it would refuse anything else later."""
        if not re.match(r"^https://[^/\s]+", value):
            raise ValueError("must be an https:// address")
        return value.rstrip("/")

    @field_validator("warroom_ca_bundle")
    @classmethod
    def _is_a_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a file")
        return value

    @field_validator("warroom_announce_channel", "warroom_alerts_channel")
    @classmethod
    def _is_channel_id(cls, value: str | None) -> str | None:
        if value and not _CHANNEL_ID.match(value):
            raise ValueError("must be a channel ID such as C0123ABCD, not a channel name")
        return value or None

    @field_validator("warroom_highlight_emoji")
    @classmethod
    def _is_emoji_name(cls, value: str) -> str:
        """Slack names reactions without colons, in lowercase: `:pushpin:` is `pushpin`."""
        name = value.strip().strip(":").lower()
        if not _EMOJI_NAME.match(name):
            raise ValueError("must be an emoji name such as pushpin")
        return name

    @field_validator("warroom_webhook_url")
    @classmethod
    def _webhook_url_is_http(cls, value: str | None) -> str | None:
        if value and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http:// or https:// address")
        return value or None

    @field_validator("warroom_webhook_secret")
    @classmethod
    def _is_signing_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            signing_key(value.get_secret_value())
            return value
        return None

    @model_validator(mode="after")
    def _webhook_has_its_secret(self) -> "Settings":
        if self.warroom_webhook_url and self.warroom_webhook_secret is None:
            raise ValueError(
                "WARROOM_WEBHOOK_SECRET must be set too: receivers check every webhook's signature"
            )
        return self

    @model_validator(mode="after")
    def _statuspage_has_its_key(self) -> "Settings":
        if self.warroom_statuspage_page_id and self.warroom_statuspage_api_key is None:
            raise ValueError(
                "WARROOM_STATUSPAGE_API_KEY must be set too: Atlassian Statuspage refuses "
                "calls without one"
            )
        return self

    @field_validator("warroom_catalog")
    @classmethod
    def _is_a_catalog(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if not value.is_file():
            raise ValueError(f"{value} is not a file")
        try:
            parse(value.read_text(), str(value))
        except CatalogError as error:
            raise ValueError(f"the catalog is wrong: {error.problems[0]}") from None
        return value

    @field_validator("warroom_templates_dir")
    @classmethod
    def _is_directory(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a directory")
        return value

    def nag_policy(self) -> NagPolicy:
        return NagPolicy(
            update_cadence={
                severity: getattr(self, f"warroom_update_cadence_{severity.value}")
                for severity in Severity
            },
            no_ic_after=self.warroom_no_ic_after,
            public_update_after={
                severity: self.warroom_public_update_after
                for severity in self.warroom_public_update_severities
                if self.warroom_public_update_after
            },
            action_reminder_interval=self.warroom_action_reminder_interval,
            postmortem_due={
                Severity.SEV1: self.warroom_postmortem_due_sev1,
                Severity.SEV2: self.warroom_postmortem_due_sev2,
            },
            snooze=self.warroom_snooze,
        )

    def postmortem_depths(self) -> dict[Severity, Depth]:
        return {
            severity: getattr(self, f"warroom_postmortem_depth_{severity.value}")
            for severity in Severity
        }

    def alert_policy(self) -> AlertPolicy:
        return AlertPolicy(
            rules=self.warroom_auto_declare,
            window=self.warroom_alert_group_window,
            default_severity=self.warroom_default_severity,
        )

    def secrets(self) -> list[str]:
        """Values that must never reach a log line: every secret setting that is set."""
        values = (getattr(self, name) for name in type(self).model_fields)
        return [v.get_secret_value() for v in values if isinstance(v, SecretStr) and v]

    def secret(self, name: str) -> str | None:
        """The value of a secret setting, or None when it is not set."""
        value = getattr(self, name)
        return value.get_secret_value() if value is not None else None

    def require_slack_credentials(self) -> None:
        """Serving needs both credentials; the other commands do not."""
        for name in ("slack_bot_token", "slack_signing_secret"):
            if not getattr(self, name).get_secret_value():
                raise ConfigError(f"{name.upper()} is not set: copy it from your Slack app.")


def load_settings(**overrides) -> Settings:
    """Settings from the environment, `.env` and overrides, or one ConfigError line."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # about several settings: the message names them
            raise ConfigError(message) from None
        raise ConfigError(f"{str(first['loc'][0]).upper()}: {message}") from None
