"""Sign in with Slack (OpenID Connect) as slack_sdk speaks it: where to send a browser, and
who came back, read with the code Slack gave it."""

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth import OpenIDConnectAuthorizeUrlGenerator

SCOPES = ["openid", "profile", "email"]


class SignInRefused(Exception):
    """Slack would not say who signed in; the message names Slack's reason."""


@dataclass(frozen=True)
class SignedIn:
    user_id: str
    name: str
    team_id: str | None


class SlackSignIn:
    def __init__(self, client_id: str, client_secret: str, redirect_uri: str, api_url: str):
        """`api_url` is the Web API's base (`https://slack.com/api/`); Slack's authorize page
        is beside it."""
        site = api_url.removesuffix("/").removesuffix("/api")
        self._authorize = OpenIDConnectAuthorizeUrlGenerator(
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=SCOPES,
            authorization_url=f"{site}/openid/connect/authorize",
        )
        self._secret, self._api_url = client_secret, api_url

    def authorize_url(self, state: str) -> str:
        return self._authorize.generate(state=state)

    def who(self, code: str) -> SignedIn:
        """The person the code stands for (a user token, then who it belongs to)."""
        try:
            token = WebClient(base_url=self._api_url).openid_connect_token(
                client_id=self._authorize.client_id,
                client_secret=self._secret,
                code=code,
                redirect_uri=self._authorize.redirect_uri,
            )["access_token"]
            person = WebClient(token=token, base_url=self._api_url).openid_connect_userInfo()
        except SlackApiError as error:
            raise SignInRefused(str(error.response.get("error"))) from None
        return SignedIn(
            person["sub"], person.get("name", ""), person.get("https://slack.com/team_id")
        )
