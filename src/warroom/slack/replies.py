"""Answering the person a request came from, after its acknowledgement."""

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from warroom.domain.events import IncidentDeclared
from warroom.slack import forms
from warroom.slack.services import Services

log = logging.getLogger(__name__)


def reply(services: Services, declared: IncidentDeclared, text: str) -> None:
    """Tell the declarer: in the form they declared from, under the command they typed
    (its response_url lasts half an hour), or else in a direct message."""
    where = declared.reply_to
    if view_id := where.get("view_id"):
        try:
            services.slack.update_view(view_id, forms.notice_view(text))
            return
        except SlackApiError as error:
            log.info("the declare form is gone (%r); telling the declarer directly", error)
    elif url := where.get("response_url"):
        answer = WebhookClient(url, timeout=10).send(
            text=text, response_type="ephemeral", replace_original=False
        )
        if answer.status_code == 200:
            return
        log.info("the response_url refused (%s); telling the declarer directly", answer.status_code)
    services.slack.post(declared.by, text, [])
