"""Helpers for tests that start from a declared incident."""

from dataclasses import dataclass

from tests.conftest import settle
from warroom import incidents


@dataclass
class Declared:
    id: int
    channel_id: str
    headline_ts: str
    announcement_ts: str


def declare_and_settle(sandbox, db, text="sev1 Payments failing", user="alice") -> Declared:
    general = sandbox.channel_by_name("general").id
    answer = sandbox.driver.slash_command(sandbox.user_id(user), general, f"declare {text}")
    assert answer.status == 200, answer
    settle(sandbox)
    number = int(answer.body["text"].split()[1].removeprefix("INC-"))
    with db.transaction() as session:
        incident = incidents.get(session, number)
        return Declared(
            incident.id, incident.channel_id, incident.headline_ts, incident.announcement_ts
        )


def run(sandbox, declared: Declared, text: str, user="alice") -> str:
    """`/incident <text>` typed in the incident channel; the acknowledgement's text."""
    answer = sandbox.driver.slash_command(sandbox.user_id(user), declared.channel_id, text)
    assert answer.status == 200, answer
    settle(sandbox)
    return answer.body["text"] if answer.body else ""


def headline(sandbox, declared: Declared) -> dict:
    [message] = [
        m for m in sandbox.messages(declared.channel_id) if m["ts"] == declared.headline_ts
    ]
    return message


def announcement(sandbox, announce_channel: str, declared: Declared) -> dict:
    [message] = [
        m for m in sandbox.messages(announce_channel) if m["ts"] == declared.announcement_ts
    ]
    return message


def told(sandbox, user: str) -> list[str]:
    """Everything only `user` was shown, oldest first."""
    return [m["text"] for m in sandbox.ephemeral_messages(user_id=sandbox.user_id(user))]
