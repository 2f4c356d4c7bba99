"""What a console session shares with others: presence on a ticket, form drafts, and a cheap
"has anything changed?" probe for live refresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from helpdesk_tui.store import clock
from helpdesk_tui.store.engine import Database
from helpdesk_tui.store.models import Draft, Presence, Ticket, User
from helpdesk_tui.store.permissions import Actor

PRESENCE_TTL = timedelta(seconds=6)


@dataclass(frozen=True)
class Viewer:
    username: str
    name: str
    typing: bool


class SessionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _upsert(self, model: Any, values: dict[str, Any], keys: list[str]) -> Any:
        insert = sqlite.insert if self.db.dialect == "sqlite" else postgresql.insert
        stmt = insert(model).values(**values)
        return stmt.on_conflict_do_update(
            index_elements=keys, set_={k: v for k, v in values.items() if k not in keys}
        )

    # ---------------------------------------------------------------- presence

    async def heartbeat(self, actor: Actor, ticket_id: int, *, typing: bool = False) -> None:
        values = {"ticket_id": ticket_id, "user_id": actor.user_id, "typing": typing, "seen_at": clock.now()}
        async with self.db.write() as session:
            await session.execute(self._upsert(Presence, values, ["ticket_id", "user_id"]))

    async def leave(self, actor: Actor, ticket_id: int) -> None:
        async with self.db.write() as session:
            await session.execute(
                delete(Presence).where(Presence.ticket_id == ticket_id, Presence.user_id == actor.user_id)
            )

    async def viewers(self, actor: Actor, ticket_id: int) -> list[Viewer]:
        """Other people with this ticket open now. Only staff learn who they are."""
        if not actor.is_staff:
            return []
        since = clock.now() - PRESENCE_TTL
        stmt = (
            select(User.username, User.name, Presence.typing)
            .join(User, User.id == Presence.user_id)
            .where(Presence.ticket_id == ticket_id, Presence.seen_at >= since, Presence.user_id != actor.user_id)
            .order_by(User.username)
        )
        async with self.db.read() as session:
            return [Viewer(*r) for r in (await session.execute(stmt)).all()]

    # ------------------------------------------------------------------ drafts

    async def save_draft(self, actor: Actor, form: str, data: dict[str, Any]) -> None:
        values = {"user_id": actor.user_id, "form": form, "data": data, "updated_at": clock.now()}
        async with self.db.write() as session:
            await session.execute(self._upsert(Draft, values, ["user_id", "form"]))

    async def draft(self, actor: Actor, form: str) -> tuple[dict[str, Any], datetime] | None:
        async with self.db.read() as session:
            found = (
                await session.execute(
                    select(Draft.data, Draft.updated_at).where(Draft.user_id == actor.user_id, Draft.form == form)
                )
            ).first()
        return (found[0], found[1]) if found else None

    async def discard_draft(self, actor: Actor, form: str) -> None:
        async with self.db.write() as session:
            await session.execute(delete(Draft).where(Draft.user_id == actor.user_id, Draft.form == form))

    # ------------------------------------------------------------ live refresh

    async def last_change(self) -> tuple[Any, ...]:
        """A token that changes whenever any ticket changes (one index probe)."""
        async with self.db.read() as session:
            newest = await session.scalar(select(func.max(Ticket.updated_at)))
            count = await session.scalar(select(func.max(Ticket.id)))
        return (newest, count)

    async def ticket_version(self, ticket_id: int) -> int | None:
        async with self.db.read() as session:
            return await session.scalar(select(Ticket.version).where(Ticket.id == ticket_id))
