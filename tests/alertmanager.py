"""A real Prometheus Alertmanager process for tests, routing every alert to one webhook.

Debian's `prometheus-alertmanager` package provides the binary (`.ci/run` installs it).
Without it a test using the harness is skipped on a developer's machine and fails in CI.
"""

import os
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml

from warroom.web.background import free_port

ALERTMANAGER_BINARY = "/usr/bin/prometheus-alertmanager"
# Debian's package ships amtool beside the server; it names the config's mistakes more
# plainly than the server does when it refuses to start.
AMTOOL_BINARY = "/usr/bin/amtool"
READY_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0


def alertmanager_binary() -> str:
    """The Alertmanager binary's path; skips the test without it, except in CI, which fails."""
    if os.access(ALERTMANAGER_BINARY, os.X_OK):
        return ALERTMANAGER_BINARY
    reason = (
        f"no Alertmanager at {ALERTMANAGER_BINARY}: "
        "`apt-get install prometheus-alertmanager` to run the tests that route through it"
    )
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: see .ci/run)", pytrace=False)
    pytest.skip(reason)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class RealAlertmanager:
    """`with RealAlertmanager(url, token) as am: am.fire({...})` runs Alertmanager on a free
    127.0.0.1 port, clustering off, its state in a temporary directory, with one route: to
    a webhook at `receiver_url` that authenticates with `Authorization: Bearer <token>`."""

    def __init__(
        self,
        receiver_url: str,
        bearer_token: str,
        *,
        group_by=("alertname", "service"),
        group_wait="0s",
        group_interval="1s",
        repeat_interval="1h",
    ):
        self.receiver_url = receiver_url
        self.bearer_token = bearer_token
        self.group_by = list(group_by)
        self.group_wait = group_wait
        self.group_interval = group_interval
        self.repeat_interval = repeat_interval
        self.url = ""
        self._dir: Path | None = None
        self._process: subprocess.Popen | None = None
        self._log = None
        self._fired: dict[tuple, dict] = {}

    def config(self) -> dict:
        return {
            "route": {
                "receiver": "warroom",
                "group_by": self.group_by,
                "group_wait": self.group_wait,
                "group_interval": self.group_interval,
                "repeat_interval": self.repeat_interval,
            },
            "receivers": [
                {
                    "name": "warroom",
                    "webhook_configs": [
                        {
                            "url": self.receiver_url,
                            "send_resolved": True,
                            "max_alerts": 0,
                            "http_config": {
                                "authorization": {
                                    "type": "Bearer",
                                    "credentials": self.bearer_token,
                                }
                            },
                        }
                    ],
                }
            ],
        }

    def __enter__(self) -> "RealAlertmanager":
        binary = alertmanager_binary()
        self._dir = Path(tempfile.mkdtemp(prefix="alertmanager-"))
        try:
            self._start(binary)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self, binary: str) -> None:
        config_file = self._dir / "alertmanager.yml"
        config_file.write_text(yaml.safe_dump(self.config(), sort_keys=False))
        if os.access(AMTOOL_BINARY, os.X_OK):
            check = subprocess.run(
                [AMTOOL_BINARY, "check-config", str(config_file)],
                capture_output=True,
                text=True,
                timeout=30,
            )
            if check.returncode != 0:
                raise RuntimeError(f"amtool refuses the config:\n{check.stdout}{check.stderr}")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        # Its log goes to a file, not a pipe nobody reads (which would block it once full).
        self._log = open(self._dir / "stderr.log", "w+b")  # noqa: SIM115  (closed in __exit__)
        self._process = subprocess.Popen(
            [
                binary,
                f"--config.file={config_file}",
                f"--storage.path={self._dir / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"Alertmanager exited with {self._process.returncode}:\n{self._stderr()}"
                )
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"Alertmanager not ready after {READY_TIMEOUT} s:\n{self._stderr()}"
                )
            time.sleep(0.05)

    def _stderr(self) -> str:
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def __exit__(self, *exc_info) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _post(self, alert: dict) -> None:
        response = httpx.post(f"{self.url}/api/v2/alerts", json=[alert], timeout=10)
        if response.status_code != 200:
            raise RuntimeError(
                f"Alertmanager refused the alert: {response.status_code} {response.text}"
            )

    def fire(
        self,
        labels: dict,
        annotations: dict | None = None,
        starts_at: datetime | None = None,
    ) -> None:
        """Post the alert as firing (no endsAt: Alertmanager's resolve_timeout applies)."""
        alert = {
            "labels": dict(labels),
            "annotations": dict(annotations or {}),
            "startsAt": _timestamp(starts_at or datetime.now(UTC)),
        }
        self._post(alert)
        self._fired[tuple(sorted(labels.items()))] = alert

    def resolve(self, labels: dict) -> None:
        """Post the same alert (its annotations and startsAt as fired) ending now."""
        fired = self._fired.get(tuple(sorted(labels.items())), {"labels": dict(labels)})
        self._post({**fired, "endsAt": _timestamp(datetime.now(UTC))})
