"""SQLAlchemy typed models of the help desk.

Times are stored in UTC. SQLite keeps them naive, so `UTCDateTime` puts the zone back on the
way out; PostgreSQL keeps `timestamptz`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    role: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    reporter_limit: Mapped[int | None]
    primary_agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    calendar: Mapped[str | None] = mapped_column(String(64))
    lifecycle: Mapped[str | None] = mapped_column(String(32))
    sla_policy: Mapped[str | None] = mapped_column(String(64))  # None: the "default" policy
    auto_close_days: Mapped[int | None]  # business days of silence; None: 3; 0: never


class AccountMember(Base):
    __tablename__ = "account_members"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    is_reporter: Mapped[bool] = mapped_column(Boolean, default=True)


class Environment(Base):
    __tablename__ = "environments"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(200))


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(200))


class Area(Base):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    calendar: Mapped[str | None] = mapped_column(String(64))
    lifecycle: Mapped[str | None] = mapped_column(String(32))


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("area_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    name: Mapped[str] = mapped_column(String(200))


class AreaMember(Base):
    __tablename__ = "area_members"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class PermissionGrant(Base):
    """A per-user grant (granted=True) or revocation (granted=False) on top of the role."""

    __tablename__ = "permission_grants"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    permission: Mapped[str] = mapped_column(String(64), primary_key=True)
    granted: Mapped[bool] = mapped_column(Boolean)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # The staff queue: state tab + area, most urgent first, oldest first.
        Index("ix_tickets_queue", "status", "area_id", "prio_rank", "created_at", "id"),
        Index("ix_tickets_status_prio", "status", "prio_rank", "created_at", "id"),
        Index("ix_tickets_prio", "prio_rank", "created_at", "id"),
        Index("ix_tickets_updated", "updated_at", "id"),
        # One per person column, covering the narrow branch of the tab counts.
        Index("ix_tickets_assignee", "assignee_id", "area_id", "status", "id"),
        Index("ix_tickets_requester", "requester_id", "area_id", "status", "id"),
        Index("ix_tickets_contact", "contact_id", "area_id", "status", "id"),
        Index("ix_tickets_account", "account_id", "status"),
        Index("ix_tickets_area_status", "area_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    lifecycle: Mapped[str] = mapped_column(String(32), default="standard")
    type: Mapped[str] = mapped_column(String(16))
    impact: Mapped[str] = mapped_column(String(8))
    priority: Mapped[str] = mapped_column(String(8))
    prio_rank: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(8))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    environment_id: Mapped[int | None] = mapped_column(ForeignKey("environments.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Service-level clocks (computed from the ticket's history; see the SLA issue).
    first_response_at: Mapped[datetime | None]
    response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    # The due time whose breach was notified (once per breach; see store/automation.py), when
    # the ticket entered its state or its requester last wrote (silence rules), and the work
    # window the requester asked for (S3).
    response_breach_due_at: Mapped[datetime | None]
    resolution_breach_due_at: Mapped[datetime | None]
    silence_since: Mapped[datetime | None] = mapped_column(
        default=lambda ctx: ctx.get_current_parameters().get("created_at")
    )
    work_start_at: Mapped[datetime | None]
    work_end_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)


class TicketCount(Base):
    """Tickets per (area, account, status), kept in the same transaction as every change.

    The queue's tab counts read these few rows instead of counting a million tickets.
    area_id 0 stands for "no area".
    """

    __tablename__ = "ticket_counts"

    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class Event(Base):
    """One bitácora entry. Append-only: the store never updates nor deletes these rows."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    visibility: Mapped[str] = mapped_column(String(8), default="public")
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]


class Setting(Base):
    """Small key/value facts about this database (e.g. that it holds the demo organisation)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Presence(Base):
    """Who has a ticket open right now, and whether they are writing a reply (L4).

    Rows are refreshed by a heartbeat; a row older than a few seconds means the person left.
    """

    __tablename__ = "presence"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    typing: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_at: Mapped[datetime]


class Draft(Base):
    """What a person was typing in a form, kept so a dropped connection loses nothing (I5)."""

    __tablename__ = "drafts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    form: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]


# ------------------------------------------------------------- service levels (SLA issue)


class SlaCalendarRecord(Base):
    """A named business calendar (`store/calendar.py` `to_dict` form) that areas and accounts
    name; the one named "default" replaces the built-in default."""

    __tablename__ = "sla_calendars"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class SlaPolicyRecord(Base):
    """A named SLA policy (`store/sla.py` `to_dict` form) that accounts name; the one named
    "default" replaces the built-in default."""

    __tablename__ = "sla_policies"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


from sqlalchemy import text as _sql  # noqa: E402


def _unnotified(timer: str) -> str:
    # A running timer (due time set) whose current due time has not been notified yet.
    return (
        f"{timer}_due_at IS NOT NULL AND ({timer}_breach_due_at IS NULL"
        f" OR {timer}_breach_due_at <> {timer}_due_at)"
    )


# The breach scan reads only these: notified and stopped timers leave the index.
for _timer in ("response", "resolution"):
    Index(
        f"ix_tickets_{_timer}_unnotified",
        getattr(Ticket, f"{_timer}_due_at"),
        sqlite_where=_sql(_unnotified(_timer)),
        postgresql_where=_sql(_unnotified(_timer)),
    )
Index("ix_tickets_silence", Ticket.status, Ticket.silence_since)

# ------------------------------------------------------ five-stage lifecycle (SLA issue)


class ChecklistItem(Base):
    """One item of a ticket's analysis checklist (seed 003); no row means not done yet."""

    __tablename__ = "checklist_items"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    item: Mapped[str] = mapped_column(String(32), primary_key=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]


class WorkPlan(Base):
    """A work plan proposed by staff: an objective and dated activities, which the requester
    or the contact approves or rejects. Only the newest plan of a ticket is current."""

    __tablename__ = "work_plans"
    __table_args__ = (Index("ix_work_plans_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    objective: Mapped[str] = mapped_column(Text)
    # [{"date": "2026-12-01", "text": "..."}, ...] in the order given
    activities: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16))  # proposed | approved | rejected | superseded
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str] = mapped_column(Text, default="")

# ------------------------------------------------------------ knowledge base (KB issue)


class KbArticle(Base):
    """A knowledge-base article (K1). `search_*` hold the words of title, tags and body as the
    search indexes them (lower case, no accents, plus Spanish and English stems; store/kb_text.py):
    SQLite's FTS5 table and PostgreSQL's tsvector column are built from these, so both backends
    match the same words."""

    __tablename__ = "kb_articles"
    __table_args__ = (Index("ix_kb_articles_updated", "retired", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(500), default="")  # comma-separated
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    visibility: Mapped[str] = mapped_column(String(8), default="public")
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    search_title: Mapped[str] = mapped_column(Text, default="")
    search_tags: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")
    # Who may find it, as words in the SQLite index ("kbpublic kblive"): the search filters in
    # its MATCH and never reads the (large) article rows of the matches it does not return.
    search_flags: Mapped[str] = mapped_column(String(40), default="")


class KbRevision(Base):
    """Every state an article has been in: one row per create, edit, retire and restore."""

    __tablename__ = "kb_revisions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"))
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(500), default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    visibility: Mapped[str] = mapped_column(String(8))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]


class KbDeflection(Base):
    """A case not opened: the person read a suggested article and left the form (I2)."""

    __tablename__ = "kb_deflections"
    __table_args__ = (Index("ix_kb_deflections_article", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime]


class KbSolution(Base):
    """The article linked to a ticket as its solution (K3); one per ticket."""

    __tablename__ = "kb_solutions"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    linked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime]


# ---------------------------------------------------------------- surveys (survey issue)


class SurveyTemplate(Base):
    """Questions asked after a ticket is accepted (or closed after its resolution).

    Attached to a ticket type, an area and/or a category (the most specific match wins), or the
    default. `questions` is a list of {key, kind: scale|choice|text, text: {lang: str},
    required, options: [{key, text: {lang: str}}]}.
    """

    __tablename__ = "survey_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    questions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    ticket_type: Mapped[str | None] = mapped_column(String(16))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # A score at or below this asks for a comment (the template's first free-text question).
    low_score: Mapped[int | None] = mapped_column(Integer)
    expiry_days: Mapped[int] = mapped_column(Integer, default=14)
    # Also sent when the ticket is closed after its resolution (by the person or by silence).
    on_close: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class SurveyInvitation(Base):
    """One survey sent to a ticket's requester; at most one per ticket.

    The template is copied in (`form`), so later edits of the template do not change a survey
    already sent; the agent and the area are the ticket's when it was sent (for the results).
    """

    __tablename__ = "survey_invitations"
    __table_args__ = (
        Index("ix_survey_invitations_user", "user_id", "created_at"),
        # Covers the results: one scan of this index adds up any period, agent or area.
        Index(
            "ix_survey_invitations_results",
            "created_at", "agent_id", "area_id", "answered_at", "score_sum", "score_count",
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("survey_templates.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    trigger: Mapped[str] = mapped_column(String(16))
    form: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    # The 1–5 answers in sum, written with them: satisfaction without reading every answer.
    score_sum: Mapped[int | None] = mapped_column(Integer)
    score_count: Mapped[int] = mapped_column(Integer, default=0)


class SurveyAnswer(Base):
    """One question's answer: a score (scale), an option key (choice) or a text."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("invitation_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("survey_invitations.id"))
    question: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    score: Mapped[int | None] = mapped_column(Integer)
    choice: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)

# --------------------------------------------------------------- outbox (outbox issue)


class OutboxMessage(Base):
    """One e-mail to one person about one bitácora event, written in the event's transaction.

    States: queued -> sending (leased by one worker until lease_until) -> sent; or failed (with
    the last SMTP code and text, retried at next_attempt_at) and at last dead. The Message-ID is
    fixed here, so a message sent again after a crash carries the same one.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient_id", name="uq_outbox_event_recipient"),
        Index("ix_outbox_due", "state", "next_attempt_at", "id"),
        Index("ix_outbox_ticket", "ticket_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    lang: Mapped[str] = mapped_column(String(8))
    template: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    state: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    last_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
