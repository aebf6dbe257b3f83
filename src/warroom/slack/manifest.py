"""The Slack app manifest (`slack-manifest.yml`): the one statement of what the app asks for."""

from functools import cache
from pathlib import Path

import yaml

from warroom.store.db import PROJECT_ROOT

MANIFEST_PATH: Path = PROJECT_ROOT / "slack-manifest.yml"


@cache
def manifest() -> dict:
    return yaml.safe_load(MANIFEST_PATH.read_text())


def bot_events() -> list[str]:
    return manifest()["settings"]["event_subscriptions"]["bot_events"]


def bot_scopes() -> list[str]:
    return manifest()["oauth_config"]["scopes"]["bot"]
