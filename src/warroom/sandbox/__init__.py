"""A local Slack emulator for end-to-end tests of the bot over real HTTP and WebSockets."""

from .bot_connection import BotAnswer
from .delivery import DeliveryAttempt
from .driver import Driver
from .errors import SlackError
from .sandbox import ChannelSnapshot, Sandbox
from .workspace import CallRecord

__all__ = [
    "BotAnswer",
    "CallRecord",
    "ChannelSnapshot",
    "DeliveryAttempt",
    "Driver",
    "Sandbox",
    "SlackError",
]
