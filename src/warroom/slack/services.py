"""What the Slack listeners need from the rest of warroom, gathered in one place."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from warroom.config import Settings
from warroom.db import Database
from warroom.slack.gateway import SlackGateway


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    slack: SlackGateway
    now: Callable[[], datetime]
