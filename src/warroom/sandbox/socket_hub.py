"""Socket Mode from Slack's side: the bot's WebSocket connections, envelopes out, acks in.

The server's event loop owns the sockets; the sandbox's threads (delivery worker, driver)
send through `send`, which hops onto that loop and waits for the matching ack.
"""

import asyncio
import concurrent.futures
import json
import threading
import uuid
from dataclasses import dataclass

from starlette.websockets import WebSocket, WebSocketDisconnect


@dataclass
class _Connection:
    websocket: WebSocket
    loop: asyncio.AbstractEventLoop


class SocketHub:
    def __init__(self, app_id: str) -> None:
        self._app_id = app_id
        self._lock = threading.Lock()
        self._connections: list[_Connection] = []
        self._pending_acks: dict[str, concurrent.futures.Future] = {}
        self.connected = threading.Event()

    def is_connected(self) -> bool:
        with self._lock:
            return bool(self._connections)

    async def serve(self, websocket: WebSocket) -> None:
        """The WebSocket route: say hello like Slack, then collect acks until the bot leaves."""
        await websocket.accept()
        connection = _Connection(websocket, asyncio.get_running_loop())
        with self._lock:
            self._connections.append(connection)
            count = len(self._connections)
        await websocket.send_text(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": count,
                    "debug_info": {"host": "sandbox", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": self._app_id},
                }
            )
        )
        self.connected.set()
        try:
            while True:
                self._on_message(await websocket.receive_text())
        except WebSocketDisconnect:
            pass
        finally:
            with self._lock:
                self._connections.remove(connection)
                if not self._connections:
                    self.connected.clear()

    def _on_message(self, text: str) -> None:
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            return  # Slack ignores what it cannot read; the envelope then times out
        with self._lock:
            future = self._pending_acks.get(message.get("envelope_id", ""))
        if future is not None and not future.done():
            future.set_result(message)

    def send(
        self,
        envelope_type: str,
        payload: dict,
        *,
        timeout: float,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> dict | None:
        """Send one envelope on the newest connection; the bot's ack, or None if none in time."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
        }
        if envelope_type == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        ack: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            if not self._connections:
                return None
            connection = self._connections[-1]
            self._pending_acks[envelope_id] = ack
        try:
            sent = asyncio.run_coroutine_threadsafe(
                connection.websocket.send_text(json.dumps(envelope)), connection.loop
            )
            sent.result(timeout)
            return ack.result(timeout)
        except (concurrent.futures.TimeoutError, RuntimeError):
            return None
        finally:
            with self._lock:
                self._pending_acks.pop(envelope_id, None)
