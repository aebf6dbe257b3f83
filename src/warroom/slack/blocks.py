"""Block Kit for the messages warroom posts, built with slack_sdk's validated models.

Every piece of user text passes through `escape` before it reaches mrkdwn.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
    UserSelectElement,
)

from warroom.catalog import Service
from warroom.domain.durations import format_duration
from warroom.domain.incident import IncidentError, Role, RoleAlreadyHeld, Severity, Status
from warroom.domain.milestones import figures
from warroom.domain.timeline import EntryKind, describe
from warroom.slack.command_types import CommandError
from warroom.slack.commands import SUBCOMMANDS
from warroom.store.models import Deploy, Incident, TimelineEntry

UNAVAILABLE = (
    "warroom cannot reach its database right now, so this may not have been recorded. "
    "Try again in a minute (the timeline shows what was); if this persists, the warroom "
    "operators need to look at it."
)
HEADER_MAX = 150
SECTION_MAX = 3000
TOPIC_MAX = 250
CLAIM_ACTION = "claim_role_"  # + role: the "I'll take it" buttons
ASSIGN_ACTION = "assign_role_"  # + role: the user pickers
ESCALATE_ACTION = "escalate"  # the headline's button that pages the services' on-call
STATUS_ICONS = {
    Status.INVESTIGATING: ":mag:",
    Status.IDENTIFIED: ":bulb:",
    Status.MONITORING: ":eyes:",
    Status.RESOLVED: ":white_check_mark:",
}


def escape(text: str) -> str:
    """User text made inert for mrkdwn: no mention, link or ping survives."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """A mrkdwn link to a web address (see `form_values.web_address`) under a fixed label."""
    return f"<{escape(url).replace('|', '%7C')}|{label}>"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "_unassigned_"


def channel_link(channel_id: str) -> str:
    return f"<#{channel_id}>"


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, SECTION_MAX))])


def status_label(incident: Incident) -> str:
    status = Status(incident.status)
    return f"{STATUS_ICONS[status]} {status.label}"


def lifecycle_fields(incident: Incident) -> list[MarkdownTextObject]:
    """Severity, status and the milestones reached, as section fields (at most 10)."""
    fields = [
        f"*Severity:* {Severity(incident.severity).label}",
        f"*Status:* {status_label(incident)}",
        f"*Declared by:* {user(incident.declared_by)}",
    ]
    instants = incident.milestones
    fields += [f"*{m.label}:* {utc(at)}" for m, at in instants.items() if at is not None]
    if (lasted := figures(instants).impact_duration) is not None:
        fields.append(f"*Impact lasted:* {format_duration(lasted)}")
    return [MarkdownTextObject(text=field) for field in fields]


def service_line(service: Service) -> str:
    """A service as the headline shows it: its title, then its runbooks and dashboards."""
    links = [link(item.url, escape(clip(item.title, 60))) for item in service.runbooks]
    links += [link(item.url, escape(clip(item.title, 60))) for item in service.dashboards]
    return " · ".join([f"*{escape(service.title)}*", *links])


def owners_called(services: Sequence[Service]) -> str:
    """The owning teams of the services, mentioned so that Slack notifies them."""
    teams = " ".join(
        f"<!subteam^{group}>" for service in services for group in service.owner_groups
    )
    titles = ", ".join(escape(service.title) for service in services if service.owner_groups)
    return f":rotating_light: {teams}: an incident affects {titles}."


def deploy_line(deploy: Deploy) -> str:
    who = f" by {escape(deploy.deployed_by)}" if deploy.deployed_by else ""
    details = f" · {link(deploy.link, 'details')}" if deploy.link else ""
    return f"`{deploy.deployed_at:%m-%d %H:%M}` *{escape(deploy.version)}*{who}{details}"


def recent_deploys(
    services: Sequence[Service], deploys: Sequence[Deploy]
) -> tuple[str, list[Block]]:
    """The last deploys of the incident's services, newest first: the first thing to check."""
    lines = []
    for service in services:
        mine = [deploy_line(d) for d in deploys if d.service == service.name]
        lines.append(f"*{escape(service.title)}*\n" + ("\n".join(mine) or "_no deploy recorded_"))
    text = clip(":rocket: Recent deploys (UTC), newest first:\n" + "\n".join(lines), SECTION_MAX)
    return text, [section(text)]


DRILL_NOTE = ":test_tube: A drill: it pages no one, announces nowhere and counts in no insight."


def headline(incident: Incident, services: Sequence[Service] = ()) -> tuple[str, list[Block]]:
    """The pinned message at the top of the incident channel: everything at a glance,
    with the catalog's runbooks and dashboards of the services it is about."""
    severity = Severity(incident.severity)
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"{incident.reference}: {incident.title}", HEADER_MAX)),
        SectionBlock(fields=lifecycle_fields(incident)),
        context(f"{severity.label}: {severity.rubric}"),
    ]
    if incident.is_drill:
        blocks.insert(1, context(DRILL_NOTE))
    if services:
        blocks.append(section("\n".join(service_line(service) for service in services)))
    if incident.description:
        blocks.append(section(escape(incident.description)))
    blocks.append(DividerBlock())
    blocks += [_role_slot(incident, role) for role in Role]
    free = [role for role in Role if incident.holder(role) is None]
    if free and incident.is_open:
        blocks.append(
            ActionsBlock(
                block_id="claim_roles",
                elements=[
                    ButtonElement(
                        text=f"I'll be {role.title}",
                        action_id=CLAIM_ACTION + role.value,
                        value=role.value,
                        style="primary" if role is Role.IC else None,
                    )
                    for role in free
                ],
            )
        )
    pageable = [service.title for service in services if service.pagerduty_key]
    if pageable and incident.is_open:
        blocks.append(_escalate_button(pageable))
    text = f"{incident.reference} {severity.label}: {escape(clip(incident.title, 500))}"
    return text, blocks


def _escalate_button(pageable: list[str]) -> ActionsBlock:
    who = escape(", ".join(pageable))
    return ActionsBlock(
        block_id="escalate",
        elements=[
            ButtonElement(
                text="Page on-call",
                action_id=ESCALATE_ACTION,
                style="danger",
                confirm=ConfirmObject(
                    title="Page the on-call?",
                    text=clip(f"PagerDuty will page the on-call of {who}.", 300),
                    confirm="Page",
                    deny="Not now",
                ),
            )
        ],
    )


def _role_slot(incident: Incident, role: Role) -> SectionBlock:
    holder = incident.holder(role)
    picker = UserSelectElement(
        action_id=ASSIGN_ACTION + role.value,
        placeholder="Assign someone",
        initial_user=holder,
    )
    return SectionBlock(
        block_id=f"role_{role.value}",
        text=MarkdownTextObject(text=f"*{role.title}:* {user(holder)}"),
        accessory=picker if incident.is_open else None,
    )


def topic(incident: Incident) -> str:
    ic = incident.holder(Role.IC)
    parts = [
        *(["DRILL"] if incident.is_drill else []),
        Severity(incident.severity).label,
        Status(incident.status).label,
        f"IC: <@{ic}>" if ic else "IC: unassigned",
        escape(incident.title),
    ]
    return clip(" | ".join(parts), TOPIC_MAX)


def announcement(incident: Incident, last_update: str | None = None) -> tuple[str, list[Block]]:
    """The one message stakeholders see; a private incident shows neither title nor detail."""
    if incident.is_private:
        text = (
            f"{incident.reference} is a private incident, declared {utc(incident.declared_at)}. "
            f"Status: {Status(incident.status).label}. "
            "Its details are shared only with its responders."
        )
        return text, [section(f":lock: {text}")]
    severity = Severity(incident.severity)
    lines = [
        f":rotating_light: *{incident.reference} {severity.label}: "
        f"{escape(clip(incident.title, 500))}*",
        f"*Status:* {status_label(incident)} · *IC:* {user(incident.holder(Role.IC))}",
        f"*Declared by* {user(incident.declared_by)} at {utc(incident.declared_at)}",
    ]
    if incident.resolved_at:
        duration = format_duration(incident.resolved_at - incident.declared_at)
        lines.append(f"*Resolved* at {utc(incident.resolved_at)} after {duration}")
    if last_update:
        lines.append(f"*Latest:* {escape(clip(last_update, 1000))}")
    if incident.channel_id:
        lines.append(f"Follow it in {channel_link(incident.channel_id)}")
    text = "\n".join(lines)
    return text, [section(text)]


def status_update(
    incident: Incident, entry: TimelineEntry, cadence: timedelta | None
) -> tuple[str, list[Block]]:
    """A status update formatted for stakeholders: status, what we know, who, and when the
    next one is due (`cadence`: the configured one for the incident's severity)."""
    status = Status(entry.details["status"])
    next_update = (
        f"Next update by {entry.occurred_at + cadence:%H:%M} UTC."
        if cadence
        else "No further updates scheduled."
    )
    title = f"{incident.reference} update: {STATUS_ICONS[status]} {status.label}"
    text = f"*{title}*\n{escape(entry.text)}"
    blocks = [
        section(text),
        context(
            f"Posted by {user(entry.actor_id)} at {entry.occurred_at:%H:%M} UTC · {next_update}"
        ),
    ]
    return text, blocks


def notice(text: str) -> tuple[str, list[Block]]:
    """A one-line change notice in the incident channel (role, severity, rename...)."""
    return text, [context(text)]


CHANGE_ICONS = {
    EntryKind.MITIGATED: ":large_green_circle: ",
    EntryKind.RESOLVED: ":white_check_mark: ",
    EntryKind.REOPENED: ":warning: ",
    EntryKind.NOTE: ":pushpin: ",
    EntryKind.INJECT: ":clapper: ",
    EntryKind.ATTACHED: ":paperclip: ",
    EntryKind.MILESTONE: ":stopwatch: ",
    EntryKind.PAGE_REQUESTED: ":rotating_light: ",
    EntryKind.PAGED: ":pager: ",
    EntryKind.PAGE_CHANGED: ":pager: ",
    EntryKind.ALERT: ":bell: ",
    EntryKind.STATUS_PAGE: ":globe_with_meridians: ",
}


def change_notice(entry: TimelineEntry) -> str:
    """What to tell the channel about a recorded change, as a sentence."""
    return CHANGE_ICONS.get(entry.kind, "") + describe(entry, person=user, quote=escape)


def help_text() -> str:
    lines = [f"`{usage}`  {what}" for _, usage, what in SUBCOMMANDS.values()]
    return "*warroom commands*\n" + "\n".join(lines)


def command_error(error: CommandError) -> str:
    text = f":warning: {escape(error.problem)}"
    if error.example:
        text += f"\nFor example: `{escape(error.example)}`"
    return text + "\n\n" + help_text() if error.show_help else text


def incident_error(error: IncidentError) -> str:
    if isinstance(error, RoleAlreadyHeld):
        return f":warning: {error.role.title} is already held by {user(error.holder)}."
    return f":warning: {escape(str(error))}"


def needs_incident_channel(name: str) -> str:
    return (
        f":warning: `/incident {escape(name)}` works inside an incident's channel. Run it "
        "there; `/incident list` shows the open incidents and their channels."
    )


def status_summary(incident: Incident, now: datetime, latest_update_at: datetime | None) -> str:
    """Where things stand, for the person who asked."""
    since_update = (
        f"{format_duration(now - latest_update_at)} ago" if latest_update_at else "none posted yet"
    )
    roles = " · ".join(f"{role.title}: {user(incident.holder(role))}" for role in Role)
    return (
        f"*{incident.reference}: {escape(clip(incident.title, 300))}*\n"
        f"{Severity(incident.severity).label} · {status_label(incident)} · declared "
        f"{format_duration(now - incident.declared_at)} ago · last update {since_update}\n"
        f"{roles}"
    )


def incident_line(incident: Incident) -> str:
    where = channel_link(incident.channel_id) if incident.channel_id else "(no channel)"
    lock = ":lock: " if incident.is_private else ""
    return (
        f"{lock}*{incident.reference}* {Severity(incident.severity).label} · "
        f"{status_label(incident)} · {escape(clip(incident.title, 200))} · {where}"
    )


LIST_MAX = 40  # lines in one answer, to stay far below Slack's message limits


def incident_list(incidents: list[Incident]) -> str:
    if not incidents:
        return "No open incidents. :sunny:"
    lines = [incident_line(incident) for incident in incidents[:LIST_MAX]]
    if len(incidents) > LIST_MAX:
        lines.append(f"…and {len(incidents) - LIST_MAX} more.")
    return "*Open incidents*, most severe first:\n" + "\n".join(lines)
