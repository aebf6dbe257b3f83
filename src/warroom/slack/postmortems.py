"""The postmortem in Slack: drafted into the channel (one summary message, edited on every
re-draft, with the whole Markdown as a file in its thread), and published to stakeholders."""

from warroom import incidents, postmortem, reminders
from warroom.postmortem import PostmortemTemplateError
from warroom.slack import postmortem_views
from warroom.slack.gateway import Attempts
from warroom.slack.services import Services


def post_draft(services: Services, incident_id: int) -> list[str]:
    """(Re)draft the postmortem into the incident channel; returns failures, in words."""
    with services.db.transaction() as session:
        incident = incidents.get(session, incident_id)
        if incident.postmortem_status == "none":
            postmortem.set_status(session, incident_id, "draft")
        draft = postmortem.gather(session, incident_id, services.slack.display_name)
        ts = postmortem.summary_message(session, incident_id)
    attempts = Attempts(incident.reference)
    if incident.channel_id is None:
        return attempts.failures
    try:
        markdown = postmortem.render(draft, services.settings.warroom_templates_dir)
    except PostmortemTemplateError as error:
        return [str(error)]
    text, page = postmortem_views.summary(draft, incident_id)
    slack, channel = services.slack, incident.channel_id
    if ts:
        attempts.attempt("update the postmortem summary", slack.update, channel, ts, text, page)
    else:
        ts = attempts.attempt("post the postmortem summary", slack.post, channel, text, page)
        if ts:
            with services.db.transaction() as session:
                postmortem.remember_summary_message(session, incident_id, ts)
    if ts:
        attempts.attempt(
            "attach the full draft", slack.upload, channel, markdown, _filename(draft), ts
        )
    return attempts.failures


def publish(services: Services, incident_id: int) -> list[str]:
    """Final: the channel's summary says so, stakeholders get it, the overdue nag stops."""
    with services.db.transaction() as session:
        incident = postmortem.set_status(session, incident_id, "published")
        reminders.reschedule_incident(session, incident, services.policy)
    failures = post_draft(services, incident_id)
    announce_to = services.settings.warroom_announce_channel
    if incident.is_private or not announce_to:
        return failures
    with services.db.transaction() as session:
        draft = postmortem.gather(session, incident_id, services.slack.display_name)
    markdown = postmortem.render(draft, services.settings.warroom_templates_dir)
    attempts = Attempts(incident.reference)
    ts = attempts.attempt(
        "post it for stakeholders",
        services.slack.post,
        announce_to,
        *postmortem_views.summary(draft, incident_id),
    )
    if ts:
        attempts.attempt(
            "attach it for stakeholders",
            services.slack.upload,
            announce_to,
            markdown,
            _filename(draft),
            ts,
        )
    return failures + attempts.failures


def _filename(draft) -> str:
    return f"{draft.reference}-postmortem.md"
