"""Writing the bitácora: the one way every part of the store appends an event.

Each write transaction remembers the events it appended (`logged_events`), so that what must
happen in the same transaction as a change (an e-mail in the outbox, a survey invitation) is
done by the database's before-commit hooks, whichever part of the store made the change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk_tui.store.models import Event

_LOGGED = "helpdesk_logged_events"


async def log_event(
    session: AsyncSession,
    ticket_id: int,
    actor_id: int | None,
    kind: str,
    at: datetime,
    *,
    text: str = "",
    data: dict[str, Any] | None = None,
    visibility: str = "public",
    flush: bool = True,
) -> Event:
    """Append one event to a ticket's bitácora in the session's transaction."""
    event = Event(
        ticket_id=ticket_id, at=at, actor_id=actor_id, kind=kind, visibility=visibility,
        text=text, data=data or {},
    )  # fmt: skip
    session.add(event)
    session.info.setdefault(_LOGGED, []).append(event)
    if flush:
        await session.flush()
    return event


def logged_events(session: AsyncSession) -> list[Event]:
    """The events appended in this session's transaction so far, oldest first."""
    return list(session.info.get(_LOGGED, ()))
