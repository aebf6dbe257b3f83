"""The database schema as typed SQLAlchemy models. Alembic migrations are its only authority."""

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from warroom.domain.action_items import ActionKind, ActionStatus
from warroom.domain.alerts import AlertStatus
from warroom.domain.incident import Role, Severity, Status, incident_reference
from warroom.domain.milestones import Milestone
from warroom.domain.postmortem import PostmortemStatus


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in and out, on SQLite (which stores naive text) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Incident(Base):
    """One incident. Its primary key is its human number (INC-<id>)."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_declared_at", "declared_at"),)  # lists, insights

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[Severity] = mapped_column(String(8))
    status: Mapped[Status] = mapped_column(String(16), default=Status.INVESTIGATING)
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    # A practice incident: it runs the whole process, but pages and announces nothing, never
    # reaches the status page or a tracker, and counts in no insight.
    is_drill: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    declared_by: Mapped[str] = mapped_column(String(32))
    # The milestones (see domain/milestones.py); each edit is also a timeline entry.
    impact_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mitigated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # status page
    # What exists in Slack, recorded as each piece comes to exist: never ahead of Slack.
    channel_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    channel_name: Mapped[str | None] = mapped_column(String(80))
    headline_ts: Mapped[str | None] = mapped_column(String(32))
    announcement_channel_id: Mapped[str | None] = mapped_column(String(32))
    announcement_ts: Mapped[str | None] = mapped_column(String(32))
    setup_failure: Mapped[str | None] = mapped_column(Text)
    postmortem_status: Mapped[PostmortemStatus] = mapped_column(
        String(16), default=PostmortemStatus.NONE, server_default=PostmortemStatus.NONE.value
    )
    postmortem_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="incident", order_by="RoleAssignment.started_at"
    )
    affected: Mapped[list["AffectedService"]] = relationship(
        order_by="AffectedService.position", cascade="all, delete-orphan"
    )

    @property
    def services(self) -> list[str]:
        """The catalog names of the services it is about, in the order given."""
        return [affected.service for affected in self.affected]

    @property
    def reference(self) -> str:
        return incident_reference(self.id)

    @property
    def is_open(self) -> bool:
        return self.status != Status.RESOLVED

    @property
    def may_reach_customers(self) -> bool:
        """Whether it may appear on the status page: not private, not a drill."""
        return not self.is_private and not self.is_drill

    @property
    def milestones(self) -> dict[Milestone, datetime | None]:
        return {milestone: getattr(self, milestone.column) for milestone in Milestone}

    def holder(self, role: Role) -> str | None:
        return next((a.user_id for a in self.roles if a.role == role and a.ended_at is None), None)


class RoleAssignment(Base):
    """Who held which role, from when to when; the open row (ended_at NULL) is the holder."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        Index(
            "uq_role_assignments_current_holder",
            "incident_id",
            "role",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    role: Mapped[Role] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(32))
    assigned_by: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    incident: Mapped[Incident] = relationship(back_populates="roles")


class AffectedService(Base):
    """A service of the catalog an incident is about (by name: the catalog is a file)."""

    __tablename__ = "affected_services"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    service: Mapped[str] = mapped_column(String(63), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


# The dashboard's search (ILIKE '%word%'), where pg_trgm could be created: 0011. Compared
# on PostgreSQL only, and only where it exists (migrations/env.py): where pg_trgm was refused
# the search reads every message, and `warroom doctor` says so.
TRIGRAM_INDEX = Index(
    "ix_timeline_entries_text_trigrams",
    "text",
    postgresql_using="gin",
    postgresql_ops={"text": "gin_trgm_ops"},
    info={"only_on": "postgresql", "optional": True},
).ddl_if(dialect="postgresql")


class TimelineEntry(Base):
    """Something that happened during an incident, at the time it happened."""

    __tablename__ = "timeline_entries"
    __table_args__ = (
        UniqueConstraint("slack_channel_id", "slack_ts"),
        Index("ix_timeline_entries_incident_occurred", "incident_id", "occurred_at"),
        TRIGRAM_INDEX,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    highlighted: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    original_text: Mapped[str | None] = mapped_column(Text)  # set by the first edit
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # kept, out of reports
    # A message's channel and ts identify it in Slack; NULL for entries warroom made itself.
    slack_channel_id: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))


class StatusUpdate(Base):
    """An update published to the status page: all of it public, written for customers."""

    __tablename__ = "status_updates"
    __table_args__ = (Index("ix_status_updates_published_at", "published_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    phase: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    components: Mapped[dict] = mapped_column(JSON, default=dict)  # component -> condition


class ProcessedEvent(Base):
    """Slack event ids already handled, so a re-delivery is a no-op."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ActionItem(Base):
    """A follow-up with exactly one owner and a due date (or "TBD" until one is agreed); it
    outlives its incident."""

    __tablename__ = "action_items"
    __table_args__ = (
        Index("ix_action_items_owner_status", "owner_id", "status"),
        # An incident's items by status and due date, read without the rows (insights).
        Index("ix_action_items_incident_status_due", "incident_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date | None] = mapped_column(Date)  # None: "due TBD", to be settled
    priority: Mapped[str | None] = mapped_column(String(4))
    kind: Mapped[ActionKind | None] = mapped_column(String(16))
    status: Mapped[ActionStatus] = mapped_column(String(16), default=ActionStatus.OPEN)
    closed_reason: Mapped[str | None] = mapped_column(Text)
    ticket_url: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN


class Reminder(Base):
    """The next time one nag falls due. The scheduler's only question is a range scan on
    `due_at`; a row exists only while its nag can still fall due."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("kind", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # "incident:12" or "action:340"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    action_item_id: Mapped[int | None] = mapped_column(ForeignKey("action_items.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NagSent(Base):
    """Each nag sent, once per due time: the unique key is the last guard against doubles."""

    __tablename__ = "nags_sent"
    __table_args__ = (UniqueConstraint("kind", "subject", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PostmortemNotes(Base):
    """What only people know, asked for in the postmortem form; the rest comes from records."""

    __tablename__ = "postmortem_notes"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")  # users, requests, money, SLA
    root_cause: Mapped[str] = mapped_column(Text, default="")
    contributing_factors: Mapped[str] = mapped_column(Text, default="")  # one per line
    detection: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")
    recovery: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    what_went_well: Mapped[str] = mapped_column(Text, default="")
    summary_message_ts: Mapped[str | None] = mapped_column(String(32))  # edited on re-draft
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


PENDING = text("state = 'pending'")


class OutboxDelivery(Base):
    """One domain event on its way to one destination, written in the transaction of the
    change it tells of. A destination gets a stream's events (an incident's, an alert
    group's) one at a time, in the order of their ids; the deliverer claims each (a lease),
    and retries it until it is delivered or given up on."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "due_at", sqlite_where=PENDING, postgresql_where=PENDING),
        Index(
            "ix_outbox_stream",
            "stream",
            "destination",
            "id",
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the event's order is kept within: "incident-12", "alert-group-3".
    stream: Mapped[str] = mapped_column(String(40))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    destination: Mapped[str] = mapped_column(String(64))  # "slack", "slack.notices", "webhook"
    event: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The steps of the delivery already done, so that a retry does only the rest.
    progress: Mapped[list] = mapped_column(JSON, default=list)
    result: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. the ts of what was posted
    # The delivery of the DeliveryDelayed warning about this one, once it was warned about.
    warning_id: Mapped[int | None] = mapped_column(Integer)


class Deploy(Base):
    """A release of a service, as the deploy hooks were told of it. The same service,
    version and moment is one deploy, however often it is reported."""

    __tablename__ = "deploys"
    __table_args__ = (
        UniqueConstraint("service", "version", "deployed_at"),
        Index("ix_deploys_service_deployed_at", "service", "deployed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service: Mapped[str] = mapped_column(String(63))
    version: Mapped[str] = mapped_column(String(200))
    deployed_by: Mapped[str | None] = mapped_column(String(200))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    link: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))  # "hook" or "github"
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AlertGroup(Base):
    """Alerts that a monitoring system sent as one group (its group key), and what became of
    them: a prompt in the alerts channel, an incident. While `open_key` is set, the group
    takes in what is sent under its key; the unique key makes that one group at a time."""

    __tablename__ = "alert_groups"
    __table_args__ = (Index("ix_alert_groups_incident_id", "incident_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # "alertmanager", "grafana", "generic"
    group_key: Mapped[str] = mapped_column(Text)
    open_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    severity: Mapped[Severity] = mapped_column(String(8))  # as its labels suggest
    service: Mapped[str | None] = mapped_column(String(63))
    labels: Mapped[dict] = mapped_column(JSON)  # those all its alerts share
    link: Mapped[str | None] = mapped_column(Text)
    # Each alert by fingerprint: {"status", "starts_at", "summary", "link"}.
    alerts: Mapped[dict] = mapped_column(JSON)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    prompt_channel: Mapped[str | None] = mapped_column(String(32))
    prompt_ts: Mapped[str | None] = mapped_column(String(32))

    @property
    def firing(self) -> list[dict]:
        return [a for a in self.alerts.values() if a["status"] == AlertStatus.FIRING]
