"""X1: the embedded database is configured and migrated; the schema matches the models."""

from __future__ import annotations

from sqlalchemy import text

from helpdesk_tui.store import Store, open_store
from helpdesk_tui.store.engine import normalise_url
from helpdesk_tui.store.models import Base


async def test_sqlite_pragmas(tmp_path) -> None:
    store = await open_store(str(tmp_path / "x.db"))
    try:
        async with store.db.engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000
    finally:
        await store.close()


async def test_migrating_twice_is_harmless_and_creates_the_folder(tmp_path) -> None:
    path = tmp_path / "nested" / "deeper" / "helpdesk.db"
    for _ in range(2):
        store = await open_store(str(path))
        await store.close()
    assert path.exists()


def test_url_forms() -> None:
    assert normalise_url("sqlite:///tmp/a.db") == "sqlite+aiosqlite:///tmp/a.db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalise_url("/tmp/b.db").startswith("sqlite+aiosqlite:////")


async def test_schema_matches_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def diff(sync_conn):
        ctx = MigrationContext.configure(sync_conn, opts={"include_object": _not_search})
        return compare_metadata(ctx, Base.metadata)

    async with store.db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []


def _not_search(obj, name, type_, reflected, compare_to) -> bool:
    # The full-text search objects are created by hand in the migration, per dialect.
    return not (name or "").startswith(
        ("tickets_fts", "ix_tickets_search", "alembic_version", "kb_fts", "ix_kb_articles_search", "search_doc", "search_head")
    )


def test_schema_head_constant_matches_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from helpdesk_tui.store.engine import SCHEMA_HEAD

    cfg = Config()
    cfg.set_main_option("script_location", "helpdesk_tui.store:migrations")
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


async def test_a_current_database_skips_alembic(tmp_path) -> None:
    """Starting on an up-to-date database does not even import Alembic (start-up time)."""
    import subprocess
    import sys

    store = await open_store(str(tmp_path / "x.db"))
    await store.close()
    probe = (
        "import asyncio, sys\n"
        "from helpdesk_tui.store import open_store\n"
        "async def main():\n"
        f"    store = await open_store({str(tmp_path / 'x.db')!r})\n"
        "    print('alembic' in sys.modules, await store.catalog.has_users())\n"
        "    await store.close()\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
