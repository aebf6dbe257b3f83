"""Helpers for tests that start from a declared incident."""

import re
from dataclasses import dataclass

from tests.conftest import eventually, settle
from warroom.store import incidents


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
    return _declared(db, answer.body["text"])


def open_declare_modal(sandbox, user="alice") -> str:
    """`/incident declare` without a title, in #general: the id of the form it opens."""
    general = sandbox.channel_by_name("general").id
    answer = sandbox.driver.slash_command(sandbox.user_id(user), general, "declare")
    assert answer.status == 200, answer
    [view_id] = eventually(lambda: [v["id"] for v in sandbox.open_views("declare_incident")])
    return view_id


def declare_private_and_settle(
    sandbox, db, title: str, description: str = "", user="alice"
) -> Declared:
    """Declare a SEV1 through the form with its private option ticked."""
    return declare_in_form(sandbox, db, title, description, private=True, user=user)


def declare_in_form(
    sandbox, db, title: str, description: str = "", *, severity="sev1", private=False, user="alice"
) -> Declared:
    """Declare through the form, as the fields say."""
    view_id = open_declare_modal(sandbox, user)
    fields = {
        "title": {"value": title},
        "severity": {"value": severity},
        "description": {"value": description},
        "private": {"value": ["private"] if private else []},
    }
    answer = sandbox.driver.submit_view(sandbox.user_id(user), view_id, fields)
    assert answer.status == 200, answer
    eventually(lambda: " is open in " in str(sandbox.views[view_id]["view"]))
    settle(sandbox)
    [notice] = re.findall(r"Declaring INC-\d+", str(answer.body["view"]))
    return _declared(db, notice)


def _declared(db, acknowledgement: str) -> Declared:
    """The incident that `Declaring INC-<number> ...` names."""
    number = int(acknowledgement.split()[1].removeprefix("INC-"))
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
