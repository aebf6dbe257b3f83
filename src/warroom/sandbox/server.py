"""The sandbox's HTTP face: Web API, upload URLs, response_urls, the Socket Mode socket and
Sign in with Slack's authorize page, served by uvicorn from a background thread on
127.0.0.1 and an ephemeral port."""

import base64
import binascii
import email.parser
import email.policy
import json
import socket
import threading
import time
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from .api_context import ApiContext
from .api_files import receive_upload
from .response_urls import handle_response_url
from .sign_in import SignIn
from .socket_hub import SocketHub
from .web_api import WebApi


async def _arguments(request: Request) -> dict | None:
    """Arguments from the query string and a JSON or form body, as slack_sdk sends them;
    None for a JSON body that is not a JSON object."""
    arguments = dict(request.query_params)
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if body and content_type.startswith("application/json"):
        try:
            parsed = json.loads(body)
        except json.JSONDecodeError:
            return None
        if not isinstance(parsed, dict):
            return None
        arguments.update(parsed)
    elif body:
        arguments.update(parse_qsl(body.decode(), keep_blank_values=True))
    return arguments


def _bearer_token(request: Request, arguments: dict) -> str | None:
    """The token; a Basic header (the app's client id and secret, as slack_sdk sends them to
    `openid.connect.token`) goes into the arguments, where Slack also takes them."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[len("bearer ") :].strip()
    if header.lower().startswith("basic "):
        try:
            pair = base64.b64decode(header[len("basic ") :]).decode()
        except (binascii.Error, UnicodeDecodeError):
            pair = ""
        client_id, _, client_secret = pair.partition(":")
        arguments.update(client_id=client_id, client_secret=client_secret)
    return arguments.get("token")


def _uploaded_bytes(content_type: str, body: bytes) -> bytes:
    """The file in a multipart upload, or the raw body (which is what slack_sdk sends)."""
    if not content_type.startswith("multipart/form-data"):
        return body
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    for part in message.iter_parts():
        if part.get_filename() is not None:
            return part.get_payload(decode=True) or b""
    return body


class SandboxServer:
    def __init__(self, web_api: WebApi, ctx: ApiContext, sign_in: SignIn, hub: SocketHub):
        self._web_api = web_api
        self._ctx, self._ws, self._sign_in = ctx, ctx.ws, sign_in
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        app = Starlette(
            routes=[
                Route("/api/{method}", self._api, methods=["GET", "POST"]),
                Route("/upload/{file_id}", self._upload, methods=["POST", "PUT"]),
                Route("/response/{token}", self._response_url, methods=["POST"]),
                WebSocketRoute("/socket", hub.serve),
                Route("/openid/connect/authorize", self._authorize, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app, log_level="warning", timeout_graceful_shutdown=1, ws="websockets-sansio"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="sandbox-server",
            daemon=True,
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()

    async def _api(self, request: Request) -> Response:
        arguments = await _arguments(request)
        if arguments is None:
            return JSONResponse({"ok": False, "error": "invalid_json"})
        token = _bearer_token(request, arguments)
        # Calls block (the workspace lock, injected latency), so keep them off the event loop,
        # which also serves the Socket Mode connection.
        answer = await run_in_threadpool(
            self._web_api.call, request.path_params["method"], arguments, token
        )
        return JSONResponse(answer.body, status_code=answer.status, headers=answer.headers)

    async def _authorize(self, request: Request) -> Response:
        page = self._sign_in.authorize_page(self._ctx, dict(request.query_params))
        return HTMLResponse(page)

    async def _upload(self, request: Request) -> Response:
        content = _uploaded_bytes(request.headers.get("content-type", ""), await request.body())
        if not receive_upload(self._ws, request.path_params["file_id"], content):
            return Response("file_not_found", status_code=404)
        return Response(f"OK - {len(content)}", media_type="text/plain")

    async def _response_url(self, request: Request) -> Response:
        try:
            payload = json.loads(await request.body())
        except json.JSONDecodeError:
            return JSONResponse({"ok": False, "error": "invalid_payload"}, status_code=400)
        status, body = await run_in_threadpool(
            handle_response_url, self._ws, request.path_params["token"], payload
        )
        return JSONResponse(body, status_code=status)
