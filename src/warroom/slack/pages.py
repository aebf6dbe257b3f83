"""The news of a page in the incident channel: who PagerDuty rings, each offered the
Incident Commander role while nobody holds it (found in Slack by their email address)."""

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from warroom.domain.incident import Role
from warroom.slack import blocks
from warroom.slack.gateway import SlackGateway
from warroom.store.models import Incident, TimelineEntry

OFFER_IC_ACTION = "offer_ic"
BUTTONS_MAX = 5  # an actions block holds 25; a page rings a few people at most


def page_news(slack: SlackGateway, incident: Incident, entry: TimelineEntry):
    """The notice of a page, with a "Make them IC" button for each on-call person Slack
    knows, when the role is free."""
    text = blocks.change_notice(entry)
    if not incident.is_open or incident.holder(Role.IC) is not None:
        return blocks.notice(text)
    found = [
        (someone["name"], slack.user_by_email(someone["email"]))
        for someone in entry.details.get("on_call", [])
        if someone.get("email")
    ]
    buttons = [
        ButtonElement(
            text=blocks.clip(f"Make {name} IC", 75),
            action_id=f"{OFFER_IC_ACTION}_{user_id}",
            value=user_id,
        )
        for name, user_id in found
        if user_id
    ][:BUTTONS_MAX]
    shown: list[Block] = [blocks.context(text)]
    if buttons:
        shown.append(ActionsBlock(block_id="offer_ic", elements=buttons))
    return text, shown
