"""The baseline: the smallest Bolt app that acknowledges `message` events and does nothing
else, configured like warroom's (signature checks on, acknowledge after the listener)."""

from slack_bolt import App
from slack_sdk import WebClient


def bare_bolt_app(signing_secret: str, bot_token: str, api_url: str) -> App:
    # Bolt insists on a token; its one auth.test (on the first request) goes to the sandbox.
    app = App(
        client=WebClient(token=bot_token, base_url=api_url),
        signing_secret=signing_secret,
        token_verification_enabled=False,
        process_before_response=True,
    )

    @app.event("message")
    def acknowledge_only() -> None:
        return None

    return app
