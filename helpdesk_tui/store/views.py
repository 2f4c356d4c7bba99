"""Frozen views the store hands out. Screens and the command line never see ORM objects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


def ticket_number(ticket_id: int) -> str:
    return f"HD-{ticket_id:06d}"


def parse_ticket_ref(ref: str | int) -> int | None:
    """'HD-000123', 'hd-123', '#123' or '123' -> 123; anything else -> None."""
    if isinstance(ref, int):
        return ref
    cleaned = ref.strip().upper().removeprefix("HD-").removeprefix("HD").lstrip("#")
    return int(cleaned) if cleaned.isdigit() else None


@dataclass(frozen=True)
class TicketRow:
    id: int
    subject: str
    status: str
    type: str
    impact: str
    priority: str
    origin: str
    account: str
    requester: str
    contact: str | None
    assignee: str | None
    area: str | None
    category: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    resolution_due_at: datetime | None = None
    account_id: int = 0
    requester_id: int = 0
    contact_id: int | None = None
    assignee_id: int | None = None
    area_id: int | None = None
    category_id: int | None = None

    @property
    def number(self) -> str:
        return ticket_number(self.id)

    def to_json(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "number": self.number,
            "subject": self.subject,
            "status": self.status,
            "type": self.type,
            "impact": self.impact,
            "priority": self.priority,
            "origin": self.origin,
            "account": self.account,
            "requester": self.requester,
            "contact": self.contact,
            "assignee": self.assignee,
            "area": self.area,
            "category": self.category,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "version": self.version,
        }
        return out


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    actor: str  # username, or "system"
    actor_name: str
    kind: str
    visibility: str
    text: str
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "kind": self.kind,
            "visibility": self.visibility,
            "text": self.text,
            "data": self.data,
        }


@dataclass(frozen=True)
class AttachmentView:
    id: int
    event_id: int
    filename: str
    size: int
    sha256: str
    at: datetime
    uploaded_by: str

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketRow
    description: str
    resolution: str | None
    environment: str | None
    service: str | None
    events: tuple[EventView, ...]
    attachments: tuple[AttachmentView, ...]
    actions: tuple[str, ...]
    # Besides the lifecycle: comment, comment_internal, attach, recategorise.
    abilities: tuple[str, ...] = ()
    # The service-level clock explained: timers, intervals, due times (see store/sla.py).
    sla: dict[str, Any] | None = None
    # The knowledge-base article linked as the solution (id, title, visibility), if this actor
    # may read it (store/kb.py `solution_of`).
    solution: dict[str, Any] | None = None
    # Five-stage lifecycle: the analysis checklist and the current work plan (a StageView of
    # store/stages.py), None for lifecycles without them.
    stages: Any = None
    # S3: the work window the requester asked for (start, end), if any.
    work_window: tuple[datetime, datetime] | None = None

    def to_json(self) -> dict[str, Any]:
        out = self.ticket.to_json()
        out.update(
            description=self.description,
            resolution=self.resolution,
            environment=self.environment,
            service=self.service,
            events=[e.to_json() for e in self.events],
            attachments=[a.to_json() for a in self.attachments],
            actions=list(self.actions),
            abilities=list(self.abilities),
            sla=self.sla,
            solution=self.solution,
            stages=self.stages.to_json() if self.stages is not None else None,
            work_window=(
                {"start": self.work_window[0].isoformat(), "end": self.work_window[1].isoformat()}
                if self.work_window else None
            ),
        )
        return out


@dataclass(frozen=True)
class Page:
    rows: tuple[TicketRow, ...]
    # Opaque keyset cursors: pass `after=page.next_cursor` for the next page,
    # `before=page.prev_cursor` for the previous one. None when there is nothing further.
    next_cursor: tuple[Any, ...] | None
    prev_cursor: tuple[Any, ...] | None
    sort: str = ""


@dataclass(frozen=True)
class BulkResult:
    ticket_id: int
    applied: bool
    reason: str = ""  # translated-later message id, with params below
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def number(self) -> str:
        return ticket_number(self.ticket_id)


@dataclass(frozen=True)
class NewTicket:
    """What the case form (or `helpdesk ticket new`) submits. Catalog entries by name."""

    subject: str
    description: str
    account: str | None = None
    contact: str | None = None
    environment: str | None = None
    service: str | None = None
    area: str | None = None
    category: str | None = None
    type: str = "incident"
    impact: str = "medium"
    priority: str | None = None
    attachments: tuple[tuple[str, bytes], ...] = ()
    # S3: the requested (start, end) of the work; without an offset, on the ticket's calendar.
    work_window: tuple[datetime, datetime] | None = None
