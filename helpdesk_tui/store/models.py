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

# ------------------------------------------------------ five-stage lifecycle (SLA issue)

# ------------------------------------------------------------ knowledge base (KB issue)

# ---------------------------------------------------------------- surveys (survey issue)

# --------------------------------------------------------------- outbox (outbox issue)
