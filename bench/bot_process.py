"""`warroom serve` in a child process, configured by environment variables like production and
pointed at the sandbox, so its memory is its own: VmRSS from /proc/<pid>/status."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench.harness import EVENTS_PATH
from warroom.sandbox import Sandbox
from warroom.sandbox.waiting import eventually
from warroom.web.background import free_port

# Whatever the bench's own environment says about warroom must not leak into the child.
OWN_SETTINGS = ("SLACK_", "WARROOM_", "DATABASE_URL")


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (resident now) and VmHWM (resident at its peak) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024  # kB
    return fields


class BotProcess:
    def __init__(
        self,
        sandbox: Sandbox,
        database_url: str,
        announce_channel: str,
        settings: dict[str, str] | None = None,
    ):
        """`settings`: more environment variables for it, over the ones below."""
        self._sandbox = sandbox
        self._environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith(OWN_SETTINGS)},
            "SLACK_BOT_TOKEN": sandbox.bot_token,
            "SLACK_SIGNING_SECRET": sandbox.signing_secret,
            "SLACK_API_URL": sandbox.api_url,
            "DATABASE_URL": database_url,
            "WARROOM_ANNOUNCE_CHANNEL": announce_channel,
            "WARROOM_TICK_SECONDS": "1",  # so it ticks while measured
            **(settings or {}),
        }
        self.url = f"http://127.0.0.1:{free_port()}"

    def __enter__(self) -> "BotProcess":
        self._folder = tempfile.TemporaryDirectory(prefix="warroom-bot-")  # no stray .env
        self._log = open(Path(self._folder.name) / "bot.log", "w+")  # noqa: SIM115
        port = self.url.rsplit(":", 1)[1]
        command = [sys.executable, "-m", "warroom.cli", "serve", "--host", "127.0.0.1"]
        self._process = subprocess.Popen(
            [*command, "--port", port],
            env=self._environment,
            cwd=self._folder.name,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            eventually(self._healthy, timeout=30, interval=0.05)
        except BaseException:
            self.__exit__()
            raise
        self._sandbox.connect_http(self.url + EVENTS_PATH)
        return self

    def _healthy(self) -> bool:
        if self._process.poll() is not None:
            raise RuntimeError(f"warroom serve exited: {self.log()}")
        try:
            return httpx.get(self.url + "/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read()[-2000:]

    def memory_mb(self) -> dict[str, float]:
        return memory_mb(self._process.pid)

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.url + path, timeout=30).raise_for_status()

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything, as when a machine dies."""
        self._process.kill()
        self._process.wait(timeout=10)

    def __exit__(self, *exc_info) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()
        self._folder.cleanup()
