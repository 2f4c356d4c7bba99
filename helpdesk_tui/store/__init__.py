"""Everything that knows about the database and the rules. Screens and the command line use
`Store` (or its parts) and nothing below it."""

from __future__ import annotations

from pathlib import Path

from helpdesk_tui.store.catalog import CatalogStore
from helpdesk_tui.store.engine import Database
from helpdesk_tui.store.kb import KbStore
from helpdesk_tui.store.outbox import OutboxStore
from helpdesk_tui.store.service_levels import ServiceLevelStore
from helpdesk_tui.store.session import SessionStore
from helpdesk_tui.store.stages import StageStore
from helpdesk_tui.store.surveys import SurveyStore, invite_on_commit
from helpdesk_tui.store.tickets import TicketStore


class Store:
    """The parts of the store over one database. Parts that must write something together
    with every change (survey invitations, outbox messages) add a hook to
    `db.before_commit` here."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.tickets = TicketStore(db)
        self.catalog = CatalogStore(db)
        self.session = SessionStore(db)
        self.stages = StageStore(db)
        self.surveys = SurveyStore(db)
        db.before_commit.insert(0, invite_on_commit)  # before the outbox: it may mail the survey
        self.levels = ServiceLevelStore(db)
        self.kb = KbStore(db)
        self.outbox = OutboxStore(db)
        db.before_commit.append(self.outbox.enqueue)

    @classmethod
    def for_database(cls, db: Database) -> Store:
        return cls(db)

    async def close(self) -> None:
        await self.db.dispose()


async def open_store(
    url: str,
    *,
    schema: str | None = None,
    attachments_dir: Path | None = None,
    attachment_limit: int = 25 * 1024 * 1024,
    migrate: bool = True,
) -> Store:
    """Open the database, creating or upgrading its schema first."""
    db = Database(
        url, schema=schema, attachments_dir=attachments_dir, attachment_limit=attachment_limit
    )
    if migrate:
        await db.migrate()
    return Store.for_database(db)
