"""Engine and sessions for SQLite (embedded default) and PostgreSQL, and schema migration."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 15000
# Run at the end of every write transaction, before it commits, with its session: what must be
# written together with a change (outbox messages, survey invitations) is written there.
CommitHook = Callable[[AsyncSession], Awaitable[None]]
# The newest migration. Starting up compares the database with it and only loads Alembic when
# they differ (a test keeps this equal to Alembic's head).
SCHEMA_HEAD = "0008"


def normalise_url(url: str) -> str:
    """Accept plain paths and driverless URLs; return an async SQLAlchemy URL."""
    if "://" not in url:
        return f"sqlite+aiosqlite:///{Path(url).expanduser().resolve()}"
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


class Database:
    """One database: its engines, its session factories and its attachment folder.

    `write()` opens a transaction meant to change things. On SQLite it begins IMMEDIATE so that
    two writers queue on the busy timeout instead of failing on a lock upgrade.
    """

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        attachments_dir: Path | None = None,
        attachment_limit: int = 25 * 1024 * 1024,
    ) -> None:
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.dialect = "sqlite" if parsed.drivername.startswith("sqlite") else "postgresql"
        self.schema = schema
        self.attachment_limit = attachment_limit
        self.engine = self._make_engine()
        self._writer = self.engine.execution_options(helpdesk_write=True)
        self.reader = async_sessionmaker(self.engine, expire_on_commit=False)
        self.writer = async_sessionmaker(self._writer, expire_on_commit=False)
        self.before_commit: list[CommitHook] = []
        if attachments_dir is None:
            if self.dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
                db_path = Path(parsed.database)
                attachments_dir = db_path.with_name(db_path.name + ".attachments")
            else:
                from helpdesk_tui.config import default_attachments_dir

                attachments_dir = default_attachments_dir()
        self.attachments_dir = Path(attachments_dir)

    def _make_engine(self) -> AsyncEngine:
        if self.dialect == "sqlite":
            # Few connections: SQLite has one writer, and each connection keeps its own cache.
            engine = create_async_engine(self.url, pool_size=3, max_overflow=3)
            _install_sqlite_hooks(engine)
            return engine
        # The store always joins tickets first, then small lookups: keeping that order spares
        # PostgreSQL most of its planning time (measured: a queue page 26 ms -> 3 ms at 1M).
        settings = {"join_collapse_limit": "1"}
        if self.schema:
            settings["search_path"] = f"{self.schema},public"
        connect_args: dict[str, Any] = {"server_settings": settings}
        return create_async_engine(self.url, pool_size=5, max_overflow=5, connect_args=connect_args)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self.reader() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        async with self.writer() as session, session.begin():
            yield session
            for hook in self.before_commit:
                await hook(session)

    async def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        if self.dialect == "sqlite":
            path = make_url(self.url).database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        if await self.schema_version() == SCHEMA_HEAD:
            return
        if self.schema:
            async with self.engine.begin() as conn:
                await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
        async with self.engine.begin() as conn:
            await conn.run_sync(_upgrade)

    async def schema_version(self) -> str | None:
        """The migration this database is at; None when it has no schema yet."""
        try:
            async with self.engine.connect() as conn:
                return (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        except Exception:  # noqa: BLE001 - no table yet (or no file): not migrated
            return None

    async def dispose(self) -> None:
        if self.dialect == "sqlite":
            # Keep the planner's statistics fresh (cheap; only analyses what changed a lot).
            try:
                async with self.engine.connect() as conn:
                    await conn.exec_driver_sql("PRAGMA optimize")
            except Exception:  # noqa: BLE001 - closing must not fail on a busy or read-only file
                pass
        await self.engine.dispose()


def _upgrade(sync_conn: Any) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "helpdesk_tui.store:migrations")
    cfg.attributes["connection"] = sync_conn
    command.upgrade(cfg, "head")


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions begin.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-16384")
        cursor.close()
        # SQLite's own lower() folds ASCII only; names like "Álvarez" must compare too.
        dbapi_conn.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("helpdesk_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
