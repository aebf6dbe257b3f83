"""An ASGI app served by uvicorn on a thread of this process."""

import socket
import threading
import time

import uvicorn

from .server import KEEP_ALIVE_SECONDS


def free_port() -> int:
    """A port free now on 127.0.0.1, for a server whose address must be known before it
    starts (Sign in with Slack's redirect URL names it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BackgroundServer:
    """An ASGI app served by uvicorn on a thread, for the demo and for embedding.

    Port 0 picks a free port; `url` says which one was chosen. With a certificate and key
    (PEM files) it serves HTTPS, as the PagerDuty emulator does.
    """

    def __init__(
        self,
        app,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
    ):
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            ssl_certfile=ssl_certfile,
            ssl_keyfile=ssl_keyfile,
        )
        self._scheme = "https" if ssl_certfile else "http"
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> "BackgroundServer":
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.01)
        return self

    @property
    def url(self) -> str:
        host, port = self._server.servers[0].sockets[0].getsockname()[:2]
        return f"{self._scheme}://{host}:{port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
