"""The Web API front door: tokens, faults, latency, dispatch, and the log of every call."""

import time
from dataclasses import dataclass, field

from . import api_chat, api_conversations, api_files, api_misc, api_views
from .api_context import ApiContext
from .args import Args, decode_arguments
from .errors import SlackError
from .faults import Faults
from .scopes import method_scope
from .sign_in import SignIn
from .workspace import CallRecord

METHODS = {
    **api_chat.METHODS,
    **api_conversations.METHODS,
    **api_files.METHODS,
    **api_misc.METHODS,
    **api_views.METHODS,
}
# Socket Mode is opened with the app-level token; Sign in with Slack's code is exchanged with
# the app's client id and secret, and the user token it gives answers who signed in;
# everything else takes the bot token.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
SIGN_IN_METHODS = frozenset({"openid.connect.token", "openid.connect.userInfo"})


@dataclass
class ApiAnswer:
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


class WebApi:
    def __init__(
        self,
        ctx: ApiContext,
        faults: Faults,
        *,
        bot_token: str,
        app_token: str,
        bot_scopes: frozenset[str] | None = None,
        sign_in: SignIn,
    ):
        """`bot_scopes`: what the bot token was granted; None grants every scope."""
        self._ctx = ctx
        self._sign_in = sign_in
        self._faults = faults
        self._bot_token = bot_token
        self._app_token = app_token
        self._bot_scopes = bot_scopes
        self.scopes_used: set[str] = set()  # by the calls that succeeded
        self.latency = 0.0  # seconds added to every call, for benchmarks

    def call(self, method: str, raw_args: dict, token: str | None) -> ApiAnswer:
        """Run one call; blocking (latency, slow faults), so servers run it off their loop."""
        args = decode_arguments({k: v for k, v in raw_args.items() if k != "token"})
        if self.latency:
            time.sleep(self.latency)
        answer = None
        for fault in self._faults.take(method):
            if fault.kind == "delay":
                time.sleep(fault.seconds)
            elif fault.kind == "refusal":
                answer = ApiAnswer(200, {"ok": False, "error": fault.error})
            elif fault.kind == "rate_limit":
                answer = ApiAnswer(
                    429,
                    {"ok": False, "error": "ratelimited"},
                    {"Retry-After": str(fault.retry_after)},
                )
            else:
                answer = ApiAnswer(500, {"ok": False, "error": "internal_error"})
        if answer is None:
            answer = ApiAnswer(200, self._run(method, args, token))
            if method == "auth.test" and self._bot_scopes is not None:
                # Slack lists a token's scopes in a header of every answer; auth.test's is
                # the one apps read.
                answer.headers["x-oauth-scopes"] = ",".join(sorted(self._bot_scopes))
        self._record(method, args, answer)
        return answer

    def _run(self, method: str, args: dict, token: str | None) -> dict:
        try:
            if method in SIGN_IN_METHODS:
                return self._signing_in(method, args, token)
            self._check_token(method, token)
            handler = METHODS.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            scope = self._check_scope(method, args, token)
            answer = handler(self._ctx, Args(args))
        except SlackError as error:
            return error.to_response()
        if scope:
            self.scopes_used.add(scope)
        return answer

    def _signing_in(self, method: str, args: dict, token: str | None) -> dict:
        if method == "openid.connect.token":
            return self._sign_in.token(self._ctx, Args(args))
        return self._sign_in.user_info(self._ctx, token)

    def _check_scope(self, method: str, args: dict, token: str) -> str | None:
        """The scope the call needs, refused with Slack's `missing_scope` when not granted."""
        if token != self._bot_token:
            return None
        channel = self._ctx.ws.channels.get(args.get("channel"))
        scope = method_scope(method, channel, creating_private=Args(args).bool("is_private"))
        if scope and self._bot_scopes is not None and scope not in self._bot_scopes:
            raise SlackError(
                "missing_scope", needed=scope, provided=",".join(sorted(self._bot_scopes))
            )
        return scope

    def _check_token(self, method: str, token: str | None) -> None:
        if not token:
            raise SlackError("not_authed")
        if token not in (self._bot_token, self._app_token):
            raise SlackError("invalid_auth")
        expected = self._app_token if method in APP_TOKEN_METHODS else self._bot_token
        if token != expected:
            raise SlackError("not_allowed_token_type")

    def _record(self, method: str, args: dict, answer: ApiAnswer) -> None:
        ws = self._ctx.ws
        record = CallRecord(
            method=method,
            args=args,
            ok=bool(answer.body.get("ok")),
            error=answer.body.get("error"),
            at=ws.clock.now(),
            http_status=answer.status,
        )
        with ws.lock:
            ws.calls.append(record)
