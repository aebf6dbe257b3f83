"""Sign in with Slack (OpenID Connect) as the sandbox plays it: the authorize page a browser
is sent to (`/openid/connect/authorize`), where a person picks who they are among the
workspace's people, and the two Web API methods the app then calls,
`openid.connect.token` (the one-time code for a user token, with the app's client id and
secret) and `openid.connect.userInfo` (who that token belongs to).

As Slack does: a code works once, for ten minutes, for the redirect address it was issued
for; the client secret is checked; `userInfo` answers only to a token it issued. Slack's
errors are its own words: `invalid_code`, `bad_redirect_uri`, `invalid_client_id`,
`bad_client_secret`, `invalid_auth`.
"""

import html
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from .api_context import ApiContext
from .args import Args
from .errors import SlackError

CODE_LIFETIME = 600  # seconds


@dataclass(frozen=True)
class _Code:
    user_id: str
    redirect_uri: str
    nonce: str | None
    expires: float


class SignIn:
    def __init__(self, client_id: str, client_secret: str):
        self.client_id, self.client_secret = client_id, client_secret
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self.tokens: dict[str, str] = {}  # user token -> user id

    def authorize_page(self, ctx: ApiContext, query: dict) -> str:
        """Slack's consent screen, reduced to "who are you?": a link per person that goes
        back to the app with a code for them."""
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return "<!doctype html><title>Slack</title><p>This app link is not valid.</p>"
        links = []
        for user in ctx.ws.users.values():
            if user.is_bot:
                continue
            code = self._grant(user.id, query.get("redirect_uri", ""), query.get("nonce"))
            back = {"code": code, "state": query.get("state", "")}
            target = f"{query.get('redirect_uri', '')}?{urlencode(back)}"
            name = html.escape(user.real_name)
            links.append(f'<li><a href="{html.escape(target)}">Continue as {name}</a></li>')
        return (
            '<!doctype html><html lang="en"><meta charset="utf-8"><title>Sign in to Slack</title>'
            f"<h1>Sign in to the sandbox workspace</h1><ul>{''.join(links)}</ul></html>"
        )

    def _grant(self, user_id: str, redirect_uri: str, nonce: str | None) -> str:
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = _Code(user_id, redirect_uri, nonce, time.time() + CODE_LIFETIME)
        return code

    def token(self, ctx: ApiContext, args: Args) -> dict:
        if args.str("client_id") != self.client_id:
            raise SlackError("invalid_client_id")
        if args.str("client_secret") != self.client_secret:
            raise SlackError("bad_client_secret")
        with self._lock:
            code = self._codes.pop(args.str("code") or "", None)
        if code is None or code.expires < time.time():
            raise SlackError("invalid_code")
        if args.str("redirect_uri") != code.redirect_uri:
            raise SlackError("bad_redirect_uri")
        token = f"xoxp-sandbox-{secrets.token_hex(12)}"
        with self._lock:
            self.tokens[token] = code.user_id
        return {"ok": True, "access_token": token, "token_type": "Bearer", "expires_in": 43200}

    def user_info(self, ctx: ApiContext, token: str | None) -> dict:
        with self._lock:
            user_id = self.tokens.get(token or "")
        if user_id is None:
            raise SlackError("invalid_auth")
        user = ctx.ws.users[user_id]
        return {
            "ok": True,
            "sub": user.id,
            "https://slack.com/user_id": user.id,
            "https://slack.com/team_id": ctx.ws.team_id,
            "email": user.email,
            "email_verified": True,
            "name": user.real_name,
        }
