"""Sending a claimed nag: to the incident channel, or to a person directly when the nag is
theirs alone (an overdue action item, an overdue postmortem)."""

from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from warroom.app.nags import still_due
from warroom.domain.durations import format_duration
from warroom.domain.events import NagDue
from warroom.domain.incident import Role, Severity
from warroom.domain.nags import NagKind
from warroom.integrations.base import Delivery
from warroom.slack import action_views, blocks, status_page_views
from warroom.slack.services import Services
from warroom.slack.steps import guarded, posting
from warroom.store import action_items, incidents
from warroom.store.models import ActionItem, Incident

SNOOZE_BUTTON = "nag_snooze"
POST_UPDATE_BUTTON = "nag_post_update"


def send_nag(services: Services, nag: NagDue, delivery: Delivery) -> None:
    """Post a nag that fell due, unless its cause went away while it waited to be sent."""
    now = services.now()
    with services.db.transaction() as session:
        if not still_due(session, nag, services.core):
            return
        incident = incidents.get(session, nag.incident_id)
        item = action_items.find(session, nag.action_item_id) if nag.action_item_id else None
        overdue = action_items.overdue_of_incident(session, incident.id, now.date())
    where, message = _addressed(services, nag, incident, item, overdue, now)
    if where is not None:
        delivery.step(*posting(services.slack, delivery, "post the reminder", where, *message))
        services.metrics.nag_sent(nag.kind)


def _addressed(services, nag: NagDue, incident: Incident, item, overdue, now):
    """Where the nag goes and what it says; (None, None) when it has nowhere to go."""
    if nag.kind == NagKind.ACTION_OVERDUE:
        return item.owner_id, _action_overdue(incident, item, nag, now)
    if nag.kind == NagKind.POSTMORTEM_OVERDUE:
        someone = incident.holder(Role.IC) or incident.declared_by
        return someone, _postmortem_overdue(incident, nag, now)
    archived = guarded(services.slack.is_archived, incident.channel_id)
    if incident.channel_id is None or archived():
        return None, None
    if nag.kind == NagKind.ACTION_DIGEST:
        return (incident.channel_id, _digest(incident, overdue, now)) if overdue else (None, None)
    render = {
        NagKind.STALE_UPDATE: _stale_update,
        NagKind.NO_IC: _no_ic,
        NagKind.NO_PUBLIC_UPDATE: _no_public_update,
    }[nag.kind]
    return incident.channel_id, render(incident, nag, now, services)


def _snooze(nag: NagDue, label: str = "Snooze 15 min") -> ButtonElement:
    return ButtonElement(text=label, action_id=SNOOZE_BUTTON, value=str(nag.reminder_id))


def _stale_update(incident: Incident, nag: NagDue, now: datetime, services) -> tuple[str, list]:
    who = incident.holder(Role.COMMS) or incident.holder(Role.IC) or incident.declared_by
    severity = Severity(incident.severity)
    since = incident.last_update_at or incident.declared_at
    cadence = services.policy.update_cadence[severity]
    text = (
        f":hourglass: {blocks.user(who)} {incident.reference} ({severity.label}) has had no "
        f"status update for {format_duration(now - since)}; stakeholders expect one every "
        f'{format_duration(cadence)}. Even "still investigating, nothing new" helps.'
    )
    buttons = [
        ButtonElement(
            text="Post update",
            action_id=POST_UPDATE_BUTTON,
            value=str(incident.id),
            style="primary",
        ),
        _snooze(nag),
    ]
    return text, [blocks.section(text), ActionsBlock(elements=buttons)]


def _no_ic(incident: Incident, nag: NagDue, now: datetime, _services) -> tuple[str, list]:
    severity = Severity(incident.severity)
    text = (
        f":rotating_light: {blocks.user(incident.declared_by)} {incident.reference} is a "
        f"{severity.label} and has had no Incident Commander for "
        f"{format_duration(now - incident.declared_at)}. Someone needs to coordinate."
    )
    buttons = [
        ButtonElement(
            text="I'll be Incident Commander",
            action_id=blocks.CLAIM_ACTION + "ic",
            value=Role.IC.value,
            style="primary",
        ),
        _snooze(nag),
    ]
    return text, [blocks.section(text), ActionsBlock(elements=buttons)]


def _no_public_update(incident: Incident, nag: NagDue, now: datetime, _services):
    who = incident.holder(Role.COMMS) or incident.holder(Role.IC) or incident.declared_by
    text = (
        f":globe_with_meridians: {blocks.user(who)} {incident.reference} "
        f"({Severity(incident.severity).label}) was declared "
        f"{format_duration(now - incident.declared_at)} ago and the status page still tells "
        "customers nothing. Say what they notice, even before we know why."
    )
    buttons = [status_page_views.open_button(incident, style="primary"), _snooze(nag)]
    return text, [blocks.section(text), ActionsBlock(elements=buttons)]


def _action_overdue(incident: Incident, item: ActionItem, nag: NagDue, now) -> tuple[str, list]:
    text = (
        f":alarm_clock: Your action item from {incident.reference} was due "
        f"{item.due_on:%Y-%m-%d}:\n{action_views.item_line(item, now.date())}"
    )
    buttons = [
        ButtonElement(
            text="Done", action_id=action_views.DONE_BUTTON, value=str(item.id), style="primary"
        ),
        ButtonElement(text="Edit", action_id=action_views.EDIT_BUTTON, value=str(item.id)),
        _snooze(nag, "Remind me tomorrow"),
    ]
    return text, [blocks.section(text), ActionsBlock(elements=buttons)]


def _digest(incident: Incident, overdue: list[ActionItem], now) -> tuple[str, list[Block]]:
    title = f":calendar: {incident.reference}: {len(overdue)} overdue action items this week"
    text = f"*{title}*\n" + "\n".join(action_views.item_line(i, now.date()) for i in overdue[:20])
    return text, [blocks.section(text)]


def _postmortem_overdue(incident: Incident, nag: NagDue, now: datetime) -> tuple[str, list]:
    text = (
        f":memo: The postmortem of {incident.reference} ({Severity(incident.severity).label}, "
        f"resolved {format_duration(now - incident.resolved_at)} ago) is overdue. Draft it "
        "with `/incident postmortem` in its channel and publish it when reviewed."
    )
    return text, [blocks.section(text), ActionsBlock(elements=[_snooze(nag, "Remind me tomorrow")])]
