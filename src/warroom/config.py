"""Settings, read once from the environment and `.env`, validated before anything starts."""

import re
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from warroom.domain import Severity

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line that names it."""


class Settings(BaseSettings):
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
        "pushpin", description="Reaction (name without colons) that marks a key timeline event."
    )
    warroom_templates_dir: Path | None = Field(
        None, description="Folder of Jinja2 templates that override the bundled ones."
    )

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_is_http(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("warroom_announce_channel")
    @classmethod
    def _is_channel_id(cls, value: str | None) -> str | None:
        if value and not _CHANNEL_ID.match(value):
            raise ValueError("must be a channel ID such as C0123ABCD, not a channel name")
        return value or None

    @field_validator("warroom_templates_dir")
    @classmethod
    def _is_directory(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a directory")
        return value

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
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise ConfigError(f"{name}: {first['msg']}") from None
