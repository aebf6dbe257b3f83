"""The prompt in the alerts channel: what is firing, the severity and service its labels
suggest, and a button to declare the incident. It is one message per alert group, edited
as alerts come and go and once the group became an incident."""

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from warroom.app import alerts
from warroom.domain.events import AlertGroupChanged
from warroom.domain.incident import Severity, incident_reference
from warroom.integrations.base import Delivery, in_order
from warroom.slack import blocks
from warroom.slack.services import Services
from warroom.slack.steps import guarded, posting
from warroom.store import alert_groups
from warroom.store.models import AlertGroup

DECLARE_FROM_ALERT = "declare_from_alert"
ALERTS_LISTED = 5  # the prompt names a few; the link shows them all


def show(services: Services, changed: AlertGroupChanged, delivery: Delivery) -> None:
    """Post the group's prompt, or edit it to match the group as it stands now."""
    with services.db.transaction() as session:
        group = alert_groups.get(session, changed.group_id)
    slack, prompt = services.slack, prompt_for(group)
    if group.prompt_ts is not None:
        update = guarded(slack.update, group.prompt_channel, group.prompt_ts, *prompt)
        delivery.step("update the alert's prompt", update)
        return
    channel = services.settings.warroom_alerts_channel

    def link_prompt() -> None:
        ts = delivery.results["post the alert's prompt"]
        alerts.prompt_posted(services.core, group.id, channel, ts)

    steps = [
        posting(slack, delivery, "post the alert's prompt", channel, *prompt),
        ("link the prompt", link_prompt),
    ]
    in_order(delivery, steps)()


def prompt_for(group: AlertGroup) -> tuple[str, list[Block]]:
    firing = group.firing
    state = f"{len(firing)} firing" if firing else "resolved"
    text = f"Alert {state}: {group.title}"
    icon = ":rotating_light:" if firing else ":white_check_mark:"
    suggested = f"*{Severity(group.severity).label}*"
    if group.service:
        suggested += f" for *{blocks.escape(group.service)}*"
    facts = [
        f"{state.capitalize()}, from {group.source} since {blocks.utc(group.first_seen_at)}",
        f"suggested {suggested}",
    ]
    if group.link:
        facts.append(blocks.link(group.link, f"open in {group.source}"))
    listed = [
        f"• {blocks.escape(blocks.clip(alert['summary'], 200))}"
        for alert in (firing or list(group.alerts.values()))[:ALERTS_LISTED]
    ]
    shown: list[Block] = [
        blocks.section(f"{icon} *{blocks.escape(blocks.clip(group.title, 200))}*"),
        blocks.context(" · ".join(facts)),
    ]
    if listed:
        shown.append(blocks.section("\n".join(listed)))
    if group.incident_id is not None:
        shown.append(blocks.context(f"Declared as {incident_reference(group.incident_id)}."))
    else:
        shown.append(ActionsBlock(block_id="alert_prompt", elements=[_declare_button(group)]))
    return text, shown


def _declare_button(group: AlertGroup) -> ButtonElement:
    return ButtonElement(
        text="Declare an incident",
        action_id=DECLARE_FROM_ALERT,
        value=str(group.id),
        style="primary",
    )
