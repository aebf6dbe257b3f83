"""The Slack app manifest (`slack-manifest.yml`): the one statement of what the app asks for.

It ships inside the package, beside this module; the repository's top-level
`slack-manifest.yml` is a link to it, for people creating the app.
"""

from functools import cache
from importlib.resources import files

import yaml


@cache
def manifest() -> dict:
    return yaml.safe_load(files("warroom.slack").joinpath("slack-manifest.yml").read_text())


def bot_events() -> list[str]:
    return manifest()["settings"]["event_subscriptions"]["bot_events"]


def bot_scopes() -> list[str]:
    return manifest()["oauth_config"]["scopes"]["bot"]
