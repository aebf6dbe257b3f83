"""The status page from Slack: `/incident statuspage`, the buttons that open its form (on
the nag, on the word that a resolved incident is still on the page), the form, its preview,
and publishing."""

from slack_bolt import Ack, App, Respond
from sqlalchemy.exc import SQLAlchemyError

from warroom.app import status_page
from warroom.domain.incident import IncidentError
from warroom.domain.status_page import Condition, Phase, StatusPageError
from warroom.slack import blocks, forms
from warroom.slack import status_page_views as views
from warroom.slack.follow_up import FollowUp, just_ack, teller
from warroom.slack.services import Services
from warroom.store import incidents
from warroom.store.models import Incident


class StatusPageForms:
    def __init__(self, services: Services):
        self.services = services

    def register(self, app: App) -> None:
        app.action(views.OPEN_BUTTON)(ack=just_ack, lazy=[self.open_form])
        app.action(views.CLOSING_BUTTON)(ack=just_ack, lazy=[self.open_closing_form])
        app.view(views.FORM_CALLBACK)(self.form_submitted)
        app.view(views.PREVIEW_CALLBACK)(self.preview_submitted)

    def command(self, incident: Incident, command: dict, ack: Ack) -> FollowUp:
        """`/incident statuspage`: the form, unless the incident may never be shown."""
        if not incident.may_reach_customers:
            ack(response_type="ephemeral", text=_refused(incident))
            return None
        ack()
        return lambda _tell: self._open(command["trigger_id"], incident, closing=False)

    def open_form(self, body: dict, action: dict, respond: Respond) -> None:
        self._open_from(body, action, respond, closing=False)

    def open_closing_form(self, body: dict, action: dict, respond: Respond) -> None:
        self._open_from(body, action, respond, closing=True)

    def _open_from(self, body: dict, action: dict, respond: Respond, closing: bool) -> None:
        tell = teller(self.services, body, respond)
        try:
            with self.services.db.transaction() as session:
                incident = incidents.get(session, int(action.get("value") or 0))
        except IncidentError as error:
            tell(blocks.incident_error(error))
            return
        if not incident.may_reach_customers:
            tell(_refused(incident))
        else:
            self._open(body["trigger_id"], incident, closing)

    def _open(self, trigger_id: str, incident: Incident, closing: bool) -> None:
        names = self.services.status_components()
        start = self._start(incident, names, closing)
        self.services.slack.open_view(trigger_id, views.form_modal(incident, names, start))

    def _start(self, incident: Incident, names: list[str], closing: bool) -> views.Start:
        """The form starts from what customers last read; a first update from the
        components of the incident's services; a closing one says all is well again."""
        last = status_page.last_update(self.services.core, incident.id)
        if closing:
            told = list(last.components) if last else []
            return views.Start(
                last.title if last else "",
                Phase.RESOLVED,
                Condition.OPERATIONAL,
                told,
                views.CLOSING_MESSAGE,
            )
        if last is None or last.phase == Phase.RESOLVED:
            found, _ = self.services.catalog.find(incident.services)
            affected = [s.status_component for s in found if s.status_component in names]
            title = last.title if last else ""
            return views.Start(title, Phase.INVESTIGATING, Condition.PARTIAL_OUTAGE, affected)
        conditions = [Condition(value) for value in last.components.values()]
        worst = max(conditions, key=lambda c: c.rank, default=Condition.PARTIAL_OUTAGE)
        return views.Start(last.title, Phase(last.phase), worst, list(last.components))

    def form_submitted(self, ack: Ack, body: dict, view: dict) -> None:
        """Preview before publishing: the update as customers will see it."""
        try:
            update = views.submitted(view["state"]["values"])
            preview = views.preview_modal(int(view["private_metadata"]), update)
        except StatusPageError as error:
            ack(response_action="errors", errors={error.part: str(error)})
            return
        ack(response_action="push", view=preview)

    def preview_submitted(self, ack: Ack, body: dict, view: dict) -> None:
        incident_id, update = views.draft_of(view["private_metadata"])
        try:
            status_page.publish(self.services.core, incident_id, update, by=body["user"]["id"])
        except IncidentError as error:
            _say(ack, blocks.incident_error(error))
        except SQLAlchemyError:
            _say(ack, blocks.UNAVAILABLE)
        else:
            ack(response_action="clear")


def _say(ack: Ack, text: str) -> None:
    """The preview has no field to put an error on: the modal itself says it."""
    ack(response_action="update", view=forms.notice_view(text, title="Status page"))


def _refused(incident: Incident) -> str:
    return f":lock: {blocks.escape(status_page.refusal(incident))}"
