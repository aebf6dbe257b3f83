"""The settings of the dashboard: Sign in with Slack (the Slack app's client id and secret),
the address people reach warroom at, and the secret its session cookies are signed with."""

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings

from warroom.config_types import Site


class DashboardSettings(BaseSettings):
    slack_client_id: str | None = Field(
        None,
        description="Client ID from the Slack app's Basic Information page: with the secret, "
        "the dashboard (`/incidents`, `/insights`) signs people in with Slack (off when empty).",
    )
    slack_client_secret: SecretStr | None = Field(
        None, description="Client Secret from the same page."
    )
    warroom_public_url: Site = Field(
        None,
        description="The address people reach warroom at (`https://warroom.example.com`); "
        "Sign in with Slack returns to `<it>/sign-in/callback`, the app's redirect URL.",
    )
    warroom_session_secret: SecretStr | None = Field(
        None,
        description="Signs the dashboard's session cookies: a long random string (32 bytes "
        "or more); changing it signs everyone out.",
    )

    @model_validator(mode="after")
    def _dashboard_has_what_sign_in_needs(self) -> "DashboardSettings":
        if not self.slack_client_id:
            return self
        missing = [
            name.upper()
            for name in ("slack_client_secret", "warroom_public_url", "warroom_session_secret")
            if not getattr(self, name)
        ]
        if missing:
            raise ValueError(
                f"{' and '.join(missing)} must be set too: the dashboard signs people in "
                "with Slack (SLACK_CLIENT_ID is set)"
            )
        secret = self.warroom_session_secret.get_secret_value()
        if len(secret) < 32:
            raise ValueError("WARROOM_SESSION_SECRET must be at least 32 characters long")
        return self
