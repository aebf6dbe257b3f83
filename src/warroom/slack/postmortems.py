"""The postmortem in Slack: drafted into the channel (one summary message, edited on every
re-draft, with the whole Markdown as a file in its thread), and once published, given to
stakeholders too."""

from warroom.app.postmortem_draft import PostmortemTemplateError, gather, render
from warroom.domain.events import PostmortemChanged
from warroom.domain.postmortem import PostmortemStatus
from warroom.integrations.base import Delivery, Refused
from warroom.slack import postmortem_views
from warroom.slack.services import Services
from warroom.slack.steps import guarded, posting
from warroom.store import incidents, postmortems


def post(services: Services, changed: PostmortemChanged, delivery: Delivery) -> None:
    with services.db.transaction() as session:
        people = incidents.people(session, changed.incident_id)
    for user_id in people:  # asked of Slack now, not while the draft's transaction is open
        services.slack.display_name(user_id)
    with services.db.transaction() as session:
        incident = incidents.get(session, changed.incident_id)
        draft = gather(
            session,
            incident.id,
            services.slack.display_name,
            services.settings.postmortem_depths(),
        )
        summary_ts = postmortems.summary_message(session, incident.id)
    if incident.channel_id is None:
        return
    try:
        markdown = render(draft, services.settings.warroom_templates_dir)
    except PostmortemTemplateError as error:
        raise Refused(str(error)) from None
    slack, channel = services.slack, incident.channel_id
    text, page = postmortem_views.summary(draft, incident.id)
    filename = f"{draft.reference}-postmortem.md"
    if summary_ts:
        delivery.step(
            "update the postmortem summary", guarded(slack.update, channel, summary_ts, text, page)
        )
    else:
        summary_ts = delivery.step(
            *posting(slack, delivery, "post the postmortem summary", channel, text, page)
        )
        if summary_ts is None:
            return
        with services.db.transaction() as session:
            postmortems.remember_summary_message(session, incident.id, summary_ts)
    attach = guarded(slack.upload, channel, markdown, filename, summary_ts)
    delivery.step("attach the full draft", attach)
    announce_to = services.settings.warroom_announce_channel
    published = changed.status == PostmortemStatus.PUBLISHED
    if published and announce_to and not (incident.is_private or incident.is_drill):
        ts = delivery.step(
            *posting(slack, delivery, "post it for stakeholders", announce_to, text, page)
        )
        if ts is not None:
            attach = guarded(slack.upload, announce_to, markdown, filename, ts)
            delivery.step("attach it for stakeholders", attach)
